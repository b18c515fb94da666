"""Dispute and hardship figures against small fixtures whose expected values are worked
out by hand in the comments: cases outside the period, rejected cases, agreements that took
effect after the period, another district's cases, exited files."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cases.models import DisputeStatus, HardshipStatus
from cases.rules.validators import resident_id_check_char
from cases.statistics.disputes import dispute_figures
from cases.statistics.hardship import hardship_figures
from cases.statistics.period import Period, period_from_choice
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship
from tests.statistics_fixtures import aid_paid, breached_clock, dispute

pytestmark = pytest.mark.django_db

S = DisputeStatus
H1 = Period(date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture
def disputes(orgs):
    hd, ent, cy = orgs["hd_street"], orgs["hd_ent"], orgs["cy_street"]
    cases = {
        # accepted in H1; agreement effective in H1: awarded 8,000 + 2,000.50; paid 3,000 in H1, 7,000.50 in July
        "a": dispute(hd, received_on=date(2026, 1, 5), accepted_on=date(2026, 1, 6), status=S.PERFORMING,
                     claims=[("wage_arrears", "10000", "8000"), ("damages", "5000", "2000.50")],
                     effective_on=date(2026, 1, 15),
                     payments=[("3000", date(2026, 2, 1)), ("7000.50", date(2026, 7, 10))]),
        # received in December, accepted in January (counts); agreement effective in July (does not)
        "b": dispute(ent, received_on=date(2025, 12, 28), accepted_on=date(2026, 1, 4), channel="oral",
                     status=S.PERFORMING, claims=[("overtime_pay", "6000", "6000")], effective_on=date(2026, 7, 2),
                     payments=[("6000", date(2026, 7, 5))]),
        # accepted in 2025 (does not count); agreement effective in February (counts): 15,000; paid 5,000 in March
        "c": dispute(hd, received_on=date(2025, 11, 10), accepted_on=date(2025, 11, 11), channel="phone",
                     status=S.PERFORMING, claims=[("economic_compensation", "20000", "15000")],
                     effective_on=date(2026, 2, 20), payments=[("5000", date(2026, 3, 1))]),
        # rejected: never accepted, and left out of the days to close
        "d": dispute(hd, received_on=date(2026, 2, 1), status=S.REJECTED, ended_on=date(2026, 2, 3),
                     claims=[("wage_arrears", "1000", None)]),
        # failed after 15 days; withdrawn after 10: average 12.5 days to close
        "e": dispute(hd, received_on=date(2026, 3, 1), accepted_on=date(2026, 3, 2), channel="online",
                     status=S.FAILED, ended_on=date(2026, 3, 16), claims=[("social_insurance", "3000", None)]),
        "f": dispute(hd, received_on=date(2026, 4, 1), accepted_on=date(2026, 4, 2), status=S.WITHDRAWN,
                     ended_on=date(2026, 4, 11), claims=[("wage_arrears", "2000", None)]),
        # Chaoyang: outside Haidian's subtree, inside the city's
        "g": dispute(cy, received_on=date(2026, 1, 10), accepted_on=date(2026, 1, 11), status=S.PERFORMING,
                     claims=[("wage_arrears", "99999", "99999")], effective_on=date(2026, 1, 20),
                     payments=[("99999", date(2026, 2, 1))]),
        # accepted after the period
        "h": dispute(hd, received_on=date(2026, 6, 29), accepted_on=date(2026, 7, 1),
                     claims=[("wage_arrears", "500", None)]),
    }
    breached_clock(cases["e"], due_on=date(2026, 3, 4))
    breached_clock(cases["a"], clock="dispute.mediation", due_on=date(2025, 12, 20))  # before the period
    breached_clock(cases["g"], due_on=date(2026, 1, 14))  # Chaoyang
    return cases


def test_haidian_half_year_counts_acceptance_effect_and_payment_dates_in_the_period(orgs, disputes):
    figures = dispute_figures(organisation=orgs["hd"], period=H1)
    assert figures.accepted == 4  # a, b, e, f
    assert figures.mediated_successfully == 2  # a, c
    assert figures.success_rate == Decimal("50.0")
    assert figures.recovered == Decimal("25000.50")  # 8,000 + 2,000.50 + 15,000
    assert figures.paid == Decimal("8000.00")  # 3,000 (a) + 5,000 (c)
    assert (figures.cases_ended, figures.average_days_to_close) == (2, Decimal("12.5"))
    assert [(row.clock, row.count) for row in figures.breaches] == [("dispute.acceptance", 1)]


def test_figures_by_claim_type_and_channel(orgs, disputes):
    figures = dispute_figures(organisation=orgs["hd"], period=H1)
    assert [(r.claim_type, r.accepted_cases, r.claimed, r.successful_cases, r.recovered)
            for r in figures.by_claim_type] == [
        ("wage_arrears", 2, Decimal("12000.00"), 1, Decimal("8000.00")),  # a and f asked; a won
        ("overtime_pay", 1, Decimal("6000.00"), 0, Decimal("0.00")),
        ("economic_compensation", 0, Decimal("0.00"), 1, Decimal("15000.00")),  # c: accepted in 2025
        ("damages", 1, Decimal("5000.00"), 1, Decimal("2000.50")),
        ("social_insurance", 1, Decimal("3000.00"), 0, Decimal("0.00")),
    ]
    assert [(r.channel, r.accepted, r.mediated_successfully, r.recovered) for r in figures.by_channel] == [
        ("walk_in_written", 2, 1, Decimal("10000.50")),
        ("oral", 1, 0, Decimal("0.00")),
        ("phone", 0, 1, Decimal("15000.00")),
        ("online", 1, 0, Decimal("0.00")),
    ]


def test_the_subtree_decides_what_counts(orgs, disputes):
    city = dispute_figures(organisation=orgs["bj"], period=H1)
    assert (city.accepted, city.mediated_successfully) == (5, 3)
    assert (city.recovered, city.paid) == (Decimal("124999.50"), Decimal("107999.00"))
    assert city.breaches_total == 2
    enterprise = dispute_figures(organisation=orgs["hd_ent"], period=H1)
    assert (enterprise.accepted, enterprise.mediated_successfully, enterprise.recovered) == (1, 0, Decimal("0.00"))
    assert enterprise.success_rate == Decimal("0.0") and enterprise.average_days_to_close is None


def test_the_second_half_sees_the_july_agreement_and_payments(orgs, disputes):
    figures = dispute_figures(organisation=orgs["hd"], period=Period(date(2026, 7, 1), date(2026, 12, 31)))
    assert (figures.accepted, figures.mediated_successfully) == (1, 1)  # h accepted; b effective
    assert figures.recovered == Decimal("6000.00")
    assert figures.paid == Decimal("13000.50")  # 7,000.50 (a) + 6,000 (b)


def test_an_empty_period_has_no_rate_rather_than_a_zero(orgs, disputes):
    figures = dispute_figures(organisation=orgs["hd"], period=Period(date(2020, 1, 1), date(2020, 12, 31)))
    assert (figures.accepted, figures.success_rate, figures.recovered) == (0, None, Decimal("0.00"))
    assert figures.by_claim_type == [] and figures.by_channel == []


def test_dispute_stats_prints_one_json_object_with_amounts_as_two_place_strings(orgs, disputes):
    out = StringIO()
    call_command("dispute_stats", "--org", "BJ-HD", "--from", "2026-01-01", "--to", "2026-06-30",
                 "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    assert {key: printed[key] for key in ("accepted", "mediated_successfully", "recovered_yuan", "paid_yuan")} == {
        "accepted": 4, "mediated_successfully": 2, "recovered_yuan": "25000.50", "paid_yuan": "8000.00",
    }
    assert printed["success_rate_percent"] == "50.0" and printed["deadline_breaches_total"] == 1


def test_dispute_stats_text_and_its_errors(orgs, disputes):
    out = StringIO()
    call_command("dispute_stats", "--org", "BJ", "--from", "2026-01-01", "--to", "2026-06-30", stdout=out)
    assert "受理：5件" in out.getvalue() and "挽回经济损失：¥124,999.50" in out.getvalue()
    with pytest.raises(CommandError, match="没有代码为“XX”的组织"):
        call_command("dispute_stats", "--org", "XX", "--from", "2026-01-01", "--to", "2026-06-30")
    with pytest.raises(CommandError, match="不是有效日期"):
        call_command("dispute_stats", "--org", "BJ", "--from", "2026-13-01", "--to", "2026-06-30")
    with pytest.raises(CommandError, match="结束日期不能早于开始日期"):
        call_command("dispute_stats", "--org", "BJ", "--from", "2026-07-01", "--to", "2026-06-30")


def test_period_presets_follow_the_calendar():
    today = date(2026, 8, 15)
    assert period_from_choice("month", today=today) == Period(date(2026, 8, 1), date(2026, 8, 31))
    assert period_from_choice("quarter", today=today) == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert period_from_choice("first_half", today=today) == H1
    assert period_from_choice("year", today=today) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert period_from_choice("month", today=date(2026, 12, 3)).end == date(2026, 12, 31)
    assert period_from_choice("custom", today=today, start="2026-02-01", end="2026-02-28").days == 28
    with pytest.raises(ValidationError) as refused:
        period_from_choice("custom", today=today, start="", end="2026-02-30")
    assert set(refused.value.message_dict) == {"start", "end"}


# -- hardship -----------------------------------------------------------------------------------

@pytest.fixture
def hardship(orgs):
    hd, cy = orgs["hd"], orgs["cy"]
    living, medical = fund_with_budget(hd, aid_type="living"), fund_with_budget(hd, aid_type="medical")

    def household(n, organisation=hd):
        first17 = f"11010819750101{n:03d}"
        return household_in_hardship(organisation, name=f"困难户{n}", resident_id=first17 + resident_id_check_char(first17))

    files = {
        # opened in H1 (newly identified), aided in March
        "f1": file_in_state(household(1), opened_on=date(2026, 1, 5), next_review_due=date(2027, 1, 5)),
        # opened before, relative hardship, aided in February and in December 2025; review due in June
        "f2": file_in_state(household(2), category="relative", opened_on=date(2025, 6, 1),
                            next_review_due=date(2026, 6, 1)),
        # exited in March: aid paid in January counts as aid, the household is not on file at the end
        "f3": file_in_state(household(3), status=HardshipStatus.EXITED, number="BJ-HD-KN-2025-0003",
                            opened_on=date(2025, 3, 1), exited_on=date(2026, 3, 31)),
        # opened after the period
        "f4": file_in_state(household(4), category="accident", opened_on=date(2026, 7, 10)),
        # Chaoyang
        "f5": file_in_state(household(5, cy), opened_on=date(2026, 2, 1)),
        # on file, never aided, review not yet due
        "f6": file_in_state(household(6), opened_on=date(2025, 1, 1), next_review_due=date(2026, 12, 1)),
    }
    aid_paid(files["f1"], living, amount="1000", paid_on=date(2026, 3, 1))
    aid_paid(files["f2"], medical, amount="2000", paid_on=date(2026, 2, 1))
    aid_paid(files["f2"], living, amount="500", paid_on=date(2025, 12, 1))
    aid_paid(files["f3"], living, amount="300", paid_on=date(2026, 1, 10))
    aid_paid(files["f5"], fund_with_budget(cy), amount="4000", paid_on=date(2026, 2, 2))
    return files


def test_hardship_half_year(orgs, hardship):
    figures = hardship_figures(organisation=orgs["hd"], period=H1)
    assert [(row.key, row.count) for row in figures.open_by_category] == [("deep", 2), ("relative", 1)]  # f1 f6; f2
    assert figures.open_files == 3
    assert figures.newly_identified == 1  # f1
    assert figures.aided_households == 2 and figures.coverage == Decimal("66.7")  # f1, f2 of 3
    assert [(r.aid_type, r.disbursements, r.households, r.amount) for r in figures.aid_by_type] == [
        ("living", 2, 2, Decimal("1300.00")), ("medical", 1, 1, Decimal("2000.00")),
    ]
    assert figures.aid_paid == Decimal("3300.00")
    assert sorted((r.aid_type, r.amount) for r in figures.aid_by_fund) == [
        ("living", Decimal("1300.00")), ("medical", Decimal("2000.00")),
    ]
    assert figures.due_for_review == 1  # f2


def test_hardship_figures_for_the_city_and_a_period_with_no_files(orgs, hardship):
    city = hardship_figures(organisation=orgs["bj"], period=H1)
    assert (city.open_files, city.newly_identified, city.aid_paid) == (4, 2, Decimal("7300.00"))
    empty = hardship_figures(organisation=orgs["hd"], period=Period(date(2020, 1, 1), date(2020, 6, 30)))
    assert (empty.open_files, empty.coverage, empty.aid_paid) == (0, None, Decimal("0.00"))
    assert hardship_figures(organisation=orgs["hd"], period=H1).as_json()["coverage_percent"] == "66.7"
