"""Working days: State Council schedules, the chinesecalendar library, and the provisional
statutory rule for years that have neither."""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cases.models import DayKind, HolidaySchedule, ScheduleStatus
from cases.models.actors import system
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.rules import calendar
from cases.rules.calendar import (
    WorkingDayResult,
    YearSource,
    add_working_days,
    add_working_days_detailed,
    clear_calendar_cache,
    is_provisional_year,
    is_workday,
    statutory_holidays,
    working_days_between,
    year_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


def approved_schedule(organisation, year: int, days: dict[date, str]) -> HolidaySchedule:
    """An approved schedule, approved on the model directly: these tests are about the
    calendar, not the transition door (test_load_holiday_schedule covers that path)."""
    entries = [ScheduleEntry(date=day, kind=kind) for day, kind in days.items()]
    schedule = propose_schedule(year=year, entries=entries, organisation=organisation, by=system("test"))
    schedule.approve(by=system("test"))
    schedule.save()
    return schedule


def test_three_working_days_after_national_day_eve_2026_is_the_make_up_saturday():
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert is_workday(date(2026, 9, 20))  # Sunday, 调休上班
    assert is_workday(date(2026, 10, 10))  # Saturday, 调休上班
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert add_working_days_detailed(date(2026, 9, 30), 3) == WorkingDayResult(
        date=date(2026, 10, 10), provisional=False, provisional_years=(),
    )


def test_spring_festival_2026_follows_the_state_council_schedule():
    assert is_workday(date(2026, 2, 14))  # Saturday before the holiday, 调休上班
    assert is_workday(date(2026, 2, 28))  # Saturday after it, 调休上班
    assert [d for d in range(15, 24) if is_workday(date(2026, 2, d))] == []
    assert is_workday(date(2026, 2, 24))
    # Fri 13th, Sat 14th (make-up), then nothing until Tue 24th.
    assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6


def test_deadline_running_into_2027_is_provisional_before_a_schedule_is_loaded():
    result = add_working_days_detailed(date(2026, 12, 30), 3)
    assert result == WorkingDayResult(date=date(2027, 1, 5), provisional=True, provisional_years=(2027,))


def test_lunar_new_years_eve_2027_is_not_a_working_day_provisionally():
    assert year_source(2027) == YearSource.PROVISIONAL
    assert not is_workday(date(2027, 2, 5))
    assert statutory_holidays(2027)[date(2027, 2, 5)] == "春节"


def test_statutory_rule_for_2027_with_weekend_holidays_made_up_on_the_next_working_day():
    assert statutory_holidays(2027) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节", date(2027, 2, 6): "春节", date(2027, 2, 7): "春节", date(2027, 2, 8): "春节",
        date(2027, 2, 9): "春节（补休）", date(2027, 2, 10): "春节（补休）",
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节", date(2027, 5, 2): "劳动节",
        date(2027, 5, 3): "劳动节（补休）", date(2027, 5, 4): "劳动节（补休）",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节", date(2027, 10, 2): "国庆节", date(2027, 10, 3): "国庆节",
        date(2027, 10, 4): "国庆节（补休）", date(2027, 10, 5): "国庆节（补休）",
    }


def test_holidays_falling_on_the_same_day_stay_one_day_off():
    assert statutory_holidays(2020)[date(2020, 10, 1)] == "中秋节、国庆节"


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_rule_days_are_holidays_in_the_official_schedule(year):
    rule_days = statutory_holidays(year)
    assert len([name for name in rule_days.values() if "补休" not in name]) == 13
    assert [day for day in rule_days if chinese_calendar.is_workday(day)] == []


@pytest.mark.parametrize("year", range(2004, 2041))
def test_qingming_from_lunar_python_matches_chinese_calendar_solar_terms(year):
    terms = dict((name, day) for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10)))
    assert statutory_holidays(year)[terms["清明"]] == "清明节"


def test_where_each_year_comes_from():
    assert year_source(2004) == YearSource.LIBRARY
    assert year_source(2026) == YearSource.LIBRARY
    assert year_source(2003) == YearSource.PROVISIONAL
    assert year_source(2027) == YearSource.PROVISIONAL
    assert is_provisional_year(2027) and not is_provisional_year(2026)


def test_years_before_the_library_fall_back_to_the_statutory_rule():
    # 1999-10-01..03 are Fri–Sun; Saturday and Sunday are made up on Mon 4th and Tue 5th.
    assert add_working_days_detailed(date(1999, 9, 30), 1) == WorkingDayResult(
        date=date(1999, 10, 6), provisional=True, provisional_years=(1999,),
    )


