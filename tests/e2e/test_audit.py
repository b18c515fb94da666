"""审计 in a real browser: the demo auditor opens a case's timeline from the audit log, reveals
the masked ID number with a reason (and finds the reveal in the log), and downloads the history
PDF; the demo mediator cannot open the audit search."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import AuditAction, AuditEvent, Channel, Organisation
from cases.rules.validators import resident_id_check_char
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e]

FIRST17 = "11010819800101456"
RESIDENT_ID = FIRST17 + resident_id_check_char(FIRST17)


@pytest.fixture
def case(demo):
    registered = register_dispute(
        organisation=Organisation.objects.get(code="BJ-HD-ZGC"), by=get_user_model().objects.get(username="mediator"),
        channel=Channel.WALK_IN_WRITTEN, received_on=date.today(), facts="拖欠2026年10月工资",
        worker=WorkerInput(name="钱七", resident_id=RESIDENT_ID), employer=EmployerInput(name="北京某餐饮有限公司"),
        claims=[ClaimInput(claim_type="wage_arrears", amount_claimed="6000")], acknowledge_warnings=True,
    )
    return registered.case


def test_an_auditor_reveals_an_id_with_a_reason_and_downloads_the_history(live_server, page, case):
    sign_in(page, live_server.url, "auditor", "demo-auditor-2026")
    page.get_by_role("link", name="审计日志").click()
    expect(page).to_have_url(live_server.url + "/audit/")

    page.locator("input[name=case]").fill(case.number)
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"[?&]case="))  # the filtered list, not the one before it
    page.locator("#audit-events a").first.click()
    expect(page.locator("h1")).to_contain_text(case.number)
    masked = RESIDENT_ID[:6] + "********" + RESIDENT_ID[-4:]
    expect(page.locator("#masked-id")).to_have_text(masked)
    expect(page.locator("#audit-timeline")).to_contain_text("登记申请")

    page.get_by_role("button", name="显示完整身份证号").click()  # no reason: refused
    expect(page.locator("#reveal-form [role=alert]")).to_contain_text("请填写查看完整身份证号的理由")
    page.locator("#reveal-reason").fill("核对劳动者身份")
    page.get_by_role("button", name="显示完整身份证号").click()
    expect(page.locator("#revealed-id")).to_have_text(RESIDENT_ID)
    expect(page.locator("#audit-timeline")).to_contain_text("查看敏感信息：显示完整身份证号")

    with page.expect_download() as download:
        page.locator("#history-pdf").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert download.value.suggested_filename == f"{case.number}-history.pdf"

    page.goto(live_server.url + "/audit/?action=sensitive_view")
    expect(page.locator("#audit-events tbody tr")).to_have_count(1)
    expect(page.locator("#audit-events")).to_contain_text("核对劳动者身份")
    reveal = AuditEvent.objects.get(action=AuditAction.SENSITIVE_VIEW)
    assert reveal.actor.username == "auditor" and reveal.subject_id == str(case.pk)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, name="export_history_pdf").exists()


def test_a_mediator_cannot_open_the_audit_search(live_server, page, demo):
    sign_in(page, live_server.url, "mediator", "demo-mediator-2026")
    expect(page.get_by_role("link", name="审计日志")).to_have_count(0)
    response = page.goto(live_server.url + "/audit/")
    assert response.status == 403
    expect(page.locator("body")).to_contain_text("只有审计员可以查看审计日志")
