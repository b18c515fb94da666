"""What one page asks about its signed-in user, read once: whether they hold any of a flow's
roles (the site menu, the application and the list view each ask it of every flow) and the
organisations, as ids, where they hold some roles (a queue, its count and the menu's counters).

Kept on the user object, which the authentication middleware loads afresh for every request.
A membership or an organisation saved or deleted in this process since it was read makes it
stale (a generation number), so a user object that lives longer (a test, a shell) reads again.
"""

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cases.models import Membership, Organisation

_generation = 0
ALL = "all"  # the subtrees key of a superuser: every organisation


@dataclass
class _Memo:
    generation: int
    memberships: tuple  # (role, organisation) of each of the user's memberships
    subtrees: dict = field(default_factory=dict)  # frozenset of root ids (or ALL) -> their Ids


def _memo(user) -> _Memo:
    memo = getattr(user, "_page_scope", None)
    if memo is None or memo.generation != _generation:
        rows = Membership.objects.filter(user=user).select_related("organisation")
        memo = _Memo(_generation, tuple((row.role, row.organisation) for row in rows))
        user._page_scope = memo
    return memo


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def holds_any(user, roles) -> bool:
    """Whether `user` (signed in, active) holds one of `roles` in some organisation."""
    return _signed_in(user) and any(role in roles for role, _ in _memo(user).memberships)


@dataclass(frozen=True)
class Ids:
    """Ids as one value of a query filter (the InIds lookup). A list there is walked item by item
    each time a filter holds it: Django checks, hashes and prepares each id, psycopg dumps each;
    a few hundred organisations cost milliseconds a query."""

    values: tuple[int, ...]

    @property
    def array(self) -> str:
        return "{" + ",".join(map(str, self.values)) + "}"


def reaches_any(user, roles) -> bool:
    """Whether workflows.dispute.flow.organisations_where(user, roles) holds any organisation (a
    menu entry or a page shown or not), from the memberships the request read once."""
    return _signed_in(user) and (user.is_superuser or holds_any(user, roles))


def organisation_ids(user, roles) -> Ids:
    """The ids of workflows.dispute.flow.organisations_where(user, roles): the organisations in
    the subtrees where `user` holds one of `roles`; every organisation for a superuser."""
    if not _signed_in(user):
        return Ids(())
    memo = _memo(user)
    if user.is_superuser:
        key, roots = ALL, None
    else:
        roots = {organisation.pk: organisation for role, organisation in memo.memberships if role in roles}
        key = frozenset(roots)
    if not key:
        return Ids(())
    if key not in memo.subtrees:
        organisations = Organisation.objects.all() if roots is None else Organisation.objects.subtree_of(roots.values())
        memo.subtrees[key] = Ids(tuple(organisations.values_list("pk", flat=True)))
    return memo.subtrees[key]


class InIds(Lookup):
    """`column IN (ids)` for Ids in hand (organisation_ids); on PostgreSQL `= ANY('{...}')`, one
    array literal, which is how PostgreSQL reads an IN list anyway. Register it on the field it
    filters: `field.register_lookup(InIds)`, then `filter(field__in_ids=ids)`."""

    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self):
        return self.rhs if isinstance(self.rhs, Ids) else Ids(tuple(int(pk) for pk in self.rhs))

    def as_sql(self, compiler, connection):
        if not self.rhs.values:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs.values))})", (*params, *self.rhs.values)

    def as_postgresql(self, compiler, connection):
        if not self.rhs.values:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", (*params, self.rhs.array)


@receiver(post_save, sender=Membership, dispatch_uid="page_scope_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="page_scope_membership_deleted")
@receiver(post_save, sender=Organisation, dispatch_uid="page_scope_organisation_saved")
@receiver(post_delete, sender=Organisation, dispatch_uid="page_scope_organisation_deleted")
def _forget(**kwargs) -> None:
    global _generation
    _generation += 1
