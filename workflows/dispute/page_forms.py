"""Forms of the case pages: the registration form (登记申请), case search, and the case's actions.

The forms check only what a browser can get wrong (a date that is not a date, a required box
left empty); the rules of intake are checked by cases.disputes.intake_review.check_application
and the legal rules of each action by the transition door, whose errors the views put back on
these forms. Field names follow the keys check_application uses: the worker's fields under the
prefix "worker", the employer's under "employer", claims in a formset with prefix "claims".
"""

import hashlib
from datetime import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.disputes.intake_review import LATE_ENTRY_REASON_MAX_LENGTH, ClaimInput, EmployerInput, WorkerInput
from cases.models import (
    Channel,
    DisputeStatus,
    Instalment,
    MediationSession,
    RecusalDecision,
    RecusalParty,
    Role,
    Signatory,
)
from cases.models.dispute.case import CASE_HANDLERS
from cases.models.dispute.consent import respondent_consent
from cases.models.dispute.representation import PartySide
from cases.models.dispute.states import RejectionGround
from cases.rules.bounds import CENT, FACTS_MAX, LONG_TEXT_MAX, amount_error, date_error, decimal_from_text
from cases.rules.claims import live_claim_choices
from cases.rules.intake import LATE_ENTRY_AFTER_DAYS
from workflows.dispute.agreement_forms import SignedOriginalFields
from workflows.dispute.flow import organisations_where
from workflows.dispute.forms import (
    ConsentFields,
    ExtensionConsentFields,
    MediatorChoiceField,
    MinutesFields,
    RefusalFields,
    mediators_for,
    rejection_ground_field,
    respondent_given_by,
)
from workflows.dispute.representation_forms import AgentSignatureFields
from workflows.fields import BoundedDateField, YuanField, text_field

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REGISTRATION_CHANNELS = [(c.value, c.label) for c in (Channel.WALK_IN_WRITTEN, Channel.ORAL, Channel.PHONE)]


def required(message):
    return {"required": message}


def date_field(label, *, required_message=None, past=False, **kwargs):
    """A date within sensible years (cases.rules.bounds); `past=True`: not after today either."""
    messages = {"invalid": _("请填写有效的日期，例如 2026-10-10。")}
    if required_message:
        messages["required"] = required_message
    return BoundedDateField(label=label, required=bool(required_message), widget=DATE_WIDGET,
                            error_messages=messages, past=past, **kwargs)


def raw_values(form) -> dict[str, str]:
    """The text of each field as typed, so a review runs even beside a field the form refused."""
    values = {}
    for name in form.fields:
        value = form[name].value()
        values[name] = value.strip() if isinstance(value, str) else ""
    return values


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation):
        return organisation.name


# -- registration ---------------------------------------------------------------------------

