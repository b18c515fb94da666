"""Django admin: organisations, members and holiday schedules for admins; the journal,
deadlines and documents read-only. Schedule decisions go through the transition door."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cases.hardship.aid import FUND_KEEPERS, allocate_budget, fund_summary, open_fund, yuan
from cases.models.access import require_can_act, scoped, visible_organisations
from cases.platform.signin import admin as signin_admin  # noqa: F401  (sign-in records' journalled deletions)
from cases.platform.transitions import apply
from cases.rules.bounds import AMOUNT_MAX, decimal_from_text, invalid_amount_message

from .models import (
    AidPlan,
    AuditEvent,
    Deadline,
    Disbursement,
    Document,
    EntryKind,
    ExpenseKind,
    Fund,
    FundEntry,
    HardshipCostItem,
    HardshipFile,
    HardshipParameters,
    HolidaySchedule,
    HolidayScheduleDay,
    Household,
    HouseholdMember,
    IncomeItem,
    Membership,
    MinimumLivingStandard,
    Organisation,
    RigidExpense,
    Role,
)
from .rules.masking import mask_name
from .selectors import mask_resident_id


class AmountField(forms.DecimalField):
    """An amount in yuan as the admin's users type it: digits, an optional point and thousands
    separators (1,000,000.50); `1e6`, `NaN` and the like are refused (cases.rules.bounds), as on
    the staff pages (workflows.fields.YuanField, which cases/ may not import). `amount_label`
    names the amount in the message when the label carries its unit."""

    def __init__(self, *args, amount_label=None, **kwargs):
        self.amount_label = amount_label
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        amount = decimal_from_text(value)
        if amount is None:
            label = self.amount_label or self.label or _("金额")
            raise forms.ValidationError(invalid_amount_message(label, value), code="invalid")
        return amount


# The regional configuration's money fields (低保 standard, the programmes' amount rules).
AMOUNT_FIELDS = {"monthly_amount", "standard_amount", "deductible", "maximum_amount", "second_approval_above"}


class ScopedMixin:
    """Non-superusers see only their organisations' subtrees, here too."""

    scope_via = "organisation"

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user, via=self.scope_via)


class ScopedAdmin(ScopedMixin, SimpleHistoryAdmin):
    pass


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    scope_via = "self"
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "organisation__name", "organisation__code"]
    autocomplete_fields = ["user", "organisation"]


class HolidayScheduleDayInline(admin.TabularInline):
    model = HolidayScheduleDay
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status == "proposed"

    has_add_permission = has_delete_permission = has_change_permission


DECIDED = {"approve": _("已批准"), "reject": _("已驳回")}


def _decide(modeladmin, request, queryset, transition, reason):
    for schedule in queryset:
        try:
            apply(schedule, transition, by=request.user, reason=reason)
        except (PermissionDenied, ValidationError) as error:
            text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
            modeladmin.message_user(request, f"{schedule}：{text}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{schedule}：{DECIDED[transition]}")


@admin.action(description=_("批准所选节假日安排"))
def approve_schedules(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, "approve", _("经组织管理员在管理后台核对批准"))


