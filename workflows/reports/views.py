"""统计报表: the federation's figures for an organisation's subtree and a period, with SVG
charts, and the same report as XLSX and PDF (each export journalled)."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.models import AuditAction, Role
from cases.platform.audit.journal import append_event
from cases.statistics.period import CUSTOM, PRESETS, period_from_choice
from workflows.dispute.flow import organisations_where
from workflows.page_scope import reaches_any
from workflows.reports.content import build_report
from workflows.reports.exports import report_pdf, report_workbook

# Those who answer for an organisation's figures: auditors, leads, reviewers, admins.
REPORT_ROLES = (Role.AUDITOR, Role.MEDIATION_LEAD, Role.REVIEWER, Role.ORG_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_organisations(user):
    return organisations_where(user, REPORT_ROLES).order_by("path")


def may_see_reports(user) -> bool:
    return reaches_any(user, REPORT_ROLES)


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, organisation):
        depth = len(organisation.lineage_ids) - 1
        return "　" * depth + organisation.name


class ReportForm(forms.Form):
    organisation = OrganisationChoice(label=gettext_lazy("组织（含下级）"), queryset=None, empty_label=None,
                                      error_messages={"invalid_choice": gettext_lazy("请选择您有权查看的组织。")})
    preset = forms.ChoiceField(label=gettext_lazy("统计期间"), initial="month",
                               choices=[*((key, label) for key, (label, _period) in PRESETS.items()),
                                        (CUSTOM, gettext_lazy("自定义"))])
    start = forms.CharField(label=gettext_lazy("开始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.CharField(label=gettext_lazy("结束日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = report_organisations(user)

    def clean(self):
        cleaned = super().clean()
        if "preset" not in cleaned:
            return cleaned
        try:
            cleaned["period"] = period_from_choice(cleaned["preset"], today=timezone.localdate(),
                                                   start=cleaned.get("start"), end=cleaned.get("end"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


def report_form(request) -> ReportForm:
    """Bound to the query string; with none, the first organisation and this month."""
    data = request.GET.copy()
    if not data.get("organisation"):
        first = report_organisations(request.user).first()
        data.setdefault("organisation", str(first.pk) if first else "")
    data.setdefault("preset", "month")
    return ReportForm(data, user=request.user)


class ReportReadersOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_reports(request.user):
            raise PermissionDenied(_("只有审计员、调解组长、审核人或组织管理员可以查看统计报表。"))
        return super().dispatch(request, *args, **kwargs)


class ReportView(ReportReadersOnly, TemplateView):
    template_name = "workflows/report/report.html"

    def get(self, request, *args, **kwargs):
        form = report_form(request)
        report = build_report(organisation=form.cleaned_data["organisation"], period=form.cleaned_data["period"]) \
            if form.is_valid() else None
        query = request.GET.urlencode() or form.data.urlencode()
        return self.render_to_response(self.get_context_data(
            form=form, report=report,
            xlsx_url=f"{reverse('workbench:report_xlsx')}?{query}",
            pdf_url=f"{reverse('workbench:report_pdf')}?{query}",
        ), status=200 if report else 400)


class ReportExportView(ReportReadersOnly, View):
    file_format = ""

    def get(self, request):
        form = report_form(request)
        if not form.is_valid():
            return HttpResponse("；".join(m for errors in form.errors.values() for m in errors), status=400,
                                content_type="text/plain; charset=utf-8")
        report = build_report(organisation=form.cleaned_data["organisation"], period=form.cleaned_data["period"])
        content, content_type = self.render(report)
        append_event(action=AuditAction.EXPORT, actor=request.user, organisation=report.organisation,
                     name=f"export_report_{self.file_format}",
                     data={"from": report.period.start.isoformat(), "to": report.period.end.isoformat(),
                           "format": self.file_format, "accepted": report.disputes.accepted})
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{report.file_stem}.{self.file_format}"'
        return response


class ReportXlsxView(ReportExportView):
    file_format = "xlsx"

    def render(self, report):
        return report_workbook(report), XLSX


class ReportPdfView(ReportExportView):
    file_format = "pdf"

    def render(self, report):
        return report_pdf(report), "application/pdf"
