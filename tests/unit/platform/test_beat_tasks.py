"""The tasks beat runs every minute (viewflow's due timers and the legal clocks), every five minutes
(the audit chain's anchor) and at their hours (reminders, digests, expired API tokens' removal)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models.actors import system
from cases.platform.deadlines import open_deadline
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.rules import deadlines as clocks
from cases.tasks.deadlines import check_deadlines_task
from cases.tasks.timers import fire_workflow_timers_task
from config.celery import app
from tests.workflow_fixtures.flows import WaitAWhileFlow

pytestmark = pytest.mark.django_db


SWEEPS = {"cases.tasks.fire_workflow_timers", "cases.tasks.check_deadlines", "notifications.tasks.send_due_deliveries"}
# task → (hours, minutes)
DAILY = {"notifications.tasks.send_session_reminders": ({9, 18}, {0}),
         "notifications.tasks.send_daily_digests": ({8}, {0}), "api.tasks.clear_expired_tokens": ({3}, {30})}
EVERY_FIVE_MINUTES = {"cases.tasks.anchor_audit_chain": {0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55}}


def test_beat_runs_every_sweep_every_minute_and_the_reminders_at_their_hours():
    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == SWEEPS | set(DAILY) | set(EVERY_FIVE_MINUTES)
    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks
    for entry in schedule.values():
        assert entry["task"] in app.tasks
        if entry["task"] in SWEEPS:
            assert entry["schedule"].is_due(timezone.now() - timedelta(minutes=1)).is_due
        elif entry["task"] in EVERY_FIVE_MINUTES:
            assert entry["schedule"].minute == EVERY_FIVE_MINUTES[entry["task"]] and len(entry["schedule"].hour) == 24
        else:
            assert (entry["schedule"].hour, entry["schedule"].minute) == DAILY[entry["task"]]
    assert app.conf.timezone == "Asia/Shanghai"  # so 08:00 is Beijing time


def test_a_due_viewflow_timer_fires_once_and_the_process_ends():
    process = WaitAWhileFlow.start.run()
    timer = Task.objects.get(process=process, flow_task=WaitAWhileFlow.wait)
    assert timer.status == STATUS.SCHEDULED

    assert fire_workflow_timers_task.delay().get()["timers"] == 0  # not due yet
    Task.objects.filter(pk=timer.pk).update(scheduled=timezone.now() - timedelta(seconds=1))
    assert fire_workflow_timers_task.delay().get() == {"timers": 1, "conditions": 0, "tasks_in_error": 0}
    assert fire_workflow_timers_task.delay().get()["timers"] == 0

    timer.refresh_from_db()
    process.refresh_from_db()
    assert timer.status == STATUS.DONE and process.status == STATUS.DONE


def test_the_deadline_sweep_is_idempotent(orgs, people):
    subject = propose_schedule(year=2026, entries=[ScheduleEntry(date(2026, 10, 1), "holiday", "国庆节")],
                               organisation=orgs["hd"], by=system("test"))
    open_deadline(rule=clocks.clock("dispute.acceptance"), subject=subject, organisation=orgs["hd_ent"],
                  starts_on=timezone.localdate() - timedelta(days=30), assignee=people["mediator"])
    first = check_deadlines_task.delay().get()
    assert first["breached"] == 1
    assert check_deadlines_task.delay().get() == {"warned": 0, "breached": 0}
