"""Forms of the dispute flow's tasks: each asks only for what its step needs.

The forms check what a person can correct on the page (a missing reason, a choice outside
the list); the legal rules themselves are checked by the transition door, whose errors the
views put back on the form.

Two kinds of form: a task's completing forms (`transition()` → the outcome taken through the
door, which completes the task) and its in-task action forms (`ACTION_FORMS`: a door
transition that leaves the task open, e.g. scheduling a session). Both are CaseForms: built
with the case and the user, and answering `transition()` with (name, reason, data).
"""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Role
from cases.models.access import can_act, holders
from cases.models.dispute.agreement import SIGNING_ORDER, Instalment, Signatory
from cases.models.dispute.consent import ConsentDecision, respondent_consent
from cases.models.dispute.mediation import ConsentMethod, SessionStatus
from cases.models.dispute.representation import PartySide, respondent_side
from cases.models.dispute.states import NoSessionGround, RejectionGround
from cases.rules.calendar import day_label
from cases.selectors import person_name
from workflows.dispute.agreement_forms import SignedOriginalFields
from workflows.dispute.representation_forms import AgentSignatureFields
from workflows.fields import BoundedDateField, YuanField

MAX_INSTALMENTS = 6


class CaseForm(forms.Form):
    """A form about one case, filled in by one user; `transition()` says what the door is asked."""

    title = ""
    submit_label = _("提交")
    # What a task's completing form may answer transition() with, and the field whose choice says
    # which ("decision", "outcome"): how a transition asked for by name finds its form
    # (workflows/transition_requests.py). In-task action forms are found by name in ACTION_FORMS.
    transitions: tuple[str, ...] = ()
    selector = ""

    @classmethod
    def selecting(cls, name: str) -> dict:
        """The data that makes transition() answer `name`: the selector's choice, if it has one."""
        return {cls.selector: name} if cls.selector else {}

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user

    def transition(self) -> tuple[str, str, dict]:
        """(door transition, reason, data) for the cleaned form."""
        raise NotImplementedError


def _reason_field(label, required_message, help_text=""):
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, help_text=help_text,
        error_messages={"required": required_message},
    )


REJECTION_GROUND_REQUIRED = _("不予受理须选择不予受理的情形。")


def rejection_ground_field(*, required: bool) -> forms.ChoiceField:
    """The ground of a non-acceptance: the notice's advice follows it (arbitration and the
    limitation date, a referral, or none)."""
    return forms.ChoiceField(
        label=_("不予受理的情形"), required=required, choices=[("", "—"), *RejectionGround.choices],
        help_text=_("不予受理通知书按所选情形告知申请人：对方不同意调解或不属于本组织受理范围的，告知仲裁及时效；"
                    "不属于劳动争议、已申请仲裁或者已起诉的，不告知仲裁。"),
        error_messages={"required": REJECTION_GROUND_REQUIRED, "invalid_choice": _("请从列表中选择不予受理的情形。")},
    )


class AcceptanceDecision(models.TextChoices):
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")


# The other party is the employer when the worker applied, the worker when the employer did.
ART20_CONSENT_MISSING = _("尚未登记对方当事人（%(party)s）同意调解，不能受理：双方当事人同意调解的，方予受理"
                          "（《企业劳动争议协商调解规定》第二十条）。请先登记对方当事人的意见。")
ART20_REFUSED = _("对方当事人（%(party)s）已表示不同意调解，不能受理，请以“对方当事人不同意调解”不予受理"
                  "（《企业劳动争议协商调解规定》第二十条）。")


def respondent_label(case) -> str:
    return str(PartySide(respondent_side(case)).label)


def respondent_given_by(case) -> str:
    """Who usually speaks for the other party: the employer's legal representative, or the worker."""
    if respondent_side(case) == PartySide.WORKER:
        return case.worker.name
    return case.employer.legal_representative or ""


