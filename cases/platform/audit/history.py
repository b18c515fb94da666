"""A case's or hardship file's complete history for auditors (issue 7), read-only.

- `timeline(subject)`: one chronological list of its transitions and other audit events (views
  of sensitive data included), every field change from its history table (before → after),
  every document with its sha256, and every message sent about it.
- `history_payload(subject)`: the subject's audit events as a third party checks them: each
  event's canonical payload with its hash and the previous event's hash, and how to verify.

Sensitive values (ID numbers, incomes, illness) are masked here; showing an ID number in full
is the caller's explicit, journalled action.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django_fsm import FSMField

from cases import selectors
from cases.models import AuditAction, AuditEvent, Document, HardshipFile, Worker
from cases.platform.audit.journal import canonical_payload
from cases.selectors import mask_resident_id

# Timeline kinds, in the order the filter offers them.
TRANSITIONS, CHANGES, DOCUMENTS, MESSAGES, SENSITIVE, OTHER = (
    "transition", "change", "document", "message", "sensitive", "other")
KIND_LABELS = {
    TRANSITIONS: gettext_lazy("状态变更"), CHANGES: gettext_lazy("字段变更"), DOCUMENTS: gettext_lazy("文书"),
    MESSAGES: gettext_lazy("通知"), SENSITIVE: gettext_lazy("查看敏感信息"), OTHER: gettext_lazy("其他事件"),
}

# Fields whose values a timeline never shows in the clear.
SENSITIVE_FIELDS = re.compile(r"resident_id|id_number|income|illness|disease|diagnosis|medical", re.IGNORECASE)
RESIDENT_ID_IN_TEXT = re.compile(r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}\d{7}[\dXx](?![0-9Xx])")
HIDDEN = "（已隐藏）"
SENSITIVE_VIEW_NAMES = {
    "reveal_resident_id": gettext_lazy("显示完整身份证号"), "view_household_editor": gettext_lazy("家庭信息"),
    "view_hardship_file": gettext_lazy("档案详情"),
    "reveal_member_resident_id": gettext_lazy("显示家庭成员完整身份证号"),
}

HOW_TO_VERIFY = (
    "Each event's hash is the HMAC-SHA256, under the deployment's audit key (AUDIT_HMAC_KEY, kept by its "
    "operator outside the database and handed only to whoever is to verify), of its canonical payload: "
    "the JSON object of the keys seq, "
    "occurred_at (UTC, ISO 8601 with microseconds), actor_id, actor_label, action, subject_type, subject_id, "
    "organisation_id, name, from_state, to_state, reason, data and prev_hash, serialised with sorted keys, "
    "no whitespace (separators ',' and ':') and UTF-8 without ASCII escaping. prev_hash is the hash of the "
    "journal's previous event (seq - 1), of whatever subject; the first event's prev_hash is 64 zeros. "
    "The events here are those of one subject, so their seq numbers have gaps; with the key each one's own "
    "hash can be recomputed, and the whole chain is checked with `manage.py verify_audit` against the full "
    "journal and its anchors."
)


def mask_text(text: str) -> str:
    """Any resident ID number in free text, masked."""
    return RESIDENT_ID_IN_TEXT.sub(lambda match: mask_resident_id(match.group(0)), text or "")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    who: str = ""
    detail: str = ""
    changes: tuple[Change, ...] = ()
    document: Document | None = None
    event: AuditEvent | None = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class Timeline:
    subject: object
    entries: list[TimelineEntry] = field(default_factory=list)

    def only(self, kinds: set[str]) -> list[TimelineEntry]:
        return [entry for entry in self.entries if entry.kind in kinds] if kinds else self.entries


@dataclass(frozen=True)
class _SubjectKind:
    """How each kind of audited subject is read: the same pieces the staff pages use."""

    documents: Callable
    related: Callable[[object, list], Q]  # (subject, its documents) → the events about it and its records
    state_label: Callable[[str], str]
    link: Callable[[object], str]  # its staff page, which messages about it link to
    person: Callable[[object], Worker]  # whose ID number its pages mask


def _kind(subject) -> _SubjectKind:
    from notifications.contacts import case_link
    from notifications.kinds.hardship import file_link

    if isinstance(subject, HardshipFile):
        return _SubjectKind(documents=selectors.file_documents, related=selectors.file_related_subjects,
                            state_label=selectors.hardship_status_label, link=file_link,
                            person=lambda file: file.household.head)
    return _SubjectKind(documents=selectors.case_documents,
                        related=lambda case, documents: selectors.case_related_subjects(case),
                        state_label=selectors.status_label, link=case_link, person=lambda case: case.worker)


def subject_events(subject):
    """Audit events about the subject, its records and its documents, in chain order."""
    kind = _kind(subject)
    documents = list(kind.documents(subject))
    return AuditEvent.objects.filter(kind.related(subject, documents)).select_related("actor").order_by("seq")


def _event_kind(event: AuditEvent) -> str:
    if event.action == AuditAction.TRANSITION:
        return TRANSITIONS
    if event.action == AuditAction.SENSITIVE_VIEW:
        return SENSITIVE
    if event.action == AuditAction.DOCUMENT_ISSUED:
        return DOCUMENTS
    return OTHER


def _event_entries(subject, documents: list) -> list[TimelineEntry]:
    """The audit events in words (transition labels, state names, people), ID numbers masked."""
    kind = _kind(subject)
    worded = selectors.events_timeline(kind.related(subject, documents), documents,
                                       labels=selectors.transition_labels(type(subject)), state_label=kind.state_label)
    return [_event_entry(entry) for entry in worded if entry.event.action != AuditAction.DOCUMENT_ISSUED]


def _event_entry(worded) -> TimelineEntry:
    event = worded.event
    title = worded.title
    if event.action == AuditAction.SENSITIVE_VIEW:
        what = str(SENSITIVE_VIEW_NAMES.get(event.name, event.name))
        if (event.data or {}).get("member_name"):  # which member's number was revealed
            what = f"{what}（{event.data['member_name']}）"
        title = _("查看敏感信息：%(what)s") % {"what": what}
    if worded.to_state and worded.to_state != worded.from_state:
        title = f"{title}（{worded.from_state or '—'} → {worded.to_state}）"
    detail = mask_text(event.reason)
    if (event.data or {}).get("imported"):
        detail = "；".join(part for part in (detail, _("历史数据导入")) if part)
    return TimelineEntry(at=event.occurred_at, kind=_event_kind(event), title=title, who=worded.actor,
                         detail=detail, event=event)


def _shown(field, field_name: str, value, names: dict) -> str:
    """A value as the page and the PDF print it: a choice by its label, a related row by its
    name (a person by their full name), a yes/no in words; ID numbers masked."""
    if value in (None, ""):
        return "—"
    if SENSITIVE_FIELDS.search(field_name):
        return mask_resident_id(str(value)) if "id" in field_name else HIDDEN
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.many_to_one:
        return _related_name(field.related_model, value, names)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return mask_text(str(value))


def _related_name(model, pk, names: dict) -> str:
    """The row's name, read once per history (a mediator changes hands a few times at most)."""
    key = (model, pk)
    if key not in names:
        row = model._default_manager.filter(pk=pk).first()
        if row is None:
            names[key] = f"#{pk}"
        else:
            names[key] = selectors.person_name(row) if hasattr(row, "get_username") else str(row)
    return names[key]


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field the model no longer has, kept in the history table
        return None


