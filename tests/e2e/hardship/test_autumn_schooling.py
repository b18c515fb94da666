"""金秋助学 in a real browser, from the application to the receipt: a caseworker applies for a
filed household's son at university (¥3,000 a term, above the ¥2,000 single-approval limit), a
reviewer approves, a second reviewer approves, the caseworker pays it from the programme's fund
line and downloads the 领款凭证."""

import re
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import AidProgrammeApplication, ApplicationStatus, Role
from tests.e2e.conftest import sign_in
from tests.programme_fixtures import family_on_file, programme_funds, programme_rules

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def filed_family(transactional_db, orgs, people, make_user):
    year = timezone.localdate().year
    programme_rules(year)
    funds = programme_funds(orgs["hd"], year=year)
    make_user("hd_reviewer2", orgs["hd"], Role.REVIEWER, first_name="孙复核")
    file, son = family_on_file(orgs["hd"], prepared_by=people["caseworker"], cause="schooling")
    return file, son, funds


def signed_in(browser, base_url, username):
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base_url, username, f"pw-{username}")
    return page


def test_autumn_schooling_from_application_to_receipt(live_server, filed_family, page, browser):
    file, son, funds = filed_family
    year = timezone.localdate().year

    # The caseworker: 帮扶项目 → 新建金秋助学申请 → the household on file → the son, the term, the school.
    sign_in(page, live_server.url, "hd_caseworker", "pw-hd_caseworker")
    page.get_by_role("link", name="帮扶项目").first.click()
    page.get_by_role("link", name="新建金秋助学申请").click()
    page.get_by_label("在档困难职工家庭").select_option(str(file.pk))
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("在读子女").select_option(str(son.pk))
    page.get_by_label("学期").select_option(label="秋季学期")
    page.get_by_label("就读学校").fill("北京工业大学")
    expect(page.get_by_label("专项资金")).to_have_value(str(funds["autumn_schooling"].pk))  # the only line
    page.get_by_label("申请事由").fill("家庭收入低，子女就读大学二年级。")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#application-status")).to_have_text("待审批")
    expect(page.locator("#application-amount")).to_have_text("¥3,000.00")
    expect(page.locator("#application-steps")).to_contain_text("王小明就读大学/高职，" f"{year}年秋季学期助学金标准 ¥3,000.00")
    expect(page.locator("#application-steps")).to_contain_text("须两名审核人审批")
    expect(page.locator("#action-approve")).to_have_count(0)  # the preparer is offered no approval
    application_url = page.url
    application = AidProgrammeApplication.objects.get()

    # The first reviewer approves; the page says a second approval is needed.
    reviewer = signed_in(browser, live_server.url, "hd_reviewer")
    reviewer.goto(live_server.url + "/hardship/programmes/?status=applied")
    reviewer.get_by_role("link", name=application.number).click()
    reviewer.locator("#action-approve").get_by_label("审批意见").fill("入户核实，情况属实。")
    reviewer.get_by_role("button", name="审批同意").click()
    expect(reviewer.get_by_text("还须另一名审核人复审批").first).to_be_visible()
    expect(reviewer.locator("#application-status")).to_have_text("待复审批")
    expect(reviewer.locator("#action-approve_second")).to_have_count(0)  # not twice by the same reviewer

    # The second reviewer approves.
    second = signed_in(browser, live_server.url, "hd_reviewer2")
    second.goto(application_url)
    expect(second.locator("#application-approvals")).to_contain_text("入户核实，情况属实。")
    second.get_by_role("button", name="复审批同意").click()
    expect(second.locator("#application-status")).to_have_text("已批准")

    # The caseworker pays it from the 金秋助学 line and downloads the receipt.
    page.goto(application_url)
    payment = page.locator("#action-disburse")
    expect(payment.get_by_label("发放日期")).to_have_value(timezone.localdate().isoformat())
    expect(payment.get_by_label("领款人")).to_have_value("王建国")
    payment.get_by_role("button", name="发放").click()
    expect(page.get_by_text(re.compile(rf"领款凭证编号BJ-HD-LK-{year}-000001")).first).to_be_visible()
    expect(page.locator("#application-status")).to_have_text("已发放")
    expect(page.locator("#application-header")).to_contain_text("余额¥47,000.00")  # the line after ¥3,000
    row = page.locator("#application-documents tr", has_text="金秋助学领款凭证")
    with page.expect_download() as download:
        row.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.startswith(f"{application.number}-金秋助学领款凭证")
    with open(download.value.path(), "rb") as handle:
        receipt = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(handle.read())).pages))
    for fact in ("金秋助学领款凭证", f"BJ-HD-LK-{year}-000001", application.number, "人民币叁仟元整",
                 "王小明，北京工业大学（大学/高职）", "海淀区总工会（印章）"):
        assert fact in receipt, fact

    application.refresh_from_db()
    assert application.status == ApplicationStatus.PAID
    assert application.first_approved_by.username == "hd_reviewer"
    assert application.second_approved_by.username == "hd_reviewer2"
