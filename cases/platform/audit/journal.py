"""Appending to the hash-chained audit journal and verifying it.

The hash of an event is HMAC-SHA256, under the audit key (AUDIT_HMAC_KEY, kept outside the
database: keys.py), of a canonical JSON serialisation (sorted keys, no whitespace, UTF-8) of
every stored field except the hash itself, including `prev_hash`. Without the key nobody can
recompute a valid chain after changing, inserting or deleting an event. Verification also
compares the chain with its anchors (anchors.py), copies of the head kept outside the
database, which catch a cut-off tail and a rewrite by someone who holds the key.
Appends lock the single AuditChainHead row, so the chain never forks under concurrency.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone

from cases.models import AuditChainHead, AuditEvent
from cases.models.actors import actor_label, is_system

from .anchors import AnchorLog, AnchorProblem, read_anchors
from .keys import audit_key, same, seal

GENESIS_HASH = "0" * 64


def canonical_payload(event: AuditEvent) -> dict:
    occurred_at = event.occurred_at.astimezone(dt_timezone.utc).isoformat(timespec="microseconds")
    return {
        "seq": event.seq,
        "occurred_at": occurred_at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "organisation_id": event.organisation_id,
        "name": event.name,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


def canonical_bytes(event: AuditEvent) -> bytes:
    return json.dumps(
        canonical_payload(event), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
        cls=DjangoJSONEncoder,
    ).encode("utf-8")


def compute_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """The event's seal: HMAC-SHA256 under `key`, by default the audit key."""
    return seal(key or audit_key(), canonical_bytes(event))


def sealer(key: bytes) -> Callable[[AuditEvent], str]:
    return lambda event: seal(key, canonical_bytes(event))


def legacy_sha256(event: AuditEvent) -> str:
    """The unkeyed hash events had before the chain was keyed (rekey_audit_chain --from-sha256)."""
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


class JournalEncoder(DjangoJSONEncoder):
    """Model instances in event data are journalled by reference: label, key and name; an
    uploaded file by its name and size (its content is the record the transition made)."""

    def default(self, o):
        if isinstance(o, models.Model):
            return {"model": o._meta.label_lower, "pk": o.pk, "str": str(o)}
        if isinstance(o, File):
            return {"file": (o.name or "").replace("\\", "/").rsplit("/", 1)[-1], "size": o.size}
        return super().default(o)


def _json_safe(data: dict | None) -> dict:
    # Round-trip so what is hashed now is exactly what the JSON column gives back later.
    return json.loads(json.dumps(data or {}, cls=JournalEncoder, ensure_ascii=False))


def _subject_reference(subject) -> tuple[str, str]:
    if subject is None:
        return "", ""
    return subject._meta.label_lower, str(subject.pk)


# savepoint=False: an event is appended whole or its transaction fails; a savepoint per event
# would only cost two round trips to the database.
@transaction.atomic(savepoint=False)
def append_event(
    *, action: str, actor, subject=None, organisation=None, name: str = "",
    from_state: str = "", to_state: str = "", reason: str = "", data: dict | None = None,
) -> AuditEvent:
    [event] = append_events([{
        "action": action, "actor": actor, "subject": subject, "organisation": organisation, "name": name,
        "from_state": from_state, "to_state": to_state, "reason": reason, "data": data,
    }])
    return event


@transaction.atomic(savepoint=False)
def append_events(specs: list[dict]) -> list[AuditEvent]:
    """Append events in order under one lock of the chain head (each spec: append_event's arguments)."""
    # get_or_create: test databases flushed between tests lose the migration-created row.
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    events, seq, prev_hash = [], head.last_seq, head.last_hash
    for spec in specs:
        seq += 1
        event = _new_event(seq=seq, prev_hash=prev_hash, **spec)
        events.append(event)
        prev_hash = event.hash
    if connections[AuditEvent.objects.db].vendor == "postgresql":
        _insert_moving_head(events, seq, prev_hash)
        return events
    if len(events) == 1:  # save() sets the primary key on every backend; callers of append_event use it
        events[0].save()
    else:
        AuditEvent.objects.bulk_create(events)
    AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev_hash)
    return events


def _insert_moving_head(events: list[AuditEvent], seq: int, last_hash: str) -> None:
    """PostgreSQL: insert the events and move the chain head in one statement (a data-modifying
    WITH), their primary keys read back as save() would set them. The head is locked already."""
    database = AuditEvent.objects.db
    query = InsertQuery(AuditEvent)
    query.insert_values([field for field in AuditEvent._meta.concrete_fields if not field.primary_key], events)
    compiler = query.get_compiler(using=database)
    compiler.returning_fields = [AuditEvent._meta.pk]
    [(insert_sql, params)] = compiler.as_sql()
    head = connections[database].ops.quote_name(AuditChainHead._meta.db_table)
    with connections[database].cursor() as cursor:
        cursor.execute(f"WITH head AS (UPDATE {head} SET last_seq = %s, last_hash = %s WHERE id = 1) {insert_sql}",
                       [seq, last_hash, *params])
        primary_keys = [row[0] for row in cursor.fetchall()]
    for event, pk in zip(events, primary_keys, strict=True):
        event.pk = pk
        event._state.adding, event._state.db = False, database


