"""The HTTP SMS gateway backend against a real local HTTP server (tests/sms_gateway_server.py)
that checks the HMAC-SHA256 signature the way a provider would."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.delivery import deliver
from notifications.errors import PermanentDeliveryError, RetryableDeliveryError
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.services import PartyContact, notify_parties
from notifications.sms import HttpSmsBackend
from tests.sms_gateway_server import KEY


@pytest.fixture
def via_gateway(settings, gateway):
    settings.UNIONCASE = {
        **settings.UNIONCASE, "SMS_BACKEND": "notifications.sms.HttpSmsBackend", "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_KEY": KEY, "SMS_GATEWAY_TIMEOUT": 5.0, "SMS_QUIET_HOURS": "00:00-00:00",  # no quiet hours
        "NOTIFICATION_CHANNELS": ["in_app", "sms"],
    }
    return gateway


def test_a_signed_request_carries_the_message_and_the_delivery_key(gateway):
    backend = HttpSmsBackend(url=gateway.url, key=KEY, timeout=5)

    assert backend.send(phone="13800138000", text="受理通知", idempotency_key="case:1:sms:13800138000") == "gw-1"

    [request] = gateway.received
    assert request["signed"]
    assert request["key"] == "case:1:sms:13800138000"
    assert request["json"] == {"to": "13800138000", "text": "受理通知", "id": "case:1:sms:13800138000"}


def test_a_request_signed_with_another_key_is_refused_for_good(gateway):
    backend = HttpSmsBackend(url=gateway.url, key="not-the-key", timeout=5)

    with pytest.raises(PermanentDeliveryError, match="HTTP 401"):
        backend.send(phone="13800138000", text="受理通知", idempotency_key="k")
    assert [r["signed"] for r in gateway.received] == [False]


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_throttling_are_retryable(gateway, status):
    gateway.statuses = [status]
    with pytest.raises(RetryableDeliveryError, match=f"HTTP {status}"):
        HttpSmsBackend(url=gateway.url, key=KEY, timeout=5).send(phone="1", text="t", idempotency_key="k")


def test_a_gateway_slower_than_the_timeout_is_retryable(gateway):
    gateway.slow_seconds = 1.0
    with pytest.raises(RetryableDeliveryError):
        HttpSmsBackend(url=gateway.url, key=KEY, timeout=0.2).send(phone="1", text="t", idempotency_key="k")


def test_an_unreachable_gateway_is_retryable(gateway):
    url = gateway.url
    gateway.shutdown()
    gateway.server_close()
    with pytest.raises(RetryableDeliveryError):
        HttpSmsBackend(url=url, key=KEY, timeout=2).send(phone="1", text="t", idempotency_key="k")


def party_sms(event_key="case:1:accepted"):
    return {"contacts": [PartyContact(name="张三", phone="13800138000")], "kind": "fixture_notice",
            "context": {"subject": "（2026）调字第1号"}, "event_key": event_key, "legal_notice": True}


@pytest.mark.django_db
def test_a_500_is_retried_with_backoff_then_sent(via_gateway, django_capture_on_commit_callbacks):
    via_gateway.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the retry runs inline
        notify_parties(**party_sms())

    sms = Delivery.objects.get(channel=Channel.SMS)
    assert (sms.status, sms.attempts, sms.provider_ref) == (DeliveryStatus.SENT, 2, "gw-2")
    assert "HTTP 500" in sms.last_error
    assert [r["key"] for r in via_gateway.received] == [sms.idempotency_key] * 2


@pytest.mark.django_db
def test_a_failed_attempt_schedules_the_next_with_exponential_backoff(via_gateway, django_capture_on_commit_callbacks):
    via_gateway.statuses = [500, 502]
    with django_capture_on_commit_callbacks(execute=False):
        [sms] = notify_parties(**party_sms())

    for attempt, seconds in ((1, 30), (2, 60)):
        before = timezone.now()
        outcome = deliver(sms.pk)
        after = timezone.now()
        sms.refresh_from_db()
        assert (outcome.status, outcome.retry_in, sms.attempts) == (DeliveryStatus.RETRYING, seconds, attempt)
        assert before + timedelta(seconds=seconds) <= sms.next_attempt_at <= after + timedelta(seconds=seconds)

    assert deliver(sms.pk).status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_a_400_fails_at_once_without_retrying(via_gateway, django_capture_on_commit_callbacks):
    via_gateway.statuses = [400]
    with django_capture_on_commit_callbacks(execute=True):
        notify_parties(**party_sms())

    sms = Delivery.objects.get(channel=Channel.SMS)
    assert (sms.status, sms.attempts, sms.next_attempt_at) == (DeliveryStatus.FAILED, 1, None)
    assert "HTTP 400" in sms.last_error
    assert len(via_gateway.received) == 1


@pytest.mark.django_db
def test_retries_stop_at_the_attempt_limit(via_gateway, settings, django_capture_on_commit_callbacks):
    settings.UNIONCASE = {**settings.UNIONCASE, "NOTIFICATION_MAX_ATTEMPTS": 3}
    via_gateway.statuses = [500] * 5
    with django_capture_on_commit_callbacks(execute=True):
        notify_parties(**party_sms())

    sms = Delivery.objects.get(channel=Channel.SMS)
    assert (sms.status, sms.attempts) == (DeliveryStatus.FAILED, 3)
    assert len(via_gateway.received) == 3
