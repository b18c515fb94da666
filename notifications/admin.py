"""The delivery log and what the recording SMS backend kept, read-only; preferences, editable;
staff mobile numbers and party opt-outs, added or deleted (staff set their own on 通知设置).

Phones and emails are encrypted at rest: shown masked (138****8000), never in a form once
saved, and found by the whole number or address through their blind index."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.admin import ReadOnlyMixin
from cases.models.encrypted import CONTACT, blind_index
from cases.rules.masking import mask_contact

from .models import ContactOptOut, Delivery, NotificationPreference, SmsRecord, StaffMobile


class IndexSearchMixin:
    """The search box also finds rows whose encrypted phone or email is the whole term typed,
    through its blind index (`index_search`: index column, purpose)."""

    index_search = ("address_index", CONTACT)
    search_help_text = _("可按完整的手机号码或电子邮箱查找")

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        column, purpose = self.index_search
        if index := blind_index(purpose, search_term):
            found |= queryset.filter(**{column: index})
        return found, duplicates


def masked(field: str, label):
    """An admin method showing `field` masked."""

    @admin.display(description=label)
    def show(_admin, obj):
        return mask_contact(getattr(obj, field)) or "—"

    return show


class AddOnlyMixin:
    """Saved rows are seen (masked) and deleted, never edited: the form would show the number."""

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(IndexSearchMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "recipient_name", "masked_address", "status", "attempts",
                    "sent_at"]
    list_filter = ["status", "channel", "kind", "legal_notice"]
    search_fields = ["idempotency_key", "event_key", "recipient_name"]
    exclude = ["address"]
    readonly_fields = ["masked_address"]
    masked_address = masked("address", _("地址"))


@admin.register(SmsRecord)
class SmsRecordAdmin(IndexSearchMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "masked_phone", "text"]
    search_fields = ["idempotency_key"]
    index_search = ("phone_index", "phone")
    search_help_text = _("可按完整的手机号码查找")
    exclude = ["phone"]
    readonly_fields = ["masked_phone"]
    masked_phone = masked("phone", _("手机号码"))


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled"]
    list_filter = ["channel", "enabled"]


@admin.register(ContactOptOut)
class ContactOptOutAdmin(IndexSearchMixin, AddOnlyMixin, admin.ModelAdmin):
    list_display = ["masked_address", "channel", "created_at"]
    list_filter = ["channel"]
    search_fields = ["=address_index"]  # the box itself; terms are matched through the index (IndexSearchMixin)
    masked_address = masked("address", _("地址"))

    def get_fields(self, request, obj=None):
        return ["address", "channel"] if obj is None else ["masked_address", "channel", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["masked_address", "channel", "created_at"]


@admin.register(StaffMobile)
class StaffMobileAdmin(AddOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "masked_number", "updated_at"]
    search_fields = ["user__username"]
    masked_number = masked("number", _("手机号码"))

    def get_fields(self, request, obj=None):
        return ["user", "number"] if obj is None else ["user", "masked_number", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "masked_number", "updated_at"]
