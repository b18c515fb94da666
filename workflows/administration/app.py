"""The 组织管理 application of the site (workflows/site.py mounts it at /orgadmin/): shown in the
menu to organisation admins and superusers only; anyone else signed in is refused (403)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from workflows.administration import funds, holidays, organisations, overview, people, standards
from workflows.administration.access import app_permission


class OrgAdminApp(Application):
    title = _("组织管理")
    icon = "admin_panel_settings"
    app_name = "orgadmin"
    menu_template_name = "workflows/administration/menu.html"
    permission = staticmethod(app_permission)

    index_path = path("", overview.OverviewView.as_view(), name="index")
    people_path = path("people/", people.PeopleListView.as_view(), name="people")
    person_new_path = path("people/new/", people.PersonCreateView.as_view(), name="person_new")
    person_path = path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person")
    person_action_path = path("people/<int:pk>/<slug:action>/", people.PersonActionView.as_view(),
                              name="person_action")
    organisations_path = path("organisations/", organisations.OrganisationListView.as_view(), name="organisations")
    organisation_new_path = path("organisations/new/", organisations.OrganisationCreateView.as_view(),
                                 name="organisation_new")
    organisation_path = path("organisations/<int:pk>/", organisations.OrganisationDetailView.as_view(),
                             name="organisation")
    organisation_action_path = path("organisations/<int:pk>/<slug:action>/",
                                    organisations.OrganisationActionView.as_view(), name="organisation_action")
    funds_path = path("funds/", funds.FundsView.as_view(), name="funds")
    standards_path = path("standards/", standards.StandardsView.as_view(), name="standards")
    schedules_path = path("holidays/", holidays.ScheduleListView.as_view(), name="schedules")
    schedule_path = path("holidays/<int:pk>/", holidays.ScheduleDetailView.as_view(), name="schedule")
