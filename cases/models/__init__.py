from .agreement import Agreement, Instalment, Payment, Signatory
from .audit import AuditAction, AuditChainHead, AuditEvent, ImmutableError
from .calendar import DayKind, HolidaySchedule, HolidayScheduleDay, ScheduleStatus
from .deadlines import Deadline, DeadlineState
from .dispute import CaseNumberCounter, Channel, DisputeCase, DisputeClaim, DisputeStatus
from .documents import Document
from .hardship import (
    EmploymentStatus, ExpenseKind, HardshipCostItem, HardshipEvent, Health, Household, HouseholdMember, IncomeItem,
    IncomeKind, MinimumLivingStandard, Relation, RigidExpense, SchoolingStage,
)
from .mediation import MediationExtension, MediationSession, SessionStatus
from .orgs import Membership, Organisation, OrganisationKind, Role
from .parties import Employer, Sex, Worker

__all__ = [
    "Agreement", "Instalment", "Payment", "Signatory", "MediationExtension", "MediationSession", "SessionStatus",
    "AuditAction", "AuditChainHead", "AuditEvent", "ImmutableError",
    "DayKind", "HolidaySchedule", "HolidayScheduleDay", "ScheduleStatus",
    "CaseNumberCounter", "Channel", "DisputeCase", "DisputeClaim", "DisputeStatus",
    "Deadline", "DeadlineState", "Document", "Employer", "Sex", "Worker",
    "Membership", "Organisation", "OrganisationKind", "Role",
    "EmploymentStatus", "ExpenseKind", "HardshipCostItem", "HardshipEvent", "Health", "Household", "HouseholdMember",
    "IncomeItem", "IncomeKind", "MinimumLivingStandard", "Relation", "RigidExpense", "SchoolingStage",
]