def _new_event(*, seq: int, prev_hash: str, action: str, actor, subject=None, organisation=None, name: str = "",
               from_state: str = "", to_state: str = "", reason: str = "", data: dict | None = None) -> AuditEvent:
    subject_type, subject_id = _subject_reference(subject)
    person = None if actor is None or is_system(actor) else actor
    event = AuditEvent(
        seq=seq,
        occurred_at=timezone.now(),
        actor=person,
        actor_label=actor_label(actor),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        organisation=organisation,
        name=name,
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        data=_json_safe(data),
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(event)
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    problem: str

    def __str__(self):
        return f"审计事件 #{self.seq}：{self.problem}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | AnchorProblem | None
    anchors: AnchorLog | None = None  # what the anchor file held (None: not consulted)

    @property
    def intact(self) -> bool:
        return self.first_break is None

    @property
    def anchor_warning(self) -> str:
        """Why the anchors could not vouch for the tail, when they could not."""
        if self.anchors is None:
            return ""
        if not self.anchors.anchors:
            return (f"锚点文件 {self.anchors.path} {'中没有锚点' if self.anchors.exists else '不存在'}："
                    "无法发现链尾被删除，也无法发现持有密钥者对审计链的改写。请确认定时任务 anchor_audit_chain "
                    "在运行（或运行 manage.py verify_audit --anchor），并检查 AUDIT_ANCHOR_PATH。")
        return ""


@dataclass(frozen=True)
class Walk:
    last_seq: int
    last_hash: str
    checked: int
    broken: ChainBreak | None


def _hash_problem(event: AuditEvent) -> str:
    if legacy_sha256(event) == event.hash:
        return ("哈希不符：它是未加密钥的 SHA-256。审计链写于启用 HMAC 之前时，运行 manage.py rekey_audit_chain "
                "--from-sha256 迁移；否则，这是不持有密钥者改动后重算的哈希")
    return "内容已被改动（哈希不符）"


def walk(events: Iterator[AuditEvent], *, seq: int = 0, prev: str = GENESIS_HASH,
         hasher: Callable[[AuditEvent], str] | None = None, anchored: dict | None = None) -> Walk:
    """Follow the chain from the event after `seq` (whose hash is `prev`): each event's number,
    link, seal and, where `anchored` ({seq: [Anchor]}) has one, its anchored hash."""
    try:
        return _follow(events, seq=seq, prev=prev, hasher=hasher or sealer(audit_key()), anchored=anchored or {})
    finally:
        # Stopped at a break, a queryset's iterator still holds its server-side cursor on PostgreSQL:
        # close it now, not whenever the garbage collector does (inside another query, psycopg
        # would wait forever for its own connection's lock).
        close = getattr(events, "close", None)
        if close is not None:
            close()


def _follow(events: Iterator[AuditEvent], *, seq: int, prev: str, hasher, anchored: dict) -> Walk:
    expected_seq, expected_prev, checked, vouched = seq + 1, prev, 0, seq
    for event in events:
        broken = None
        if event.seq > expected_seq:
            broken = ChainBreak(expected_seq, "缺失（已被删除）")
        elif event.prev_hash != expected_prev:
            broken = ChainBreak(event.seq, "前一事件哈希不符（其前插入或删除了事件，或前一事件被改动）")
        elif not same(hasher(event), event.hash):
            broken = ChainBreak(event.seq, _hash_problem(event))
        else:
            for anchor in anchored.get(event.seq, ()):
                if not same(anchor.hash, event.hash):
                    broken = ChainBreak(event.seq, (
                        f"与 {anchor.when} 的锚点记录的哈希不符：#{vouched + 1} 至 #{event.seq} 之间的事件"
                        "在锚定之后被改写、插入或删除（改写者持有密钥）"))
                    break
            else:
                vouched = event.seq if event.seq in anchored else vouched
        if broken:
            return Walk(expected_seq - 1, expected_prev, checked, broken)
        expected_seq, expected_prev, checked = event.seq + 1, event.hash, checked + 1
    return Walk(expected_seq - 1, expected_prev, checked, None)


def chain_head() -> tuple[int, str]:
    """The sequence number and hash the chain head row records."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)


def head_problem(last_seq: int, last_hash: str, head: tuple[int, str] | None = None) -> ChainBreak | None:
    """Whether the chain head row (or `head`, read before) agrees with the last event walked."""
    head_seq, head_hash = head or chain_head()
    if head_seq > last_seq:
        return ChainBreak(last_seq + 1, "缺失（链尾事件已被删除，与链头记录不符）")
    if head_seq < last_seq:
        return ChainBreak(head_seq + 1, "链头之后出现了未经追加的事件（插入）")
    if head_hash != last_hash:
        return ChainBreak(last_seq, "内容已被改动（与链头记录的哈希不符）")
    return None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole journal and compare it with its anchors; name the first event that breaks
    the chain (or the anchor file's first untrustworthy line)."""
    log = read_anchors()
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    walked = walk(events, anchored=log.by_seq())
    broken = walked.broken or head_problem(walked.last_seq, walked.last_hash) or log.problem
    if not broken and (beyond := [a for a in log.anchors if a.seq > walked.last_seq]):
        broken = ChainBreak(walked.last_seq + 1, (
            f"缺失：{beyond[0].when} 的锚点记录审计链已到 #{beyond[0].seq}，此后的链尾已被删除"))
    return ChainReport(walked.checked, broken, log)


def subject_of(event: AuditEvent):
    """The model instance an event is about, or None for events about no one thing."""
    from django.apps import apps

    if not event.subject_type:
        return None
    return apps.get_model(event.subject_type)._default_manager.get(pk=event.subject_id)
