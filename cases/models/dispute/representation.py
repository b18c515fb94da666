"""Representation: who applied, who acts for a party, and the workers of a collective dispute.

- **The applicant** (`DisputeCase.applicant_side`): the worker (the default) or the employer.
  The documents label the parties 申请人/被申请人 by it (`party_role`), and the other party
  (`respondent_side`) is the one whose consent to mediate acceptance needs (consent.py).
- **Agents** (委托代理人, `Agent`): either party may act through an agent with a power of
  attorney (授权委托书), whose scan is kept as it came with its SHA-256. General authority
  (一般授权) covers procedural acts; admitting, waiving or changing claims and settling — so
  signing the agreement for the party — need special authority (特别授权) with those powers
  listed (cases/rules/representation.py). An agent is revoked, never deleted.
- **Several workers** (`CaseWorker`): when the workers' side has more than one worker, each is
  a row, the first-named (`DisputeCase.worker`) at position 1, each possibly an elected
  representative (推举代表). Ten or more workers with a common claim are a collective dispute
  (Art.7, `DisputeCase.collective`), which is accepted only once it has a representative.
  `DisputeCase.worker_count` keeps the number for the reports.

All three are recorded through the door as self-transitions of the case (record_agent,
revoke_agent, record_workers), so each is journalled and checked like every other change.
Checking an uploaded power of attorney by its content and finding or creating the workers are
the dispute service's work (cases/disputes/representation.py), which the transitions name as
their performers.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models.actors import person
from cases.models.audit import ImmutableError
from cases.models.bounds import BoundedFields
from cases.models.dispute.service import ScanKind
from cases.models.dispute.states import S, may_handle
from cases.models.encrypted import EncryptedCharField
from cases.models.history import HistoricalRecords
from cases.models.parties import Worker
from cases.rules.calendar import day_label
from cases.rules.representation import (
    ART7,
    COLLECTIVE_MIN_WORKERS,
    SPECIAL_AUTHORITY_CITATION,
    is_collective_size,
)
from cases.rules.scans import upload_plain_name, upload_sha256
from cases.rules.validators import as_date, validate_resident_id


class PartySide(models.TextChoices):
    WORKER = "worker", _("劳动者")
    EMPLOYER = "employer", _("用人单位")


APPLICANT, RESPONDENT = "申请人", "被申请人"


def other_side(side: str) -> str:
    return PartySide.EMPLOYER if side == PartySide.WORKER else PartySide.WORKER


def respondent_side(case) -> str:
    """The party that did not apply: the one whose consent to mediate acceptance needs."""
    return other_side(case.applicant_side or PartySide.WORKER)


def party_role(case, side: str) -> str:
    """申请人 or 被申请人, as the documents label `side` of `case`."""
    return APPLICANT if side == (case.applicant_side or PartySide.WORKER) else RESPONDENT


# The same two roles in the reader's language, for the pages (a document prints them in Chinese).
ROLE_LABELS = {APPLICANT: _("申请人"), RESPONDENT: _("被申请人")}


def party_role_label(case, side: str) -> str:
    """申请人 or 被申请人 as a page shows it: Applicant or Respondent in English."""
    return str(ROLE_LABELS[party_role(case, side)])


class AgentKind(models.TextChoices):
    LAWYER = "lawyer", _("律师")
    UNION = "union", _("工会工作者")
    RELATIVE = "relative", _("近亲属")
    EMPLOYEE = "employee", _("用人单位工作人员")
    OTHER = "other", _("其他")


class Authority(models.TextChoices):
    GENERAL = "general", _("一般授权")
    SPECIAL = "special", _("特别授权")


class SpecialPower(models.TextChoices):
    """The powers a special authority lists (a power of attorney names each one)."""
    ADMIT = "admit", _("代为承认请求")
    WAIVE = "waive", _("代为放弃请求")
    CHANGE = "change", _("代为变更请求")
    SETTLE = "settle", _("代为达成调解协议并签署调解协议书")


# An agent may be recorded or revoked until the case is archived.
REPRESENTABLE_STATES = [status for status in S.values if status != S.ARCHIVED]
# The workers' list is settled at acceptance; representatives may be elected again until the agreement is drafted.
WORKER_LIST_STATES = [S.REGISTERED]
REPRESENTATIVE_STATES = [S.REGISTERED, S.ACCEPTED, S.IN_MEDIATION]

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def agent_scan_upload_to(agent: "Agent", filename: str) -> str:
    """Stored under its fingerprint: the uploader's file name is kept in `scan_name` only."""
    return f"agents/{agent.scan_sha256[:2]}/{agent.scan_sha256}{ScanKind(agent.scan_kind).suffix}"


