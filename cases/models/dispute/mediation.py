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
from cases.models.bounds import BoundedFields
from cases.models.dispute.recusal import no_pending_recusal
from cases.models.dispute.states import S, may_handle, may_lead
from cases.models.history import HistoricalRecords
from cases.rules.calendar import moment_label
from cases.rules.validators import as_date


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已举行")


class MediationSession(BoundedFields, models.Model):
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
    # The first session opens with the parties' rights and the recusal question (回避); each answer is recorded.
    rights_explained = models.BooleanField(_("已告知权利义务并询问是否申请回避"), default=False)
    recusal_answer = models.TextField(_("当事人对是否申请回避的答复"), blank=True)
    outcome = models.CharField(_("本次调解结果"), max_length=200, blank=True)
    # Blank only on sessions recorded before the note-taker was asked for.
    note_taker = models.CharField(_("记录人"), max_length=100, blank=True)
    note_taker_is_mediator = models.BooleanField(_("由调解员兼任记录人"), default=False)
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


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("书面同意")
    ORAL = "oral", _("口头同意（已记入笔录）")
    PHONE = "phone", _("电话同意（已记录）")
    ELECTRONIC = "electronic", _("电子方式同意（短信、电子邮件等）")


class MediationExtension(BoundedFields, models.Model):
    """Both parties' recorded consent to mediate beyond the organisation's mediation period:
    how, when and by whom each party agreed (企业劳动争议协商调解规定 Art.26, secondary).
    Any length, as often as both parties agree."""

    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延长天数"))
    worker_consented_on = models.DateField(_("劳动者同意日期"))
    # Blank only on extensions recorded before the method and the person were asked for.
    worker_consent_method = models.CharField(_("劳动者同意方式"), max_length=16, choices=ConsentMethod.choices,
                                             blank=True)
    worker_consent_by = models.CharField(_("劳动者一方表示同意的人"), max_length=100, blank=True)
    employer_consented_on = models.DateField(_("用人单位同意日期"))
    employer_consent_method = models.CharField(_("用人单位同意方式"), max_length=16, choices=ConsentMethod.choices,
                                               blank=True)
    employer_consent_by = models.CharField(_("用人单位一方表示同意的人"), max_length=100, blank=True)
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


def _user_name(user) -> str:
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def _check_minutes(session, *, rights_explained, recusal_answer, note_taker, note_taker_is_mediator, outcome) -> str:
    """What 调解笔录 must carry beside the statements; the note-taker's name as recorded."""
    errors = {}
    if session.number == 1:
        if rights_explained is not True:
            errors["rights_explained"] = _(
                "第一次调解须先告知当事人享有的权利和义务，询问是否申请调解员回避，并在笔录中勾选确认。")
        if not (recusal_answer or "").strip():
            errors["recusal_answer"] = _("请记录各方当事人对是否申请调解员回避的答复。")
    note_taker = (note_taker or "").strip()
    mediator_names = {_user_name(session.mediator), session.mediator.get_username()}
    if note_taker_is_mediator:
        note_taker = note_taker or _user_name(session.mediator)
        if note_taker not in mediator_names:
            errors["note_taker"] = _("勾选了由调解员兼任记录人，记录人须为本次调解的调解员%(name)s。") % {
                "name": _user_name(session.mediator)}
    elif not note_taker:
        errors["note_taker"] = _("请填写记录人姓名。")
    elif note_taker in mediator_names:
        errors["note_taker_is_mediator"] = _("记录人是本次调解的调解员的，须勾选“由调解员兼任记录人”。")
    if not (outcome or "").strip():
        errors["outcome"] = _("请填写本次调解结果，如继续调解、达成协议或调解不成。")
    if errors:
        raise ValidationError(errors)
    return note_taker


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
                conditions=[no_pending_recusal],
                custom={"label": _("记录调解笔录"), "documents": ["session_record"]})
    def record_session(self, *, by, reason="", session=None, attendees="", statements="", proposals="",
                       rights_explained=False, recusal_answer="", note_taker="", note_taker_is_mediator=False,
                       outcome="", **data):
        """The minutes of a session whose time has come. The first session's open with the parties'
        rights and the recusal question, each party's answer recorded; every session's name its
        note-taker (the mediator only when recorded so) and end with the session's outcome."""
        if session is None or session.case_id != self.pk:
            raise ValidationError({"session": _("请选择本案件的一次调解。")})
        if session.status == SessionStatus.HELD:
            raise ValidationError({"session": _("这次调解的笔录已经记录，不能重复记录。")})
        if session.starts_at > timezone.now():
            when = moment_label(session.starts_at)
            raise ValidationError({"session": _("这次调解定于%(when)s进行，尚未开始，不能记录笔录。") % {"when": when}})
        if not attendees.strip() or not statements.strip():
            raise ValidationError({"statements": _("请填写到场人员和各方陈述。")})
        note_taker = _check_minutes(session, rights_explained=rights_explained, recusal_answer=recusal_answer,
                                    note_taker=note_taker, note_taker_is_mediator=note_taker_is_mediator,
                                    outcome=outcome)
        session.status, session.recorded_at = SessionStatus.HELD, timezone.now()
        session.attendees, session.statements, session.proposals = attendees.strip(), statements.strip(), proposals.strip()
        session.rights_explained = bool(rights_explained) if session.number == 1 else False
        session.recusal_answer = recusal_answer.strip() if session.number == 1 else ""
        session.note_taker, session.note_taker_is_mediator = note_taker, bool(note_taker_is_mediator)
        session.outcome = outcome.strip()
        session.full_clean()
        session.save()
        return session

    @transition(field="status", source=S.IN_MEDIATION, target=S.IN_MEDIATION, permission=may_lead,
                custom={"label": _("延期调解"), "documents": ["extension_confirmation"], "reason_required": True,
                        "effects": ["mediation.extend_mediation_clock"]})
    def extend_mediation(self, *, by, reason="", days=None, worker_consented_on=None, employer_consented_on=None,
                         worker_consent_method="", worker_consent_by="", employer_consent_method="",
                         employer_consent_by="", **data):
        worker_on = as_date(worker_consented_on, "worker_consented_on")
        employer_on = as_date(employer_consented_on, "employer_consented_on")
        if not isinstance(days, int) or days <= 0:
            raise ValidationError({"days": _("请填写延长的天数。")})
        if max(worker_on, employer_on) > timezone.localdate():
            raise ValidationError({"worker_consented_on": _("同意日期不能晚于今天。")})
        errors = {}
        for party, method, who in (("worker", worker_consent_method, worker_consent_by),
                                   ("employer", employer_consent_method, employer_consent_by)):
            if method not in ConsentMethod.values:
                errors[f"{party}_consent_method"] = _("请选择当事人表示同意的方式。")
            if not (who or "").strip():
                errors[f"{party}_consent_by"] = _("请填写表示同意的人（当事人本人、法定代表人或委托代理人）。")
        if errors:
            raise ValidationError(errors)
        extension = MediationExtension(
            case=self, days=days, worker_consented_on=worker_on, employer_consented_on=employer_on,
            worker_consent_method=worker_consent_method, worker_consent_by=worker_consent_by.strip(),
            employer_consent_method=employer_consent_method, employer_consent_by=employer_consent_by.strip(),
            approved_by=person(by),
        )
        extension.full_clean()
        extension.save()
        return extension
