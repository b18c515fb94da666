"""Forms of the service (送达) pages: recording a notice's service on a party, a party's consent
to electronic service, and the 送达回证 to print.

The forms check what a browser can get wrong (a date that is not a date, a file that is no
PDF, JPEG or PNG, a box left empty); what each method needs as proof, whether the party
consented to electronic service, and the dates against the notice are the door's rules
(cases.models.dispute.service, cases.disputes.service), whose Chinese refusals the views put
back under the field they name.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.disputes.service import case_notices
from cases.documents.registry import addressees_of
from cases.models import Document
from cases.models.dispute.mediation import ConsentMethod
from cases.models.dispute.service import CERTIFICATE_METHODS, ElectronicChannel, ServiceMethod, ServiceParty
from cases.platform.uploads import SCANS, UploadField
from workflows.fields import BoundedDateField, text_field

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The door's error keys that name another field of these forms.
DOOR_FIELDS = {"method": "service_method", "channel": "channel", "corrects": None, "supersedes": None,
               "correction_reason": "reason", "document": None, "party": None}


def put_door_errors(form, error) -> None:
    """The door's refusal under the field it names (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        field = DOOR_FIELDS.get(key, key)
        form.add_error(field if field in form.fields else None, messages)


class RecordServiceForm(forms.Form):
    """登记送达: how, when and to whom the notice was delivered, and its proof."""

    service_method = forms.ChoiceField(
        label=_("送达方式"), choices=ServiceMethod.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择送达方式。"), "invalid_choice": _("请选择送达方式。")},
    )
    served_on = BoundedDateField(
        label=_("送达日期"), past=True, widget=DATE_WIDGET,
        help_text=_("文书实际送达（签收、留置、妥投或电子送达到达）的日期；不能晚于今天，不能早于文书制作的日期。"),
        error_messages={"required": _("请填写送达日期。"), "invalid": _("请填写有效的日期，例如 2026-11-05。")},
    )
    recipient = forms.CharField(
        label=_("签收人"), max_length=100,
        help_text=_("受送达人本人或代收人（同住成年家属、法定代表人、委托代理人等）的姓名；留置送达的，填写拒收的人。"),
        error_messages={"required": _("请填写签收人的姓名。"), "max_length": _("签收人不能超过100个字。")},
    )
    scan = UploadField(
        label=_("送达回证扫描件"), allowed=SCANS, required=False,
        help_text=_("直接送达、留置送达须上传签名后的送达回证扫描件或照片：PDF、JPEG或PNG，不超过20MB。"),
    )
    circumstances = text_field(
        _("留置送达情况和见证人"), required=False, rows=3,
        help_text=_("留置送达的：受送达人拒收的情况、留置的地点和日期，见证人的姓名和身份。"),
    )
    postal_number = forms.CharField(
        label=_("邮件号码"), max_length=32, required=False,
        help_text=_("邮寄送达的：邮件详情单或挂号函件收据上的号码，如 1123456789012 或 XA123456785CN。"),
    )
    electronic_address = forms.CharField(
        label=_("电子送达地址"), max_length=200, required=False,
        help_text=_("电子送达的：当事人同意电子送达时确认的手机号码或电子邮箱。"),
    )
    note = text_field(_("备注"), required=False, rows=2)

    def __init__(self, *args, correcting=None, consent=None, addressee="", **kwargs):
        super().__init__(*args, **kwargs)
        self.correcting = correcting
        self.fields["recipient"].initial = addressee
        self.fields["served_on"].initial = timezone.localdate()
        if consent is not None:
            self.fields["electronic_address"].initial = consent.address
        if correcting is not None:
            self.fields["reason"] = text_field(
                _("更正理由"), rows=2, required_message=_("请写明更正理由：原送达记录哪里有误。"),
                help_text=_("原记录仍予保留，注明由本记录更正。"))

    def arguments(self, *, document, party) -> dict:
        data = self.cleaned_data
        return {
            "reason": data.get("reason", ""),
            "data": {
                "document": document, "party": party, "service_method": data["service_method"],
                "served_on": data["served_on"], "recipient": data["recipient"], "scan": data.get("scan"),
                "circumstances": data.get("circumstances", ""), "postal_number": data.get("postal_number", ""),
                "electronic_address": data.get("electronic_address", ""), "note": data.get("note", ""),
                "corrects": self.correcting,
            },
        }


