"""Django admin: organisations, members and holiday schedules for admins; the journal,
deadlines and documents read-only. Schedule decisions go through the transition door."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .access import scoped, visible_organisations
from .models import (
    AuditEvent, Deadline, Document, HardshipCostItem, HolidaySchedule, HolidayScheduleDay, Household, HouseholdMember,
    IncomeItem, Membership, MinimumLivingStandard, Organisation, RigidExpense, Role,
)
from .services.transitions import apply


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
    model = HouseholdMember
    raw_id_fields = ["worker"]


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

    def has_add_permission(self, request):
        return is_org_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_org_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_org_admin(request.user) and super().has_delete_permission(request, obj)