class RegistrationForm(forms.Form):
    """The application itself: how and when it came, where, the facts and the dates of Art.27."""

    channel = forms.ChoiceField(
        label=_("申请方式"), choices=REGISTRATION_CHANNELS, widget=forms.RadioSelect,
        error_messages={**required(_("请选择申请方式。")), "invalid_choice": _("请选择申请方式。")},
    )
    applicant_side = forms.ChoiceField(
        label=_("申请人"), choices=PartySide.choices, widget=forms.RadioSelect, initial=PartySide.WORKER, required=False,
        help_text=_("谁申请调解：劳动者，或用人单位。文书中申请一方称“申请人”，另一方称“被申请人”；受理前须登记另一方同意调解。"),
        error_messages={**required(_("请选择申请人是劳动者还是用人单位。")),
                        "invalid_choice": _("请选择申请人是劳动者还是用人单位。")},
    )
    organisation = OrganisationChoiceField(
        label=_("受理组织"), queryset=None, empty_label=None,
        error_messages={**required(_("请选择受理组织。")),
                        "invalid_choice": _("所选组织不在您可以登记的范围内，请重新选择。")},
    )
    received_on = date_field(_("收到申请日期"), required_message=_("请填写收到申请日期。"))
    received_at = forms.TimeField(
        label=_("收到申请时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={**required(_("请填写收到申请的时间。")), "invalid": _("请填写有效的时间，例如 09:30。")},
    )
    employment_start = date_field(_("入职日期"), past=True)
    employment_end = date_field(_("离职日期"))
    infringement_known_on = date_field(
        _("知道或者应当知道权利被侵害之日"), past=True,
        help_text=_("用于计算仲裁时效（《劳动争议调解仲裁法》第二十七条）；不清楚的可不填。"),
    )
    facts = text_field(_("争议事实与理由"), limit=FACTS_MAX, rows=5,
                       required_message=_("请填写争议事实与理由。"))
    # A late entry (补录) is registered by a mediation lead, who says why; shown to leads only
    # (check_application tells a mediator on the received date that a lead must confirm).
    late_entry_reason = forms.CharField(
        label=_("补录原因"), required=False, max_length=LATE_ENTRY_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=format_lazy(_("收到申请超过{days}天才登记的属于补录，须由调解组长确认并填写原因；其他申请不必填写。"),
                              days=LATE_ENTRY_AFTER_DAYS),
        error_messages={"max_length": format_lazy(_("补录原因不能超过{max}个字。"), max=LATE_ENTRY_REASON_MAX_LENGTH)},
    )
    acknowledge_warnings = forms.BooleanField(label=_("我已知悉上述提示，继续登记"), required=False)
    # Which warnings the box was ticked for: a changed warning must be seen again.
    warnings_digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = organisations_where(user, CASE_HANDLERS).active().order_by("path")  # 停用的不再收案
        self.fields["organisation"].queryset = organisations
        if not organisations_where(user, [Role.MEDIATION_LEAD]).exists():
            del self.fields["late_entry_reason"]
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("received_on", now.date())
            self.initial.setdefault("received_at", now.time().replace(second=0, microsecond=0))
            self.initial.setdefault("channel", Channel.WALK_IN_WRITTEN)
            self.initial.setdefault("applicant_side", PartySide.WORKER)
            first = organisations.first()
            if first is not None:
                self.initial.setdefault("organisation", first.pk)

    def clean_applicant_side(self):
        return self.cleaned_data["applicant_side"] or PartySide.WORKER  # the worker unless the employer applied

    def received_moment(self) -> datetime:
        cleaned = self.cleaned_data
        return timezone.make_aware(datetime.combine(cleaned["received_on"], cleaned["received_at"]))


class WorkerForm(forms.Form):
    # Names are required by check_application, which reports them with the other problems at once.
    name = forms.CharField(label=_("劳动者姓名"), max_length=50, required=False)
    resident_id = forms.CharField(
        label=_("公民身份号码"), max_length=18, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "data-resident-id": "1"}),
        error_messages={"max_length": _("公民身份号码应为18位。")},
    )
    # Filled in the browser from the resident ID; the server derives them again on saving.
    birth_date = forms.CharField(label=_("出生日期"), required=False,
                                 widget=forms.TextInput(attrs={"readonly": "readonly", "tabindex": "-1"}))
    sex = forms.CharField(label=_("性别"), required=False,
                          widget=forms.TextInput(attrs={"readonly": "readonly", "tabindex": "-1"}))
    region_code = forms.CharField(label=_("户籍地区代码"), required=False,
                                  widget=forms.TextInput(attrs={"readonly": "readonly", "tabindex": "-1"}))
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

    def as_input(self) -> WorkerInput:
        data = raw_values(self)
        return WorkerInput(name=data["name"], resident_id=data["resident_id"], phone=data["phone"],
                           email=data["email"], address=data["address"])


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("用人单位名称"), max_length=200, required=False)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False,
                           error_messages={"max_length": _("统一社会信用代码应为18位。")})
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    contact_email = forms.CharField(label=_("联系邮箱"), max_length=254, required=False,
                                    widget=forms.EmailInput(attrs={"autocomplete": "off"}))

    def as_input(self) -> EmployerInput:
        data = raw_values(self)
        return EmployerInput(
            name=data["name"], uscc=data["uscc"], address=data["address"],
            legal_representative=data["legal_representative"], contact_name=data["contact_name"],
            contact_phone=data["contact_phone"], contact_email=data["contact_email"],
        )


