"""The Django admin's pages of django-axes' failed sign-ins and django-otp's authenticators, with
their deletions journalled: deleting failed sign-ins unlocks an account or an address, deleting an
authenticator makes its owner enrol again, so both go into the audit chain like `unlock_login`'s
unlocks — one record from its own page (delete_model) or many from the list (delete_queryset).

Registered in place of the packages' own admins (imported first, so that they register
themselves once); cases/admin.py imports this module.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db import transaction
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.platform.signin.throttling import journal_attempts_deleted
from cases.platform.signin.two_factor import journal_devices_deleted


class JournalledAccessAttemptAdmin(AccessAttemptAdmin):
    def delete_model(self, request, obj):
        with transaction.atomic():
            journal_attempts_deleted([obj], by=request.user)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            journal_attempts_deleted(list(queryset), by=request.user)
            super().delete_queryset(request, queryset)


class JournalledTOTPDeviceAdmin(TOTPDeviceAdmin):
    def delete_model(self, request, obj):
        with transaction.atomic():
            journal_devices_deleted([obj], by=request.user)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            journal_devices_deleted(list(queryset.select_related("user")), by=request.user)
            super().delete_queryset(request, queryset)


def register_journalled(model, model_admin) -> None:
    """Replace the package's admin of `model`, if it registered one (axes' AXES_ENABLE_ADMIN)."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)


register_journalled(AccessAttempt, JournalledAccessAttemptAdmin)
register_journalled(TOTPDevice, JournalledTOTPDeviceAdmin)
