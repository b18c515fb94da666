"""Dispute and hardship figures against small fixtures whose expected values are worked
out by hand in the comments: cases outside the period, rejected cases, agreements that took
effect after the period, another district's cases, exited files."""

import json
import re
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from freezegun import freeze_time

from cases.models import Agreement, DisputeCase, DisputeStatus, HardshipStatus
from cases.platform.transitions import apply
from cases.rules.validators import resident_id_check_char
from cases.statistics.disputes import dispute_figures
from cases.statistics.hardship import hardship_figures
from cases.statistics.period import Period, period_from_choice
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship
from tests.statistics_fixtures import aid_paid, dispute

pytestmark = pytest.mark.django_db

S = DisputeStatus
H1 = Period(date(2026, 1, 1), date(2026, 6, 30))


def test_haidian_half_year_counts_acceptance_effect_and_payment_dates_in_the_period(orgs, disputes):
    figures = dispute_figures(organisation=orgs["hd"], period=H1)
    assert figures.accepted == 4  # a, b, e, f
    assert figures.mediated_successfully == 2  # a, c
    # mediation ended in H1: a, c by their agreements, e failed, f withdrawn (d was rejected)
    assert (figures.mediation_ended, figures.mediation_success_rate) == (4, Decimal("50.0"))
    assert figures.recovered == Decimal("25000.50")  # 8,000 + 2,000.50 + 15,000
    assert figures.paid == Decimal("8000.00")  # 3,000 (a) + 5,000 (c)
    assert (figures.closed, figures.average_days_to_closing) == (0, None)  # none went through 结案
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
    # b, accepted in January, still in mediation at the end of June: no mediation ended, so no rate
    assert (enterprise.mediation_ended, enterprise.mediation_success_rate) == (0, None)


def test_the_second_half_sees_the_july_agreement_and_payments(orgs, disputes):
    figures = dispute_figures(organisation=orgs["hd"], period=Period(date(2026, 7, 1), date(2026, 12, 31)))
    assert (figures.accepted, figures.mediated_successfully) == (1, 1)  # h accepted; b effective
    assert figures.recovered == Decimal("6000.00")
    assert figures.paid == Decimal("13000.50")  # 7,000.50 (a) + 6,000 (b)


def test_an_empty_period_has_no_rate_rather_than_a_zero(orgs, disputes):
    figures = dispute_figures(organisation=orgs["hd"], period=Period(date(2020, 1, 1), date(2020, 12, 31)))
    assert (figures.accepted, figures.mediation_success_rate, figures.recovered) == (0, None, Decimal("0.00"))
    assert figures.by_claim_type == [] and figures.by_channel == []


def test_dispute_stats_prints_one_json_object_with_amounts_as_two_place_strings(orgs, disputes):
    out = StringIO()
    call_command("dispute_stats", "--org", "BJ-HD", "--from", "2026-01-01", "--to", "2026-06-30",
                 "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    assert {key: printed[key] for key in ("accepted", "mediated_successfully", "recovered_yuan", "paid_yuan")} == {
        "accepted": 4, "mediated_successfully": 2, "recovered_yuan": "25000.50", "paid_yuan": "8000.00",
    }
    assert printed["mediation_success_rate_percent"] == "50.0" and printed["deadline_breaches_total"] == 1
    assert (printed["mediation_ended"], printed["mediation_ended_without_agreement"]) == (4, 2)
    assert "success_rate_percent" not in printed and "cases_ended" not in printed  # renamed: their meaning changed
    assert set(printed["definitions"]) <= set(printed)  # each definition names a figure printed beside it


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


# -- issue 16, point 15: the success rate is a rate of one cohort; 已办结 counts 结案 ------------

Q2 = Period(date(2026, 4, 1), date(2026, 6, 30))


def test_point_15_success_rate_is_a_rate_of_one_cohort_and_never_above_100_percent(orgs):
    """Haidian's quarter: one case accepted in it, two agreements taking effect in it for cases
    accepted before. Successes ÷ accepted would print 200%; the rate is of the mediations that
    ended in the quarter, successes among them."""
    hd = orgs["hd_street"]
    dispute(hd, received_on=date(2026, 4, 9), accepted_on=date(2026, 4, 10), status=S.IN_MEDIATION)  # accepted
    for accepted_on, effective_on in ((date(2026, 3, 20), date(2026, 4, 2)), (date(2026, 3, 25), date(2026, 4, 5))):
        dispute(hd, received_on=accepted_on, accepted_on=accepted_on, status=S.PERFORMING,
                claims=[("wage_arrears", "5000", "4000")], effective_on=effective_on)  # successful
    # accepted in March, failed in April: mediation ended in the quarter without an agreement
    dispute(hd, received_on=date(2026, 3, 1), accepted_on=date(2026, 3, 2), status=S.FAILED, ended_on=date(2026, 4, 8))
    # an agreement drafted but never effective, then failed in May: also ended without one
    drafted = dispute(hd, received_on=date(2026, 3, 4), accepted_on=date(2026, 3, 5), status=S.FAILED,
                      ended_on=date(2026, 5, 1))
    Agreement.objects.create(case=drafted, terms="草拟未签")
    # no mediation: rejected, withdrawn before acceptance; and a failure before the quarter
    dispute(hd, received_on=date(2026, 4, 1), status=S.REJECTED, ended_on=date(2026, 4, 3))
    dispute(hd, received_on=date(2026, 4, 12), status=S.WITHDRAWN, ended_on=date(2026, 4, 13))
    dispute(hd, received_on=date(2026, 3, 1), accepted_on=date(2026, 3, 2), status=S.FAILED, ended_on=date(2026, 3, 20))

    figures = dispute_figures(organisation=orgs["hd"], period=Q2)
    assert (figures.accepted, figures.mediated_successfully) == (1, 2)  # the headline figures keep their dates
    text = _stats("BJ-HD", Q2, "text")
    assert [rate for rate in re.findall(r"(\d+(?:\.\d+)?)%", text) if Decimal(rate) > 100] == []  # was 200.0%
    assert (figures.mediation_ended, figures.mediation_ended_without_agreement) == (4, 2)
    assert figures.mediation_success_rate == Decimal("50.0")  # 2 of 4, not 2 ÷ 1

    printed = json.loads(_stats("BJ-HD", Q2, "json"))
    assert (printed["accepted"], printed["mediated_successfully"], printed["mediation_success_rate_percent"]) == (
        1, 2, "50.0")
    assert "本期调解终结件数" in printed["definitions"]["mediation_success_rate_percent"]
    assert "调解成功率（本期调解终结案件中达成协议的比例）：50.0%（调解成功2件÷本期调解终结4件）" in text
    assert "统计口径：" in text and "成功率不会超过100%" in text