class Agent(BoundedFields, models.Model):
    """A party's agent (委托代理人) in mediation, under a power of attorney kept as scanned."""

    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="agents")
    side = models.CharField(_("委托人一方"), max_length=16, choices=PartySide.choices)
    # In a case with several workers, the worker who gave the power (None: the side as a whole).
    worker = models.ForeignKey(Worker, verbose_name=_("委托的劳动者"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("代理人姓名"), max_length=50)
    # Encrypted at rest like the parties' own (cases.models.encrypted); never looked up in SQL.
    id_number = EncryptedCharField(_("代理人公民身份号码"), max_length=18, blank=True)
    phone = EncryptedCharField(_("代理人联系电话"), max_length=20)
    kind = models.CharField(_("代理人身份"), max_length=16, choices=AgentKind.choices)
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True,
                                 help_text=_("律师的律师事务所、工会工作者的工会等；近亲属可不填。"))
    authority = models.CharField(_("代理权限"), max_length=16, choices=Authority.choices)
    special_powers = models.JSONField(_("特别授权事项"), default=list, blank=True)
    # The power of attorney (授权委托书), kept as it came with its fingerprint.
    scan = models.FileField(_("授权委托书扫描件"), upload_to=agent_scan_upload_to, max_length=255)
    scan_name = models.CharField(_("原文件名"), max_length=255)
    scan_sha256 = models.CharField(_("授权委托书SHA-256"), max_length=64)
    scan_size = models.PositiveIntegerField(_("扫描件大小（字节）"))
    scan_kind = models.CharField(_("扫描件格式"), max_length=8, choices=ScanKind.choices)
    valid_from = models.DateField(_("委托日期"))
    revoked_on = models.DateField(_("解除委托日期"), null=True, blank=True)
    revocation_reason = models.TextField(_("解除委托原因"), blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("解除登记人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    # Once recorded, only its revocation may be written, once.
    REVOCATION_FIELDS = ("revoked_on", "revocation_reason", "revoked_by")

    class Meta:
        verbose_name = _("委托代理人")
        verbose_name_plural = _("委托代理人")
        ordering = ["case", "side", "valid_from", "pk"]

    def __str__(self):
        return _("委托代理人：%(name)s（%(authority)s）") % {"name": self.name, "authority": self.get_authority_display()}

    # -- what the agent may do ----------------------------------------------------------------

    def is_active_on(self, day) -> bool:
        """Acting on `day`: the power was given on or before it and not revoked by then."""
        return self.valid_from <= day and (self.revoked_on is None or day < self.revoked_on)

    @property
    def may_settle(self) -> bool:
        """Special authority that lists reaching and signing the agreement."""
        return self.authority == Authority.SPECIAL and SpecialPower.SETTLE in (self.special_powers or [])

    def powers_text(self) -> str:
        return str(_("、")).join(str(SpecialPower(power).label) for power in self.special_powers or []
                        if power in SpecialPower.values)

    # -- the record -----------------------------------------------------------------------------

    def attach_scan(self, upload, kind: str) -> None:
        """Keep `upload` (its kind told by its content, ScanKind) with its SHA-256 and size."""
        self.scan, self.scan_name, self.scan_kind = upload, upload_plain_name(upload), ScanKind(kind).value
        self.scan_sha256, self.scan_size = upload_sha256(upload), upload.size

    def clean(self):
        errors = {}
        if self.side and self.side not in PartySide.values:
            errors["side"] = _("请选择委托人是劳动者一方还是用人单位一方。")
        if self.worker_id is not None:
            if self.side != PartySide.WORKER:
                errors["worker"] = _("用人单位一方的委托代理人不能指定委托的劳动者。")
            elif self.case_id and self.worker_id not in self.case.worker_ids():
                errors["worker"] = _("委托的劳动者不是本案的劳动者。")
        if self.id_number:
            try:
                validate_resident_id(self.id_number)
            except ValidationError as error:
                errors["id_number"] = error.messages
        if self.phone and not _PHONE.match(self.phone.strip()):
            errors["phone"] = _("请填写委托代理人的联系电话：11位手机号码（如13801234567）或带区号的固定电话（如010-62781234）。")
        self._check_powers(errors)
        self._check_dates(errors)
        if not self.scan_sha256:
            errors["scan"] = _("请上传授权委托书扫描件（PDF、JPEG或PNG）：委托代理人参加调解须提交载明委托事项和权限的授权委托书。")
        if errors:
            raise ValidationError(errors)

    def _check_powers(self, errors):
        powers = list(self.special_powers or [])
        unknown = [power for power in powers if power not in SpecialPower.values]
        if unknown:
            errors["special_powers"] = _("特别授权事项只能从列表中选择。")
        elif self.authority == Authority.SPECIAL and not powers:
            errors["special_powers"] = _("特别授权须逐项列明授权事项（如代为承认、放弃、变更请求，代为达成调解协议并签署调解协议书）；"
                                         "授权委托书仅写“全权代理”而未列明事项的，按一般授权登记。")
        elif self.authority == Authority.GENERAL and powers:
            errors["special_powers"] = _("一般授权不含特别授权事项：授权委托书列明了这些事项的，请选择“特别授权”。")

    def _check_dates(self, errors):
        today = timezone.localdate()
        if self.valid_from and self.valid_from > today:
            errors["valid_from"] = _("委托日期不能晚于今天。")
        if self.revoked_on is not None:
            if self.revoked_on > today:
                errors["revoked_on"] = _("解除委托日期不能晚于今天。")
            elif self.valid_from and self.revoked_on < self.valid_from:
                errors["revoked_on"] = _("解除委托日期不能早于委托日期（%(on)s）。") % {"on": day_label(self.valid_from)}
            if not (self.revocation_reason or "").strip():
                errors["revocation_reason"] = _("请写明解除委托的原因（如当事人解除委托、代理人辞去委托）。")

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = type(self)._default_manager.get(pk=self.pk)
            changed = {f.name for f in self._meta.concrete_fields
                       if getattr(stored, f.attname) != getattr(self, f.attname)}
            if stored.revoked_on is not None or not changed <= set(self.REVOCATION_FIELDS):
                raise ImmutableError("委托代理人登记后不可修改：只能登记解除委托一次；委托有变化的，请解除原委托并登记新的委托。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("委托代理人登记归档保存，不能删除；委托结束的，请登记解除委托。")


class CaseWorker(models.Model):
    """One worker of a case whose workers' side has several: the first-named is the case's
    `worker` (position 1); representatives are those the workers elected (Art.7)."""

    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="case_workers")
    worker = models.ForeignKey(Worker, verbose_name=_("劳动者"), on_delete=models.PROTECT,
                               related_name="case_memberships")
    position = models.PositiveSmallIntegerField(_("列名顺序"))
    is_representative = models.BooleanField(_("推举代表"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("案件劳动者")
        verbose_name_plural = _("案件劳动者")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "worker"], name="one_row_per_case_worker",
                                    violation_error_message=_("该劳动者已列入本案。")),
            models.UniqueConstraint(fields=["case", "position"], name="one_worker_per_case_position"),
        ]

    def __str__(self):
        return f"{self.worker}{'（推举代表）' if self.is_representative else ''}"


# -- what the case knows of its workers and agents ---------------------------------------------

def case_workers(case) -> list[CaseWorker]:
    """The case's workers in order, the first-named first; [] when the case has one worker only
    (its count says so without a query: record_workers keeps no rows for one worker)."""
    if case.worker_count <= 1:
        return []
    return list(case.case_workers.select_related("worker").order_by("position"))


def active_agents(case, day=None) -> list[Agent]:
    """The agents acting for either party on `day` (today by default)."""
    day = day or timezone.localdate()
    return [agent for agent in case.agents.select_related("worker").order_by("side", "valid_from", "pk")
            if agent.is_active_on(day)]


def collective_has_representative(case) -> bool:
    return not case.collective or case.case_workers.filter(is_representative=True).exists()


collective_has_representative.message = _(
    "本案为集体劳动争议（劳动者一方十人以上并有共同请求），受理前须登记劳动者推举的代表"
    "（《劳动争议调解仲裁法》第七条：可以推举代表参加调解）。请在“当事人与代理人”中勾选推举代表。")


def check_signing_agent(case, signatory: str, agent, day) -> Agent | None:
    """The agent who signs the agreement for `signatory`'s party, if any: an agent of that
    party, acting on `day`, with special authority to reach and sign the agreement."""
    if agent in (None, ""):
        return None
    if not isinstance(agent, Agent) or agent.case_id != case.pk:
        raise ValidationError({"signed_by_agent": _("请选择本案登记的委托代理人。")})
    if signatory not in PartySide.values:
        raise ValidationError({"signed_by_agent": _("委托代理人只能代当事人签名；调解员签名和调解组织盖章不能由代理人代为办理。")})
    if agent.side != signatory:
        raise ValidationError({"signed_by_agent": _("%(name)s是%(side)s一方的委托代理人，不能代%(other)s一方签名。") % {
            "name": agent.name, "side": agent.get_side_display(), "other": PartySide(signatory).label}})
    if not agent.is_active_on(day):
        raise ValidationError({"signed_by_agent": _("%(name)s的委托已于%(on)s解除（或尚未开始），不能代为签名。") % {
            "name": agent.name, "on": day_label(agent.revoked_on or agent.valid_from)}})
    if agent.authority != Authority.SPECIAL:
        raise ValidationError({"signed_by_agent": _(
            "委托代理人%(name)s为一般授权，不能代当事人签署调解协议：代为达成调解协议、签署调解协议书须有当事人的特别授权，"
            "并在授权委托书中列明（%(citation)s）。请由当事人本人签名，或登记载明该事项的特别授权。") % {
            "name": agent.name, "citation": SPECIAL_AUTHORITY_CITATION}})
    if not agent.may_settle:
        raise ValidationError({"signed_by_agent": _(
            "委托代理人%(name)s的特别授权未列明“代为达成调解协议并签署调解协议书”，不能代当事人签署调解协议"
            "（%(citation)s）。") % {"name": agent.name, "citation": SPECIAL_AUTHORITY_CITATION}})
    return agent


class RepresentationTransitions(models.Model):
    """The transitions that record agents and the workers of a case. None changes the status;
    all are taken on the case's 当事人与代理人 page, not among its generic actions (`own_form`)."""

    class Meta:
        abstract = True

    def worker_ids(self) -> set[int]:
        rows = set(self.case_workers.values_list("worker_id", flat=True)) if self.pk else set()
        return rows | {self.worker_id}

    @transition(field="status", source=REPRESENTABLE_STATES, target=None, permission=may_handle,
                custom={"label": _("登记委托代理人"), "own_form": True, "performed_by": "representation.record_agent"})
    def record_agent(self, *, by, reason="", **data):
        """The agent is recorded by the performer `representation.record_agent`
        (cases/disputes/representation.py): it checks the power of attorney's scan by its content."""

    @transition(field="status", source=REPRESENTABLE_STATES, target=None, permission=may_handle,
                custom={"label": _("解除委托代理人"), "own_form": True, "reason_required": True})
    def revoke_agent(self, *, by, reason="", agent=None, revoked_on=None, **data):
        if not isinstance(agent, Agent) or agent.case_id != self.pk:
            raise ValidationError({"agent": _("请选择本案登记的委托代理人。")})
        if agent.revoked_on is not None:
            raise ValidationError({"agent": _("%(name)s的委托已于%(on)s解除。") % {
                "name": agent.name, "on": day_label(agent.revoked_on)}})
        agent.revoked_on = as_date(revoked_on, "revoked_on") or timezone.localdate()
        agent.revocation_reason, agent.revoked_by = reason.strip(), person(by)
        agent.full_clean(exclude=["scan"])
        agent.save()
        return agent

    @transition(field="status", source=REPRESENTATIVE_STATES, target=None, permission=may_handle,
                custom={"label": _("登记劳动者和推举代表"), "own_form": True,
                        "performed_by": "representation.record_workers"})
    def record_workers(self, *, by, reason="", **data):
        """The workers are found or created by the performer `representation.record_workers`
        (cases/disputes/representation.py), which then calls `settle_workers`."""

    def settle_workers(self, *, by, added: list[Worker], removed: set[int], representative_ids: set[int],
                       collective: bool) -> list[CaseWorker]:
        """The workers' side as it now stands: `added` workers joined, `removed` ones (never the
        first-named) gone, the representatives elected, and whether it is a collective dispute
        (Art.7: ten or more workers; then at least one representative before acceptance)."""
        rows = case_workers(self)
        errors = {}
        if (added or removed) and self.status not in WORKER_LIST_STATES:
            errors["workers"] = _("案件受理后不能增减劳动者；如名单有误，请在受理前登记，或另案处理。")
        if self.worker_id in removed:
            errors["removed"] = _("第一列名的劳动者%(name)s是本案的申请人一方，不能移除。") % {"name": self.worker.name}
        present = {row.worker_id for row in rows} | {self.worker_id}
        duplicates = [worker.name for worker in added if worker.pk in present]
        if duplicates:
            errors["workers"] = _("%(names)s已列入本案，不能重复登记。") % {"names": "、".join(duplicates)}
        if errors:
            raise ValidationError(errors)
        members = [self.worker_id] + [row.worker_id for row in rows if row.worker_id not in (self.worker_id, *removed)]
        members += [worker.pk for worker in added]
        unknown = representative_ids - set(members)
        if unknown:
            raise ValidationError({"representatives": _("推举代表须为本案的劳动者。")})
        self._check_collective(len(members), collective, representative_ids)
        return self._write_workers(members, representative_ids, by=by)

    def _check_collective(self, count: int, collective: bool, representative_ids: set[int]) -> None:
        if collective and not is_collective_size(count):
            raise ValidationError({"collective": _(
                "劳动者一方在%(min)s人以上并有共同请求的，方为集体劳动争议（%(art)s）；本案劳动者一方现有%(n)s人，"
                "不能登记为集体劳动争议。") % {"min": COLLECTIVE_MIN_WORKERS, "art": ART7, "n": count}})
        if not collective and is_collective_size(count):
            raise ValidationError({"collective": _(
                "本案劳动者一方有%(n)s人（%(min)s人以上），并在同一案件中提出共同请求，应登记为集体劳动争议，"
                "由劳动者推举代表参加调解（%(art)s）。") % {"n": count, "min": COLLECTIVE_MIN_WORKERS, "art": ART7}})
        if collective and not representative_ids and self.status != S.REGISTERED:
            raise ValidationError({"representatives": collective_has_representative.message})

    def _write_workers(self, members: list[int], representative_ids: set[int], *, by) -> list[CaseWorker]:
        self.case_workers.exclude(worker_id__in=members).delete()
        if len(members) == 1:  # one worker again: no list
            self.case_workers.all().delete()
        else:
            existing = {row.worker_id: row for row in self.case_workers.all()}
            # Positions are unique: move the rows kept out of the way, then number them all.
            for offset, row in enumerate(existing.values(), start=1):
                row.position = 10_000 + offset
                row.save(update_fields=["position"])
            for position, worker_id in enumerate(members, start=1):
                row = existing.get(worker_id) or CaseWorker(case=self, worker_id=worker_id, added_by=person(by))
                row.position, row.is_representative = position, worker_id in representative_ids
                row.save()
        self.worker_count = len(members)
        self.collective = is_collective_size(len(members))
        return case_workers(self)
