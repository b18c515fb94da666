"""An organisation admin's reach: the subtrees where they hold the role, the people who work
there, and the regions those organisations serve. A superuser reaches everything.

Account-level changes (deactivating, a new password) reach only people who work nowhere else:
someone who also works outside the admin's subtree is managed by a common higher admin. Peer
admins (admins of the same organisation) do not manage each other's accounts or appoint more
peers: that is for the admin above them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import Membership, Organisation, Role
from cases.platform.signin.throttling import admin_scope, may_unlock


def may_administer(user) -> bool:
    """An active superuser, or an active user who is an organisation admin somewhere."""
    return may_unlock(user)


def admin_roots(user) -> list[Organisation]:
    """The organisations where `user` holds the organisation admin role."""
    return list(Organisation.objects.filter(memberships__user=user, memberships__role=Role.ORG_ADMIN).distinct())


def administered(user) -> QuerySet[Organisation]:
    """Every organisation `user` administers: their admin organisations' subtrees."""
    if not may_administer(user):
        return Organisation.objects.none()
    return admin_scope(user)


def administers(user, organisation: Organisation) -> bool:
    return administered(user).filter(pk=organisation.pk).exists()


def require_administers(user, organisation: Organisation) -> None:
    if not administers(user, organisation):
        raise PermissionDenied(_("该组织不在您管理的范围内。"))


def below_own_admin_role(user, organisation: Organisation) -> bool:
    """True when `organisation` lies strictly below one of `user`'s admin organisations (always for
    a superuser): where they may appoint admins and set a region."""
    if user.is_superuser:
        return True
    return any(organisation.path.startswith(root.path) and organisation.path != root.path
               for root in admin_roots(user))


def people(user) -> QuerySet:
    """The accounts `user` sees as admin: everyone with a role in an organisation they administer
    (every account for a superuser)."""
    User = get_user_model()
    if not may_administer(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    member_ids = Membership.objects.filter(organisation__in=administered(user).values("pk")).values("user_id")
    return User.objects.filter(pk__in=member_ids)


def account_refusal(actor, target) -> str:
    """Why `actor` may not deactivate, reactivate or reset the password of `target` ("" if they may)."""
    if actor.pk == target.pk:
        return _("不能在这里停用或重设您本人的账户；修改自己的密码请使用“修改密码”。")
    if target.is_superuser and not actor.is_superuser:
        return _("系统管理员的账户只能由系统管理员管理。")
    if actor.is_superuser:
        return ""
    scope = administered(actor)
    if Membership.objects.filter(user=target).exclude(organisation__in=scope.values("pk")).exists():
        return _("该用户还在您管理范围以外的组织任职，其账户只能由共同的上级组织管理员或系统管理员管理。")
    admin_at = Organisation.objects.filter(memberships__user=target, memberships__role=Role.ORG_ADMIN)
    if any(not below_own_admin_role(actor, organisation) for organisation in admin_at):
        return _("该用户是与您同级的组织管理员，其账户须由上级组织管理员或系统管理员管理。")
    return ""


def require_may_manage_account(actor, target) -> None:
    refusal = account_refusal(actor, target)
    if refusal:
        raise PermissionDenied(refusal)


# -- regions --------------------------------------------------------------------------------------

def region_prefix(code: str) -> str:
    """The digits a 6-digit region code fixes: "110000" → "11" (the whole city), "110100" → "1101",
    "110108" → "110108" (GB/T 2260: province, prefecture, county, two digits each)."""
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def region_covers(outer: str, inner: str) -> bool:
    return inner.startswith(region_prefix(outer))


def admin_region_codes(user) -> list[str]:
    """The region codes of the organisations `user` administers, broadest first."""
    codes = set(administered(user).exclude(region_code="").values_list("region_code", flat=True))
    return sorted(codes, key=lambda code: (len(region_prefix(code)), code))


def region_filter(user, field: str = "region_code") -> Q:
    """Rows of the regions `user` keeps: those their organisations serve, and the areas within them."""
    if user.is_superuser and user.is_active:
        return Q()
    condition = Q(pk__in=[])
    for code in admin_region_codes(user):
        condition |= Q(**{f"{field}__startswith": region_prefix(code)})
    return condition


def keeps_region(user, code: str) -> bool:
    if user.is_superuser and user.is_active:
        return True
    return any(region_covers(outer, code) for outer in admin_region_codes(user))


def organisation_of_region(user, code: str) -> Organisation | None:
    """The organisation of `user`'s scope serving the narrowest region that covers `code` (the
    one a journal entry about that region is filed under)."""
    found = [org for org in administered(user).exclude(region_code="") if region_covers(org.region_code, code)]
    found.sort(key=lambda org: (-len(region_prefix(org.region_code)), -len(org.path)))
    return found[0] if found else None
