from .audit import AuditAction, AuditChainHead, AuditEvent, ImmutableError
from .calendar import DayKind, HolidaySchedule, HolidayScheduleDay, ScheduleStatus
from .deadlines import Deadline, DeadlineState
from .documents import Document
from .orgs import Membership, Organisation, OrganisationKind, Role

__all__ = [
    "AuditAction", "AuditChainHead", "AuditEvent", "ImmutableError",
    "DayKind", "HolidaySchedule", "HolidayScheduleDay", "ScheduleStatus",
    "Deadline", "DeadlineState", "Document",
    "Membership", "Organisation", "OrganisationKind", "Role",
]
