"""Logins, failed logins and lockouts go into the audit journal."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from cases.models.actors import system
from cases.platform.audit.journal import append_event
from cases.platform.signin.addresses import client_address

from .models import AuditAction


def _client_address(request) -> str:
    if request is None:
        return ""
    return client_address(request)


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs):
    append_event(action=AuditAction.LOGIN, actor=user, data={"ip": _client_address(request)})


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    append_event(
        action=AuditAction.LOGIN_FAILED, actor=system("login"),
        data={"username": credentials.get("username", ""), "ip": _client_address(request)},
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    append_event(
        action=AuditAction.LOGIN_FAILED, actor=system("login"), name="locked_out",
        data={"username": username or "", "ip": ip_address or ""},
    )