def consent_summary(consent) -> str:
    """One line on the recorded consent or refusal: who, when, how, recorded by whom."""
    return _("%(party)s于%(on)s%(decision)s（%(method)s；表示意见的人：%(by)s；登记人：%(recorder)s）") % {
        "party": consent.get_party_display(), "on": day_label(consent.decided_on),
        "decision": consent.get_decision_display(), "method": consent.get_method_display(),
        "by": consent.given_by, "recorder": person_name(consent.recorded_by)}


class ConsentFields(forms.Form):
    """The other party's consent to mediate, or its refusal (企业劳动争议协商调解规定 第二十条):
    how, when and by whom it was expressed. The form checks the date against today and the
    receipt; the door checks the rest again."""

    decision = forms.ChoiceField(
        label=_("对方当事人的意见"), choices=ConsentDecision.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择对方当事人同意调解还是不同意调解。"),
                        "invalid_choice": _("请选择对方当事人同意调解还是不同意调解。")},
    )
    consent_method = forms.ChoiceField(
        label=_("表示方式"), choices=ConsentMethod.choices,
        error_messages={"required": _("请选择对方当事人表示意见的方式。"), "invalid_choice": _("请从列表中选择表示方式。")},
    )
    decided_on = BoundedDateField(
        label=_("表示日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("不能晚于今天，不能早于收到申请的日期。"),
        error_messages={"required": _("请填写对方当事人表示意见的日期。"),
                        "invalid": _("请填写有效的日期，例如 2026-10-10。")},
    )
    given_by = forms.CharField(
        label=_("表示意见的人"), max_length=100, help_text=_("法定代表人或委托代理人的姓名和职务。"),
        error_messages={"required": _("请填写表示意见的人（法定代表人或委托代理人的姓名）。"),
                        "max_length": _("表示意见的人不能超过100个字。")},
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    CONSENT_KEYS = ("decision", "consent_method", "decided_on", "given_by", "note")

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("表示意见的日期不能晚于今天。"))
        if day < self.case.received_on:
            raise forms.ValidationError(_("表示意见的日期不能早于收到申请的日期（%(on)s）。")
                                        % {"on": f"{self.case.received_on:%Y-%m-%d}"})
        return day

    def consent_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.CONSENT_KEYS}


class RecordConsentForm(ConsentFields, CaseForm):
    title = _("登记对方当事人意见")
    submit_label = _("登记")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].initial = respondent_given_by(self.case)

    def transition(self):
        return "record_consent", "", self.consent_data()


