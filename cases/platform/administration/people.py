"""People and their roles, kept by organisation admins: creating an account, giving and taking
roles, deactivating and reactivating, and a temporary password when one is forgotten.

There is no self-service reset by e-mail (workflows/site.py): an admin sets a temporary password,
shown to them once and never stored in clear, which its holder must replace at the next sign-in
(TemporaryPassword; workflows/accounts/middleware.py). A new account starts the same way.
Every change is journalled (AuditAction.RECORD_CHANGED) under the organisation concerned.
"""

import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import AuditAction, Membership, Organisation, Role, TemporaryPassword
from cases.models.orgs import HARDSHIP_KINDS
from cases.platform.administration.scope import (
    administers,
    below_own_admin_role,
    require_administers,
    require_may_manage_account,
)
from cases.platform.audit.journal import append_event
from cases.platform.signin.throttling import home_organisation
from cases.rules.validators import normalise_mobile, validate_mobile

# Letters and digits that cannot be mistaken for one another when read out or copied by hand.
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0OoIl1")
PASSWORD_LENGTH = 12
HARDSHIP_ROLES = (Role.HARDSHIP_CASEWORKER, Role.REVIEWER)


def temporary_password(user=None) -> str:
    """A random password of PASSWORD_LENGTH characters, with a letter and a digit, that the
    project's password validators accept."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if not (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)):
            continue
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def role_refusal(by, organisation: Organisation, role: str) -> str:
    """Why `by` may not give `role` in `organisation` ("" if they may); outside their scope is a
    PermissionDenied, as for any other record there."""
    require_administers(by, organisation)
    if role not in Role.values:
        return _("请选择角色。")
    if not organisation.is_active:
        return _("“%(org)s”已停用，不能再分配角色。") % {"org": organisation.name}
    if role == Role.ORG_ADMIN and not below_own_admin_role(by, organisation):
        return _("只能在您所管理组织的下级组织任命组织管理员；与您同级的组织管理员须由上级组织管理员任命。")
    if role in HARDSHIP_ROLES and organisation.kind not in HARDSHIP_KINDS:
        return _("“%(org)s”不承担困难职工帮扶工作：%(role)s只能在市、区总工会任职。") % {
            "org": organisation.name, "role": Role(role).label}
    return ""


def _check_roles(by, organisation: Organisation, roles) -> list[str]:
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise ValidationError({"roles": _("请至少选择一个角色。")})
    errors = [message for role in roles if (message := role_refusal(by, organisation, role))]
    if errors:
        raise ValidationError({"roles": errors})
    return roles


def _mobile(mobile: str) -> str:
    number = normalise_mobile(mobile or "")
    if number:
        try:
            validate_mobile(number)
        except ValidationError as error:
            raise ValidationError({"mobile": error.messages}) from None
    return number


def _save_mobile(user, number: str) -> None:
    from notifications.models import StaffMobile

    if number:
        StaffMobile.objects.update_or_create(user=user, defaults={"number": number})
    else:
        StaffMobile.objects.filter(user=user).delete()


def staff_mobile(user) -> str:
    from notifications.models import StaffMobile

    return StaffMobile.objects.filter(user=user).values_list("number", flat=True).first() or ""


def _issue_temporary_password(user, by) -> str:
    password = temporary_password(user)
    TemporaryPassword.objects.filter(user=user).delete()  # replaced by the new one, not by its holder
    user.set_password(password)
    user.save()
    TemporaryPassword.objects.create(user=user, issued_by=by)
    return password


@transaction.atomic
def create_account(*, by, username: str, full_name: str, organisation: Organisation, roles,
                   email: str = "", mobile: str = ""):
    """A new account with `roles` in `organisation` and a temporary password; returns (user, password)."""
    roles = _check_roles(by, organisation, roles)
    full_name, username = (full_name or "").strip(), (username or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("请填写姓名。")})
    number = _mobile(mobile)
    user = get_user_model()(username=username, first_name=full_name, email=(email or "").strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    password = _issue_temporary_password(user, by)
    for role in roles:
        membership = Membership(user=user, organisation=organisation, role=role)
        membership.full_clean()
        membership.save()
    _save_mobile(user, number)
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=user, organisation=organisation,
                 name="user_created", data={"username": user.username, "name": full_name,
                                            "organisation": organisation.code, "roles": roles})
    return user, password


@transaction.atomic
def update_account(*, by, user, full_name: str, email: str = "", mobile: str = "") -> list[str]:
    """Correct the name, e-mail or mobile number of an account `by` manages (or their own); returns
    what changed."""
    if by.pk != user.pk:
        require_may_manage_account(by, user)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("请填写姓名。")})
    number = _mobile(mobile)
    changed, before = [], {"name": user.first_name}
    if user.first_name != full_name or user.last_name:
        user.first_name, user.last_name = full_name, ""
        changed.append("name")
    if user.email != (email or "").strip():
        user.email = (email or "").strip()
        changed.append("email")
    if staff_mobile(user) != number:
        changed.append("mobile")
    if not changed:
        return []
    user.full_clean(exclude=["password"])
    user.save()
    _save_mobile(user, number)
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=user, organisation=home_organisation(user),
                 name="user_updated", data={"username": user.username, "fields": changed,
                                            "name": [before["name"], full_name] if "name" in changed else None})
    return changed


@transaction.atomic
def set_active(*, by, user, active: bool, reason: str = "") -> None:
    """Deactivate (停用: the person can no longer sign in, their roles stay on record) or reactivate
    an account. A deactivation says why."""
    require_may_manage_account(by, user)
    reason = (reason or "").strip()
    if not active and not reason:
        raise ValidationError({"reason": _("请填写停用理由，例如：调离、退休、离职。")})
    if user.is_active == active:
        raise ValidationError(_("该账户已经是启用状态。") if active else _("该账户已经停用。"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=user, organisation=home_organisation(user),
                 name="user_reactivated" if active else "user_deactivated", reason=reason,
                 data={"username": user.username})


@transaction.atomic
def reset_password(*, by, user, reason: str = "") -> str:
    """A new temporary password for `user`, returned once; they must replace it at the next sign-in."""
    require_may_manage_account(by, user)
    if not user.is_active:
        raise ValidationError(_("该账户已停用：请先启用账户，再重设密码。"))
    password = _issue_temporary_password(user, by)
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=user, organisation=home_organisation(user),
                 name="password_reset", reason=(reason or "").strip(), data={"username": user.username})
    return password


@transaction.atomic
def add_role(*, by, user, organisation: Organisation, role: str) -> Membership:
    if by.pk == user.pk and not by.is_superuser:
        raise PermissionDenied(_("不能给自己分配角色，请由上级组织管理员办理。"))
    refusal = role_refusal(by, organisation, role)
    if refusal:
        raise ValidationError({"role": refusal})
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": _("该用户在“%(org)s”已经是%(role)s。") % {
            "org": organisation.name, "role": Role(role).label}})
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=user, organisation=organisation,
                 name="membership_added", data={"username": user.username, "organisation": organisation.code,
                                                "role": role})
    return membership


@transaction.atomic
def remove_role(*, by, membership: Membership, reason: str = "") -> None:
    user, organisation = membership.user, membership.organisation
    if by.pk == user.pk and not by.is_superuser:
        raise PermissionDenied(_("不能撤销自己的角色，请由上级组织管理员办理。"))
    if not administers(by, organisation):
        raise PermissionDenied(_("该组织不在您管理的范围内。"))
    if membership.role == Role.ORG_ADMIN and not below_own_admin_role(by, organisation):
        raise ValidationError(_("与您同级的组织管理员须由上级组织管理员撤销。"))
    if not Membership.objects.filter(user=user).exclude(pk=membership.pk).exists():
        raise ValidationError(_("这是该用户唯一的角色，不能撤销；如其不再任职，请停用账户。"))
    role = membership.role
    membership.delete()
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=user, organisation=organisation,
                 name="membership_removed", reason=(reason or "").strip(),
                 data={"username": user.username, "organisation": organisation.code, "role": role})


def forget_replaced_temporary_password(sender, instance, **kwargs) -> None:
    """pre_save of the user model: a password set since the account was read (set_password) ends
    the requirement to replace a temporary one; the replacement is journalled."""
    if instance.pk is None or getattr(instance, "_password", None) is None:
        return
    deleted, _counts = TemporaryPassword.objects.filter(user_id=instance.pk).delete()
    if deleted:
        append_event(action=AuditAction.RECORD_CHANGED, actor=instance, subject=instance,
                     organisation=home_organisation(instance), name="temporary_password_replaced",
                     data={"username": instance.get_username()})


def connect_signals() -> None:
    from django.conf import settings
    from django.db.models.signals import pre_save

    pre_save.connect(forget_replaced_temporary_password, sender=settings.AUTH_USER_MODEL,
                     dispatch_uid="forget_replaced_temporary_password")
