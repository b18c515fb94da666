"""The legal rules of mediation and agreement, enforced by the case's transitions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import Deadline, DeadlineState, DisputeStatus
from cases.platform.transitions import TransitionRefused, apply
from cases.rules.claims import ClaimType
from tests.consent import consent_recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(orgs, people):
    today = timezone.localdate()
    case = register_dispute(
        organisation=orgs["hd_street"], by=people["mediator"], channel="walk_in_written",
        received_on=today, facts="拖欠工资三个月。",
        worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
        employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43"),
        claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("30000.00")),
                ClaimInput(ClaimType.ECONOMIC_COMPENSATION, Decimal("10000.00"))],
    ).case
    consent_recorded(case, people["mediator"])
    apply(case, "accept", by=people["mediator"])
    apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
    case.refresh_from_db()
    return case


def claims(case):
    wages, compensation = case.claims.order_by("pk")
    return wages, compensation


def draft(case, people, *, instalments=None, awards=None):
    wages, compensation = claims(case)
    today = timezone.localdate()
    apply(case, "draft_agreement", by=people["mediator"], data={
        "terms": "用人单位支付拖欠工资及经济补偿。",
        "awards": awards or {wages.pk: Decimal("24000.00"), compensation.pk: Decimal("6000.00")},
        "instalments": instalments or [(today + timedelta(days=10), Decimal("20000.00")),
                                       (today + timedelta(days=40), Decimal("10000.00"))],
    })
    case.refresh_from_db()


def test_instalments_must_add_up_to_the_amounts_agreed(case, people):
    with pytest.raises(ValidationError, match="各期金额之和"):
        draft(case, people, instalments=[(timezone.localdate() + timedelta(days=5), Decimal("29999.99"))])
    case.refresh_from_db()
    assert case.status == DisputeStatus.IN_MEDIATION and not hasattr(case, "agreement")


def test_the_agreement_takes_effect_only_when_both_parties_the_mediator_and_the_seal_are_recorded(case, people):
    draft(case, people)
    with pytest.raises(TransitionRefused, match="第十四条"):
        apply(case, "make_agreement_effective", by=people["mediator"])
    with pytest.raises(ValidationError, match="须先完成：劳动者签名、用人单位签名或盖章"):
        apply(case, "record_signature", by=people["mediator"], data={"signatory": "mediator"})
    for signatory in ("employer", "worker", "mediator"):
        apply(case, "record_signature", by=people["mediator"], data={"signatory": signatory})
    with pytest.raises(ValidationError, match="已经登记"):
        apply(case, "record_signature", by=people["mediator"], data={"signatory": "worker"})
    with pytest.raises(TransitionRefused, match="第十四条"):
        apply(case, "make_agreement_effective", by=people["mediator"])
    apply(case, "record_signature", by=people["mediator"], data={"signatory": "seal"})
    assert case.agreement.missing_signatures() == []


def test_awards_are_kept_per_claim(case, people):
    draft(case, people)
    wages, compensation = claims(case)
    assert (wages.amount_awarded, compensation.amount_awarded) == (Decimal("24000.00"), Decimal("6000.00"))
    assert case.agreement.total_awarded == Decimal("30000.00")


def test_extension_needs_the_lead_and_how_when_and_by_whom_each_party_consented(case, people):
    today = timezone.localdate()
    consent = {"days": 10, "worker_consented_on": today, "employer_consented_on": today,
               "worker_consent_method": "written", "worker_consent_by": "王秀英",
               "employer_consent_method": "phone", "employer_consent_by": "孙丽（委托代理人）"}
    with pytest.raises(PermissionDenied, match="调解组长"):
        apply(case, "extend_mediation", by=people["mediator"], reason="双方同意", data=consent)
    with pytest.raises(ValidationError, match="worker_consented_on|请填写日期"):
        apply(case, "extend_mediation", by=people["lead"], reason="双方同意",
              data={**consent, "worker_consented_on": None})
    with pytest.raises(ValidationError) as refused:
        apply(case, "extend_mediation", by=people["lead"], reason="双方同意",
              data={**consent, "employer_consent_method": "", "employer_consent_by": " "})
    assert set(refused.value.message_dict) == {"employer_consent_method", "employer_consent_by"}
    assert not case.extensions.exists()  # the refused attempts left nothing behind


def test_which_15_days_extensions_of_any_length_several_times_each_with_both_consents(case, people):
    """Point 2 of issue 16: the mediation period runs from acceptance and extends by any length
    both parties agree, as often as they agree; Art.14's fifteen days from receipt is a right."""
    today = timezone.localdate()
    clocks = {d.clock: d for d in Deadline.objects.for_subject(case).active()}
    assert clocks["dispute.mediation"].starts_on == case.accepted_on
    assert clocks["dispute.arbitration_right"].starts_on == case.received_on
    assert clocks["dispute.arbitration_right"].rule.breach_transition is None
    consent = {"worker_consented_on": today, "employer_consented_on": today,
               "worker_consent_method": "oral", "worker_consent_by": "王秀英",
               "employer_consent_method": "written", "employer_consent_by": "赵立（法定代表人）"}
    apply(case, "extend_mediation", by=people["lead"], reason="需核对考勤记录", data={**consent, "days": 30})
    apply(case, "extend_mediation", by=people["lead"], reason="双方仍愿协商", data={**consent, "days": 45})
    mediation = Deadline.objects.for_subject(case).get(clock="dispute.mediation")
    assert (mediation.extensions, mediation.extended_days) == (2, 75)
    assert [(e.days, e.worker_consent_method, e.employer_consent_by) for e in case.extensions.order_by("pk")] == [
        (30, "oral", "赵立（法定代表人）"), (45, "oral", "赵立（法定代表人）")]


def test_payments_are_refused_before_the_agreement_takes_effect(case, people):
    draft(case, people)
    instalment = case.agreement.instalments.get(number=1)
    for signatory in ("worker", "employer", "mediator", "seal"):
        apply(case, "record_signature", by=people["mediator"], data={"signatory": signatory})
    with pytest.raises(TransitionRefused, match="当前状态下不能执行"):
        apply(case, "record_payment", by=people["mediator"], data={
            "instalment": instalment, "amount": Decimal("1.00"), "paid_on": timezone.localdate(),
            "receipt_number": "R-1"})
    assert instalment.payments.count() == 0


def test_only_an_effective_agreement_opens_the_review_window(case, people):
    draft(case, people)
    with pytest.raises(TransitionRefused, match="当前状态下不能执行"):
        apply(case, "apply_for_review", by=people["mediator"], data={"applied_on": date.today()})
    assert not Deadline.objects.for_subject(case).filter(clock="dispute.agreement_review").exists()
    assert Deadline.objects.for_subject(case).get(clock="dispute.mediation").state == DeadlineState.OPEN
