"""The deadlines service: legal clocks opened, met, extended, moved, breached and cancelled
(clocks.py), swept for warnings and breaches (sweep.py), and who hears of them (notices.py).

What each clock means is declared in cases/rules/deadlines.py; Deadline rows hold the state
of each running one.
"""

from .clocks import (
    DeadlineChanges,
    DeadlineMove,
    announce,
    due_dates_changed,
    apply_trigger,
    close_deadline,
    close_deadlines,
    extend_deadline,
    hand_over_to_assignee,
    new_deadline,
    open_deadline,
    open_together,
    recompute_after_schedule_approval,
    recompute_provisional,
    start_from_service,
    today_local,
)
from .notices import subject_link, tell_parties_at
from .sweep import CheckSummary, check_deadlines

__all__ = [
    "CheckSummary", "DeadlineChanges", "DeadlineMove", "announce", "apply_trigger", "check_deadlines",
    "close_deadline", "close_deadlines", "due_dates_changed", "extend_deadline", "hand_over_to_assignee", "new_deadline",
    "open_deadline", "open_together",
    "recompute_after_schedule_approval", "recompute_provisional", "start_from_service", "subject_link",
    "tell_parties_at", "today_local",
]
