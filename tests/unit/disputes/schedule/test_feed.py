"""The iCalendar feed at a secret address: read back as a calendar app would, regenerated,
refused for a deactivated user; journalled when (re)issued."""

import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from cases.disputes.schedule import issue_feed
from cases.models import AuditAction, AuditEvent, CalendarFeed
from cases.selectors import EVENT_NAMES
from tests.dispute_cases import at

pytestmark = pytest.mark.django_db


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(text: str) -> list[dict]:
    """The VEVENTs of an iCalendar text as {property: value}, lines unfolded and TEXT unescaped;
    asserts the framing a strict reader needs (CRLF only, no line over 75 octets)."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical = re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR" and "VERSION:2.0" in logical
    events, current = [], None
    for line in logical:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name.split(";")[0]] = unescape(value)
    return events


def feed_url(user) -> str:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return reverse("workbench:calendar_feed", args=[feed.token])


def read_feed(client, url, moment="2026-11-04"):
    with freeze_time(at(moment, 8)):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return parse(response.content.decode("utf-8"))


def by_uid(events) -> dict:
    return {event["UID"]: event for event in events}


def uid(session) -> str:
    return f"mediation-session-{session.pk}@unioncase"


def test_the_feed_lists_the_users_own_sessions_without_sign_in(client, week, mediators):
    sessions = week["sessions"]
    events = by_uid(read_feed(client, feed_url(mediators["mediator"])))

    assert set(events) == {uid(sessions[key]) for key in ("held", "scheduled", "cancelled", "next_week")}
    thursday = events[uid(sessions["scheduled"])]
    number = week["cases"]["wang"].number
    assert thursday["SUMMARY"] == f"调解 {number}（第2次）"
    assert thursday["DTSTART"] == "20261105T063000Z"  # 14:30 in Beijing
    assert thursday["DTEND"] == "20261105T083000Z"
    assert thursday["LOCATION"] == "中关村街道调解中心第二调解室, 3号楼; 二层\\东侧"  # escaped and read back whole
    assert thursday["STATUS"] == "CONFIRMED"
    assert thursday["URL"] == f"http://testserver/cases/{week['cases']['wang'].pk}/"
    assert thursday["DESCRIPTION"].splitlines() == [
        "劳动者：王*英", "用人单位：北京某科技有限公司", "调解员：李娜", "受理组织：中关村街道调解中心"]


def test_a_session_whose_case_left_mediation_is_cancelled(client, week, mediators):
    events = by_uid(read_feed(client, feed_url(mediators["mediator"])))
    cancelled = events[uid(week["sessions"]["cancelled"])]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SUMMARY"].startswith("【已取消】调解 ")
    assert cancelled["SEQUENCE"] == "1"
    assert events[uid(week["sessions"]["held"])]["STATUS"] == "CONFIRMED"


def test_the_feed_carries_no_full_name_nor_id_number(client, week, mediators):
    with freeze_time(at("2026-11-04", 8)):
        text = client.get(feed_url(mediators["mediator"])).content.decode("utf-8")
    for name in ("王秀英", "张伟"):
        assert name not in text
    assert "张*" in text and "王*英" in text
    assert not re.search(r"\d{17}[\dX]", text)  # no resident ID
    assert "10000" not in text and "拖欠工资" not in text  # nor amounts, nor the facts


def test_the_feed_reaches_30_days_back_and_180_days_ahead(client, week, mediators):
    url = feed_url(mediators["mediator"])
    sessions = week["sessions"]
    early = by_uid(read_feed(client, url, "2026-11-04"))
    assert uid(sessions["far"]) not in early  # 2027-05-20 is more than 180 days after 2026-11-04
    late = by_uid(read_feed(client, url, "2026-12-08"))  # 30 days back: 2026-11-08 08:00
    assert set(late) == {uid(sessions["next_week"]), uid(sessions["far"])}


def test_uids_are_stable_from_one_reading_to_the_next(client, week, mediators):
    url = feed_url(mediators["mediator"])
    first, second = read_feed(client, url), read_feed(client, url, "2026-11-05")
    assert [event["UID"] for event in first] == [event["UID"] for event in second]


def test_regenerating_the_address_invalidates_the_old_one_and_is_journalled(client, week, mediators):
    mediator = mediators["mediator"]
    old = feed_url(mediator)
    client.force_login(mediator)
    response = client.post(reverse("dispute:schedule_feed"), {"week": "2026-11-02", "scope": "mine"})
    assert response.status_code == 302 and response["Location"].endswith("?week=2026-11-02&scope=mine")
    client.logout()

    new = reverse("workbench:calendar_feed", args=[CalendarFeed.objects.get(user=mediator).token])
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.RECORD_CHANGED, name="calendar_feed_regenerated")
    assert (event.actor, event.subject_id) == (mediator, str(mediator.pk))
    assert CalendarFeed.objects.get(user=mediator).token not in str(event.data)  # the secret is not journalled
    assert str(EVENT_NAMES[event.name]) == "重新生成日历订阅地址（原地址作废）"


def test_the_first_address_is_issued_on_request_and_journalled(client, people):
    client.force_login(people["lead"])
    assert not CalendarFeed.objects.filter(user=people["lead"]).exists()
    assert client.post(reverse("dispute:schedule_feed")).status_code == 302
    assert CalendarFeed.objects.filter(user=people["lead"]).exists()
    assert AuditEvent.objects.filter(name="calendar_feed_issued", actor=people["lead"]).count() == 1


def test_only_those_who_see_the_schedule_issue_an_address(client, people):
    for role in ("caseworker", "reviewer", "auditor", "admin"):
        client.force_login(people[role])
        assert client.post(reverse("dispute:schedule_feed")).status_code == 403, role
    assert not CalendarFeed.objects.exists()
    client.logout()
    assert client.post(reverse("dispute:schedule_feed")).status_code == 403  # the mediation app refuses strangers
    assert not CalendarFeed.objects.exists()


def test_a_deactivated_users_feed_answers_404(client, week, mediators):
    mediator = mediators["mediator"]
    url = feed_url(mediator)
    mediator.is_active = False
    mediator.save()
    assert client.get(url).status_code == 404
    assert client.get(reverse("workbench:calendar_feed", args=["no-such-token"])).status_code == 404


def test_the_feed_answers_only_reads(client, people):
    feed = issue_feed(user=people["mediator"], by=people["mediator"])
    url = reverse("workbench:calendar_feed", args=[feed.token])
    assert client.post(url).status_code == 405  # (the test client skips the CSRF check)
    assert client.head(url).status_code == 200


def test_a_lead_who_mediates_nothing_has_an_empty_calendar(client, week, people):
    events = read_feed(client, feed_url(people["lead"]))
    assert events == []
