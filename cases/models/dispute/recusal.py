"""Recusal (回避): a party asks that the case's mediator step aside; a lead decides.

The parties are told of their rights, the recusal question among them, when the first
session opens (its minutes record each party's answer: MediationTransitions.record_session).
A party may ask at any time in mediation (request_recusal); while the request waits for a
lead's decision (decide_recusal) the mediator concerned records no minutes and drafts no
agreement. Granted, the case goes to another mediator in the same step, as reassign does
(its clocks and its open flow task follow, by the transition's effects); refused, the
mediator stays. Both are door transitions, so the journal keeps who asked, who decided, why.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models.actors import person
from cases.models.bounds import BoundedFields
from cases.models.dispute.states import S, may_handle, may_lead
from cases.models.fsm import read_for_conditions
from cases.models.history import HistoricalRecords


class RecusalParty(models.TextChoices):
    WORKER = "worker", _("劳动者")
    EMPLOYER = "employer", _("用人单位")


class RecusalDecision(models.TextChoices):
    PENDING = "pending", _("待决定")
    GRANTED = "granted", _("准予回避")
    REFUSED = "refused", _("驳回申请")


class RecusalRequest(BoundedFields, models.Model):
    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="recusal_requests")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("被申请回避的调解员"),
                                 on_delete=models.PROTECT, related_name="+")
    requested_by = models.CharField(_("申请人"), max_length=16, choices=RecusalParty.choices)
    reason = models.TextField(_("申请理由"))
    requested_on = models.DateField(_("申请日期"), default=timezone.localdate)
    decision = models.CharField(_("决定"), max_length=16, choices=RecusalDecision.choices,
                                default=RecusalDecision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回避申请")
        verbose_name_plural = _("回避申请")
        ordering = ["case", "requested_on", "pk"]

    def __str__(self):
        return _("%(party)s申请调解员%(mediator)s回避（%(decision)s）") % {
            "party": self.get_requested_by_display(), "mediator": self.mediator,
            "decision": self.get_decision_display()}


def pending_recusal(case) -> "RecusalRequest | None":
    if not case.pk:
        return None
    return read_for_conditions(case, "pending_recusal",
                               lambda: case.recusal_requests.filter(decision=RecusalDecision.PENDING).first())


def no_pending_recusal(case) -> bool:
    return pending_recusal(case) is None


def recusal_pending(case) -> bool:
    return not no_pending_recusal(case)


no_pending_recusal.message = _("当事人已申请调解员回避，调解组长作出决定前，不能记录调解笔录、起草调解协议或再次申请回避。")
recusal_pending.message = _("本案没有待决定的回避申请。")


class RecusalTransitions(models.Model):
    """Transitions of a case in mediation that ask for and decide a mediator's recusal."""

    class Meta:
        abstract = True

    @transition(field="status", source=S.IN_MEDIATION, target=S.IN_MEDIATION, permission=may_handle,
                conditions=[no_pending_recusal],
                custom={"label": _("申请回避"), "reason_required": True})
    def request_recusal(self, *, by, reason="", requested_by="", **data):
        if requested_by not in RecusalParty.values:
            raise ValidationError({"requested_by": _("请选择申请回避的当事人：劳动者或用人单位。")})
        if not reason.strip():
            raise ValidationError({"reason": _("请填写申请回避的理由。")})
        if self.mediator_id is None:
            raise ValidationError({"requested_by": _("本案尚未分配调解员，无需申请回避。")})
        request = RecusalRequest(case=self, mediator=self.mediator, requested_by=requested_by,
                                 reason=reason.strip(), requested_on=timezone.localdate())
        request.full_clean()
        request.save()
        return request

    @transition(field="status", source=S.IN_MEDIATION, target=S.IN_MEDIATION, permission=may_lead,
                conditions=[recusal_pending],
                custom={"label": _("决定回避"), "reason_required": True,
                        "effects": ["deadlines.hand_over_to_assignee", "dispute_flow.follow_mediator"],
                        "notifications": ["task_assigned"]})
    def decide_recusal(self, *, by, reason="", decision="", mediator=None, **data):
        """Granted: the case (its clocks, its open flow task and its sessions not yet held) goes
        to `mediator`, another of the organisation's mediators. Refused: the mediator stays."""
        from cases.models.dispute.mediation import SessionStatus

        request = pending_recusal(self)
        if decision not in (RecusalDecision.GRANTED, RecusalDecision.REFUSED):
            raise ValidationError({"decision": _("请选择准予回避或驳回申请。")})
        if not reason.strip():
            raise ValidationError({"reason": _("请填写决定的理由。")})
        if decision == RecusalDecision.GRANTED:
            if mediator is not None and mediator.pk == request.mediator_id:
                raise ValidationError({"mediator": _("准予回避的，须改派给其他调解员。")})
            self.mediator = self._eligible_mediator(mediator, by)
            for session in self.sessions.filter(status=SessionStatus.SCHEDULED, mediator_id=request.mediator_id):
                session.mediator = self.mediator
                session.save(update_fields=["mediator"])
        request.decision, request.decided_by = decision, person(by)
        request.decided_on, request.decision_reason = timezone.localdate(), reason.strip()
        request.full_clean()
        request.save()
        return request
