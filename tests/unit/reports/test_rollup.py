"""The dispute figures' running totals (issue 18, point 4): the report read from them equals the
report aggregated from the cases, for whole months, ragged edges and single days; a step through
the door moves them; `manage.py reconcile_stats` agrees with them, finds a row that does not,
and repairs it. (The property test in tests/integration/test_dispute_flow_properties.py checks
them after every kind of transition.)"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from cases.models import DisputeRollup, DisputeStatus, RollupSpan
from cases.platform.transitions import apply
from cases.statistics import recount
from cases.statistics.disputes import dispute_figures, dispute_figures_from_cases
from cases.statistics.period import Period

pytestmark = pytest.mark.django_db

PERIODS = [
    Period(date(2026, 1, 1), date(2026, 6, 30)),  # six whole months
    Period(date(2026, 1, 1), date(2026, 1, 31)),  # one
    Period(date(2026, 1, 10), date(2026, 5, 20)),  # ragged at both ends
    Period(date(2025, 12, 15), date(2026, 2, 10)),  # across the new year
    Period(date(2026, 1, 6), date(2026, 1, 6)),  # a single day
    Period(date(2026, 1, 2), date(2026, 1, 30)),  # inside one month, neither end on its edge
    Period(date(2025, 1, 1), date(2026, 12, 31)),  # two years
    Period(date(2020, 1, 1), date(2020, 12, 31)),  # nothing
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}..{p.end}")
def test_the_report_from_the_running_totals_equals_the_report_from_the_cases(orgs, disputes, period):
    for key in ("bj", "hd", "hd_street", "hd_ent", "cy"):
        from_totals = dispute_figures(organisation=orgs[key], period=period).as_json()
        assert from_totals == dispute_figures_from_cases(organisation=orgs[key], period=period).as_json(), key


def test_the_report_reads_the_totals_in_one_query_after_the_subtree(orgs, disputes, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the subtree's ids, the organisations' count, the totals
        figures = dispute_figures(organisation=orgs["hd"], period=PERIODS[2])
    assert figures.accepted == 2  # e and f; a and b were accepted before the 10th


def test_a_whole_month_is_read_from_its_month_row(orgs, disputes):
    january = DisputeRollup.objects.get(span=RollupSpan.MONTH, starts_on=date(2026, 1, 1),
                                        organisation=orgs["hd_street"], channel="walk_in_written")
    assert (january.accepted, january.mediated_successfully, january.recovered_fen) == (1, 1, 1_000_050)


def test_closing_through_the_door_moves_the_totals(orgs, people, disputes):
    case = disputes["e"]  # failed, accepted 2026-03-02, received 2026-03-01
    apply(case, "close", by=people["mediator"])
    closed_today = dispute_figures(organisation=orgs["hd"], period=Period(case.closed_on, case.closed_on))
    assert (closed_today.closed, closed_today.closed_after_acceptance) == (1, 1)
    assert closed_today.total_days_to_closing == (case.closed_on - date(2026, 3, 1)).days
    assert recount.differences([org.pk for org in orgs.values()]) == []


def test_reconcile_stats_agrees_then_finds_a_changed_row_and_repairs_it(orgs, disputes):
    out = StringIO()
    call_command("reconcile_stats", stdout=out, stderr=StringIO())
    assert "一致" in out.getvalue()

    DisputeRollup.objects.filter(span=RollupSpan.DAY, starts_on=date(2026, 1, 6),
                                 organisation=orgs["hd_street"], channel="walk_in_written",
                                 ).update(accepted=F("accepted") + 2)
    out = StringIO()
    with pytest.raises(CommandError, match="1处差异"):
        call_command("reconcile_stats", "--org", "BJ-HD", stdout=out, stderr=StringIO())
    assert f"day 2026-01-06 组织#{orgs['hd_street'].pk} walk_in_written accepted：累计3，按案件重算1" in out.getvalue()

    call_command("reconcile_stats", "--repair", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("reconcile_stats", stdout=out, stderr=StringIO())
    assert "一致" in out.getvalue()
    assert dispute_figures(organisation=orgs["hd"], period=PERIODS[0]).accepted == 4


def test_reconcile_stats_names_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="没有代码为“XX”的组织"):
        call_command("reconcile_stats", "--org", "XX", stdout=StringIO(), stderr=StringIO())


def test_a_rejected_case_adds_nothing_but_its_closing(orgs, people, disputes):
    case = disputes["d"]
    assert case.status == DisputeStatus.REJECTED
    apply(case, "close", by=people["mediator"])
    today = Period(case.closed_on, case.closed_on)
    figures = dispute_figures(organisation=orgs["hd"], period=today)
    assert (figures.accepted, figures.closed, figures.closed_after_acceptance) == (0, 1, 0)
    assert recount.differences([org.pk for org in orgs.values()]) == []
