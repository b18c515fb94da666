"""DisputeFlow: acceptance review, assignment, mediation and its in-task actions, the way every
case reaches closing, reassignment, auto-assignment and the urgency-sorted queues — each step
through the transition door.

The flow is driven both from code (claim_task / complete_task, as imports and commands do)
and through its pages with Django's test client, as a mediator and a lead would.
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import get_resolver
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from cases.models import (
    AuditAction, AuditEvent, Channel, DisputeCase, DisputeClaim, DisputeStatus, Document, Employer, Organisation, Role, Worker,
)
from cases.rules.claims import ClaimType
from cases.rules.deadlines import CREATED
from cases.services import deadlines
from cases.services.actors import system
from cases.services.transitions import apply
from workflows.dispute import (
    DisputeFlow, TaskAlreadyClaimed, cancel_open_tasks, claim_task, complete_task, start_dispute_flow,
)
from workflows.dispute_views import claimable_tasks, inbox_tasks, visible_tasks
from workflows.models import DisputeProcess
from workflows.views import unassigned_tasks

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
_sequence = iter(range(1, 10_000))


def make_case(organisation, *, worker_name="张三", employer_name="北京某科技有限公司") -> DisputeCase:
    """A registered case written by hand, its legal clocks opened as intake opens them."""
    worker = Worker(name=worker_name)
    worker.full_clean()
    worker.save()
    employer = Employer(name=employer_name)
    employer.full_clean()
    employer.save()
    today = timezone.localdate()
    sequence = next(_sequence)
    case = DisputeCase(
        organisation=organisation, year=today.year, sequence=sequence,
        number=f"{organisation.code}-{today.year}-{sequence:04d}", worker=worker, employer=employer,
        channel=Channel.WALK_IN_WRITTEN, received_on=today - timedelta(days=1),
        facts="用人单位拖欠2026年8月至10月工资，经催要未果。",
    )
    case.full_clean()
    case.save()
    claim = DisputeClaim(case=case, claim_type=ClaimType.WAGE_ARREARS, amount_claimed=Decimal("23196.00"))
    claim.full_clean()
    claim.save()
    with transaction.atomic():
        deadlines.apply_trigger(case, CREATED, organisation=organisation)
    return case


def open_tasks(process):
    return process.task_set.filter(status__in=OPEN)


def the_task(process, name):
    return process.task_set.get(flow_task=getattr(DisputeFlow, name), status__in=OPEN)


def transitions_of(case):
    return list(
        AuditEvent.objects.for_subject(case).filter(action=AuditAction.TRANSITION)
        .order_by("seq").values_list("name", flat=True)
    )


def url(task, action):
    get_resolver().url_patterns  # a flow's URL names exist once the site's patterns are built
    return task.flow_task.reverse(action, args=[task.process_id, task.pk])


@pytest.fixture
def haidian_case(orgs, people):
    return make_case(orgs["hd_ent"])


@pytest.fixture
def started(haidian_case, people):
    return start_dispute_flow(haidian_case, by=people["mediator"])


# -- starting ----------------------------------------------------------------------------------

def test_a_registered_case_waits_unclaimed_in_its_organisation_queue(started, haidian_case, people, orgs):
    task = the_task(started, "decide_acceptance")

    assert started.case == haidian_case and started.status == PROCESS.NEW
    assert task.status == STATUS.NEW and task.owner is None
    assert list(claimable_tasks(people["mediator"])) == [task]
    assert list(claimable_tasks(people["lead"])) == [task]
    assert list(claimable_tasks(people["cy_mediator"])) == []
    assert list(claimable_tasks(people["auditor"])) == []
    # The workbench home counts it as the organisation's unclaimed work (organisation_lookup).
    haidian = Organisation.objects.subtree_of([orgs["hd"]])
    assert list(unassigned_tasks(people["mediator"], haidian)) == [task]
    assert list(unassigned_tasks(people["cy_mediator"], haidian)) == []


def test_a_case_has_one_flow_and_only_a_registered_case_starts_one(started, haidian_case, people, orgs):
    with pytest.raises(ValidationError, match="已经启动"):
        start_dispute_flow(haidian_case, by=people["mediator"])
    other = make_case(orgs["cy_ent"])
    with pytest.raises(PermissionDenied):
        start_dispute_flow(other, by=people["mediator"])
    apply(other, "withdraw", by=people["cy_mediator"], reason="申请人书面撤回")
    with pytest.raises(ValidationError, match="只有已登记的案件"):
        start_dispute_flow(other, by=people["cy_mediator"])
    assert not DisputeProcess.objects.filter(case=other).exists()


# -- lifecycles from code ----------------------------------------------------------------------

def test_a_rejected_case_goes_to_the_organisation_queue_for_closing(started, haidian_case, people):
    task = the_task(started, "decide_acceptance")
    claim_task(task, people["mediator"])
    complete_task(task, by=people["mediator"], transition="reject", reason="不属于劳动争议受理范围")

    started.refresh_from_db()
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.REJECTED
    assert haidian_case.end_reason == "不属于劳动争议受理范围"
    assert started.status == PROCESS.NEW
    closing = the_task(started, "close_case")
    assert closing.owner is None and closing.status == STATUS.NEW  # no mediator: the queue
    assert [t.flow_task for t in open_tasks(started)] == [DisputeFlow.close_case]
    assert list(claimable_tasks(people["lead"])) == [closing]

    claim_task(closing, people["lead"])
    complete_task(closing, by=people["lead"], transition="close", reason="不予受理，结案")
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.CLOSED
    assert [t.flow_task for t in open_tasks(started)] == [DisputeFlow.archive_case]
    assert transitions_of(haidian_case) == ["reject", "close"]


def test_a_task_completes_only_with_the_outcomes_it_offers(started, haidian_case, people):
    task = the_task(started, "decide_acceptance")
    claim_task(task, people["mediator"])
    with pytest.raises(ValidationError, match="不能以"):
        complete_task(task, by=people["mediator"], transition="withdraw", reason="申请人撤回")
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.REGISTERED
    assert the_task(started, "decide_acceptance").status == STATUS.ASSIGNED


def test_a_refused_transition_leaves_the_task_where_it_was(started, haidian_case, people):
    task = the_task(started, "decide_acceptance")
    claim_task(task, people["mediator"])
    with pytest.raises(ValidationError):
        complete_task(task, by=people["mediator"], transition="reject", reason="  ")
    task.refresh_from_db()
    haidian_case.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.finished is None
    assert haidian_case.status == DisputeStatus.REGISTERED
    assert transitions_of(haidian_case) == []


def drive_to_mediation(process, people):
    decide = the_task(process, "decide_acceptance")
    claim_task(decide, people["mediator"])
    complete_task(decide, by=people["mediator"], transition="accept")
    assign = the_task(process, "assign_mediator")
    claim_task(assign, people["lead"])
    complete_task(assign, by=people["lead"], transition="assign", data={"mediator": people["mediator"]})
    return the_task(process, "mediate")


def test_withdrawal_outside_the_flow_cancels_the_mediation_and_hands_the_case_to_closing(started, haidian_case,
                                                                                        people):
    mediate = drive_to_mediation(started, people)
    assert mediate.owner == people["mediator"] and mediate.status == STATUS.ASSIGNED
    haidian_case.refresh_from_db()

    apply(haidian_case, "withdraw", by=people["mediator"], reason="申请人书面撤回调解申请")

    started.refresh_from_db()
    assert started.status == PROCESS.NEW
    assert Task.objects.get(pk=mediate.pk).status == STATUS.CANCELED
    closing = the_task(started, "close_case")
    assert closing.owner == people["mediator"] and closing.status == STATUS.ASSIGNED
    assert list(open_tasks(started)) == [closing]
    assert list(inbox_tasks(people["mediator"])) == [closing]
    # Calling it again (the effect and a sweep, say) changes nothing.
    cancel_open_tasks(haidian_case, by=people["mediator"])
    assert list(open_tasks(started)) == [closing]


def test_deemed_failure_by_the_sweep_cancels_an_unclaimed_review(started, haidian_case, people):
    apply(haidian_case, "deem_failed", by=system("deadline_sweep"), reason="受理期限届满")

    started.refresh_from_db()
    assert started.status == PROCESS.NEW
    assert the_task_status(started, "decide_acceptance") == STATUS.CANCELED
    closing = the_task(started, "close_case")
    assert list(claimable_tasks(people["mediator"])) == [closing]


def the_task_status(process, name):
    return process.task_set.get(flow_task=getattr(DisputeFlow, name)).status


def test_withdrawal_outside_the_flow_refuses_a_form_left_open(started, haidian_case, people, client):
    mediate = drive_to_mediation(started, people)
    haidian_case.refresh_from_db()
    apply(haidian_case, "withdraw", by=people["lead"], reason="申请人书面撤回调解申请")

    started.refresh_from_db()
    assert [t.flow_task for t in open_tasks(started)] == [DisputeFlow.close_case]
    # The mediator's open form is now refused instead of completing a cancelled task.
    client.force_login(people["mediator"])
    response = client.post(url(mediate, "execute"), {"outcome": "fail", "reason": "双方分歧过大"})
    assert response.status_code == 403
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.WITHDRAWN


def test_withdrawal_taken_in_the_mediate_task_ends_the_flow_normally(started, haidian_case, people):
    mediate = drive_to_mediation(started, people)
    complete_task(mediate, by=people["mediator"], transition="withdraw", reason="申请人当场撤回")

    started.refresh_from_db()
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.WITHDRAWN
    assert Task.objects.get(pk=mediate.pk).status == STATUS.DONE
    assert the_task(started, "close_case").owner == people["mediator"]
    assert list(open_tasks(started)) == [the_task(started, "close_case")]


# -- who may act -------------------------------------------------------------------------------

def test_a_mediator_may_take_the_case_but_not_give_it_to_someone_else(started, haidian_case, people, make_user, orgs):
    other = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    decide = the_task(started, "decide_acceptance")
    claim_task(decide, people["mediator"])
    complete_task(decide, by=people["mediator"], transition="accept")
    assign = the_task(started, "assign_mediator")
    claim_task(assign, people["mediator"])

    with pytest.raises(ValidationError, match="调解员只能领取给自己"):
        complete_task(assign, by=people["mediator"], transition="assign", data={"mediator": other})
    complete_task(assign, by=people["mediator"], transition="assign", data={"mediator": people["mediator"]})

    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.IN_MEDIATION and haidian_case.mediator == people["mediator"]
    assert the_task(started, "mediate").owner == people["mediator"]


def test_a_chaoyang_mediator_can_neither_see_nor_act_on_a_haidian_task(started, people, client):
    task = the_task(started, "decide_acceptance")
    cy = people["cy_mediator"]

    assert list(visible_tasks(cy)) == []
    with pytest.raises(PermissionDenied, match="海淀|某科技公司"):
        claim_task(task, cy)

    client.force_login(cy)
    queue = client.get(DisputeFlow.instance.reverse("queue"))
    assert queue.status_code == 200
    assert started.case.number not in queue.content.decode()
    assert client.post(url(task, "assign")).status_code == 403
    assert client.get(url(task, "detail")).status_code == 403
    assert client.get(DisputeFlow.instance.reverse("process_detail", args=[started.pk])).status_code == 403
    assert started.case.number not in client.get(DisputeFlow.instance.reverse("task_list")).content.decode()
    assert started.case.number not in client.get(DisputeFlow.instance.reverse("process_list")).content.decode()
    task.refresh_from_db()
    assert task.owner is None


def test_a_chaoyang_mediator_cannot_execute_a_haidian_task_even_if_it_were_theirs(started, people):
    task = the_task(started, "decide_acceptance")
    Task.objects.filter(pk=task.pk).update(owner=people["cy_mediator"], status=STATUS.ASSIGNED)
    with pytest.raises(PermissionDenied):
        complete_task(task, by=people["cy_mediator"], transition="accept")
    assert started.case.status == DisputeStatus.REGISTERED


def test_an_auditor_reads_but_cannot_claim_or_execute(started, haidian_case, people, client):
    task = the_task(started, "decide_acceptance")
    auditor = people["auditor"]

    with pytest.raises(PermissionDenied, match="审计员只能查阅"):
        claim_task(task, auditor)
    Task.objects.filter(pk=task.pk).update(owner=auditor, status=STATUS.ASSIGNED)
    with pytest.raises(PermissionDenied):
        complete_task(task, by=auditor, transition="accept")
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.REGISTERED

    client.force_login(auditor)
    assert client.get(DisputeFlow.instance.reverse("process_detail", args=[started.pk])).status_code == 200
    assert client.get(url(task, "execute")).status_code == 403


def test_of_two_mediators_claiming_the_same_task_the_second_is_told_who_has_it(started, people, make_user, orgs):
    second = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    people["mediator"].first_name, people["mediator"].last_name = "调解", "李"
    people["mediator"].save()
    task = the_task(started, "decide_acceptance")

    claim_task(task, people["mediator"])
    with pytest.raises(TaskAlreadyClaimed, match="该任务已由李调解领取"):
        claim_task(task, second)
    task.refresh_from_db()
    assert task.owner == people["mediator"]


def test_the_claim_page_sends_a_late_claimant_back_to_the_queue_with_a_message(started, people, make_user, orgs,
                                                                              client):
    second = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    task = the_task(started, "decide_acceptance")
    client.force_login(people["mediator"])
    assert client.post(url(task, "assign")).status_code == 302

    client.force_login(second)
    response = client.post(url(task, "assign"), follow=True)
    assert response.redirect_chain[-1][0] == DisputeFlow.instance.reverse("queue")
    assert "该任务已由hd_mediator领取，不能重复领取。" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == people["mediator"]


# -- through the pages ---------------------------------------------------------------------------

def test_reject_without_reason_is_refused_on_the_form_in_chinese(started, people, client):
    task = the_task(started, "decide_acceptance")
    client.force_login(people["mediator"])
    client.post(url(task, "assign"))

    response = client.post(url(task, "execute"), {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    assert "不予受理须填写理由。" in response.content.decode()
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED


def test_accept_assign_and_fail_through_the_pages(started, haidian_case, people, client,
                                                 django_capture_on_commit_callbacks):
    decide = the_task(started, "decide_acceptance")
    client.force_login(people["mediator"])
    queue = client.get(DisputeFlow.instance.reverse("queue")).content.decode()
    assert haidian_case.number in queue and "张三" in queue

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(decide, "assign")).status_code == 302
        form = client.get(url(decide, "execute"))
        assert form.status_code == 200 and haidian_case.number in form.content.decode()
        assert client.post(url(decide, "execute"), {"decision": "accept", "reason": ""}).status_code == 302

        assign = the_task(started, "assign_mediator")
        client.force_login(people["lead"])
        client.post(url(assign, "assign"))
        response = client.post(url(assign, "execute"), {"mediator": people["mediator"].pk})
        assert response.status_code == 302, response.content.decode()

        mediate = the_task(started, "mediate")
        assert mediate.owner == people["mediator"]
        client.force_login(people["mediator"])
        assert mediate in inbox_tasks(people["mediator"])
        assert haidian_case.number in client.get(DisputeFlow.instance.reverse("inbox")).content.decode()
        response = client.post(url(mediate, "execute"), {"outcome": "fail", "reason": "双方对欠薪数额分歧过大"})
        assert response.status_code == 302, response.content.decode()

    started.refresh_from_db()
    haidian_case.refresh_from_db()
    assert [t.flow_task for t in open_tasks(started)] == [DisputeFlow.close_case]
    assert haidian_case.status == DisputeStatus.FAILED and haidian_case.mediator == people["mediator"]
    assert transitions_of(haidian_case) == ["accept", "assign", "fail"]
    kinds = set(Document.objects.filter(
        subject_type=ContentType.objects.get_for_model(DisputeCase), subject_id=str(haidian_case.pk),
    ).values_list("kind", flat=True))
    assert {"acceptance_notice", "termination_notice"} <= kinds


def test_rejection_through_the_page_issues_the_non_acceptance_notice(started, haidian_case, people, client,
                                                                     django_capture_on_commit_callbacks):
    decide = the_task(started, "decide_acceptance")
    client.force_login(people["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(decide, "assign"))
        response = client.post(url(decide, "execute"), {"decision": "reject", "reason": "已超过申请时效"})
    assert response.status_code == 302, response.content.decode()
    assert [t.flow_task for t in open_tasks(started)] == [DisputeFlow.close_case]
    assert Document.objects.filter(
        kind="non_acceptance_notice", subject_id=str(haidian_case.pk),
        subject_type=ContentType.objects.get_for_model(DisputeCase),
    ).exists()


# -- PostgreSQL: a true race ---------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_mediators_claiming_at_once_exactly_one_wins(orgs, people, make_user):
    second = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    process = start_dispute_flow(make_case(orgs["hd_ent"]), by=people["mediator"])
    task = the_task(process, "decide_acceptance")
    barrier = threading.Barrier(2)
    outcomes = {}

    def claim_as(user):
        try:
            barrier.wait()
            claim_task(Task.objects.get(pk=task.pk), user)
            outcomes[user.username] = "won"
        except TaskAlreadyClaimed as refusal:
            outcomes[user.username] = str(refusal)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim_as, args=(user,)) for user in (people["mediator"], second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcome == "won" for outcome in outcomes.values()) == [False, True]
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    assert next(outcome for outcome in outcomes.values() if outcome != "won").startswith(f"该任务已由{winner}领取")
    task.refresh_from_db()
    assert task.owner.username == winner


def test_the_flow_pages_render_in_chinese_for_a_mediator(started, haidian_case, people, client):
    task = the_task(started, "decide_acceptance")
    client.force_login(people["mediator"])
    flow = DisputeFlow.instance
    pages = {
        "dashboard": flow.reverse("index"), "queue": flow.reverse("queue"), "inbox": flow.reverse("inbox"),
        "archive": flow.reverse("archive"), "tasks": flow.reverse("task_list"),
        "processes": flow.reverse("process_list"), "process": flow.reverse("process_detail", args=[started.pk]),
        "claim": url(task, "assign"), "task": url(task, "detail"),
    }
    for name, address in pages.items():
        response = client.get(address, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, (name, response.status_code)
        assert "劳动争议调解" in response.content.decode(), name
    client.post(url(task, "assign"))
    form = client.get(url(task, "execute")).content.decode()
    for text in ("受理审查", "审查结论", "不予受理", haidian_case.number, "拖欠劳动报酬 ¥23,196.00"):
        assert text in form
