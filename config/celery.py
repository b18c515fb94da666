"""Celery application and the beat schedule.

Without CELERY_BROKER_URL the settings make every task eager, so the embedded default
needs no broker; `make run` (config/embedded.py) runs this schedule with a worker and beat
on a filesystem broker in var/celery/. With a broker, run `make worker` and `make beat`.
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
    # CELERY_TIMEZONE is Asia/Shanghai: these run at local time. Both are idempotent, so a
    # beat restarted around the hour (or run twice) sends nothing twice.
    "send-session-reminders": {"task": "notifications.tasks.send_session_reminders",
                               "schedule": crontab(hour="9,18", minute=0)},
    "send-daily-digests": {"task": "notifications.tasks.send_daily_digests", "schedule": crontab(hour=8, minute=0)},
    # The audit chain head, copied outside the database (AUDIT_ANCHOR_PATH); nothing when nothing was appended.
    "anchor-audit-chain": {"task": "cases.tasks.anchor_audit_chain", "schedule": crontab(minute="*/5")},
    # The system clients' expired OAuth2 tokens, removed at a quiet hour (oauth2_provider's cleartokens).
    "clear-expired-tokens": {"task": "api.tasks.clear_expired_tokens", "schedule": crontab(hour=3, minute=30)},
}
