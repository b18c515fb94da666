"""DisputeFlow: acceptance review, assignment, mediation and its in-task actions, the way every
case reaches closing, reassignment, auto-assignment and the urgency-sorted queues — each step
through the transition door.

The flow is driven both from code (claim_task / complete_task, as imports and commands do)
and through its pages with Django's test client, as a mediator and a lead would.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import get_resolver
from django.utils import timezone
from freezegun import freeze_time
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from cases.models import (
    AuditAction,
    AuditEvent,
    Channel,
    Deadline,
    DeadlineState,
    DisputeCase,
    DisputeClaim,
    DisputeStatus,
    Document,
    Employer,
    Organisation,
    Role,
    Worker,
)
from cases.models.actors import system
from cases.platform import deadlines
from cases.platform.deadlines import announce
from cases.platform.transitions import apply
from cases.rules.claims import ClaimType
from cases.rules.deadlines import CREATED, clock as clock_rule
from tests.consent import consent_recorded_in_task
from workflows.dispute.flow import (
    DisputeFlow,
    TaskAlreadyClaimed,
    claim_task,
    complete_task,
    follow_mediator,
    reassign_mediator,
    route_to_closing,
    start_dispute_flow,
    take_action,
)
from workflows.dispute.views import claimable_tasks, inbox_tasks, visible_tasks
from workflows.home import unassigned_tasks
from workflows.models import DisputeProcess

from .concurrency import run_at_once

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


def action_url(task, name):
    get_resolver().url_patterns
    return task.flow_task.reverse("action", args=[task.process_id, task.pk, name])


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
    complete_task(task, by=people["mediator"], transition="reject", reason="不属于劳动争议受理范围",
                  data={"rejection_ground": "outside_remit"})

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
        complete_task(task, by=people["mediator"], transition="reject", reason="  ",
                      data={"rejection_ground": "not_labour_dispute"})
    task.refresh_from_db()
    haidian_case.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.finished is None
    assert haidian_case.status == DisputeStatus.REGISTERED
    assert transitions_of(haidian_case) == []


def drive_to_mediation(process, people):
    decide = the_task(process, "decide_acceptance")
    claim_task(decide, people["mediator"])
    consent_recorded_in_task(decide, people["mediator"])
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
    route_to_closing(haidian_case, by=people["mediator"])
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
    consent_recorded_in_task(decide, people["mediator"])
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
    with pytest.raises(PermissionDenied, match="^该任务不在您所属组织的范围内。$"):  # naming nothing of Haidian
        claim_task(task, cy)

    client.force_login(cy)
    queue = client.get(DisputeFlow.instance.reverse("queue"))
    assert queue.status_code == 200
    assert started.case.number not in queue.content.decode()
    assert client.post(url(task, "assign")).status_code == 404  # a process elsewhere is not found (issue 17)
    assert client.get(url(task, "detail")).status_code == 404
    assert client.get(DisputeFlow.instance.reverse("process_detail", args=[started.pk])).status_code == 404
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

    response = client.post(url(task, "execute"), {"decision": "reject", "rejection_ground": "not_labour_dispute",
                                                  "reason": ""})
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
        consent = {"record_consent-decision": "consented", "record_consent-consent_method": "written",
                   "record_consent-decided_on": f"{haidian_case.received_on:%Y-%m-%d}",
                   "record_consent-given_by": "法定代表人"}
        assert client.post(action_url(decide, "record_consent"), consent).status_code == 302
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
        response = client.post(url(mediate, "execute"), {"outcome": "fail", "reason": "被申请人拒绝参加调解",
                                                          "no_session_ground": "refused_to_attend"})
        assert response.status_code == 302, response.content.decode()

    started.refresh_from_db()
    haidian_case.refresh_from_db()
    assert [t.flow_task for t in open_tasks(started)] == [DisputeFlow.close_case]
    assert haidian_case.status == DisputeStatus.FAILED and haidian_case.mediator == people["mediator"]
    assert transitions_of(haidian_case) == ["record_consent", "accept", "assign", "fail"]
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
        response = client.post(url(decide, "execute"), {"decision": "reject", "reason": "已超过申请时效",
                                                         "rejection_ground": "other_party_refuses"})
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
    claimants = (people["mediator"], second)
    results = run_at_once([lambda user=user: claim_task(Task.objects.get(pk=task.pk), user) for user in claimants])
    outcomes = {}
    for user, (kind, value) in zip(claimants, results, strict=True):
        assert kind == "ok" or isinstance(value, TaskAlreadyClaimed), value
        outcomes[user.username] = "won" if kind == "ok" else str(value)

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


# -- reassignment and auto-assignment ------------------------------------------------------------

def test_a_leads_reassignment_moves_the_open_mediation_task_and_its_clocks(started, haidian_case, people, make_user,
                                                                           orgs):
    second = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    mediate = drive_to_mediation(started, people)
    haidian_case.refresh_from_db()

    with pytest.raises(PermissionDenied, match="只有调解组长"):
        reassign_mediator(haidian_case, by=people["mediator"], mediator=second, reason="工作调整")
    assert Task.objects.get(pk=mediate.pk).owner == people["mediator"]

    reassign_mediator(haidian_case, by=people["lead"], mediator=second, reason="原调解员回避")

    haidian_case.refresh_from_db()
    moved = Task.objects.get(pk=mediate.pk)
    assert haidian_case.mediator == second
    assert (moved.owner, moved.status) == (second, STATUS.ASSIGNED)
    assert list(inbox_tasks(people["mediator"])) == []
    assert list(inbox_tasks(second)) == [moved]
    assert set(Deadline.objects.for_subject(haidian_case).active().values_list("assignee", flat=True)) == {second.pk}
    assert transitions_of(haidian_case) == ["record_consent", "accept", "assign", "reassign"]
    # Running the effect again moves nothing.
    assert follow_mediator(haidian_case) == 0


def test_a_reassignment_through_the_door_alone_moves_the_task_too(started, haidian_case, people, make_user, orgs):
    second = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    mediate = drive_to_mediation(started, people)
    haidian_case.refresh_from_db()
    apply(haidian_case, "reassign", by=people["lead"], reason="原调解员回避", data={"mediator": second})
    assert Task.objects.get(pk=mediate.pk).owner == second


def accepted_with_auto_assignment(organisation, people):
    process = start_dispute_flow(make_case(organisation), by=people["mediator"])
    decide = the_task(process, "decide_acceptance")
    claim_task(decide, people["mediator"])
    consent_recorded_in_task(decide, people["mediator"])
    complete_task(decide, by=people["mediator"], transition="accept")
    process.case.refresh_from_db()
    return process


def auto_assignment(on: bool):
    return override_settings(UNIONCASE={**django_settings.UNIONCASE, "AUTO_ASSIGN_MEDIATOR": on})


def test_with_auto_assignment_on_the_least_loaded_mediator_gets_the_case(orgs, people, make_user):
    busy, idle = people["mediator"], make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    with auto_assignment(True):
        first = accepted_with_auto_assignment(orgs["hd_ent"], people)
        # A tie (nobody has open mediation work) goes to the first username.
        assert first.case.mediator == busy and first.case.status == DisputeStatus.IN_MEDIATION
        assert the_task(first, "mediate").owner == busy
        assert not first.task_set.filter(flow_task=DisputeFlow.assign_mediator).exists()

        second = accepted_with_auto_assignment(orgs["hd_ent"], people)
        assert second.case.mediator == idle  # hd_mediator has one open mediate task
        assert the_task(second, "mediate").owner == idle

    event = AuditEvent.objects.for_subject(second.case).get(name="assign")
    assert event.actor_label == "system:auto_assign" and event.data["input"]["mediator"]["pk"] == idle.pk
    # Clocks now warn the assigned mediator.
    assert set(Deadline.objects.for_subject(second.case).active().values_list("assignee", flat=True)) == {idle.pk}


def test_auto_assignment_leaves_the_case_to_a_lead_when_no_mediator_is_eligible(orgs, people, make_user):
    lone_org = Organisation.objects.create(code="BJ-CY-JSW-02", name="某物流公司劳动争议调解委员会",
                                           kind=orgs["cy_ent"].kind, parent=orgs["bj"])
    lead = make_user("lone_lead", lone_org, Role.MEDIATION_LEAD)
    with auto_assignment(True):
        process = start_dispute_flow(make_case(lone_org), by=lead)
        decide = the_task(process, "decide_acceptance")
        claim_task(decide, lead)
        consent_recorded_in_task(decide, lead)
        complete_task(decide, by=lead, transition="accept")
    process.case.refresh_from_db()
    assert process.case.status == DisputeStatus.ACCEPTED
    assert the_task(process, "assign_mediator").owner is None


def test_with_auto_assignment_off_a_lead_assigns(orgs, people):
    with auto_assignment(False):
        process = accepted_with_auto_assignment(orgs["hd_ent"], people)
    assert process.case.status == DisputeStatus.ACCEPTED and process.case.mediator is None
    assign = the_task(process, "assign_mediator")
    assert assign.owner is None and assign.status == STATUS.NEW
    assert not process.task_set.filter(flow_task=DisputeFlow.auto_assign_mediator).exists()


# -- in-task actions ----------------------------------------------------------------------------

def test_a_mediator_schedules_and_records_a_session_without_ending_the_mediation(started, haidian_case, people,
                                                                                client):
    mediate = drive_to_mediation(started, people)
    client.force_login(people["mediator"])
    page = client.get(url(mediate, "execute")).content.decode()
    assert "安排调解" in page and "延期调解" not in page  # extensions are a lead's to approve

    when = (timezone.localtime() + timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    response = client.post(action_url(mediate, "schedule_session"), {
        "schedule_session-starts_at": when.strftime("%Y-%m-%d %H:%M"), "schedule_session-place": "街道调解室",
        "schedule_session-to_bring": "劳动合同、工资条",
    })
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == url(mediate, "execute")
    session = haidian_case.sessions.get()
    assert (session.number, session.place, session.mediator) == (1, "街道调解室", people["mediator"])

    # The door's refusal comes back onto the action form in Chinese, what was typed kept.
    response = client.post(action_url(mediate, "record_session"), {
        "record_session-session": session.pk, "record_session-attendees": "",
        "record_session-statements": "劳动者要求支付欠薪",
    })
    assert response.status_code == 200 and "请填写到场人员。" in response.content.decode()
    assert "劳动者要求支付欠薪" in response.content.decode()
    minutes = {
        "record_session-session": session.pk, "record_session-attendees": "王秀英、公司代理人李四",
        "record_session-statements": "劳动者要求支付欠薪；公司同意分两期支付", "record_session-proposals": "分两期支付",
        "record_session-rights_explained": "on", "record_session-recusal_answer": "双方均不申请回避。",
        "record_session-note_taker": "张华", "record_session-outcome": "达成协议",
    }
    response = client.post(action_url(mediate, "record_session"), minutes)
    assert response.status_code == 200 and "尚未开始，不能记录笔录" in response.content.decode()
    with freeze_time(when + timedelta(hours=2), tick=True):  # the session has been held
        response = client.post(action_url(mediate, "record_session"), minutes)
    assert response.status_code == 302, response.content.decode()
    session.refresh_from_db()
    assert session.status == "held"

    task = Task.objects.get(pk=mediate.pk)
    haidian_case.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.finished is None
    assert haidian_case.status == DisputeStatus.IN_MEDIATION
    assert transitions_of(haidian_case) == ["record_consent", "accept", "assign", "schedule_session", "record_session"]


def test_a_lead_approves_an_extension_on_the_mediators_open_task(started, haidian_case, people, client):
    mediate = drive_to_mediation(started, people)
    mediation = Deadline.objects.for_subject(haidian_case).get(clock="dispute.mediation")
    today = timezone.localdate()

    client.force_login(people["mediator"])
    assert client.get(action_url(mediate, "extend_mediation")).status_code == 403
    client.force_login(people["auditor"])
    assert client.post(action_url(mediate, "extend_mediation"), {}).status_code == 403

    client.force_login(people["lead"])
    detail = client.get(url(mediate, "detail")).content.decode()
    assert "延期调解（双方同意）" in detail and action_url(mediate, "extend_mediation") in detail
    assert action_url(mediate, "schedule_session") not in detail  # the mediator's own actions are not the lead's
    form = client.get(action_url(mediate, "extend_mediation")).content.decode()
    assert "延长天数" in form and "劳动者同意日期" in form and haidian_case.number in form
    response = client.post(action_url(mediate, "extend_mediation"), {
        "extend_mediation-days": "10", "extend_mediation-worker_consented_on": today.isoformat(),
        "extend_mediation-employer_consented_on": today.isoformat(), "extend_mediation-reason": "双方同意继续调解",
        "extend_mediation-worker_consent_method": "written", "extend_mediation-worker_consent_by": "王秀英",
        "extend_mediation-employer_consent_method": "phone", "extend_mediation-employer_consent_by": "孙丽（委托代理人）",
    })
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == url(mediate, "detail")  # the lead does not hold the task
    mediation.refresh_from_db()
    assert mediation.state == "extended" and mediation.extended_days == 10
    assert Task.objects.get(pk=mediate.pk).status == STATUS.ASSIGNED
    assert "extend_mediation" in transitions_of(haidian_case)


def test_an_action_the_task_does_not_offer_is_refused(started, haidian_case, people, client):
    mediate = drive_to_mediation(started, people)
    with pytest.raises(ValidationError, match="不能办理"):
        take_action(mediate, by=people["mediator"], action="record_payment", data={})
    with pytest.raises(ValidationError, match="不能办理"):
        take_action(mediate, by=people["mediator"], action="fail", reason="双方分歧过大")
    client.force_login(people["mediator"])
    assert client.get(action_url(mediate, "record_payment")).status_code == 404
    assert client.get(action_url(mediate, "fail")).status_code == 404
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.IN_MEDIATION


def test_someone_who_has_not_claimed_the_task_cannot_take_its_actions(started, haidian_case, people, make_user, orgs):
    other = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    mediate = drive_to_mediation(started, people)
    with pytest.raises(PermissionDenied):
        take_action(mediate, by=other, action="schedule_session",
                    data={"starts_at": timezone.now() + timedelta(days=1), "place": "调解室"})
    assert not haidian_case.sessions.exists()


def draft_through_the_page(client, mediate, case):
    claim_pk = case.claims.get().pk
    due = timezone.localdate() + timedelta(days=20)
    return client.post(url(mediate, "execute"), {
        "_form": "agreement", "terms": "用人单位分两期支付拖欠工资共计23,196.00元。", "copies": "3",
        f"award_{claim_pk}": "23196.00",
        "instalment_1_due": due.isoformat(), "instalment_1_amount": "12000.00",
        "instalment_2_due": (due + timedelta(days=30)).isoformat(), "instalment_2_amount": "11196.00",
    })


def test_an_agreement_drafted_on_the_page_is_signed_in_art14_order(started, haidian_case, people, client):
    mediate = drive_to_mediation(started, people)
    client.force_login(people["mediator"])

    response = draft_through_the_page(client, mediate, haidian_case)
    assert response.status_code == 302, response.content.decode()
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.AGREEMENT_SIGNING
    assert [i.amount for i in haidian_case.agreement.instalments.all()] == [Decimal("12000.00"), Decimal("11196.00")]
    assert haidian_case.claims.get().amount_awarded == Decimal("23196.00")
    sign = the_task(started, "sign_agreement")
    assert sign.owner == people["mediator"]

    # The seal before the parties have signed: refused with Art.14, nothing recorded.
    response = client.post(action_url(sign, "record_signature"), {"record_signature-signatory": "seal"})
    assert response.status_code == 200
    assert "第十四条" in response.content.decode()
    for signatory in ("worker", "employer", "mediator", "seal"):
        response = client.post(action_url(sign, "record_signature"), {"record_signature-signatory": signatory})
        assert response.status_code == 302, response.content.decode()
    haidian_case.agreement.refresh_from_db()
    assert haidian_case.agreement.missing_signatures() == []
    assert Task.objects.get(pk=sign.pk).status == STATUS.ASSIGNED
    assert transitions_of(haidian_case)[-5:] == ["draft_agreement"] + ["record_signature"] * 4


def test_instalments_that_do_not_add_up_are_refused_on_the_form(started, haidian_case, people, client):
    mediate = drive_to_mediation(started, people)
    client.force_login(people["mediator"])
    claim_pk = haidian_case.claims.get().pk
    response = client.post(url(mediate, "execute"), {
        "_form": "agreement", "terms": "分期支付", "copies": "3", f"award_{claim_pk}": "23196.00",
        "instalment_1_due": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "instalment_1_amount": "10000.00", "instalment_2_amount": "500.00",
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert "第2期须同时填写履行期限和金额。" in page
    response = client.post(url(mediate, "execute"), {
        "_form": "agreement", "terms": "分期支付", "copies": "3", f"award_{claim_pk}": "23196.00",
        "instalment_1_due": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "instalment_1_amount": "10000.00",
    })
    assert response.status_code == 200 and "应等于协议金额合计" in response.content.decode()
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.IN_MEDIATION
    assert Task.objects.get(pk=mediate.pk).status == STATUS.ASSIGNED


# -- queues sorted by legal urgency -------------------------------------------------------------

TODAY = date(2026, 11, 20)  # a Friday; Monday 23rd is the next working day


def in_mediation(organisation, people, **names):
    process = start_dispute_flow(make_case(organisation, **names), by=people["mediator"])
    drive_to_mediation(process, people)
    process.case.refresh_from_db()
    return process


def due(case, on, *, provisional=False):
    """Every running clock of `case` but its mediation clock stops; that one falls due `on`.
    Announced as the deadlines service announces its changes, for the queues' stored rows."""
    clocks = Deadline.objects.for_subject(case).active()
    changed = list(clocks)
    clocks.exclude(clock="dispute.mediation").update(state=DeadlineState.MET)
    if on is None:
        clocks.update(state=DeadlineState.MET)
    else:
        clocks.filter(clock="dispute.mediation").update(due_on=on, provisional=provisional)
    announce(changed)


