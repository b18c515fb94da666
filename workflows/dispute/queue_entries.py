"""The dispute queues' stored rows (DisputeQueueEntry): one per open human task of a case, with
its organisation, status, owner and the case's nearest legal due date, so 待领取 and 我的待办
read their first page from an index instead of computing every case's clocks per request.

Two things move a row, both inside the transaction that causes them:
- a task saved (created, claimed, released, done, cancelled): `follow_task`, on post_save;
- a clock of the case or of its instalments opened, met, extended, moved, breached or
  cancelled: `follow_clocks`, on the deadlines service's `due_dates_changed`.
`differences()` recomputes every row from the tasks and the clocks (cases.disputes.urgency):
the tests run it after every kind of transition, and `manage.py check_queue_entries` in
production (`--repair` rewrites what differs).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save
from django.dispatch import receiver
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.disputes.urgency import (
    cases_of_clocks, clocks_counted_elsewhere, nearest_clocks, nearest_first, recount_clock_cases,
)
from cases.platform.deadlines import due_dates_changed
from workflows.dispute.flow import DisputeFlow
from workflows.models import DisputeProcess, DisputeQueueEntry

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)
BATCH_SIZE = 2000
CHANGED_BATCH_SIZE = 500  # within SQLite's limit of bound parameters
FEW_CASES = 3


def is_dispute_human_task(task: Task) -> bool:
    # flow_task is a node, or the stored string when it names no node of a loaded flow.
    return task.flow_task_type == "HUMAN" and getattr(task.flow_task, "flow_class", None) is DisputeFlow


@receiver(post_save, sender=Task, dispatch_uid="dispute_queue_entry_follows_task")
def follow_task(sender, instance: Task, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not is_dispute_human_task(instance):
        return
    entries = DisputeQueueEntry.objects.filter(task_id=instance.pk)
    if instance.status not in OPEN_STATUSES:
        if not created:
            entries.delete()
        return
    if not created and entries.update(status=instance.status, owner_id=instance.owner_id):
        return
    _add_entry(instance)


def _add_entry(task: Task) -> None:
    """INSERT … SELECT: the row of a new task, its case, organisation and nearest clock read by
    the statement that writes it."""
    nearest = nearest_first().filter(dispute_case_id=OuterRef("case_id"))
    row = DisputeProcess.objects.filter(pk=task.process_id).annotate(
        entry_task_id=Value(task.pk, output_field=IntegerField()),
        entry_case_id=F("case_id"),
        entry_organisation_id=F("case__organisation_id"),
        entry_status=Value(task.status, output_field=CharField()),
        entry_owner_id=Value(task.owner_id, output_field=IntegerField()),
        entry_created=Value(task.created, output_field=DateTimeField()),
        **_clock_columns(nearest, prefix="entry_"),
    ).values(*(f"entry_{name}" for name in ENTRY_COLUMNS))
    select, params = row.query.sql_with_params()
    table = connection.ops.quote_name(DisputeQueueEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(DisputeQueueEntry._meta.get_field(name).column)
                        for name in ENTRY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        if cursor.rowcount != 1:
            raise DisputeProcess.DoesNotExist(f"no dispute process {task.process_id} for task {task.pk}")


ENTRY_COLUMNS = ("task_id", "case_id", "organisation_id", "status", "owner_id", "created",
                 "due_on", "due_provisional", "due_imported")


def _clock_columns(nearest, *, prefix: str = "") -> dict:
    """The three columns of a row's clock as subqueries of `nearest` (awaiting clocks of the
    outer row's case, nearest first); a case with none gets NO_CLOCK's (no date, False, False)."""
    return {
        f"{prefix}due_on": Subquery(nearest.values("due_on")[:1]),
        f"{prefix}due_provisional": Coalesce(Subquery(nearest.values("provisional")[:1]), Value(False)),
        f"{prefix}due_imported": Coalesce(Subquery(nearest.values("imported")[:1]), Value(False)),
    }


@receiver(due_dates_changed, dispatch_uid="dispute_queue_entries_follow_clocks")
def follow_clocks(sender, deadlines, **kwargs) -> None:
    cases = sorted(cases_of_clocks(deadlines))
    if len(cases) <= FEW_CASES:  # one transition's: one UPDATE, each row reading its own clock
        if cases:
            DisputeQueueEntry.objects.filter(case_id__in=cases).update(
                **_clock_columns(nearest_first().filter(dispute_case_id=OuterRef("case_id"))))
        return
    for start in range(0, len(cases), CHANGED_BATCH_SIZE):
        _refresh(cases[start:start + CHANGED_BATCH_SIZE])


def _refresh(case_ids: list[int]) -> None:
    """Give the rows of these cases (those that have any) their cases' nearest clocks: one
    UPDATE per distinct clock, so a schedule approval moving thousands of cases stays cheap."""
    queued = set(DisputeQueueEntry.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True))
    by_clock = defaultdict(list)
    for case_id, clock in nearest_clocks(queued).items():
        by_clock[clock].append(case_id)
    for clock, same in by_clock.items():
        DisputeQueueEntry.objects.filter(case_id__in=same).update(
            due_on=clock.due_on, due_provisional=clock.provisional, due_imported=clock.imported)


# -- checking and rebuilding ----------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """What an entry holds, as recomputed or as stored."""

    task_id: int
    case_id: int
    organisation_id: int
    status: str
    owner_id: int | None
    created: datetime
    due_on: date | None
    due_provisional: bool
    due_imported: bool


def _open_tasks():
    return Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN_STATUSES, process__flow_class=DisputeFlow)


def expected_rows() -> dict[int, Row]:
    """Every open human dispute task's row, recomputed from the tasks and the clocks."""
    tasks = list(_open_tasks().values_list(
        "pk", "process__disputeprocess__case_id", "process__disputeprocess__case__organisation_id",
        "status", "owner_id", "created",
    ))
    case_ids, clocks = sorted({task[1] for task in tasks}), {}
    for start in range(0, len(case_ids), BATCH_SIZE):
        clocks.update(nearest_clocks(case_ids[start:start + BATCH_SIZE]))
    return {
        pk: Row(pk, case_id, organisation_id, status, owner_id, created, *_clock_fields(clocks[case_id]))
        for pk, case_id, organisation_id, status, owner_id, created in tasks
    }


