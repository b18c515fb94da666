"""Sending in-app notifications. One template per kind: templates/notifications/<kind>.txt,
whose first line is the title and the rest the body. Idempotent per (event, recipient)."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .models import Notification

IN_APP = "in_app"


def render_message(kind: str, context: dict) -> tuple[str, str]:
    text = render_to_string(f"notifications/{kind}.txt", context).strip()
    title, _newline, body = text.partition("\n")
    return title.strip(), body.strip()


def notify(*, recipients: Iterable, kind: str, context: dict, event_key: str, link: str = "") -> list[Notification]:
    """Create one in-app notification per recipient; a repeat with the same key adds none."""
    title, body = render_message(kind, context)
    sent = []
    for recipient in {user.pk: user for user in recipients if getattr(user, "pk", None)}.values():
        key = f"{event_key}:{recipient.pk}:{IN_APP}"
        try:
            with transaction.atomic():
                notification, created = Notification.objects.get_or_create(
                    idempotency_key=key,
                    defaults={"recipient": recipient, "kind": kind, "title": title, "body": body, "link": link},
                )
        except IntegrityError:  # a concurrent delivery of the same event won the race
            continue
        if created:
            sent.append(notification)
    return sent