class ClaimForm(forms.Form):
    claim_type = forms.ChoiceField(
        label=_("争议事项"), choices=[("", _("请选择"))] + live_claim_choices(),
        error_messages={**required(_("请选择争议事项。")), "invalid_choice": _("请从列表中选择争议事项。")},
    )
    description = forms.CharField(label=_("具体请求"), required=False)
    # Kept as typed: check_application says in words what is wrong with an amount.
    amount_claimed = forms.CharField(label=_("请求金额（元）"), required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def as_input(self) -> ClaimInput:
        data = raw_values(self)
        return ClaimInput(claim_type=data["claim_type"], amount_claimed=(data["amount_claimed"] or "0").replace(",", ""),
                          description=data["description"])


ClaimFormSet = forms.formset_factory(ClaimForm, extra=1, max_num=30, validate_max=True)


def warnings_digest(warnings) -> str:
    text = "\n".join(f"{warning.code}:{warning.message}" for warning in warnings)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# -- search -----------------------------------------------------------------------------------

class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("查询"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("案件编号、劳动者姓名或公民身份号码、用人单位名称或统一社会信用代码")}),
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态"))] + list(DisputeStatus.choices))


# -- the case's actions -------------------------------------------------------------------------

class ActionForm(forms.Form):
    """An action on the case page that needs only a reason (withdraw, close, archive, ...)."""

    reason = forms.CharField(label=_("理由"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, user, spec, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.user, self.spec = case, user, spec
        if spec.custom.get("reason_required"):
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _("请填写理由。")
        elif not self.asks_reason:
            del self.fields["reason"]

    asks_reason = True

    def arguments(self) -> dict:
        """The keyword arguments for the door: reason and data."""
        return {"reason": self.cleaned_data.get("reason", ""), "data": self.data_for_door()}

    def data_for_door(self) -> dict:
        return {}


class RejectForm(ActionForm):
    """不予受理 on a case without a flow: the ground (the notice's advice follows it) and the reason."""

    rejection_ground = rejection_ground_field(required=True)
    field_order = ["rejection_ground", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        consent = respondent_consent(self.case)
        if consent is not None and not consent.consented:  # the respondent refused: Art.20's ground
            self.initial.setdefault("rejection_ground", RejectionGround.OTHER_PARTY_REFUSES)

    def data_for_door(self):
        return {"rejection_ground": self.cleaned_data["rejection_ground"]}


class RecordConsentForm(ConsentFields, ActionForm):
    """登记对方当事人意见 on a case without a flow: the respondent agrees to mediate or refuses."""

    asks_reason = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].initial = respondent_given_by(self.case)

    def data_for_door(self):
        return self.consent_data()


class ReassignForm(ActionForm):
    mediator = MediatorChoiceField(
        label=_("改派给"), queryset=get_user_model().objects.none(),
        error_messages={"required": _("请选择调解员。"), "invalid_choice": _("所选调解员不在可选范围内，请重新选择。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators_for(self.case).exclude(pk=self.case.mediator_id)

    def data_for_door(self):
        return {"mediator": self.cleaned_data["mediator"]}


class ScheduleSessionForm(ActionForm):
    asks_reason = False
    starts_at = forms.DateTimeField(
        label=_("调解时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("请填写调解时间。"), "invalid": _("请填写有效的调解时间。")},
    )
    place = forms.CharField(label=_("调解地点"), max_length=200, error_messages={"required": _("请填写调解地点。")})
    to_bring = text_field(_("需携带的材料"), required=False, rows=2)

    def data_for_door(self):
        data = self.cleaned_data
        return {"starts_at": data["starts_at"], "place": data["place"], "to_bring": data["to_bring"]}


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return str(session)


class RecordSessionForm(MinutesFields, ActionForm):
    asks_reason = False
    session = SessionChoiceField(
        label=_("调解"), queryset=MediationSession.objects.none(),
        error_messages={"required": _("请选择本案件的一次调解。"), "invalid_choice": _("请选择本案件的一次调解。")},
    )
    attendees = text_field(_("到场人员"), rows=2, required_message=_("请填写到场人员。"))
    statements = text_field(_("各方陈述"), limit=LONG_TEXT_MAX, rows=4, required_message=_("请填写各方陈述。"))
    proposals = text_field(_("调解方案与意见"), limit=LONG_TEXT_MAX, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = self.case.sessions.filter(status="scheduled")

    def data_for_door(self):
        data = self.cleaned_data
        return {"session": data["session"], "attendees": data["attendees"], "statements": data["statements"],
                "proposals": data["proposals"], **self.minutes_data()}


class RequestRecusalForm(ActionForm):
    """申请回避: which party asks that the case's mediator step aside, and why (the reason)."""

    requested_by = forms.ChoiceField(
        label=_("申请回避的当事人"), choices=RecusalParty.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择申请回避的当事人：劳动者或用人单位。"),
                        "invalid_choice": _("请选择申请回避的当事人：劳动者或用人单位。")},
    )
    field_order = ["requested_by", "reason"]

    def data_for_door(self):
        return {"requested_by": self.cleaned_data["requested_by"]}


class DecideRecusalForm(ActionForm):
    """决定回避 (a lead): granted, the case goes to the mediator chosen here; refused, it stays."""

    decision = forms.ChoiceField(
        label=_("决定"), choices=[(RecusalDecision.GRANTED.value, RecusalDecision.GRANTED.label),
                                 (RecusalDecision.REFUSED.value, RecusalDecision.REFUSED.label)],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择准予回避或驳回申请。"), "invalid_choice": _("请选择准予回避或驳回申请。")},
    )
    mediator = MediatorChoiceField(
        label=_("改派给"), required=False, queryset=get_user_model().objects.none(),
        help_text=_("准予回避的，须选择接手本案的调解员。"),
        error_messages={"invalid_choice": _("所选调解员不在可选范围内，请重新选择。")},
    )
    field_order = ["decision", "mediator", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators_for(self.case).exclude(pk=self.case.mediator_id)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == RecusalDecision.GRANTED and not cleaned.get("mediator") \
                and "mediator" not in self.errors:
            self.add_error("mediator", _("准予回避的，须选择接手本案的调解员。"))
        return cleaned

    def data_for_door(self):
        data = {"decision": self.cleaned_data["decision"]}
        if self.cleaned_data["decision"] == RecusalDecision.GRANTED:
            data["mediator"] = self.cleaned_data["mediator"]
        return data


class ExtendMediationForm(ExtensionConsentFields, ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefill_worker(self.case)

    def data_for_door(self):
        return self.consent_data()


class RecordSignatureForm(AgentSignatureFields, ActionForm):
    asks_reason = False
    field_order = ["signatory", "signed_by_agent"]
    signatory = forms.ChoiceField(label=_("签名或盖章的一方"), choices=Signatory.choices,
                                  error_messages={"required": _("请选择签名或盖章的一方。"),
                                                  "invalid_choice": _("请选择签名或盖章的一方。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agreement = getattr(self.case, "agreement", None)
        if agreement is not None:
            missing = agreement.missing_signatures()
            self.fields["signatory"].choices = [(s, Signatory(s).label) for s in missing]

    def data_for_door(self):
        return {"signatory": self.cleaned_data["signatory"], **self.agent_data()}


class UploadSignedOriginalForm(SignedOriginalFields, ActionForm):
    asks_reason = False

    def data_for_door(self):
        return self.scan_data()


class InstalmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, instalment):
        return str(instalment)


def amount_field(label):
    return YuanField(label=label, min_value=Decimal("0.01"), error_messages={"required": _("请填写金额。")})


class RecordPaymentForm(ActionForm):
    asks_reason = False
    instalment = InstalmentChoiceField(label=_("分期"), queryset=Instalment.objects.none(),
                                       error_messages={"required": _("请选择本案协议中的一期。"),
                                                       "invalid_choice": _("请选择本案协议中的一期。")})
    amount = amount_field(_("金额（元）"))
    paid_on = date_field(_("支付日期"), required_message=_("请填写支付日期。"))
    receipt_number = forms.CharField(label=_("收据编号"), max_length=64, error_messages={"required": _("请填写收据编号。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].queryset = Instalment.objects.filter(agreement__case=self.case).order_by("number")

    def data_for_door(self):
        data = self.cleaned_data
        return {"instalment": data["instalment"], "amount": data["amount"], "paid_on": data["paid_on"],
                "receipt_number": data["receipt_number"]}


class ApplyForReviewForm(ActionForm):
    asks_reason = False
    applied_on = date_field(_("申请日期"), required_message=_("请填写申请仲裁审查确认的日期。"))

    def data_for_door(self):
        return {"applied_on": self.cleaned_data["applied_on"]}


class DraftAgreementForm(ActionForm):
    """The agreement's terms, the amount agreed for each claim and the payment schedule.

    Instalments are one per line, "2026-12-31 5000.00": the door checks that they add up to
    the amounts agreed.
    """

    asks_reason = False
    terms = text_field(_("协议内容"), limit=LONG_TEXT_MAX, rows=5, required_message=_("请填写协议内容。"))
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=10, initial=3,
                                error_messages={"required": _("请填写份数。"), "invalid": _("份数应为整数。")})
    instalments = text_field(
        _("分期履行"), required=False,
        help_text=_("每行一期：履行期限 金额，例如“2026-12-31 5000.00”。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.claims = list(self.case.claims.all())
        for claim in self.claims:
            self.fields[f"award_{claim.pk}"] = YuanField(
                label=_("协议金额：%(claim)s") % {"claim": claim}, required=False)

    def clean_instalments(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["instalments"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.replace("，", " ").replace(",", "").split()
            try:
                due_on = datetime.strptime(parts[0], "%Y-%m-%d").date()
                amount = decimal_from_text(parts[1])
            except (IndexError, ValueError):
                amount = None
            if amount is None:
                raise forms.ValidationError(
                    _("第%(n)s行应为“履行期限 金额”，例如“2026-12-31 5000.00”。") % {"n": number})
            label = _("第%(n)s行") % {"n": number}
            if message := date_error(due_on, label=label) or amount_error(amount, label=label, minimum=CENT):
                raise forms.ValidationError(message)
            rows.append((due_on, amount))
        return rows

    def data_for_door(self):
        data = self.cleaned_data
        awards = {claim.pk: data[f"award_{claim.pk}"] for claim in self.claims
                  if data.get(f"award_{claim.pk}") is not None}
        return {"terms": data["terms"], "copies": data["copies"], "awards": awards,
                "instalments": data["instalments"]}


class ReferForm(RefusalFields, ActionForm):
    """不履行，引导申请仲裁或支付令: the reason (required by the door's spec) and, before any
    instalment is overdue, the obligor's declared refusal."""

    def clean(self):
        cleaned = super().clean()
        self.check_refusal(cleaned)
        return cleaned

    def data_for_door(self):
        return self.refusal_data()


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "record_consent": RecordConsentForm,
    "reject": RejectForm,
    "reassign": ReassignForm,
    "request_recusal": RequestRecusalForm,
    "decide_recusal": DecideRecusalForm,
    "schedule_session": ScheduleSessionForm,
    "record_session": RecordSessionForm,
    "extend_mediation": ExtendMediationForm,
    "record_signature": RecordSignatureForm,
    "upload_signed_original": UploadSignedOriginalForm,
    "record_payment": RecordPaymentForm,
    "apply_for_review": ApplyForReviewForm,
    "draft_agreement": DraftAgreementForm,
    "refer": ReferForm,
}


def action_form(spec, *, case, user, data=None, files=None) -> ActionForm:
    form_class = ACTION_FORMS.get(spec.name, ActionForm)
    return form_class(data, files, case=case, user=user, spec=spec, prefix=spec.name)


class ApplicationErrors:
    """The service's errors of an application (keys "worker-name", "claims-0-amount", ...) put
    on the forms of the page that typed it: the main form, the worker's and the employer's, and
    the claim rows (`claim_rows` maps the service's claim index to the formset's row)."""

    main: forms.Form
    worker: forms.Form
    employer: forms.Form
    claims: forms.BaseFormSet
    claim_rows: list[int]
    claim_errors: list[str]

    def put_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            if key == "claims":
                self.claim_errors.extend(messages)
                continue
            form, field = self.main, key
            if key.startswith("worker-"):
                form, field = self.worker, key.removeprefix("worker-")
            elif key.startswith("employer-"):
                form, field = self.employer, key.removeprefix("employer-")
            elif key.startswith("claims-"):
                _prefix, number, field = key.split("-", 2)
                index = int(number)
                form = self.claims.forms[self.claim_rows[index] if index < len(self.claim_rows) else index]
            if field not in form.fields or field == "__all__":
                field = None
            elif field in form.errors:
                continue  # the form has said what is wrong with this field already
            for message in messages:
                form.add_error(field, message)
