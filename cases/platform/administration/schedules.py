"""A year's holiday schedule from an admin's upload: proposed, previewed, decided.

The upload is read like `manage.py load_holiday_schedule` reads a file and recorded as a proposed
schedule (cases.platform.holiday_schedules.propose_schedule). Before anyone approves it, the
preview shows what approval would do to the running clocks computed on a provisional year: the
same computation as the approval's own (cases.platform.deadlines.recompute_provisional), made
inside a transaction that is then rolled back, so the preview and the approval cannot disagree.
Approval and rejection go through the transition door; the schedule's own rule that its
proposer may not decide it stays in force.
"""

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from cases.models import Deadline, HolidaySchedule, Organisation, ScheduleStatus
from cases.platform.administration.scope import administered
from cases.platform.holiday_schedules import parse_schedule_file, propose_schedule
from cases.platform.transitions import TransitionOutcome, apply
from cases.rules.calendar import clear_calendar_cache, schedule_changed


@dataclass(frozen=True)
class Move:
    deadline: Deadline
    old_due: date
    new_due: date
    still_provisional: bool


@dataclass
class Preview:
    moves: list[Move] = field(default_factory=list)  # in the viewer's scope, due date changes
    settled: int = 0  # in the viewer's scope, same due date, no longer provisional
    unchanged: int = 0  # in the viewer's scope, still provisional on the same date (another year)
    elsewhere: int = 0  # clocks outside the viewer's scope whose due date changes
    blocked: bool = False  # another schedule of the year is in force: approval is impossible


def visible_schedules(user) -> QuerySet[HolidaySchedule]:
    return HolidaySchedule.objects.filter(organisation__in=administered(user).values("pk")) \
        .select_related("organisation", "proposed_by", "decided_by")


def upload_schedule(*, by, organisation: Organisation, year: int, upload, kind: str, source: str = "") \
        -> HolidaySchedule:
    """Read the uploaded CSV or XLSX (`kind`: "csv" or "xlsx", as cases.platform.uploads found it)
    and propose it; a ValidationError lists every bad line."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"schedule.{kind}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        entries = parse_schedule_file(path, year=year)
    return propose_schedule(year=year, entries=entries, organisation=organisation, by=by,
                            source=(source or "").strip())


class _RollBack(Exception):
    pass


def preview_approval(schedule: HolidaySchedule, *, user) -> Preview:
    """What approving `schedule` would do to the provisional clocks now running."""
    preview = Preview()
    if schedule.status != ScheduleStatus.PROPOSED:
        return preview
    scope = set(administered(user).values_list("pk", flat=True))
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    HolidaySchedule.objects.filter(pk=schedule.pk).update(status=ScheduleStatus.APPROVED)
            except IntegrityError:
                preview.blocked = True
                raise _RollBack from None
            schedule_changed()  # the calendar reads the schedule as approved, inside this transaction only
            for deadline in (Deadline.objects.active().filter(provisional=True)
                             .select_related("organisation", "assignee", "subject_type").order_by("due_on", "pk")):
                rule = deadline.rule
                if rule.days is None:
                    continue
                result = rule.due_date(deadline.starts_on, rule.days + deadline.extended_days)
                mine = deadline.organisation_id in scope
                if result.date != deadline.due_on:
                    if mine:
                        preview.moves.append(Move(deadline, deadline.due_on, result.date, result.provisional))
                    else:
                        preview.elsewhere += 1
                elif mine and result.provisional:
                    preview.unchanged += 1
                elif mine:
                    preview.settled += 1
            raise _RollBack
    except _RollBack:
        pass
    finally:
        clear_calendar_cache()
    return preview


def decide_schedule(*, by, schedule: HolidaySchedule, approve: bool, reason: str = "") -> TransitionOutcome:
    try:
        return apply(schedule, "approve" if approve else "reject", by=by, reason=(reason or "").strip())
    finally:
        clear_calendar_cache()  # also after a rollback: the approval may have been read meanwhile
