"""SMS gateway backends. One interface: `send(phone=, text=, idempotency_key=) -> provider ref`.

The key is the delivery's idempotency key, so a resend of the same delivery (a task redelivered
after a worker died between the send and the commit) is recognised by the receiving end:
the recording backend keeps one SmsRecord per key, and the HTTP backend passes it as the
`Idempotency-Key` header for the provider to drop duplicates.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .errors import PermanentDeliveryError, RetryableDeliveryError
from .models import SmsRecord

SIGNATURE_HEADER = "X-Unioncase-Signature"
TIMESTAMP_HEADER = "X-Unioncase-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Client errors that are about the moment, not the message.
RETRYABLE_CLIENT_STATUSES = {408, 425, 429}


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, idempotency_key: str) -> str: ...


class RecordingSmsBackend:
    """Sends nothing: records what would be sent, once per delivery key."""

    def send(self, *, phone: str, text: str, idempotency_key: str) -> str:
        record, _created = SmsRecord.objects.get_or_create(
            idempotency_key=idempotency_key, defaults={"phone": phone, "text": text},
        )
        return f"sms-record:{record.pk}"


def sign(key: bytes, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over `timestamp.body`, hex: the provider recomputes it with the shared key
    and rejects a request whose signature differs or whose timestamp is stale."""
    return hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


class HttpSmsBackend:
    """POSTs `{"to", "text", "id"}` as JSON to the provider's URL, signed with the shared key.

    5xx, 408/425/429, timeouts and connection failures raise RetryableDeliveryError; any other
    4xx raises PermanentDeliveryError. A 2xx answer's JSON `id`, if any, is the provider ref."""

    def __init__(self, url: str | None = None, key: str | None = None, timeout: float | None = None):
        config = settings.UNIONCASE
        self.url = url if url is not None else config["SMS_GATEWAY_URL"]
        key = key if key is not None else config["SMS_GATEWAY_KEY"]
        self.timeout = timeout if timeout is not None else config["SMS_GATEWAY_TIMEOUT"]
        if not self.url or not key:
            raise ImproperlyConfigured("HttpSmsBackend needs SMS_GATEWAY_URL and SMS_GATEWAY_KEY")
        self.key = key.encode("utf-8")

    def send(self, *, phone: str, text: str, idempotency_key: str) -> str:
        body = json.dumps({"to": phone, "text": text, "id": idempotency_key}, ensure_ascii=False).encode("utf-8")
        timestamp = str(int(time.time()))
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: f"sha256={sign(self.key, timestamp, body)}",
            IDEMPOTENCY_HEADER: idempotency_key,
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (URL from settings)
                answer = response.read()
        except urllib.error.HTTPError as error:
            detail = f"HTTP {error.code}: {error.read()[:200].decode('utf-8', 'replace')}"
            if error.code >= 500 or error.code in RETRYABLE_CLIENT_STATUSES:
                raise RetryableDeliveryError(detail) from error
            raise PermanentDeliveryError(detail) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise RetryableDeliveryError(f"{type(error).__name__}: {error}") from error
        try:
            return str(json.loads(answer).get("id", ""))[:200]
        except (ValueError, AttributeError):
            return ""


def sms_backend() -> SmsBackend:
    return import_string(settings.UNIONCASE["SMS_BACKEND"])()
