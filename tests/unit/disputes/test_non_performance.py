"""Issue 16, point 5: the notice of an agreement not performed (不履行调解协议告知书).

Mediation ended when the agreement took effect. The non-performance is the trigger: the due
date of the first instalment that passed unpaid (an instalment is overdue the day after its
due date), or the obligor's declared refusal, recorded with the referral. The limitation runs
again for a year from it (Art.27 para.2: the agreement to perform interrupted it; the new
period starts when the worker knew or should have known of the non-performance, para.1),
the last day moved off a rest day (民法典第二百零三条)."""

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
from cases.models import AuditEvent, DisputeStatus, Document, Signatory
from cases.platform.transitions import apply, transition_spec
from cases.rules.claims import ClaimType
from cases.rules.limitation import (
    NON_PERFORMANCE_OVERDUE,
    NON_PERFORMANCE_REFUSAL,
    first_non_performance,
    limitation_after_non_performance,
)
from tests.consent import consent_recorded
from tests.dispute_cases import at, signed_original_uploaded
from workflows.dispute.forms import SupervisePerformanceForm
from workflows.dispute.page_forms import ReferForm, action_form

pytestmark = pytest.mark.django_db
REFUSAL_NOTE = "法定代表人赵立新以书面函件告知调解中心"


def text_of(document: Document) -> str:
    """The document's text without whitespace or the page numbers (“—2—”) at the foot of each page."""
    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return "".join(re.sub(r"—\d+—$", "", re.sub(r"\s+", "", page.extract_text())) for page in pages)


def issued(event, kind) -> str:
    return text_of(Document.objects.get(transition_event=event, kind=kind))


@pytest.fixture
def effective_2026_10_20(orgs, people, django_capture_on_commit_callbacks):
    """Economic compensation of ¥20,000 (the employment ended 2026-09-30), agreed in two
    instalments due 2026-11-10 and 2026-12-10; the agreement took effect on 2026-10-20."""
    mediator = people["mediator"]
    with freeze_time(at("2026-10-12")), django_capture_on_commit_callbacks(execute=True):
        case = register_dispute(
            acknowledge_warnings=True, organisation=orgs["hd_street"], by=mediator, channel="walk_in_written",
            received_on=date(2026, 10, 12), received_at=at("2026-10-12", 9), facts="解除劳动合同未支付经济补偿。",
            worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
            employer=EmployerInput(name="北京启明星辰餐饮管理有限公司", uscc="91350100M000100Y43"),
            claims=[ClaimInput(ClaimType.ECONOMIC_COMPENSATION, Decimal("20000.00"), description="解除劳动合同经济补偿")],
            employment_start=date(2024, 3, 1), employment_end=date(2026, 9, 30),
            infringement_known_on=date(2026, 9, 30),
        ).case
        consent_recorded(case, mediator)
        apply(case, "accept", by=mediator)
        apply(case, "assign", by=people["lead"], data={"mediator": mediator})
    with freeze_time(at("2026-10-20")), django_capture_on_commit_callbacks(execute=True):
        apply(case, "draft_agreement", by=mediator, data={
            "terms": "被申请人分两期支付申请人解除劳动合同经济补偿。",
            "awards": {case.claims.get().pk: Decimal("20000.00")},
            "instalments": [(date(2026, 11, 10), Decimal("10000.00")), (date(2026, 12, 10), Decimal("10000.00"))]})
        for signatory in Signatory.values:
            apply(case, "record_signature", by=mediator, data={"signatory": signatory})
        signed_original_uploaded(case, mediator)
        apply(case, "make_agreement_effective", by=mediator)
    case.refresh_from_db()
    assert case.status == DisputeStatus.PERFORMING and case.agreement.effective_on == date(2026, 10, 20)
    return case


def refer(case, people, capture, day: str, **data):
    with freeze_time(at(day)), capture(execute=True):
        return apply(case, "refer", by=people["mediator"], reason="经催告仍未支付", data=data).event


def refusal_errors(case, people, day: str, **data) -> dict:
    with freeze_time(at(day)), pytest.raises(ValidationError) as refused:
        apply(case, "refer", by=people["mediator"], reason="经催告仍未支付", data=data)
    case.refresh_from_db()
    assert case.status == DisputeStatus.PERFORMING  # a refusal changes nothing
    return refused.value.message_dict


