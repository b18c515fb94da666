"""困难职工帮扶申请 (/public/hardship/): the phone step, then the household, its incomes and
expenses, the reason and the signed authorisation; the application lands in the federation's
登记申请 queue (cases/hardship/online.py).

The household's rows reuse the caseworkers' forms (workflows/hardship/register/forms.py), with
a few empty rows each so the page works without a script; the intake's errors, keyed
"head-resident_id", "members-0-name", "incomes-1-amount", come back beside the fields.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import TemplateView

from cases.hardship.online import apply_for_hardship, hardship_organisations
from cases.models import CodePurpose, HardshipFile
from cases.platform.phone_codes import CodeNotConfirmed
from cases.platform.uploads import SCANS, UploadField
from cases.rules.bounds import FACTS_MAX
from cases.rules.validators import parse_resident_id
from public.phone import PhoneStep, forget
from workflows.dispute.page_forms import OrganisationChoiceField, raw_values
from workflows.fields import text_field
from workflows.hardship.register.forms import (
    ExpenseForm,
    HardshipCostForm,
    HeadStatusForm,
    IncomeForm,
    MemberForm,
)
from workflows.hardship.register.views import live_rows

APPLIED_KEY = "public:applied_hardship_file"
ROWS = ("members", "incomes", "expenses", "hardship_costs")
FORMSETS = {
    "members": forms.formset_factory(MemberForm, extra=3, max_num=20, validate_max=True),
    "incomes": forms.formset_factory(IncomeForm, extra=3, max_num=30, validate_max=True),
    "expenses": forms.formset_factory(ExpenseForm, extra=2, max_num=30, validate_max=True),
    "hardship_costs": forms.formset_factory(HardshipCostForm, extra=1, max_num=30, validate_max=True),
}


class HeadForm(HeadStatusForm):
    name = forms.CharField(label=gettext_lazy("您的姓名"), max_length=50,
                           error_messages={"required": gettext_lazy("请填写您的姓名。")})
    resident_id = forms.CharField(
        label=gettext_lazy("公民身份号码"), max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-resident-id": "1"}),
        error_messages={"required": gettext_lazy("请填写您的公民身份号码。"),
                        "max_length": gettext_lazy("公民身份号码应为18位。")})

    def as_input(self) -> dict:
        data = raw_values(self)
        return {name: data[name] for name in ("name", "resident_id", "health", "employment", "schooling")}


class HouseholdForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=gettext_lazy("向哪个工会申请"), queryset=None, empty_label=gettext_lazy("请选择"),
        help_text=gettext_lazy("选择您家所在区的区总工会。"),
        error_messages={"required": gettext_lazy("请选择工会。"), "invalid_choice": gettext_lazy("请从列表中选择工会。")})
    region_code = forms.CharField(
        label=gettext_lazy("家庭所在地的行政区划代码"), max_length=6, required=False,
        help_text=gettext_lazy("6位数字，例如海淀区 110108；不填就按您身份证号码的前6位。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    address = forms.CharField(label=gettext_lazy("家庭住址"), max_length=200,
                              error_messages={"required": gettext_lazy("请填写家庭住址，工作人员会上门了解情况。")})
    work_unit = forms.CharField(label=gettext_lazy("工作单位"), max_length=120, required=False)
    reason = text_field(gettext_lazy("为什么申请帮扶"), limit=FACTS_MAX, rows=5,
                        required_message=gettext_lazy("请说明申请帮扶的原因（家庭遇到了什么困难）。"),
                        help_text=gettext_lazy("例如家人患了什么病、孩子上学的费用、家里有几个人没有工作。"))
    authorisation = UploadField(
        label=gettext_lazy("信息核对授权书"), allowed=SCANS,
        help_text=gettext_lazy("全体家庭成员签名的授权书，拍照或扫描后上传（PDF、JPEG或PNG）。工会凭它向民政等部门核对家庭经济状况。"),
        error_messages={"required": gettext_lazy("请上传全体家庭成员签名的信息核对授权书。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = hardship_organisations()


class HardshipForms:
    def __init__(self, data=None, files=None):
        self.main = HouseholdForm(data, files)
        self.head = HeadForm(data, prefix="head")
        self.formsets = {prefix: FORMSETS[prefix](data, prefix=prefix) for prefix in ROWS}
        self.rows: dict[str, list[int]] = {prefix: [] for prefix in ROWS}

    def is_valid(self) -> bool:
        return all([self.main.is_valid(), self.head.is_valid(), *(f.is_valid() for f in self.formsets.values())])

    def _rows(self, prefix) -> list[dict]:
        rows = live_rows(self.formsets[prefix])
        self.rows[prefix] = [index for index, _form in rows]
        return [form.as_input() for _index, form in rows]

    def application(self) -> dict:
        cleaned = self.main.cleaned_data
        head = self.head.as_input()
        region = (cleaned.get("region_code") or "").strip()
        if not region:
            try:
                region = parse_resident_id(head["resident_id"]).region_code
            except ValidationError:
                region = ""
        return {"organisation": cleaned["organisation"], "year": timezone.localdate().year, "head": head,
                "region_code": region, "address": cleaned.get("address", ""), "work_unit": cleaned.get("work_unit", ""),
                **{prefix: self._rows(prefix) for prefix in ROWS}}

    def put_errors(self, errors: dict[str, list[str]]) -> None:
        for key, found in errors.items():
            form, field = self.main, key
            if key == "head-address":
                field = "address"
            elif key.startswith("head-"):
                form, field = self.head, key.removeprefix("head-")
            elif key.split("-", 1)[0] in ROWS and key.count("-") >= 2:
                prefix, number, field = key.split("-", 2)
                sent = self.rows[prefix]
                index = int(number)
                form = self.formsets[prefix].forms[sent[index] if index < len(sent) else index]
            if field not in form.fields or field in ("__all__", "year"):
                field = None
            elif field in form.errors:
                continue
            for message in found:
                form.add_error(field, message)

    def any_errors(self) -> bool:
        return bool(self.main.errors or self.head.errors or any(
            formset.non_form_errors() or any(form.errors for form in formset.forms)
            for formset in self.formsets.values()))


class HardshipApplyView(PhoneStep, TemplateView):
    purpose = CodePurpose.HARDSHIP_APPLICATION
    page_title = gettext_lazy("困难职工帮扶申请")
    template_name = "public/hardship.html"
    forms_class = HardshipForms

    def submit_confirmed(self, confirmed, forms):
        request = self.request
        if forms.is_valid():
            main = forms.main.cleaned_data
            try:
                file = apply_for_hardship(application=forms.application(), reason=main["reason"],
                                          confirmation=confirmed, authorisation=main["authorisation"])
            except CodeNotConfirmed as error:
                forms.main.add_error(None, error.messages)
            except ValidationError as error:
                forms.put_errors(error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages})
            else:
                forget(request, self.purpose)
                request.session[APPLIED_KEY] = file.pk
                return HttpResponseRedirect(reverse("public:hardship_applied"))
        messages.error(request, _("申请还没有提交：请按页面上的提示修改。授权书需要重新选择。"))
        return self.render_to_response(self.get_context_data(forms=forms, confirmed=confirmed))

    def get_context_data(self, **kwargs):
        forms = kwargs.get("forms")
        if forms is not None:
            kwargs.update(form=forms.main, head_form=forms.head, **forms.formsets)
        return super().get_context_data(**kwargs)


class HardshipAppliedView(TemplateView):
    template_name = "public/hardship_applied.html"

    def get(self, request, *args, **kwargs):
        file = HardshipFile.objects.select_related("organisation").filter(pk=request.session.get(APPLIED_KEY)).first()
        if file is None:
            return HttpResponseRedirect(reverse("public:hardship"))
        progress_url = f"{reverse('public:hardship_progress')}?{urlencode({'number': file.pk})}"
        return self.render_to_response(self.get_context_data(file=file, progress_url=progress_url))
