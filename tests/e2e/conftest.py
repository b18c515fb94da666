"""Browser tests: Debian's chromium driven by Playwright's sync API against live_server.

Every page a test opens is watched for Content-Security-Policy violations (chromium reports
them on the console): a test whose pages tripped the policy fails at teardown.
"""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API keeps an asyncio loop running in this thread; Django would then
# refuse ORM calls made from the test (seeding, assertions) as "async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def csp_violation(message) -> bool:
    return "Content Security Policy" in message.text


def watch_csp(page) -> list[str]:
    """Collect the page's Content-Security-Policy violations, as chromium logs them."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if csp_violation(message) else None)
    return violations


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) with a Chinese browser locale; fails the test at
    teardown if any page it opened violated the Content-Security-Policy."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # expect()'s own wait (5 s by default) as long: a form posted on a busy CI machine can take
    # longer than 5 s to answer, and the assertion would fail with the button still disabled.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    violations = watch_csp(page)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations"


@pytest.fixture
def demo(transactional_db):
    """The demo organisations and people (seed_demo), with their demo passwords."""
    call_command("seed_demo", "--force", stdout=StringIO())


def demo_totp_key(username: str) -> str:
    from cases.management.commands.seed_demo import DEMO_USERS

    return next((demo.totp_key for demo in DEMO_USERS if demo.username == username), "")


def sign_in(page, base_url, username, password, totp_key=None):
    """Sign in on the login page and land on the workbench; a user with an authenticator (the
    demo's auditor, orgadmin and admin have one: seed_demo) enters its current code too."""
    from playwright.sync_api import expect

    from tests.totp import totp_code

    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(base_url) + r"/(accounts/two-factor/.*)?$"))
    if "/accounts/two-factor/" in page.url:
        page.locator("input[name=code]").fill(totp_code(totp_key or demo_totp_key(username)))
        page.get_by_role("button", name="验证").click()
    expect(page).to_have_url(base_url + "/")
