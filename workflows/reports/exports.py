"""The report as XLSX (openpyxl: one sheet per table, amounts as numbers in yuan) and as PDF
(WeasyPrint through the document service, with the same SVG charts as the page)."""

from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.platform.documents import render_pdf
from cases.platform.sheet_cells import xlsx_append
from cases.statistics.disputes import DEFINITIONS, SUCCESS_RATE_LABEL
from workflows.reports.content import Report

MONEY_FORMAT = "#,##0.00"


def _sheet(book, title: str, header: list[str], rows: list[list], money_columns: tuple[int, ...] = ()):
    from openpyxl.styles import Font

    sheet = book.create_sheet(title)
    xlsx_append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, row)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if cell.column in money_columns:
                cell.number_format = MONEY_FORMAT
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    return sheet


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _summary_rows(report: Report) -> list[list]:
    """Item, value and, for the dispute figures, what the figure counts (DEFINITIONS)."""
    d, h = report.disputes, report.hardship
    return [
        [_("组织（含下级）"), str(report.organisation)],
        [_("统计期间"), report.period.label],
        [_("受理（件）"), d.accepted, str(DEFINITIONS["accepted"])],
        [_("受理案件涉及劳动者（人）"), d.accepted_workers, str(DEFINITIONS["accepted_workers"])],
        [_("其中集体劳动争议（件）"), d.accepted_collective, str(DEFINITIONS["accepted_collective"])],
        [_("调解成功（件）"), d.mediated_successfully, str(DEFINITIONS["mediated_successfully"])],
        [_("本期调解终结（件）"), d.mediation_ended, str(DEFINITIONS["mediation_ended"])],
        [f"{SUCCESS_RATE_LABEL}（%）", _number(d.mediation_success_rate),
         str(DEFINITIONS["mediation_success_rate_percent"])],
        [_("挽回经济损失（元）"), d.recovered, str(DEFINITIONS["recovered_yuan"])],
        [_("履行到位金额（元）"), d.paid, str(DEFINITIONS["paid_yuan"])],
        [_("法定时限超期（次）"), d.breaches_total, str(DEFINITIONS["deadline_breaches_total"])],
        [_("已办结（件）"), d.closed, str(DEFINITIONS["closed"])],
        [_("平均办结天数"), _number(d.average_days_to_closing),
         str(DEFINITIONS["average_days_from_receipt_to_closing"])],
        [_("在档困难职工家庭（户）"), h.open_files],
        [_("新认定家庭（户）"), h.newly_identified],
        [_("期内获得帮扶的在档家庭（户）"), h.aided_households],
        [_("帮扶覆盖率（%）"), _number(h.coverage)],
        [_("帮扶资金发放（元）"), h.aid_paid],
        [_("待年度复核（份）"), h.due_for_review],
        [_("导出时间"), timezone.localtime().replace(tzinfo=None)],
    ]


def report_workbook(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    book.remove(book.active)
    rows = _summary_rows(report)
    summary = _sheet(book, _("概要"), [_("项目"), _("数值"), _("统计口径")], rows)
    for row, cells in zip(rows, summary.iter_rows(min_row=2)):
        if isinstance(row[1], Decimal):  # the amounts in yuan; counts are int, percentages float
            cells[1].number_format = MONEY_FORMAT
    for cell in summary["C"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["C"].width = 80
    d, h = report.disputes, report.hardship
    _sheet(book, _("按争议事项"), [_("争议事项"), _("受理案件数"), _("请求金额（元）"), _("调解成功案件数"), _("挽回经济损失（元）")],
           [[r.label, r.accepted_cases, r.claimed, r.successful_cases, r.recovered] for r in d.by_claim_type],
           money_columns=(3, 5))
    _sheet(book, _("按申请方式"), [_("申请方式"), _("受理"), _("调解成功"), _("挽回经济损失（元）")],
           [[r.label, r.accepted, r.mediated_successfully, r.recovered] for r in d.by_channel], money_columns=(4,))
    _sheet(book, _("时限超期"), [_("法定时限"), _("超期次数")], [[r.label, r.count] for r in d.breaches])
    _sheet(book, _("在档家庭"), [_("困难类别"), _("户数")], [[r.label, r.count] for r in h.open_by_category])
    _sheet(book, _("帮扶发放"), [_("帮扶类别"), _("发放笔数"), _("受助家庭"), _("金额（元）")],
           [[r.label, r.disbursements, r.households, r.amount] for r in h.aid_by_type], money_columns=(4,))
    _sheet(book, _("帮扶资金"), [_("资金"), _("帮扶类别"), _("发放笔数"), _("金额（元）")],
           [[r.fund, r.aid_type, r.disbursements, r.amount] for r in h.aid_by_fund], money_columns=(4,))
    _sheet(book, _("按帮扶项目"), [_("帮扶项目"), _("发放笔数"), _("受助家庭"), _("金额（元）")],
           [[r.label, r.disbursements, r.households, r.amount] for r in h.aid_by_programme], money_columns=(4,))
    _sheet(book, _("按致困原因"), [_("致困原因"), _("发放笔数"), _("受助家庭"), _("金额（元）")],
           [[r.label, r.disbursements, r.households, r.amount] for r in h.aid_by_cause], money_columns=(4,))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_pdf(report: Report) -> bytes:
    return render_pdf(template="documents/report/statistics.html", context={
        "title": _("劳动争议调解与困难职工帮扶统计报表"),
        "organisation_name": report.organisation.name,
        "report": report,
        "date": timezone.localdate(),
    }).content
