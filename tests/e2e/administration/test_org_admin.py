"""组织管理 in a real browser: the demo organisation admin creates a mediator from their home, hands
over the temporary password, and the mediator signs in with it, must choose their own password
first, then reaches their work."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cases.models import AuditEvent, Membership, Organisation, Role
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e]


def test_the_organisation_admin_creates_a_mediator_who_then_signs_in(live_server, demo, page):
    sign_in(page, live_server.url, "orgadmin", "demo-orgadmin-2026")
    card = page.locator(".uc-card[data-role=org_admin]")
    card.get_by_role("link", name="人员（在用账户）").click()
    expect(page).to_have_url(live_server.url + "/orgadmin/people/")
    page.get_by_role("link", name="新建账户").click()

    centre = Organisation.objects.get(code="BJ-HD-ZGC")
    page.locator("input[name=full_name]").fill("吴调解")
    page.locator("input[name=username]").fill("wu_mediator")
    page.locator("select[name=organisation]").select_option(str(centre.pk))
    page.get_by_label("调解员", exact=True).check()
    page.locator("input[name=mobile]").fill("13800138001")
    page.get_by_role("button", name="建立账户").click()

    expect(page.locator("h1")).to_have_text("已建立“吴调解”的账户")
    password = page.locator("#temporary-password").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{12}", password)
    mediator = get_user_model().objects.get(username="wu_mediator")
    assert list(Membership.objects.filter(user=mediator).values_list("organisation__code", "role")) == [
        ("BJ-HD-ZGC", Role.MEDIATOR)]
    assert AuditEvent.objects.filter(name="user_created", subject_id=str(mediator.pk)).exists()

    page.context.clear_cookies()  # the mediator at their own desk
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill("wu_mediator")
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/password_change/$"))
    expect(page.locator("#temporary-password-note")).to_be_visible()
    page.goto(live_server.url + "/")  # nothing else opens before the password is their own
    expect(page).to_have_url(re.compile(r"/accounts/password_change/$"))

    page.locator("input[name=old_password]").fill(password)
    page.locator("input[name=new_password1]").fill("Wu-mediation-2027!")
    page.locator("input[name=new_password2]").fill("Wu-mediation-2027!")
    page.get_by_role("button", name="保存新密码").click()
    # the change is saved (and the session re-keyed) before the next page is asked for
    expect(page).not_to_have_url(re.compile(r"/accounts/password_change/$"))
    page.goto(live_server.url + "/")
    expect(page.get_by_text("您好，吴调解")).to_be_visible()
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    assert AuditEvent.objects.filter(name="temporary_password_replaced", actor=mediator).exists()
