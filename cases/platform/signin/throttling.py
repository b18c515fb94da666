"""Login throttling on django-axes, and unlocking.

Two limits within the cool-off period (settings LOGIN_*, README's production table):
- one account from one address: AXES_FAILURE_LIMIT failures (default 5) lock that pair;
- one address across all accounts: LOGIN_ADDRESS_FAILURE_LIMIT failures (default 30) lock the
  address, so trying one common password on many accounts is stopped too.
A locked sign-in is refused before the password is checked, so even the right password fails
until the cool-off ends (counted from the latest failure) or someone unlocks it: an organisation
admin for the accounts in their subtree (workflows/accounts/lockouts.py), a superuser with
`manage.py unlock_login`. Each unlock is journalled.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from cases.models import AuditAction, Membership, Organisation, Role
from cases.platform.audit.journal import append_event, append_events


class ThrottlingBackend(AxesStandaloneBackend):
    """Refuses a sign-in over HTTP whose account and address are locked.

    A sign-in without a request (a shell, a management command, Django's test client
    `login()`) has no address to throttle and passes on to the model backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class ThrottlingHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler with a limit of its own for the address across accounts.

    AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"], "ip_address"]: the first count is
    the account at this address, the second the address. Axes compares one number with
    AXES_FAILURE_LIMIT, so an address over its own limit reports at least that limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        account_at_address, address = (_failures(attempts) for attempts in self.get_user_attempts(request, credentials))
        if address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(account_at_address, get_failure_limit(request, credentials))
        return account_at_address

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in, forget that account's failures at that address only:
        signing in to one's own account must not clear the address's count of others."""
        account_at_address = self.filter_user_attempts(request, credentials)[0]
        count, _ = account_at_address.delete()
        return count


@dataclass(frozen=True)
class Lockout:
    """A locked account at an address, or a locked address (username empty)."""

    username: str
    address: str
    failures: int
    last_failure: datetime
    until: datetime

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))


def _window_start() -> datetime:
    return timezone.now() - get_cool_off()


def account_lockouts(usernames=None) -> list[Lockout]:
    """Accounts locked at an address now (all of them, or those of `usernames`)."""
    attempts = AccessAttempt.objects.filter(attempt_time__gte=_window_start()).exclude(username=None)
    if usernames is not None:
        attempts = attempts.filter(username__in=usernames)
    rows = (attempts.values("username", "ip_address")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("username", "ip_address"))
    cool_off = get_cool_off()
    return [Lockout(row["username"], row["ip_address"] or "", row["failures"], row["last"], row["last"] + cool_off)
            for row in rows]


def address_lockouts() -> list[Lockout]:
    """Addresses locked for every account, by failures across accounts."""
    rows = (AccessAttempt.objects.filter(attempt_time__gte=_window_start())
            .values("ip_address").annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.LOGIN_ADDRESS_FAILURE_LIMIT).order_by("ip_address"))
    cool_off = get_cool_off()
    return [Lockout("", row["ip_address"] or "", row["failures"], row["last"], row["last"] + cool_off) for row in rows]


def lockout_for(*, username: str, address: str) -> Lockout | None:
    """Why a sign-in of `username` from `address` is refused now: the account's lockout at that
    address, else the address's; None when neither is locked."""
    for lockout in account_lockouts([username]):
        if lockout.address == address:
            return lockout
    for lockout in address_lockouts():
        if lockout.address == address:
            return lockout
    return None


def admin_scope(user):
    """Organisations whose members' accounts `user` may unlock: the subtrees where they are
    organisation admin (every one for a superuser)."""
    if user.is_superuser:
        return Organisation.objects.all()
    roots = Organisation.objects.filter(memberships__user=user, memberships__role=Role.ORG_ADMIN).distinct()
    return Organisation.objects.subtree_of(list(roots))


def may_unlock(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and (
        user.is_superuser or Membership.objects.filter(user=user, role=Role.ORG_ADMIN).exists()))


def unlockable_users(by):
    """Accounts `by` may unlock: members of an organisation in their admin scope."""
    member_ids = Membership.objects.filter(organisation__in=admin_scope(by)).values("user_id")
    return get_user_model().objects.filter(pk__in=member_ids)


def home_organisation(user) -> Organisation | None:
    """The organisation a journal entry about `user`'s account is filed under: their first membership's."""
    membership = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__path").first()
    return membership.organisation if membership else None


@transaction.atomic
def unlock_account(*, user, by, reason: str = "") -> int:
    """Forget `user`'s failed sign-ins at every address; journalled. Returns the records cleared."""
    username = user.get_username()
    lockouts = account_lockouts([username])
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    append_event(
        action=AuditAction.RECORD_CHANGED, actor=by, subject=user,
        organisation=home_organisation(user), name="login_unlocked", reason=reason,
        data={"username": username, "addresses": [lockout.address for lockout in lockouts], "records_cleared": count},
    )
    return count


@transaction.atomic
def unlock_address(*, address: str, by, reason: str = "") -> int:
    """Forget every failed sign-in from `address` (all accounts); journalled."""
    count, _ = AccessAttempt.objects.filter(ip_address=address).delete()
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, name="login_address_unlocked", reason=reason,
                 data={"address": address, "records_cleared": count})
    return count


def journal_attempts_deleted(attempts, *, by) -> None:
    """Journal failed sign-ins about to be deleted other than by unlock_account or unlock_address
    (in the Django admin), as those journal theirs: one `login_unlocked` per account, naming the
    addresses of its deleted records and those where it was locked, and one
    `login_address_unlocked` for records of no account."""
    by_username = defaultdict(list)
    for attempt in attempts:
        by_username[attempt.username or ""].append(attempt)
    named = [username for username in by_username if username]
    locked = {(lockout.username, lockout.address) for lockout in account_lockouts(named)} if named else set()
    User = get_user_model()
    users = {user.get_username(): user for user in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": named})}
    specs = []
    for username, rows in sorted(by_username.items()):
        addresses = sorted({row.ip_address or "" for row in rows})
        data = {"addresses": addresses, "records_cleared": len(rows), "via": "admin"}
        if not username:
            specs.append({"action": AuditAction.RECORD_CHANGED, "actor": by, "name": "login_address_unlocked",
                          "data": data})
            continue
        user = users.get(username)
        specs.append({
            "action": AuditAction.RECORD_CHANGED, "actor": by, "subject": user, "name": "login_unlocked",
            "organisation": home_organisation(user) if user else None,
            "data": {"username": username, **data,
                     "locked_addresses": [address for address in addresses if (username, address) in locked]},
        })
    if specs:
        append_events(specs)
