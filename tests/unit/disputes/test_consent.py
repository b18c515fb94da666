"""Issue 16, point 9: consent to mediation before acceptance. 企业劳动争议协商调解规定 第二十条
(secondary source): an application is accepted when both parties agree to mediate. The
respondent's (the employer's) consent or refusal is recorded through the door: how (书面、口头
记入笔录、电话、电子), when (not after today, not before receipt), by whom on its side, and which
staff member recorded it. accept is refused without it; after a refusal the case can only be
rejected, on the ground that the other party refuses, and the notice advises arbitration."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time
from pypdf import PdfReader

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import AuditEvent, DisputeStatus, Document, MediationConsent
from cases.models.dispute.consent import ConsentDecision, ConsentParty
from cases.models.dispute.states import RejectionGround
from cases.platform.transitions import TransitionRefused, apply, available_transitions, transition_spec
from cases.rules.claims import ClaimType
from tests.dispute_cases import at
from workflows.dispute.forms import AcceptanceDecision, DecideAcceptanceForm, RecordConsentForm as TaskConsentForm
from workflows.dispute.page_forms import RecordConsentForm, RejectForm, action_form

pytestmark = pytest.mark.django_db
RECEIVED, CONSENTED, DECIDED = date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9)
EMPLOYER = "北京某科技有限公司"


@pytest.fixture
def case(orgs, people):
    """Received 2026-09-30 (no flow: registered alone, its actions are on the case page)."""
    with freeze_time(at(RECEIVED, 9)):
        return register_dispute(
            acknowledge_warnings=True, organisation=orgs["hd_street"], by=people["mediator"],
            channel="walk_in_written", received_on=RECEIVED, received_at=at(RECEIVED, 9),
            facts="被申请人拖欠2026年7月至8月工资，申请人于8月31日解除劳动合同。",
            worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
            employer=EmployerInput(name=EMPLOYER, uscc="91350100M000100Y43"),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("16000.00"))],
            employment_start=date(2024, 3, 1), employment_end=date(2026, 8, 31),
            infringement_known_on=date(2026, 8, 31),
        ).case


def record(case, people, decision=ConsentDecision.CONSENTED, **extra):
    data = {"decision": decision, "consent_method": "written", "decided_on": CONSENTED,
            "given_by": "赵立新（法定代表人）", **extra}
    with freeze_time(at(CONSENTED, 15)):
        return apply(case, "record_consent", by=people["mediator"], data=data)


def pdf_text(document) -> str:
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(document.file.read())).pages]
    return "".join(re.sub(r"—\d+—$", "", page) for page in pages)


def test_point_9_the_respondents_consent_is_recorded_before_acceptance(
    case, people, django_capture_on_commit_callbacks,
):
    outcome = record(case, people, note="书面同意书已存卷")

    consent = MediationConsent.objects.get(case=case)
    assert (consent.party, consent.decision, consent.method) == (ConsentParty.EMPLOYER, "consented", "written")
    assert consent.decided_on == CONSENTED and consent.given_by == "赵立新（法定代表人）"
    assert consent.recorded_by == people["mediator"] and consent.note == "书面同意书已存卷"
    assert consent.history.count() == 1 and "同意调解" in str(consent)
    case.refresh_from_db()
    assert case.status == DisputeStatus.REGISTERED  # a self-transition: still awaiting the decision
    event = AuditEvent.objects.get(pk=outcome.event.pk)
    assert (event.name, event.from_state, event.to_state) == ("record_consent", "registered", "registered")
    assert event.data["created"] is not None  # the record it made is named in the journal

    # Once recorded, not again (the condition keeps it off the page too).
    with pytest.raises(TransitionRefused, match="已登记对方当事人的意见，不能重复登记"):
        record(case, people, decision=ConsentDecision.REFUSED)
    assert "record_consent" not in {spec.name for spec in available_transitions(case, people["mediator"])}

    with freeze_time(at(DECIDED)), django_capture_on_commit_callbacks(execute=True):
        accepted = apply(case, "accept", by=people["mediator"], data={"accepted_on": DECIDED})
    case.refresh_from_db()
    assert case.status == DisputeStatus.ACCEPTED

    notices = {d.variant: d for d in Document.objects.filter(transition_event=accepted.event, kind="acceptance_notice")}
    employer, worker = pdf_text(notices["employer"]), pdf_text(notices["worker"])
    assert "你单位已于2026年10月8日以书面形式表示同意调解" in employer
    assert "表示同意调解" not in worker


def test_point_9_acceptance_without_consent_is_refused_citing_art20(case, people):
    with freeze_time(at(DECIDED)), pytest.raises(TransitionRefused) as refused:
        apply(case, "accept", by=people["mediator"])
    assert "尚未登记对方当事人（用人单位）同意调解" in refused.value.messages[0]
    assert "《企业劳动争议协商调解规定》第二十条" in refused.value.messages[0]
    case.refresh_from_db()
    assert case.status == DisputeStatus.REGISTERED and case.accepted_on is None

    offered = {spec.name for spec in available_transitions(case, people["mediator"])}
    assert "accept" not in offered and {"record_consent", "reject"} <= offered

    # The acceptance task's form says so inline, before the door is asked.
    form = DecideAcceptanceForm(data={"decision": "accept", "reason": ""}, case=case, user=people["mediator"])
    assert "尚未登记对方当事人（用人单位）的意见" in str(form.fields["decision"].help_text)
    assert not form.is_valid()
    assert "第二十条" in form.errors["decision"][0] and "请先登记对方当事人的意见" in form.errors["decision"][0]


def test_point_9_a_refusal_leads_to_non_acceptance_with_its_notice(case, people, django_capture_on_commit_callbacks):
    record(case, people, decision=ConsentDecision.REFUSED, consent_method="phone", given_by="孙丽（人事经理，委托代理人）")

    with freeze_time(at(DECIDED)), pytest.raises(TransitionRefused, match="已表示不同意调解，不能受理"):
        apply(case, "accept", by=people["mediator"])
    offered = {spec.name for spec in available_transitions(case, people["mediator"])}
    assert "accept" not in offered and "record_consent" not in offered and "reject" in offered

    # The forms lead to the non-acceptance on Art.20's ground.
    task_form = DecideAcceptanceForm(case=case, user=people["mediator"])
    assert task_form.initial == {"decision": AcceptanceDecision.REJECT,
                                 "rejection_ground": RejectionGround.OTHER_PARTY_REFUSES}
    assert "不同意调解" in str(task_form.fields["decision"].help_text)
    refused_accept = DecideAcceptanceForm(data={"decision": "accept"}, case=case, user=people["mediator"])
    assert not refused_accept.is_valid() and "已表示不同意调解" in refused_accept.errors["decision"][0]
    page_form = action_form(transition_spec(case, "reject"), case=case, user=people["mediator"])
    assert isinstance(page_form, RejectForm)
    assert page_form.initial["rejection_ground"] == RejectionGround.OTHER_PARTY_REFUSES

    with freeze_time(at(DECIDED)), django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "reject", by=people["mediator"], reason="被申请人于2026年10月8日电话表示不同意调解",
                        data={"rejection_ground": RejectionGround.OTHER_PARTY_REFUSES})
    case.refresh_from_db()
    assert case.status == DisputeStatus.REJECTED and case.rejection_ground == RejectionGround.OTHER_PARTY_REFUSES
    text = pdf_text(Document.objects.get(transition_event=outcome.event, kind="non_acceptance_notice"))
    assert "经审查，因被申请人于2026年10月8日电话表示不同意调解，本中心决定不予受理" in text
    assert "你可以直接向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请仲裁" in text
    assert "时效期间至" in text


def test_point_9_the_consent_fields_validate_inline_in_chinese(case, people, client):
    spec = transition_spec(case, "record_consent")
    with freeze_time(at(CONSENTED, 15)):
        empty = action_form(spec, case=case, user=people["mediator"], data={})
        assert isinstance(empty, RecordConsentForm) and not empty.is_valid()
        assert empty.errors["decision"] == ["请选择对方当事人同意调解还是不同意调解。"]
        assert empty.errors["consent_method"] == ["请选择对方当事人表示意见的方式。"]
        assert empty.errors["decided_on"] == ["请填写对方当事人表示意见的日期。"]
        assert empty.errors["given_by"] == ["请填写表示意见的人（法定代表人或委托代理人的姓名）。"]
        assert "reason" not in empty.fields

        base = {"decision": "consented", "consent_method": "oral", "given_by": "赵立新"}
        future = TaskConsentForm(data={**base, "decided_on": "2026-10-09"}, case=case, user=people["mediator"])
        assert not future.is_valid() and future.errors["decided_on"] == ["表示意见的日期不能晚于今天。"]
        early = TaskConsentForm(data={**base, "decided_on": "2026-09-29"}, case=case, user=people["mediator"])
        assert not early.is_valid()
        assert early.errors["decided_on"] == ["表示意见的日期不能早于收到申请的日期（2026-09-30）。"]
        good = TaskConsentForm(data={**base, "decided_on": "2026-09-30"}, case=case, user=people["mediator"])
        assert good.is_valid(), good.errors
        assert good.transition() == ("record_consent", "", {
            "decision": "consented", "consent_method": "oral", "decided_on": RECEIVED, "given_by": "赵立新", "note": ""})

        # The door checks the same again, field by field.
        with pytest.raises(ValidationError) as door:
            apply(case, "record_consent", by=people["mediator"],
                  data={"decision": "maybe", "consent_method": "fax", "decided_on": "", "given_by": " "})
        assert set(door.value.message_dict) == {"decision", "consent_method", "decided_on", "given_by"}
        with pytest.raises(ValidationError) as before_receipt:
            apply(case, "record_consent", by=people["mediator"], data={**base, "decided_on": date(2026, 9, 1)})
        assert "不能早于收到申请的日期" in before_receipt.value.message_dict["decided_on"][0]

        # On the case page: refused inline, then recorded.
        client.force_login(people["mediator"])
        url = f"/cases/{case.pk}/actions/record_consent/"
        page = client.post(url, {"record_consent-decision": "consented", "record_consent-consent_method": "written",
                                 "record_consent-decided_on": "2026-10-20", "record_consent-given_by": "赵立新"})
        assert page.status_code == 200 and "表示意见的日期不能晚于今天。" in page.content.decode()
        assert not MediationConsent.objects.filter(case=case).exists()
        done = client.post(url, {"record_consent-decision": "consented", "record_consent-consent_method": "written",
                                 "record_consent-decided_on": "2026-10-08", "record_consent-given_by": "赵立新"})
        assert done.status_code == 302
    assert MediationConsent.objects.get(case=case).recorded_by == people["mediator"]
