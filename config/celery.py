"""Celery application and the beat schedule.

Without CELERY_BROKER_URL the settings make every task eager, so the embedded default
needs no broker. With one, run `make worker` and `make beat`.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("unioncase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

EVERY_MINUTE = crontab()

app.conf.beat_schedule = {
    "fire-workflow-timers": {"task": "cases.tasks.fire_workflow_timers", "schedule": EVERY_MINUTE},
    "check-deadlines": {"task": "cases.tasks.check_deadlines", "schedule": EVERY_MINUTE},
    # Deferred SMS once quiet hours end, and retries whose Celery message went missing.
    "send-due-deliveries": {"task": "notifications.tasks.send_due_deliveries", "schedule": EVERY_MINUTE},
}
