"""Sending one delivery, exactly once as far as the channel allows, and finding the due ones.

Exactly once. `deliver()` locks the delivery row (SELECT … FOR UPDATE), returns at once unless
the row is still pending (queued, retrying, deferred), sends through the channel while holding
the lock, and records the outcome (sent, retrying, failed) in the same transaction. So:

* a repeated or redelivered task for a delivery already sent finds it `sent` and does nothing;
* two workers holding the same delivery queue on the row lock; the second finds it `sent`;
* the remaining window is a crash (SIGKILL, power loss) after the provider accepted the message
  and before our commit. The row is then still pending and the task, acknowledged late and
  rejected on worker loss (CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST), is
  redelivered and sends again. No database commit can close that window against an external
  system, so the duplicate is stopped at the receiving end: every send carries the delivery's
  idempotency key — the recording SMS backend keeps one SmsRecord per key, the HTTP gateway
  sends it as the `Idempotency-Key` header for the provider to drop repeats, and email carries
  a Message-ID derived from it. In-app messages are rows in the same transaction, so exactly once.
  Delivery is therefore at-least-once on our side and exactly-once where the receiver honours
  the key; the attempt that died is not counted in `attempts` (its increment was rolled back).

Sending under the row lock keeps a concurrent duplicate out; the lock is held for at most the
gateway timeout (SMS_GATEWAY_TIMEOUT).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .channels import channel
from .errors import PermanentDeliveryError, RetryableDeliveryError
from .models import Channel, Delivery, DeliveryStatus

BACKOFF_CAP_SECONDS = 3600
# A retry or a first send this late lost its Celery message (broker restart, enqueue after a
# failed commit hook); the beat sweep sends it.
OVERDUE_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: int | None = None  # seconds until the next attempt, when one is due


def backoff_seconds(attempts: int) -> int:
    """NOTIFICATION_RETRY_BASE_SECONDS (30 s) after the first failed attempt, doubling, at most an hour."""
    base = settings.UNIONCASE["NOTIFICATION_RETRY_BASE_SECONDS"]
    return min(base * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)


def quiet_hours() -> tuple[time, time]:
    start, _dash, end = settings.UNIONCASE["SMS_QUIET_HOURS"].partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def quiet_until(moment: datetime) -> datetime | None:
    """When the SMS quiet hours around `moment` (local time) end; None outside them."""
    start, end = quiet_hours()
    if start == end:
        return None
    local = timezone.localtime(moment)
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends if ends > local else ends + timedelta(days=1)


def deliver(delivery_id: int) -> Outcome:
    """Send one pending delivery and record what happened (see the module docstring)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status not in Delivery.PENDING:
            return Outcome(delivery.status)
        now = timezone.now()
        if delivery.channel == Channel.SMS and (ends := quiet_until(now)):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.DEFERRED, ends
            delivery.save(update_fields=["status", "next_attempt_at"])
            return Outcome(delivery.status)
        delivery.attempts += 1
        retry_in = None
        try:
            delivery.provider_ref = channel(delivery.channel).send(delivery)
        except RetryableDeliveryError as error:
            delivery.last_error = str(error)
            if delivery.attempts >= settings.UNIONCASE["NOTIFICATION_MAX_ATTEMPTS"]:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            else:
                retry_in = backoff_seconds(delivery.attempts)
                delivery.status = DeliveryStatus.RETRYING
                delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        except PermanentDeliveryError as error:
            delivery.status, delivery.next_attempt_at, delivery.last_error = DeliveryStatus.FAILED, None, str(error)
        else:
            delivery.status, delivery.sent_at, delivery.next_attempt_at = DeliveryStatus.SENT, now, None
        delivery.save()
        return Outcome(delivery.status, retry_in)


def record_delivery(idempotency_key: str, **fields) -> tuple[Delivery | None, bool]:
    """The delivery for this key, made if new. (None, False) when a concurrent caller is making
    it: that caller sends it."""
    try:
        with transaction.atomic():
            return Delivery.objects.get_or_create(idempotency_key=idempotency_key, defaults=fields)
    except IntegrityError:
        return None, False


def enqueue(delivery: Delivery) -> None:
    """Send it on Celery once the transaction that made it commits (the worker must see the row)."""
    from .tasks import deliver_task

    transaction.on_commit(partial(deliver_task.delay, delivery.pk))


def due_delivery_ids(now: datetime) -> list[int]:
    """Deferred deliveries whose quiet hours are over, and retries or first sends whose Celery
    message is overdue."""
    overdue = now - OVERDUE_AFTER
    due = Delivery.objects.filter(
        Q(status=DeliveryStatus.DEFERRED, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=overdue)
        | Q(status=DeliveryStatus.QUEUED, created_at__lte=overdue)
    )
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:SWEEP_BATCH])
