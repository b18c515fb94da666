"""Appending to the hash-chained audit journal and verifying it.

The hash of an event is sha256 over a canonical JSON serialisation (sorted keys, no
whitespace, UTF-8) of every stored field except the hash itself, including `prev_hash`.
Appends lock the single AuditChainHead row, so the chain never forks under concurrency.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from cases.models import AuditChainHead, AuditEvent
from cases.models.actors import actor_label, is_system

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


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


class JournalEncoder(DjangoJSONEncoder):
    """Model instances in event data are journalled by reference: label, key and name."""

    def default(self, o):
        if isinstance(o, models.Model):
            return {"model": o._meta.label_lower, "pk": o.pk, "str": str(o)}
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
    if len(events) == 1:  # save() sets the primary key on every backend; callers of append_event use it
        events[0].save()
    else:
        AuditEvent.objects.bulk_create(events)
    AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev_hash)
    return events


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
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _walk(events: Iterator[AuditEvent]) -> tuple[int, str, ChainBreak | None]:
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    for event in events:
        if event.seq > expected_seq:
            return checked, expected_prev, ChainBreak(expected_seq, "缺失（已被删除）")
        if event.prev_hash != expected_prev:
            return checked, expected_prev, ChainBreak(
                event.seq, "前一事件哈希不符（其前插入或删除了事件，或前一事件被改动）"
            )
        if compute_hash(event) != event.hash:
            return checked, expected_prev, ChainBreak(event.seq, "内容已被改动（哈希不符）")
        expected_seq, expected_prev, checked = event.seq + 1, event.hash, checked + 1
    return checked, expected_prev, None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole journal; name the first event that breaks the chain."""
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    checked, last_hash, broken = _walk(events)
    if broken:
        return ChainReport(checked, broken)
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    if head_seq > checked:
        return ChainReport(checked, ChainBreak(checked + 1, "缺失（链尾事件已被删除，与链头记录不符）"))
    if head_seq < checked:
        return ChainReport(checked, ChainBreak(head_seq + 1, "链头之后出现了未经追加的事件（插入）"))
    if head_hash != last_hash:
        return ChainReport(checked, ChainBreak(checked, "内容已被改动（与链头记录的哈希不符）"))
    return ChainReport(checked, None)


def subject_of(event: AuditEvent):
    """The model instance an event is about, or None for events about no one thing."""
    from django.apps import apps

    if not event.subject_type:
        return None
    return apps.get_model(event.subject_type)._default_manager.get(pk=event.subject_id)
