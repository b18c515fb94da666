"""Mediation sessions and extensions of the mediation period: records on a case in mediation.

Each is created by a transition of the case (a self-transition in mediation), so the door
journals it, checks who may act, and issues its documents: 调解通知书 per session and party,
调解笔录 per session held, 延期调解确认书 per extension.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models.actors import person
from cases.models.dispute.states import S, may_handle, may_lead
from cases.models.history import HistoricalRecords
from cases.rules.validators import as_date


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已举行")


class MediationSession(models.Model):
    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="sessions")
    number = models.PositiveSmallIntegerField(_("第几次调解"))
    starts_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("调解地点"), max_length=200)
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调解员"), on_delete=models.PROTECT,
                                 related_name="+")
    to_bring = models.TextField(_("需携带的材料"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    attendees = models.TextField(_("到场人员"), blank=True)
    statements = models.TextField(_("各方陈述"), blank=True)
    proposals = models.TextField(_("调解方案与意见"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调解会")
        verbose_name_plural = _("调解会")
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_session_number_per_case",
                                               violation_error_message=_("该案件已有这一次调解。"))]

    def __str__(self):
        when = timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")
        return _("第%(n)s次调解（%(when)s）") % {"n": self.number, "when": when}


class MediationExtension(models.Model):
    """Both parties' recorded consent to mediate beyond the statutory period (secondary source)."""

    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延长天数"))
    worker_consented_on = models.DateField(_("劳动者同意日期"))
    employer_consented_on = models.DateField(_("用人单位同意日期"))
    # Set when the extension is applied to the mediation clock, in the same transaction.
    new_due_on = models.DateField(_("延长后调解期限"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期调解")
        verbose_name_plural = _("延期调解")
        ordering = ["case", "created_at"]

    def __str__(self):
        return _("延期%(days)s天至%(due)s") % {"days": self.days, "due": self.new_due_on}


class MediationTransitions(models.Model):
    """Transitions of a case in mediation that record sessions and extensions."""

    class Meta:
        abstract = True

    @transition(field="status", source=S.IN_MEDIATION, target=S.IN_MEDIATION, permission=may_handle,
                custom={"label": _("安排调解"), "documents": ["session_notice"], "notifications": ["session_scheduled"]})
    def schedule_session(self, *, by, reason="", starts_at=None, place="", to_bring="", **data):
        if not isinstance(starts_at, datetime):
            raise ValidationError({"starts_at": _("请填写调解时间。")})
        if starts_at < timezone.now():
            raise ValidationError({"starts_at": _("调解时间不能早于现在。")})
        session = MediationSession(
            case=self, number=self.sessions.count() + 1, starts_at=starts_at, place=place.strip(),
            mediator=self.mediator, to_bring=to_bring.strip(),
        )
        session.full_clean()
        session.save()
        return session

    @transition(field="status", source=S.IN_MEDIATION, target=S.IN_MEDIATION, permission=may_handle,
                custom={"label": _("记录调解笔录"), "documents": ["session_record"]})
    def record_session(self, *, by, reason="", session=None, attendees="", statements="", proposals="", **data):
        if session is None or session.case_id != self.pk:
            raise ValidationError({"session": _("请选择本案件的一次调解。")})
        if session.status == SessionStatus.HELD:
            raise ValidationError({"session": _("这次调解的笔录已经记录，不能重复记录。")})
        if not attendees.strip() or not statements.strip():
            raise ValidationError({"statements": _("请填写到场人员和各方陈述。")})
        session.status, session.recorded_at = SessionStatus.HELD, timezone.now()
        session.attendees, session.statements, session.proposals = attendees.strip(), statements.strip(), proposals.strip()
        session.full_clean()
        session.save()
        return session

    @transition(field="status", source=S.IN_MEDIATION, target=S.IN_MEDIATION, permission=may_lead,
                custom={"label": _("延期调解"), "documents": ["extension_confirmation"], "reason_required": True,
                        "effects": ["mediation.extend_mediation_clock"]})
    def extend_mediation(self, *, by, reason="", days=None, worker_consented_on=None, employer_consented_on=None,
                         **data):
        worker_on = as_date(worker_consented_on, "worker_consented_on")
        employer_on = as_date(employer_consented_on, "employer_consented_on")
        if not isinstance(days, int) or days <= 0:
            raise ValidationError({"days": _("请填写延长的天数。")})
        if max(worker_on, employer_on) > timezone.localdate():
            raise ValidationError({"worker_consented_on": _("同意日期不能晚于今天。")})
        extension = MediationExtension(
            case=self, days=days, worker_consented_on=worker_on, employer_consented_on=employer_on,
            approved_by=person(by),
        )
        extension.full_clean()
        extension.save()
        return extension
