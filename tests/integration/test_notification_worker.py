"""Exactly-once delivery with real Celery workers on the suite's broker (Redis, then RabbitMQ).

A worker is killed with SIGKILL while the SMS provider holds its request (the provider has taken
the message, our commit has not happened), then a new worker starts. The broker redelivers the
unacknowledged task, the delivery row is still pending (the killed transaction was rolled back),
the message is sent again with the same idempotency key, and the provider delivers it no second
time. A provider error on another message is retried through the broker with backoff. The
delivery log and the provider's own record show each message delivered exactly once.

Two workers sending the same delivery at once: the second waits on the delivery's row lock
while the first is at the provider, then finds it sent: one send, one provider request.
"""

import json
import os
import signal
import uuid

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Channel, Delivery, DeliveryStatus, address_key
from notifications.services import PartyContact, notify_parties
from notifications.tasks import deliver_task
from tests.integration.celery_worker import (
    skip_on_sqlite,
    start_worker,
    stop_worker,
    tasks_sent_to_a_fresh_queue,
    wait_for,
)
from tests.sms_gateway_server import KEY

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

PHONES = ["13800138001", "13800138002", "13800138003", "13800138004"]
# On Redis an unacknowledged message comes back after the visibility timeout (an hour by
# default); the test shortens it and the restore sweep. RabbitMQ redelivers when the
# connection drops and needs neither.
FAST_REDIS_RESTORE = {"visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}


def worker_environment(gateway) -> dict:
    env = {
        "SMS_BACKEND": "notifications.sms.HttpSmsBackend", "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_KEY": KEY, "SMS_GATEWAY_TIMEOUT": "60", "SMS_QUIET_HOURS": "00:00-00:00",
        "NOTIFICATION_RETRY_BASE_SECONDS": "1",
    }
    if settings.CELERY_BROKER_URL.startswith("redis"):
        env["CELERY_BROKER_TRANSPORT_OPTIONS"] = json.dumps(FAST_REDIS_RESTORE)
    return env


def sms_key(event_key: str, phone: str) -> str:
    """A party's delivery key: it ends with the blind index of the phone, never the phone."""
    return f"{event_key}:{Channel.SMS.value}:{address_key(phone)}"


def test_a_worker_killed_mid_send_and_restarted_delivers_each_message_exactly_once(gateway, tmp_path):
    skip_on_sqlite()
    event_key = f"worker-kill:{uuid.uuid4().hex[:8]}"
    held, flaky = sms_key(event_key, PHONES[0]), sms_key(event_key, PHONES[2])
    arrived, release = gateway.hold_next()
    gateway.statuses_by_key[flaky] = [503]
    env = worker_environment(gateway)

    with tasks_sent_to_a_fresh_queue() as queue:
        first = start_worker(queue=queue, media_root=str(tmp_path), env=env)
        try:
            notify_parties(
                contacts=[PartyContact(name=f"当事人{n}", phone=phone) for n, phone in enumerate(PHONES, 1)],
                kind="fixture_notice", context={"subject": "（2026）调字第1号"}, event_key=event_key,
                legal_notice=True,
            )
            assert arrived.wait(timeout=90), f"the worker never reached the provider:\n{stop_worker(first)}"
            os.kill(first.pid, signal.SIGKILL)  # mid-send: the provider has the message, we have no answer
            first.wait(timeout=20)
        finally:
            release.set()
        assert first.returncode == -signal.SIGKILL
        print(stop_worker(first))

        killed = Delivery.objects.get(idempotency_key=held)
        assert (killed.status, killed.attempts) == (DeliveryStatus.QUEUED, 0), "the killed attempt was not rolled back"
        assert list(gateway.delivered) == [held]

        second = start_worker(queue=queue, media_root=str(tmp_path), env=env)
        try:
            deliveries = Delivery.objects.filter(event_key=event_key)
            assert wait_for(lambda: set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT},
                            seconds=120), f"not all sent: {list(deliveries.values_list('idempotency_key', 'status'))}"
            assert second.poll() is None, "the restarted worker died"
        finally:
            print(stop_worker(second))

    log = {d.idempotency_key: d for d in Delivery.objects.filter(event_key=event_key)}
    keys = [sms_key(event_key, phone) for phone in PHONES]
    assert sorted(log) == sorted(keys), "one delivery row per (event, recipient, channel)"
    # The provider delivered each message once, with the text the log holds …
    assert sorted(gateway.delivered) == sorted(keys)
    assert all(gateway.delivered[key]["to"] == log[key].address for key in keys)
    # … although the killed send reached it twice: the repeat carried the same key and was dropped.
    requests = [request["key"] for request in gateway.received]
    assert {key: requests.count(key) for key in keys} == {
        keys[0]: 2, keys[1]: 1, keys[2]: 2, keys[3]: 1}
    assert gateway.repeats == [held]
    assert log[held].attempts == 1 and log[held].provider_ref == gateway.provider_ids[held]
    # The 503 was retried through the broker after the backoff, and counted as an attempt.
    assert log[flaky].attempts == 2 and "HTTP 503" in log[flaky].last_error
    assert all(log[key].attempts == 1 for key in (keys[1], keys[3]))


def waiting_on_a_row_lock() -> int:
    """Sessions of this test's database blocked on a lock held by another (a worker's row lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def test_guarantee_two_workers_sending_the_same_delivery_at_once_make_one_provider_request(gateway, tmp_path):
    """The first worker is held by the provider mid-send; the second takes a task for the same
    delivery then. It must wait on the delivery's row lock, and find the message sent."""
    skip_on_sqlite()
    event_key = f"two-workers:{uuid.uuid4().hex[:8]}"
    key = sms_key(event_key, PHONES[0])
    arrived, release = gateway.hold_next()
    env = worker_environment(gateway)

    with tasks_sent_to_a_fresh_queue() as queue:
        first = start_worker(queue=queue, media_root=str(tmp_path), env=env, name=f"first-{queue}")
        second = None
        try:
            [delivery] = notify_parties(
                contacts=[PartyContact(name="当事人1", phone=PHONES[0])], kind="fixture_notice",
                context={"subject": "（2026）调字第2号"}, event_key=event_key, legal_notice=True,
            )
            assert arrived.wait(timeout=90), f"the first worker never reached the provider:\n{stop_worker(first)}"
            # The solo first worker is busy inside the send: only the second can take this task.
            second = start_worker(queue=queue, media_root=str(tmp_path), env=env, name=f"second-{queue}")
            deliver_task.delay(delivery.pk)
            # Within the send's timeout (SMS_GATEWAY_TIMEOUT, 60 s), after which the first worker gives up.
            assert wait_for(lambda: waiting_on_a_row_lock() or len(gateway.received) > 1, seconds=45), (
                f"the second worker never took the task:\n{stop_worker(second)}")
        finally:
            release.set()
        try:
            assert wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
                            and not waiting_on_a_row_lock(), seconds=90)
        finally:
            print(stop_worker(first))
            if second is not None:
                print(stop_worker(second))

    delivery.refresh_from_db()
    assert [request["key"] for request in gateway.received] == [key], "one provider request"
    assert gateway.repeats == [] and list(gateway.delivered) == [key]
    assert (delivery.status, delivery.attempts, delivery.provider_ref) == (DeliveryStatus.SENT, 1, "gw-1")
