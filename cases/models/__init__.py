from cases.models.dispute.agreement import Agreement, Instalment, Payment, Signatory
from cases.models.dispute.attachments import ApplicationAttachment
from cases.models.dispute.calendar_feed import CalendarFeed
from cases.models.dispute.case import CaseNumberCounter, Channel, DisputeCase, DisputeClaim, DisputeStatus
from cases.models.dispute.consent import ConsentDecision, ConsentParty, MediationConsent
from cases.models.dispute.mediation import MediationExtension, MediationSession, SessionStatus
from cases.models.dispute.recusal import RecusalDecision, RecusalParty, RecusalRequest
from cases.models.dispute.representation import Agent, AgentKind, Authority, CaseWorker, PartySide, SpecialPower
from cases.models.dispute.service import (
    ElectronicChannel,
    ElectronicServiceConsent,
    ServiceMethod,
    ServiceParty,
    ServiceRecord,
)
from cases.models.dispute.signed_original import ScanType, SignedOriginal
from cases.models.hardship.civil_affairs import (
    CivilAffairsImport,
    CivilAffairsRecord,
    LinkCandidate,
    LinkDecision,
    LinkStatus,
)
from cases.models.hardship.file import HardshipFile
from cases.models.hardship.funds import AidPlan, Disbursement, EntryKind, Fund, FundEntry, PlanStatus
from cases.models.hardship.household import (
    EmploymentStatus,
    ExpenseKind,
    HardshipCause,
    HardshipCostItem,
    HardshipEvent,
    Health,
    Household,
    HouseholdMember,
    IncomeItem,
    IncomeKind,
    MinimumLivingStandard,
    Relation,
    RigidExpense,
    SchoolingStage,
)
from cases.models.hardship.parameters import HardshipParameters
from cases.models.hardship.programmes import AidProgrammeApplication, AidProgrammeRule, ApplicationStatus, SchoolTerm
from cases.models.hardship.records import (
    AttachmentKind,
    FileNumberCounter,
    HardshipAttachment,
    Objection,
    ObjectionStatus,
    YearlyReview,
)
from cases.models.hardship.states import AidProgramme, AidType, CivilCheckResult, ExitReason, HardshipStatus, IdentificationSource

from .accounts import TemporaryPassword
from .audit import AuditAction, AuditChainHead, AuditEvent, ImmutableError
from .calendar import DayKind, HolidaySchedule, HolidayScheduleDay, ScheduleStatus
from .deadlines import Deadline, DeadlineState
from .documents import Document
from .orgs import Membership, Organisation, OrganisationKind, Role
from .parties import Employer, Sex, Worker
from .rollup import DisputeRollup, RollupSpan
from .verification import CodePurpose, PhoneCode

__all__ = [
    "ApplicationAttachment", "CodePurpose", "PhoneCode",
    "DisputeRollup", "RollupSpan",
    "Agreement", "CalendarFeed", "Instalment", "Payment", "Signatory", "ConsentDecision", "ConsentParty", "MediationConsent",
    "MediationExtension", "MediationSession", "SessionStatus", "RecusalDecision", "RecusalParty", "RecusalRequest",
    "ElectronicChannel", "ElectronicServiceConsent", "ServiceMethod", "ServiceParty", "ServiceRecord",
    "ScanType", "SignedOriginal", "Agent", "AgentKind", "Authority", "CaseWorker", "PartySide", "SpecialPower",
    "AuditAction", "AuditChainHead", "AuditEvent", "ImmutableError",
    "DayKind", "HolidaySchedule", "HolidayScheduleDay", "ScheduleStatus",
    "CaseNumberCounter", "Channel", "DisputeCase", "DisputeClaim", "DisputeStatus",
    "Deadline", "DeadlineState", "Document", "Employer", "Sex", "Worker",
    "Membership", "Organisation", "OrganisationKind", "Role", "TemporaryPassword",
    "EmploymentStatus", "ExpenseKind", "HardshipCostItem", "HardshipEvent", "Health", "Household", "HouseholdMember",
    "IncomeItem", "IncomeKind", "MinimumLivingStandard", "HardshipParameters", "Relation", "RigidExpense", "SchoolingStage",
    "CivilAffairsImport", "CivilAffairsRecord", "LinkCandidate", "LinkDecision", "LinkStatus",
    "AidPlan", "Disbursement", "EntryKind", "Fund", "FundEntry", "PlanStatus", "HardshipFile",
    "AttachmentKind", "FileNumberCounter", "HardshipAttachment", "Objection", "ObjectionStatus", "YearlyReview",
    "AidProgramme", "AidProgrammeApplication", "AidProgrammeRule", "ApplicationStatus", "HardshipCause", "SchoolTerm",
    "AidType", "CivilCheckResult", "ExitReason", "HardshipStatus", "IdentificationSource",
]