def field_changes(subject) -> list[TimelineEntry]:
    """Each save of the subject from its history table, with before → after for changed fields.
    The status is left out: the transition that changed it has its own entry, in words."""
    model = type(subject)
    records = list(subject.history.order_by("history_date", "history_id").select_related("history_user"))
    entries, previous, names = [], None, {}
    for record in records:
        who = str(record.history_user) if record.history_user_id else _("系统")
        if previous is None:
            entries.append(TimelineEntry(at=record.history_date, kind=CHANGES, title=_("建立记录"), who=who))
        else:
            changes = tuple(_change(model, c, names) for c in record.diff_against(previous).changes
                            if not isinstance(_model_field(model, c.field), FSMField))
            if changes:
                entries.append(TimelineEntry(at=record.history_date, kind=CHANGES, title=_("字段变更"), who=who,
                                             changes=changes))
        previous = record
    return entries


def _change(model, change, names: dict) -> Change:
    field = _model_field(model, change.field)
    label = str(field.verbose_name) if field is not None else change.field
    return Change(label, _shown(field, change.field, change.old, names), _shown(field, change.field, change.new, names))


def _document_entries(documents: list) -> list[TimelineEntry]:
    return [TimelineEntry(at=document.created_at, kind=DOCUMENTS, title=document.title,
                          detail=f"v{document.version} · SHA-256 {document.sha256}", document=document)
            for document in documents]


def _message_entries(subject) -> list[TimelineEntry]:
    from notifications.models import Delivery

    deliveries = Delivery.objects.filter(link=_kind(subject).link(subject)).order_by("created_at", "pk")
    return [TimelineEntry(
        at=delivery.created_at, kind=MESSAGES, title=delivery.title,
        who=delivery.recipient_name or (str(delivery.recipient_user) if delivery.recipient_user_id else ""),
        detail=_("%(channel)s · %(status)s · 尝试%(attempts)d次") % {
            "channel": delivery.get_channel_display(), "status": delivery.get_status_display(),
            "attempts": delivery.attempts},
    ) for delivery in deliveries.select_related("recipient_user")]


def timeline(subject) -> Timeline:
    documents = list(_kind(subject).documents(subject))
    # An issued document's own entry (with its hash) stands for its DOCUMENT_ISSUED event.
    entries = (_event_entries(subject, documents) + field_changes(subject) + _document_entries(documents)
               + _message_entries(subject))
    entries.sort(key=lambda entry: entry.at)
    return Timeline(subject=subject, entries=entries)


def history_payload(subject) -> dict:
    """The subject's audit events, each with what its hash covers, for a third party to check."""
    events = [{**canonical_payload(event), "hash": event.hash} for event in subject_events(subject)]
    return {
        "subject": {"type": subject._meta.label_lower, "id": str(subject.pk), "number": subject.number or "",
                    "organisation": subject.organisation.code},
        "events": events,
        "how_to_verify": HOW_TO_VERIFY,
    }


def person_of(subject) -> Worker:
    """The person whose ID number the subject's pages mask: the worker, or the household head."""
    return _kind(subject).person(subject)