def row_of(response, case):
    page = response.content.decode()
    start = page.index(case.number)
    return page[start:page.index("</tr>", start)]


def test_my_tasks_are_sorted_by_the_nearest_deadline_with_working_days_left(orgs, people, client):
    with freeze_time("2026-11-20 10:00"):
        cases = {name: in_mediation(orgs["hd_ent"], people, worker_name=name).case
                 for name in ("无期限", "下周二", "今天", "昨天", "下周一", "周日")}
        due(cases["无期限"], None)
        due(cases["下周二"], date(2026, 11, 24))
        due(cases["今天"], TODAY)
        due(cases["昨天"], date(2026, 11, 19))
        due(cases["下周一"], date(2026, 11, 23), provisional=True)
        due(cases["周日"], date(2026, 11, 22))

        tasks = list(inbox_tasks(people["mediator"]))
        assert [t.process.disputeprocess.case.worker.name for t in tasks] == [
            "昨天", "今天", "周日", "下周一", "下周二", "无期限"]

        client.force_login(people["mediator"])
        response = client.get(DisputeFlow.instance.reverse("inbox"))
    assert response.status_code == 200
    expected = {
        "昨天": ("已超期1个工作日", "breached"), "今天": ("今日届满", "warning"),
        "周日": ("剩余0个工作日", "warning"), "下周一": ("剩余1个工作日", "warning"),
        "下周二": ("剩余2个工作日", "normal"), "无期限": ("无进行中的期限", None),
    }
    for name, (label, level) in expected.items():
        row = row_of(response, cases[name])
        assert label in row and name in row and "北京某科技有限公司" in row and "¥23,196.00" in row and "调解" in row
        if level:
            assert f"uc-deadline--{level}" in row
        assert ("暂定" in row) == (name == "下周一")
    assert ".uc-deadline--breached { color: #b71c1c; }" in response.content.decode()  # the colours are on the page


