"""A labor dispute brought to a mediation organisation, and its legal status.

The status moves only through the transition door (cases/platform/transitions.py); each
@transition below declares who may take it, its legal conditions, and the documents and
notifications it produces. The clocks it starts and stops are in cases/rules/deadlines.py.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from cases.models.bounds import BoundedFields
from cases.models.dispute.agreement import AgreementTransitions
from cases.models.dispute.consent import ACCEPTANCE_CONDITIONS, ConsentTransitions
from cases.models.dispute.imported import HistoryTransitions
from cases.models.dispute.mediation import MediationTransitions, SessionStatus
from cases.models.dispute.recusal import RecusalTransitions
from cases.models.dispute.representation import (
    PartySide,
    RepresentationTransitions,
    collective_has_representative,
)
from cases.models.dispute.service import ServiceTransitions
from cases.models.dispute.states import (
    ARBITRATION_ADVISED,
    CASE_HANDLERS,
    ENDED_STATES,
    OPEN_STATES,
    Channel,
    DisputeStatus,
    NoSessionGround,
    RejectionGround,
    S,
    may_handle,
    may_lead,
    system_only,
)
from cases.models.fsm import StatusModel
from cases.models.history import HistoricalRecords
from cases.models.orgs import Organisation, Role
from cases.models.parties import Employer, Worker
from cases.rules.claims import ClaimType

__all__ = ["CASE_HANDLERS", "CaseNumberCounter", "Channel", "DisputeCase", "DisputeClaim", "DisputeStatus"]


def _agreement_not_reached(case) -> bool:
    return not case.agreement_reached


_agreement_not_reached.message = _("双方当事人已在调解协议上签名或盖章，协议已达成，不能视为调解不成（《劳动争议调解仲裁法》第十四条）。")


class CaseNumberCounter(models.Model):
    """The last case number issued by an organisation in a year; locked to issue the next."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案件编号计数")
        verbose_name_plural = _("案件编号计数")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_counter_per_org_year")]

    def __str__(self):
        return f"{self.organisation.code} {self.year}: {self.last}"


class DisputeCaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATES)


