"""Dispute cases for the tests of mediation procedure: Beijing times and one registration."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.rules.claims import ClaimType

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def at(day: str | date, hour: int = 10) -> datetime:
    """`hour` o'clock, Beijing time, on `day` (a date or "2026-11-02")."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def register_case(orgs, people, received_on: date = date(2026, 11, 2)):
    """A wage claim of 王秀英 against 北京某科技有限公司 at 中关村街道, received at 9 o'clock
    (register it while time stands on or near `received_on`: a later date is a late entry)."""
    return register_dispute(
        acknowledge_warnings=True, organisation=orgs["hd_street"], by=people["mediator"], channel="walk_in_written",
        received_on=received_on, received_at=at(received_on, 9), facts="拖欠工资三个月。",
        worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
        employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43"),
        claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("30000.00"))],
    ).case
