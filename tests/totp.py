"""RFC 6238 TOTP codes computed independently of django-otp, as an authenticator app would."""

import hashlib
import hmac
import struct
import time
from base64 import b32decode


def totp_code(secret: bytes | str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code for `secret` (raw bytes, or a base32 string as the enrolment page shows it)."""
    if isinstance(secret, str):
        compact = secret.replace(" ", "").upper()
        secret = b32decode(compact + "=" * (-len(compact) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def next_code(secret: bytes | str) -> str:
    """The code of the next 30-second step: accepted (one step of tolerance) even when the current
    step's code was just used, since a code is never accepted twice."""
    return totp_code(secret, at=time.time() + 30)