@admin.action(description=_("驳回所选节假日安排"))
def reject_schedules(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, "reject", _("经组织管理员在管理后台核对驳回"))


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(ScopedAdmin):
    list_display = ["year", "organisation", "status", "source", "proposed_by", "decided_by", "decided_at"]
    list_filter = ["status", "year"]
    readonly_fields = ["status", "proposed_by", "decided_by", "decided_at", "decision_reason"]
    inlines = [HolidayScheduleDayInline]
    actions = [approve_schedules, reject_schedules]

    def has_add_permission(self, request):
        return False  # entered with load_holiday_schedule, which validates the whole file


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["clock", "subject_type", "subject_id", "organisation", "assignee", "due_on", "state", "provisional"]
    list_filter = ["state", "clock", "provisional"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["title", "kind", "organisation", "version", "sha256", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "sha256"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, ScopedMixin, admin.ModelAdmin):
    list_display = ["seq", "occurred_at", "actor_label", "action", "name", "subject_type", "subject_id",
                    "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["actor_label", "subject_id", "name"]


class HouseholdRowInline(admin.TabularInline):
    extra = 0


class HouseholdMemberInline(HouseholdRowInline):
    """Members with their ID masked (issue 17, point 4): the admin never shows a number in full,
    nor takes one (members and their numbers are entered on the household pages, which check
    them); the head's full number is read through the audit timeline's journalled reveal."""

    model = HouseholdMember
    raw_id_fields = ["worker"]
    fields = ["name", "relation", "masked_resident_id", "worker", "birth_date", "health", "employment", "schooling"]
    readonly_fields = ["masked_resident_id"]

    @admin.display(description=_("公民身份号码"))
    def masked_resident_id(self, member):
        return mask_resident_id(member.resident_id) or "—"


class IncomeItemInline(HouseholdRowInline):
    model = IncomeItem


class RigidExpenseInline(HouseholdRowInline):
    model = RigidExpense


class HardshipCostItemInline(HouseholdRowInline):
    model = HardshipCostItem


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["__str__", "organisation", "region_code", "address", "created_at"]
    list_filter = ["region_code"]
    search_fields = ["head__name", "address", "region_code"]
    raw_id_fields = ["head"]
    inlines = [HouseholdMemberInline, IncomeItemInline, RigidExpenseInline, HardshipCostItemInline]
    readonly_fields = ["head_resident_id"]

    @admin.display(description=_("户主公民身份号码"))
    def head_resident_id(self, household):
        """Masked; the full number only through the journalled reveal of the household's file."""
        if household is None or household.pk is None:
            return "—"
        masked = mask_resident_id(household.head.resident_id) or _("（未登记身份证号）")
        files = list(household.hardship_files.order_by("pk").values_list("pk", "number"))
        if not files:
            return masked
        links = format_html_join(
            "、", '<a href="{}">{}</a>', ((reverse("workbench:audit_timeline", args=["hardship", pk]), number)
                                          for pk, number in files))
        return format_html("{}（{}：{}）", masked, _("完整号码须在审计页说明理由后查看，并记入审计日志"), links)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = visible_organisations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)


def is_org_admin(user) -> bool:
    return user.is_active and (user.is_superuser or user.memberships.filter(role=Role.ORG_ADMIN).exists())


@admin.register(MinimumLivingStandard)
class MinimumLivingStandardAdmin(SimpleHistoryAdmin):
    """Regional configuration, not an organisation's rows: any staff user may read it,
    only organisation admins (and superusers) may enter or correct it."""

    list_display = ["region_code", "year", "monthly_amount", "source"]
    list_filter = ["year"]
    search_fields = ["region_code", "source"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in AMOUNT_FIELDS:
            kwargs["form_class"] = AmountField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return is_org_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_org_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_org_admin(request.user) and super().has_delete_permission(request, obj)


class HardshipParametersForm(forms.ModelForm):
    counted_expense_kinds = forms.MultipleChoiceField(
        label=_("计入的刚性支出"), choices=ExpenseKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("计算可支配收入时扣除的刚性支出类别；未勾选的类别不予扣除。"),
    )

    class Meta:
        model = HardshipParameters
        fields = ["region_code", "year", "relative_multiple", "accident_cost_percent", "counted_expense_kinds",
                  "document_number", "document_date"]


@admin.register(HardshipParameters)
class HardshipParametersAdmin(MinimumLivingStandardAdmin):
    """The local assessment rules beside the 低保 standard, same permissions. A change applies to
    assessments made afterwards; earlier ones keep the values they stored."""

    form = HardshipParametersForm
    list_display = ["region_code", "year", "relative_multiple", "accident_cost_percent", "counted_kinds",
                    "document_number", "document_date"]
    search_fields = ["region_code", "document_number"]

    @admin.display(description=_("计入的刚性支出"))
    def counted_kinds(self, obj):
        labels = dict(ExpenseKind.choices)
        return "、".join(str(labels.get(kind, kind)) for kind in obj.counted_expense_kinds) or "—"


# -- Aid funds and hardship files ------------------------------------------------------------
# A ledger is read, never edited: money moves only through cases.hardship.aid (budgets here,
# through open_fund and allocate_budget; plans and payments through the file's transitions).
# Lists show names masked (个人信息保护法); a file's page shows its status, not its household's
# income, health or visit findings, which stay in the workflow pages.


class FundEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = FundEntry
    extra = 0
    can_delete = False
    fields = ["recorded_at", "kind", "amount", "note", "recorded_by", "receipt_number"]
    readonly_fields = fields
    ordering = ["pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by", "disbursement")

    @admin.display(description=_("凭证编号"))
    def receipt_number(self, entry):
        disbursement = getattr(entry, "disbursement", None)
        return disbursement.receipt_number if disbursement else ""


class FundForm(forms.ModelForm):
    """A new fund opens through open_fund; an existing one only takes budget, through
    allocate_budget. The actor's role is checked here so a refusal is a form error."""

    allocation = AmountField(label=_("拨入预算（元）"), amount_label=_("拨入预算"), required=False, max_digits=14,
                             decimal_places=2, min_value=Decimal("0.01"), max_value=AMOUNT_MAX)
    allocation_note = forms.CharField(label=_("拨款摘要"), required=False, max_length=200,
                                      help_text=_("预算来源或拨款文号。"))
    user = None  # set per request by FundAdmin.get_form

    class Meta:
        model = Fund
        fields = ["organisation", "year", "aid_type", "programme", "name"]

    def clean(self):
        cleaned = super().clean()
        adding = self.instance.pk is None
        if not adding and cleaned.get("allocation") and not (cleaned.get("allocation_note") or "").strip():
            self.add_error("allocation_note", _("请填写摘要（预算来源或拨款文号）。"))
        organisation = cleaned.get("organisation") if adding else self.instance.organisation
        if organisation is not None and (adding or cleaned.get("allocation")):
            try:
                require_can_act(self.user, organisation, FUND_KEEPERS)
            except PermissionDenied as denied:
                raise forms.ValidationError(str(denied)) from None
        return cleaned


@admin.register(Fund)
class FundAdmin(ScopedMixin, admin.ModelAdmin):
    form = FundForm
    list_display = ["name", "organisation", "year", "aid_type", "programme", "budget", "paid", "balance"]
    list_filter = ["year", "aid_type", "programme"]
    search_fields = ["name", "organisation__name", "organisation__code"]
    inlines = [FundEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation").annotate(
            budget_total=Sum("entries__amount", filter=Q(entries__kind=EntryKind.ALLOCATION)),
            paid_total=Sum("entries__amount", filter=Q(entries__kind=EntryKind.DISBURSEMENT)),
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organisation", "year", "aid_type", "programme", "name", "allocation"]
        return ["organisation", "year", "aid_type", "programme", "name", "summary", "allocation", "allocation_note"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["organisation", "year", "aid_type", "programme", "name", "summary"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        if obj is None:
            form.base_fields["allocation"].label = _("年度预算（元）")
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = visible_organisations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        amount = form.cleaned_data.get("allocation")
        if change:
            if amount:
                allocate_budget(fund=obj, amount=amount, by=request.user, note=form.cleaned_data["allocation_note"])
            return  # nothing else about a fund is edited
        fund = open_fund(organisation=obj.organisation, year=obj.year, aid_type=obj.aid_type, name=obj.name,
                         budget=amount or Decimal("0.00"), by=request.user, programme=obj.programme)
        obj.pk, obj.created_at = fund.pk, fund.created_at
        obj._state.adding = False

    @admin.display(description=_("预算"))
    def budget(self, fund):
        return yuan(fund.budget_total or Decimal("0.00"))

    @admin.display(description=_("已发放"))
    def paid(self, fund):
        return yuan(-(fund.paid_total or Decimal("0.00")))

    @admin.display(description=_("余额"))
    def balance(self, fund):
        return yuan((fund.budget_total or Decimal("0.00")) + (fund.paid_total or Decimal("0.00")))

    @admin.display(description=_("资金情况"))
    def summary(self, fund):
        totals = fund_summary(fund)
        return _("预算%(budget)s，已发放%(paid)s，余额%(balance)s") % {
            "budget": yuan(totals.budget), "paid": yuan(totals.paid), "balance": yuan(totals.balance)}


@admin.register(FundEntry)
class FundEntryAdmin(ReadOnlyMixin, ScopedMixin, admin.ModelAdmin):
    scope_via = "fund__organisation"
    list_display = ["recorded_at", "fund", "kind", "amount", "note", "recorded_by"]
    list_filter = ["kind"]
    list_select_related = ["fund", "recorded_by"]
    search_fields = ["note", "fund__name", "disbursement__receipt_number"]


@admin.register(AidPlan)
class AidPlanAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_via = "file__organisation"
    list_display = ["file_number", "aid_type", "fund", "amount", "instalments", "first_payment_on", "status",
                    "prepared_by", "approved_by", "approved_at"]
    list_filter = ["status", "aid_type"]
    list_select_related = ["file", "fund", "prepared_by", "approved_by"]
    search_fields = ["file__number"]

    @admin.display(description=_("档案编号"), ordering="file__number")
    def file_number(self, plan):
        return plan.file.number


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Payments under aid plans and of programme applications, in the user's subtrees."""

    list_display = ["receipt_number", "file_number", "application_number", "amount", "paid_on", "masked_recipient",
                    "approved_by", "disbursed_by"]
    list_select_related = ["plan__file", "plan__approved_by", "application__file", "application__first_approved_by",
                           "disbursed_by"]
    search_fields = ["receipt_number", "plan__file__number", "application__number"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser and request.user.is_active:
            return queryset
        visible = visible_organisations(request.user).values("pk")
        return queryset.filter(Q(plan__file__organisation__in=visible) | Q(application__organisation__in=visible))

    @admin.display(description=_("档案编号"), ordering="plan__file__number")
    def file_number(self, disbursement):
        file = disbursement.plan.file if disbursement.plan_id else disbursement.application.file
        return file.number if file is not None else "—"

    @admin.display(description=_("帮扶项目申请"), ordering="application__number")
    def application_number(self, disbursement):
        return disbursement.application.number if disbursement.application_id else "—"

    @admin.display(description=_("领款人"))
    def masked_recipient(self, disbursement):
        return mask_name(disbursement.recipient)

    @admin.display(description=_("审批人"))
    def approved_by(self, disbursement):
        return disbursement.plan.approved_by if disbursement.plan_id else disbursement.application.first_approved_by


@admin.register(HardshipFile)
class HardshipFileAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["number", "household_head", "status", "category"]
    list_filter = ["status", "category"]
    list_select_related = ["household__head"]
    search_fields = ["number"]
    fields = ["number", "organisation", "status", "category", "year", "source", "household_head", "opened_on",
              "next_review_due", "prepared_by", "first_approved_by", "second_approved_by", "exit_reason",
              "exited_on"]
    readonly_fields = fields

    @admin.display(description=_("户主"))
    def household_head(self, file):
        return mask_name(file.household.head.name)


# The aid programmes' rules and applications (registered there, with the mixins above).
from cases.hardship.programmes import admin as programme_admin  # noqa: E402,F401