def _clock_fields(clock) -> tuple:
    return clock.due_on, clock.provisional, clock.imported


def stored_rows() -> dict[int, Row]:
    fields = [name for name in Row.__dataclass_fields__]
    return {values[0]: Row(*values) for values in DisputeQueueEntry.objects.values_list(*fields)}


def differences() -> list[str]:
    """The stored rows that differ from the recomputed ones, missing or in excess, one line each;
    first the clocks counted in another case than their subject's (what the rows are read from)."""
    expected, stored = expected_rows(), stored_rows()
    found = clocks_counted_elsewhere()
    for task_id in sorted(expected.keys() | stored.keys()):
        want, have = expected.get(task_id), stored.get(task_id)
        if want == have:
            continue
        if have is None:
            found.append(f"task {task_id} (case {want.case_id}): no row")
        elif want is None:
            found.append(f"task {task_id} (case {have.case_id}): a row, but the task is not open")
        else:
            fields = ", ".join(f"{name} stored {getattr(have, name)} expected {getattr(want, name)}"
                               for name in Row.__dataclass_fields__ if getattr(have, name) != getattr(want, name))
            found.append(f"task {task_id} (case {want.case_id}): {fields}")
    return found


@transaction.atomic
def rebuild() -> int:
    """Rewrite every entry from the tasks and the clocks (each clock first counted in its
    subject's case); returns how many rows now exist."""
    recount_clock_cases()
    rows = expected_rows()
    DisputeQueueEntry.objects.all().delete()
    DisputeQueueEntry.objects.bulk_create(
        (DisputeQueueEntry(**row.__dict__) for row in rows.values()), batch_size=BATCH_SIZE,
    )
    return len(rows)
