"""Read-side queries for the case pages: one case's header, timeline and records (case search:
cases.disputes.search, importable from here too).

Nothing here writes. Every query that starts from user input goes through cases.models.access.scoped,
so a user finds and opens only cases in their organisations' subtrees. Resident ID numbers
leave this module masked (110105********002X) unless a caller asks for the stored value.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import CharField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cases.models import (
    Agreement,
    AidPlan,
    AuditAction,
    AuditEvent,
    Deadline,
    Disbursement,
    DisputeCase,
    DisputeStatus,
    Document,
    HardshipAttachment,
    HardshipFile,
    HardshipStatus,
    Instalment,
    MediationExtension,
    MediationSession,
    Objection,
    Payment,
    YearlyReview,
)
from cases.disputes.search import search_cases  # noqa: F401  (case search lives there since issue 18)
from cases.documents.registry import shown_title
from cases.models.access import scoped  # noqa: F401  (imported from here by bench/queues.py)
from cases.rules.calendar import day_label, working_days_between  # day_label: the pages import it from here
from cases.rules.deadlines import DayUnit, clock as clock_rule
from cases.rules.money import yuan  # ¥23,196.00, "—" for none: the pages import it from here

ZERO = Decimal("0.00")
RESIDENT_ID_VISIBLE_HEAD = 6
RESIDENT_ID_VISIBLE_TAIL = 4
VARIANT_LABELS = {"worker": gettext_lazy("劳动者"), "employer": gettext_lazy("用人单位")}


# -- formatting that every page shares ------------------------------------------------------

def mask_resident_id(number: str | None) -> str:
    """110105199001010027 → 110105********0027: the region and the last four digits only."""
    if not number:
        return ""
    hidden = len(number) - RESIDENT_ID_VISIBLE_HEAD - RESIDENT_ID_VISIBLE_TAIL
    if hidden <= 0:
        return "*" * len(number)
    return number[:RESIDENT_ID_VISIBLE_HEAD] + "*" * hidden + number[-RESIDENT_ID_VISIBLE_TAIL:]


def cn_day(day: date | None) -> str:
    """2026年12月22日 in every language: for a form's typed value that its field reads back (the
    resident-ID script's birth dates) and for what is printed or stored in Chinese. A page's own
    words use `day_label`."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def person_name(user) -> str:
    if user is None:
        return ""
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


# -- the case header --------------------------------------------------------------------------

@dataclass(frozen=True)
class Totals:
    claimed: Decimal
    awarded: Decimal | None  # None until an agreement has awarded anything
    paid: Decimal

    @property
    def claimed_display(self) -> str:
        return yuan(self.claimed)

    @property
    def awarded_display(self) -> str:
        return yuan(self.awarded)

    @property
    def paid_display(self) -> str:
        return yuan(self.paid)


def case_totals(case: DisputeCase, *, instalments: "list[InstalmentRow] | None" = None) -> Totals:
    """Claimed, awarded and paid; the paid sum from `instalments` (instalment_rows) when the caller has them."""
    sums = case.claims.aggregate(claimed=Sum("amount_claimed"), awarded=Sum("amount_awarded"))
    if instalments is None:
        paid = Payment.objects.filter(instalment__agreement__case=case).aggregate(total=Sum("amount"))["total"]
    else:
        paid = sum((row.paid for row in instalments), ZERO)
    return Totals(claimed=sums["claimed"] or ZERO, awarded=sums["awarded"], paid=paid or ZERO)


@dataclass(frozen=True)
class OpenDeadline:
    deadline: Deadline
    name: str
    due_on: date
    provisional: bool
    remaining: str  # "剩余3个工作日", "今日届满", "已超期2天"
    level: str  # "normal", "warning" or "breached"
    imported: bool = False  # opened by importing the case as pending (历史导入)


