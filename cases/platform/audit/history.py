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
from cases.models.hardship.states import HOME_VISIT_CHECKLIST
from cases.platform.audit.journal import canonical_payload
from cases.rules.eligibility import ExpenseKind
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
    "view_programme_application": gettext_lazy("帮扶项目申请"),
}

# How a third party checks the hashes, in the reader's language (the history PDF prints it in
# Chinese, like the rest of the document).
HOW_TO_VERIFY = gettext_lazy(
    "每个事件的哈希是其规范载荷以本系统审计密钥（AUDIT_HMAC_KEY，由运维方保管在数据库之外，只交给核验人）"
    "计算的 HMAC-SHA256。规范载荷是含以下键的 JSON 对象：seq、occurred_at（UTC，ISO 8601，精确到微秒）、"
    "actor_id、actor_label、action、subject_type、subject_id、organisation_id、name、from_state、to_state、"
    "reason、data 和 prev_hash，按键排序，不含空白（分隔符为“,”和“:”），UTF-8 编码，非 ASCII 字符不转义。"
    "prev_hash 是日志中前一个事件（seq - 1，不论属于哪个对象）的哈希；第一个事件的 prev_hash 为 64 个 0。"
    "这里只列出一个对象的事件，所以序号不连续；持有密钥即可重新计算每个事件的哈希，整条链用"
    "“manage.py verify_audit”对照完整日志及其锚点校验。"
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
            what = _("%(what)s（%(name)s）") % {"what": what, "name": event.data["member_name"]}
        title = _("查看敏感信息：%(what)s") % {"what": what}
    if worded.to_state and worded.to_state != worded.from_state:
        title = _("%(title)s（%(from)s → %(to)s）") % {"title": title, "from": worded.from_state or "—",
                                                       "to": worded.to_state}
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
    if field is not None and field.many_to_many and isinstance(value, list):  # the through rows
        other_end = field.m2m_reverse_field_name()
        return "、".join(_related_name(field.related_model, row.get(other_end), names) for row in value) or "—"
    if isinstance(value, dict | list):  # a JSONField: never a Python dict on the page
        return _json_shown(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return mask_text(str(value))


# The keys of the JSON fields a history shows (the home visit's checklist, the parameters an
# assessment used), and the values that are codes.
JSON_KEY_LABELS = {
    **dict(HOME_VISIT_CHECKLIST), "region_code": gettext_lazy("行政区划代码"), "year": gettext_lazy("年度"),
    "relative_multiple": gettext_lazy("相对困难倍数"), "accident_cost_share": gettext_lazy("意外致困费用占比"),
    "counted_expense_kinds": gettext_lazy("计入的刚性支出"), "document_number": gettext_lazy("依据文件文号"),
    "document_date": gettext_lazy("文件日期"),
}
JSON_HIDDEN_KEYS = {"parameters_id"}


def _json_shown(value) -> str:
    """A JSON value in words: a mapping as "label：value" pairs, a list item by item."""
    if isinstance(value, dict):
        return "；".join(f"{JSON_KEY_LABELS.get(key, key)}：{_json_shown(item)}" for key, item in value.items()
                        if key not in JSON_HIDDEN_KEYS) or "—"
    if isinstance(value, list):
        return "、".join(_json_shown(item) for item in value) or "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value in (None, ""):
        return "—"
    return mask_text(str(ExpenseKind(value).label) if value in ExpenseKind.values else str(value))


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
        who = selectors.person_name(record.history_user) if record.history_user_id else _("系统")
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
        who=delivery.recipient_name or (selectors.person_name(delivery.recipient_user) if delivery.recipient_user_id else ""),
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
        "how_to_verify": str(HOW_TO_VERIFY),
    }


def person_of(subject) -> Worker:
    """The person whose ID number the subject's pages mask: the worker, or the household head."""
    return _kind(subject).person(subject)
