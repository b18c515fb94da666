"""Whom a clock's warnings, breaches and moves are told, and what they are told."""

from collections.abc import Callable

from cases.models import Deadline
from cases.models.access import nearest_holders

def recipients(deadline: Deadline, *, escalate: bool) -> list:
    people = [deadline.assignee] if deadline.assignee_id else []
    if escalate or not people:
        people.extend(nearest_holders(deadline.organisation, deadline.rule.escalate_to))
    return people


def notice_context(deadline: Deadline) -> dict:
    rule = deadline.rule
    return {
        "clock_name": rule.name, "citation": rule.citation, "due_on": deadline.due_on,
        "provisional": deadline.provisional, "subject_label": str(deadline.subject), "subject": deadline.subject,
    }


# Clocks whose warnings have a message of their own rather than the generic deadline_warning.
WARNING_KINDS = {"hardship.yearly_review": "yearly_review_due"}
# Periods whose end has a message of their own rather than the generic period_elapsed.
ELAPSED_KINDS = {"dispute.arbitration_right": "arbitration_right_arisen"}


def subject_link(subject) -> str:
    """The page a deadline's subject is handled on: its case or hardship file."""
    label = subject._meta.label_lower
    if label == "cases.disputecase":
        return f"/cases/{subject.pk}/"
    if label == "cases.hardshipfile":
        return f"/hardship/files/{subject.pk}/"
    if label == "cases.instalment":
        return f"/cases/{subject.agreement.case_id}/"
    return ""


# (clock, moment) → hook(deadline, event_key=...): clocks the parties hear about too (an
# instalment: due, overdue), registered by the domain that owns the clock (cases.disputes.recovery).
_PARTY_NOTICES: dict[tuple[str, str], Callable] = {}


def tell_parties_at(clock_code: str, moment: str, hook: Callable) -> None:
    """Call `hook` when the clock `clock_code` reaches `moment` ("warn" or "breach")."""
    _PARTY_NOTICES[(clock_code, moment)] = hook


def tell_parties(deadline: Deadline, moment: str, event_key: str) -> None:
    hook = _PARTY_NOTICES.get((deadline.clock, moment))
    if hook is not None:
        hook(deadline, event_key=event_key)

