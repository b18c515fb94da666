"""Issue 17 point 2 in a real browser: an auditor without an authenticator is held at enrolment
until they add one (QR code and key), then enters its code at each sign-in; the demo org admin
signs in with the demo authenticator and unlocks a mediator locked after five wrong passwords."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Role
from tests.e2e.conftest import sign_in
from tests.totp import next_code, totp_code

pytestmark = [pytest.mark.e2e]


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def test_point_2_an_auditor_enrols_at_first_sign_in_then_enters_a_code_each_time(live_server, orgs, make_user, browser,
                                                                               page):
    make_user("hd_auditor", orgs["hd"], Role.AUDITOR)
    page.goto(live_server.url + "/audit/")
    page.locator("input[name=username]").fill("hd_auditor")
    page.locator("input[name=password]").fill("pw-hd_auditor")
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next="))
    expect(page.get_by_text("必须使用两步验证")).to_be_visible()
    expect(page.locator("figure.uc-qr svg")).to_be_visible()
    page.goto(live_server.url + "/reports/")  # nothing else opens before enrolment
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    key = page.locator("#totp-key").inner_text()
    page.locator("input[name=code]").fill(totp_code(key))
    page.get_by_role("button", name="确认并启用").click()
    expect(page).to_have_url(live_server.url + "/reports/")

    again = browser.new_context(locale="zh-CN").new_page()
    again.goto(live_server.url + "/accounts/login/")
    again.locator("input[name=username]").fill("hd_auditor")
    again.locator("input[name=password]").fill("pw-hd_auditor")
    again.get_by_role("button", name="登录").click()
    expect(again).to_have_url(re.compile(r"/accounts/two-factor/\?next="))
    again.locator("input[name=code]").fill(next_code(key))
    again.get_by_role("button", name="验证").click()
    expect(again).to_have_url(live_server.url + "/")
    expect(again.get_by_role("link", name="审计日志")).to_be_visible()
    again.context.close()


def test_point_2_the_demo_orgadmin_unlocks_a_mediator_locked_after_five_wrong_passwords(live_server, demo, browser,
                                                                                      page):
    mediator = browser.new_context(locale="zh-CN").new_page()
    for n in range(5):
        mediator.goto(live_server.url + "/accounts/login/")
        mediator.locator("input[name=username]").fill("mediator")
        mediator.locator("input[name=password]").fill(f"wrong-{n}")
        mediator.get_by_role("button", name="登录").click()
    expect(mediator.get_by_text("登录失败次数过多，账户已暂时锁定，请于30分钟后重试或联系组织管理员解锁。")).to_be_visible()

    sign_in(page, live_server.url, "orgadmin", "demo-orgadmin-2026")
    page.get_by_role("link", name="登录锁定").click()
    row = page.locator("tr[data-username=mediator]")
    expect(row).to_contain_text("李调解")
    row.locator("input[name=reason]").fill("本人来电确认忘记密码")
    row.get_by_role("button", name="解锁").click()
    expect(page.get_by_text("已解锁账户“李调解”")).to_be_visible()
    expect(page.locator("tr[data-username=mediator]")).to_have_count(0)

    sign_in(mediator, live_server.url, "mediator", "demo-mediator-2026")
    mediator.context.close()
