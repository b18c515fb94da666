"""Sending notifications. One template per kind: templates/notifications/<kind>.txt, whose
first line is the title and the rest the body.

Staff (`notify`) get the in-app message, always, plus the channels they chose for the kind
(NotificationPreference; email and SMS are opt-in, SMS going to the number they gave on 通知设置). Parties (`notify_parties`) get SMS and email at their
recorded contacts, unless the address opted out — except legal notices, which always go out.
Every (event, recipient, channel) is one Delivery row keyed by its idempotency key, so a
repeated event sends nothing new; in-app messages are made in the caller's transaction, the
other channels are sent on Celery after it commits (notifications/delivery.py)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from cases.selectors import person_name

from .channels import enabled_channels
from .delivery import deliver, enqueue, record_delivery
from .models import Channel, ContactOptOut, Delivery, DeliveryStatus, Notification, NotificationPreference, address_key
from .preferences import staff_mobile

IN_APP = Channel.IN_APP.value


@dataclass(frozen=True)
class PartyContact:
    """A worker's or employer's recorded contact: the name to address, a mobile, an email."""

    name: str
    phone: str = ""
    email: str = ""


def render_message(kind: str, context: dict) -> tuple[str, str]:
    """(title, body) in the active language (a test or a preview may choose English).

    Plain text, as SMS and email carry it: rendered without HTML escaping, so a name like
    “A&B<公司>” is stored as typed; the pages that show a message escape it there."""
    template = get_template(f"notifications/{kind}.txt")
    text = template.template.render(Context(context, autoescape=False)).strip()
    title, _newline, body = text.partition("\n")
    return title.strip(), body.strip()


def chosen_channels(user, kind: str) -> set[str]:
    """The channels besides in-app this user chose for this kind."""
    chosen = NotificationPreference.objects.filter(user=user, kind=kind, enabled=True)
    return set(chosen.values_list("channel", flat=True)) & enabled_channels()


def message_in_site_language(kind: str, context: dict) -> tuple[str, str]:
    """A message that is sent: in the site's language (Chinese first), never in whatever
    language the request or task that caused it happened to have active."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_message(kind, context)


def staff_address(user, channel_name: str) -> tuple[str, str]:
    """(address, why there is none) for a staff member on email or SMS."""
    if channel_name == Channel.SMS:
        return staff_mobile(user), "无手机号码 (no mobile number on record)"
    return user.email.strip(), "无电子邮箱 (no email address on record)"


def notify(*, recipients: Iterable, kind: str, context: dict, event_key: str, link: str = "") -> list[Notification]:
    """Tell staff: one in-app notification per recipient, plus their chosen channels. A repeat
    with the same event key sends nothing. Returns the in-app notifications made now."""
    title, body = message_in_site_language(kind, context)
    message = {"event_key": event_key, "kind": kind, "title": title, "body": body, "link": link}
    made = []
    for user in {user.pk: user for user in recipients if getattr(user, "pk", None)}.values():
        name = person_name(user)
        key = f"{event_key}:{user.pk}:{IN_APP}"
        delivery, created = record_delivery(key, channel=IN_APP, recipient_user=user, recipient_name=name, **message)
        if created:
            deliver(delivery.pk)
            made.append(Notification.objects.get(idempotency_key=key))
        for channel_name in sorted(chosen_channels(user, kind)):
            address, missing = staff_address(user, channel_name)
            fields = {"channel": channel_name, "recipient_user": user, "recipient_name": name, "address": address}
            if not address:
                fields |= {"status": DeliveryStatus.SUPPRESSED, "last_error": missing}
            delivery, created = record_delivery(f"{event_key}:{user.pk}:{channel_name}", **fields, **message)
            if created and delivery.status == DeliveryStatus.QUEUED:
                enqueue(delivery)
    return made


def public_url(path: str) -> str:
    """`path` (a page under /public/) on UNIONCASE["PUBLIC_BASE_URL"]."""
    base = settings.UNIONCASE.get("PUBLIC_BASE_URL") or settings.UNIONCASE["SITE_URL"]
    return base.rstrip("/") + "/" + path.lstrip("/")


def party_link(link: str) -> str:
    """What a party's message may link to: a page of the workers' own under /public/, made
    absolute on PUBLIC_BASE_URL. Anything else (a staff page) is left out: parties have no login."""
    if not link:
        return ""
    public_root = public_url("/public/")
    if link.startswith(public_root):
        return link
    if link.startswith("/public/"):
        return public_url(link)
    return ""


def party_addresses(contact: PartyContact) -> list[tuple[str, str]]:
    phone = "".join(ch for ch in contact.phone if ch.isdigit() or ch == "+")
    return [(Channel.SMS.value, phone), (Channel.EMAIL.value, contact.email.strip().lower())]


def notify_parties(
    *, contacts: Iterable[PartyContact], kind: str, context: dict, event_key: str, link: str = "",
    legal_notice: bool = False,
) -> list[Delivery]:
    """Tell parties by SMS and email at their recorded contacts; the template also sees
    `recipient_name`. `link` must be a public page (party_link): a staff page is left out. An opted-out address is logged as suppressed, unless this is a legal
    notice, which always goes out (still within SMS quiet hours). Returns the new deliveries."""
    channels = enabled_channels()
    link = party_link(link)
    made = []
    for contact in contacts:
        title, body = message_in_site_language(kind, {**context, "recipient_name": contact.name})
        for channel_name, address in party_addresses(contact):
            if not address or channel_name not in channels:
                continue
            fields = {"event_key": event_key, "kind": kind, "title": title, "body": body, "link": link,
                      "channel": channel_name, "recipient_name": contact.name, "address": address,
                      "legal_notice": legal_notice}
            if not legal_notice and ContactOptOut.objects.for_address(address, channel_name).exists():
                fields |= {"status": DeliveryStatus.SUPPRESSED, "last_error": "已退订 (opted out)"}
            delivery, created = record_delivery(f"{event_key}:{channel_name}:{address_key(address)}", **fields)
            if not created:
                continue
            made.append(delivery)
            if delivery.status == DeliveryStatus.QUEUED:
                enqueue(delivery)
    return made