class DisputeCase(BoundedFields, ConsentTransitions, MediationTransitions, RecusalTransitions, AgreementTransitions,
                  HistoryTransitions, ServiceTransitions, RepresentationTransitions, StatusModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("受理组织"), on_delete=models.PROTECT, related_name="dispute_cases",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    # organisation code (up to 32) + "-YYYY-NNNN"
    number = models.CharField(_("案件编号"), max_length=48, unique=True)
    worker = models.ForeignKey(Worker, verbose_name=_("劳动者"), on_delete=models.PROTECT, related_name="disputes")
    employer = models.ForeignKey(
        Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="disputes",
    )
    # Who applied for mediation: the documents label the parties 申请人/被申请人 by it (representation.py).
    applicant_side = models.CharField(_("申请人一方"), max_length=16, choices=PartySide.choices,
                                      default=PartySide.WORKER)
    # The workers' side: `worker` is the first-named; more are CaseWorker rows (representation.py).
    worker_count = models.PositiveIntegerField(_("劳动者人数"), default=1)
    # Art.7: ten or more workers with a common claim, who elect representatives.
    collective = models.BooleanField(_("集体劳动争议"), default=False)
    employment_start = models.DateField(_("入职日期"), null=True, blank=True)
    employment_end = models.DateField(_("离职日期"), null=True, blank=True)
    channel = models.CharField(_("申请方式"), max_length=20, choices=Channel.choices)
    received_on = models.DateField(_("收到申请日期"))
    received_at = models.DateTimeField(_("收到申请时间"), default=timezone.now)
    facts = models.TextField(_("争议事实与理由"))
    # When the worker knew or should have known of the infringement (Art.27), if stated.
    infringement_known_on = models.DateField(_("知道权利被侵害之日"), null=True, blank=True)
    status = FSMField(_("状态"), max_length=20, choices=DisputeStatus.choices, default=S.REGISTERED, protected=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调解员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="mediated_disputes",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    # When mediation (or performance) ended; the closing (结案) is closed_on.
    ended_on = models.DateField(_("终结日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    end_reason = models.TextField(_("终结原因"), blank=True)
    # Why the application was not accepted (set by reject); blank for cases rejected before it was recorded.
    rejection_ground = models.CharField(_("不予受理情形"), max_length=32, choices=RejectionGround.choices, blank=True)
    # Possible earlier open case of the same worker against the same employer, flagged at intake.
    related_cases = models.ManyToManyField("self", verbose_name=_("关联案件"), blank=True, symmetrical=True)
    history = HistoricalRecords(m2m_fields=[related_cases])

    objects = DisputeCaseQuerySet.as_manager()
    # Read with the case the transition door locks (a join, no query of its own): from the draft
    # on, most steps and their conditions use the agreement.
    door_reads_along = ("agreement",)

    class Meta:
        verbose_name = _("劳动争议案件")
        verbose_name_plural = _("劳动争议案件")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "sequence"], name="one_number_per_org_year_sequence",
                violation_error_message=_("该组织本年度已有此编号的案件。"),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="dispute_org_status_idx"),
            # The reports count by these dates over a subtree (cases/statistics/disputes.py).
            models.Index(fields=["accepted_on", "organisation"], name="dispute_accepted_idx"),
            models.Index(fields=["ended_on", "organisation"], name="dispute_ended_idx"),
            models.Index(fields=["closed_on", "organisation"], name="dispute_closed_idx"),
            # Case search's default order, walked with the scope as a filter: PostgreSQL 15 keeps no
            # order across an IN list of organisations, so an index led by them would not serve it.
            models.Index(fields=["-received_on", "-id"], name="dispute_received_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.parties_title}"

    @property
    def parties_title(self) -> str:
        """王秀英 诉 北京某科技有限公司, the applicant first: the one pattern every page and message
        titles a case by ("v." in English)."""
        applicant, respondent = self.workers_label, self.employer.name
        if self.applicant_side == PartySide.EMPLOYER:
            applicant, respondent = respondent, applicant
        return _("%(applicant)s 诉 %(respondent)s") % {"applicant": applicant, "respondent": respondent}

    @property
    def workers_label(self) -> str:
        """The workers' side as named: 王秀英, or 王秀英等12人 when it has several workers."""
        name = self.worker.name
        return _("%(name)s等%(n)s人") % {"name": name, "n": self.worker_count} if self.worker_count > 1 else name

    def clean(self):
        if self.employment_start and self.employment_end and self.employment_end < self.employment_start:
            raise ValidationError({"employment_end": _("离职日期不能早于入职日期。")})
        if self.received_on and self.received_on > timezone.localdate():
            raise ValidationError({"received_on": _("收到申请日期不能晚于今天。")})

    @property
    def deadline_assignee(self):
        """Who the case's legal clocks warn: its mediator, once there is one."""
        return self.mediator

    @property
    def rejection_advises_arbitration(self) -> bool:
        """Whether the non-acceptance tells the applicant to apply for arbitration (not for a
        matter that is no labour dispute, nor one already before arbitration or a court)."""
        return self.rejection_ground in ARBITRATION_ADVISED

    @property
    def agreement_reached(self) -> bool:
        """Both parties have signed the agreement: it is reached (Art.14); the mediator's
        signature and the seal then make it effective, and no clock may deem it failed."""
        agreement = getattr(self, "agreement", None)
        return agreement is not None and agreement.signed_by_both_parties

    @property
    def total_claimed(self) -> Decimal:
        return sum((claim.amount_claimed for claim in self.claims.all()), Decimal("0.00"))

    # -- transitions: the legal status machine -------------------------------------------

    @transition(field=status, source=S.REGISTERED, target=S.ACCEPTED, permission=may_handle,
                # the respondent agreed to mediate (Art.20); a collective dispute has its representatives (Art.7)
                conditions=[*ACCEPTANCE_CONDITIONS, collective_has_representative],
                custom={"label": _("受理"), "documents": ["acceptance_notice"], "notifications": ["case_accepted"]})
    def accept(self, *, by, reason="", **data):
        self.accepted_on = data.get("accepted_on") or timezone.localdate()

    @transition(field=status, source=S.REGISTERED, target=S.REJECTED, permission=may_handle,
                custom={"label": _("不予受理"), "documents": ["non_acceptance_notice"], "reason_required": True,
                        "notifications": ["case_rejected"]})
    def reject(self, *, by, reason="", rejection_ground="", **data):
        """Not accepted, on one of the grounds of 企业劳动争议协商调解规定 第二十条 (the notice's
        advice follows it) and with the reason stated in the notice."""
        if rejection_ground not in RejectionGround.values:
            raise ValidationError({"rejection_ground": _(
                "请选择不予受理的情形：不属于劳动争议、已申请仲裁或者已向人民法院起诉、对方当事人不同意调解，"
                "或者不属于本组织受理范围。")})
        self.rejection_ground = rejection_ground
        self._end(reason)

    @transition(field=status, source=S.ACCEPTED, target=S.IN_MEDIATION, permission=may_handle,
                custom={"label": _("分配调解员"), "effects": ["deadlines.hand_over_to_assignee"],
                        "notifications": ["task_assigned"]})
    def assign(self, *, by, reason="", mediator=None, **data):
        self.mediator = self._eligible_mediator(mediator, by)

    @transition(field=status, source=S.IN_MEDIATION, target=S.IN_MEDIATION, permission=may_lead,
                custom={"label": _("改派调解员"), "reason_required": True,
                        "effects": ["deadlines.hand_over_to_assignee", "dispute_flow.follow_mediator"],
                        "notifications": ["task_assigned"]})
    def reassign(self, *, by, reason="", mediator=None, **data):
        self.mediator = self._eligible_mediator(mediator, by)

    @transition(field=status, source=[S.IN_MEDIATION, S.AGREEMENT_SIGNING], target=S.FAILED,
                permission=may_handle,
                custom={"label": _("调解不成"), "documents": ["termination_notice"], "reason_required": True})
    def fail(self, *, by, reason="", no_session_ground="", **data):
        """Mediation failed. Before any session was held, only because a party refused to attend
        or withdrew its consent, and the ground is recorded (journalled with the transition)."""
        if not self.sessions.filter(status=SessionStatus.HELD).exists() and no_session_ground not in NoSessionGround.values:
            raise ValidationError({"no_session_ground": _(
                "本案尚未举行调解，调解不成须载明原因：一方当事人拒绝参加调解，或者撤回调解同意。")})
        self._end(reason)

    @transition(field=status, source=list(OPEN_STATES), target=S.FAILED, permission=system_only,
                conditions=[_agreement_not_reached],
                custom={"label": _("期满视为调解不成"), "documents": ["termination_notice"],
                        "effects": ["dispute_flow.route_to_closing"]})
    def deem_failed(self, *, by, reason="", **data):
        self._end(reason)

    @transition(field=status, source=list(OPEN_STATES), target=S.WITHDRAWN, permission=may_handle,
                custom={"label": _("申请人撤回"), "documents": ["termination_notice"], "reason_required": True,
                        "effects": ["dispute_flow.route_to_closing"]})
    def withdraw(self, *, by, reason="", **data):
        self._end(reason)

    @transition(field=status, source=list(ENDED_STATES), target=S.CLOSED, permission=may_handle,
                custom={"label": _("结案")})
    def close(self, *, by, reason="", **data):
        self.closed_on = timezone.localdate()
        self.ended_on = self.ended_on or self.closed_on

    @transition(field=status, source=S.CLOSED, target=S.ARCHIVED, permission=may_handle,
                custom={"label": _("归档"), "documents": ["case_file"]})
    def archive(self, *, by, reason="", **data):
        """Archived cases are read-only: no transition leaves ARCHIVED."""

    def _end(self, reason):
        self.ended_on = timezone.localdate()
        self.end_reason = reason

    def _eligible_mediator(self, mediator, by):
        from cases.models.access import can_act
        from cases.models.actors import is_system

        if mediator is None:
            raise ValidationError({"mediator": _("请选择调解员。")})
        if not can_act(mediator, self.organisation, [Role.MEDIATOR]):
            raise ValidationError({"mediator": _("%(name)s不是本组织的调解员。") % {"name": mediator}})
        if not is_system(by) and mediator != by and not can_act(by, self.organisation, [Role.MEDIATION_LEAD]):
            raise ValidationError({"mediator": _("调解员只能领取给自己；分配给他人需由调解组长操作。")})
        return mediator


class DisputeClaim(BoundedFields, models.Model):
    case = models.ForeignKey(DisputeCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="claims")
    claim_type = models.CharField(_("争议事项"), max_length=32, choices=ClaimType.choices)
    description = models.CharField(_("具体请求"), max_length=300, blank=True)
    amount_claimed = models.DecimalField(
        _("请求金额（元）"), max_digits=14, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    amount_awarded = models.DecimalField(
        _("协议金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("请求事项")
        verbose_name_plural = _("请求事项")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_claim_type_display()} ¥{self.amount_claimed:,.2f}"
