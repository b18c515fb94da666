"""The delivery log and what the recording SMS backend kept, read-only; preferences, staff
mobile numbers and party opt-outs, editable (staff set their own on 通知设置)."""

from django.contrib import admin

from cases.admin import ReadOnlyMixin

from .models import ContactOptOut, Delivery, NotificationPreference, SmsRecord, StaffMobile


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "recipient_name", "address", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind", "legal_notice"]
    search_fields = ["idempotency_key", "event_key", "recipient_name", "address"]


@admin.register(SmsRecord)
class SmsRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "phone", "text"]
    search_fields = ["phone", "idempotency_key"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled"]
    list_filter = ["channel", "enabled"]


@admin.register(ContactOptOut)
class ContactOptOutAdmin(admin.ModelAdmin):
    list_display = ["address", "channel", "created_at"]
    search_fields = ["address"]


@admin.register(StaffMobile)
class StaffMobileAdmin(admin.ModelAdmin):
    list_display = ["user", "number", "updated_at"]
    search_fields = ["user__username", "number"]
