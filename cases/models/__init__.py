from cases.models.dispute.agreement import Agreement, Instalment, Payment, Signatory
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
from cases.models.hardship.records import (
    AttachmentKind,
    FileNumberCounter,
    HardshipAttachment,
    Objection,
    ObjectionStatus,
    YearlyReview,
)
from cases.models.hardship.states import AidType, CivilCheckResult, ExitReason, HardshipStatus, IdentificationSource

from .audit import AuditAction, AuditChainHead, AuditEvent, ImmutableError
from .calendar import DayKind, HolidaySchedule, HolidayScheduleDay, ScheduleStatus
from .deadlines import Deadline, DeadlineState
from .documents import Document
from .orgs import Membership, Organisation, OrganisationKind, Role
from .parties import Employer, Sex, Worker
from .rollup import DisputeRollup, RollupSpan

__all__ = [
    "DisputeRollup", "RollupSpan",
    "Agreement", "Instalment", "Payment", "Signatory", "ConsentDecision", "ConsentParty", "MediationConsent",
    "MediationExtension", "MediationSession", "SessionStatus", "RecusalDecision", "RecusalParty", "RecusalRequest",
    "ElectronicChannel", "ElectronicServiceConsent", "ServiceMethod", "ServiceParty", "ServiceRecord",
    "ScanType", "SignedOriginal", "Agent", "AgentKind", "Authority", "CaseWorker", "PartySide", "SpecialPower",
    "AuditAction", "AuditChainHead", "AuditEvent", "ImmutableError",
    "DayKind", "HolidaySchedule", "HolidayScheduleDay", "ScheduleStatus",
    "CaseNumberCounter", "Channel", "DisputeCase", "DisputeClaim", "DisputeStatus",
    "Deadline", "DeadlineState", "Document", "Employer", "Sex", "Worker",
    "Membership", "Organisation", "OrganisationKind", "Role",
    "EmploymentStatus", "ExpenseKind", "HardshipCostItem", "HardshipEvent", "Health", "Household", "HouseholdMember",
    "IncomeItem", "IncomeKind", "MinimumLivingStandard", "HardshipParameters", "Relation", "RigidExpense", "SchoolingStage",
    "CivilAffairsImport", "CivilAffairsRecord", "LinkCandidate", "LinkDecision", "LinkStatus",
    "AidPlan", "Disbursement", "EntryKind", "Fund", "FundEntry", "PlanStatus", "HardshipFile",
    "AttachmentKind", "FileNumberCounter", "HardshipAttachment", "Objection", "ObjectionStatus", "YearlyReview",
    "AidType", "CivilCheckResult", "ExitReason", "HardshipStatus", "IdentificationSource",
]
