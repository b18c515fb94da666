"""Two-factor sign-in with a TOTP authenticator app (django-otp's TOTPDevice).

Superusers and the roles in cases.rules.roles.TWO_FACTOR_ROLES must have a confirmed device;
anyone else may add one. A user with a confirmed device is asked for its current code after
the password; a user who must have one and has none is sent to enrolment and can use nothing
else until it is done (workflows/accounts/middleware.py).
"""

import math
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import AuditAction, Membership
from cases.platform.audit.journal import append_event, append_events
from cases.platform.signin.throttling import home_organisation
from cases.rules.roles import TWO_FACTOR_ROLES

DEVICE_NAME = "身份验证器"


class CodeRefused(Exception):
    """The code was wrong, or codes are being tried too fast; the message says which, in Chinese."""


def requires_two_factor(user) -> bool:
    if not getattr(settings, "TWO_FACTOR_ENFORCED", True):
        return False
    return bool(user.is_superuser or Membership.objects.filter(user=user, role__in=TWO_FACTOR_ROLES).exists())


VERIFY, ENROL = "verify", "enrol"


def step_required(user) -> str | None:
    """What a signed-in user who has not entered a code this session must do first: VERIFY (they
    have an authenticator), ENROL (they must have one and have none), or None. One query."""
    row = (get_user_model().objects.filter(pk=user.pk).annotate(
        has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        in_role=Exists(Membership.objects.filter(user=OuterRef("pk"), role__in=TWO_FACTOR_ROLES)),
    ).values_list("has_device", "in_role").first())
    if row is None:
        return None
    has_device, in_role = row
    if has_device:
        return VERIFY
    if getattr(settings, "TWO_FACTOR_ENFORCED", True) and (user.is_superuser or in_role):
        return ENROL
    return None


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: the unconfirmed one already shown to the user, or a new key."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """An SVG QR code of the device's otpauth:// URL, to embed in the enrolment page."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def check_code(device: TOTPDevice, code: str) -> None:
    """Accept the device's current code or raise CodeRefused. Each wrong code doubles the wait
    before the next one is checked (django-otp's throttling: 1 s, 2 s, 4 s, …)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        seconds = math.ceil((details["locked_until"] - timezone.now()).total_seconds())
        raise CodeRefused(_("验证码错误次数过多，请于%(seconds)s秒后再试。") % {"seconds": max(1, seconds)})
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise CodeRefused(_("验证码不正确：请输入身份验证器中当前显示的%(digits)s位数字。") % {"digits": device.digits})


def confirm_enrolment(*, device: TOTPDevice, code: str, by) -> TOTPDevice:
    """Confirm a pending device with its first code; the user's other devices are removed."""
    check_code(device, code)  # outside the transaction: a wrong code's throttling must stay counted
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=device.user, name="two_factor_enrolled",
                     data={"username": device.user.get_username()})
    return device


def journal_devices_deleted(devices, *, by) -> None:
    """Journal authenticators about to be deleted in the Django admin (a lost phone): each owner
    enrols again at their next sign-in."""
    specs = [{
        "action": AuditAction.RECORD_CHANGED, "actor": by, "subject": device.user, "name": "two_factor_removed",
        "organisation": home_organisation(device.user),
        "data": {"username": device.user.get_username(), "device": device.name, "confirmed": device.confirmed,
                 "via": "admin"},
    } for device in devices]
    if specs:
        append_events(specs)
