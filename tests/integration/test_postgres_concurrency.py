"""On PostgreSQL: two people acting at once, and concurrent audit appends."""

from datetime import date

import pytest

from cases.models import AuditEvent, HolidaySchedule, ScheduleStatus
from cases.models.actors import system
from cases.platform.audit.journal import append_event, verify_chain
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.platform.transitions import apply

from .concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_admins_deciding_the_same_schedule_at_once_exactly_one_wins(orgs, people, make_user):
    schedule = propose_schedule(year=2027, entries=[ScheduleEntry(date(2027, 1, 1), "holiday", "元旦")],
                                organisation=orgs["bj"], by=system("test"))
    third = make_user("bj_admin3", orgs["bj"], "org_admin")

    def decide(user, name, reason):
        copy = HolidaySchedule.objects.get(pk=schedule.pk)
        return apply(copy, name, by=user, reason=reason)

    results = run_at_once([
        lambda: decide(people["admin2"], "approve", "核对无误"),
        lambda: decide(third, "reject", "日期有误"),
    ])
    outcomes = [kind for kind, _value in results]
    assert sorted(outcomes) == ["error", "ok"], results
    loser = next(value for kind, value in results if kind == "error")
    assert "已被他人处理" in str(loser) or "当前状态下不能执行" in str(loser)
    decisions = AuditEvent.objects.filter(subject_id=str(schedule.pk), name__in=["approve", "reject"])
    assert decisions.count() == 1
    assert HolidaySchedule.objects.get(pk=schedule.pk).status in (ScheduleStatus.APPROVED, ScheduleStatus.REJECTED)


def test_concurrent_audit_appends_keep_one_unbroken_chain(db):
    results = run_at_once([
        (lambda n=n: append_event(action="export", actor=system(f"writer-{n}"), data={"n": n})) for n in range(12)
    ])
    assert all(kind == "ok" for kind, _value in results), results
    report = verify_chain()
    assert report.intact and report.checked == 12
