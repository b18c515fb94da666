"""Forms of 在线申请调解, in plain words. They check what a browser can get wrong (a box left
empty, a date that is not a date, an attachment that is no PDF, JPEG or PNG); the intake checks
the rest (cases/disputes/intake_review.py: identifier check digits, dates, claims) and
`ApplicationForms.put_errors` puts its errors, keyed "worker-resident_id", "claims-0-amount_claimed"
and so on, back beside the fields."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, gettext_lazy

from cases.disputes.intake_review import EmployerInput, WorkerInput
from cases.disputes.online import OnlineApplication, mediating_organisations
from cases.platform.uploads import SCANS, max_upload_bytes, safe_filename, size_text, validate_upload
from cases.rules.bounds import FACTS_MAX
from workflows.dispute.page_forms import ApplicationErrors, ClaimFormSet, OrganisationChoiceField, date_field, raw_values
from workflows.fields import text_field


def max_attachments() -> int:
    return int(settings.UNIONCASE["PUBLIC_MAX_ATTACHMENTS"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once (the phone's camera or its files): each a PDF, JPEG or PNG told by
    its content, within the upload limit; at most PUBLIC_MAX_ATTACHMENTS of them."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > max_attachments():
            raise ValidationError(_("最多上传%(n)s个附件，请合并或挑选后再上传。") % {"n": max_attachments()})
        problems = []
        for upload in files:
            try:
                kind = validate_upload(upload, allowed=SCANS)
                upload.name = safe_filename(upload.name, kind)
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        return files


class WorkerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("您的姓名"), max_length=50,
                           error_messages={"required": gettext_lazy("请填写您的姓名。")})
    resident_id = forms.CharField(
        label=gettext_lazy("公民身份号码"), max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-resident-id": "1"}),
        help_text=gettext_lazy("身份证上的18位号码。以后查询案件进度时要用到。"),
        error_messages={"required": gettext_lazy("请填写您的公民身份号码，查询进度时要用到。"),
                        "max_length": gettext_lazy("公民身份号码应为18位。")})
    address = forms.CharField(label=gettext_lazy("住址"), max_length=200, required=False,
                              help_text=gettext_lazy("方便调解组织邮寄文书，可以不填。"))

    def as_input(self, phone: str) -> WorkerInput:
        data = raw_values(self)
        return WorkerInput(name=data["name"], resident_id=data["resident_id"], phone=phone, address=data["address"])


class EmployerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("用人单位名称"), max_length=200,
                           help_text=gettext_lazy("与劳动合同或营业执照上的名称一致。"),
                           error_messages={"required": gettext_lazy("请填写用人单位（公司）的名称。")})
    uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18, required=False,
                           help_text=gettext_lazy("营业执照上的18位代码；不知道可以不填。"),
                           error_messages={"max_length": gettext_lazy("统一社会信用代码应为18位。")})
    address = forms.CharField(label=gettext_lazy("单位地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=gettext_lazy("单位联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("单位联系电话"), max_length=20, required=False)

    def as_input(self) -> EmployerInput:
        data = raw_values(self)
        return EmployerInput(name=data["name"], uscc=data["uscc"], address=data["address"],
                             contact_name=data["contact_name"], contact_phone=data["contact_phone"])


class ApplicationForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=gettext_lazy("向哪个调解组织申请"), queryset=None, empty_label=gettext_lazy("请选择"),
        help_text=gettext_lazy("一般选择用人单位所在地或您工作地的街道（乡镇）调解中心；单位设有劳动争议调解委员会的也可以选择它。"),
        error_messages={"required": gettext_lazy("请选择调解组织。"),
                        "invalid_choice": gettext_lazy("请从列表中选择调解组织。")})
    employment_start = date_field(gettext_lazy("入职日期"), past=True)
    employment_end = date_field(gettext_lazy("离职日期"), help_text=gettext_lazy("还在职的不填。"))
    infringement_known_on = date_field(
        gettext_lazy("您是哪一天知道自己的权益受到侵害的"), past=True,
        help_text=gettext_lazy("例如工资应发而未发的日期、被辞退的日期。用来提醒您申请仲裁的时间限制；不清楚可以不填。"))
    facts = text_field(gettext_lazy("发生了什么"), limit=FACTS_MAX, rows=6,
                       required_message=gettext_lazy("请简单说明发生了什么：什么时候入职、做什么工作、单位欠了什么、您找单位要过没有。"))
    attachments = AttachmentsField(
        label=gettext_lazy("证据材料（可以不传）"), required=False,
        help_text=gettext_lazy("劳动合同、工资条、聊天记录截图等，可以直接拍照。"))
    electronic_service = forms.BooleanField(
        label=gettext_lazy("我同意调解组织通过手机短信向我送达受理通知书、调解通知书等文书；我在“案件进度查询”中打开文书之日，"
                           "就是文书送达之日。"), required=False)
    acknowledge_warnings = forms.BooleanField(label=gettext_lazy("我已了解上面的提示，仍然提交申请"), required=False)
    warnings_digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = mediating_organisations()
        self.fields["attachments"].help_text = _("劳动合同、工资条、聊天记录截图等，可以直接拍照；PDF、JPEG或PNG，最多%(n)s个，"
                                                 "每个不超过%(size)s。") % {"n": max_attachments(),
                                                                      "size": size_text(max_upload_bytes())}


class ApplicationForms(ApplicationErrors):
    """The page's forms and how the intake's error keys map onto them."""

    def __init__(self, data=None, files=None):
        self.main = ApplicationForm(data, files)
        self.worker = WorkerForm(data, prefix="worker")
        self.employer = EmployerForm(data, prefix="employer")
        self.claims = ClaimFormSet(data, prefix="claims")
        self.claim_errors: list[str] = []
        self.claim_rows: list[int] = []

    def is_valid(self) -> bool:
        return all([self.main.is_valid(), self.worker.is_valid(), self.employer.is_valid(), self.claims.is_valid()])

    def reviewable(self) -> bool:
        needed = ("organisation", "infringement_known_on", "employment_start", "employment_end")
        return not any(name in self.main.errors for name in needed) and "organisation" in self.main.cleaned_data

    def application(self, phone: str) -> OnlineApplication:
        cleaned = self.main.cleaned_data
        rows = [(index, form) for index, form in enumerate(self.claims.forms) if form.has_changed()]
        self.claim_rows = [index for index, _form in rows]
        return OnlineApplication(
            organisation=cleaned["organisation"], worker=self.worker.as_input(phone), employer=self.employer.as_input(),
            claims=[form.as_input() for _index, form in rows], facts=cleaned.get("facts") or "",
            employment_start=cleaned.get("employment_start"), employment_end=cleaned.get("employment_end"),
            infringement_known_on=cleaned.get("infringement_known_on"))

    def any_errors(self) -> bool:
        return bool(self.main.errors or self.worker.errors or self.employer.errors or self.claim_errors
                    or any(form.errors for form in self.claims.forms) or self.claims.non_form_errors())
