"""The publicity's one clock: the flow's timer fires at the instant end_publicity's condition
starts to hold (HardshipFile.publicity_ends_at), and follows the clock when an official
holiday schedule moves it, so a timer that fired is never refused "公示期尚未届满"."""

from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from cases.models import AuditAction, AuditEvent, Deadline, HardshipStatus
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.platform.transitions import apply, conditions_met
from tests.unit.hardship.walk.flow_steps import at, identify_until_publicity, open_task, open_task_names, staff_of

pytestmark = pytest.mark.django_db

NEW_YEARS_DAY_2027 = [  # the State Council's schedule: Monday 4 January off, Saturday 9 January worked
    ScheduleEntry(date(2027, 1, 1), "holiday", "元旦"),
    ScheduleEntry(date(2027, 1, 4), "holiday", "元旦"),
    ScheduleEntry(date(2027, 1, 9), "workday", "元旦调休"),
]


@pytest.fixture
def staff(orgs, people, make_user):
    return staff_of(orgs, people, make_user)


def test_the_timer_fires_at_the_end_of_publicity_and_the_condition_then_holds(orgs, staff):
    file = identify_until_publicity(orgs, staff)  # posted Tuesday 3 March 2026: five working days to 10 March
    timer = open_task(file, "wait_publicity")
    assert timer.status == STATUS.SCHEDULED
    assert timer.scheduled == file.publicity_ends_at() == at("2026-03-11", 0)

    with freeze_time(timer.scheduled - timedelta(seconds=1)):  # 23:59:59 on the last day
        assert file.publicity_window_open() and not file.publicity_period_over()
        assert not conditions_met(file, "end_publicity")
        assert fire_due_timers() == 0
    with freeze_time(timer.scheduled):  # the timer is due: the condition holds at the same instant
        assert not file.publicity_window_open() and file.publicity_period_over()
        assert conditions_met(file, "end_publicity")
        assert fire_due_timers() == 1
    file.refresh_from_db()
    assert file.status == HardshipStatus.AWAITING_APPROVAL and open_task_names(file) == ["approve"]
    assert AuditEvent.objects.for_subject(file).get(action=AuditAction.TRANSITION, name="end_publicity").actor_label \
        == "system:publicity_timer"


def test_a_publicity_moved_by_the_official_schedule_moves_its_timer(orgs, people, staff):
    # Posted Monday 28 December 2026. 2027 has no official schedule yet: the five working days are
    # counted provisionally (29, 30, 31 December, 4 and 5 January) and end on 5 January.
    file = identify_until_publicity(orgs, staff, publicity_on="2026-12-28")
    publicity = Deadline.objects.for_subject(file).get(clock="hardship.publicity")
    assert (publicity.due_on, publicity.provisional) == (date(2027, 1, 5), True)
    assert open_task(file, "wait_publicity").scheduled == at("2027-01-06", 0)

    # The official schedule makes Monday 4 January a holiday: the publicity runs to 6 January,
    # and its timer with it, in the same transaction.
    with freeze_time(at("2026-12-30", 10)):
        schedule = propose_schedule(year=2027, entries=NEW_YEARS_DAY_2027, organisation=orgs["bj"],
                                    by=people["admin"], source="国务院办公厅关于2027年部分节假日安排的通知")
        apply(schedule, "approve", by=people["admin2"])
    publicity.refresh_from_db()
    assert (publicity.due_on, publicity.provisional) == (date(2027, 1, 6), False)
    assert open_task(file, "wait_publicity").scheduled == file.publicity_ends_at() == at("2027-01-07", 0)

    with freeze_time(at("2027-01-06", 9)):  # the old end: still the publicity's last day
        assert fire_due_timers() == 0
        assert file.publicity_window_open()
    assert open_task_names(file) == ["wait_publicity"]
    with freeze_time(at("2027-01-07", 0)):
        assert fire_due_timers() == 1
    file.refresh_from_db()
    assert file.status == HardshipStatus.AWAITING_APPROVAL and open_task_names(file) == ["approve"]