def test_a_period_where_every_ended_mediation_succeeded_is_100_percent_not_more(orgs):
    hd = orgs["hd_street"]
    for effective_on in (date(2026, 4, 2), date(2026, 4, 5)):
        dispute(hd, received_on=date(2026, 3, 1), accepted_on=date(2026, 3, 2), status=S.PERFORMING,
                effective_on=effective_on)
    figures = dispute_figures(organisation=orgs["hd"], period=Q2)
    assert (figures.accepted, figures.mediated_successfully, figures.mediation_success_rate) == (0, 2, Decimal("100.0"))


def _stats(org: str, period: Period, format: str) -> str:
    out = StringIO()
    call_command("dispute_stats", "--org", org, "--from", period.start.isoformat(), "--to", period.end.isoformat(),
                 "--format", format, stdout=out)
    return out.getvalue()


def _close(case, by, *, at: datetime):
    """结案 through the door at `at`, Beijing time."""
    with freeze_time(timezone.make_aware(at)):
        apply(case, "close", by=by)


def test_point_15_closed_counts_cases_closed_in_the_period(orgs, people, disputes):
    """已办结 is 结案 (the `close` transition) in the period, by its closing date (Beijing time);
    not the end of mediation or performance (`ended_on`), which e and f reached in H1 too."""
    mediator = people["mediator"]
    _close(disputes["d"], mediator, at=datetime(2026, 2, 5, 10))  # rejected 2-3, closed in H1
    _close(disputes["e"], mediator, at=datetime(2026, 3, 20, 10))  # received 3-1: 19 days
    _close(disputes["f"], mediator, at=datetime(2026, 6, 30, 23, 30))  # received 4-1: 90 days; 15:30 UTC
    late = dispute(orgs["hd_street"], received_on=date(2026, 5, 1), accepted_on=date(2026, 5, 2), status=S.FAILED,
                   ended_on=date(2026, 5, 20))  # ended in H1, closed in H2 (2026-06-30 16:30 UTC)
    _close(late, mediator, at=datetime(2026, 7, 1, 0, 30))
    chaoyang = dispute(orgs["cy_street"], received_on=date(2026, 2, 1), accepted_on=date(2026, 2, 2), status=S.FAILED,
                       ended_on=date(2026, 2, 20))
    _close(chaoyang, people["cy_mediator"], at=datetime(2026, 3, 1, 10))

    figures = dispute_figures(organisation=orgs["hd"], period=H1)
    assert (figures.closed, figures.closed_after_acceptance) == (3, 2)  # d, e, f; not late, not Chaoyang's
    assert figures.average_days_to_closing == Decimal("54.5")  # (19 + 90) / 2: the rejection d is left out
    second_half = dispute_figures(organisation=orgs["hd"], period=Period(date(2026, 7, 1), date(2026, 12, 31)))
    assert (second_half.closed, second_half.average_days_to_closing) == (1, Decimal("61.0"))  # late: 5-1 to 7-1
    assert dispute_figures(organisation=orgs["bj"], period=H1).closed == 4  # and Chaoyang's for the city

    printed = json.loads(_stats("BJ-HD", H1, "json"))
    assert (printed["closed"], printed["closed_after_acceptance"], printed["average_days_from_receipt_to_closing"]) \
        == (3, 2, "54.5")
    assert "结案" in printed["definitions"]["closed"]
    assert "已办结：3件" in _stats("BJ-HD", H1, "text")


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


def test_cases_closed_before_the_closing_date_was_kept_get_it_from_the_journal(orgs, people, disputes):
    import importlib

    from django.apps import apps as django_apps

    closed_on_migration = importlib.import_module("cases.migrations.0016_dispute_closed_on")
    _close(disputes["e"], people["mediator"], at=datetime(2026, 6, 30, 23, 30))  # 15:30 UTC, Beijing's 6-30
    DisputeCase.objects.filter(pk=disputes["e"].pk).update(closed_on=None)

    closed_on_migration.closed_on_from_the_journal(django_apps, None)

    assert DisputeCase.objects.get(pk=disputes["e"].pk).closed_on == date(2026, 6, 30)
