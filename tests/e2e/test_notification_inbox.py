"""The bell and the 通知 inbox in a real browser: two unread messages show as 2 on the bell;
opening one follows its link and leaves 1; 全部标为已读 clears the count."""

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from notifications.services import notify
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def two_unread(transactional_db, make_user):
    user = make_user("inbox_user")
    other = make_user("someone_else")
    notify(recipients=[user], kind="fixture_notice", context={"subject": "（2026）调字第1号"},
           event_key="e2e:first", link="/notifications/preferences/")
    notify(recipients=[user], kind="fixture_notice", context={"subject": "（2026）调字第2号"},
           event_key="e2e:second", link="/notifications/preferences/")
    notify(recipients=[other], kind="fixture_notice", context={"subject": "（2026）调字第3号"},
           event_key="e2e:other")
    return user


def test_the_bell_counts_unread_and_the_inbox_clears_them(live_server, two_unread, page):
    user = two_unread
    sign_in(page, live_server.url, "inbox_user", "pw-inbox_user")
    bell = page.locator("#uc-bell")
    expect(bell.locator(".uc-bell__count")).to_have_text("2")

    bell.click()
    expect(page).to_have_url(live_server.url + "/notifications/")
    items = page.locator("#inbox li")
    expect(items).to_have_count(2)
    expect(page.locator("#inbox")).not_to_contain_text("调字第3号")
    # Newest first, both marked unread.
    expect(items.nth(0)).to_contain_text("测试通知：（2026）调字第2号")
    expect(items.nth(0)).to_contain_text("未读")
    expect(items.nth(1)).to_contain_text("未读")

    items.nth(1).locator("a").click()
    expect(page).to_have_url(live_server.url + "/notifications/preferences/")
    expect(page.locator("#uc-bell .uc-bell__count")).to_have_text("1")
    assert Notification.objects.filter(recipient=user).unread().get().title == "测试通知：（2026）调字第2号"

    page.locator("#uc-bell").click()
    expect(page.locator("#inbox li[data-read=no]")).to_have_count(1)
    page.get_by_role("button", name="全部标为已读").click()
    expect(page).to_have_url(live_server.url + "/notifications/")
    expect(page.locator("#inbox li[data-read=no]")).to_have_count(0)
    expect(page.locator("#uc-bell .uc-bell__count")).to_have_count(0)
    expect(page.get_by_role("button", name="全部标为已读")).to_have_count(0)
    assert not Notification.objects.filter(recipient=user).unread().exists()