def test_point_5_the_notice_counts_the_limitation_from_the_first_instalment_overdue(
        effective_2026_10_20, people, django_capture_on_commit_callbacks):
    case = effective_2026_10_20
    event = refer(case, people, django_capture_on_commit_callbacks, "2026-11-20")  # instalment 1 unpaid

    guidance = issued(event, "arbitration_guidance")
    assert "调解协议已于2026年10月20日生效，本案调解于该日终结" in guidance
    assert "第1期款项的履行期限于2026年11月10日届满，被申请人未按期付清。不履行的情况：经催告仍未支付。" in guidance
    # One year from the due date that passed unpaid (the day itself not counted): Wednesday 2027-11-10.
    assert "本案争议事项申请仲裁的时效期间至2027年11月10日届满" in guidance
    assert ("调解协议于2026年10月20日生效，本案调解于该日终结；被申请人在协议中同意履行义务，仲裁时效因此中断，"
            "并自被申请人不履行协议、申请人知道或者应当知道其权利被侵害之日起重新计算"
            "（《劳动争议调解仲裁法》第二十七条第一款、第二款）；第1期款项逾期未付清，"
            "仲裁时效自第1期款项履行期限届满之日（2026年11月10日）起计算一年，至2027年11月10日届满") in guidance
    assert "调解终结之日（2026年11月20日）" not in guidance and "2027年11月20日" not in guidance

    guide = issued(event, "payment_order_guide")  # Art.16: economic compensation qualifies
    assert "第1期款项的履行期限于2026年11月10日届满，被申请人未按期付清。依据：《劳动争议调解仲裁法》第十六条" in guide
    assert "尚未届满" not in guide and "未付金额为¥20,000.00" in guide


def test_point_5_an_instalment_is_overdue_only_after_its_due_date(
        effective_2026_10_20, people, django_capture_on_commit_callbacks):
    case = effective_2026_10_20
    errors = refusal_errors(case, people, "2026-11-10")  # the due date itself: still in time
    assert errors == {"refused_on": [
        "尚无逾期未付清的款项：在协议约定的履行期限届满前引导申请仲裁，须登记被申请人明确表示不履行的日期和方式。"]}
    assert case.agreement.first_overdue_instalment(date(2026, 11, 11)).number == 1
    event = refer(case, people, django_capture_on_commit_callbacks, "2026-11-11")
    assert "至2027年11月10日届满" in issued(event, "arbitration_guidance")


def test_point_5_referral_before_any_instalment_is_overdue_needs_the_obligors_recorded_refusal(
        effective_2026_10_20, people, django_capture_on_commit_callbacks):
    case = effective_2026_10_20
    assert refusal_errors(case, people, "2026-11-02") == {"refused_on": [
        "尚无逾期未付清的款项：在协议约定的履行期限届满前引导申请仲裁，须登记被申请人明确表示不履行的日期和方式。"]}
    assert refusal_errors(case, people, "2026-11-02", refused_on=date(2026, 11, 3), refusal_note=REFUSAL_NOTE) == {
        "refused_on": ["被申请人表示不履行的日期不能晚于今天。"]}
    assert refusal_errors(case, people, "2026-11-02", refused_on=date(2026, 10, 19), refusal_note=REFUSAL_NOTE) == {
        "refused_on": ["被申请人表示不履行的日期不能早于调解协议生效日期（2026年10月20日）。"]}
    assert refusal_errors(case, people, "2026-11-02", refused_on=date(2026, 10, 30)) == {
        "refusal_note": ["请写明被申请人以何种方式表示不履行（如书面函件、电话告知调解员）。"]}
    assert refusal_errors(case, people, "2026-11-02", refusal_note=REFUSAL_NOTE) == {
        "refused_on": ["请填写被申请人明确表示不履行的日期。"]}

    event = refer(case, people, django_capture_on_commit_callbacks, "2026-11-02",
                  refused_on=date(2026, 10, 30), refusal_note=REFUSAL_NOTE)
    case.refresh_from_db()
    assert case.status == DisputeStatus.REFERRED
    journalled = AuditEvent.objects.get(pk=event.pk).data["input"]
    assert journalled == {"refused_on": "2026-10-30", "refusal_note": REFUSAL_NOTE}

    guidance = issued(event, "arbitration_guidance")
    assert "调解协议已于2026年10月20日生效，本案调解于该日终结" in guidance
    assert f"被申请人于2026年10月30日明确表示不履行调解协议（{REFUSAL_NOTE}）。" in guidance
    # One year from Friday 2026-10-30 is Saturday 2027-10-30: the period ends on Monday 2027-11-01.
    assert "本案争议事项申请仲裁的时效期间至2027年11月1日届满" in guidance
    assert ("仲裁时效自被申请人明确表示不履行之日（2026年10月30日）起计算一年，至2027年11月1日届满"
            "（一年期满之日2027年10月30日为休息日，依照《民法典》第二百零三条顺延至其后的第一个工作日）") in guidance
    assert "第二十七条第一款、第二款" in guidance
    assert "在协议约定的履行期限届满后被申请人仍未支付的，你也可以持调解协议书依法向人民法院申请支付令" in guidance

    guide = issued(event, "payment_order_guide")  # the guide still comes, and says when it can be used
    assert f"被申请人于2026年10月30日明确表示不履行调解协议（{REFUSAL_NOTE}）。依据：《劳动争议调解仲裁法》第十六条" in guide
    assert "目前协议约定的履行期限尚未届满：第1期款项的履行期限（2026年11月10日）届满后被申请人仍未支付的" in guide


