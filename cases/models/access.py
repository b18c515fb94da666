"""Who may see and who may change what: the one scoping function every query uses.

A user sees the subtrees of the organisations they belong to and nothing else. A role
held in an organisation applies to its whole subtree. Auditors read and never change.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from cases.models.orgs import Membership, Organisation, Role
from cases.rules.roles import READ_ONLY_ROLES


def visible_organisations(user) -> QuerySet[Organisation]:
    """The organisations `user` may read: their memberships' subtrees."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    roots = Organisation.objects.filter(memberships__user=user).distinct()
    return Organisation.objects.subtree_of(list(roots))


def scoped(queryset: QuerySet, user, *, via: str = "organisation") -> QuerySet:
    """Filter any queryset to rows whose organisation (reached by `via`) the user may read."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    lookup = "pk__in" if via in ("", "self") else f"{via}__in"
    return queryset.filter(**{lookup: visible_organisations(user).values("pk")})


# (user id, lineage) → roles, while a roles_read_once() block runs; None outside one.
_roles_read: ContextVar[dict | None] = ContextVar("roles_read", default=None)


@contextmanager
def roles_read_once() -> Iterator[None]:
    """Within the block, roles_in reads each user's roles over an organisation once.

    For one unit of work (a flow step and the transition it takes), where the task's checks and
    the door's each ask the same question. A membership saved or deleted meanwhile empties the
    memo; nested blocks share the outermost one's."""
    if _roles_read.get() is not None:
        yield
        return
    token = _roles_read.set({})
    try:
        yield
    finally:
        _roles_read.reset(token)


@receiver(post_save, sender=Membership, dispatch_uid="roles_read_once_forgets_on_save")
@receiver(post_delete, sender=Membership, dispatch_uid="roles_read_once_forgets_on_delete")
def _forget_roles_read(**kwargs) -> None:
    memo = _roles_read.get()
    if memo:
        memo.clear()


def roles_in(user, organisation: Organisation) -> set[str]:
    """Roles `user` holds over `organisation`: those held in it or in any ancestor."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    ancestor_ids = organisation.lineage_ids
    memo, key = _roles_read.get(), (user.pk, tuple(ancestor_ids))
    if memo is not None and key in memo:
        return set(memo[key])
    roles = frozenset(
        Membership.objects.filter(user=user, organisation_id__in=ancestor_ids)
        .values_list("role", flat=True)
    )
    if memo is not None:
        memo[key] = roles
    return set(roles)


def can_read(user, organisation: Organisation) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return bool(roles_in(user, organisation))


def can_act(user, organisation: Organisation, roles: Iterable[str]) -> bool:
    """True when `user` holds one of `roles` over `organisation` (never a read-only role)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    allowed = set(roles) - READ_ONLY_ROLES
    return bool(roles_in(user, organisation) & allowed)


def require_can_act(user, organisation: Organisation, roles: Iterable[str]) -> None:
    roles = list(roles)
    if can_act(user, organisation, roles):
        return
    if can_read(user, organisation):
        held = roles_in(user, organisation)
        if held and held <= READ_ONLY_ROLES:
            raise PermissionDenied(_("审计员只能查阅，不能修改任何内容。"))
        names = "、".join(str(Role(role).label) for role in roles)
        raise PermissionDenied(
            _("您在“%(org)s”没有执行此操作所需的角色（需要：%(roles)s）。")
            % {"org": organisation.name, "roles": names}
        )
    # Outside the user's subtrees: a generic refusal that names nothing of the other organisation.
    raise PermissionDenied(_("该记录不在您所属组织的范围内。"))


def holders(organisation: Organisation, roles: Iterable[str]):
    """Active users holding one of `roles` over `organisation` (in it or any ancestor)."""
    from django.contrib.auth import get_user_model

    user_ids = Membership.objects.filter(
        organisation_id__in=organisation.lineage_ids, role__in=list(roles), user__is_active=True,
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids)


def nearest_holders(organisation: Organisation, roles: Iterable[str]):
    """Users holding one of `roles` in `organisation`, or else in its nearest ancestor that has any."""
    from django.contrib.auth import get_user_model

    ancestor_ids = organisation.lineage_ids
    memberships = Membership.objects.filter(
        organisation_id__in=ancestor_ids, role__in=list(roles), user__is_active=True,
    ).values_list("organisation_id", "user_id")
    by_org: dict[int, set[int]] = {}
    for org_id, user_id in memberships:
        by_org.setdefault(org_id, set()).add(user_id)
    for org_id in reversed(ancestor_ids):
        if org_id in by_org:
            return get_user_model().objects.filter(pk__in=by_org[org_id])
    return get_user_model().objects.none()
