"""Signing in through a real browser: Chinese login page, mediator's empty home, bad password."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e]

SITE_TITLE = "工会劳动争议调解与困难职工帮扶系统"


def sign_in(page, base_url, username, password):
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()


def test_the_demo_mediator_signs_in_and_sees_an_empty_inbox(live_server, demo, page):
    page.goto(live_server.url + "/accounts/login/")
    expect(page).to_have_title(f"登录 - {SITE_TITLE}")
    expect(page.locator(".vf-page-lockscreen__sidebar-header-subtitle")).to_have_text(SITE_TITLE)
    expect(page.get_by_text("忘记密码或账号被停用")).to_be_visible()

    sign_in(page, live_server.url, "mediator", "demo-mediator-2026")

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_text("您好，李调解")).to_be_visible()
    inbox = page.locator(".uc-card", has=page.get_by_role("heading", name="我的待办"))
    expect(inbox).to_be_visible()
    expect(inbox.get_by_text("暂无待办任务")).to_be_visible()
    expect(page.get_by_role("heading", name="待领取")).to_be_visible()


def test_a_wrong_password_shows_a_chinese_error(live_server, demo, page):
    sign_in(page, live_server.url, "mediator", "not-the-password")

    expect(page.locator(".vf-form__error")).to_contain_text("请输入一个正确的用户名和密码")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text("我的待办")).to_have_count(0)
