"""A real Celery worker process receives the door's on-commit tasks through the broker."""

import os
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from cases.models import Document, HolidaySchedule
from cases.services.actors import system
from cases.services.holiday_schedules import ScheduleEntry, propose_schedule
from cases.services.transitions import apply
from config.celery import app
from notifications.models import Notification

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_this_test() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def worker(settings, tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("the worker process cannot see SQLite's in-memory test database; run on PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.MEDIA_ROOT = str(tmp_path)
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    env = {
        **os.environ, "DATABASE_URL": database_url_of_this_test(), "MEDIA_ROOT": str(tmp_path),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-mingle", "--without-gossip", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    app.conf.task_default_queue = previous_queue
    print(output[-4000:])


def wait_for(condition, *, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_approval_documents_and_notifications_are_made_by_a_real_worker(orgs, people, worker):
    schedule = propose_schedule(year=2027, entries=[ScheduleEntry(date(2027, 1, 1), "holiday", "元旦")],
                                organisation=orgs["bj"], by=people["admin"])
    outcome = apply(HolidaySchedule.objects.get(pk=schedule.pk), "approve", by=people["admin2"])

    assert wait_for(lambda: Document.objects.filter(transition_event=outcome.event).exists()), \
        "the worker did not issue the decision document"
    assert wait_for(lambda: Notification.objects.filter(recipient=people["admin"]).exists())
    assert worker.poll() is None, "the worker died"
    document = Document.objects.get(transition_event=outcome.event)
    assert document.kind == "holiday_schedule_decision"
    assert Document.objects.filter(transition_event=outcome.event).count() == 1


def test_redelivered_document_task_makes_no_second_document(orgs, people, worker):
    from cases.tasks.documents import issue_document_task

    first = propose_schedule(year=2027, entries=[ScheduleEntry(date(2027, 1, 1), "holiday", "元旦")],
                             organisation=orgs["bj"], by=system("test"))
    outcome = apply(HolidaySchedule.objects.get(pk=first.pk), "approve", by=people["admin2"])
    assert wait_for(lambda: Document.objects.filter(transition_event=outcome.event).exists())

    for _ in range(2):  # what a broker redelivering the message would do
        issue_document_task.delay(kind="holiday_schedule_decision", transition_event_id=outcome.event.pk, by="system:test")
    # The single solo worker takes its queue in order: once a later approval's notice has
    # arrived, the redelivered tasks before it have run.
    sentinel = propose_schedule(year=2028, entries=[ScheduleEntry(date(2028, 1, 1), "holiday", "元旦")],
                                organisation=orgs["bj"], by=people["admin"])
    apply(HolidaySchedule.objects.get(pk=sentinel.pk), "reject", by=people["admin2"], reason="日期待核")
    assert wait_for(lambda: Notification.objects.filter(recipient=people["admin"], title__contains="2028").exists())

    assert Document.objects.filter(transition_event=outcome.event).count() == 1
