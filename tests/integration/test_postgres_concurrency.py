"""On PostgreSQL: two people acting at once, and concurrent audit appends."""

from datetime import date

import pytest
from freezegun import freeze_time

from cases.models import AuditEvent, DisputeCase, DisputeStatus, HolidaySchedule, ScheduleStatus
from cases.models.actors import system
from cases.platform.audit.journal import append_event, verify_chain
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.platform.transitions import StaleCase, TransitionRefused, apply
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case

from .concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_admins_deciding_the_same_schedule_at_once_exactly_one_wins(orgs, people, make_user):
    schedule = propose_schedule(year=2027, entries=[ScheduleEntry(date(2027, 1, 1), "holiday", "元旦")],
                                organisation=orgs["bj"], by=system("test"))
    third = make_user("bj_admin3", orgs["bj"], "org_admin")
    # Both read the schedule before either decides, as two open pages do: the loser's copy is stale.
    first_copy, second_copy = (HolidaySchedule.objects.get(pk=schedule.pk) for _ in range(2))

    results = run_at_once([
        lambda: apply(first_copy, "approve", by=people["admin2"], reason="核对无误"),
        lambda: apply(second_copy, "reject", by=third, reason="日期有误"),
    ])
    outcomes = [kind for kind, _value in results]
    assert sorted(outcomes) == ["error", "ok"], results
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, StaleCase), f"refused as a stale copy, not for the state it found: {loser!r}"
    decisions = AuditEvent.objects.filter(subject_id=str(schedule.pk), name__in=["approve", "reject"])
    assert decisions.count() == 1
    assert HolidaySchedule.objects.get(pk=schedule.pk).status in (ScheduleStatus.APPROVED, ScheduleStatus.REJECTED)


def test_guarantee_a_withdrawal_on_a_stale_copy_is_refused_as_stale_though_withdrawal_is_still_allowed(
    orgs, people,
):
    """Acceptance and withdrawal decided at once on copies read before either: withdrawal is
    allowed from every open state, so if acceptance wins, only the stale-copy check refuses the
    withdrawal; if withdrawal wins, acceptance is refused as stale before its state is looked at."""
    with freeze_time(at("2026-11-02", 10), tick=True):
        case = register_case(orgs, people, date(2026, 11, 2))
        consent_recorded(case, people["mediator"])
        accepting, withdrawing = (DisputeCase.objects.get(pk=case.pk) for _ in range(2))

        results = run_at_once([
            lambda: apply(accepting, "accept", by=people["lead"]),
            lambda: apply(withdrawing, "withdraw", by=people["mediator"], reason="申请人书面撤回"),
        ])

    outcomes = [kind for kind, _value in results]
    assert sorted(outcomes) == ["error", "ok"], results
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, StaleCase) and not isinstance(loser, TransitionRefused), repr(loser)
    assert "已被他人处理" in str(loser)
    winner = "accept" if results[0][0] == "ok" else "withdraw"
    status = DisputeCase.objects.get(pk=case.pk).status
    assert status == {"accept": DisputeStatus.ACCEPTED, "withdraw": DisputeStatus.WITHDRAWN}[winner]
    decided = AuditEvent.objects.filter(subject_id=str(case.pk), name__in=["accept", "withdraw"])
    assert list(decided.values_list("name", flat=True)) == [winner]


def test_concurrent_audit_appends_keep_one_unbroken_chain(db):
    results = run_at_once([
        (lambda n=n: append_event(action="export", actor=system(f"writer-{n}"), data={"n": n})) for n in range(12)
    ])
    assert all(kind == "ok" for kind, _value in results), results
    report = verify_chain()
    assert report.intact and report.checked == 12
