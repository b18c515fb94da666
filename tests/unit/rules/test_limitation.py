"""Arbitration limitation (Art.27): the one-year period, wage arrears, interruption by mediation."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Channel, DisputeCase, DisputeClaim, Employer, Worker
from cases.rules.claims import ClaimType
from cases.rules.limitation import limitation_after_mediation, limitation_at_receipt, limitation_end

# The periods end on working days: the calendar reads the approved holiday schedules.
pytestmark = pytest.mark.django_db

WAGES = ClaimType.WAGE_ARREARS
OVERTIME = ClaimType.OVERTIME_PAY
COMPENSATION = ClaimType.ECONOMIC_COMPENSATION
DAMAGES = ClaimType.DAMAGES


@pytest.mark.parametrize("start, end", [
    (date(2025, 3, 1), date(2026, 3, 2)),  # 2026-03-01 is a Sunday: the next working day (Art.203)
    (date(2024, 2, 29), date(2025, 2, 28)),  # no 29 February in 2025: the month's last day
    (date(2023, 2, 28), date(2024, 2, 28)),  # 2024 has a 29 February, but the day corresponds
    (date(2023, 3, 1), date(2024, 3, 1)),
    (date(2025, 12, 31), date(2026, 12, 31)),
])
def test_one_year_ends_on_the_corresponding_day_of_the_next_year(start, end):
    assert limitation_end(start) == end


@pytest.mark.parametrize("known, received, limitation_date, barred", [
    (date(2025, 3, 1), date(2026, 2, 28), date(2026, 3, 2), False),  # before
    (date(2025, 3, 1), date(2026, 3, 2), date(2026, 3, 2), False),   # the last day: Sunday 03-01 moved to Monday
    (date(2025, 3, 1), date(2026, 3, 3), date(2026, 3, 2), True),    # day after
    (date(2024, 2, 29), date(2025, 2, 28), date(2025, 2, 28), False),
    (date(2024, 2, 29), date(2025, 3, 1), date(2025, 2, 28), True),
])
def test_general_claim_runs_one_year_from_when_the_worker_knew(known, received, limitation_date, barred):
    result = limitation_at_receipt(received_on=received, infringement_known_on=known, employment_end=None,
                                   claim_types=[COMPENSATION])
    assert (result.limitation_date, result.time_barred_at_receipt, result.not_limited) == (
        limitation_date, barred, False)
    assert f"（{known.year}年{known.month}月{known.day}日）起一年" in result.basis
    assert "《劳动争议调解仲裁法》第二十七条第一款" in result.basis


@pytest.mark.parametrize("claim_type", [WAGES, OVERTIME])
def test_wage_arrears_while_employment_continues_are_not_limited(claim_type):
    result = limitation_at_receipt(received_on=date(2026, 5, 1), infringement_known_on=date(2019, 1, 1),
                                   employment_end=None, claim_types=[claim_type])
    assert result.not_limited and result.limitation_date is None and not result.time_barred_at_receipt
    assert "不受一年仲裁时效期间的限制" in result.basis and "第二十七条第四款" in result.basis


@pytest.mark.parametrize("received, barred", [
    (date(2026, 6, 30), False),
    (date(2026, 7, 1), True),
])
def test_wage_arrears_after_employment_ends_run_one_year_from_the_end(received, barred):
    # The date the worker knew of the arrears does not matter under para.4.
    result = limitation_at_receipt(received_on=received, infringement_known_on=date(2019, 1, 1),
                                   employment_end=date(2025, 6, 30), claim_types=[WAGES])
    assert result.limitation_date == date(2026, 6, 30)
    assert result.time_barred_at_receipt is barred and not result.not_limited
    assert "自劳动关系终止之日（2025年6月30日）起一年" in result.basis and "第二十七条第四款" in result.basis


@pytest.mark.parametrize("claims, employment_end, limitation_date, names, also_mentions", [
    # Compensation (known 2025-05-01) ends before wages (employment ended 2025-06-30); 2026-05-01
    # to 05-05 is the Labour Day holiday, so it ends on 05-06.
    ([WAGES, COMPENSATION], date(2025, 6, 30), date(2026, 5, 6), "“经济补偿”", None),
    # Wages end first when the employment ended before the worker learnt of the damages
    # (2026-01-31 is a Saturday).
    ([DAMAGES, WAGES], date(2025, 1, 31), date(2026, 2, 2), "“拖欠劳动报酬”", None),
    # Wages in a continuing employment: the other claim's date, and a word on the wages.
    ([WAGES, DAMAGES], None, date(2026, 5, 6), "“赔偿金”", "不受一年仲裁时效期间的限制"),
    # Two claims under para.1 share the date: both are named.
    ([DAMAGES, COMPENSATION], None, date(2026, 5, 6), "“赔偿金”“经济补偿”", None),
])
def test_several_claims_take_the_earliest_date_and_say_which(claims, employment_end, limitation_date, names,
                                                             also_mentions):
    result = limitation_at_receipt(received_on=date(2026, 1, 10), infringement_known_on=date(2025, 5, 1),
                                   employment_end=employment_end, claim_types=claims)
    assert result.limitation_date == limitation_date and not result.not_limited
    assert result.basis.startswith(f"各项请求中{names}的仲裁时效最早届满")
    assert all(f"“{ClaimType(claim).label}”" in result.basis for claim in claims)  # each claim is accounted for
    if also_mentions:
        assert also_mentions in result.basis


def test_the_same_claim_type_twice_is_one_claim():
    result = limitation_at_receipt(received_on=date(2026, 1, 10), infringement_known_on=date(2025, 5, 1),
                                   employment_end=None, claim_types=[DAMAGES, DAMAGES])
    assert result.basis.startswith("自知道或者应当知道权利被侵害之日")


@pytest.mark.parametrize("claims, employment_end", [
    ([COMPENSATION], None),
    ([WAGES, COMPENSATION], None),
    ([WAGES, COMPENSATION], date(2025, 12, 31)),  # wages not barred: the unknown one decides
])
def test_unknown_date_cannot_be_computed_and_must_be_asked(claims, employment_end):
    result = limitation_at_receipt(received_on=date(2026, 1, 10), infringement_known_on=None,
                                   employment_end=employment_end, claim_types=claims)
    assert result.limitation_date is None
    assert not result.not_limited and not result.time_barred_at_receipt
    assert "无法计算仲裁时效" in result.basis and "须向申请人询问" in result.basis


def test_a_claim_already_barred_is_reported_even_beside_an_unknown_one():
    result = limitation_at_receipt(received_on=date(2026, 1, 10), infringement_known_on=None,
                                   employment_end=date(2024, 12, 31), claim_types=[COMPENSATION, WAGES])
    assert result.limitation_date == date(2025, 12, 31) and result.time_barred_at_receipt
    assert "“拖欠劳动报酬”" in result.basis and "须向申请人询问" in result.basis


def test_no_claims_no_limitation():
    result = limitation_at_receipt(received_on=date(2026, 1, 10), infringement_known_on=date(2025, 5, 1),
                                   employment_end=None, claim_types=[])
    assert result.limitation_date is None and not result.time_barred_at_receipt and not result.not_limited


# -- after mediation: interruption (Art.27 para.2) -----------------------------------------

@pytest.fixture
def make_case(orgs):
    counter = iter(range(1, 100))

    def _make(*, received_on, claims, infringement_known_on=None, employment_end=None, ended_on=None):
        sequence = next(counter)
        case = DisputeCase.objects.create(
            organisation=orgs["hd_street"], year=received_on.year, sequence=sequence,
            number=f"T-{received_on.year}-{sequence:04d}",
            worker=Worker.objects.create(name="张三"), employer=Employer.objects.create(name="某公司"),
            channel=Channel.WALK_IN_WRITTEN, received_on=received_on, facts="拖欠工资",
            infringement_known_on=infringement_known_on, employment_end=employment_end, ended_on=ended_on,
        )
        for claim_type in claims:
            DisputeClaim.objects.create(case=case, claim_type=claim_type, amount_claimed=Decimal("100.00"))
        return case

    return _make


@pytest.mark.django_db
def test_mediation_interrupts_the_period_which_restarts_when_mediation_ends(make_case):
    case = make_case(received_on=date(2026, 2, 20), infringement_known_on=date(2025, 3, 1),
                     ended_on=date(2026, 3, 10), claims=[COMPENSATION])
    result = limitation_after_mediation(case)
    assert result.limitation_date == date(2027, 3, 10)
    assert not result.time_barred_at_receipt and not result.not_limited
    assert "使仲裁时效中断" in result.basis and "调解终结之日（2026年3月10日）" in result.basis
    assert "第二十七条第二款" in result.basis


@pytest.mark.django_db
def test_while_mediation_is_still_open_the_period_restarts_from_today(make_case):
    case = make_case(received_on=date(2026, 2, 20), infringement_known_on=date(2025, 3, 1), claims=[DAMAGES])
    today = timezone.localdate()
    result = limitation_after_mediation(case)
    assert result.limitation_date == limitation_end(today)
    assert "调解尚未终结" in result.basis


@pytest.mark.django_db
def test_a_claim_barred_at_receipt_is_not_revived_by_mediation(make_case):
    case = make_case(received_on=date(2025, 3, 1), infringement_known_on=date(2024, 1, 10),
                     ended_on=date(2025, 3, 12), claims=[COMPENSATION])
    result = limitation_after_mediation(case)
    assert result.limitation_date == date(2025, 1, 10) and result.time_barred_at_receipt
    assert "不因申请调解而中断或重新计算" in result.basis


@pytest.mark.django_db
def test_a_barred_claim_beside_a_live_one_keeps_its_date_and_the_live_one_restarts(make_case):
    case = make_case(received_on=date(2025, 3, 1), infringement_known_on=date(2024, 1, 10),
                     employment_end=date(2025, 2, 1), ended_on=date(2025, 3, 12), claims=[WAGES, COMPENSATION])
    result = limitation_after_mediation(case)
    assert result.limitation_date == date(2025, 1, 10) and result.time_barred_at_receipt
    assert "“经济补偿”的仲裁时效最早届满" in result.basis
    assert "自调解终结之日（2025年3月12日）起重新计算一年，至2026年3月12日届满" in result.basis


@pytest.mark.django_db
def test_wage_arrears_in_a_continuing_employment_stay_not_limited_after_mediation(make_case):
    case = make_case(received_on=date(2026, 2, 20), ended_on=date(2026, 3, 1), claims=[WAGES])
    result = limitation_after_mediation(case)
    assert result.not_limited and result.limitation_date is None and not result.time_barred_at_receipt


@pytest.mark.django_db
def test_an_unknown_date_after_mediation_says_what_it_would_restart_to(make_case):
    case = make_case(received_on=date(2026, 2, 20), ended_on=date(2026, 3, 1), claims=[COMPENSATION])
    result = limitation_after_mediation(case)
    assert result.limitation_date is None
    assert "须向申请人询问" in result.basis and "至2027年3月1日届满" in result.basis
