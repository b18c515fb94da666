"""Four eyes in a real browser: a reviewer opens a hardship file from the approval queue, reads
the category computation against the 低保 standard, and approves; the caseworker who prepared
the file (and holds the reviewer role too) sees it as not theirs to approve and is offered no claim."""

from datetime import date

import pytest
from freezegun import freeze_time
from playwright.sync_api import expect
from viewflow.workflow.timers import fire_due_timers

from cases.models import HardshipStatus, Membership, Role
from tests.e2e.conftest import sign_in
from tests.integration.hardship.test_hardship_flow import at, identify_until_publicity

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def awaiting_approval(transactional_db, orgs, people, make_user):
    Membership.objects.create(user=people["caseworker"], organisation=orgs["hd"], role=Role.REVIEWER)
    staff = {"caseworker": people["caseworker"], "reviewer": people["reviewer"]}
    file = identify_until_publicity(orgs, staff)
    with freeze_time(at("2026-03-11", 9)):
        fire_due_timers()
    file.refresh_from_db()
    assert file.status == HardshipStatus.AWAITING_APPROVAL
    return file


def test_a_reviewer_reads_the_computation_and_approves_but_the_preparer_cannot(
        live_server, awaiting_approval, page, browser):
    file = awaiting_approval

    # The preparer: the file is in the queue, marked as not theirs, and offered no claim (its
    # 领取 is disabled and says why: four eyes would refuse it).
    sign_in(page, live_server.url, "hd_caseworker", "pw-hd_caseworker")
    page.goto(live_server.url + "/hardship/queue/")
    row = page.locator("tr", has_text="王建国")
    expect(row).to_contain_text("本人经办，不能审批")
    expect(row.get_by_role("link", name="领取")).to_have_count(0)
    claim = row.locator("button", has_text="领取")
    expect(claim).to_be_disabled()
    expect(claim).to_have_attribute("title", "您经办或已审批过本档案，不能审批（双人审核），请由其他审核人办理。")
    file.refresh_from_db()
    assert file.status == HardshipStatus.AWAITING_APPROVAL

    # The reviewer: claims the approval, reads the computation, approves.
    reviewer_page = browser.new_context(locale="zh-CN").new_page()
    sign_in(reviewer_page, live_server.url, "hd_reviewer", "pw-hd_reviewer")
    reviewer_page.goto(live_server.url + "/hardship/queue/")
    reviewer_page.locator("tr", has_text="王建国").get_by_role("link", name="领取").click()
    reviewer_page.get_by_role("button", name="领取", exact=True).click()  # viewflow's claim confirmation
    computation = reviewer_page.locator(".uc-computation")
    expect(computation).to_contain_text("家庭年可支配收入 ¥36,000.00 − 刚性支出 ¥0.00 = ¥36,000.00")
    expect(computation).to_contain_text("¥1,000.00/人·月")
    expect(computation).to_contain_text("¥1,000.00 < ¥1,400.00 → 深度困难")
    expect(reviewer_page.locator(".uc-file-panel")).to_contain_text("公示期内未收到异议")
    reviewer_page.get_by_label("同意").check()
    reviewer_page.get_by_role("button", name="提交审批意见").click()
    expect(reviewer_page.get_by_text("已完成").first).to_be_visible()

    file.refresh_from_db()
    assert file.status == HardshipStatus.APPROVED
    assert file.first_approved_by.username == "hd_reviewer"
    assert file.first_approved_at.date() >= date(2026, 3, 11)
