"""Dispute cases for the tests of mediation procedure: Beijing times, one registration, and the
signed original's scan that an agreement needs on file before it takes effect."""

from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.platform.transitions import apply
from cases.rules.claims import ClaimType

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def at(day: str | date, hour: int = 10) -> datetime:
    """`hour` o'clock, Beijing time, on `day` (a date or "2026-11-02")."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def register_case(orgs, people, received_on: date = date(2026, 11, 2), claims=None):
    """A wage claim of 王秀英 against 北京某科技有限公司 at 中关村街道, received at 9 o'clock, or now
    when that is still to come today (register it while time stands on or near `received_on`: a
    later date is a late entry); `claims` ([ClaimInput]) replaces the wage claim."""
    return register_dispute(
        acknowledge_warnings=True, organisation=orgs["hd_street"], by=people["mediator"], channel="walk_in_written",
        received_on=received_on, received_at=min(at(received_on, 9), timezone.now()), facts="拖欠工资三个月。",
        worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
        employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43"),
        claims=claims or [ClaimInput(ClaimType.WAGE_ARREARS, Decimal("30000.00"))],
    ).case


# The scan of the signed paper as a scanner saves it: a (tiny) PDF, told by its first bytes.
SIGNED_SCAN = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def signed_scan(content: bytes = SIGNED_SCAN, name: str = "调解协议书签署原件.pdf") -> ContentFile:
    return ContentFile(content, name=name)


def signed_original_uploaded(case, by, content: bytes = SIGNED_SCAN):
    """The signed and sealed paper's scan kept through the door (after the four Art.14 records)."""
    return apply(case, "upload_signed_original", by=by, data={"scan": signed_scan(content)})


def signed_original_uploaded_in_task(task, by):
    """The same, as the in-task action of the claimed 签署调解协议 task."""
    from workflows.dispute.flow import take_action

    return take_action(task, by=by, action="upload_signed_original", data={"scan": signed_scan()})
