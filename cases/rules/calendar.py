"""Working days under the State Council holiday schedule, make-up workdays included.

Where each year's calendar comes from, best first:
1. an approved holiday schedule for the year (loaded by an admin): its listed holidays
   are off and its make-up workdays are worked; any other day is worked Mon–Fri. The
   platform hands the approved schedules in (`read_approved_schedules_with`, called by
   cases.platform.holiday_schedules when the app is ready) and tells this module when one
   changes (`schedule_changed`); the rules import no model;
2. the `chinesecalendar` library, for the years it knows;
3. the statutory rule (`statutory_holidays`), marked provisional until 1 or 2 is available.

A year is never an error: years before the library's first year (2004) also fall back to
the statutory rule, which is the 2024 revision and therefore only an approximation of the
rules in force back then.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import chinese_calendar
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from lunar_python import Lunar

# A cached year is re-read after this long, so that a schedule approved in another
# process (web worker, Celery worker) is picked up without a restart.
CACHE_SECONDS = 60.0

STATUTORY_RULE_CITATION = (
    "《全国年节及纪念日放假办法》第二条、第六条"
    "（2024年11月10日国务院令第795号修订，2025年1月1日起施行）"
)
MAKE_UP_SUFFIX = "（补休）"
PERIOD_END_CITATION = _(
    "《民法典》第二百零三条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日"
)


def day_label(day: date | None) -> str:
    """A day as the reader's language writes it (Django's DATE_FORMAT, as a template's
    |date:"DATE_FORMAT"): 2026年12月22日 in Chinese, Dec. 22, 2026 in English; a year before 1000
    by its digits (Django pads it to four: 0001)."""
    if day is None:
        return ""
    shown = date_format(day, "DATE_FORMAT")
    return shown.replace(f"{day.year:04d}", str(day.year), 1) if day.year < 1000 else shown


def moment_label(moment: datetime | None) -> str:
    """A moment, in Beijing time, as the reader's language writes it (DATETIME_FORMAT):
    2026年11月6日 14:30 in Chinese, Nov. 6, 2026, 2:30 p.m. in English."""
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT")


class YearSource(models.TextChoices):
    LOADED = "loaded", _("已生效的官方节假日安排")
    LIBRARY = "library", _("chinesecalendar 内置安排")
    PROVISIONAL = "provisional", _("按法定放假办法暂定")


@dataclass(frozen=True)
class WorkingDayResult:
    date: date
    provisional: bool
    provisional_years: tuple[int, ...]


@dataclass(frozen=True)
class StatutoryHoliday:
    name: str
    first_day: Callable[[int], date]
    length: int

    def days(self, year: int) -> list[date]:
        start = self.first_day(year)
        return [start + timedelta(days=i) for i in range(self.length)]


def _gregorian(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


def _lunar(month: int, day: int, offset: int = 0) -> Callable[[int], date]:
    def first_day(year: int) -> date:
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay()) + timedelta(days=offset)

    return first_day


def _qingming(year: int) -> date:
    # The jieqi table of lunar year `year` holds the Qingming of Gregorian year `year`.
    solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


# 全国年节及纪念日放假办法 第二条: the holidays for all citizens.
STATUTORY_HOLIDAYS: tuple[StatutoryHoliday, ...] = (
    StatutoryHoliday("元旦", _gregorian(1, 1), 1),
    StatutoryHoliday("春节", _lunar(1, 1, offset=-1), 4),  # 农历除夕、正月初一至初三
    StatutoryHoliday("清明节", _qingming, 1),  # 农历清明当日
    StatutoryHoliday("劳动节", _gregorian(5, 1), 2),
    StatutoryHoliday("端午节", _lunar(5, 5), 1),
    StatutoryHoliday("中秋节", _lunar(8, 15), 1),
    StatutoryHoliday("国庆节", _gregorian(10, 1), 3),
)


def _is_weekend(day: date) -> bool:
    return day.weekday() >= 5


@cache
def _statutory_holidays(year: int) -> tuple[tuple[date, str], ...]:
    days: dict[date, str] = {}
    for holiday in STATUTORY_HOLIDAYS:
        for day in holiday.days(year):
            # Two holidays on one day (中秋 on 10-01, as in 2020) stay one day off: the
            # rule makes up weekends only.
            days[day] = f"{days[day]}、{holiday.name}" if day in days else holiday.name
    # 第六条: a holiday falling on Saturday or Sunday is made up on a working day; here the
    # next Mon–Fri day that is neither a holiday nor already a make-up day.
    for day, name in sorted(days.items()):
        if not _is_weekend(day):
            continue
        make_up = day + timedelta(days=1)
        while _is_weekend(make_up) or make_up in days:
            make_up += timedelta(days=1)
        days[make_up] = name + MAKE_UP_SUFFIX
    return tuple(sorted(days.items()))


def statutory_holidays(year: int) -> dict[date, str]:
    """Days off under the statutory rule alone (no State Council schedule), with names;
    make-up days off for holidays falling on a weekend are named "<节日>（补休）"."""
    return dict(_statutory_holidays(year))


@cache
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: YearSource
    days_off: frozenset[date]  # Mon–Fri days that are not worked
    days_on: frozenset[date]  # Sat/Sun days that are worked (调休上班)

    @property
    def provisional(self) -> bool:
        return self.source == YearSource.PROVISIONAL

    def is_workday(self, day: date) -> bool:
        if _is_weekend(day):
            return day in self.days_on
        return day not in self.days_off


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


class DayKind(models.TextChoices):
    """What an official schedule says of a day."""
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


# year -> the approved schedule's (date, DayKind value) pairs, or None when the year has none.
ApprovedSchedule = Callable[[int], list[tuple[date, str]] | None]


def _no_approved_schedules(year: int) -> None:
    return None


_approved_schedule_days: ApprovedSchedule = _no_approved_schedules


def read_approved_schedules_with(source: ApprovedSchedule) -> None:
    """Install where approved schedules are read from (the platform does, when the app is ready)."""
    global _approved_schedule_days
    _approved_schedule_days = source
    clear_calendar_cache()


def _loaded_calendar(year: int, rows: list[tuple[date, str]]) -> YearCalendar:
    return YearCalendar(
        year=year,
        source=YearSource.LOADED,
        days_off=frozenset(d for d, kind in rows if kind == DayKind.HOLIDAY and not _is_weekend(d)),
        days_on=frozenset(d for d, kind in rows if kind == DayKind.WORKDAY and _is_weekend(d)),
    )


def _library_calendar(year: int) -> YearCalendar:
    days = _days_of(year)
    return YearCalendar(
        year=year,
        source=YearSource.LIBRARY,
        days_off=frozenset(d for d in days if not _is_weekend(d) and not chinese_calendar.is_workday(d)),
        days_on=frozenset(d for d in days if _is_weekend(d) and chinese_calendar.is_workday(d)),
    )


def _provisional_calendar(year: int) -> YearCalendar:
    return YearCalendar(
        year=year,
        source=YearSource.PROVISIONAL,
        days_off=frozenset(d for d in statutory_holidays(year) if not _is_weekend(d)),
        days_on=frozenset(),
    )


def _build_year(year: int) -> YearCalendar:
    rows = _approved_schedule_days(year)
    if rows is not None:
        return _loaded_calendar(year, rows)
    if _library_knows(year):
        return _library_calendar(year)
    return _provisional_calendar(year)


_clock: Callable[[], float] = time.monotonic
_years: dict[int, tuple[float, YearCalendar]] = {}


# Set while a schedule change saved in this process is not yet committed: until its
# transaction ends, years are built afresh rather than cached, so a rolled-back approval
# is never remembered.
_uncommitted_change = False


def clear_calendar_cache() -> None:
    """Forget every cached year; call after a holiday schedule is approved."""
    global _uncommitted_change
    _uncommitted_change = False
    _years.clear()


def schedule_changed() -> None:
    """A schedule was saved or deleted in this process: within it the change must be seen at
    once (e.g. an approval inside the transition door, which then recomputes provisional
    deadlines), not after CACHE_SECONDS, and forgotten if its transaction rolls back."""
    global _uncommitted_change
    clear_calendar_cache()
    _uncommitted_change = True
    transaction.on_commit(clear_calendar_cache)


def year_calendar(year: int) -> YearCalendar:
    if _uncommitted_change:
        if transaction.get_connection().in_atomic_block:
            return _build_year(year)
        clear_calendar_cache()  # that transaction rolled back: forget what it showed
    now = _clock()
    cached = _years.get(year)
    if cached is not None and cached[0] > now:
        return cached[1]
    built = _build_year(year)
    _years[year] = (now + CACHE_SECONDS, built)
    return built


def _check_date(day: date) -> date:
    # A datetime would silently carry a time (and perhaps UTC) into day arithmetic.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__}")
    return day


def year_source(year: int) -> YearSource:
    return year_calendar(year).source


def is_provisional_year(year: int) -> bool:
    return year_calendar(year).provisional


def is_workday(day: date) -> bool:
    day = _check_date(day)
    return year_calendar(day.year).is_workday(day)


def add_working_days_detailed(start: date, n: int) -> WorkingDayResult:
    """The n-th working day after `start` (`start` itself not counted), and whether any
    day examined lies in a provisionally computed year."""
    start = _check_date(start)
    if n < 0:
        raise ValueError("n must be zero or positive")
    day, counted, provisional_years = start, 0, set()
    while counted < n:
        day += timedelta(days=1)
        year = year_calendar(day.year)
        if year.provisional:
            provisional_years.add(day.year)
        if year.is_workday(day):
            counted += 1
    years = tuple(sorted(provisional_years))
    return WorkingDayResult(date=day, provisional=bool(years), provisional_years=years)


def add_working_days(start: date, n: int) -> date:
    return add_working_days_detailed(start, n).date


def working_days_between(a: date, b: date) -> int:
    """The number of working days d with a < d <= b; negative when b is before a."""
    a, b = _check_date(a), _check_date(b)
    if b < a:
        return -working_days_between(b, a)
    count, day = 0, a + timedelta(days=1)
    while day <= b:
        count += year_calendar(day.year).is_workday(day)
        day += timedelta(days=1)
    return count


def period_end_detailed(last_day: date) -> WorkingDayResult:
    """The last day of a period counted in days, months or years whose nominal last day is
    `last_day`: that day, or when it is a statutory holiday or a rest day (a weekend day that
    is not a make-up workday), the first working day after it (民法典第二百零三条)."""
    day, provisional_years = _check_date(last_day), set()
    while True:
        year = year_calendar(day.year)
        if year.provisional:
            provisional_years.add(day.year)
        if year.is_workday(day):
            break
        day += timedelta(days=1)
    years = tuple(sorted(provisional_years))
    return WorkingDayResult(date=day, provisional=bool(years), provisional_years=years)


def period_end(last_day: date) -> date:
    return period_end_detailed(last_day).date

