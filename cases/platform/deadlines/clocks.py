"""Opening, meeting, extending, moving and cancelling legal clocks.

Every function here runs inside the caller's transaction (the transition door's, or the
one check_deadlines opens per deadline) so a clock never changes apart from its cause.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import AuditAction, Deadline, DeadlineState
from cases.models.bounds import related_rows_in_hand
from cases.models.deadlines import case_of_clock
from cases.models.history import bulk_create_with_history, bulk_update_with_history
from cases.platform.audit.journal import append_event
from cases.platform.effects import effect
from cases.rules import deadlines as rules
from cases.statistics import rollup
from notifications.services import notify

from .notices import notice_context, recipients

# Sent, inside the transaction, with `deadlines`: the clocks whose due date or state just changed
# (opened, met, breached, cancelled, extended, moved), for what is kept from them: the queues'
# stored urgency (workflows/dispute/queue_entries.py). cases/ never imports workflows/; it listens.
due_dates_changed = Signal()


def announce(deadlines) -> None:
    if deadlines:
        due_dates_changed.send(sender=Deadline, deadlines=list(deadlines))


def today_local() -> date:
    return timezone.localdate()


@dataclass
class DeadlineChanges:
    opened: list[Deadline] = field(default_factory=list)
    met: list[Deadline] = field(default_factory=list)
    cancelled: list[Deadline] = field(default_factory=list)
    # Opened by an import with their due date already past: breached, or (a period) run out.
    breached_at_import: list[Deadline] = field(default_factory=list)
    elapsed_at_import: list[Deadline] = field(default_factory=list)

    def summary(self) -> dict:
        summary = {
            "opened": [{"clock": d.clock, "due_on": d.due_on.isoformat(), "provisional": d.provisional} for d in self.opened],
            "met": [d.clock for d in self.met],
            "cancelled": [d.clock for d in self.cancelled],
        }
        if self.breached_at_import or self.elapsed_at_import:
            summary["breached_at_import"] = [d.clock for d in self.breached_at_import]
            summary["elapsed_at_import"] = [d.clock for d in self.elapsed_at_import]
        return summary


def _start_date(rule: rules.LegalClock, subject, today: date) -> date:
    if rule.start_attribute:
        value = getattr(subject, rule.start_attribute)
        return value.date() if hasattr(value, "date") and callable(value.date) else value
    return today


def open_deadline(
    *, rule: rules.LegalClock, subject, organisation, starts_on: date, due_on: date | None = None,
    assignee=None, imported: bool = False, announced: bool = True, none_active: bool = False,
) -> Deadline:
    """Open `rule`'s clock on `subject`. `announced=False`: the caller announces it with others.
    `none_active=True`: the caller knows, under a lock, that no clock of `rule` is running on
    `subject` (one_active_clock_per_subject need not be asked; the database still enforces it)."""
    deadline = new_deadline(rule=rule, subject=subject, organisation=organisation, starts_on=starts_on,
                            due_on=due_on, assignee=assignee, imported=imported)
    if not none_active:
        deadline.validate_constraints()
    deadline.save()
    if announced:
        announce([deadline])
    return deadline


def new_deadline(*, rule: rules.LegalClock, subject, organisation, starts_on: date, due_on: date | None = None,
                 assignee=None, imported: bool = False) -> Deadline:
    """`rule`'s clock on `subject`, due on `due_on` or as the rule counts it, checked, not yet saved."""
    if due_on is None:
        if rule.days is None:
            raise ValueError(f"clock {rule.code} takes its due date from the data")
        result = rule.due_date(starts_on)
        due_on, provisional = result.date, result.provisional
    else:
        provisional = False
    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    deadline = Deadline(
        clock=rule.code,
        subject_type=subject_type,
        subject_id=str(subject.pk),
        dispute_case_id=case_of_clock(subject_type.pk, str(subject.pk), subject=subject),
        organisation=organisation,
        assignee=assignee,
        starts_on=starts_on,
        due_on=due_on,
        provisional=provisional,
        imported=imported,
    )
    # The related rows are those handed in: full_clean would only read each again.
    # dispute_case: derived from the subject in hand, not typed in.
    deadline.full_clean(exclude=related_rows_in_hand(deadline) | {"dispute_case"}, validate_constraints=False)
    return deadline


def open_together(deadlines: list[Deadline]) -> list[Deadline]:
    """Save new clocks (new_deadline's) that the caller knows, under a lock, run alone (none of
    their rule already running on their subject): several in one insert and one insert of their
    historical records. Not announced: the caller announces them with the transition's others."""
    if len(deadlines) == 1:
        deadlines[0].save()
    else:
        bulk_create_with_history(deadlines, Deadline)
    return deadlines


def close_deadline(deadline: Deadline, state: str, *, announced: bool = True) -> Deadline:
    close_deadlines([(deadline, state)], announced=announced)
    return deadline


