"""Re-sealing the audit chain under the current key: the move from unkeyed SHA-256, and key rotation.

One key seals the chain at a time. Rotating it: set the new AUDIT_HMAC_KEY, keep the old one
in another variable, and run `manage.py rekey_audit_chain --old-key-env VAR`; moving a chain
written before the chain was keyed: `manage.py rekey_audit_chain --from-sha256`. Either way,
in one transaction holding the chain head and the anchor file's lock:

1. the chain is verified the old way (events sealed the old way, then perhaps some already
   sealed with the new key, appended since it was set), with its head and, for a rotation,
   the anchors written under the old key; anything broken refuses the whole run;
2. every event's `prev_hash` and `hash` are rewritten under the new key, and the head;
3. the run is journalled (a `verify` event named `rekey_audit_chain`), and once committed a
   "rekey" line anchoring that event is appended to the anchor file: the anchors above it
   named the old hashes, and verification starts from it.

The move from SHA-256 is refused once the anchor file holds anything: a chain that has ever
been anchored was keyed, and unkeyed hashes in it are a rewrite, not history.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cases.models import AuditAction, AuditChainHead, AuditEvent

from . import anchors
from .journal import GENESIS_HASH, append_event, canonical_bytes, head_problem, legacy_sha256, sealer, walk
from .keys import audit_key, configured_key, seal

PAGE = 1000


@dataclass(frozen=True)
class Rekeyed:
    events: int  # events re-sealed (the journal event of the run not counted)
    anchors_checked: int
    event: AuditEvent  # the journal event of the run, anchored by the "rekey" line
    anchor: anchors.Anchor


class OldThenNew:
    """Hashes the old way until an event is not sealed so; from then on, only with the new key."""

    def __init__(self, old, new):
        self.old, self.new, self.switched = old, new, False

    def __call__(self, event: AuditEvent) -> str:
        if not self.switched:
            hashed = self.old(event)
            if hashed == event.hash:
                return hashed
            self.switched = True
        return self.new(event)


def _refuse(message: str):
    raise ValidationError(message)


def rekey_chain(*, old_key: bytes | None, by) -> Rekeyed:
    """Re-seal the whole chain under the current key. `old_key` None: the old hashes are unkeyed SHA-256."""
    new_key = audit_key()
    if not configured_key() and not settings.DEBUG:
        _refuse("AUDIT_HMAC_KEY 未设置：不能用公开的开发密钥重写审计链。请先设置新的密钥，再运行本命令。")
    if old_key is not None and old_key == new_key:
        _refuse("旧密钥与当前的 AUDIT_HMAC_KEY 相同：无须重写。轮换密钥时，先把 AUDIT_HMAC_KEY 设为新密钥。")
    with anchors.exclusive() as file:
        with transaction.atomic():
            checked, log = _verify_old_chain(file, old_key=old_key, new_key=new_key)
            count = _reseal(new_key)
            event = append_event(
                action=AuditAction.VERIFY, actor=by, name="rekey_audit_chain",
                reason="审计链改用当前密钥（AUDIT_HMAC_KEY）重新计算哈希",
                data={"from": "sha256" if old_key is None else "hmac-sha256（旧密钥）", "to": "hmac-sha256",
                      "events": count, "anchors_checked": len(log.anchors)},
            )
        anchor = file.append(seq=event.seq, hash=event.hash, kind=anchors.REKEY)
    return Rekeyed(checked, len(log.anchors), event, anchor)


def _verify_old_chain(file: anchors.AnchorFile, *, old_key: bytes | None, new_key: bytes):
    AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    if old_key is None:
        if file.content().strip():
            _refuse(f"锚点文件 {file.path} 已有记录：审计链早已用密钥计算哈希，不能再从 SHA-256 迁移。"
                    "其中未加密钥的哈希是改写的痕迹，请运行 manage.py verify_audit 查明。")
        old, log = legacy_sha256, file.read()
    else:
        old, log = sealer(old_key), file.read(keys=[old_key, new_key])
    if log.problem:
        _refuse(f"{log.problem}。锚点文件不可信时不重写审计链。")
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    walked = walk(events, hasher=OldThenNew(old, sealer(new_key)), anchored=log.by_seq())
    broken = walked.broken or head_problem(walked.last_seq, walked.last_hash)
    if not broken and (beyond := [a for a in log.anchors if a.seq > walked.last_seq]):
        broken = f"缺失：{beyond[0].when} 的锚点记录审计链已到 #{beyond[0].seq}，此后的链尾已被删除"
    if broken:
        _refuse(f"按旧方案校验审计链未通过（{broken}），未作任何改动。请先查明原因。")
    return walked.checked, log


def _reseal(key: bytes) -> int:
    """Rewrite every event's link and seal in order, page by page; then the head. Returns the count."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    statement = f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE {connection.ops.quote_name(AuditEvent._meta.pk.column)} = %s"
    prev, last_seq, count = GENESIS_HASH, 0, 0
    while page := list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:PAGE]):
        rows = []
        for event in page:
            event.prev_hash = prev
            event.hash = prev = seal(key, canonical_bytes(event))
            rows.append((event.prev_hash, event.hash, event.pk))
        with connection.cursor() as cursor:  # the ORM refuses to update events: this is the one rewrite
            cursor.executemany(statement, rows)
        last_seq, count = page[-1].seq, count + len(page)
    AuditChainHead.objects.filter(pk=1).update(last_seq=last_seq, last_hash=prev)
    return count