def test_point_5_the_earlier_of_an_overdue_instalment_and_a_refusal_starts_the_period():
    overdue, refused = (1, date(2026, 11, 10)), date(2026, 10, 30)
    assert first_non_performance(overdue_instalment=overdue, refused_on=refused) == (
        first_non_performance(overdue_instalment=None, refused_on=refused))
    later = first_non_performance(overdue_instalment=overdue, refused_on=date(2026, 11, 15))
    assert (later.kind, later.on, later.instalment) == (NON_PERFORMANCE_OVERDUE, date(2026, 11, 10), 1)
    assert first_non_performance(overdue_instalment=None, refused_on=refused).kind == NON_PERFORMANCE_REFUSAL
    with pytest.raises(ValueError):
        first_non_performance(overdue_instalment=None, refused_on=None)

    result = limitation_after_non_performance(effective_on=date(2026, 10, 20), non_performance=later,
                                              employment_end=None,
                                              claim_types=[ClaimType.ECONOMIC_COMPENSATION, ClaimType.WAGE_ARREARS])
    assert result.limitation_date == date(2027, 11, 10) and not result.not_limited
    assert "其中“拖欠劳动报酬”：劳动关系存续期间因拖欠劳动报酬发生争议，不受一年仲裁时效期间的限制" in result.basis
    wages_only = limitation_after_non_performance(effective_on=date(2026, 10, 20), non_performance=later,
                                                  employment_end=None, claim_types=[ClaimType.WAGE_ARREARS])
    assert wages_only.not_limited and wages_only.limitation_date is None and "第二十七条第四款" in wages_only.basis


def test_point_5_the_referral_forms_ask_for_the_refusal_and_check_it_inline(effective_2026_10_20, people):
    case, user = effective_2026_10_20, people["mediator"]
    with freeze_time(at("2026-11-02")):
        form = SupervisePerformanceForm({"outcome": "refer", "reason": "拒绝支付", "refused_on": "2026-11-03",
                                         "refusal_note": ""}, case=case, user=user)
        assert not form.is_valid()
        assert form.errors["refused_on"] == ["被申请人表示不履行的日期不能晚于今天。"]
        assert form.errors["refusal_note"] == ["请写明被申请人以何种方式表示不履行（如书面函件、电话告知调解员）。"]
        form = SupervisePerformanceForm({"outcome": "refer", "reason": "拒绝支付", "refusal_note": REFUSAL_NOTE},
                                        case=case, user=user)
        assert not form.is_valid() and form.errors["refused_on"] == ["请填写被申请人明确表示不履行的日期。"]
        form = SupervisePerformanceForm({"outcome": "refer", "reason": "拒绝支付", "refused_on": "2026-10-30",
                                         "refusal_note": REFUSAL_NOTE}, case=case, user=user)
        assert form.is_valid(), form.errors
        assert form.transition() == ("refer", "拒绝支付", {"refused_on": date(2026, 10, 30),
                                                        "refusal_note": REFUSAL_NOTE})
        assert str(form.fields["refused_on"].label) == "被申请人明确表示不履行的日期"
        assert "尚无逾期未付清的款项时必填" in str(form.fields["refused_on"].help_text)

        page_form = action_form(transition_spec(case, "refer"), case=case, user=user, data={
            "refer-reason": "拒绝支付", "refer-refused_on": "2026-10-30", "refer-refusal_note": ""})
        assert isinstance(page_form, ReferForm) and not page_form.is_valid()
        assert list(page_form.errors) == ["refusal_note"]
        page_form = action_form(transition_spec(case, "refer"), case=case, user=user, data={
            "refer-reason": "拒绝支付", "refer-refused_on": "2026-10-30", "refer-refusal_note": REFUSAL_NOTE})
        assert page_form.is_valid(), page_form.errors
        assert page_form.arguments() == {"reason": "拒绝支付", "data": {
            "refused_on": date(2026, 10, 30), "refusal_note": REFUSAL_NOTE}}