def test_an_approved_schedule_replaces_the_provisional_rule(orgs):
    approved_schedule(orgs["bj"], 2027, {
        date(2027, 1, 1): DayKind.HOLIDAY, date(2027, 1, 4): DayKind.HOLIDAY, date(2027, 1, 9): DayKind.WORKDAY,
    })
    assert year_source(2027) == YearSource.LOADED
    assert is_workday(date(2027, 1, 9))
    assert add_working_days_detailed(date(2026, 12, 30), 3) == WorkingDayResult(
        date=date(2027, 1, 6), provisional=False, provisional_years=(),
    )
    # Days the schedule does not list are ordinary days, whatever the statutory rule says.
    assert is_workday(date(2027, 2, 5))


def test_an_approved_schedule_takes_precedence_over_the_library(orgs):
    approved_schedule(orgs["bj"], 2026, {date(2026, 12, 31): DayKind.HOLIDAY})
    assert year_source(2026) == YearSource.LOADED
    assert not is_workday(date(2026, 12, 31))
    assert is_workday(date(2026, 10, 1))


def test_a_proposed_or_rejected_schedule_changes_nothing(orgs):
    entries = [ScheduleEntry(date=date(2027, 1, 4), kind=DayKind.HOLIDAY)]
    propose_schedule(year=2027, entries=entries, organisation=orgs["bj"], by=system("test"))
    rejected = propose_schedule(year=2027, entries=entries, organisation=orgs["bj"], by=system("test"))
    rejected.reject(by=system("test"), reason="测试")
    rejected.save()
    assert year_source(2027) == YearSource.PROVISIONAL
    assert is_workday(date(2027, 1, 4))


def test_working_days_between_counts_the_end_not_the_start_and_is_antisymmetric():
    a, b = date(2026, 9, 30), date(2026, 10, 10)
    assert working_days_between(a, b) == 3  # Thu 8th, Fri 9th, Sat 10th
    assert working_days_between(b, a) == -3
    assert working_days_between(a, a) == 0
    assert working_days_between(date(2026, 9, 28), date(2026, 9, 30)) == 2


def test_zero_working_days_is_the_start_itself_even_on_a_holiday():
    assert add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 1)
    assert add_working_days_detailed(date(2027, 2, 5), 0).provisional is False


def test_bad_arguments_are_programming_errors():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(TypeError):
        is_workday(datetime(2026, 1, 5, 9, 0))


def test_thirty_working_days_across_two_years_take_at_most_two_queries(
    django_assert_max_num_queries, django_assert_num_queries,
):
    with django_assert_max_num_queries(2):
        result = add_working_days_detailed(date(2026, 12, 1), 30)
    assert result.date.year == 2027 and result.provisional
    with django_assert_num_queries(0):
        add_working_days(date(2026, 12, 1), 30)
        is_workday(date(2027, 1, 15))


def test_approval_in_this_process_is_seen_at_once(orgs):
    assert year_source(2027) == YearSource.PROVISIONAL
    approved_schedule(orgs["bj"], 2027, {date(2027, 1, 4): DayKind.HOLIDAY})
    assert year_source(2027) == YearSource.LOADED


def _approve_behind_the_cache(orgs) -> None:
    """Approve the way another process would look from here: no signal in this one."""
    entries = [ScheduleEntry(date=date(2027, 1, 4), kind=DayKind.HOLIDAY)]
    schedule = propose_schedule(year=2027, entries=entries, organisation=orgs["bj"], by=system("test"))
    clear_calendar_cache()  # what the proposal's commit does outside a test's transaction
    assert year_source(2027) == YearSource.PROVISIONAL  # cached from here on
    HolidaySchedule.objects.filter(pk=schedule.pk).update(status=ScheduleStatus.APPROVED)


def test_cached_years_expire_so_other_processes_approvals_are_noticed(orgs, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(calendar, "_clock", lambda: now[0])
    _approve_behind_the_cache(orgs)
    now[0] += calendar.CACHE_SECONDS - 1
    assert year_source(2027) == YearSource.PROVISIONAL
    now[0] += 2
    assert year_source(2027) == YearSource.LOADED
    assert not is_workday(date(2027, 1, 4))


def test_clearing_the_cache_rereads_the_schedules(orgs):
    _approve_behind_the_cache(orgs)
    clear_calendar_cache()
    assert year_source(2027) == YearSource.LOADED


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 12, 31)),
    n=st.integers(min_value=0, max_value=60),
)
def test_counting_working_days_undoes_adding_them(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_workday(end)
        assert working_days_between(start, end - timedelta(days=1)) == n - 1


def test_a_rolled_back_approval_is_not_remembered(orgs, people):
    from django.db import transaction

    from cases.platform.transitions import apply
    from cases.rules.calendar import is_workday, year_source

    schedule = propose_schedule(
        year=2027, entries=[ScheduleEntry(date(2027, 3, 1), "holiday", "测试假日")],
        organisation=orgs["bj"], by=people["admin"],
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        apply(schedule, "approve", by=people["admin2"])
        assert not is_workday(date(2027, 3, 1))  # inside, the approval is visible
        raise RuntimeError("the approval is abandoned")
    assert is_workday(date(2027, 3, 1))
    assert year_source(2027) == YearSource.PROVISIONAL
