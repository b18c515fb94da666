"""Forms of the hardship file pages: file search, the file page's actions and the fund budget.

Like the case page's forms (workflows.dispute.page_forms.ActionForm, which these extend), they check
only what a browser can get wrong; the rules of each action (the plan within the approved
yearly amount, a fund of the plan's type and year, four eyes, never overdrawing a fund) are
checked by the transition door and cases.hardship.aid, whose refusals the views put back on
these forms under the field they name.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.hardship import aid
from cases.models import AidPlan, Fund, HardshipStatus, PlanStatus
from cases.models.hardship.states import AidType, ExitReason
from cases.rules.eligibility import Category
from workflows.dispute.page_forms import ActionForm, amount_field, date_field


class FileSearchForm(forms.Form):
    q = forms.CharField(
        label=_("查询"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("档案编号、户主姓名或完整的公民身份号码")}),
    )
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态"))] + list(HardshipStatus.choices))
    category = forms.ChoiceField(label=_("困难类别"), required=False,
                                 choices=[("", _("全部类别"))] + [c for c in Category.choices if c[0] != Category.NONE])


# -- the file's actions ---------------------------------------------------------------------


class LodgeObjectionForm(ActionForm):
    asks_reason = False
    lodged_by = forms.CharField(label=_("异议人"), max_length=50, required=False, help_text=_("可匿名，不填即为匿名。"))
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    content = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("请填写异议内容。")})

    def data_for_door(self):
        data = self.cleaned_data
        return {"lodged_by": data["lodged_by"], "contact": data["contact"], "content": data["content"]}


class FundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, fund):
        return _("%(name)s（%(organisation)s，%(year)s年%(kind)s）") % {
            "name": fund.name, "organisation": fund.organisation.name, "year": fund.year,
            "kind": fund.get_aid_type_display()}


class ProposeAidPlanForm(ActionForm):
    """The plan: its aid type, a fund of that type of the file's organisation or one above it."""

    asks_reason = False
    aid_type = forms.ChoiceField(label=_("帮扶类别"), choices=[("", _("请选择"))] + list(AidType.choices),
                                 error_messages={"required": _("请选择帮扶类别。"),
                                                 "invalid_choice": _("请从列表中选择帮扶类别。")})
    fund = FundChoiceField(label=_("帮扶资金"), queryset=Fund.objects.none(), empty_label=_("请选择"),
                           help_text=_("本档案所属组织及其上级组织的资金；须与帮扶类别、首次发放年度一致。"),
                           error_messages={"required": _("请选择帮扶资金。"),
                                           "invalid_choice": _("所选资金不是本档案所属组织或其上级组织的资金，请重新选择。")})
    amount = amount_field(_("计划金额（元）"))
    instalments = forms.IntegerField(label=_("发放次数"), min_value=1, max_value=12, initial=1,
                                     error_messages={"required": _("请填写发放次数。"), "invalid": _("发放次数应为整数。"),
                                                     "min_value": _("发放次数至少为1次。"),
                                                     "max_value": _("发放次数不能超过12次。")})
    first_payment_on = date_field(_("首次发放日期"), required_message=_("请填写首次发放日期。"))
    purpose = forms.CharField(label=_("帮扶内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("请填写帮扶内容。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        funds = Fund.objects.filter(organisation_id__in=self.case.organisation.lineage_ids, programme="")
        self.fields["fund"].queryset = funds.select_related("organisation").order_by("-year", "aid_type", "pk")
        if not self.is_bound:
            self.initial.setdefault("first_payment_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        fund, aid_type = cleaned.get("fund"), cleaned.get("aid_type")
        if fund is not None and aid_type and fund.aid_type != aid_type:
            self.add_error("fund", _("“%(fund)s”只能用于%(fund_type)s，请选择%(aid_type)s资金。") % {
                "fund": fund.name, "fund_type": fund.get_aid_type_display(), "aid_type": AidType(aid_type).label})
        return cleaned

    def data_for_door(self):
        data = self.cleaned_data
        return {"aid_type": data["aid_type"], "fund": data["fund"], "amount": data["amount"],
                "instalments": data["instalments"], "first_payment_on": data["first_payment_on"],
                "purpose": data["purpose"]}


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan):
        return _("%(type)s ¥%(amount)s（已发放¥%(paid)s）· %(fund)s") % {
            "type": plan.get_aid_type_display(), "amount": f"{plan.amount:,.2f}", "paid": f"{plan.paid():,.2f}",
            "fund": plan.fund.name}


def plans_of(file, status):
    return AidPlan.objects.filter(file=file, status=status).select_related("fund", "prepared_by").order_by("pk")


def payable_plans(file, user):
    """The file's approved plans `user` may pay: those whose fund is in their reach (the fund list's rule)."""
    return plans_of(file, PlanStatus.APPROVED).filter(fund__in=aid.funds_in_reach(user))


class ApproveAidPlanForm(ActionForm):
    """One proposed plan's approval: the page shows one such form per plan waiting for it."""

    plan = PlanChoiceField(queryset=AidPlan.objects.none(), widget=forms.HiddenInput,
                           error_messages={"required": _("请选择本档案一项待审批的帮扶计划。"),
                                           "invalid_choice": _("该帮扶计划已审批或不属于本档案，请刷新页面。")})

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans_of(self.case, PlanStatus.PROPOSED)
        self.fields["reason"].label = _("审批意见")
        if plan is not None:
            self.initial["plan"] = plan.pk

    def data_for_door(self):
        return {"plan": self.cleaned_data["plan"]}


class DisburseForm(ActionForm):
    asks_reason = False
    plan = PlanChoiceField(label=_("帮扶计划"), queryset=AidPlan.objects.none(), empty_label=None,
                           error_messages={"required": _("请选择已批准的帮扶计划。"),
                                           "invalid_choice": _("请选择本档案已批准的帮扶计划。")})
    amount = amount_field(_("发放金额（元）"))
    paid_on = date_field(_("发放日期"), required_message=_("请填写发放日期。"))
    recipient = forms.CharField(label=_("领款人"), max_length=50, error_messages={"required": _("请填写领款人姓名。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = payable_plans(self.case, self.user)
        others = plans_of(self.case, PlanStatus.APPROVED).exclude(pk__in=self.fields["plan"].queryset.values("pk"))
        if others:
            self.fields["plan"].help_text = _("以下计划的资金不在您的帮扶资金范围内，须由资金所属组织发放：%(plans)s") % {
                "plans": "；".join(f"{plan}（{plan.fund.organisation.name}）" for plan in others)}
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())
            self.initial.setdefault("recipient", self.case.household.head.name)

    def data_for_door(self):
        data = self.cleaned_data
        return {"plan": data["plan"], "amount": data["amount"], "paid_on": data["paid_on"],
                "recipient": data["recipient"]}


class BeginExitForm(ActionForm):
    """退档公示 begun mid-year from the file's page (the yearly review task offers it too)."""

    exit_reason = forms.ChoiceField(label=_("退档原因"), choices=[("", _("请选择"))] + list(ExitReason.choices),
                                    error_messages={"required": _("请选择退档原因。"),
                                                    "invalid_choice": _("请从列表中选择退档原因。")})
    place = forms.CharField(label=_("公示地点"), max_length=200, error_messages={"required": _("请填写公示地点。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("退档说明")
        self.fields["reason"].error_messages["required"] = _("请填写退档说明。")

    def data_for_door(self):
        return {"exit_reason": self.cleaned_data["exit_reason"], "place": self.cleaned_data["place"]}


FILE_ACTION_FORMS: dict[str, type[ActionForm]] = {
    "lodge_objection": LodgeObjectionForm,
    "propose_aid_plan": ProposeAidPlanForm,
    "approve_aid_plan": ApproveAidPlanForm,
    "disburse": DisburseForm,
    "begin_exit": BeginExitForm,
}


def file_action_form(spec, *, file, user, data=None, plan=None) -> ActionForm:
    """The small form of one action of the file page (a reason only, unless it needs more)."""
    form_class = FILE_ACTION_FORMS.get(spec.name, ActionForm)
    kwargs = {"plan": plan} if form_class is ApproveAidPlanForm else {}
    auto_id = f"id_%s_{plan.pk}" if plan is not None else "id_%s"
    return form_class(data, case=file, user=user, spec=spec, prefix=spec.name, auto_id=auto_id, **kwargs)


# -- funds ------------------------------------------------------------------------------------


class AllocateBudgetForm(forms.Form):
    amount = amount_field(_("拨入金额（元）"))
    note = forms.CharField(label=_("摘要"), max_length=200, help_text=_("预算来源或拨款文号。"),
                           error_messages={"required": _("请填写摘要（预算来源或拨款文号）。")})