def test_an_instalment_clock_counts_as_its_cases_deadline(orgs, people):
    with freeze_time("2026-11-20 10:00"):
        early = in_mediation(orgs["hd_ent"], people, worker_name="分期").case
        late = in_mediation(orgs["hd_ent"], people, worker_name="调解中").case
        due(late, date(2026, 11, 30))
        due(early, date(2026, 12, 31))
        complete_task(the_task(early.process, "mediate"), by=people["mediator"], transition="draft_agreement",
                      data={"terms": "一次付清", "awards": {}, "instalments": [(date(2026, 11, 26), Decimal("100.00"))]})
        early.refresh_from_db()
        instalment = early.agreement.instalments.get()
        deadlines.open_deadline(rule=clock_rule("dispute.instalment"), subject=instalment,
                                organisation=early.organisation, starts_on=TODAY, due_on=instalment.due_on)

        tasks = list(inbox_tasks(people["mediator"]))
    assert [t.process.disputeprocess.case for t in tasks] == [early, late]
    assert tasks[0].deadline_due == date(2026, 11, 26)


def test_the_queues_filter_by_claim_type_case_status_and_deadline_status(orgs, people, client):
    with freeze_time("2026-11-20 10:00"):
        wages = in_mediation(orgs["hd_ent"], people, worker_name="欠薪").case
        other = in_mediation(orgs["hd_ent"], people, worker_name="工伤").case
        DisputeClaim.objects.filter(case=other).update(claim_type=ClaimType.SOCIAL_INSURANCE)
        due(wages, date(2026, 11, 19))
        due(other, date(2026, 12, 10))
        fresh = start_dispute_flow(make_case(orgs["hd_ent"], worker_name="待受理"), by=people["mediator"]).case
        client.force_login(people["mediator"])
        inbox, queue = DisputeFlow.instance.reverse("inbox"), DisputeFlow.instance.reverse("queue")

        def names(address, **query):
            page = client.get(address, query).content.decode()
            return {case.worker.name for case in (wages, other, fresh) if case.number in page}

        assert names(inbox) == {"欠薪", "工伤"}
        assert names(inbox, claim_type=ClaimType.SOCIAL_INSURANCE) == {"工伤"}
        assert names(inbox, deadline="breached") == {"欠薪"}
        assert names(inbox, deadline="normal") == {"工伤"}
        assert names(inbox, deadline="warning") == set()
        assert names(inbox, case_status=DisputeStatus.IN_MEDIATION) == {"欠薪", "工伤"}
        assert names(inbox, case_status=DisputeStatus.REGISTERED) == set()
        assert names(queue) == {"待受理"}
        assert names(queue, case_status=DisputeStatus.REGISTERED) == {"待受理"}
        assert names(queue, claim_type=ClaimType.SOCIAL_INSURANCE) == set()
        assert "领取" in client.get(queue).content.decode()


