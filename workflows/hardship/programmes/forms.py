"""Forms of the aid programme pages (帮扶项目): search, the application of each programme, and the
small forms of an application's actions (审批, 复审批, 不予批准, 发放).

Like the file page's forms they check only what a browser can get wrong; eligibility, the
amount rules, four eyes and the fund's balance are checked by cases.hardship.programmes and
the transition door, whose refusals the views put back on these forms under the field named.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    AidProgramme,
    ApplicationStatus,
    EmploymentStatus,
    Fund,
    HardshipCause,
    HardshipFile,
    HouseholdMember,
    SchoolTerm,
)
from workflows.dispute.page_forms import ActionForm, OrganisationChoiceField, amount_field, date_field
from workflows.fields import YuanField
from workflows.hardship.file.forms import FundChoiceField
from workflows.hardship.register.forms import caseworker_organisations, choices, home_organisation, select

P = AidProgramme


class ProgrammeSearchForm(forms.Form):
    q = forms.CharField(label=_("查询"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("申请编号、户主或受助人姓名")}))
    programme = forms.ChoiceField(label=_("帮扶项目"), required=False,
                                  choices=[("", _("全部项目"))] + list(AidProgramme.choices))
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态"))] + list(ApplicationStatus.choices))
    # The work waiting for the user (views.WORK), as the home counts it.
    work = forms.ChoiceField(label=_("我的待办"), required=False,
                             choices=[("", _("全部申请")), ("approve", _("待我审批")), ("pay", _("待发放"))])


class FileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, file):
        names = {"number": file.number, "head": file.household.head.name, "organisation": file.organisation.name}
        if file.category:
            return _("%(number)s %(head)s家庭（%(organisation)s，%(category)s）") % {
                **names, "category": file.get_category_display()}
        return _("%(number)s %(head)s家庭（%(organisation)s）") % names


class FilePickForm(forms.Form):
    """Which household on file the application is for (送温暖, 金秋助学, 医疗救助)."""

    file = FileChoiceField(label=_("在档困难职工家庭"), queryset=HardshipFile.objects.none(), empty_label=_("请选择"),
                           error_messages={"required": _("请选择在档困难职工家庭。"),
                                           "invalid_choice": _("所选档案不在您可以办理的范围内，或不是在档状态，请重新选择。")})

    def __init__(self, *args, files, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].queryset = files


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.name}（{member.get_relation_display()}，{member.get_schooling_display()}）"


class ApplicationForm(forms.Form):
    """One programme's application: its own fields (the others are dropped), a fund line and the reason."""

    # 金秋助学 and 医疗救助
    member = MemberChoiceField(label=_("受助家庭成员"), queryset=HouseholdMember.objects.none(), empty_label=_("请选择"),
                               error_messages={"required": _("请选择受助的家庭成员。"),
                                               "invalid_choice": _("请选择本家庭的成员。")})
    # 金秋助学
    term = forms.ChoiceField(label=_("学期"), choices=choices(SchoolTerm.choices, blank=_("请选择")),
                             error_messages={"required": _("请选择学期。"), "invalid_choice": _("请选择学期。")})
    school = forms.CharField(label=_("就读学校"), max_length=120, error_messages={"required": _("请填写就读学校。")})
    # 医疗救助
    bills_total = amount_field(_("医疗费用总额（元）"))
    insurance_paid = YuanField(label=_("医保报销及保险赔付（元）"), required=False,
                               help_text=_("医保统筹报销、大病保险和商业保险已赔付的金额；没有的填0或不填。"))
    # 临时救助: the household's head, where it lives, the federation, the event and the amount
    organisation = OrganisationChoiceField(
        label=_("负责工会组织"), queryset=None, empty_label=None,
        error_messages={"required": _("请选择负责工会组织。"),
                        "invalid_choice": _("所选组织不在您可以办理的范围内，请重新选择。")})
    head_name = forms.CharField(label=_("户主姓名"), max_length=50, error_messages={"required": _("请填写户主姓名。")})
    head_resident_id = forms.CharField(label=_("户主公民身份号码"), max_length=18,
                                       error_messages={"required": _("请填写户主的公民身份号码。")})
    head_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    head_employment = select(_("户主就业状况"), choices(EmploymentStatus.choices, blank=_("请选择")),
                             _("请选择户主就业状况。"))
    region_code = forms.CharField(label=_("家庭所在地行政区划代码"), max_length=6,
                                  help_text=_("6位数字，按此地区的临时救助金额标准核定。"),
                                  error_messages={"required": _("请填写家庭所在地的行政区划代码（6位数字），例如海淀区 110108。")})
    address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    work_unit = forms.CharField(label=_("户主工作单位"), max_length=120, required=False)
    cause = select(_("致困原因"), choices(HardshipCause.choices, blank=_("请选择")), _("请选择致困原因。"))
    event_on = date_field(_("事故发生日期"), required_message=_("请填写事故或突发事件发生的日期。"), past=True)
    requested_amount = amount_field(_("申请金额（元）"))
    # every programme
    fund = FundChoiceField(label=_("专项资金"), queryset=Fund.objects.none(), empty_label=_("请选择"),
                           error_messages={"required": _("请选择专项资金。"),
                                           "invalid_choice": _("所选资金不是本项目可用的专项资金，请重新选择。")})
    reason = forms.CharField(label=_("申请事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写申请事由。")})

    FIELDS = {
        P.SPRING_FESTIVAL: ("fund", "reason"),
        P.AUTUMN_SCHOOLING: ("member", "term", "school", "fund", "reason"),
        P.MEDICAL_RELIEF: ("member", "bills_total", "insurance_paid", "fund", "reason"),
        P.EMERGENCY: ("organisation", "head_name", "head_resident_id", "head_phone", "head_employment", "region_code",
                      "address", "work_unit", "cause", "event_on", "requested_amount", "fund", "reason"),
    }
    # A 临时救助 household's errors come keyed as registration's ("head-name").
    ERROR_KEYS = {"head-name": "head_name", "head-resident_id": "head_resident_id", "head-phone": "head_phone",
                  "head-employment": "head_employment", "head-address": "address"}

    def __init__(self, *args, programme: str, user, file: HardshipFile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme, self.user, self.file = programme, user, file
        for name in list(self.fields):
            if name not in self.FIELDS[programme]:
                del self.fields[name]
        year = timezone.localdate().year
        if file is not None:
            lineage = file.organisation.lineage_ids
        else:
            organisations = caseworker_organisations(user).order_by("path")
            self.fields["organisation"].queryset = organisations
            home = home_organisation(user)
            if home is not None and not self.is_bound:
                self.initial.setdefault("organisation", home.pk)
            lineage = {pk for organisation in organisations for pk in organisation.lineage_ids}
        funds = Fund.objects.filter(programme=programme, year=year, organisation_id__in=lineage)
        self.fields["fund"].queryset = funds.select_related("organisation").order_by("organisation__path", "pk")
        if not self.is_bound and funds.count() == 1:
            self.initial.setdefault("fund", funds.get().pk)
        if "member" in self.fields:
            members = file.household.members.all()
            if programme == P.AUTUMN_SCHOOLING:
                self.fields["member"].label = _("在读子女")
            else:
                self.fields["member"].label = _("患病的家庭成员")
            self.fields["member"].queryset = members.order_by("pk")

    def put_errors(self, error) -> None:
        """The service's refusal under the fields it names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            field = self.ERROR_KEYS.get(key, key)
            self.add_error(field if field in self.fields else None, messages)

    def household_input(self) -> dict:
        """The 临时救助 household's particulars, as cases.hardship.programmes.households takes them."""
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "head": {"name": data["head_name"], "resident_id": data["head_resident_id"], "phone": data["head_phone"],
                     "employment": data["head_employment"]},
            "region_code": data["region_code"], "address": data["address"], "work_unit": data["work_unit"],
            "cause": data["cause"],
        }

    def application_input(self) -> dict:
        """The keyword arguments of apply_for_programme (without the household and the actor)."""
        data = self.cleaned_data
        names = {"member", "term", "school", "bills_total", "insurance_paid", "event_on", "requested_amount",
                 "organisation", "fund", "reason"}
        values = {name: data[name] for name in names if name in data}
        if self.programme == P.MEDICAL_RELIEF and values.get("insurance_paid") is None:
            values["insurance_paid"] = 0
        return values


