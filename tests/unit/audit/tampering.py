"""What someone with write access to the database does to the audit journal, for the tests of
issue 17, point 5: raw SQL past the ORM's refusal, hashes recomputed with or without the key."""

import hashlib
import hmac
import json
from pathlib import Path

from django.db import connection

from cases.models import AuditAction, AuditEvent
from cases.models.actors import system
from cases.platform.audit.journal import append_event, canonical_bytes

KEY = "production-audit-key-7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e"


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def record(count, start=1):
    return [append_event(action=AuditAction.EXPORT, actor=system("test"), name=f"export-{n}",
                         data={"rows": n, "amount": "1000.00"}) for n in range(start, start + count)]


def plain_sha256(event):
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


def hmac_with(key: str):
    return lambda event: hmac.new(key.encode(), canonical_bytes(event), hashlib.sha256).hexdigest()


def anchor_lines(settings) -> list[dict]:
    return [json.loads(line) for line in Path(settings.AUDIT_ANCHOR_PATH).read_text().splitlines()]


def hashes() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
