"""Forms of 登记困难职工申请: the application, the head, and the household editor's formsets.

The forms check only what a browser can get wrong (a box left empty, a choice not offered, a
date that is not a date); cases.hardship.intake checks the rest and the view puts
its errors, keyed "head-name", "members-0-resident_id", "incomes-1-amount" and so on, back on
these forms. Amounts are kept as typed ("24,000" is fine): the service says in words what is
wrong with one. Prefixes: "head", "members", "incomes", "expenses", "hardship_costs".
"""

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Organisation, Role
from cases.models.hardship.household import (
    EmploymentStatus,
    ExpenseKind,
    HardshipCause,
    HardshipEvent,
    Health,
    IncomeKind,
    Relation,
    SchoolingStage,
)
from cases.models.hardship.states import IdentificationSource
from workflows.dispute.flow import organisations_where
from workflows.dispute.page_forms import OrganisationChoiceField, raw_values

CASEWORKERS = [Role.HARDSHIP_CASEWORKER]
SOURCES = [(s.value, s.label) for s in (IdentificationSource.APPLICATION, IdentificationSource.REFERRAL)]
READONLY = {"readonly": "readonly", "tabindex": "-1"}
AMOUNT = {"inputmode": "decimal", "autocomplete": "off", "data-amount": "1"}


def choices(model_choices, *, blank=None):
    options = [(value, label) for value, label in model_choices]
    return [("", blank)] + options if blank else options


def select(label, options, message, **kwargs):
    return forms.ChoiceField(label=label, choices=options,
                             error_messages={"required": message, "invalid_choice": message}, **kwargs)


class CnDateField(forms.DateField):
    """A date as the resident-ID script fills it ("2009年3月1日") or as typed ("2009-03-01")."""

    widget = forms.TextInput(attrs={"placeholder": _("例如 2009-03-01"), "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            found = re.fullmatch(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*", value)
            if found:
                try:
                    return date(*(int(part) for part in found.groups()))
                except ValueError:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


def caseworker_organisations(user):
    """Where `user` may register hardship applications: the federations in their caseworker subtrees
    (street centres and enterprise committees mediate disputes; they do no hardship work)."""
    return organisations_where(user, CASEWORKERS).active().doing_hardship_work()


def home_organisation(user):
    """Where the user is a caseworker themselves (not a unit below it): the default organisation."""
    own = Organisation.objects.doing_hardship_work().filter(
        memberships__user=user, memberships__role__in=CASEWORKERS).order_by("path")
    return own.first() or caseworker_organisations(user).order_by("path").first()


class ApplicationForm(forms.Form):
    """How the application came, where it is registered, the year and where the household lives."""

    source = forms.ChoiceField(
        label=_("认定来源"), choices=SOURCES, widget=forms.RadioSelect,
        error_messages={"required": _("请选择职工申请或基层工会推荐。"),
                        "invalid_choice": _("请选择职工申请或基层工会推荐。")},
    )
    referred_by = forms.CharField(label=_("推荐单位"), max_length=120, required=False,
                                  help_text=_("基层工会推荐的，填写推荐的工会名称。"))
    organisation = OrganisationChoiceField(
        label=_("负责工会组织"), queryset=Organisation.objects.none(), empty_label=None,
        error_messages={"required": _("请选择负责工会组织。"),
                        "invalid_choice": _("所选组织不在您可以登记的范围内，请重新选择。")},
    )
    year = forms.IntegerField(
        label=_("认定年度"), min_value=2000, max_value=2100,
        help_text=_("按该年度的家庭收入和支出计算困难类别，默认为本年度。"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": _("请填写认定年度。"), "invalid": _("认定年度应为四位数字的年份，例如 2025。"),
                        "min_value": _("认定年度不能早于2000年。"), "max_value": _("认定年度不能晚于2100年。")},
    )
    region_code = forms.CharField(
        label=_("家庭所在地行政区划代码"), max_length=6,
        help_text=_("6位数字，按此地区和年度的低保标准计算；填写户主身份证号码后自动带出，可修改。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "data-region-code": "1"}),
        error_messages={"max_length": _("行政区划代码应为6位数字（GB/T 2260），例如 110108。"),
                        "required": _("请填写家庭所在地的行政区划代码（6位数字），例如海淀区 110108。")},
    )
    address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    work_unit = forms.CharField(label=_("户主工作单位"), max_length=120, required=False,
                                help_text=_("公示时列在隐去部分字的姓名旁，便于同事识别。"))
    cause = forms.ChoiceField(label=_("致困原因"), required=False, choices=choices(HardshipCause.choices, blank=_("请选择")),
                              help_text=_("家庭陷入困难的主要原因；帮扶资金按致困原因统计。"),
                              error_messages={"invalid_choice": _("请从列表中选择致困原因。")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = caseworker_organisations(user).order_by("path")
        if not self.is_bound:
            self.initial.setdefault("source", IdentificationSource.APPLICATION)
            self.initial.setdefault("year", timezone.localdate().year)
            home = home_organisation(user)
            if home is not None:
                self.initial.setdefault("organisation", home.pk)


class HeadStatusForm(forms.Form):
    """What the household's 本人 row says of the head beside the worker's name and ID; the
    household editor changes only these."""

    health = select(_("健康状况"), choices(Health.choices), _("请选择健康状况。"), initial=Health.HEALTHY)
    employment = select(_("就业状况"), choices(EmploymentStatus.choices, blank=_("请选择")), _("请选择就业状况。"))
    schooling = select(_("就学阶段"), choices(SchoolingStage.choices), _("请选择就学阶段。"),
                       initial=SchoolingStage.NONE)

    def as_input(self) -> dict:
        data = raw_values(self)
        return {name: data[name] for name in ("health", "employment", "schooling")}


class HeadForm(HeadStatusForm):
    """The applicant, head of the household (户主), as a worker and as the household's 本人."""

    name = forms.CharField(label=_("申请人（户主）姓名"), max_length=50,
                           error_messages={"required": _("请填写申请人（户主）姓名。")})
    resident_id = forms.CharField(
        label=_("公民身份号码"), max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "data-resident-id": "1"}),
        error_messages={"max_length": _("公民身份号码应为18位。"),
                        "required": _("请填写申请人（户主）的公民身份号码，入户调查时据此核对户口簿和身份证。")},
    )
    # Filled in the browser from the resident ID; the server derives them again.
    birth_date = forms.CharField(label=_("出生日期"), required=False, widget=forms.TextInput(attrs=READONLY))
    sex = forms.CharField(label=_("性别"), required=False, widget=forms.TextInput(attrs=READONLY))
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)

    def as_input(self) -> dict:
        data = raw_values(self)
        return {name: data[name] for name in ("name", "resident_id", "phone", "health", "employment", "schooling")}


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50, error_messages={"required": _("请填写家庭成员姓名。")})
    relation = select(_("与户主关系"), choices([c for c in Relation.choices if c[0] != Relation.SELF], blank=_("请选择")),
                      _("请选择与户主的关系。"))
    resident_id = forms.CharField(
        label=_("公民身份号码"), max_length=18, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "data-resident-id": "1"}),
        error_messages={"max_length": _("公民身份号码应为18位。")},
    )
    birth_date = CnDateField(label=_("出生日期"), required=False,
                             help_text=_("有身份证号码的自动带出。"),
                             error_messages={"invalid": _("请填写有效的出生日期，例如 2009-03-01。")})
    health = select(_("健康状况"), choices(Health.choices), _("请选择健康状况。"), initial=Health.HEALTHY)
    employment = select(_("就业状况"), choices(EmploymentStatus.choices, blank=_("请选择")), _("请选择就业状况。"))
    schooling = select(_("就学阶段"), choices(SchoolingStage.choices), _("请选择就学阶段。"),
                       initial=SchoolingStage.NONE)

    def as_input(self) -> dict:
        data = raw_values(self)
        data["birth_date"] = self.cleaned_data.get("birth_date")
        return {name: data[name] for name in (
            "name", "relation", "resident_id", "birth_date", "health", "employment", "schooling")}


