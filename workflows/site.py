"""The Material site: the workbench at /, sign-in pages under /accounts/.

Flow applications join the site by being listed in `site = UnioncaseSite(viewsets=[...])`,
e.g. `FlowAppViewset(DisputeFlow, icon="gavel")`; they mount at /<app_name>/.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site, route

from .dispute import DisputeFlow
from .dispute_views import DisputeAppViewset
from .views import HomeView

SITE_TITLE = _("工会劳动争议调解与困难职工帮扶系统")


class WorkbenchApp(Application):
    title = _("工作台")
    icon = "dashboard"
    app_name = "workbench"
    menu_template_name = "workflows/workbench_menu.html"

    index_path = path("", HomeView.as_view(), name="index")


class AccountsViewset(AuthViewset):
    """Sign in, sign out and change one's own password.

    There is no self-service reset by e-mail: an organisation or system administrator
    resets a forgotten password.
    """

    pass_reset_path = None
    pass_reset_done_path = None
    pass_reset_confirm_path = None
    pass_reset_complete_path = None

    def get_login_view_kwargs(self, **kwargs):
        return super().get_login_view_kwargs(redirect_authenticated_user=True, **kwargs)


class UnioncaseSite(Site):
    # Declared before Site's own index redirect, so "/" is the workbench home itself.
    workbench_path = route("", WorkbenchApp())
    accounts_path = route("accounts/", AccountsViewset(with_profile_view=False))


site = UnioncaseSite(
    title=SITE_TITLE, primary_color="#b71c1c", secondary_color="#37474f",
    viewsets=[DisputeAppViewset(DisputeFlow, icon="gavel")],
)
