"""The sweep: warnings as a clock nears its due date, breach (and its consequence) or a
period run out once it has passed. Safe to run any number of times, anywhere."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import AuditAction, Deadline, DeadlineState
from cases.models.actors import system
from cases.platform.audit.journal import append_event
from notifications.services import notify

from .clocks import close_deadline, today_local
from .notices import ELAPSED_KINDS, WARNING_KINDS, notice_context, recipients, subject_link, tell_parties

def _warning_date(deadline: Deadline, day_of_clock: int) -> date:
    rule = deadline.rule
    if rule.days is None or day_of_clock >= rule.days:
        return deadline.due_on
    # Extensions move warnings with the due date: the same distance before it.
    return rule.warning_date(deadline.starts_on, day_of_clock + deadline.extended_days)


def _warning_days_reached(deadline: Deadline, today: date) -> list[int]:
    """Warnings due by `today` and not yet sent. warnings_sent records each as a day of the
    clock (warn_on_days) or as minus the days before due (remind_days_before_due); a clock
    declares one kind or the other, so the markers never collide."""
    rule = deadline.rule
    sent = set(deadline.warnings_sent)
    due = [day for day in rule.warn_on_days if _warning_date(deadline, day) <= today]
    due += [-before for before in rule.remind_days_before_due if deadline.due_on - timedelta(days=before) <= today]
    return [marker for marker in due if marker not in sent]


def _warn(deadline: Deadline, today: date) -> bool:
    days = _warning_days_reached(deadline, today)
    if not days:
        return False
    event_key = f"deadline:{deadline.pk}:warn:{max(days)}:{deadline.due_on}"
    notify(
        recipients=recipients(deadline, escalate=False), kind=WARNING_KINDS.get(deadline.clock, "deadline_warning"),
        context=notice_context(deadline), event_key=event_key, link=subject_link(deadline.subject),
    )
    tell_parties(deadline, "warn", event_key)
    deadline.warnings_sent = sorted(set(deadline.warnings_sent) | set(days))
    deadline.save(update_fields=["warnings_sent"])
    return True


def _breach(deadline: Deadline) -> None:
    from cases.platform.transitions import apply  # the door imports this module
    from cases.selectors import transition_labels

    rule = deadline.rule
    close_deadline(deadline, DeadlineState.BREACHED)
    actor = system("check_deadlines")
    append_event(
        action=AuditAction.DEADLINE, actor=actor, subject=deadline.subject, organisation=deadline.organisation,
        name="breach", data={"clock": rule.code, "due_on": deadline.due_on.isoformat()},
    )
    context = notice_context(deadline)
    if rule.breach_transition:
        apply(deadline.subject, rule.breach_transition, by=actor, reason=_("%(name)s届满未完成") % {"name": rule.name})
        labels = transition_labels(type(deadline.subject))
        context["breach_action"] = _("系统已按规定执行：%(action)s") % {
            "action": labels.get(rule.breach_transition, rule.breach_transition)}
    notify(
        recipients=recipients(deadline, escalate=True), kind="deadline_breached", context=context,
        event_key=f"deadline:{deadline.pk}:breach", link=subject_link(deadline.subject),
    )
    tell_parties(deadline, "breach", f"deadline:{deadline.pk}:breach")


def _elapse(deadline: Deadline) -> None:
    """A period (a publicity, Art.14's fifteen days) has run its course: met, journalled, its
    assignee told."""
    close_deadline(deadline, DeadlineState.MET)
    append_event(
        action=AuditAction.DEADLINE, actor=system("check_deadlines"), subject=deadline.subject,
        organisation=deadline.organisation, name="elapsed",
        data={"clock": deadline.clock, "due_on": deadline.due_on.isoformat()},
    )
    notify(
        recipients=recipients(deadline, escalate=False), kind=ELAPSED_KINDS.get(deadline.clock, "period_elapsed"),
        context=notice_context(deadline),
        event_key=f"deadline:{deadline.pk}:elapsed", link=subject_link(deadline.subject),
    )


@dataclass(frozen=True)
class CheckSummary:
    warned: int
    breached: int


def check_deadlines(*, today: date | None = None) -> CheckSummary:
    """Send due warnings and breach overdue clocks. Safe to run any number of times, anywhere."""
    today = today or today_local()
    warned = breached = 0
    candidates = Deadline.objects.active().filter(due_on__lte=today + timedelta(days=31)).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            deadline = Deadline.objects.select_for_update(skip_locked=True).filter(pk=pk).active().first()
            if deadline is None:  # closed meanwhile, or another worker holds it
                continue
            if deadline.due_on < today and deadline.rule.elapses:
                _elapse(deadline)
            elif deadline.due_on < today:
                _breach(deadline)
                breached += 1
            elif _warn(deadline, today):
                warned += 1
    return CheckSummary(warned=warned, breached=breached)

