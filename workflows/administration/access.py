"""Who reaches the organisation admin's pages: organisation admins and superusers; anyone else
signed in is refused (403) in Chinese. A record outside the admin's subtree is a 404, whether or
not it exists (the views find records only through cases/platform/administration/scope.py)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from cases.models import Role
from cases.platform.administration.scope import may_administer
from workflows.page_scope import holds_any

REFUSAL = "只有组织管理员可以使用组织管理功能。"


def app_permission(user) -> bool:
    """The application's menu entry and URLs (viewflow's SiteMiddleware asks on every page): admins,
    and the signed out, whom the views themselves send to the sign-in page. Read from the roles the
    request has read once already (page_scope), not with a query of its own."""
    if not getattr(user, "is_authenticated", False):
        return True
    return user.is_active and (user.is_superuser or holds_any(user, {Role.ORG_ADMIN}))


class OrgAdminsOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_administer(request.user):
            raise PermissionDenied(_(REFUSAL))
        return super().dispatch(request, *args, **kwargs)