class CauseForm(forms.Form):
    """The household's cause of hardship, recorded from the file page."""

    cause = select(_("致困原因"), choices(HardshipCause.choices, blank=_("请选择")), _("请选择致困原因。"))


# -- an application's actions --------------------------------------------------------------------

class ApproveForm(ActionForm):
    """审批 or 复审批: the reviewer's comment is kept with the approval."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("审批意见")


class RefuseForm(ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("不予批准的理由")
        self.fields["reason"].error_messages["required"] = _("请填写不予批准的理由。")


class DisburseForm(ActionForm):
    asks_reason = False
    paid_on = date_field(_("发放日期"), required_message=_("请填写发放日期。"))
    recipient = forms.CharField(label=_("领款人"), max_length=50, error_messages={"required": _("请填写领款人姓名。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())
            self.initial.setdefault("recipient", self.case.household.head.name)

    def data_for_door(self):
        return {"paid_on": self.cleaned_data["paid_on"], "recipient": self.cleaned_data["recipient"]}


ACTION_FORMS = {"approve": ApproveForm, "approve_second": ApproveForm, "refuse": RefuseForm, "disburse": DisburseForm}


def action_form(spec, *, application, user, data=None) -> ActionForm:
    form_class = ACTION_FORMS.get(spec.name, ActionForm)
    return form_class(data, case=application, user=user, spec=spec, prefix=spec.name)