class IncomeForm(forms.Form):
    kind = select(_("收入类别"), choices(IncomeKind.choices), _("请选择收入类别。"), initial=IncomeKind.WAGES)
    amount = forms.CharField(label=_("全年金额（元）"), error_messages={"required": _("请填写收入金额。")},
                             help_text=_("经营亏损可填负数。"), widget=forms.TextInput(attrs=AMOUNT))

    def as_input(self) -> dict:
        return raw_values(self)


class ExpenseForm(forms.Form):
    kind = select(_("刚性支出类别"), choices(ExpenseKind.choices), _("请选择支出类别。"), initial=ExpenseKind.MEDICAL)
    amount = forms.CharField(label=_("全年金额（元）"), error_messages={"required": _("请填写支出金额。")},
                             widget=forms.TextInput(attrs=AMOUNT))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def as_input(self) -> dict:
        return raw_values(self)


class HardshipCostForm(forms.Form):
    event = select(_("致困事由"), choices(HardshipEvent.choices, blank=_("请选择")), _("请选择致困事由。"))
    gross_amount = forms.CharField(label=_("费用总额（元）"), error_messages={"required": _("请填写费用总额。")},
                                   widget=forms.TextInput(attrs=AMOUNT))
    compensation = forms.CharField(label=_("已获赔偿、保险及救助（元）"), required=False,
                                   widget=forms.TextInput(attrs=AMOUNT))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def as_input(self) -> dict:
        return raw_values(self)


def formset(form, max_num):
    return forms.formset_factory(form, extra=1, max_num=max_num, validate_max=True, can_delete=True)


MemberFormSet = formset(MemberForm, 20)
IncomeFormSet = formset(IncomeForm, 30)
ExpenseFormSet = formset(ExpenseForm, 30)
HardshipCostFormSet = formset(HardshipCostForm, 30)


# -- 家庭信息维护 (the household editor of an existing file) ------------------------------------

class HouseholdForm(forms.Form):
    """The year whose figures are edited (chosen above the form) and where the household lives."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100,
                              error_messages={"required": _("请选择年度。"), "invalid": _("年度应为四位数字的年份。")})
    region_code = ApplicationForm.base_fields["region_code"]
    address = ApplicationForm.base_fields["address"]


class HouseholdMemberForm(MemberForm):
    """A member row of the editor: an existing member keeps its pk (and so its history)."""

    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def as_input(self) -> dict:
        return {**super().as_input(), "pk": raw_values(self)["pk"]}


HouseholdMemberFormSet = formset(HouseholdMemberForm, 20)
