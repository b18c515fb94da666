"""Issue 16: mediation as the law and the committees practise it. Each test names its point."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from cases.documents import get_kind
from cases.models import Deadline, DeadlineState, DisputeStatus
from cases.models.actors import system
from cases.platform.deadlines import check_deadlines
from cases.platform.transitions import TransitionRefused, apply
from cases.rules.claims import ClaimType
from cases.rules.deadlines import clock
from cases.rules.limitation import limitation_at_receipt
from notifications.models import Notification
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case, signed_original_uploaded

pytestmark = pytest.mark.django_db
periods_from_acceptance = importlib.import_module("cases.migrations.0014_mediation_periods_from_acceptance")


def clocks_of(case) -> dict:
    return {d.clock: d for d in Deadline.objects.for_subject(case)}


@pytest.fixture
def case_accepted_on_2026_11_02(orgs, people):
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people, date(2026, 11, 2))
        consent_recorded(case, people["mediator"])
        apply(case, "accept", by=people["mediator"])
        apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
    case.refresh_from_db()
    return case


def sign(case, people, *signatories):
    for signatory in signatories:
        apply(case, "record_signature", by=people["mediator"], data={"signatory": signatory})


def test_point_1_no_deemed_failure_once_both_parties_have_signed(case_accepted_on_2026_11_02, people):
    case = case_accepted_on_2026_11_02
    mediation = clocks_of(case)["dispute.mediation"]
    assert mediation.due_on == date(2026, 11, 17)  # day 15 of the period, a Tuesday
    with freeze_time(at("2026-11-17", 15)):  # day 15: the agreement is drafted, both parties sign
        wages = case.claims.get()
        apply(case, "draft_agreement", by=people["mediator"], data={
            "terms": "用人单位支付拖欠工资。", "awards": {wages.pk: Decimal("30000.00")},
            "instalments": [(date(2026, 11, 30), Decimal("30000.00"))]})
        sign(case, people, "worker", "employer")
    clocks = clocks_of(case)
    assert clocks["dispute.mediation"].state == DeadlineState.MET  # reached: the period is met

    with freeze_time(at("2026-11-18", 0)):  # the sweep runs between the signatures
        assert check_deadlines(today=date(2026, 11, 18)).breached == 0
    case.refresh_from_db()
    assert case.status == DisputeStatus.AGREEMENT_SIGNING
    with pytest.raises(TransitionRefused, match="协议已达成"):
        apply(case, "deem_failed", by=system("check_deadlines"), reason="调解期限届满未完成")

    with freeze_time(at("2026-11-18", 9)):  # day 16: the mediator signs, the seal, effect
        sign(case, people, "mediator", "seal")
        signed_original_uploaded(case, people["mediator"])
        apply(case, "make_agreement_effective", by=people["mediator"])
    case.refresh_from_db()
    assert case.status == DisputeStatus.PERFORMING


def test_point_1_signing_by_one_party_only_reaches_nothing(case_accepted_on_2026_11_02, people):
    case = case_accepted_on_2026_11_02
    with freeze_time(at("2026-11-17", 15)):
        wages = case.claims.get()
        apply(case, "draft_agreement", by=people["mediator"], data={
            "terms": "用人单位支付拖欠工资。", "awards": {wages.pk: Decimal("30000.00")},
            "instalments": [(date(2026, 11, 30), Decimal("30000.00"))]})
        sign(case, people, "worker")
    assert clocks_of(case)["dispute.mediation"].state == DeadlineState.OPEN
    with freeze_time(at("2026-11-18", 0)):
        assert check_deadlines(today=date(2026, 11, 18)).breached == 1
    case.refresh_from_db()
    assert case.status == DisputeStatus.FAILED


def test_point_2_two_periods_the_mediation_period_from_acceptance_and_art14_from_receipt(orgs, people):
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people, date(2026, 10, 30))  # received on a Friday
    clocks = clocks_of(case)
    assert "dispute.mediation" not in clocks  # nothing to deem failed before acceptance
    art14 = clocks["dispute.arbitration_right"]
    assert (art14.starts_on, art14.due_on) == (date(2026, 10, 30), date(2026, 11, 16))  # 11-14 is a Saturday
    assert art14.rule.breach_transition is None and art14.rule.elapses
    assert "第十四条" in str(art14.rule.citation)

    with freeze_time(at("2026-11-03")):
        consent_recorded(case, people["mediator"])
        apply(case, "accept", by=people["mediator"])
        apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
    mediation = clocks_of(case)["dispute.mediation"]
    assert (mediation.starts_on, mediation.due_on) == (date(2026, 11, 3), date(2026, 11, 18))
    assert "第二十六条" in str(mediation.rule.citation) and mediation.rule.breach_transition == "deem_failed"

    # Art.14's fifteen days run out: the parties may apply for arbitration; mediation goes on.
    with freeze_time(at("2026-11-17", 0)):
        assert check_deadlines(today=date(2026, 11, 17)).breached == 0
    case.refresh_from_db()
    assert case.status == DisputeStatus.IN_MEDIATION
    assert clocks_of(case)["dispute.arbitration_right"].state == DeadlineState.MET
    told = Notification.objects.get(recipient=people["mediator"], kind="arbitration_right_arisen")
    assert told.title == f"可以申请仲裁：{case}"
    assert "自收到调解申请之日起十五日内（至2026年11月16日）未达成调解协议，当事人可以依法申请仲裁" in told.body


def test_point_3_a_claim_known_on_2025_10_04_and_received_2026_10_08_is_in_time():
    # One year from 2025-10-04 is Sunday 2026-10-04, inside the National Day holiday (10-01 to
    # 10-07): the period ends on Thursday 2026-10-08 (民法典第二百零三条).
    result = limitation_at_receipt(received_on=date(2026, 10, 8), infringement_known_on=date(2025, 10, 4),
                                   employment_end=date(2026, 9, 1), claim_types=[ClaimType.ECONOMIC_COMPENSATION])
    assert (result.limitation_date, result.time_barred_at_receipt) == (date(2026, 10, 8), False)
    late = limitation_at_receipt(received_on=date(2026, 10, 9), infringement_known_on=date(2025, 10, 4),
                                 employment_end=date(2026, 9, 1), claim_types=[ClaimType.ECONOMIC_COMPENSATION])
    assert late.time_barred_at_receipt


def test_point_3_art14_fifteen_days_from_receipt_on_2026_09_16_end_on_2026_10_08(orgs, people):
    assert clock("dispute.arbitration_right").due_date(date(2026, 9, 16)).date == date(2026, 10, 8)
    with freeze_time(at("2026-09-16")):
        case = register_case(orgs, people, date(2026, 9, 16))
    assert clocks_of(case)["dispute.arbitration_right"].due_on == date(2026, 10, 8)


def test_point_3_a_period_ending_on_a_make_up_workday_is_not_moved():
    # 2026-10-10 is a Saturday worked in exchange for the holiday: not a rest day.
    assert clock("dispute.arbitration_right").due_date(date(2026, 9, 25)).date == date(2026, 10, 10)
    assert clock("dispute.agreement_review").due_date(date(2026, 11, 6)).date == date(2026, 11, 23)
    assert clock("dispute.agreement_review").due_date(date(2026, 11, 6) + timedelta(days=1)).date == date(2026, 11, 23)


def old_style_clocks(case, *, extended_days=0):
    """The clocks as intake opened them before issue 16: one mediation clock from receipt."""
    Deadline.objects.for_subject(case).filter(clock__in=["dispute.mediation", "dispute.arbitration_right"]).delete()
    return Deadline.objects.create(
        clock="dispute.mediation", subject_type=ContentType.objects.get_for_model(case), subject_id=str(case.pk),
        organisation=case.organisation, starts_on=case.received_on, extended_days=extended_days,
        due_on=case.received_on + timedelta(days=15 + extended_days), state="extended" if extended_days else "open")


def test_point_2_open_cases_move_to_the_two_periods_on_upgrade(orgs, people):
    with freeze_time(at("2026-11-02")):
        waiting = register_case(orgs, people, date(2026, 10, 30))
        accepted = register_case(orgs, people, date(2026, 10, 12))
        consent_recorded(accepted, people["mediator"])
        apply(accepted, "accept", by=people["mediator"], data={"accepted_on": date(2026, 10, 14)})
    old_style_clocks(waiting)
    old_style_clocks(accepted, extended_days=10)

    with freeze_time(at("2026-11-02")):
        periods_from_acceptance.forwards(django_apps, None)
        periods_from_acceptance.forwards(django_apps, None)  # a second run changes nothing

    waiting_clocks, accepted_clocks = clocks_of(waiting), clocks_of(accepted)
    assert waiting_clocks["dispute.mediation"].state == DeadlineState.CANCELLED
    assert (waiting_clocks["dispute.arbitration_right"].due_on, waiting_clocks["dispute.arbitration_right"].state) == (
        date(2026, 11, 16), DeadlineState.OPEN)
    mediation = accepted_clocks["dispute.mediation"]
    # From acceptance 10-14, 15 + 10 days: Sunday 11-08, so Monday 11-09.
    assert (mediation.starts_on, mediation.due_on, mediation.state) == (
        date(2026, 10, 14), date(2026, 11, 9), DeadlineState.EXTENDED)
    art14 = accepted_clocks["dispute.arbitration_right"]
    assert (art14.due_on, art14.state) == (date(2026, 10, 27), DeadlineState.MET)  # ran out before the upgrade
    assert not Notification.objects.filter(kind="arbitration_right_arisen").exists()


def test_point_6_failure_with_no_session_held_needs_a_recorded_ground(case_accepted_on_2026_11_02, people):
    case = case_accepted_on_2026_11_02
    with freeze_time(at("2026-11-05")), pytest.raises(ValidationError) as refused:
        apply(case, "fail", by=people["mediator"], reason="双方分歧过大")
    assert "no_session_ground" in refused.value.message_dict
    with freeze_time(at("2026-11-05")):
        outcome = apply(case, "fail", by=people["mediator"], reason="被申请人书面表示不参加调解",
                        data={"no_session_ground": "refused_to_attend"})
    assert outcome.event.data["input"]["no_session_ground"] == "refused_to_attend"
    context = get_kind("termination_notice").build_context(case, outcome.event, variant="worker")
    assert context["no_session_ground"] == "一方当事人拒绝参加调解"


def test_point_6_minutes_only_for_a_session_whose_time_has_come(case_accepted_on_2026_11_02, people):
    case = case_accepted_on_2026_11_02
    with freeze_time(at("2026-11-03")):
        apply(case, "schedule_session", by=people["mediator"], data={
            "starts_at": at("2026-11-05", 14), "place": "街道调解室"})
    session = case.sessions.get()
    minutes = {"session": session, "attendees": "申请人王秀英；调解员", "statements": "申请人陈述拖欠工资的情况。",
               "rights_explained": True, "recusal_answer": "申请人不申请回避。", "note_taker": "张华", "outcome": "调解不成"}
    with freeze_time(at("2026-11-04")), pytest.raises(ValidationError, match="尚未开始"):
        apply(case, "record_session", by=people["mediator"], data=minutes)
    with freeze_time(at("2026-11-05", 16)):
        apply(case, "record_session", by=people["mediator"], data=minutes)
        apply(case, "fail", by=people["mediator"], reason="双方分歧过大")  # a session was held: no ground needed
    case.refresh_from_db()
    assert case.status == DisputeStatus.FAILED


def test_point_2_the_mediator_is_told_in_english_when_art14_fifteen_days_have_run(orgs, people):
    from django.utils import translation

    from notifications.services import render_message

    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people, date(2026, 10, 30))
    deadline = clocks_of(case)["dispute.arbitration_right"]
    context = {"clock_name": deadline.rule.name, "citation": deadline.rule.citation, "due_on": deadline.due_on,
               "provisional": False, "subject_label": str(case), "subject": case}
    with translation.override("en"):
        title, body = render_message("arbitration_right_arisen", context)
    assert title == f"Arbitration may now be applied for: {case}"
    assert "the parties may now apply for arbitration" in body