def _remaining(deadline: Deadline, today: date) -> tuple[str, str]:
    days_left = (deadline.due_on - today).days
    if days_left < 0:
        return _("已超期%(n)s天") % {"n": -days_left}, "breached"
    if days_left == 0:
        return _("今日届满"), "warning"
    try:
        unit = clock_rule(deadline.clock).unit
    except LookupError:
        unit = DayUnit.CALENDAR
    if unit == DayUnit.WORKING:
        try:
            left = working_days_between(today, deadline.due_on)
        except (ValidationError, NotImplementedError, ValueError):
            left = None
        if left is not None:
            return _("剩余%(n)s个工作日") % {"n": left}, "warning" if left <= 1 else "normal"
    return _("剩余%(n)s天") % {"n": days_left}, "warning" if days_left <= 2 else "normal"


def open_deadlines(case: DisputeCase, *, today: date | None = None,
                   instalments: "list[InstalmentRow] | None" = None) -> list[OpenDeadline]:
    """The case's running clocks and those of its instalments (`instalments`, instalment_rows,
    when the caller has them), nearest first, with the clocks breached when the case was imported
    whose step is still to be taken."""
    today = today or timezone.localdate()
    subjects = Q(subject_type=ContentType.objects.get_for_model(DisputeCase), subject_id=str(case.pk))
    if instalments is None:
        instalment_ids = [str(pk) for pk in Instalment.objects.filter(agreement__case=case).values_list("pk", flat=True)]
    else:
        instalment_ids = [str(row.instalment.pk) for row in instalments]
    if instalment_ids:
        subjects |= Q(subject_type=ContentType.objects.get_for_model(Instalment), subject_id__in=instalment_ids)
    rows = []
    for deadline in Deadline.objects.awaiting().filter(subjects).by_urgency():
        remaining, level = _remaining(deadline, today)
        rows.append(OpenDeadline(deadline=deadline, name=clock_name(deadline.clock), due_on=deadline.due_on,
                                 provisional=deadline.provisional, remaining=remaining, level=level,
                                 imported=deadline.imported))
    return rows


# -- the timeline ------------------------------------------------------------------------------

def transition_labels(model=DisputeCase) -> dict[str, str]:
    """Each transition's Chinese label (a DisputeCase's unless another model is named), by method name."""
    from django_fsm import FSMFieldMixin

    field_ = next(f for f in model._meta.fields if isinstance(f, FSMFieldMixin))
    labels = {"register": _("登记申请")}
    for spec in field_.get_all_transitions(model):
        labels[spec.name] = str(spec.custom.get("label") or spec.name)
    return labels


def status_label(value: str) -> str:
    if not value:
        return ""
    try:
        return str(DisputeStatus(value).label)
    except ValueError:
        return value


def clock_name(code: str) -> str:
    try:
        return str(clock_rule(code).name)
    except LookupError:
        return code


@dataclass
class TimelineEntry:
    event: AuditEvent
    title: str
    actor: str
    from_state: str = ""
    to_state: str = ""
    reason: str = ""
    documents: list[Document] = field(default_factory=list)
    deadlines_opened: list[str] = field(default_factory=list)
    deadlines_met: list[str] = field(default_factory=list)
    deadlines_cancelled: list[str] = field(default_factory=list)
    imported_lines: list[str] = field(default_factory=list)  # what an import of the case as pending did

    @property
    def occurred_at(self) -> datetime:
        return self.event.occurred_at


def case_related_subjects(case: DisputeCase) -> Q:
    """Events about the case or about any record that belongs to it."""
    condition = Q(subject_type=DisputeCase._meta.label_lower, subject_id=str(case.pk))
    related = {
        MediationSession: MediationSession.objects.filter(case=case),
        MediationExtension: MediationExtension.objects.filter(case=case),
        Agreement: Agreement.objects.filter(case=case),
        Instalment: Instalment.objects.filter(agreement__case=case),
        Payment: Payment.objects.filter(instalment__agreement__case=case),
        Document: case_documents(case),
    }
    keyed = [queryset.order_by().annotate(label=Value(model._meta.label_lower), key=Cast("pk", CharField()))
             .values_list("label", "key") for model, queryset in related.items()]
    ids = defaultdict(list)
    for label, key in keyed[0].union(*keyed[1:], all=True):  # one query for the records of every kind
        ids[label].append(key)
    for label, keys in ids.items():
        condition |= Q(subject_type=label, subject_id__in=keys)
    return condition


