"""The received-date rules of registration and the duplicate window (cases/rules/intake.py)."""

from datetime import date

import pytest

from cases.rules.intake import (
    LAW_IN_FORCE_CITATION,
    duplicate_lookback_start,
    is_late_entry,
    months_before,
    received_before_the_law,
)


def test_the_floor_is_the_day_the_law_came_into_force_with_its_article():
    assert received_before_the_law(date(2008, 4, 30)) and not received_before_the_law(date(2008, 5, 1))
    assert "第五十四条" in str(LAW_IN_FORCE_CITATION) and "2008年5月1日" in str(LAW_IN_FORCE_CITATION)


@pytest.mark.parametrize("received_on, late", [
    (date(2026, 11, 6), False),  # 30 days before 6 December
    (date(2026, 11, 5), True),   # 31 days
    (date(2026, 12, 6), False),
])
def test_an_application_more_than_30_days_old_is_a_late_entry(received_on, late):
    assert is_late_entry(received_on, date(2026, 12, 6)) is late


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 12, 6), 12, date(2025, 12, 6)),
    (date(2026, 1, 15), 1, date(2025, 12, 15)),
    (date(2026, 5, 31), 3, date(2026, 2, 28)),  # no 31 February: the month's last day
    (date(2028, 5, 31), 3, date(2028, 2, 29)),
    (date(2029, 2, 28), 12, date(2028, 2, 28)),
])
def test_months_before_takes_the_corresponding_day(day, months, expected):
    assert months_before(day, months) == expected


def test_cases_that_ended_in_the_last_twelve_months_are_compared():
    assert duplicate_lookback_start(date(2026, 9, 30)) == date(2025, 9, 30)
