from celery import shared_task
from django.utils import timezone

from cases.models import AuditEvent
from cases.platform.audit.journal import subject_of
from notifications.kinds.registry import RESOLVERS

from .delivery import deliver, due_delivery_ids
from .services import notify, notify_parties


@shared_task(name="notifications.tasks.notify_transition", bind=True, acks_late=True,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def notify_transition_task(self, *, kind: str, transition_event_id: int) -> int:
    """Tell the people a transition concerns: staff in-app (and their chosen channels), parties
    by SMS and email. Idempotent per (event, kind, recipient, channel)."""
    event = AuditEvent.objects.get(pk=transition_event_id)
    notice = RESOLVERS[kind](event, subject_of(event))
    event_key = f"audit:{event.pk}:{kind}"
    sent = notify(
        recipients=notice.recipients, kind=kind, context=notice.context, link=notice.link, event_key=event_key,
    )
    if notice.parties:
        sent += notify_parties(
            contacts=notice.parties, kind=kind, context=notice.context, link=notice.party_link, event_key=event_key,
            legal_notice=notice.legal_notice,
        )
    return len(sent)


@shared_task(name="notifications.tasks.deliver", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=None, ignore_result=True)
def deliver_task(self, delivery_id: int):
    """Send one delivery (notifications/delivery.py explains why at most one send is recorded
    per delivery, and how a send repeated after a crash is dropped by the receiver).

    A retryable failure is retried with exponential backoff (the countdown is also recorded as
    the row's next_attempt_at, which the beat sweep honours if the retry message is lost) until
    UNIONCASE["NOTIFICATION_MAX_ATTEMPTS"] attempts, counted on the row, not by Celery."""
    outcome = deliver(delivery_id)
    if outcome.retry_in is None:
        return outcome.status
    if self.request.is_eager:
        # No broker to wait on (the embedded default, tests): Celery runs a returned Retry inline
        # at once, whereas a raised one would propagate out of the caller's on_commit.
        return self.retry(countdown=outcome.retry_in, throw=False)
    raise self.retry(countdown=outcome.retry_in)


@shared_task(name="notifications.tasks.send_due_deliveries", ignore_result=True)
def send_due_deliveries_task() -> int:
    """Beat: queue the deliveries that are due (quiet hours over, or an overdue retry)."""
    ids = due_delivery_ids(timezone.now())
    for delivery_id in ids:
        deliver_task.delay(delivery_id)
    return len(ids)


@shared_task(name="notifications.tasks.send_session_reminders", ignore_result=True)
def send_session_reminders_task() -> int:
    """Beat: remind the parties and the mediator of tomorrow's mediation sessions (once each)."""
    from .reminders import send_session_reminders

    return send_session_reminders()


@shared_task(name="notifications.tasks.send_daily_digests", ignore_result=True)
def send_daily_digests_task() -> int:
    """Beat, 08:00 local time: each mediator's deadlines for the next three working days."""
    from .reminders import send_daily_digests

    return send_daily_digests()
