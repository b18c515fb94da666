"""The delivery log: one delivery per (event, recipient, channel), preferences, party opt-outs
and legal notices, SMS quiet hours and the beat sweep, email through Django's backend."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from notifications.delivery import deliver, quiet_until
from notifications.models import (
    Channel,
    ContactOptOut,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
    SmsRecord,
)
from notifications.services import PartyContact, notify, notify_parties
from notifications.sms import RecordingSmsBackend
from notifications.tasks import deliver_task, send_due_deliveries_task

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND = "fixture_notice"  # tests/workflow_fixtures/templates/notifications/fixture_notice.txt
DAYTIME = "2026-11-25 10:00:00+08:00"
WORKER = PartyContact(name="张三", phone="138 0013 8000", email="Zhangsan@Example.com")


@pytest.fixture
def mediator(django_user_model):
    return django_user_model.objects.create_user(
        "med", email="med@example.com", first_name="丽", last_name="王")


@pytest.fixture
def wants_email(mediator):
    return NotificationPreference.objects.create(user=mediator, kind=KIND, channel=Channel.EMAIL)


@pytest.fixture
def sent_on_commit(django_capture_on_commit_callbacks):
    """Run notify/notify_parties and then what their transaction's commit starts (eager Celery)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def staff_notice(event_key="case:1:accepted", **overrides):
    return {"kind": KIND, "context": {"subject": "（2026）调字第1号"}, "event_key": event_key,
            "link": "/cases/1/", **overrides}


def party_notice(event_key="case:1:accepted", legal_notice=False):
    return {"contacts": [WORKER], "kind": KIND, "context": {"subject": "（2026）调字第1号"},
            "event_key": event_key, "link": "/cases/1/", "legal_notice": legal_notice}


def test_the_same_event_twice_makes_one_delivery_per_channel(mediator, wants_email, sent_on_commit):
    first = sent_on_commit(notify, recipients=[mediator], **staff_notice())
    again = sent_on_commit(notify, recipients=[mediator, mediator], **staff_notice())

    assert [n.title for n in first] == ["测试通知：（2026）调字第1号"]
    assert again == []
    deliveries = Delivery.objects.filter(recipient_user=mediator)
    assert sorted(deliveries.values_list("channel", "status", "attempts")) == [
        ("email", "sent", 1), ("in_app", "sent", 1)]
    in_app = deliveries.get(channel=Channel.IN_APP)
    assert in_app.notification == Notification.objects.get(recipient=mediator)
    assert len(mail.outbox) == 1


def test_a_redelivered_task_for_a_sent_delivery_sends_nothing(mediator, wants_email, sent_on_commit):
    sent_on_commit(notify, recipients=[mediator], **staff_notice())
    email = Delivery.objects.get(channel=Channel.EMAIL)

    assert deliver_task.delay(email.pk).get() == DeliveryStatus.SENT

    email.refresh_from_db()
    assert (email.status, email.attempts, len(mail.outbox)) == (DeliveryStatus.SENT, 1, 1)


def test_email_goes_out_through_djangos_backend_with_an_absolute_link(mediator, wants_email, sent_on_commit, settings):
    settings.UNIONCASE = {**settings.UNIONCASE, "SITE_URL": "https://case.example.org/"}
    sent_on_commit(notify, recipients=[mediator], **staff_notice())

    [message] = mail.outbox
    assert message.subject == "测试通知：（2026）调字第1号"
    assert message.to == ["=?utf-8?b?546L5Li9?= <med@example.com>"]  # formataddr("王丽", …)
    assert "https://case.example.org/cases/1/" in message.body
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert message.extra_headers["X-Unioncase-Delivery"] == delivery.idempotency_key
    assert delivery.provider_ref == message.extra_headers["Message-ID"]
    assert delivery.sent_at is not None


def test_email_is_opt_in_per_kind(mediator, django_user_model, sent_on_commit):
    declined = django_user_model.objects.create_user("declined", email="d@example.com")
    NotificationPreference.objects.create(user=declined, kind=KIND, channel=Channel.EMAIL, enabled=False)
    other_kind = django_user_model.objects.create_user("other", email="o@example.com")
    NotificationPreference.objects.create(user=other_kind, kind="deadline_warning", channel=Channel.EMAIL)
    no_address = django_user_model.objects.create_user("noaddress", email="")
    NotificationPreference.objects.create(user=no_address, kind=KIND, channel=Channel.EMAIL)

    made = sent_on_commit(notify, recipients=[mediator, declined, other_kind, no_address], **staff_notice())

    assert len(made) == 4  # in-app always
    assert mail.outbox == []
    [suppressed] = Delivery.objects.filter(channel=Channel.EMAIL)
    assert (suppressed.recipient_user, suppressed.status) == (no_address, DeliveryStatus.SUPPRESSED)


def test_email_is_off_when_the_channel_is_switched_off_in_settings(mediator, wants_email, sent_on_commit, settings):
    settings.UNIONCASE = {**settings.UNIONCASE, "NOTIFICATION_CHANNELS": ["in_app", "sms"]}
    sent_on_commit(notify, recipients=[mediator], **staff_notice())

    assert list(Delivery.objects.values_list("channel", flat=True)) == ["in_app"]
    assert mail.outbox == []


