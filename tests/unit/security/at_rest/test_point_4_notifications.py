"""Issue 17, point 4: the parties' phones and emails the notifications app keeps — a delivery's
address and key, the recorded SMS, an opt-out, a staff member's mobile — are ciphertext in the
database; opt-outs and lookups still find them through the blind index; the admin masks them."""

from email.utils import parseaddr

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from freezegun import freeze_time

from cases.rules.masking import mask_contact
from notifications.models import Channel, ContactOptOut, Delivery, DeliveryStatus, SmsRecord, StaffMobile
from notifications.services import PartyContact, notify_parties
from tests.unit.security.at_rest.conftest import everything_in, raw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keys")]

DAYTIME = "2026-11-25 10:00:00+08:00"
PHONE, EMAIL = "13800138000", "zhangsan@example.com"
WORKER = PartyContact(name="张三", phone="138 0013 8000", email="ZhangSan@Example.com")
STAFF_MOBILE = "13912345678"


def notice(event_key="case:1:progress", legal_notice=False):
    return {"contacts": [WORKER], "kind": "fixture_notice", "context": {"subject": "（2026）调字第1号"},
            "event_key": event_key, "link": "/cases/1/", "legal_notice": legal_notice}


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify_parties, and the sending its commit starts (eager Celery), in daytime."""

    def run(**kwargs):
        with freeze_time(DAYTIME), django_capture_on_commit_callbacks(execute=True):
            return notify_parties(**notice(**kwargs))

    return run


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x-Very-long-1"))
    return client


def test_point_4_the_notification_tables_hold_no_phone_or_email_in_clear(send, django_user_model):
    send()
    ContactOptOut.objects.create(address=PHONE, channel=Channel.SMS)
    StaffMobile.objects.create(user=django_user_model.objects.create_user("med"), number=STAFF_MOBILE)

    for table in ("notifications_delivery", "notifications_smsrecord", "notifications_contactoptout"):
        stored = everything_in(table).lower()
        assert PHONE not in stored and EMAIL not in stored, table  # the idempotency keys included
    assert STAFF_MOBILE not in everything_in("notifications_staffmobile")
    assert {address.split(":")[0] for (address,) in raw("notifications_delivery", "address")} == {"v1"}
    [(phone,)] = raw("notifications_smsrecord", "phone")
    assert phone.startswith("v1:")


@freeze_time(DAYTIME)
def test_point_4_deliveries_still_reach_the_recorded_address(send):
    made = send(legal_notice=True)

    assert sorted((d.channel, d.address) for d in made) == [("email", EMAIL), ("sms", PHONE)]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    [record] = SmsRecord.objects.all()
    assert record.phone == PHONE and "张三：" in record.text
    assert SmsRecord.objects.to_phone("+86 138-0013-8000").get() == record
    [message] = mail.outbox
    assert parseaddr(message.to[0])[1] == EMAIL
    assert Delivery.objects.to_address(" ZhangSan@example.COM ").get().channel == Channel.EMAIL
    assert Delivery.objects.to_address("+86 13800138000").get().channel == Channel.SMS


def test_point_4_a_repeated_event_sends_nothing_new(send):
    send()
    assert send() == []
    assert (Delivery.objects.count(), SmsRecord.objects.count(), len(mail.outbox)) == (2, 1, 1)


def test_point_4_a_party_who_replied_to_unsubscribe_gets_no_sms(send):
    # The gateway reports the sender as "+86 …": the same phone as the recorded 138 0013 8000.
    ContactOptOut.objects.create(address="+86 138-0013-8000", channel=Channel.SMS)

    send()

    sms = Delivery.objects.get(channel=Channel.SMS)
    assert (sms.status, sms.last_error) == (DeliveryStatus.SUPPRESSED, "已退订 (opted out)")
    assert SmsRecord.objects.count() == 0
    assert len(mail.outbox) == 1  # the email address did not opt out
    send(event_key="case:1:accepted", legal_notice=True)  # a legal notice still goes out
    assert SmsRecord.objects.count() == 1


def test_point_4_an_address_opts_out_once_per_channel_however_it_is_written():
    ContactOptOut.objects.create(address=PHONE, channel=Channel.SMS)
    ContactOptOut.objects.create(address=PHONE, channel=Channel.EMAIL)
    with pytest.raises(IntegrityError):
        ContactOptOut.objects.create(address="+8613800138000", channel=Channel.SMS)


def test_point_4_a_delivery_without_user_or_address_is_still_refused():
    with pytest.raises(IntegrityError):
        Delivery.objects.create(idempotency_key="k", event_key="e", kind="fixture_notice", channel=Channel.SMS,
                                title="t", address="")


def test_point_4_the_admin_masks_addresses_and_finds_them_by_the_whole_number(send, superuser_client):
    send()
    record = SmsRecord.objects.get()
    sms = Delivery.objects.get(channel=Channel.SMS)

    for url in (reverse("admin:notifications_delivery_changelist"),
                reverse("admin:notifications_delivery_change", args=[sms.pk]),
                reverse("admin:notifications_smsrecord_changelist"),
                reverse("admin:notifications_smsrecord_change", args=[record.pk])):
        html = superuser_client.get(url).content.decode()
        assert PHONE not in html and EMAIL not in html, url
        assert "138****8000" in html, url
    found = superuser_client.get(reverse("admin:notifications_delivery_changelist"), {"q": "+86 138 0013 8000"})
    assert list(found.context["cl"].result_list) == [sms]
    found = superuser_client.get(reverse("admin:notifications_smsrecord_changelist"), {"q": "1380013"})
    assert list(found.context["cl"].result_list) == []  # part of a number finds nothing: no SQL on ciphertext


def test_point_4_an_opt_out_added_in_the_admin_suppresses_and_is_not_shown_again(send, superuser_client):
    add = reverse("admin:notifications_contactoptout_add")

    superuser_client.post(add, {"address": "+86 13800138000", "channel": "sms"})
    again = superuser_client.post(add, {"address": PHONE, "channel": "sms"})

    assert "该地址已在此渠道退订。" in again.content.decode()
    opt_out = ContactOptOut.objects.get()
    page = superuser_client.get(reverse("admin:notifications_contactoptout_change", args=[opt_out.pk]))
    assert "138****8000" in page.content.decode() and "13800138000" not in page.content.decode()
    assert 'name="address"' not in page.content.decode()
    send()
    assert Delivery.objects.get(channel=Channel.SMS).status == DeliveryStatus.SUPPRESSED


def test_point_4_the_admin_masks_staff_mobiles(superuser_client, django_user_model):
    mobile = StaffMobile.objects.create(user=django_user_model.objects.create_user("med"), number=STAFF_MOBILE)
    for url in (reverse("admin:notifications_staffmobile_changelist"),
                reverse("admin:notifications_staffmobile_change", args=[mobile.pk])):
        html = superuser_client.get(url).content.decode()
        assert STAFF_MOBILE not in html and "139****5678" in html, url


@pytest.mark.parametrize(("address", "shown"), [
    ("13800138000", "138****8000"), ("+86 138-0013-8000", "138****8000"), ("010-62345678", "010****5678"),
    ("zhangsan@example.com", "z*******@example.com"), ("a@example.com", "a*@example.com"), ("", ""),
])
def test_point_4_addresses_are_masked_like_bank_statements(address, shown):
    assert mask_contact(address) == shown
