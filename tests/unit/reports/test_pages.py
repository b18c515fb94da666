"""统计报表: the page with its SVG charts, the XLSX and PDF exports (journalled), who may see it."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse

from cases.models import AuditAction, AuditEvent
from tests.statistics_fixtures import dispute

pytestmark = pytest.mark.django_db

H1 = {"preset": "custom", "start": "2026-01-01", "end": "2026-06-30"}


@pytest.fixture
def cases(orgs):
    dispute(orgs["hd_street"], received_on=date(2026, 1, 5), accepted_on=date(2026, 1, 6), status="performing",
            claims=[("wage_arrears", "30000", "25000.50")], effective_on=date(2026, 1, 20),
            payments=[("5000", date(2026, 2, 1))])
    dispute(orgs["hd_street"], received_on=date(2026, 3, 1), accepted_on=date(2026, 3, 2), channel="oral",
            status="failed", ended_on=date(2026, 3, 16), claims=[("damages", "8000", None)])
    dispute(orgs["cy_street"], received_on=date(2026, 1, 5), accepted_on=date(2026, 1, 6),
            claims=[("wage_arrears", "1000", None)])


def signed_in(client, user):
    client.force_login(user)
    return client


def report_url(name="report", **params):
    from urllib.parse import urlencode

    return f"{reverse(f'workbench:{name}')}?{urlencode(params)}"


def test_the_auditor_sees_haidian_figures_with_charts(client, orgs, people, cases):
    page = signed_in(client, people["auditor"]).get(report_url(organisation=orgs["hd"].pk, **H1))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026年1月1日至2026年6月30日" in html
    assert "2件" in html and "1件" in html  # accepted 2 (Chaoyang's is not Haidian's); mediated 1
    assert "2.50万元" in html and "¥25,000.50" in html
    assert html.count("<svg") == 5 and "拖欠劳动报酬" in html
    assert "受理日期在统计期间内的案件" in html  # the definitions are printed with the figures


def test_the_success_rate_is_printed_with_its_definition_beside_it(client, orgs, people, cases):
    page = signed_in(client, people["auditor"]).get(report_url(organisation=orgs["hd"].pk, **H1))
    html = page.content.decode()
    # one card: label, value, the quotient, the definition (the failed case ended mediation in H1)
    figure = html[html.index("调解成功率（本期调解终结案件中达成协议的比例）"):]
    figure = figure[:figure.index("挽回经济损失")]
    assert "50.0%" in figure and "调解成功1件÷本期调解终结2件" in figure
    assert "口径：调解成功率（本期调解终结案件中达成协议的比例）＝调解成功件数÷本期调解终结件数" in figure
    assert "已办结" in html and "以结案日期为准" in html


def test_organisations_outside_the_subtree_are_not_offered(client, orgs, people, cases):
    page = signed_in(client, people["auditor"]).get(report_url(organisation=orgs["cy"].pk, **H1))
    assert page.status_code == 400
    assert "请选择您有权查看的组织" in page.content.decode()
    assert "朝阳区总工会" not in page.content.decode()


def test_a_bad_custom_period_is_refused_in_chinese(client, orgs, people):
    page = signed_in(client, people["auditor"]).get(
        report_url(organisation=orgs["hd"].pk, preset="custom", start="2026-07-01", end="2026-06-30"))
    assert page.status_code == 400 and "结束日期不能早于开始日期" in page.content.decode()
    page = client.get(report_url(organisation=orgs["hd"].pk, preset="custom", start="", end="2026-06-30"))
    assert "请填写开始日期" in page.content.decode()


def test_the_default_is_this_month_of_the_first_organisation(client, orgs, people):
    page = signed_in(client, people["auditor"]).get(reverse("workbench:report"))
    assert page.status_code == 200 and "海淀区总工会" in page.content.decode()


def test_mediators_and_caseworkers_are_refused(client, people):
    for who in ("mediator", "caseworker"):
        assert signed_in(client, people[who]).get(reverse("workbench:report")).status_code == 403


def test_xlsx_export_has_the_figures_as_numbers_and_is_journalled(client, orgs, people, cases):
    from openpyxl import load_workbook

    response = signed_in(client, people["auditor"]).get(report_url("report_xlsx", organisation=orgs["hd"].pk, **H1))
    assert response.status_code == 200 and 'BJ-HD-20260101-20260630-report.xlsx' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(values_only=True)}
    assert summary["受理（件）"] == 2 and summary["调解成功（件）"] == 1
    rows = {row[0]: row[1:] for row in book["概要"].iter_rows(values_only=True)}
    rate, rate_definition = rows["调解成功率（本期调解终结案件中达成协议的比例）（%）"]
    assert rate == 50.0 and "调解成功件数÷本期调解终结件数" in rate_definition
    assert rows["本期调解终结（件）"][0] == 2 and rows["已办结（件）"][0] == 0
    assert "结案" in rows["已办结（件）"][1]
    assert float(summary["挽回经济损失（元）"]) == 25000.50 and float(summary["履行到位金额（元）"]) == 5000
    claims = list(book["按争议事项"].iter_rows(values_only=True))
    assert claims[1][0] == "拖欠劳动报酬" and claims[1][1] == 1
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.organisation, event.name) == (people["auditor"], orgs["hd"], "export_report_xlsx")
    assert event.data["from"] == "2026-01-01" and event.data["to"] == "2026-06-30"


def test_pdf_export_is_a_pdf_with_the_charts_and_is_journalled(client, orgs, people, cases):
    from pypdf import PdfReader

    response = signed_in(client, people["lead"]).get(report_url("report_pdf", organisation=orgs["hd_street"].pk, **H1))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "中关村街道调解中心" in text and "2.50万元" in text and "统计口径" in text
    flat = "".join(text.split())  # the PDF wraps lines
    assert "调解成功率（本期调解终结案件中达成协议的比例）" in flat and "调解成功1件÷本期调解终结2件" in flat
    assert "调解成功件数÷本期调解终结件数" in flat
    assert "拖欠劳动报酬" in text  # drawn by the SVG chart: the PDF has no table of claim types
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, name="export_report_pdf").count() == 1


def test_a_refused_export_writes_nothing(client, orgs, people, cases):
    response = signed_in(client, people["auditor"]).get(report_url("report_pdf", organisation=orgs["cy"].pk, **H1))
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_menu_offers_reports_to_auditors_only_among_these(client, people):
    assert "统计报表" in signed_in(client, people["auditor"]).get("/").content.decode()
    assert "统计报表" not in signed_in(client, people["mediator"]).get("/").content.decode()