def test_the_menu_counts_each_users_inbox_and_queue_as_their_pages_list_them(orgs, people, client):
    for _ in range(3):
        start_dispute_flow(make_case(orgs["hd_ent"]), by=people["mediator"])
    start_dispute_flow(make_case(orgs["cy_ent"]), by=people["cy_mediator"])
    claim_task(the_task(DisputeProcess.objects.filter(case__organisation=orgs["hd_ent"]).first(), "decide_acceptance"),
               people["mediator"])
    inbox, queue = DisputeFlow.instance.reverse("inbox"), DisputeFlow.instance.reverse("queue")

    def counters(address):
        page = client.get(address).content.decode()
        found = {name: int(re.search(rf'href="{url}">.*?mdc-list-item__meta">(\d+)<', page, re.S).group(1))
                 for name, url in (("inbox", inbox), ("queue", queue))}
        rows = page.count("<tr data-row-id=")
        total = re.search(r'data-total-items-count="(\d+)"', page)
        return found, rows, int(total.group(1)) if total else 0

    for user, expected in ((people["mediator"], {"inbox": 1, "queue": 2}), (people["lead"], {"inbox": 0, "queue": 2}),
                           (people["cy_mediator"], {"inbox": 0, "queue": 1})):
        client.force_login(user)
        for name, address in (("inbox", inbox), ("queue", queue)):
            assert counters(address) == (expected, expected[name], expected[name]), (user, name)
        assert counters(f"{queue}?case_status={DisputeStatus.REGISTERED}") == (expected, expected["queue"],
                                                                              expected["queue"])


