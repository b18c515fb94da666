"""The workers' pages (/public/) in tests: the code the recording SMS backend kept for a number,
and the phone step walked through a page as a worker's phone would."""

import re

from notifications.models import SmsRecord

WORKER_PHONE = "13912345678"


def sms_code(phone: str) -> str:
    """The six-digit code last sent to `phone`, read from what the recording backend kept."""
    for record in SmsRecord.objects.to_phone(phone).order_by("-pk"):  # notices go to the number too
        if found := re.search(r"验证码是(\d{6})", record.text):
            return found.group(1)
    raise AssertionError(f"no code was sent to {phone}")


def phone_confirmed(client, page: str, phone: str = WORKER_PHONE) -> None:
    """Get a code for `phone` on `page` and type it in: the page then shows its form."""
    assert client.post(page, {"step": "send_code", "phone": phone}).status_code == 302
    assert client.post(page, {"step": "confirm_code", "code": sms_code(phone)}).status_code == 302


def management(prefix: str, total: int, maximum: int = 30) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": str(maximum)}
