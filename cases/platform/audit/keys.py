"""The audit chain's secret: the HMAC-SHA256 key every event hash and every anchor line is sealed with.

The key comes from the environment (AUDIT_HMAC_KEY), never from the database, so whoever can
write the database but does not hold the key cannot recompute a valid chain after changing it.
Without the variable the development key below is used; `check --deploy` refuses it
(unioncase.E020) when DEBUG is off.
"""

import hashlib
import hmac

from django.conf import settings

# Public on purpose: a chain sealed with it proves nothing. Development and tests only.
DEVELOPMENT_KEY = "unioncase-development-audit-key:not-secret:never-in-production"
MINIMUM_KEY_LENGTH = 32


def configured_key() -> str:
    """AUDIT_HMAC_KEY as set, or "" when it is not."""
    return getattr(settings, "AUDIT_HMAC_KEY", "") or ""


def audit_key() -> bytes:
    return (configured_key() or DEVELOPMENT_KEY).encode("utf-8")


def seal(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 of `message` under `key`, as 64 hex digits."""
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode("ascii", "replace"), right.encode("ascii", "replace"))
