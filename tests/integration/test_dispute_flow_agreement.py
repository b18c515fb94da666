"""Whole lifecycles after an agreement, driven through DisputeFlow's tasks and their in-task
actions: registered → accepted → in mediation (a session scheduled and recorded) → agreement
drafted and signed in Art.14's order → performing → performed or referred → closed → archived.
Each asserts the case's states, its legal clocks, the flow's tasks, the documents issued (text
read back from the PDFs) and the audit journal."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from freezegun import freeze_time
from pypdf import PdfReader
from viewflow.workflow.status import PROCESS, STATUS

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import (
    AuditAction,
    AuditEvent,
    Channel,
    Deadline,
    DeadlineState,
    DisputeCase,
    DisputeStatus,
    Document,
)
from cases.models.dispute.agreement import Instalment
from cases.platform.audit.journal import verify_chain
from cases.rules.claims import ClaimType
from tests.consent import consent_recorded_in_task
from tests.dispute_cases import signed_scan
from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute, take_action

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = date(2026, 11, 2)  # a Monday
FIRST_DUE, SECOND_DUE = date(2026, 11, 20), date(2026, 12, 10)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def register(orgs, people):
    with freeze_time(at("2026-11-02", 9)):
        return open_dispute(
            organisation=orgs["hd_street"], by=people["mediator"], channel=Channel.WALK_IN_WRITTEN,
            received_on=RECEIVED, received_at=at("2026-11-02", 9),
            facts="用人单位自2026年8月起拖欠工资，多次催要未果。",
            worker=WorkerInput(name="王秀英", resident_id="11010519491231002X", phone="13800138000"),
            employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43", address="北京市海淀区"),
            claims=[ClaimInput(claim_type=ClaimType.WAGE_ARREARS, amount_claimed=Decimal("23196.00"))],
        ).case


def the_task(case, name):
    return case.process.task_set.get(flow_task=getattr(DisputeFlow, name), finished__isnull=True)


def open_task_names(case):
    return [task.flow_task.name for task in case.process.task_set.filter(finished__isnull=True)]


def take(case, name, person, transition, **kwargs):
    task = the_task(case, name)
    if task.owner_id is None:
        claim_task(task, person)
    if transition == "accept":  # the respondent's consent first (Art.20)
        consent_recorded_in_task(task, person)
    complete_task(task, by=person, transition=transition, **kwargs)
    case.refresh_from_db()


def act(case, name, person, action, **kwargs):
    take_action(the_task(case, name), by=person, action=action, **kwargs)
    case.refresh_from_db()


def clock(case, code):
    return Deadline.objects.for_subject(case).get(clock=code)


def instalment_clocks(case):
    return {i.number: Deadline.objects.for_subject(i).get(clock="dispute.instalment")
            for i in case.agreement.instalments.all()}


def documents(case, kind):
    return list(Document.objects.filter(
        subject_type=ContentType.objects.get_for_model(DisputeCase), subject_id=str(case.pk), kind=kind,
    ).order_by("variant", "pk"))


def text_of(document: Document) -> str:
    with document.file.open("rb") as handle:
        pages = PdfReader(BytesIO(handle.read())).pages
    return "".join(page.extract_text() for page in pages).replace(" ", "").replace("\n", "")


def transitions(case):
    return list(AuditEvent.objects.for_subject(case).filter(action=AuditAction.TRANSITION)
                .order_by("seq").values_list("name", flat=True))


def mediate_to_an_effective_agreement(case, people, capture):
    mediator = people["mediator"]
    with freeze_time(at("2026-11-03")), capture(execute=True):
        take(case, "decide_acceptance", mediator, "accept")
        take(case, "assign_mediator", people["lead"], "assign", data={"mediator": mediator})
        assert open_task_names(case) == ["mediate"] and the_task(case, "mediate").owner == mediator
        act(case, "mediate", mediator, "schedule_session",
            data={"starts_at": at("2026-11-05", 14), "place": "中关村街道调解室", "to_bring": "劳动合同、工资条"})
    session = case.sessions.get()
    with freeze_time(at("2026-11-05", 16)), capture(execute=True):
        act(case, "mediate", mediator, "record_session", data={
            "session": session, "attendees": "申请人王秀英；被申请人代理人孙丽；调解员",
            "statements": "申请人：要求支付拖欠工资。被申请人：确认拖欠，同意分两期支付。", "proposals": "分两期支付",
            "rights_explained": True, "recusal_answer": "双方均不申请回避。", "note_taker": "张华", "outcome": "达成协议"})
    with freeze_time(at("2026-11-06")), capture(execute=True):
        take(case, "mediate", mediator, "draft_agreement", data={
            "terms": "被申请人分两期支付申请人拖欠工资共计23,196.00元。",
            "awards": {case.claims.get().pk: Decimal("23196.00")},
            "instalments": [(FIRST_DUE, Decimal("12000.00")), (SECOND_DUE, Decimal("11196.00"))]})
        assert case.status == DisputeStatus.AGREEMENT_SIGNING and open_task_names(case) == ["sign_agreement"]
        for signatory in ("worker", "employer", "mediator", "seal"):
            act(case, "sign_agreement", mediator, "record_signature", data={"signatory": signatory})
        assert open_task_names(case) == ["sign_agreement"]
        act(case, "sign_agreement", mediator, "upload_signed_original", data={"scan": signed_scan()})
        take(case, "sign_agreement", mediator, "make_agreement_effective")
    assert case.status == DisputeStatus.PERFORMING
    assert open_task_names(case) == ["supervise_performance"]
    assert the_task(case, "supervise_performance").owner == mediator
    return case


def pay(case, people, number, amount, receipt, capture):
    instalment = case.agreement.instalments.get(number=number)
    act(case, "supervise_performance", people["mediator"], "record_payment", data={
        "instalment": instalment, "amount": Decimal(amount), "paid_on": date.today(), "receipt_number": receipt})


def close_and_archive(case, people, day, capture):
    with freeze_time(at(day)), capture(execute=True):
        assert open_task_names(case) == ["close_case"] and the_task(case, "close_case").owner == people["mediator"]
        take(case, "close_case", people["mediator"], "close", reason="协议履行情况已核实")
        assert case.status == DisputeStatus.CLOSED and open_task_names(case) == ["archive_case"]
        take(case, "archive_case", people["mediator"], "archive")
    assert case.status == DisputeStatus.ARCHIVED
    assert case.process.status == PROCESS.DONE
    assert open_task_names(case) == []
    assert case.process.task_set.filter(flow_task=DisputeFlow.end, status=STATUS.DONE).exists()


def test_an_agreement_performed_in_full_is_closed_and_archived_through_the_flow(
        orgs, people, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    case = mediate_to_an_effective_agreement(register(orgs, people), people, capture)

    assert clock(case, "dispute.acceptance").state == DeadlineState.MET
    assert clock(case, "dispute.mediation").state == DeadlineState.MET
    review = clock(case, "dispute.agreement_review")
    # 15 days from 2026-11-06 is Saturday 11-21: the period ends on Monday (民法典第二百零三条).
    assert (review.state, review.due_on) == (DeadlineState.OPEN, date(2026, 11, 23))
    clocks = instalment_clocks(case)
    assert {n: (d.due_on, d.state) for n, d in clocks.items()} == {
        1: (FIRST_DUE, DeadlineState.OPEN), 2: (SECOND_DUE, DeadlineState.OPEN)}

    with freeze_time(at("2026-11-10")), capture(execute=True):
        act(case, "supervise_performance", people["mediator"], "apply_for_review",
            data={"applied_on": date(2026, 11, 10)})
    assert clock(case, "dispute.agreement_review").state == DeadlineState.MET
    with freeze_time(at("2026-11-19")), capture(execute=True):
        pay(case, people, 1, "12000.00", "HDZGC-2026-0178", capture)
        assert {n: d.state for n, d in instalment_clocks(case).items()} == {1: DeadlineState.MET, 2: DeadlineState.OPEN}
        # Not fully paid yet: completing performance is refused and the task stays open.
        with pytest.raises(ValidationError, match="尚有未履行完毕的款项"):
            take(case, "supervise_performance", people["mediator"], "complete_performance")
        assert case.status == DisputeStatus.PERFORMING and open_task_names(case) == ["supervise_performance"]
    with freeze_time(at("2026-12-08")), capture(execute=True):
        pay(case, people, 2, "11196.00", "HDZGC-2026-0233", capture)
        take(case, "supervise_performance", people["mediator"], "complete_performance")
    assert case.status == DisputeStatus.PERFORMED
    assert {n: d.state for n, d in instalment_clocks(case).items()} == {1: DeadlineState.MET, 2: DeadlineState.MET}

    close_and_archive(case, people, "2026-12-09", capture)
    assert case.ended_on == date(2026, 12, 8)
    assert not Deadline.objects.for_subject(case).active().exists()
    assert not Deadline.objects.filter(
        subject_id__in=[str(pk) for pk in Instalment.objects.filter(agreement__case=case).values_list("pk", flat=True)],
        clock="dispute.instalment", state__in=[DeadlineState.OPEN, DeadlineState.EXTENDED]).exists()

    assert transitions(case) == [
        "register", "record_consent", "accept", "assign", "schedule_session", "record_session", "draft_agreement",
        "record_signature", "record_signature", "record_signature", "record_signature", "upload_signed_original",
        "make_agreement_effective",
        "apply_for_review", "record_payment", "record_payment", "complete_performance", "close", "archive"]
    assert [d.variant for d in documents(case, "session_notice")] == ["employer", "worker"]
    assert len(documents(case, "session_record")) == 1
    agreement, = documents(case, "mediation_agreement")
    text = text_of(agreement)
    assert "调解协议书" in text and case.number in text and "¥12,000.00" in text and "¥11,196.00" in text
    assert len(documents(case, "payment_record")) == 2
    assert "HDZGC-2026-0233" in text_of(documents(case, "payment_record")[1])
    assert len(documents(case, "performance_confirmation")) == 1
    assert documents(case, "arbitration_guidance") == [] and documents(case, "payment_order_guide") == []
    case_file, = documents(case, "case_file")
    contents = text_of(case_file)
    assert f"案号：{case.number}" in contents and "卷内文书目录" in contents and "调解协议书" in contents
    assert verify_chain().intact


def test_unpaid_wage_arrears_are_referred_with_the_payment_order_guide_then_closed_and_archived(
        orgs, people, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    case = mediate_to_an_effective_agreement(register(orgs, people), people, capture)

    with freeze_time(at("2026-11-19")), capture(execute=True):
        pay(case, people, 1, "5000.00", "HDZGC-2026-0180", capture)
    assert {n: d.state for n, d in instalment_clocks(case).items()} == {1: DeadlineState.OPEN, 2: DeadlineState.OPEN}
    with freeze_time(at("2026-11-24")), capture(execute=True):
        with pytest.raises(ValidationError, match="请填写理由"):
            take(case, "supervise_performance", people["mediator"], "refer")
        take(case, "supervise_performance", people["mediator"], "refer",
             reason="被申请人逾期未支付第1期剩余款项，经催告仍不履行")
    assert case.status == DisputeStatus.REFERRED and case.ended_on == date(2026, 11, 24)
    assert {n: d.state for n, d in instalment_clocks(case).items()} == {
        1: DeadlineState.CANCELLED, 2: DeadlineState.CANCELLED}
    assert clock(case, "dispute.agreement_review").state == DeadlineState.OPEN  # the parties' own window

    guidance, = documents(case, "arbitration_guidance")
    assert "仲裁" in text_of(guidance) and "《支付令申请指引》" in text_of(guidance)
    guide, = documents(case, "payment_order_guide")
    guide_text = text_of(guide)
    assert "支付令申请指引" in guide_text and "第十六条" in guide_text and "¥18,196.00" in guide_text

    close_and_archive(case, people, "2026-11-25", capture)
    assert transitions(case)[-4:] == ["record_payment", "refer", "close", "archive"]
    assert documents(case, "performance_confirmation") == []
    assert len(documents(case, "case_file")) == 1
    event = AuditEvent.objects.for_subject(case).get(name="refer")
    assert event.actor_label == "hd_mediator" and event.reason.startswith("被申请人逾期未支付")
    assert verify_chain().intact
