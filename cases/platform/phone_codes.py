"""One-time SMS codes of the public pages: sending, throttling and confirming them.

- `send_code` makes a six-digit code, keeps only its keyed hash (cases/models/verification.py)
  and sends it through the project's SMS backend (notifications/sms.py, UNIONCASE["SMS_BACKEND"];
  the recording backend in tests and the embedded default). It refuses, in words, a sender's
  address that asked for too many codes within the hour, a number that got one for the same
  purpose less than a minute ago or too many within the hour (UNIONCASE["PUBLIC_CODE_…"]).
- `record_unmatched_lookup` keeps a progress lookup whose case (or hardship application) number
  and identity number matched nothing the same way, with no number and no message sent: it
  counts against the address like any other, and its code never confirms. The page answers both
  alike.
- `confirm_code` checks a typed code: at most PUBLIC_CODE_ATTEMPTS tries, within
  PUBLIC_CODE_MINUTES; `confirmed` then answers the confirmation for PUBLIC_CONFIRMED_MINUTES,
  and `spend` marks it used by the application it allowed (one application per code).

A code is not sent through the notification log (Delivery): that log keeps message bodies, and
a code is a secret; quiet hours do not apply to a code the person is waiting for.
"""

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cases.models import CodePurpose, PhoneCode
from cases.rules.validators import normalise_mobile, validate_mobile

CODE_DIGITS = 6
HOUR = timedelta(hours=1)
# Codes older than this are removed when new ones are made: they no longer count for anything.
KEPT_FOR = timedelta(days=2)


class CodeRefused(ValidationError):
    """No code now (throttled, or the SMS gateway refused): the message says what to do."""


class CodeNotConfirmed(ValidationError):
    """The typed code is wrong, expired or used up: the message says what to do."""


def _setting(name: str) -> int:
    return int(settings.UNIONCASE[name])


def code_minutes() -> int:
    """How long a code lives (UNIONCASE["PUBLIC_CODE_MINUTES"])."""
    return _setting("PUBLIC_CODE_MINUTES")


def client_index(address: str) -> str:
    """The keyed hash a sender's network address is counted under (the address is not kept)."""
    return salted_hmac("unioncase.public.client", address or "-", algorithm="sha256").hexdigest()


def _hash(salt: str, code: str) -> str:
    return salted_hmac("unioncase.public.code", f"{salt}:{code}", algorithm="sha256").hexdigest()


def _new_secret() -> tuple[str, str, str]:
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    return code, salt, _hash(salt, code)


def _client_throttled(client: str, now) -> bool:
    return PhoneCode.objects.filter(client_index=client, created_at__gte=now - HOUR).count() >= _setting(
        "PUBLIC_CODES_PER_CLIENT_HOUR")


def phone_wait_seconds(phone: str, purpose: str, now=None) -> int:
    """Seconds until `phone` may get another code for `purpose` (0: now); -1 when the number's
    hourly allowance (all purposes together) is used up."""
    now = now or timezone.now()
    recent = PhoneCode.objects.to_phone(phone).filter(created_at__gte=now - HOUR)
    if recent.count() >= _setting("PUBLIC_CODES_PER_PHONE_HOUR"):
        return -1
    last = recent.filter(purpose=purpose).order_by("-created_at").values_list("created_at", flat=True).first()
    if last is None:
        return 0
    return max(0, int(_setting("PUBLIC_CODE_INTERVAL_SECONDS") - (now - last).total_seconds()) + 1)


def check_client(client: str, now=None) -> None:
    if _client_throttled(client, now or timezone.now()):
        raise CodeRefused(_("您获取验证码的次数过多，请一小时后再试。"), code="client_throttled")


def check_phone(phone: str, purpose: str, now=None) -> None:
    wait = phone_wait_seconds(phone, purpose, now)
    if wait < 0:
        raise CodeRefused(_("该手机号码一小时内获取验证码的次数过多，请稍后再试。"), code="phone_throttled")
    if wait > 0:
        raise CodeRefused(_("验证码已发送，请%(seconds)s秒后再重新获取。") % {"seconds": wait}, code="too_soon")


def _forget_old(now) -> None:
    PhoneCode.objects.filter(created_at__lt=now - KEPT_FOR).delete()


def message_text(code: str) -> str:
    minutes = code_minutes()
    with translation.override(settings.LANGUAGE_CODE):
        return _("【工会调解】您的验证码是%(code)s，%(minutes)s分钟内有效。请勿告诉他人，工作人员不会向您索要验证码。") % {
            "code": code, "minutes": minutes}


