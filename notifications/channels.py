"""The channels a delivery goes out on, behind one interface: `send(delivery) -> provider ref`,
raising RetryableDeliveryError or PermanentDeliveryError when it did not go out.

Which channels are on is UNIONCASE["NOTIFICATION_CHANNELS"]; email uses Django's EMAIL_BACKEND
(console by default, SMTP by settings); SMS uses UNIONCASE["SMS_BACKEND"] (notifications/sms.py).
"""

import hashlib
import smtplib
from email.utils import formataddr
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage

from .errors import PermanentDeliveryError, RetryableDeliveryError
from .models import Channel, Delivery, Notification
from .sms import sms_backend


class DeliveryChannel(Protocol):
    def send(self, delivery: Delivery) -> str: ...


def absolute_link(link: str) -> str:
    if not link or "://" in link:
        return link
    return settings.UNIONCASE["SITE_URL"].rstrip("/") + "/" + link.lstrip("/")


def plain_text(delivery: Delivery) -> str:
    parts = [delivery.body, absolute_link(delivery.link)]
    return "\n\n".join(part for part in parts if part)


class InAppChannel:
    """The in-app message is the Notification row, keyed like its delivery."""

    def send(self, delivery: Delivery) -> str:
        notification, _created = Notification.objects.get_or_create(
            idempotency_key=delivery.idempotency_key,
            defaults={"recipient": delivery.recipient_user, "kind": delivery.kind, "title": delivery.title,
                      "body": delivery.body, "link": delivery.link},
        )
        delivery.notification = notification
        return f"notification:{notification.pk}"


class EmailChannel:
    def send(self, delivery: Delivery) -> str:
        # The same delivery always carries the same Message-ID, so a resend after a crash
        # between the SMTP hand-off and our commit is recognisable as a duplicate downstream.
        message_id = f"<{hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:40]}@unioncase>"
        message = EmailMessage(
            subject=delivery.title, body=plain_text(delivery),
            to=[formataddr((delivery.recipient_name, delivery.address))],
            headers={"Message-ID": message_id, "X-Unioncase-Delivery": delivery.idempotency_key},
        )
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as error:
            # The reply codes only: the replies name the address, which is encrypted at rest.
            codes = ", ".join(str(code) for code, _reply in error.recipients.values())
            raise PermanentDeliveryError(f"recipient refused: SMTP {codes}") from error
        except smtplib.SMTPResponseException as error:
            detail = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
            if 500 <= error.smtp_code < 600:
                raise PermanentDeliveryError(detail) from error
            raise RetryableDeliveryError(detail) from error
        except OSError as error:  # refused, reset, timed out, server disconnected
            raise RetryableDeliveryError(f"{type(error).__name__}: {error}") from error
        return message_id


class SmsChannel:
    def send(self, delivery: Delivery) -> str:
        text = "\n".join(part for part in (delivery.title, plain_text(delivery)) if part)
        return sms_backend().send(phone=delivery.address, text=text, idempotency_key=delivery.idempotency_key)


CHANNELS: dict[str, type] = {Channel.IN_APP: InAppChannel, Channel.EMAIL: EmailChannel, Channel.SMS: SmsChannel}


def enabled_channels() -> set[str]:
    """The configured channels; in-app is always on."""
    return (set(settings.UNIONCASE["NOTIFICATION_CHANNELS"]) & set(CHANNELS)) | {Channel.IN_APP.value}


def channel(name: str) -> DeliveryChannel:
    return CHANNELS[name]()
