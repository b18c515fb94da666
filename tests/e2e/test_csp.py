"""Issue 17 point 3: the Content-Security-Policy in a real browser. Every menu page of every demo
role loads without a violation (so no page relies on inline script), and a violation, when one
happens, is caught (chromium refuses the inline handler and reports it)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import csp_violation, sign_in, watch_csp

pytestmark = [pytest.mark.e2e]

DEMO_ROLES = [("mediator", "demo-mediator-2026"), ("lead", "demo-lead-2026"), ("caseworker", "demo-caseworker-2026"),
              ("reviewer", "demo-reviewer-2026"), ("auditor", "demo-auditor-2026"), ("orgadmin", "demo-orgadmin-2026"),
              ("admin", "demo-admin-2026")]
# Pages reached from a menu page rather than the menu itself: the Django admin's list and forms.
BEYOND_THE_MENU = {"admin": ["/admin/cases/organisation/", "/admin/cases/organisation/add/", "/admin/auth/user/1/change/",
                             "/admin/otp_totp/totpdevice/"]}


def menu_links(page) -> list[str]:
    hrefs = page.locator("a.vf-page__menu-list-item[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return sorted(set(hrefs))


@pytest.mark.parametrize(("username", "password"), DEMO_ROLES)
def test_point_3_every_menu_page_of_each_demo_role_loads_without_a_csp_violation(live_server, demo, page, username,
                                                                                 password):
    violations = watch_csp(page)
    sign_in(page, live_server.url, username, password)
    links = menu_links(page)
    assert "/" in links and "/accounts/two-factor/setup/" in links
    links += BEYOND_THE_MENU.get(username, [])

    visited = []
    for href in links:
        response = page.goto(live_server.url + href)
        assert response.status < 400, href
        page.wait_for_load_state("networkidle")
        visited.append(href)
        for more in menu_links(page):  # the flows' own menus appear once inside them
            if more not in links and more not in visited:
                links.append(more)

    assert violations == []
    assert len(visited) >= 5


def test_point_3_a_page_carries_the_policy_and_an_inline_handler_is_refused(live_server, demo, browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    violations = watch_csp(page)
    try:
        response = page.goto(live_server.url + "/accounts/login/")
        assert "script-src 'self'" in response.headers["content-security-policy"]

        with page.expect_console_message(csp_violation):
            page.evaluate("""document.body.insertAdjacentHTML('beforeend',
                '<img id="probe" src="/static/none.png" onerror="document.title = \\'ran\\'">')""")
        with page.expect_console_message(csp_violation):
            page.evaluate("""() => { const s = document.createElement('script'); s.textContent = "document.title = 'ran'";
                document.body.appendChild(s); }""")

        expect(page).to_have_title("登录 - 工会劳动争议调解与困难职工帮扶系统")
        assert [text.split(" violates")[0] for text in violations] == [
            "Executing inline event handler", "Executing inline script"]
    finally:
        context.close()
