"""Issue 16, point 13: recusal (回避) and what 调解笔录 carries. Each test names its point."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.documents import get_kind
from cases.models import AuditEvent, Deadline, RecusalDecision, RecusalRequest, Role
from cases.platform.documents import render_html
from cases.platform.transitions import TransitionRefused, apply
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case
from workflows.dispute.flow import claim_task, complete_task, start_dispute_flow
from workflows.dispute.page_forms import DecideRecusalForm, RecordSessionForm
from workflows.dispute.pages import case_actions
from workflows.models import DisputeProcess

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(orgs, make_user):
    return make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR, last_name="赵", first_name="敏")


@pytest.fixture
def in_mediation(orgs, people):
    """A case in mediation through its flow, its mediate task held by the mediator, a session
    scheduled for 2026-11-05 14:00."""
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people)
        process = start_dispute_flow(case, by=people["mediator"])
        consent_recorded(case, people["mediator"])
        decide = process.task_set.get(flow_task=process.flow_class.decide_acceptance)
        claim_task(decide, people["mediator"])
        complete_task(decide, by=people["mediator"], transition="accept")
        assign = process.task_set.get(flow_task=process.flow_class.assign_mediator)
        claim_task(assign, people["lead"])
        complete_task(assign, by=people["lead"], transition="assign", data={"mediator": people["mediator"]})
    with freeze_time(at("2026-11-03")):
        case.refresh_from_db()
        apply(case, "schedule_session", by=people["mediator"], data={
            "starts_at": at("2026-11-05", 14), "place": "街道调解室"})
    case.refresh_from_db()
    return case


def mediate_task(case):
    process = DisputeProcess.objects.get(case=case)
    return Task.objects.get(process=process, flow_task=process.flow_class.mediate,
                            status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED))


MINUTES = {"attendees": "申请人王秀英；被申请人委托代理人孙丽；调解员；记录人张华", "statements": "申请人陈述拖欠工资的情况。",
           "note_taker": "张华", "outcome": "继续调解"}
FIRST = {"rights_explained": True, "recusal_answer": "申请人：不申请回避。被申请人：不申请回避。"}


def test_point_13_first_minutes_record_the_rights_and_the_recusal_question(in_mediation, people):
    case = in_mediation
    session = case.sessions.get()
    with freeze_time(at("2026-11-05", 16)):
        with pytest.raises(ValidationError) as refused:
            apply(case, "record_session", by=people["mediator"], data={"session": session, **MINUTES})
        assert set(refused.value.message_dict) == {"rights_explained", "recusal_answer"}
        assert "询问是否申请调解员回避" in refused.value.message_dict["rights_explained"][0]
        outcome = apply(case, "record_session", by=people["mediator"], data={"session": session, **MINUTES, **FIRST})
    session.refresh_from_db()
    assert session.rights_explained and session.recusal_answer.startswith("申请人：不申请回避")
    assert (session.note_taker, session.outcome) == ("张华", "继续调解")

    context = get_kind("session_record").build_context(case, outcome.event)
    assert "是否申请调解员回避" in context["rights"]
    assert context["recusal_answer"] == ["申请人：不申请回避。被申请人：不申请回避。"]
    assert (context["recorder"], context["session"]["outcome"]) == ("张华", "继续调解")
    html = render_html(template=get_kind("session_record").template, context=context)
    assert html.index("是否申请调解员回避") < html.index("一、到场人员") < html.index("本次调解结果")
    assert "记录人（签名）" in html and "申请人（签名）" in html

    # The second session asks no rights question again.
    with freeze_time(at("2026-11-06")):
        apply(case, "schedule_session", by=people["mediator"], data={"starts_at": at("2026-11-07", 9), "place": "调解室"})
    with freeze_time(at("2026-11-07", 11)):
        apply(case, "record_session", by=people["mediator"],
              data={"session": case.sessions.get(number=2), **MINUTES, "outcome": "达成协议"})
    assert case.sessions.get(number=2).rights_explained is False


def test_point_13_a_party_requests_recusal_and_a_lead_moves_the_case_to_another_mediator(in_mediation, people,
                                                                                         second):
    case, mediator, lead = in_mediation, people["mediator"], people["lead"]
    with freeze_time(at("2026-11-04")):
        with pytest.raises(ValidationError) as missing:
            apply(case, "request_recusal", by=mediator, reason="调解员与被申请人负责人系亲属", data={})
        assert "requested_by" in missing.value.message_dict
        apply(case, "request_recusal", by=mediator, reason="调解员与被申请人负责人系亲属", data={"requested_by": "worker"})
    request = RecusalRequest.objects.get(case=case)
    assert (request.mediator, request.requested_by, request.decision) == (mediator, "worker", RecusalDecision.PENDING)
    assert request.requested_on == date(2026, 11, 4)

    # Pending: no minutes, no agreement, no second request; only a lead decides.
    names = {spec.name for spec in case_actions(case, lead)}
    assert "decide_recusal" in names and "request_recusal" not in names
    with freeze_time(at("2026-11-05", 16)):
        with pytest.raises(TransitionRefused, match="回避"):
            apply(case, "record_session", by=mediator, data={"session": case.sessions.get(), **MINUTES, **FIRST})
        with pytest.raises(TransitionRefused, match="回避"):
            apply(case, "draft_agreement", by=mediator, data={"terms": "分期支付。"})
        with pytest.raises(Exception, match="只有调解组长"):
            apply(case, "decide_recusal", by=mediator, reason="理由成立",
                  data={"decision": "granted", "mediator": second})
        with pytest.raises(ValidationError) as same:
            apply(case, "decide_recusal", by=lead, reason="理由成立", data={"decision": "granted", "mediator": mediator})
        assert "mediator" in same.value.message_dict

        form = DecideRecusalForm({"decide_recusal-decision": "granted", "decide_recusal-reason": "理由成立"},
                                 case=case, user=lead, spec=_spec(case, "decide_recusal"), prefix="decide_recusal")
        assert not form.is_valid() and "mediator" in form.errors

        apply(case, "decide_recusal", by=lead, reason="申请人所述亲属关系属实，可能影响公正调解",
              data={"decision": "granted", "mediator": second})

    case.refresh_from_db()
    request.refresh_from_db()
    assert case.mediator == second
    assert (request.decision, request.decided_by, request.decided_on) == (RecusalDecision.GRANTED, lead,
                                                                          date(2026, 11, 5))
    assert request.decision_reason.startswith("申请人所述亲属关系属实")
    task = mediate_task(case)
    assert (task.owner, task.status) == (second, STATUS.ASSIGNED)
    assert set(Deadline.objects.for_subject(case).active().values_list("assignee", flat=True)) == {second.pk}
    assert case.sessions.get().mediator == second  # the recused mediator holds no session not yet held
    journal = AuditEvent.objects.filter(name__in=["request_recusal", "decide_recusal"]).order_by("pk")
    assert [(e.name, e.reason[:4]) for e in journal] == [("request_recusal", "调解员与"), ("decide_recusal", "申请人所")]

    # Decided: the new mediator records the minutes.
    with freeze_time(at("2026-11-05", 17)):
        apply(case, "record_session", by=second, data={"session": case.sessions.get(), **MINUTES, **FIRST})


def _spec(case, name):
    from cases.platform.transitions import transition_spec

    return transition_spec(case, name)


def test_point_13_a_refused_recusal_keeps_the_mediator(in_mediation, people, second):
    case, mediator, lead = in_mediation, people["mediator"], people["lead"]
    with freeze_time(at("2026-11-04")):
        apply(case, "request_recusal", by=mediator, reason="认为调解员偏向申请人", data={"requested_by": "employer"})
        apply(case, "decide_recusal", by=lead, reason="无证据表明调解员与本案有利害关系", data={"decision": "refused"})
    case.refresh_from_db()
    request = RecusalRequest.objects.get(case=case)
    assert case.mediator == mediator
    assert (request.decision, request.decided_by, request.mediator) == (RecusalDecision.REFUSED, lead, mediator)
    assert mediate_task(case).owner == mediator
    assert case.sessions.get().mediator == mediator
    with freeze_time(at("2026-11-05", 16)):
        apply(case, "record_session", by=mediator, data={"session": case.sessions.get(), **MINUTES, **FIRST})
    with pytest.raises(TransitionRefused):
        apply(case, "decide_recusal", by=lead, reason="再次决定", data={"decision": "refused"})


def test_point_13_the_note_taker_may_be_the_mediator_only_when_recorded_so(in_mediation, people):
    case, mediator = in_mediation, people["mediator"]
    session = case.sessions.get()
    name = mediator.get_username()
    with freeze_time(at("2026-11-05", 16)):
        for note_taker, ticked, field in (("", False, "note_taker"), (name, False, "note_taker_is_mediator"),
                                          ("张华", True, "note_taker")):
            with pytest.raises(ValidationError) as refused:
                apply(case, "record_session", by=mediator, data={
                    "session": session, **MINUTES, **FIRST, "note_taker": note_taker, "note_taker_is_mediator": ticked})
            assert field in refused.value.message_dict, (note_taker, ticked)
        with pytest.raises(ValidationError) as no_outcome:
            apply(case, "record_session", by=mediator, data={"session": session, **MINUTES, **FIRST, "outcome": ""})
        assert "outcome" in no_outcome.value.message_dict

        form = RecordSessionForm({"record_session-session": session.pk, "record_session-attendees": "双方到场",
                                  "record_session-statements": "陈述", "record_session-outcome": "继续调解",
                                  "record_session-note_taker_is_mediator": "on"},
                                 case=case, user=mediator, spec=_spec(case, "record_session"), prefix="record_session")
        assert form.is_valid(), form.errors
        outcome = apply(case, "record_session", by=mediator, **form.arguments() | {"data": {
            **form.arguments()["data"], **FIRST}})
    session.refresh_from_db()
    assert (session.note_taker, session.note_taker_is_mediator) == (name, True)
    context = get_kind("session_record").build_context(case, outcome.event)
    assert (context["recorder"], context["recorder_is_mediator"]) == (name, True)


def test_point_13_the_recusal_forms_on_the_case_page_as_each_role(client, in_mediation, people, second):
    case, page = in_mediation, f"/cases/{in_mediation.pk}/"
    client.force_login(people["mediator"])
    html = client.get(page).content.decode()
    assert 'id="action-request_recusal"' in html and 'id="action-decide_recusal"' not in html
    response = client.post(f"{page}actions/request_recusal/", {
        "request_recusal-requested_by": "employer", "request_recusal-reason": "调解员与申请人系同村邻居"}, follow=True)
    assert any(str(m).startswith("已办理") for m in response.context["messages"])
    assert RecusalRequest.objects.get(case=case).decision == RecusalDecision.PENDING
    # The mediator concerned cannot decide: the lead's form is not offered, and a post is refused.
    assert 'id="action-decide_recusal"' not in client.get(page).content.decode()
    response = client.post(f"{page}actions/decide_recusal/", {
        "decide_recusal-decision": "refused", "decide_recusal-reason": "理由不成立"}, follow=True)
    assert not any(str(m).startswith("已办理") for m in response.context["messages"])

    client.force_login(people["auditor"])
    html = client.get(page).content.decode()
    assert "只有查阅权限" in html and 'id="action-decide_recusal"' not in html
    client.force_login(people["cy_mediator"])
    assert client.get(page).status_code == 404
    assert client.post(f"{page}actions/decide_recusal/", {"decide_recusal-decision": "refused"}).status_code == 404

    client.force_login(people["lead"])
    assert 'id="action-decide_recusal"' in client.get(page).content.decode()
    response = client.post(f"{page}actions/decide_recusal/", {
        "decide_recusal-decision": "granted", "decide_recusal-mediator": second.pk,
        "decide_recusal-reason": "为保证调解公正，准予回避"}, follow=True)
    assert any(str(m).startswith("已办理") for m in response.context["messages"])
    case.refresh_from_db()
    assert case.mediator == second
    assert RecusalRequest.objects.get(case=case).decision == RecusalDecision.GRANTED
