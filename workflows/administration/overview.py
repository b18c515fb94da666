"""组织管理 (the application's index): what the admin keeps, in figures that link to each page."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cases.models import Fund, HolidaySchedule, ScheduleStatus, TemporaryPassword
from cases.platform.administration.scope import admin_region_codes, admin_roots, administered, people
from cases.platform.signin.throttling import account_lockouts
from workflows.administration.access import OrgAdminsOnly


def admin_figures(user) -> list[dict]:
    """(label, value, link) for each page of the organisation admin; every value a real query."""
    organisations = administered(user)
    persons = people(user)
    return [
        {"label": _("组织（在用 / 全部）"), "icon": "account_tree", "url": reverse("orgadmin:organisations"),
         "value": f"{organisations.active().count()} / {organisations.count()}"},
        {"label": _("人员（在用账户）"), "icon": "group", "url": reverse("orgadmin:people"),
         "value": persons.filter(is_active=True).count()},
        {"label": _("被锁定的账户"), "icon": "lock", "url": reverse("workbench:lockout_list"),
         "value": len({lockout.username for lockout in account_lockouts(persons.values("username"))})},
        {"label": _("尚未更换临时密码的账户"), "icon": "password", "url": reverse("orgadmin:people"),
         "value": TemporaryPassword.objects.filter(user__in=persons).count()},
        {"label": _("帮扶资金"), "icon": "account_balance_wallet", "url": reverse("orgadmin:funds"),
         "value": Fund.objects.filter(organisation__in=organisations.values("pk")).count()},
        {"label": _("维护低保标准的地区"), "icon": "place", "url": reverse("orgadmin:standards"),
         "value": len(admin_region_codes(user)) if not user.is_superuser else _("全部")},
        {"label": _("待审批的节假日安排"), "icon": "event", "url": reverse("orgadmin:schedules"),
         "value": HolidaySchedule.objects.filter(organisation__in=organisations.values("pk"),
                                                 status=ScheduleStatus.PROPOSED).count()},
    ]


class OverviewView(OrgAdminsOnly, TemplateView):
    template_name = "workflows/administration/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(figures=admin_figures(user), roots=admin_roots(user), **kwargs)