def close_deadlines(closing: list[tuple[Deadline, str]], *, announced: bool = True) -> list[Deadline]:
    """Close each (deadline, state) of `closing`: several in one UPDATE and one insert of their
    historical records, as one transition meets or cancels them together."""
    if not closing:
        return []
    now, newly_breached = timezone.now(), []
    for deadline, state in closing:
        if state == DeadlineState.BREACHED and deadline.state != DeadlineState.BREACHED:
            newly_breached.append(deadline)
        deadline.state, deadline.closed_at = state, now
    closed = [deadline for deadline, _state in closing]
    if len(closed) == 1:
        closed[0].save(update_fields=["state", "closed_at"])
    else:
        bulk_update_with_history(closed, Deadline, ["state", "closed_at"])
    for deadline in newly_breached:
        rollup.count_breach(deadline)
    if announced:
        announce(closed)
    return closed


def apply_trigger(subject, trigger: str, *, organisation, today: date | None = None, assignee=None,
                  imported: bool = False) -> DeadlineChanges:
    """Open, meet and cancel the clocks the rules attach to `trigger` on `subject`.

    `imported`: the trigger is a historical import's (the door's `imported`). The clocks it opens
    are flagged imported, and those whose due date is already past are settled at once:
    breached (its breach transition not applied and nobody told: the import reports history),
    or, for a period that runs its course, run out. A clock breached at import stays unclosed
    until a trigger that would meet or cancel it, which closes it (still breached)."""
    today = today or today_local()
    effects = rules.effects_of(subject._meta.label_lower, trigger, subject)
    changes = DeadlineChanges()
    if not (effects.meets or effects.cancels or effects.opens):
        return changes
    active, breached_at_import = {}, {}
    for deadline in Deadline.objects.for_subject(subject).awaiting().select_for_update():
        (active if deadline.is_active else breached_at_import)[deadline.clock] = deadline
    changes.met = [active.pop(rule.code) for rule in effects.meets if rule.code in active]
    changes.cancelled = [active.pop(rule.code) for rule in effects.cancels if rule.code in active]
    # Breached at import, and the step it timed is taken now.
    closed_after_import = [breached_at_import.pop(rule.code) for rule in (*effects.meets, *effects.cancels)
                           if rule.code in breached_at_import]
    close_deadlines([*((deadline, DeadlineState.MET) for deadline in changes.met),
                     *((deadline, DeadlineState.CANCELLED) for deadline in changes.cancelled),
                     *((deadline, DeadlineState.BREACHED) for deadline in closed_after_import)], announced=False)
    # None of these runs on the subject: its awaiting clocks are locked above.
    changes.opened = open_together([
        new_deadline(rule=rule, subject=subject, organisation=organisation,
                     starts_on=_start_date(rule, subject, today), assignee=assignee, imported=imported)
        for rule in effects.opens if rule.code not in active])
    for deadline in changes.opened:
        if imported and deadline.due_on < today:
            _settle_at_import(deadline, changes)
    announce([*changes.met, *changes.cancelled, *closed_after_import, *changes.opened])
    return changes


def _settle_at_import(deadline: Deadline, changes: DeadlineChanges) -> None:
    """An imported clock already past its due date, as the sweep would have found it, but
    journalled with the import's transition and without its consequences."""
    if deadline.rule.elapses:
        changes.elapsed_at_import.append(close_deadline(deadline, DeadlineState.MET, announced=False))
        return
    deadline.state = DeadlineState.BREACHED  # closed_at stays empty: the step is still to be taken
    deadline.save(update_fields=["state"])
    rollup.count_breach(deadline)
    changes.breached_at_import.append(deadline)


def start_from_service(*, rule: rules.LegalClock, subject, organisation, served_on: date, note: str,
                       assignee=None) -> dict | None:
    """Start `rule`'s clock on `subject` on `served_on`, the day the notice it runs from was
    served (rules.LegalClock.runs_from_service_of): an active clock moves its start there, its
    due date counted again from it over the same length and extensions; a clock never opened
    on the subject is opened; one already ended (met, breached, cancelled) stays as it ended.
    Returns what changed, for the journal, or None."""
    rows = Deadline.objects.for_subject(subject).filter(clock=rule.code).select_for_update()
    active = rows.active().first()
    if active is None:
        if rows.exists():
            return None
        deadline = open_deadline(rule=rule, subject=subject, organisation=organisation, starts_on=served_on,
                                 assignee=assignee)
        deadline.note = note
        deadline.save(update_fields=["note"])
        return {"clock": rule.code, "opened": True, "starts_on": served_on.isoformat(),
                "due_on": deadline.due_on.isoformat()}
    if active.starts_on == served_on:
        return None
    old_start, old_due = active.starts_on, active.due_on
    if rule.days is not None:
        result = rule.due_date(served_on, rule.days + active.extended_days)
        active.due_on, active.provisional = result.date, result.provisional
    active.starts_on = served_on
    active.note = note
    active.warnings_sent = []
    active.full_clean(exclude={"dispute_case"})
    active.save(update_fields=["starts_on", "due_on", "provisional", "note", "warnings_sent"])
    announce([active])
    return {"clock": rule.code, "moved": True, "from": old_start.isoformat(), "starts_on": served_on.isoformat(),
            "old_due_on": old_due.isoformat(), "due_on": active.due_on.isoformat()}


