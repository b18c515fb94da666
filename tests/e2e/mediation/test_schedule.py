"""A mediator's 日程 in a real browser: from the mediation app's menu to next week's table, where
the session scheduled on their case shows with its time, place, case number and parties; then
the calendar address, issued on the page, serves that session to a phone's calendar, until it
is regenerated there.

Real time, as the other browser tests: the session is next Tuesday at 10:00, Beijing time.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.disputes.schedule import monday_of
from cases.platform.transitions import apply
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def next_weeks_session(transactional_db, orgs, people):
    mediator = people["mediator"]
    mediator.last_name, mediator.first_name = "李", "娜"
    mediator.save()
    case = register_case(orgs, people, received_on=timezone.localdate())
    consent_recorded(case, mediator)
    apply(case, "accept", by=mediator)
    apply(case, "assign", by=people["lead"], data={"mediator": mediator})
    tuesday = monday_of(timezone.localdate()) + timedelta(days=8)
    apply(case, "schedule_session", by=mediator, data={"starts_at": at(tuesday, 10), "place": "中关村街道调解中心第一调解室"})
    return case, tuesday


def test_a_mediator_opens_their_schedule_and_sees_the_session(live_server, page, people, next_weeks_session):
    case, tuesday = next_weeks_session
    sign_in(page, live_server.url, "hd_mediator", "pw-hd_mediator")
    page.goto(live_server.url + "/dispute/inbox/")
    page.get_by_role("link", name="日程").click()
    expect(page).to_have_url(live_server.url + "/dispute/schedule/")
    expect(page.locator("#schedule h1")).to_have_text("我的日程")

    page.locator("#week-next").click()
    day = page.locator(f"#day-{tuesday.isoformat()}")
    expect(day).to_contain_text(f"{tuesday.month}月{tuesday.day}日")
    row = page.locator("tr.uc-schedule__entry")
    expect(row).to_have_count(1)
    for text in ("10:00", "第1次调解", "中关村街道调解中心第一调解室", case.number, "王秀英", "北京某科技有限公司", "李娜", "已安排"):
        expect(row).to_contain_text(text)

    page.locator("#feed-issue").click()
    address = page.locator("#feed-url")
    expect(address).to_have_value(re.compile(re.escape(live_server.url) + r"/calendar/[-\w]{43}\.ics$"))
    expect(row).to_have_count(1)  # back on the same week
    url = address.input_value()
    assert url.startswith(live_server.url + "/calendar/") and url.endswith(".ics")
    feed = page.request.get(url)
    assert feed.ok and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    body = feed.text()
    assert case.number in body and "王*英" in body and "王秀英" not in body

    page.locator("#feed-regenerate summary").click()
    page.locator("#feed-issue").click()
    expect(address).not_to_have_value(url)
    assert page.request.get(url).status == 404
    assert page.request.get(address.input_value()).ok
