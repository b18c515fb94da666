from celery import shared_task

from cases.models import AuditEvent
from cases.services.audit import subject_of

from .kinds import RESOLVERS
from .services import notify


@shared_task(name="notifications.tasks.notify_transition", bind=True, acks_late=True,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def notify_transition_task(self, *, kind: str, transition_event_id: int) -> int:
    """Tell the people a transition concerns. Idempotent per (event, kind, recipient)."""
    event = AuditEvent.objects.get(pk=transition_event_id)
    notice = RESOLVERS[kind](event, subject_of(event))
    sent = notify(
        recipients=notice.recipients, kind=kind, context=notice.context, link=notice.link,
        event_key=f"audit:{event.pk}:{kind}",
    )
    return len(sent)
