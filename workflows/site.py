"""The Material site: the workbench at /, sign-in pages under /accounts/.

Flow applications join the site by being listed in `site = UnioncaseSite(viewsets=[...])`,
e.g. `FlowAppViewset(DisputeFlow, icon="gavel")`; they mount at /<app_name>/.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site, route

from api import tokens as api_tokens
from cases.models import Role
from notifications import views as notification_views
from workflows.accounts import lockouts as lockout_views, views as account_views
from workflows.application_attachments import ApplicationAttachmentView
from workflows.administration.app import OrgAdminApp
from workflows.audit import views as audit_views
from workflows.dispute import (
    case_search,
    pages as case_pages,
    representation as case_representation,
    service as case_service,
)
from workflows.dispute.flow import DisputeFlow
from workflows.dispute.schedule import feed as schedule_feed
from workflows.dispute.views import DisputeAppViewset
from workflows.hardship import (
    candidates as candidate_views,
    funds as hardship_fund_views,
    household as hardship_household_views,
)
from workflows.hardship.file import attachments as hardship_attachment_views, views as hardship_file_views
from workflows.hardship.flow import HardshipFlow, ObjectionFlow
from workflows.hardship.programmes import detail as programme_detail_views, views as programme_views
from workflows.hardship.register.views import HardshipAssessView, HardshipRegisterView
from workflows.hardship.views import HardshipAppViewset
from workflows.home import HomeView
from workflows.page_scope import reaches_any
from workflows.reports import views as report_views

SITE_TITLE = _("工会劳动争议调解与困难职工帮扶系统")


class WorkbenchApp(Application):
    title = _("工作台")
    icon = "dashboard"
    app_name = "workbench"
    # The case links (登记申请, 案件查询) above the workbench's own menu.
    menu_template_name = "workflows/case/menu.html"

    index_path = path("", HomeView.as_view(), name="index")
    case_register_path = path("cases/register/", case_pages.RegisterView.as_view(), name="case_register")
    case_search_path = path("cases/search/", case_search.CaseSearchView.as_view(), name="case_search")
    case_detail_path = path("cases/<int:pk>/", case_pages.CaseDetailView.as_view(), name="case_detail")
    case_action_path = path(
        "cases/<int:pk>/actions/<slug:name>/", case_pages.CaseActionView.as_view(), name="case_action",
    )
    case_document_path = path(
        "cases/<int:pk>/documents/<int:document_pk>/", case_pages.DocumentDownloadView.as_view(),
        name="case_document",
    )
    case_service_path = path("cases/<int:pk>/service/<int:document_pk>/<slug:party>/",
                             case_service.ServiceView.as_view(), name="case_service")
    case_service_certificate_path = path("cases/<int:pk>/service/<int:document_pk>/<slug:party>/certificate/",
                                         case_service.CertificateView.as_view(), name="case_service_certificate")
    case_service_consent_path = path("cases/<int:pk>/service/consent/<slug:party>/",
                                     case_service.ElectronicConsentView.as_view(), name="case_service_consent")
    case_service_scan_path = path("cases/<int:pk>/service/records/<int:record_pk>/scan/",
                                  case_service.ScanDownloadView.as_view(), name="case_service_scan")
    case_application_attachment_path = path("cases/<int:pk>/attachments/<int:attachment_pk>/",
                                            ApplicationAttachmentView.as_view(), name="case_application_attachment")
    case_parties_path = path("cases/<int:pk>/parties/", case_representation.RepresentationView.as_view(),
                             name="case_parties")
    case_agent_scan_path = path("cases/<int:pk>/parties/agents/<int:agent_pk>/scan/",
                                case_representation.AgentScanView.as_view(), name="case_agent_scan")
    candidate_list_path = path("hardship/candidates/", candidate_views.CandidateListView.as_view(),
                               name="candidate_list")
    candidate_detail_path = path("hardship/candidates/<int:pk>/", candidate_views.CandidateDetailView.as_view(),
                                 name="candidate_detail")
    hardship_register_path = path("hardship/register/", HardshipRegisterView.as_view(), name="hardship_register")
    hardship_assess_path = path("hardship/assess/", HardshipAssessView.as_view(), name="hardship_assess")
    hardship_file_list_path = path("hardship/files/", hardship_file_views.FileListView.as_view(),
                                   name="hardship_file_list")
    hardship_file_path = path("hardship/files/<int:pk>/", hardship_file_views.FileDetailView.as_view(),
                              name="hardship_file")
    hardship_household_path = path("hardship/files/<int:pk>/household/",
                                   hardship_household_views.HouseholdEditView.as_view(), name="hardship_household")
    hardship_file_action_path = path("hardship/files/<int:pk>/actions/<slug:name>/",
                                     hardship_file_views.FileActionView.as_view(), name="hardship_file_action")
    hardship_file_document_path = path("hardship/files/<int:pk>/documents/<int:document_pk>/",
                                       hardship_file_views.FileDocumentDownloadView.as_view(),
                                       name="hardship_file_document")
    hardship_file_attachment_path = path("hardship/files/<int:pk>/attachments/<int:attachment_pk>/",
                                         hardship_attachment_views.AttachmentDownloadView.as_view(),
                                         name="hardship_file_attachment")
    hardship_file_attachment_upload_path = path("hardship/files/<int:pk>/attachments/",
                                                hardship_attachment_views.AttachmentUploadView.as_view(),
                                                name="hardship_file_attachment_upload")
    hardship_fund_list_path = path("hardship/funds/", hardship_fund_views.FundListView.as_view(),
                                   name="hardship_fund_list")
    hardship_fund_path = path("hardship/funds/<int:pk>/", hardship_fund_views.FundDetailView.as_view(),
                              name="hardship_fund")
    hardship_fund_export_path = path("hardship/funds/<int:pk>/ledger.xlsx", hardship_fund_views.FundExportView.as_view(),
                                     name="hardship_fund_export")
    hardship_file_cause_path = path("hardship/files/<int:pk>/cause/", programme_views.RecordCauseView.as_view(),
                                    name="hardship_file_cause")
    programme_list_path = path("hardship/programmes/", programme_views.ProgrammeListView.as_view(),
                               name="programme_list")
    programme_apply_path = path("hardship/programmes/apply/<slug:programme>/",
                                programme_views.ProgrammeApplyView.as_view(), name="programme_apply")
    programme_application_path = path("hardship/programmes/<int:pk>/",
                                      programme_detail_views.ApplicationDetailView.as_view(),
                                      name="programme_application")
    programme_application_action_path = path("hardship/programmes/<int:pk>/actions/<slug:name>/",
                                             programme_detail_views.ApplicationActionView.as_view(),
                                             name="programme_application_action")
    programme_application_document_path = path("hardship/programmes/<int:pk>/documents/<int:document_pk>/",
                                               programme_detail_views.ApplicationDocumentDownloadView.as_view(),
                                               name="programme_application_document")

    report_path = path("reports/", report_views.ReportView.as_view(), name="report")
    report_xlsx_path = path("reports/report.xlsx", report_views.ReportXlsxView.as_view(), name="report_xlsx")
    report_pdf_path = path("reports/report.pdf", report_views.ReportPdfView.as_view(), name="report_pdf")

    audit_search_path = path("audit/", audit_views.AuditSearchView.as_view(), name="audit_search")
    audit_verify_path = path("audit/verify/", audit_views.VerifyChainView.as_view(), name="audit_verify")
    audit_timeline_path = path("audit/<slug:kind>/<int:pk>/", audit_views.TimelineView.as_view(),
                               name="audit_timeline")
    audit_reveal_path = path("audit/<slug:kind>/<int:pk>/reveal/", audit_views.RevealIdView.as_view(),
                             name="audit_reveal")
    audit_history_json_path = path("audit/<slug:kind>/<int:pk>/history.json", audit_views.HistoryJsonView.as_view(),
                                   name="audit_history_json")
    audit_history_pdf_path = path("audit/<slug:kind>/<int:pk>/history.pdf", audit_views.HistoryPdfView.as_view(),
                                  name="audit_history_pdf")

    lockout_list_path = path("lockouts/", lockout_views.LockoutListView.as_view(), name="lockout_list")
    lockout_unlock_path = path("lockouts/<int:pk>/unlock/", lockout_views.UnlockView.as_view(), name="lockout_unlock")

    # A mediator's iCalendar feed: no sign-in, the secret token is the credential (workflows/dispute/schedule/).
    calendar_feed_path = path("calendar/<slug:token>.ics", schedule_feed.calendar_feed, name="calendar_feed")

    notification_inbox_path = path("notifications/", notification_views.InboxView.as_view(),
                                   name="notification_inbox")
    notification_open_path = path("notifications/<int:pk>/", notification_views.OpenView.as_view(),
                                  name="notification_open")
    notification_read_all_path = path("notifications/read-all/", notification_views.ReadAllView.as_view(),
                                      name="notification_read_all")
    notification_preferences_path = path("notifications/preferences/", notification_views.PreferencesView.as_view(),
                                         name="notification_preferences")

    def get_context_data(self, request):
        return {"case_menu": case_pages.menu_flags(request.user), "may_unlock_accounts": reaches_any(request.user, [Role.ORG_ADMIN])}


class AccountsViewset(AuthViewset):
    """Sign in, sign out and change one's own password.

    There is no self-service reset by e-mail: an organisation or system administrator
    resets a forgotten password.
    """

    pass_reset_path = None
    pass_reset_done_path = None
    pass_reset_confirm_path = None
    pass_reset_complete_path = None

    # After the password: the authenticator's code, or enrolling one (workflows/accounts/).
    two_factor_verify_path = path("two-factor/", account_views.VerifyView.as_view(), name="two_factor_verify")
    two_factor_enrol_path = path("two-factor/setup/", account_views.EnrolView.as_view(), name="two_factor_enrol")
    # Personal tokens for the REST API (api/): made, listed and revoked by their owner.
    api_tokens_path = path("api-tokens/", api_tokens.TokensView.as_view(), name="api_tokens")
    api_token_revoke_path = path("api-tokens/<int:pk>/revoke/", api_tokens.RevokeTokenView.as_view(),
                                 name="api_token_revoke")

    def get_login_view_kwargs(self, **kwargs):
        return super().get_login_view_kwargs(redirect_authenticated_user=True, **kwargs)


class UnioncaseSite(Site):
    # Declared before Site's own index redirect, so "/" is the workbench home itself.
    workbench_path = route("", WorkbenchApp())
    accounts_path = route("accounts/", AccountsViewset(with_profile_view=False))
    # 组织管理: the organisation admin's pages (workflows/administration/).
    orgadmin_path = route("orgadmin/", OrgAdminApp())


site = UnioncaseSite(
    title=SITE_TITLE, primary_color="#b71c1c", secondary_color="#37474f",
    viewsets=[
        DisputeAppViewset(DisputeFlow, icon="gavel"),
        HardshipAppViewset(HardshipFlow, icon="volunteer_activism"),
        HardshipAppViewset(ObjectionFlow, icon="report"),
    ],
)