@pytest.mark.parametrize("view", ["inbox", "queue"])
def test_a_queue_page_of_twenty_tasks_costs_a_bounded_number_of_queries(orgs, people, client, view,
                                                                         django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            process = start_dispute_flow(make_case(orgs["hd_ent"]), by=people["mediator"])
            if view == "inbox":
                claim_task(the_task(process, "decide_acceptance"), people["mediator"])

    client.force_login(people["mediator"])
    address = DisputeFlow.instance.reverse(view)
    fill(2)
    client.get(address)  # warm per-process caches (content types) so both counts are steady-state
    with CaptureQueriesContext(connection) as few:
        assert client.get(address).status_code == 200
    fill(18)
    with django_assert_max_num_queries(QUEUE_PAGE_MAX_QUERIES):
        response = client.get(address)
    assert response.content.decode().count("¥23,196.00") == 20
    with CaptureQueriesContext(connection) as many:
        client.get(address)
    assert len(many) == len(few)  # not one query more per row


# Measured: 8 on SQLite — session, user, whether a second factor is due (issue 17), the user's
# memberships with their organisations (every flow's role check of the menu and the page, read
# once: workflows/page_scope.py), the organisation ids of their subtrees (read once for the page
# and the counters; a subquery there had left a street's queue at half a second), the menu's two
# counters in one query (an unfiltered page's count is its counter), the bell's unread count and
# the page's one query for the rows (deadline, total claimed and case columns included).
QUEUE_PAGE_MAX_QUERIES = 8


def test_each_later_task_page_shows_its_forms_and_actions_in_chinese(started, haidian_case, people, client):
    mediator = people["mediator"]
    client.force_login(mediator)
    mediate = drive_to_mediation(started, people)
    page = client.get(url(mediate, "execute")).content.decode()
    for text in ("调解终结", "达成协议，起草调解协议书", "第1期履行期限", "安排调解", "记录调解笔录", "拖欠劳动报酬 ¥23,196.00"):
        assert text in page, text

    assert draft_through_the_page(client, mediate, haidian_case).status_code == 302
    sign = the_task(started, "sign_agreement")
    page = client.get(url(sign, "execute")).content.decode()
    for text in ("登记签名盖章", "劳动者签名", "确认协议生效", "未能签署", "第1期 ¥12,000.00"):
        assert text in page, text
    # Confirming the effect before the signatures: Art.14's refusal on the form, the task open.
    response = client.post(url(sign, "execute"), {"_form": "effective", "confirm": "on"})
    assert response.status_code == 200 and "第十四条" in response.content.decode()
    assert Task.objects.get(pk=sign.pk).status == STATUS.ASSIGNED


def test_closing_and_archiving_pages_complete_through_the_door(started, haidian_case, people, client):
    mediate = drive_to_mediation(started, people)
    complete_task(mediate, by=people["mediator"], transition="fail", reason="被申请人撤回调解同意",
                  data={"no_session_ground": "consent_withdrawn"})
    closing = the_task(started, "close_case")
    client.force_login(people["mediator"])
    assert "结案说明" in client.get(url(closing, "execute")).content.decode()
    assert client.post(url(closing, "execute"), {"reason": "调解不成，已告知仲裁权利"}).status_code == 302
    haidian_case.refresh_from_db()
    assert haidian_case.status == DisputeStatus.CLOSED
    archiving = the_task(started, "archive_case")
    response = client.post(url(archiving, "execute"), {})
    assert response.status_code == 200 and "请核对卷宗材料并勾选确认。" in response.content.decode()
    assert "生成卷宗并归档" in response.content.decode()