class ElectronicConsentForm(forms.Form):
    """登记电子送达同意: the party agreed to be served electronically at one address."""

    channel = forms.ChoiceField(
        label=_("电子送达方式"), choices=ElectronicChannel.choices,
        error_messages={"required": _("请选择电子送达方式。"), "invalid_choice": _("请选择电子送达方式。")},
    )
    address = forms.CharField(
        label=_("电子送达地址"), max_length=200, help_text=_("手机号码，或电子邮箱。"),
        error_messages={"required": _("请填写接收电子送达的手机号码或电子邮箱。")},
    )
    consent_method = forms.ChoiceField(
        label=_("表示同意的方式"), choices=ConsentMethod.choices,
        error_messages={"required": _("请选择当事人表示同意的方式。"), "invalid_choice": _("请选择当事人表示同意的方式。")},
    )
    given_on = BoundedDateField(
        label=_("同意日期"), past=True, widget=DATE_WIDGET, help_text=_("不能晚于今天，不能早于收到申请的日期。"),
        error_messages={"required": _("请填写当事人同意电子送达的日期。"), "invalid": _("请填写有效的日期，例如 2026-11-05。")},
    )
    given_by = forms.CharField(
        label=_("表示同意的人"), max_length=100,
        help_text=_("劳动者本人，或用人单位的法定代表人、委托代理人的姓名和职务。"),
        error_messages={"required": _("请填写表示同意的人。"), "max_length": _("表示同意的人不能超过100个字。")},
    )
    note = text_field(_("备注"), required=False, rows=2)

    def __init__(self, *args, case, party, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.party = case, party
        if party == ServiceParty.WORKER:
            self.fields["address"].initial = case.worker.phone or case.worker.email
            self.fields["channel"].initial = ElectronicChannel.SMS if case.worker.phone else ElectronicChannel.EMAIL
            self.fields["given_by"].initial = case.worker.name
        else:
            self.fields["address"].initial = case.employer.contact_email
            self.fields["channel"].initial = ElectronicChannel.EMAIL
            self.fields["given_by"].initial = case.employer.legal_representative or case.employer.contact_name
        self.fields["given_on"].initial = timezone.localdate()

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {"data": {"party": self.party, "channel": data["channel"], "address": data["address"],
                         "consent_method": data["consent_method"], "given_on": data["given_on"],
                         "given_by": data["given_by"], "note": data.get("note", "")}}


class ServicePartyForm(forms.Form):
    """Which party: the service pages have it in their address, the API in its body."""

    party = forms.ChoiceField(
        label=_("受送达的当事人"), choices=ServiceParty.choices,
        error_messages={"required": _("请选择当事人（劳动者或用人单位）。"),
                        "invalid_choice": _("请选择当事人（劳动者或用人单位）。")},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case


class NoticeAddresseeForm(ServicePartyForm):
    """Which notice is served on which party (the 登记送达 page's address; the API's body)."""

    document = forms.ModelChoiceField(
        label=_("送达的文书"), queryset=Document.objects.none(),
        help_text=_("文书编号：本案现行有效、须送达当事人的文书（受理通知书、调解协议书等）。"),
        error_messages={"required": _("请选择送达的文书。"),
                        "invalid_choice": _("所选文书不是本案须送达当事人的现行文书。")},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["document"].queryset = case_notices(case)

    def clean(self):
        cleaned = super().clean()
        document, party = cleaned.get("document"), cleaned.get("party")
        if document is not None and party and party not in addressees_of(document.kind, document.variant):
            self.add_error("party", _("该文书不送达这一方当事人。"))
        return cleaned


class CertificateForm(forms.Form):
    """生成送达回证: for 直接送达 (the recipient signs) or 留置送达 (the server and witnesses sign)."""

    method = forms.ChoiceField(
        label=_("送达方式"), choices=[(m.value, m.label) for m in map(ServiceMethod, CERTIFICATE_METHODS)],
        initial=ServiceMethod.DIRECT,
        error_messages={"required": _("请选择送达回证用于直接送达还是留置送达。"),
                        "invalid_choice": _("送达回证用于直接送达或留置送达，请从中选择。")},
    )
