"""A real Celery worker process receives the door's on-commit tasks through the broker."""

from datetime import date

import pytest

from cases.models import Document, HolidaySchedule
from cases.models.actors import system
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.platform.transitions import apply
from notifications.models import Notification
from tests.integration.celery_worker import (
    skip_on_sqlite,
    start_worker,
    stop_worker,
    tasks_sent_to_a_fresh_queue,
    wait_for,
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings, tmp_path):
    skip_on_sqlite()
    settings.MEDIA_ROOT = str(tmp_path)
    with tasks_sent_to_a_fresh_queue() as queue:
        process = start_worker(queue=queue, media_root=str(tmp_path))
        yield process
    print(stop_worker(process))


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