class DecideAcceptanceForm(CaseForm):
    title = _("受理审查")
    submit_label = _("提交审查结论")
    transitions, selector = ("accept", "reject"), "decision"

    decision = forms.ChoiceField(
        label=_("审查结论"), choices=AcceptanceDecision.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择受理或不予受理。"), "invalid_choice": _("请选择受理或不予受理。")},
    )
    rejection_ground = rejection_ground_field(required=False)
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=_("不予受理的，须写明理由，理由将载入不予受理通知书。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The respondent's recorded consent (Art.20): shown here; a refusal leaves only the non-acceptance.
        self.consent = respondent_consent(self.case)
        decision = self.fields["decision"]
        if self.consent is None:
            decision.help_text = _("尚未登记对方当事人（%(party)s）的意见：同意调解的方可受理，请先办理“登记对方当事人意见”。") % {
                "party": respondent_label(self.case)}
        else:
            decision.help_text = _("对方当事人意见：%(summary)s。") % {"summary": consent_summary(self.consent)}
            if not self.consent.consented:
                self.initial.setdefault("decision", AcceptanceDecision.REJECT)
                self.initial.setdefault("rejection_ground", RejectionGround.OTHER_PARTY_REFUSES)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == AcceptanceDecision.ACCEPT:
            if self.consent is None:
                self.add_error("decision", ART20_CONSENT_MISSING % {"party": respondent_label(self.case)})
            elif not self.consent.consented:
                self.add_error("decision", ART20_REFUSED % {"party": respondent_label(self.case)})
        if cleaned.get("decision") == AcceptanceDecision.REJECT:
            if not cleaned.get("rejection_ground") and "rejection_ground" not in self.errors:
                self.add_error("rejection_ground", REJECTION_GROUND_REQUIRED)
            if not cleaned.get("reason", "").strip():
                self.add_error("reason", _("不予受理须填写理由。"))
        return cleaned

    def transition(self):
        decision = self.cleaned_data["decision"]
        data = {"rejection_ground": self.cleaned_data["rejection_ground"]} if decision == AcceptanceDecision.REJECT else {}
        return decision, self.cleaned_data["reason"], data


def mediators_for(case):
    """Active users who may mediate `case`: mediators of its organisation or an ancestor."""
    return holders(case.organisation, [Role.MEDIATOR]).order_by("last_name", "first_name", "username")


class MediatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        full = f"{user.last_name}{user.first_name}".strip()
        return f"{full}（{user.get_username()}）" if full else user.get_username()


class AssignMediatorForm(CaseForm):
    title = _("分配调解员")
    submit_label = _("分配")
    transitions = ("assign",)

    mediator = MediatorChoiceField(
        label=_("调解员"), queryset=get_user_model().objects.none(),
        error_messages={"required": _("请选择调解员。"), "invalid_choice": _("所选调解员不在可选范围内，请重新选择。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case, user = self.case, self.user
        field = self.fields["mediator"]
        if can_act(user, case.organisation, [Role.MEDIATION_LEAD]):
            field.queryset = mediators_for(case)
            field.help_text = _("可选本组织及上级组织的调解员。")
        else:
            # A mediator may take the case themselves; only a lead assigns it to someone else.
            field.queryset = mediators_for(case).filter(pk=user.pk)
            field.initial = user.pk
            field.help_text = _("调解员只能领取给自己；分配给他人需由调解组长操作。")

    def transition(self):
        return "assign", "", {"mediator": self.cleaned_data["mediator"]}


class MediationOutcome(models.TextChoices):
    FAIL = "fail", _("调解不成")
    WITHDRAW = "withdraw", _("申请人撤回")


def _no_session_ground_field():
    return forms.ChoiceField(
        label=_("未举行调解的原因"), required=False, choices=[("", "—"), *NoSessionGround.choices],
        help_text=_("尚未举行调解即调解不成的，须选择原因。"),
        error_messages={"invalid_choice": _("请选择未举行调解的原因。")},
    )


class MediateForm(CaseForm):
    """Ending mediation without an agreement (the task completes, the case goes to closing)."""

    title = _("调解终结")
    submit_label = _("确认调解终结")
    transitions, selector = ("fail", "withdraw"), "outcome"

    outcome = forms.ChoiceField(
        label=_("调解结果"), choices=MediationOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择调解结果。"), "invalid_choice": _("请选择调解结果。")},
    )
    reason = _reason_field(_("理由"), _("请填写理由（载入调解终止通知书）。"),
                           _("调解不成的，写明调解不成的情况；撤回的，写明申请人撤回申请的情况。"))
    no_session_ground = _no_session_ground_field()

    def transition(self):
        return self.cleaned_data["outcome"], self.cleaned_data["reason"], _failure_data(self.cleaned_data)


def _failure_data(cleaned: dict) -> dict:
    ground = cleaned.get("no_session_ground")
    return {"no_session_ground": ground} if cleaned.get("outcome") == "fail" and ground else {}


class DraftAgreementForm(CaseForm):
    """起草调解协议: the terms, the amount agreed per claim, and the payment schedule."""

    title = _("达成协议，起草调解协议书")
    submit_label = _("起草调解协议")
    transitions = ("draft_agreement",)

    terms = forms.CharField(
        label=_("协议内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000,
        error_messages={"required": _("请填写协议内容。")},
    )
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=10, initial=3,
                                error_messages={"required": _("请填写协议份数。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.claims = list(self.case.claims.all())
        for claim in self.claims:
            self.fields[f"award_{claim.pk}"] = YuanField(
                label=_("%(claim)s 协议金额（元）") % {"claim": claim}, required=False,
                error_messages={"min_value": _("协议金额不能为负数。")},
            )
        for number in range(1, MAX_INSTALMENTS + 1):
            self.fields[f"instalment_{number}_due"] = BoundedDateField(
                label=_("第%(n)s期履行期限") % {"n": number}, required=False,
                widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": _("请填写日期。")},
            )
            self.fields[f"instalment_{number}_amount"] = YuanField(
                label=_("第%(n)s期金额（元）") % {"n": number}, required=False, min_value=Decimal("0.01"),
                error_messages={"min_value": _("每期金额须大于零。")},
            )

    def clean(self):
        cleaned = super().clean()
        for number in range(1, MAX_INSTALMENTS + 1):
            due, amount = cleaned.get(f"instalment_{number}_due"), cleaned.get(f"instalment_{number}_amount")
            if (due is None) != (amount is None) and not self.has_error(f"instalment_{number}_amount") \
                    and not self.has_error(f"instalment_{number}_due"):
                field = f"instalment_{number}_due" if due is None else f"instalment_{number}_amount"
                self.add_error(field, _("第%(n)s期须同时填写履行期限和金额。") % {"n": number})
        return cleaned

    def transition(self):
        cleaned = self.cleaned_data
        awards = {claim.pk: cleaned[f"award_{claim.pk}"] for claim in self.claims
                  if cleaned.get(f"award_{claim.pk}") is not None}
        instalments = [
            (cleaned[f"instalment_{n}_due"], cleaned[f"instalment_{n}_amount"])
            for n in range(1, MAX_INSTALMENTS + 1) if cleaned.get(f"instalment_{n}_due") is not None
        ]
        return "draft_agreement", "", {"terms": cleaned["terms"], "awards": awards, "instalments": instalments,
                                       "copies": cleaned["copies"]}


class ScheduleSessionForm(CaseForm):
    title = _("安排调解")
    submit_label = _("安排调解并发出调解通知书")

    starts_at = forms.DateTimeField(
        label=_("调解时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"required": _("请填写调解时间。"), "invalid": _("请填写调解时间，如 2026-10-12 09:30。")},
    )
    place = forms.CharField(label=_("调解地点"), max_length=200, error_messages={"required": _("请填写调解地点。")})
    to_bring = forms.CharField(label=_("需携带的材料"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def transition(self):
        data = {key: self.cleaned_data[key] for key in ("starts_at", "place", "to_bring")}
        return "schedule_session", "", data


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return str(session)


class MinutesFields(forms.Form):
    """What 调解笔录 carries beside the statements: at the first session, the parties' rights and
    the recusal question with each party's answer; the note-taker; the session's outcome. The
    door decides which are required (the first session's questions only on session 1)."""

    rights_explained = forms.BooleanField(
        label=_("已告知当事人享有的权利和义务，并询问是否申请调解员回避"), required=False,
        help_text=_("第一次调解开始时必须告知并勾选。"))
    recusal_answer = forms.CharField(
        label=_("当事人对是否申请回避的答复"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("第一次调解必填，逐一记录各方的答复，如：申请人表示不申请回避；被申请人表示不申请回避。"))
    note_taker = forms.CharField(label=_("记录人"), required=False, max_length=100,
                                 help_text=_("由调解员兼任的，勾选下一项，可不填姓名。"))
    note_taker_is_mediator = forms.BooleanField(label=_("由调解员兼任记录人"), required=False)
    outcome = forms.CharField(label=_("本次调解结果"), max_length=200,
                              help_text=_("如：继续调解、达成协议、调解不成。"),
                              error_messages={"required": _("请填写本次调解结果，如继续调解、达成协议或调解不成。")})

    MINUTES_KEYS = ("rights_explained", "recusal_answer", "note_taker", "note_taker_is_mediator", "outcome")
    # The minutes' order: the first session's questions, what was said, how it ended, who wrote it.
    field_order = ("session", "rights_explained", "recusal_answer", "attendees", "statements", "proposals",
                   "outcome", "note_taker", "note_taker_is_mediator")

    def minutes_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.MINUTES_KEYS}


class RecordSessionForm(MinutesFields, CaseForm):
    title = _("记录调解笔录")
    submit_label = _("保存调解笔录")

    session = SessionChoiceField(
        label=_("调解"), queryset=None,
        error_messages={"required": _("请选择要记录的调解。"), "invalid_choice": _("请选择本案已安排、尚未记录的调解。")},
    )
    attendees = forms.CharField(label=_("到场人员"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                                error_messages={"required": _("请填写到场人员。")})
    statements = forms.CharField(label=_("各方陈述"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}),
                                 error_messages={"required": _("请填写各方陈述。")})
    proposals = forms.CharField(label=_("调解方案与意见"), required=False, max_length=10000,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = self.case.sessions.filter(status=SessionStatus.SCHEDULED)

    def transition(self):
        data = {key: self.cleaned_data[key] for key in ("session", "attendees", "statements", "proposals")}
        return "record_session", "", {**data, **self.minutes_data()}


class ExtensionConsentFields(forms.Form):
    """Both parties' consent to extend the mediation period: how, when and by whom each agreed
    (any length, as often as both agree: 企业劳动争议协商调解规定 Art.26)."""

    days = forms.IntegerField(label=_("延长天数"), min_value=1,
                              help_text=_("双方当事人同意延长的天数，不限长短和次数。"),
                              error_messages={"required": _("请填写延长的天数。"), "invalid": _("延长天数应为整数。"),
                                              "min_value": _("延长天数至少为1天。")})
    worker_consented_on = BoundedDateField(label=_("劳动者同意日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                          error_messages={"required": _("请填写劳动者同意延期的日期。"),
                                                          "invalid": _("请填写有效的日期，例如 2026-10-10。")})
    worker_consent_method = forms.ChoiceField(label=_("劳动者同意方式"), choices=ConsentMethod.choices,
                                              error_messages={"required": _("请选择劳动者表示同意的方式。")})
    worker_consent_by = forms.CharField(label=_("劳动者一方表示同意的人"), max_length=100,
                                        help_text=_("劳动者本人或其委托代理人的姓名。"),
                                        error_messages={"required": _("请填写劳动者一方表示同意的人。")})
    employer_consented_on = BoundedDateField(label=_("用人单位同意日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                            error_messages={"required": _("请填写用人单位同意延期的日期。"),
                                                            "invalid": _("请填写有效的日期，例如 2026-10-10。")})
    employer_consent_method = forms.ChoiceField(label=_("用人单位同意方式"), choices=ConsentMethod.choices,
                                                error_messages={"required": _("请选择用人单位表示同意的方式。")})
    employer_consent_by = forms.CharField(label=_("用人单位一方表示同意的人"), max_length=100,
                                          help_text=_("法定代表人或委托代理人的姓名和职务。"),
                                          error_messages={"required": _("请填写用人单位一方表示同意的人。")})

    CONSENT_KEYS = ("days", "worker_consented_on", "worker_consent_method", "worker_consent_by",
                    "employer_consented_on", "employer_consent_method", "employer_consent_by")

    def consent_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.CONSENT_KEYS}

    def prefill_worker(self, case) -> None:
        self.fields["worker_consent_by"].initial = case.worker.name


class ExtendMediationForm(ExtensionConsentFields, CaseForm):
    title = _("延期调解（双方同意）")
    submit_label = _("批准延期并发出延期调解确认书")

    reason = _reason_field(_("延期理由"), _("请填写延期理由。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefill_worker(self.case)

    def transition(self):
        return "extend_mediation", self.cleaned_data["reason"], self.consent_data()


def next_signatory(agreement) -> str | None:
    missing = agreement.missing_signatures()
    return missing[0] if missing else None


class SignatureForm(AgentSignatureFields, CaseForm):
    """登记签名盖章: the choices are the signatures still missing; Art.14's order is the door's rule."""

    title = _("登记签名盖章")
    submit_label = _("登记")

    field_order = ["signatory", "signed_by_agent"]
    signatory = forms.ChoiceField(
        label=_("签名或盖章"), widget=forms.RadioSelect,
        error_messages={"required": _("请选择签名或盖章的一方。"), "invalid_choice": _("请选择尚未登记的一方。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agreement = getattr(self.case, "agreement", None)
        missing = agreement.missing_signatures() if agreement else []
        field = self.fields["signatory"]
        field.choices = [(s, Signatory(s).label) for s in SIGNING_ORDER if s in missing]
        if missing:
            field.initial = missing[0]

    def transition(self):
        return "record_signature", "", {"signatory": self.cleaned_data["signatory"], **self.agent_data()}


class SignedOriginalForm(SignedOriginalFields, CaseForm):
    """上传签署原件 in the signing task (the door refuses it before every signature and the seal)."""

    def transition(self):
        return "upload_signed_original", "", self.scan_data()


class MakeEffectiveForm(CaseForm):
    title = _("协议生效")
    submit_label = _("确认协议生效")
    transitions = ("make_agreement_effective",)

    confirm = forms.BooleanField(label=_("已核对：双方当事人签名或盖章、调解员签名、调解组织盖章均已登记，"
                                         "签署原件扫描件已上传"),
                                 error_messages={"required": _("请先核对签名盖章并勾选确认。")})

    def transition(self):
        return "make_agreement_effective", "", {}


class SigningOutcome(models.TextChoices):
    FAIL = "fail", _("一方拒绝签署，调解不成")
    WITHDRAW = "withdraw", _("申请人撤回")


class SigningEndedForm(CaseForm):
    title = _("未能签署")
    submit_label = _("确认调解终结")
    transitions, selector = ("fail", "withdraw"), "outcome"

    outcome = forms.ChoiceField(label=_("结果"), choices=SigningOutcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": _("请选择结果。"), "invalid_choice": _("请选择结果。")})
    reason = _reason_field(_("理由"), _("请填写理由（载入调解终止通知书）。"))
    no_session_ground = _no_session_ground_field()

    def transition(self):
        return self.cleaned_data["outcome"], self.cleaned_data["reason"], _failure_data(self.cleaned_data)


class InstalmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, instalment):
        return _("%(instalment)s，尚欠¥%(due)s") % {"instalment": instalment, "due": f"{instalment.outstanding:,.2f}"}


class PaymentForm(CaseForm):
    title = _("登记履行款项")
    submit_label = _("登记款项")

    instalment = InstalmentChoiceField(
        label=_("分期"), queryset=None,
        error_messages={"required": _("请选择本次款项对应的一期。"), "invalid_choice": _("请选择本案协议中的一期。")},
    )
    amount = YuanField(label=_("金额（元）"), min_value=Decimal("0.01"),
                       error_messages={"required": _("请填写金额。"), "min_value": _("金额须大于零。")})
    paid_on = BoundedDateField(label=_("支付日期"), widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"required": _("请填写支付日期。"), "invalid": _("请填写日期。")})
    receipt_number = forms.CharField(label=_("收据编号"), max_length=64,
                                     error_messages={"required": _("请填写收据编号。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agreement = getattr(self.case, "agreement", None)
        unpaid = [i.pk for i in agreement.instalments.all() if i.outstanding > 0] if agreement else []
        self.fields["instalment"].queryset = Instalment.objects.filter(pk__in=unpaid).order_by("number")

    def transition(self):
        data = {key: self.cleaned_data[key] for key in ("instalment", "amount", "paid_on", "receipt_number")}
        return "record_payment", "", data


class ReviewApplicationForm(CaseForm):
    title = _("登记仲裁审查确认申请")
    submit_label = _("登记申请")

    applied_on = BoundedDateField(label=_("双方共同申请日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"required": _("请填写申请日期。"), "invalid": _("请填写日期。")})

    def transition(self):
        return "apply_for_review", "", {"applied_on": self.cleaned_data["applied_on"]}


class PerformanceOutcome(models.TextChoices):
    PERFORMED = "complete_performance", _("已全部履行，确认履行完毕")
    REFER = "refer", _("未履行，引导申请仲裁（及支付令）")


class RefusalFields(forms.Form):
    """The obligor's declared refusal to perform, recorded with a referral (issue 16, point 5):
    required when no instalment is overdue yet (the door checks that), optional otherwise; the
    notice's limitation date runs from the earlier of the refusal and the first overdue
    instalment's due date."""

    refused_on = BoundedDateField(
        label=_("被申请人明确表示不履行的日期"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("尚无逾期未付清的款项时必填，不能晚于今天。仲裁时效自该日或第一期逾期款项履行期限届满之日"
                    "（以较早者为准）起重新计算，写入不履行调解协议告知书。"),
        error_messages={"invalid": _("请填写有效的日期，例如 2026-10-10。")},
    )
    refusal_note = forms.CharField(
        label=_("表示不履行的方式"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("填写了上述日期的必填：被申请人以何种方式、向谁表示不履行，例如“书面函件（已存卷）”"
                    "“法定代表人电话告知调解员李明”。"),
        error_messages={"max_length": _("表示不履行的方式不能超过500个字。")},
    )

    def check_refusal(self, cleaned: dict) -> None:
        refused_on, note = cleaned.get("refused_on"), (cleaned.get("refusal_note") or "").strip()
        if refused_on is not None and refused_on > timezone.localdate():
            self.add_error("refused_on", _("被申请人表示不履行的日期不能晚于今天。"))
        if refused_on is not None and not note:
            self.add_error("refusal_note", _("请写明被申请人以何种方式表示不履行（如书面函件、电话告知调解员）。"))
        if note and refused_on is None and "refused_on" not in self.errors:
            self.add_error("refused_on", _("请填写被申请人明确表示不履行的日期。"))

    def refusal_data(self) -> dict:
        refused_on, note = self.cleaned_data.get("refused_on"), (self.cleaned_data.get("refusal_note") or "").strip()
        return {"refused_on": refused_on, "refusal_note": note} if refused_on is not None else {}


class SupervisePerformanceForm(RefusalFields, CaseForm):
    title = _("履行结果")
    submit_label = _("确认")
    transitions, selector = ("complete_performance", "refer"), "outcome"

    outcome = forms.ChoiceField(label=_("履行结果"), choices=PerformanceOutcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": _("请选择履行结果。"), "invalid_choice": _("请选择履行结果。")})
    reason = forms.CharField(label=_("不履行情况"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("引导申请仲裁的，须写明用人单位不履行的情况。"))
    field_order = ("outcome", "reason", "refused_on", "refusal_note")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == PerformanceOutcome.REFER:
            if not cleaned.get("reason", "").strip():
                self.add_error("reason", _("引导申请仲裁须写明不履行的情况。"))
            self.check_refusal(cleaned)
        return cleaned

    def transition(self):
        outcome = self.cleaned_data["outcome"]
        data = self.refusal_data() if outcome == PerformanceOutcome.REFER else {}
        return outcome, self.cleaned_data["reason"], data


class CloseCaseForm(CaseForm):
    title = _("结案")
    submit_label = _("结案")
    transitions = ("close",)

    reason = forms.CharField(label=_("结案说明"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def transition(self):
        return "close", self.cleaned_data["reason"], {}


class ArchiveCaseForm(CaseForm):
    title = _("归档")
    submit_label = _("生成卷宗并归档")
    transitions = ("archive",)

    confirm = forms.BooleanField(label=_("已核对卷宗材料齐全；归档后案件只读"),
                                 error_messages={"required": _("请核对卷宗材料并勾选确认。")})

    def transition(self):
        return "archive", "", {}


# In-task actions: a door transition taken on an open task, by name.
ACTION_FORMS: dict[str, type[CaseForm]] = {
    "record_consent": RecordConsentForm,
    "schedule_session": ScheduleSessionForm,
    "record_session": RecordSessionForm,
    "extend_mediation": ExtendMediationForm,
    "record_signature": SignatureForm,
    "upload_signed_original": SignedOriginalForm,
    "record_payment": PaymentForm,
    "apply_for_review": ReviewApplicationForm,
}