def _actor(event: AuditEvent) -> str:
    if event.actor_id and event.actor is not None:
        name = person_name(event.actor)
        username = event.actor.get_username()
        return name if name == username else _("%(name)s（%(username)s）") % {"name": name, "username": username}
    if event.actor_label.startswith("system:"):
        return _("系统（%(job)s）") % {"job": event.actor_label.removeprefix("system:")}
    return event.actor_label


def _title(event: AuditEvent, labels: dict[str, str], documents: dict[int, Document]) -> str:
    data = event.data or {}
    if event.action == AuditAction.TRANSITION:  # a file's "created" is no transition of its field
        return str(labels.get(event.name) or EVENT_NAMES.get(event.name, event.name))
    if event.action == AuditAction.DOCUMENT_ISSUED:
        document = documents.get(data.get("document_id"))
        title = shown_title(document) if document else event.name
        return _("生成文书：%(title)s") % {"title": title}
    if event.action == AuditAction.DEADLINE:
        name = clock_name(data.get("clock", ""))
        if event.name == "breach":
            return _("%(clock)s届满未完成（%(due)s）") % {
                "clock": name, "due": day_label(_iso_date(data.get("due_on")))}
        if event.name == "extend":
            return _("%(clock)s延期") % {"clock": name}
        if event.name == "elapsed":
            return _("%(clock)s期满（%(due)s）") % {"clock": name, "due": day_label(_iso_date(data.get("due_on")))}
        return _("%(clock)s：%(change)s") % {"clock": name, "change": event.name}
    if event.action == AuditAction.EXPORT and event.name == "download_document":
        document = documents.get(data.get("document_id"))
        return _("下载文书：%(title)s") % {"title": shown_title(document) if document else data.get("document_id")}
    if event.name in EVENT_NAMES:
        return str(EVENT_NAMES[event.name])
    return f"{event.get_action_display()} {event.name}".strip()


# What the journal's other events are called, in words (their `name`, beside their action).
EVENT_NAMES = {
    "created": gettext_lazy("建立档案"), "register": gettext_lazy("登记申请"), "propose": gettext_lazy("提出节假日安排"),
    "export_history_pdf": gettext_lazy("导出完整历史（PDF）"),
    "export_history_json": gettext_lazy("导出完整历史（JSON）"),
    "export_fund_ledger": gettext_lazy("导出资金台账"),
    "download_attachment": gettext_lazy("下载附件"), "attachment_kept": gettext_lazy("保存附件"),
    "view_household_editor": gettext_lazy("查看敏感信息：家庭信息"),
    "view_hardship_file": gettext_lazy("查看敏感信息：档案详情"),
    "view_programme_application": gettext_lazy("查看敏感信息：帮扶项目申请"),
    "view_civil_link": gettext_lazy("查看民政比对结果"),
    "reveal_resident_id": gettext_lazy("查看敏感信息：显示完整身份证号"),
    "reveal_member_resident_id": gettext_lazy("查看敏感信息：显示家庭成员完整身份证号"),
    "verify_chain": gettext_lazy("校验审计链"), "rekey_audit_chain": gettext_lazy("重新签署审计链"),
    "rotate_field_keys": gettext_lazy("轮换个人信息加密密钥"),
    "two_factor_enrolled": gettext_lazy("启用双因素认证"), "two_factor": gettext_lazy("双因素验证码错误"),
    "locked_out": gettext_lazy("多次登录失败，已锁定"), "login_unlocked": gettext_lazy("解除账号登录锁定"),
    "login_address_unlocked": gettext_lazy("解除地址登录锁定"),
    "token_locked_out": gettext_lazy("系统客户端多次认证失败，获取访问令牌已锁定"),
    "calendar_feed_issued": gettext_lazy("生成日历订阅地址"),
    "calendar_feed_regenerated": gettext_lazy("重新生成日历订阅地址（原地址作废）"),
    "export_schedule_pdf": gettext_lazy("打印日程（PDF）"),
    "import_disputes": gettext_lazy("导入历史争议案件"), "import_civil_affairs": gettext_lazy("导入民政数据"),
    "link_civil_records": gettext_lazy("比对民政数据"), "confirm_link": gettext_lazy("确认民政比对结果"),
    "reject_link": gettext_lazy("否定民政比对结果"),
    "open_fund": gettext_lazy("设立帮扶资金"), "allocate_budget": gettext_lazy("预算拨入"),
    # The organisation admin's changes (cases/platform/administration/).
    "user_created": gettext_lazy("新建账户"), "user_updated": gettext_lazy("修改人员资料"),
    "user_deactivated": gettext_lazy("停用账户"), "user_reactivated": gettext_lazy("启用账户"),
    "password_reset": gettext_lazy("重设密码（临时密码）"),
    "temporary_password_replaced": gettext_lazy("本人更换临时密码"),
    "membership_added": gettext_lazy("分配角色"), "membership_removed": gettext_lazy("撤销角色"),
    "organisation_created": gettext_lazy("新建组织"), "organisation_renamed": gettext_lazy("组织更名"),
    "organisation_updated": gettext_lazy("修改组织信息"), "organisation_deactivated": gettext_lazy("停用组织"),
    "organisation_reactivated": gettext_lazy("启用组织"),
    "minimum_standard_added": gettext_lazy("录入低保标准"),
    "hardship_parameters_added": gettext_lazy("录入困难职工认定参数"),
    # A holiday schedule's decision (its transitions' names, read where no transition label is at hand).
    "approve": gettext_lazy("批准"), "reject": gettext_lazy("驳回"),
}


