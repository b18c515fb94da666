"""The other party's consent to mediation, recorded before the application is accepted.

企业劳动争议协商调解规定 第二十条 (secondary source): an application is accepted when it is a
labour dispute within the organisation's remit and both parties agree to mediate. The applicant
agreed by applying, so agreeing is the respondent's part — the employer's when the worker applied,
the worker's when the employer did (DisputeCase.applicant_side): how it was expressed (the
methods of ConsentMethod: written, oral recorded in the minutes, phone, electronic), when, by
whom on its side (法定代表人, 委托代理人) and which staff member recorded it. A recorded refusal
leaves only the non-acceptance (ground: the other party refuses).

Recorded by the case's self-transition record_consent (REGISTERED → REGISTERED) through the
door, so it is journalled and checked like every other change; accept is conditioned on it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models.actors import person
from cases.models.bounds import BoundedFields
from cases.models.dispute.mediation import ConsentMethod
from cases.models.dispute.representation import PartySide, respondent_side
from cases.models.dispute.states import S, may_handle
from cases.models.fsm import read_for_conditions
from cases.models.history import HistoricalRecords
from cases.rules.validators import as_date

ART20 = _("《企业劳动争议协商调解规定》第二十条")


class ConsentParty(models.TextChoices):
    # The respondent: the employer when the worker applied, the worker when the employer did.
    EMPLOYER = "employer", _("用人单位")
    WORKER = "worker", _("劳动者")


class ConsentDecision(models.TextChoices):
    CONSENTED = "consented", _("同意调解")
    REFUSED = "refused", _("不同意调解")


class MediationConsent(BoundedFields, models.Model):
    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="consents")
    party = models.CharField(_("当事人"), max_length=16, choices=ConsentParty.choices, default=ConsentParty.EMPLOYER)
    decision = models.CharField(_("意见"), max_length=16, choices=ConsentDecision.choices)
    method = models.CharField(_("表示方式"), max_length=16, choices=ConsentMethod.choices)
    decided_on = models.DateField(_("表示日期"))
    given_by = models.CharField(_("表示意见的人"), max_length=100,
                                help_text=_("法定代表人、委托代理人等的姓名和职务。"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    related_name="+")
    note = models.TextField(_("备注"), blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调解意见")
        verbose_name_plural = _("调解意见")
        ordering = ["case", "party"]
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="one_consent_per_case_party",
                                               violation_error_message=_("本案已登记该当事人的意见。"))]

    def __str__(self):
        return _("%(party)s%(decision)s（%(on)s，%(method)s）") % {
            "party": self.get_party_display(), "decision": self.get_decision_display(),
            "on": self.decided_on, "method": self.get_method_display()}

    @property
    def consented(self) -> bool:
        return self.decision == ConsentDecision.CONSENTED

    def clean(self):
        if self.decided_on and self.decided_on > timezone.localdate():
            raise ValidationError({"decided_on": _("表示意见的日期不能晚于今天。")})
        if self.decided_on and self.case_id and self.decided_on < self.case.received_on:
            raise ValidationError({"decided_on": _("表示意见的日期不能早于收到申请的日期（%(on)s）。")
                                   % {"on": self.case.received_on}})


def respondent_consent(case) -> MediationConsent | None:
    """The respondent's (the party that did not apply) recorded consent or refusal, if any."""
    return read_for_conditions(case, "respondent_consent",
                               lambda: case.consents.filter(party=respondent_side(case)).first())


def _consent_not_yet_recorded(case) -> bool:
    return respondent_consent(case) is None


def _worker_applied(case) -> bool:
    return case.applicant_side != PartySide.EMPLOYER


# Acceptance's conditions, one per respondent so that each refusal names that party: each holds
# trivially for the other applicant side.
def _employer_consent_recorded(case) -> bool:
    return not _worker_applied(case) or respondent_consent(case) is not None


def _employer_did_not_refuse(case) -> bool:
    consent = respondent_consent(case) if _worker_applied(case) else None
    return consent is None or consent.consented


def _worker_consent_recorded(case) -> bool:
    return _worker_applied(case) or respondent_consent(case) is not None


def _worker_did_not_refuse(case) -> bool:
    consent = None if _worker_applied(case) else respondent_consent(case)
    return consent is None or consent.consented


def consent_missing_message(party_label) -> str:
    return _("尚未登记对方当事人（%(party)s）同意调解：双方当事人同意调解的，方予受理（《企业劳动争议协商调解规定》第二十条）。") % {
        "party": party_label}


def consent_refused_message(party_label) -> str:
    return _("对方当事人（%(party)s）已表示不同意调解，不能受理，应以“对方当事人不同意调解”不予受理"
             "（《企业劳动争议协商调解规定》第二十条）。") % {"party": party_label}


_consent_not_yet_recorded.message = _("本案已登记对方当事人的意见，不能重复登记。")
_employer_consent_recorded.message = lazy(consent_missing_message, str)(PartySide.EMPLOYER.label)
_employer_did_not_refuse.message = lazy(consent_refused_message, str)(PartySide.EMPLOYER.label)
_worker_consent_recorded.message = lazy(consent_missing_message, str)(PartySide.WORKER.label)
_worker_did_not_refuse.message = lazy(consent_refused_message, str)(PartySide.WORKER.label)

# accept's conditions: the respondent agreed to mediate (Art.20).
ACCEPTANCE_CONDITIONS = [_employer_consent_recorded, _employer_did_not_refuse,
                         _worker_consent_recorded, _worker_did_not_refuse]


class ConsentTransitions(models.Model):
    """The transition of a registered case that records the other party's consent or refusal."""

    class Meta:
        abstract = True

    @transition(field="status", source=S.REGISTERED, target=S.REGISTERED, permission=may_handle,
                conditions=[_consent_not_yet_recorded], custom={"label": _("登记对方当事人意见")})
    def record_consent(self, *, by, reason="", decision="", consent_method="", decided_on=None, given_by="",
                       note="", **data):
        # "consent_method", not "method": django-fsm's wrapper takes a positional argument of that name.
        errors = {}
        if decision not in ConsentDecision.values:
            errors["decision"] = _("请选择对方当事人同意调解还是不同意调解。")
        if consent_method not in ConsentMethod.values:
            errors["consent_method"] = _("请选择对方当事人表示意见的方式（书面、口头记入笔录、电话或电子方式）。")
        if not (given_by or "").strip():
            errors["given_by"] = _("请填写表示意见的人（法定代表人或委托代理人的姓名）。")
        try:
            as_date(decided_on, "decided_on")
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        consent = MediationConsent(
            case=self, party=respondent_side(self), decision=decision, method=consent_method,
            decided_on=as_date(decided_on, "decided_on"), given_by=given_by.strip(), recorded_by=person(by),
            note=(note or "").strip(),
        )
        consent.full_clean()
        consent.save()
        return consent