def extend_deadline(*, deadline: Deadline, days: int, by, reason: str) -> Deadline:
    """Extend an active clock by `days` in its own unit, within the rule's limits."""
    rule = deadline.rule
    if not deadline.is_active:
        raise ValidationError(_("该时限已结束，不能延期。"))
    if not rule.extendable:
        raise ValidationError(_("%(name)s不能延期。依据：%(citation)s") % {"name": rule.name, "citation": rule.citation})
    if rule.max_extensions is not None and deadline.extensions >= rule.max_extensions:
        raise ValidationError(_("%(name)s不允许再延期（最多%(n)s次）。依据：%(citation)s")
                              % {"name": rule.name, "n": rule.max_extensions, "citation": rule.citation})
    if days <= 0:
        raise ValidationError({"days": _("延长的天数须为正数。")})
    if rule.max_extension_days is not None and days > rule.max_extension_days:
        raise ValidationError(_("延期天数须在1至%(max)s天之间。依据：%(citation)s")
                              % {"max": rule.max_extension_days, "citation": rule.citation})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写延期理由。")})
    old_due = deadline.due_on
    # The period is lengthened, counted from its start, so a last day moved off a rest day
    # does not move the extension too (民法典第二百零三条 applies to the new last day).
    result = (rule.due_date(deadline.starts_on, rule.days + deadline.extended_days + days) if rule.days is not None
              else rule.due_date(old_due, days))
    deadline.due_on, deadline.provisional = result.date, result.provisional
    deadline.state = DeadlineState.EXTENDED
    deadline.extensions += 1
    deadline.extended_days += days
    deadline.warnings_sent = []
    deadline.save(update_fields=["due_on", "provisional", "state", "extensions", "extended_days", "warnings_sent"])
    announce([deadline])
    append_event(
        action=AuditAction.DEADLINE, actor=by, subject=deadline.subject, organisation=deadline.organisation,
        name="extend", reason=reason,
        data={"clock": rule.code, "from": old_due.isoformat(), "to": deadline.due_on.isoformat()},
    )
    return deadline


@dataclass(frozen=True)
class DeadlineMove:
    deadline: Deadline
    old_due: date
    new_due: date


def recompute_provisional(*, today: date | None = None) -> list[DeadlineMove]:
    """Recompute active clocks computed on a provisional calendar year (working days, or a
    calendar-day period whose last day moved off a rest day).

    Called when an official schedule is approved. A clock whose due date moves is
    saved and its assignee (or the escalation role) told; the rest just lose the flag
    once no provisional year is involved any more.
    """
    moves, recomputed = [], []
    for deadline in Deadline.objects.active().filter(provisional=True).select_for_update():
        rule = deadline.rule
        if rule.days is None:  # a due date from the data (an instalment's) is not computed
            continue
        result = rule.due_date(deadline.starts_on, rule.days + deadline.extended_days)
        old_due = deadline.due_on
        deadline.due_on, deadline.provisional = result.date, result.provisional
        deadline.save(update_fields=["due_on", "provisional"])
        recomputed.append(deadline)
        if old_due != deadline.due_on:
            moves.append(DeadlineMove(deadline, old_due, deadline.due_on))
            notify(
                recipients=recipients(deadline, escalate=False), kind="deadline_moved",
                context={**notice_context(deadline), "old_due": old_due, "new_due": deadline.due_on},
                event_key=f"deadline:{deadline.pk}:moved:{old_due}:{deadline.due_on}",
            )
    announce(recomputed)
    return moves


@effect("deadlines.recompute_after_schedule_approval")
def recompute_after_schedule_approval(schedule, *, by, today: date | None = None) -> list[DeadlineMove]:
    """Door effect of approving an official holiday schedule: provisional clocks follow it.

    The calendar already sees the approval: saving the schedule told it (see
    cases.rules.calendar), and forgets it again should this transaction roll back.
    """
    return recompute_provisional(today=today)


@effect("deadlines.hand_over_to_assignee")
def hand_over_to_assignee(subject, *, by, today: date | None = None) -> int:
    """Door effect of (re)assigning a case: its running clocks now warn the new person."""
    assignee = subject.deadline_assignee
    moved = [deadline for deadline in Deadline.objects.for_subject(subject).active().select_for_update()
             if deadline.assignee_id != getattr(assignee, "pk", None)]
    for deadline in moved:
        deadline.assignee = assignee
    if len(moved) == 1:
        moved[0].save(update_fields=["assignee"])
    else:  # several in one update and one insert of their history
        bulk_update_with_history(moved, Deadline, ["assignee"])
    return len(moved)