def send_code(*, purpose: str, phone: str, client: str, case=None, party: str = "", hardship_file=None) -> PhoneCode:
    """Make a code for `phone`, keep its hash, and send it by SMS (a progress lookup's code names
    the case and party, or the hardship file, it opens). Raises CodeRefused (throttled,
    or not sent: then it does not count against the number) or a ValidationError for a number
    that is not a mobile number."""
    from notifications.errors import PermanentDeliveryError, RetryableDeliveryError
    from notifications.sms import sms_backend

    if purpose not in CodePurpose.values:
        raise ValueError(f"unknown purpose {purpose!r}")
    phone = normalise_mobile(phone or "")
    validate_mobile(phone)
    now = timezone.now()
    check_client(client, now)
    check_phone(phone, purpose, now)
    code, salt, code_hash = _new_secret()
    with transaction.atomic():
        _forget_old(now)
        row = PhoneCode.objects.create(
            purpose=purpose, phone=phone, client_index=client, case=case, party=party, hardship_file=hardship_file,
            salt=salt, code_hash=code_hash, expires_at=now + timedelta(minutes=_setting("PUBLIC_CODE_MINUTES")))
    try:
        sms_backend().send(phone=phone, text=message_text(code), idempotency_key=f"public-code:{row.pk}")
    except (RetryableDeliveryError, PermanentDeliveryError) as error:
        row.delete()
        raise CodeRefused(_("短信发送失败，请稍后重新获取验证码。"), code="not_sent") from error
    return row


def record_unmatched_lookup(*, client: str, purpose: str = CodePurpose.PROGRESS) -> PhoneCode:
    """A progress lookup that matched no case (no hardship file): kept like a code (it counts
    against the address) but with no number, and a secret nobody was told, so it never confirms."""
    now = timezone.now()
    check_client(client, now)
    _code, salt, code_hash = _new_secret()
    with transaction.atomic():
        _forget_old(now)
        return PhoneCode.objects.create(
            purpose=purpose, client_index=client, salt=salt, code_hash=code_hash,
            expires_at=now + timedelta(minutes=_setting("PUBLIC_CODE_MINUTES")))


def confirm_code(*, code_id, purpose: str, code: str) -> PhoneCode:
    """Check `code` against the code `code_id` sent for `purpose`; the confirmed row, or
    CodeNotConfirmed saying what to do. Every wrong try counts, whatever the answer."""
    typed = "".join(str(code or "").split())
    failure = None
    with transaction.atomic():
        row = PhoneCode.objects.select_for_update().filter(pk=code_id, purpose=purpose).first()
        if row is None:
            failure = _("请先获取验证码。")
        elif row.confirmed_at is not None:
            return row
        elif timezone.now() >= row.expires_at:
            failure = _("验证码已过期，请重新获取。")
        elif row.attempts >= _setting("PUBLIC_CODE_ATTEMPTS"):
            failure = _("验证码输入错误次数过多，请重新获取。")
        else:
            row.attempts += 1
            matches = bool(row.phone_index) and hmac.compare_digest(_hash(row.salt, typed), row.code_hash)
            if matches:
                row.confirmed_at = timezone.now()
                row.save(update_fields=["attempts", "confirmed_at"])
                return row
            row.save(update_fields=["attempts"])
            left = _setting("PUBLIC_CODE_ATTEMPTS") - row.attempts
            failure = (_("验证码不正确，还可以再试%(n)s次。") % {"n": left} if left > 0
                       else _("验证码输入错误次数过多，请重新获取。"))
    raise CodeNotConfirmed(failure, code="not_confirmed")


def confirmed(code_id, purpose: str, *, unspent: bool = False) -> PhoneCode | None:
    """The confirmation `code_id` while it lasts (PUBLIC_CONFIRMED_MINUTES after the code was
    confirmed); with `unspent`, only if no application was made under it yet."""
    if not code_id:
        return None
    since = timezone.now() - timedelta(minutes=_setting("PUBLIC_CONFIRMED_MINUTES"))
    rows = PhoneCode.objects.filter(pk=code_id, purpose=purpose, confirmed_at__gte=since).exclude(phone_index="")
    if unspent:
        rows = rows.filter(spent_at__isnull=True)
    return rows.first()


def spend(row: PhoneCode) -> None:
    """Mark the confirmation used (inside the transaction that makes the application); a second
    application under the same code is refused."""
    locked = PhoneCode.objects.select_for_update().get(pk=row.pk)
    if locked.spent_at is not None:
        raise CodeNotConfirmed(_("该验证码已用于提交一份申请，如需再次申请，请重新验证手机号码。"), code="spent")
    locked.spent_at = timezone.now()
    locked.save(update_fields=["spent_at"])
    row.spent_at = locked.spent_at