@freeze_time(DAYTIME)
def test_a_party_gets_sms_and_email_at_the_recorded_contacts(sent_on_commit):
    made = sent_on_commit(notify_parties, **party_notice())

    assert {(d.channel, d.address) for d in made} == {("sms", "13800138000"), ("email", "zhangsan@example.com")}
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    [sms] = SmsRecord.objects.all()
    assert sms.phone == "13800138000"
    assert "张三：（2026）调字第1号已有新进展。" in sms.text
    assert "张三" in mail.outbox[0].body


@freeze_time(DAYTIME)
def test_an_opted_out_party_is_suppressed_but_a_legal_notice_still_goes_out(sent_on_commit):
    ContactOptOut.objects.create(address="13800138000", channel=Channel.SMS)

    sent_on_commit(notify_parties, **party_notice("case:1:progress"))
    sent_on_commit(notify_parties, **party_notice("case:1:accepted", legal_notice=True))

    sms = {d.event_key: d for d in Delivery.objects.filter(channel=Channel.SMS)}
    assert sms["case:1:progress"].status == DeliveryStatus.SUPPRESSED
    assert sms["case:1:accepted"].status == DeliveryStatus.SENT
    assert sms["case:1:accepted"].legal_notice
    assert list(SmsRecord.objects.values_list("idempotency_key", flat=True)) == [sms["case:1:accepted"].idempotency_key]
    assert len(mail.outbox) == 2  # the email address did not opt out


def test_an_sms_in_quiet_hours_waits_until_eight_and_the_beat_sends_it(sent_on_commit):
    with freeze_time("2026-11-25 22:30:00+08:00"):
        sent_on_commit(notify_parties, **party_notice(legal_notice=True))
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.DEFERRED
    assert sms.next_attempt_at == datetime(2026, 11, 26, 8, 0, tzinfo=SHANGHAI)
    assert SmsRecord.objects.count() == 0
    assert Delivery.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.SENT  # email has no quiet hours

    with freeze_time("2026-11-26 07:59:00+08:00"):
        assert send_due_deliveries_task.delay().get() == 0
    with freeze_time("2026-11-26 08:00:00+08:00"):
        assert send_due_deliveries_task.delay().get() == 1
    with freeze_time("2026-11-26 08:01:00+08:00"):
        assert send_due_deliveries_task.delay().get() == 0

    sms.refresh_from_db()
    assert (sms.status, sms.attempts, SmsRecord.objects.count()) == (DeliveryStatus.SENT, 1, 1)


@pytest.mark.parametrize(("local", "ends"), [
    ("2026-11-25 21:59", None),
    ("2026-11-25 22:00", "2026-11-26 08:00"),
    ("2026-11-26 00:30", "2026-11-26 08:00"),
    ("2026-11-26 07:59", "2026-11-26 08:00"),
    ("2026-11-26 08:00", None),
])
def test_quiet_hours_run_from_ten_at_night_to_eight_in_shanghai(local, ends):
    moment = datetime.fromisoformat(local).replace(tzinfo=SHANGHAI)
    expected = datetime.fromisoformat(ends).replace(tzinfo=SHANGHAI) if ends else None
    assert quiet_until(moment) == expected


@freeze_time(DAYTIME)
def test_a_resend_after_a_crash_between_send_and_commit_is_recorded_once(sent_on_commit, django_capture_on_commit_callbacks):
    # The worker died after the backend recorded the SMS and before the delivery was marked sent:
    # the row is still queued and the SmsRecord for its key exists.
    with django_capture_on_commit_callbacks(execute=False):
        notify_parties(**party_notice(legal_notice=True))
    sms = Delivery.objects.get(channel=Channel.SMS)
    RecordingSmsBackend().send(phone=sms.address, text="…", idempotency_key=sms.idempotency_key)

    assert deliver(sms.pk).status == DeliveryStatus.SENT
    assert SmsRecord.objects.filter(idempotency_key=sms.idempotency_key).count() == 1


@freeze_time(DAYTIME)
def test_the_beat_resends_a_first_send_whose_task_was_lost(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue never happened
        notify_parties(**party_notice())
    assert send_due_deliveries_task.delay().get() == 0  # not overdue yet

    with freeze_time("2026-11-25 10:06:00+08:00"):
        assert send_due_deliveries_task.delay().get() == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


@freeze_time(DAYTIME)
def test_the_delivery_log_and_recorded_sms_are_readable_not_editable_in_the_admin(client, django_user_model, sent_on_commit):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    sent_on_commit(notify_parties, **party_notice(legal_notice=True))
    sms = Delivery.objects.get(channel=Channel.SMS)
    record = SmsRecord.objects.get()

    listed = client.get("/admin/notifications/delivery/").content.decode()
    assert "138****8000" in listed and "13800138000" not in listed  # masked: encrypted at rest
    assert "张三：（2026）调字第1号已有新进展。" in client.get(f"/admin/notifications/smsrecord/{record.pk}/change/").content.decode()
    client.post(f"/admin/notifications/delivery/{sms.pk}/change/", {"status": "queued"})
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT
