"""The dispute queues read stored rows (workflows/dispute/queue_entries.py): one per open human
task, with the case's nearest legal due date. These tests hold that the rows say what the tasks
and the clocks say (the property test in test_dispute_flow_properties.py checks it after every
kind of step), that the queues show the same urgency and order as computing it from the clocks,
and that the check command, its repair and the migration's backfill give the same rows."""

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from freezegun import freeze_time
from viewflow.workflow.status import STATUS

from cases.models import Deadline, DisputeCase, DisputeStatus
from cases.models.dispute.agreement import Instalment
from cases.platform.deadlines import check_deadlines, extend_deadline
from cases.platform.transitions import apply
from workflows.dispute import queue_entries
from workflows.dispute.flow import claim_task, start_dispute_flow
from workflows.dispute.views import CASE_PATH, inbox_tasks
from workflows.models import DisputeQueueEntry

from .test_dispute_flow import due, in_mediation, make_case, open_tasks

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("workflows.migrations.0004_dispute_queue_entries").fill_entries


def derived_urgency(tasks):
    """The queues' urgency as it was computed before the rows existed: per task, a subquery over
    its case's clocks and its instalments' (the code the rows replaced, kept as the reference)."""
    case_type = ContentType.objects.get_for_model(DisputeCase, for_concrete_model=False)
    instalment_type = ContentType.objects.get_for_model(Instalment, for_concrete_model=False)
    instalment_keys = (Instalment.objects.filter(agreement__case_id=OuterRef(OuterRef(CASE_PATH)))
                       .annotate(key=Cast("pk", CharField())).values("key"))
    nearest = Deadline.objects.awaiting().filter(
        Q(subject_type=case_type, subject_id=Cast(OuterRef(CASE_PATH), CharField()))
        | Q(subject_type=instalment_type, subject_id__in=instalment_keys)
    ).order_by("due_on", "pk")
    return [(task.pk, task.derived_due) for task in tasks.annotate(
        derived_due=Subquery(nearest.values("due_on")[:1]))]


@pytest.fixture
def six_cases(orgs, people):
    """Six cases in mediation with the mediator, falling due on different days (one never)."""
    with freeze_time("2026-11-20 10:00"):
        cases = {name: in_mediation(orgs["hd_ent"], people, worker_name=name).case
                 for name in ("无期限", "下周二", "今天", "昨天", "下周一", "周日")}
        due(cases["无期限"], None)
        due(cases["下周二"], date(2026, 11, 24))
        due(cases["今天"], date(2026, 11, 20))
        due(cases["昨天"], date(2026, 11, 19))
        due(cases["下周一"], date(2026, 11, 23), provisional=True)
        due(cases["周日"], date(2026, 11, 22))
    return cases


def test_the_inbox_shows_the_urgency_and_order_computed_from_the_clocks(six_cases, people):
    tasks = list(inbox_tasks(people["mediator"]))
    assert [(task.process.disputeprocess.case.worker.name, task.deadline_due, task.deadline_provisional)
            for task in tasks] == [
        ("昨天", date(2026, 11, 19), False), ("今天", date(2026, 11, 20), False),
        ("周日", date(2026, 11, 22), False), ("下周一", date(2026, 11, 23), True),
        ("下周二", date(2026, 11, 24), False), ("无期限", None, False)]
    assert [(task.pk, task.deadline_due) for task in tasks] == derived_urgency(inbox_tasks(people["mediator"]))
    assert queue_entries.differences() == []


def test_a_clock_extended_moves_the_row_and_the_order(six_cases, people):
    clock = Deadline.objects.for_subject(six_cases["昨天"]).active().get(clock="dispute.mediation")
    extend_deadline(deadline=clock, days=15, by=people["lead"], reason="双方同意延期调解")
    entry = DisputeQueueEntry.objects.get(case=six_cases["昨天"])
    assert entry.due_on == clock.due_on and entry.due_on > date(2026, 11, 24)
    names = [task.process.disputeprocess.case.worker.name for task in inbox_tasks(people["mediator"])]
    assert names == ["今天", "周日", "下周一", "下周二", "昨天", "无期限"]
    assert queue_entries.differences() == []


def test_the_sweep_that_deems_mediation_failed_moves_the_case_to_closing(six_cases, people):
    with freeze_time("2026-11-20 10:00"):
        check_deadlines(today=date(2026, 11, 20))  # 昨天's mediation period has run out
    case = six_cases["昨天"]
    case.refresh_from_db()
    assert case.status == DisputeStatus.FAILED
    cases_in_inbox = [task.process.disputeprocess.case for task in inbox_tasks(people["mediator"])]
    assert case not in cases_in_inbox  # the mediate task's row went with it
    closing = [task.flow_task.name for task in inbox_tasks(people["lead"]) if task.process.disputeprocess.case == case]
    assert closing == ["close_case"]  # to the lead who assigned the mediator
    assert queue_entries.differences() == []


def test_claiming_and_withdrawing_move_the_rows(orgs, people):
    process = start_dispute_flow(make_case(orgs["hd_ent"]), by=people["mediator"])
    [task] = open_tasks(process)
    entry = DisputeQueueEntry.objects.get(task=task)
    assert (entry.status, entry.owner_id, entry.organisation_id) == (STATUS.NEW, None, orgs["hd_ent"].pk)
    assert entry.due_on is not None  # the acceptance review runs from receipt
    claim_task(task, people["mediator"])
    entry.refresh_from_db()
    assert (entry.status, entry.owner_id) == (STATUS.ASSIGNED, people["mediator"].pk)
    apply(process.case, "withdraw", by=people["lead"], reason="申请人书面撤回")
    assert not DisputeQueueEntry.objects.filter(task=task).exists()
    assert queue_entries.differences() == []


def test_the_check_command_finds_a_changed_row_and_repair_restores_it(six_cases, capsys):
    DisputeQueueEntry.objects.filter(case=six_cases["今天"]).update(due_on=date(2027, 1, 1))
    DisputeQueueEntry.objects.filter(case=six_cases["周日"]).delete()
    with pytest.raises(CommandError, match="2 处") as refused:
        call_command("check_queue_entries")
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert "due_on stored 2027-01-01 expected 2026-11-20" in out and ": no row" in out
    call_command("check_queue_entries", "--repair")
    assert "一致" in capsys.readouterr().out
    assert DisputeQueueEntry.objects.get(case=six_cases["今天"]).due_on == date(2026, 11, 20)


def test_the_migration_fills_the_rows_the_code_keeps(six_cases):
    kept = queue_entries.stored_rows()
    DisputeQueueEntry.objects.all().delete()
    backfill(django_apps, None)
    assert queue_entries.stored_rows() == kept and len(kept) == 6



fill_clock_cases = importlib.import_module("cases.migrations.0037_deadline_dispute_case").fill_dispute_cases


@pytest.fixture
def performing(orgs, people, django_capture_on_commit_callbacks):
    """A case whose agreement took effect: its own clocks and its two instalments' running."""
    from .test_dispute_flow_agreement import mediate_to_an_effective_agreement, register

    return mediate_to_an_effective_agreement(register(orgs, people), people, django_capture_on_commit_callbacks)


def test_each_clock_counts_in_the_case_its_subject_belongs_to(performing, six_cases):
    instalment_clocks = Deadline.objects.filter(subject_type__model="instalment")
    assert instalment_clocks.count() == 2
    assert set(instalment_clocks.values_list("dispute_case_id", flat=True)) == {performing.pk}
    for case in [performing, *six_cases.values()]:
        assert set(Deadline.objects.for_subject(case).values_list("dispute_case_id", flat=True)) == {case.pk}
    assert queue_entries.differences() == []


def test_a_clock_counted_in_another_case_is_found_and_repaired(performing, six_cases):
    instalment_clock = Deadline.objects.filter(subject_type__model="instalment").first()
    Deadline.objects.filter(pk=instalment_clock.pk).update(dispute_case=six_cases["今天"])
    found = queue_entries.differences()
    assert f"clock {instalment_clock.pk}: counted in case {six_cases['今天'].pk}, " \
           f"its subject belongs to case {performing.pk}" in found
    queue_entries.rebuild()
    assert queue_entries.differences() == []
    instalment_clock.refresh_from_db()
    assert instalment_clock.dispute_case_id == performing.pk


def test_the_migration_gives_every_clock_its_case(performing, six_cases):
    counted = dict(Deadline.objects.values_list("pk", "dispute_case_id"))
    Deadline.objects.update(dispute_case=None)
    fill_clock_cases(django_apps, None)
    assert dict(Deadline.objects.values_list("pk", "dispute_case_id")) == counted
    assert None not in counted.values()  # all of these clocks are a dispute case's or an instalment's
