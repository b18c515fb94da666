"""The bell (unread count on every page), the 通知 inbox and 通知设置 (email and SMS per kind)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from notifications.context_processors import unread_notifications
from notifications.models import Channel, Delivery, Notification, NotificationPreference, SmsRecord, StaffMobile
from notifications.preferences import PARTY_ONLY_KINDS, notification_kinds, staff_kinds
from notifications.services import notify

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"
PREFERENCES = "/notifications/preferences/"


def deadline_context(**overrides):
    """What cases/platform/deadlines.py gives the deadline templates."""
    return {"clock_name": "调解期限", "citation": "《企业劳动争议协商调解规定》第二十九条",
            "due_on": date(2026, 12, 15), "provisional": False, "subject_label": "（2026）调字第1号", **overrides}


def message(user, key, *, link="/cases/1/", read=False):
    from django.utils import timezone

    return Notification.objects.create(
        recipient=user, kind="fixture_notice", title=f"标题{key}", body="内容", link=link,
        idempotency_key=f"test:{key}:{user.pk}", read_at=timezone.now() if read else None,
    )


@pytest.fixture
def alice(make_user):
    return make_user("alice", email="alice@example.org")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


def test_the_context_processor_counts_unread_in_one_query(alice, bob):
    message(alice, 1)
    message(alice, 2)
    message(alice, 3, read=True)
    message(bob, 4)
    request = RequestFactory().get("/")
    request.user = alice
    with CaptureQueriesContext(connection) as queries:
        context = unread_notifications(request)
    assert context == {"unread_notifications": 2}
    assert len(queries) == 1


def test_no_query_and_no_count_for_anonymous_users():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert unread_notifications(request) == {}
    assert len(queries) == 0


def test_the_bell_shows_the_unread_count_on_pages(client, alice):
    message(alice, 1)
    message(alice, 2)
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'id="uc-bell"' in html and 'data-count="2"' in html
    html = client.get(PREFERENCES).content.decode()
    assert 'data-count="2"' in html


def test_the_bell_has_no_count_without_unread(client, alice):
    message(alice, 1, read=True)
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'id="uc-bell"' in html and "data-count" not in html


def test_the_inbox_lists_only_mine_newest_first_unread_marked(client, alice, bob):
    first = message(alice, 1, read=True)
    second = message(alice, 2)
    message(bob, 3)
    client.force_login(alice)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert list(response.context["notifications"]) == [second, first]
    html = response.content.decode()
    assert "标题3" not in html
    assert html.count('data-read="no"') == 1 and html.count('data-read="yes"') == 1
    assert "全部标为已读" in html


def test_the_inbox_is_paginated(client, alice):
    for key in range(25):
        message(alice, key)
    client.force_login(alice)
    assert len(client.get(INBOX).context["notifications"]) == 20
    response = client.get(INBOX + "?page=2")
    assert len(response.context["notifications"]) == 5
    assert "第2页，共2页" in response.content.decode()


def test_the_inbox_needs_signing_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_opening_one_marks_it_read_and_follows_its_link(client, alice):
    opened = message(alice, 1, link="/cases/7/")
    other = message(alice, 2)
    client.force_login(alice)
    response = client.get(f"/notifications/{opened.pk}/")
    assert (response.status_code, response["Location"]) == (302, "/cases/7/")
    opened.refresh_from_db()
    other.refresh_from_db()
    assert opened.read_at is not None and other.read_at is None
    read_at = opened.read_at
    client.get(f"/notifications/{opened.pk}/")
    opened.refresh_from_db()
    assert opened.read_at == read_at


def test_opening_one_without_a_safe_link_goes_to_the_inbox(client, alice):
    offsite = message(alice, 1, link="https://evil.example.com/")
    client.force_login(alice)
    assert client.get(f"/notifications/{offsite.pk}/")["Location"] == INBOX


def test_someone_elses_notification_is_not_found(client, alice, bob):
    bobs = message(bob, 1)
    client.force_login(alice)
    assert client.get(f"/notifications/{bobs.pk}/").status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_mark_all_read_marks_only_mine_and_is_post_only(client, alice, bob):
    message(alice, 1)
    message(alice, 2)
    bobs = message(bob, 3)
    client.force_login(alice)
    assert client.get("/notifications/read-all/").status_code == 405
    assert Notification.objects.filter(recipient=alice).unread().count() == 2
    response = client.post("/notifications/read-all/")
    assert (response.status_code, response["Location"]) == (302, INBOX)
    assert Notification.objects.filter(recipient=alice).unread().count() == 0
    bobs.refresh_from_db()
    assert bobs.read_at is None
    assert "data-count" not in client.get(INBOX).content.decode()


def test_kinds_come_from_the_templates():
    kinds = notification_kinds()
    for kind in ("deadline_warning", "deadline_breached", "deadline_moved", "period_elapsed",
                 "holiday_schedule_decided", "fixture_notice"):
        assert kind in kinds


def test_the_preferences_page_shows_every_kind_and_the_email_address(client, alice):
    client.force_login(alice)
    html = client.get(PREFERENCES).content.decode()
    assert 'value="deadline_warning"' in html and "时限提醒" in html
    assert 'value="fixture_notice"' in html
    assert "alice@example.org" in html
    assert "法律文书通知总会" in html
    assert html.count("checked disabled") == len(staff_kinds())


def test_kinds_only_parties_receive_are_not_offered_to_staff(client, alice):
    assert PARTY_ONLY_KINDS <= set(notification_kinds())  # each is a real kind with a template
    client.force_login(alice)
    html = client.get(PREFERENCES).content.decode()
    for kind in PARTY_ONLY_KINDS:
        assert f'value="{kind}"' not in html
    client.post(PREFERENCES, {"email": ["instalment_due", "deadline_warning"]})
    saved = set(NotificationPreference.objects.filter(user=alice).values_list("kind", flat=True))
    assert "deadline_warning" in saved and not saved & PARTY_ONLY_KINDS


def test_the_preferences_page_says_email_needs_an_address(client, bob):
    client.force_login(bob)
    assert "还没有登记电子邮箱" in client.get(PREFERENCES).content.decode()


def test_preferences_are_saved(client, alice):
    NotificationPreference.objects.create(user=alice, kind="deadline_breached", channel=Channel.EMAIL)
    client.force_login(alice)
    response = client.post(PREFERENCES, {"email": ["deadline_warning", "no_such_kind"]})
    assert (response.status_code, response["Location"]) == (302, PREFERENCES)
    enabled = set(NotificationPreference.objects.filter(user=alice, enabled=True).values_list("kind", flat=True))
    assert enabled == {"deadline_warning"}
    assert not NotificationPreference.objects.filter(kind="no_such_kind").exists()
    html = client.get(PREFERENCES).content.decode()
    assert 'value="deadline_warning" id="email-deadline_warning" checked' in html
    assert 'value="deadline_breached" id="email-deadline_breached" checked' not in html


def test_saved_preferences_are_respected_by_notify(client, alice, make_user, django_capture_on_commit_callbacks):
    carol = make_user("carol", email="carol@example.org")
    client.force_login(alice)
    client.post(PREFERENCES, {"email": ["deadline_warning"]})
    client.force_login(carol)
    client.post(PREFERENCES, {"email": ["deadline_breached"]})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice, carol], kind="deadline_warning", context=deadline_context(),
               event_key="deadline:1:warn:5:2026-12-15", link="/cases/1/")
    assert [m.to for m in mail.outbox] == [["alice <alice@example.org>"]]
    assert "调解期限" in mail.outbox[0].subject
    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    assert list(emails.values_list("recipient_user", flat=True)) == [alice.pk]
    # In-app goes to both, whatever they chose; the bell and the inbox show it.
    assert Notification.objects.filter(kind="deadline_warning").count() == 2
    html = client.get(INBOX).content.decode()
    assert "时限提醒：调解期限" in html and 'data-count="1"' in html


def test_the_inbox_and_preferences_have_english(client, alice):
    message(alice, 1)
    client.force_login(alice)
    html = client.get(INBOX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mark all as read" in html and "Notifications: 1 unread" in html
    html = client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Deadline reminder" in html and "Legal notices to the parties always go" not in html
    assert "Legal notices to the parties (workers, employers) always go" in html
    assert "Mobile number for text messages" in html and "Deadline reminder: text message" in html


def test_a_message_is_sent_in_the_site_language_whatever_language_is_active(alice):
    from django.utils import translation

    from notifications.models import Notification
    from notifications.services import notify, render_message

    context = {"family": "王建国"}
    with translation.override("en"):
        english_title, _body = render_message("approval_needed", context)
        notify(recipients=[alice], kind="approval_needed", context=context, event_key="lang-test")
    assert not english_title.startswith("待审")  # the kind has English: the test can tell them apart
    assert Notification.objects.get(recipient=alice, kind="approval_needed").title.startswith("待审")


def test_staff_choose_sms_per_kind_and_give_the_number_it_goes_to(
        client, alice, make_user, settings, django_capture_on_commit_callbacks):
    settings.UNIONCASE = {**settings.UNIONCASE, "SMS_QUIET_HOURS": "00:00-00:00"}
    no_number = make_user("dave", email="")
    client.force_login(alice)
    response = client.post(PREFERENCES, {"sms": ["deadline_warning"], "mobile": "+86 13912345678"})
    assert response.status_code == 302
    html = client.get(PREFERENCES).content.decode()
    assert 'value="13912345678"' in html and 'value="deadline_warning" id="sms-deadline_warning" checked' in html
    client.force_login(no_number)
    client.post(PREFERENCES, {"sms": ["deadline_warning"], "mobile": ""})

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice, no_number], kind="deadline_warning", context=deadline_context(),
               event_key="deadline:1:warn:5:2026-12-15", link="/cases/1/")
    [sms] = SmsRecord.objects.all()
    assert sms.phone == "13912345678" and "调解期限" in sms.text
    statuses = dict(Delivery.objects.filter(channel=Channel.SMS).values_list("recipient_user", "status"))
    assert statuses == {alice.pk: "sent", no_number.pk: "suppressed"}
    assert mail.outbox == []  # email was not chosen


def test_a_wrong_mobile_number_saves_nothing_and_keeps_what_was_ticked(client, alice):
    client.force_login(alice)
    response = client.post(PREFERENCES, {"sms": ["deadline_breached"], "email": ["deadline_warning"], "mobile": "2391234"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "手机号码应为以1开头的11位数字" in html and 'value="2391234"' in html
    assert 'value="deadline_breached" id="sms-deadline_breached" checked' in html
    assert 'value="deadline_warning" id="email-deadline_warning" checked' in html
    assert not NotificationPreference.objects.filter(user=alice).exists()
    assert not StaffMobile.objects.filter(user=alice).exists()