def event_title(event: AuditEvent, labels: dict[str, str], documents: dict[int, Document]) -> str:
    """An audit event in words: its transition's label, the document it issued, the clock it
    moved, or what its name means."""
    return _title(event, labels, documents)


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _deadline_lines(data: dict) -> tuple[list[str], list[str], list[str]]:
    changes = data.get("deadlines") or {}
    opened = [
        _("%(clock)s：%(due)s届满%(provisional)s") % {
            "clock": clock_name(item.get("clock", "")), "due": day_label(_iso_date(item.get("due_on"))),
            "provisional": _("（暂定）") if item.get("provisional") else ""}
        for item in changes.get("opened", [])
    ]
    met = [clock_name(code) for code in changes.get("met", [])]
    cancelled = [clock_name(code) for code in changes.get("cancelled", [])]
    return opened, met, cancelled


def _import_lines(data: dict) -> list[str]:
    """A pending case's import: the clocks already past when it was imported, where it now waits."""
    changes = data.get("deadlines") or {}
    lines = [_("导入时已超期：%(clock)s（历史导入）") % {"clock": clock_name(code)}
             for code in changes.get("breached_at_import", [])]
    lines += [_("导入时期间已届满：%(clock)s（历史导入）") % {"clock": clock_name(code)}
              for code in changes.get("elapsed_at_import", [])]
    for joined in (data.get("effects") or {}).values():
        if isinstance(joined, dict) and joined.get("task_title"):
            lines.append(_("转入办理：%(task)s") % {"task": joined["task_title"]})
    return lines


def case_timeline(case: DisputeCase, *, visible: Q, documents: list[Document] | None = None) -> list[TimelineEntry]:
    """Every audit event about the case and its records that the reader may see (`visible`, e.g.
    cases.platform.audit.readers.journal_visible_to), oldest first, in words; `documents` are the
    case's (case_documents) when the caller has read them."""
    documents = case_documents(case) if documents is None else documents
    return events_timeline(case_related_subjects(case), documents, labels=transition_labels(),
                           state_label=status_label, visible=visible)


