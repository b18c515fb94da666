"""The fund pages (帮扶资金): the funds, a fund's ledger with its running balance, its budget
allocation by reviewers and organisation admins, and the journalled XLSX export."""

from io import BytesIO

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.hardship import aid
from cases.models import AuditAction
from cases.platform.audit.journal import append_event
from cases.platform.sheet_cells import xlsx_append
from cases.selectors import person_name, yuan
from workflows.dispute.views import submitted_through_door
from workflows.hardship.file.access import FundReadersOnly, file_url, may_allocate, readable_files, readable_funds
from workflows.hardship.file.forms import AllocateBudgetForm


def fund_row(fund) -> dict:
    summary = aid.fund_summary(fund)
    return {"fund": fund, "budget": yuan(summary.budget), "paid": yuan(summary.paid), "balance": yuan(summary.balance),
            "url": reverse("workbench:hardship_fund", args=[fund.pk])}


class FundListView(FundReadersOnly, TemplateView):
    template_name = "workflows/hardship/file_funds.html"

    def get_context_data(self, **kwargs):
        funds = readable_funds(self.request.user).order_by("-year", "organisation__path", "aid_type", "pk")
        return super().get_context_data(rows=[fund_row(fund) for fund in funds], **kwargs)


def _approvers(plan, application) -> str:
    if plan is not None:
        return person_name(plan.approved_by)
    if application is not None:
        return "、".join(person_name(user) for user in (application.first_approved_by, application.second_approved_by)
                        if user)
    return ""


def ledger_rows(fund, user) -> list[dict]:
    from workflows.hardship.programmes.views import application_url, readable_applications

    readable = set(readable_files(user).values_list("pk", flat=True))
    readable_programmes = set(readable_applications(user).filter(fund=fund).values_list("pk", flat=True))
    rows = []
    for row in aid.fund_ledger(fund):
        plan, payment, application = row.plan, row.disbursement, row.application
        file = plan.file if plan is not None else (application.file if application is not None else None)
        rows.append({
            "row": row, "entry": row.entry, "in": yuan(row.amount_in) if row.amount_in else "",
            "out": yuan(row.amount_out) if row.amount_out else "", "balance": yuan(row.balance),
            "recorded_by": person_name(row.entry.recorded_by), "payment": payment, "plan": plan, "file": file,
            "file_url": f"{file_url(file)}?tab=aid" if file is not None and file.pk in readable else "",
            "approver": _approvers(plan, application), "application": application,
            "application_url": application_url(application)
            if application is not None and application.pk in readable_programmes else "",
        })
    return rows


class FundDetailView(FundReadersOnly, TemplateView):
    template_name = "workflows/hardship/file_fund_detail.html"

    def fund(self):
        return get_object_or_404(readable_funds(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.fund_page(self.fund(), AllocateBudgetForm()))

    def post(self, request, *args, **kwargs):
        fund = self.fund()
        form = AllocateBudgetForm(request.POST)
        if form.is_valid() and submitted_through_door(form, lambda: aid.allocate_budget(
                fund=fund, amount=form.cleaned_data["amount"], by=request.user, note=form.cleaned_data["note"])):
            messages.success(request, _("已拨入%(amount)s；“%(fund)s”余额%(balance)s。") % {
                "amount": yuan(form.cleaned_data["amount"]), "fund": fund.name,
                "balance": yuan(aid.fund_summary(fund).balance)})
            return HttpResponseRedirect(reverse("workbench:hardship_fund", args=[fund.pk]))
        messages.error(request, _("预算未拨入：请按提示修改，已填写的内容都保留着。"))
        return self.render_to_response(self.fund_page(fund, form))

    def fund_page(self, fund, form):
        return self.get_context_data(
            fund=fund, summary=fund_row(fund), ledger=ledger_rows(fund, self.request.user), form=form,
            may_allocate=may_allocate(self.request.user, fund),
            export_url=reverse("workbench:hardship_fund_export", args=[fund.pk]),
        )


LEDGER_COLUMNS = (
    gettext_lazy("序号"), gettext_lazy("记账时间"), gettext_lazy("类别"), gettext_lazy("摘要"),
    gettext_lazy("拨入（元）"), gettext_lazy("支出（元）"), gettext_lazy("余额（元）"), gettext_lazy("档案编号"),
    gettext_lazy("帮扶计划或项目申请"), gettext_lazy("审批人"), gettext_lazy("领款凭证编号"), gettext_lazy("发放日期"),
    gettext_lazy("领款人"), gettext_lazy("记账人"),
)
MONEY_FORMAT = "#,##0.00"


def ledger_workbook(fund) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("资金台账")
    summary = aid.fund_summary(fund)
    xlsx_append(sheet, [str(fund), fund.organisation.name])
    xlsx_append(sheet, [_("预算合计"), summary.budget, _("已发放"), summary.paid, _("余额"), summary.balance])
    xlsx_append(sheet, [str(column) for column in LEDGER_COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for number, row in enumerate(aid.fund_ledger(fund), start=1):
        plan, payment, application = row.plan, row.disbursement, row.application
        file = plan.file if plan else (application.file if application else None)
        paid_for = str(plan) if plan else (f"{application.number} {application.get_programme_display()}"
                                           if application else "")
        xlsx_append(sheet, [
            number, timezone.localtime(row.entry.recorded_at).replace(tzinfo=None), row.entry.get_kind_display(),
            row.entry.note, row.amount_in or None, row.amount_out or None, row.balance,
            (file.number or str(file.pk)) if file else "", paid_for, _approvers(plan, application), row.receipt_number,
            payment.paid_on if payment else None, payment.recipient if payment else "",
            person_name(row.entry.recorded_by),
        ])
    for column in (2, 4, 6):
        sheet.cell(row=2, column=column).number_format = MONEY_FORMAT
    formats = {2: "yyyy-mm-dd hh:mm", 5: MONEY_FORMAT, 6: MONEY_FORMAT, 7: MONEY_FORMAT, 12: "yyyy-mm-dd"}
    for line in sheet.iter_rows(min_row=4):
        for cell in line:
            if cell.column in formats:
                cell.number_format = formats[cell.column]
    for letter, width in zip("ABCDEFGHIJKLMN", (6, 18, 10, 36, 14, 14, 14, 20, 28, 10, 22, 12, 10, 10)):
        sheet.column_dimensions[letter].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class FundExportView(FundReadersOnly, View):
    """The fund's ledger as XLSX; the export is journalled."""

    def get(self, request, pk):
        fund = get_object_or_404(readable_funds(request.user), pk=pk)
        content = ledger_workbook(fund)
        append_event(action=AuditAction.EXPORT, actor=request.user, subject=fund, organisation=fund.organisation,
                     name="export_fund_ledger", data={"fund": fund.pk, "name": fund.name,
                                                      "rows": fund.entries.count()})
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        filename = f"{fund.organisation.code}-{fund.year}-{fund.aid_type}-ledger.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
