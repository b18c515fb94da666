"""The organisation admin's forms: what each page asks, with Chinese messages naming the field.
The rules themselves (scope, the tree, who may appoint whom) are the services' (cases/platform/
administration), whose refusals come back onto these forms."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases.models import AidType, Organisation, Role
from cases.models.hardship.household import YEAR_VALIDATORS
from cases.models.orgs import validate_organisation_region
from cases.platform.uploads import TABLES, UploadField
from cases.rules.eligibility import ExpenseKind
from cases.rules.validators import normalise_mobile, validate_mobile
from workflows.fields import YuanField

REGION_ERRORS = {"required": _("请填写行政区划代码。")}
REASON_MAX = 200


class OrganisationChoice(forms.ModelChoiceField):
    """Organisations indented by their depth in the tree."""

    def label_from_instance(self, organisation):
        depth = len(organisation.lineage_ids) - 1
        return "　" * depth + organisation.name


def organisation_field(label, **kwargs):
    return OrganisationChoice(label=label, queryset=Organisation.objects.none(), empty_label=None,
                              error_messages={"required": _("请选择组织。"),
                                              "invalid_choice": _("请选择您所管理的、在用的组织。")}, **kwargs)


def year_field(label=_("年度")):
    return forms.IntegerField(label=label, min_value=YEAR_VALIDATORS[0].limit_value,
                              max_value=YEAR_VALIDATORS[1].limit_value,
                              error_messages={"required": _("请填写年度，例如 2027。"),
                                              "invalid": _("年度应为四位数字，例如 2027。"),
                                              "min_value": _("年度应在2000至2100年之间。"),
                                              "max_value": _("年度应在2000至2100年之间。")})


def region_field(**kwargs):
    return forms.CharField(label=_("行政区划代码"), max_length=6, validators=[validate_organisation_region],
                           error_messages=REGION_ERRORS, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=REASON_MAX, required=False,
                             error_messages={"max_length": _("理由不能超过200个字。")})


# -- people ---------------------------------------------------------------------------------------

class PersonDetailsForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=150, error_messages={"required": _("请填写姓名。")})
    mobile = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                             help_text=_("用于接收短信通知，可不填。"))
    email = forms.EmailField(label=_("电子邮箱"), required=False,
                             error_messages={"invalid": _("请输入有效的电子邮箱，例如 name@example.com。")})

    def clean_mobile(self):
        number = normalise_mobile(self.cleaned_data["mobile"])
        if number:
            validate_mobile(number)
        return number


class PersonForm(PersonDetailsForm):
    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录时使用，只能包含字母、数字和 @ . + - _，例如 zhangsan。"),
        error_messages={"required": _("请填写用户名。")})
    organisation = organisation_field(_("所属组织"))
    roles = forms.MultipleChoiceField(label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("请至少选择一个角色。"),
                                                      "invalid_choice": _("请选择列出的角色。")})
    field_order = ["full_name", "username", "organisation", "roles", "mobile", "email"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("用户名“%(name)s”已被使用，请换一个。") % {"name": username})
        return username


class RoleForm(forms.Form):
    organisation = organisation_field(_("组织"))
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices,
                             error_messages={"required": _("请选择角色。"), "invalid_choice": _("请选择列出的角色。")})

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


# -- organisations --------------------------------------------------------------------------------

class OrganisationDetailsForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120, error_messages={"required": _("请填写组织名称。")})
    address = forms.CharField(label=_("办公地址"), max_length=200, required=False,
                              help_text=_("印在公示等文书上，供群众提出异议。"))
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    region_code = region_field(required=False, help_text=_("本组织服务地区的6位行政区划代码，例如海淀区为 110108；"
                                                           "决定由哪些组织管理员维护该地区的低保标准。"))


class OrganisationForm(OrganisationDetailsForm):
    parent = organisation_field(_("上级组织"))
    code = forms.CharField(label=_("组织代码"), max_length=32, help_text=_("大写字母、数字和连字符，例如 BJ-HD-ZGC；案件编号以它开头，建立后不能修改。"),
                           error_messages={"required": _("请填写组织代码。")})
    field_order = ["parent", "name", "code", "address", "phone", "region_code"]

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


# -- funds ----------------------------------------------------------------------------------------

class FundForm(forms.Form):
    organisation = organisation_field(_("组织"))
    year = year_field()
    aid_type = forms.ChoiceField(label=_("帮扶类别"), choices=AidType.choices,
                                 error_messages={"required": _("请选择帮扶类别。"),
                                                 "invalid_choice": _("请选择列出的帮扶类别。")})
    name = forms.CharField(label=_("资金名称"), max_length=120, error_messages={"required": _("请填写资金名称。")})
    budget = YuanField(label=_("年度预算（元）"), error_messages={"required": _("请填写年度预算；暂无预算的填 0。")})

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


# -- 低保 standards and hardship parameters --------------------------------------------------------

class MinimumStandardForm(forms.Form):
    region_code = region_field()
    year = year_field()
    monthly_amount = YuanField(label=_("低保标准（元/人·月）"), min_value=Decimal("0.01"),
                               error_messages={"required": _("请填写低保标准。")})
    source = forms.CharField(label=_("依据文件"), max_length=200, required=False)


class HardshipParametersForm(forms.Form):
    region_code = region_field()
    year = year_field()
    relative_multiple = forms.DecimalField(
        label=_("相对困难倍数"), min_value=Decimal("1.00"), max_value=Decimal("10.00"), decimal_places=2, max_digits=4,
        help_text=_("月人均收入低于低保标准的几倍为相对困难，例如 2 或 1.5。"),
        error_messages={"required": _("请填写相对困难倍数。"), "invalid": _("相对困难倍数应为数字，例如 2 或 1.5。"),
                        "min_value": _("相对困难倍数应在1至10之间。"), "max_value": _("相对困难倍数应在1至10之间。"),
                        "max_decimal_places": _("相对困难倍数最多两位小数。"),
                        "max_digits": _("相对困难倍数应在1至10之间。")})
    accident_cost_percent = forms.DecimalField(
        label=_("意外致困费用占比（%）"), min_value=Decimal("0.01"), max_value=Decimal("100"), decimal_places=2,
        max_digits=5, help_text=_("当年致困费用超过家庭年收入的这一比例为意外致困，例如 80。"),
        error_messages={"required": _("请填写意外致困费用占比。"), "invalid": _("费用占比应为数字，例如 80。"),
                        "min_value": _("费用占比应大于0、不超过100。"), "max_value": _("费用占比应大于0、不超过100。"),
                        "max_decimal_places": _("费用占比最多两位小数。"), "max_digits": _("费用占比应大于0、不超过100。")})
    counted_expense_kinds = forms.MultipleChoiceField(
        label=_("计入的刚性支出"), choices=ExpenseKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("计算可支配收入时扣除的刚性支出类别；未勾选的类别不予扣除。"))
    document_number = forms.CharField(label=_("依据文件文号"), max_length=100, help_text=_("例如 京工发〔2024〕12号。"),
                                      error_messages={"required": _("请填写依据文件文号。")})
    document_date = forms.DateField(label=_("文件日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                    error_messages={"required": _("请填写依据文件的日期。"),
                                                    "invalid": _("请输入有效的日期，例如2026-01-05。")})


# -- holiday schedules ----------------------------------------------------------------------------

class ScheduleUploadForm(forms.Form):
    organisation = organisation_field(_("录入组织"))
    year = year_field()
    file = UploadField(label=_("节假日安排文件"), allowed=TABLES, max_bytes=1024 * 1024,
                       help_text=_("CSV（UTF-8）或 XLSX，表头为 date,kind,name：日期写作 2027-01-01，类别为 "
                                   "holiday/放假 或 workday/调休上班，name 为节日名称（可省略）。"),
                       error_messages={"required": _("请选择要上传的文件。")})
    source = forms.CharField(label=_("依据文件"), max_length=200, required=False,
                             help_text=_("例如 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕x号）。"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("reject", _("驳回"))],
                                 error_messages={"required": _("请选择批准或驳回。")})
    reason = forms.CharField(label=_("审批意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("驳回须填写理由。"))
        return cleaned