def events_timeline(condition: Q, documents, *, labels: dict[str, str], state_label,
                    visible: Q = Q()) -> list[TimelineEntry]:
    """The audit events matching `condition` (a subject and its records) and `visible` (what the
    reader may see; everything for the auditors' own pages), oldest first, in words: `documents`
    are the subject's, `labels` name its transitions, `state_label` its states."""
    events = list(AuditEvent.objects.filter(condition).filter(visible).select_related("actor").order_by("seq"))
    documents = {document.pk: document for document in documents}
    produced: dict[int, list[Document]] = {}
    for document in documents.values():
        if document.transition_event_id:
            produced.setdefault(document.transition_event_id, []).append(document)
    entries = []
    for event in events:
        opened, met, cancelled = _deadline_lines(event.data or {})
        entries.append(TimelineEntry(
            event=event, title=_title(event, labels, documents), actor=_actor(event),
            from_state=state_label(event.from_state), to_state=state_label(event.to_state),
            reason=event.reason, documents=produced.get(event.pk, []) if event.action == AuditAction.TRANSITION else [],
            deadlines_opened=opened, deadlines_met=met, deadlines_cancelled=cancelled,
            imported_lines=_import_lines(event.data or {}),
        ))
    return entries


# -- a hardship file's records ------------------------------------------------------------------

def file_documents(file: HardshipFile) -> QuerySet[Document]:
    return Document.objects.filter(
        subject_type=ContentType.objects.get_for_model(HardshipFile), subject_id=str(file.pk),
    ).select_related("created_by").order_by("created_at", "pk")


def hardship_status_label(value: str) -> str:
    if not value:
        return ""
    try:
        return str(HardshipStatus(value).label)
    except ValueError:
        return value


def file_related_subjects(file: HardshipFile, documents) -> Q:
    """Events about the file or any record of it: objections, reviews, plans, payments,
    attachments and `documents`."""
    condition = Q(subject_type=HardshipFile._meta.label_lower, subject_id=str(file.pk))
    related = {
        Objection: Objection.objects.filter(file=file), YearlyReview: YearlyReview.objects.filter(file=file),
        AidPlan: AidPlan.objects.filter(file=file), Disbursement: Disbursement.objects.filter(plan__file=file),
        HardshipAttachment: HardshipAttachment.objects.filter(file=file),
    }
    for model, queryset in related.items():
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if ids:
            condition |= Q(subject_type=model._meta.label_lower, subject_id__in=ids)
    if documents:
        condition |= Q(subject_type=Document._meta.label_lower, subject_id__in=[str(d.pk) for d in documents])
    return condition


# -- the case's records -------------------------------------------------------------------------

def case_documents(case: DisputeCase) -> QuerySet[Document]:
    """Documents issued about the case, in the order they were made."""
    return Document.objects.filter(
        subject_type=ContentType.objects.get_for_model(DisputeCase), subject_id=str(case.pk),
    ).order_by("created_at", "pk")


def variant_label(variant: str) -> str:
    """劳动者 / 用人单位 for a document per party (a 送达回证's variant "party:notice:method" too)."""
    party = variant.split(":", 1)[0]
    return str(VARIANT_LABELS.get(party, variant) or "—")


@dataclass(frozen=True)
class InstalmentRow:
    instalment: Instalment
    paid: Decimal
    outstanding: Decimal
    payments: list[Payment]

    @property
    def amount_display(self) -> str:
        return yuan(self.instalment.amount)

    @property
    def paid_display(self) -> str:
        return yuan(self.paid)

    @property
    def outstanding_display(self) -> str:
        return yuan(self.outstanding)


def instalment_rows(case: DisputeCase) -> list[InstalmentRow]:
    rows = []
    instalments = Instalment.objects.filter(agreement__case=case).prefetch_related("payments").order_by("number")
    for instalment in instalments:
        payments = list(instalment.payments.all())
        paid = sum((payment.amount for payment in payments), ZERO)
        rows.append(InstalmentRow(instalment=instalment, paid=paid, outstanding=instalment.amount - paid,
                                  payments=payments))
    return rows

