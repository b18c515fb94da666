"""Issue 17, point 4: migration notifications 0004 encrypts the phones and emails 0002 and 0003
stored in clear (and the parties' delivery keys that ended with them), and goes back;
`rotate_field_keys` re-encrypts the notification tables and rewrites the keys with the indexes."""

from io import StringIO

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from cases.platform.field_keys import sealed_tables
from notifications.models import Channel, ContactOptOut, Delivery, DeliveryStatus, SmsRecord, StaffMobile
from notifications.services import PartyContact, notify_parties
from tests.unit.security.at_rest.conftest import everything_in, execute, migrate, raw

BEFORE = [("notifications", "0003_staff_sms")]
AFTER = [("notifications", "0004_contacts_encrypted")]
PHONE, EMAIL, STAFF_MOBILE = "13800138000", "zhangsan@example.com", "13912345678"
SMS_KEY, EMAIL_KEY = f"case:1:progress:sms:{PHONE}", f"case:1:progress:email:{EMAIL}"
NEW_FIELD_KEY = "second-field-key-for-the-at-rest-tests-002"
NEW_INDEX_KEY = "second-blind-index-key-for-the-at-rest-tests-2"


def notice():
    return {"contacts": [PartyContact(name="张三", phone=PHONE, email=EMAIL)], "kind": "fixture_notice",
            "context": {"subject": "（2026）调字第1号"}, "event_key": "case:1:progress", "link": "/cases/1/"}


def insert_delivery(key: str, channel: str, address: str, user=None):
    execute("INSERT INTO notifications_delivery (idempotency_key, event_key, kind, channel, recipient_user_id, "
            "recipient_name, address, legal_notice, title, body, link, status, attempts, last_error, provider_ref, "
            "created_at) VALUES (%s, 'case:1:progress', 'fixture_notice', %s, %s, '张三', %s, %s, '通知', '', '', "
            "'sent', 1, '', '', '2026-11-25 02:00:00')", [key, channel, user, address, False])


def insert_plain_rows(user_pk: int):
    """Rows as 0003 stored them: the addresses, and the parties' keys, in clear."""
    insert_delivery(SMS_KEY, "sms", PHONE)
    insert_delivery(EMAIL_KEY, "email", EMAIL)
    insert_delivery(f"case:1:progress:{user_pk}:in_app", "in_app", "", user_pk)
    execute("INSERT INTO notifications_smsrecord (idempotency_key, phone, text, created_at) "
            "VALUES (%s, %s, '张三：…', '2026-11-25 02:00:00')", [SMS_KEY, PHONE])
    for address in (PHONE, "+8613800138000"):  # one phone, opted out twice as differently written
        execute("INSERT INTO notifications_contactoptout (address, channel, created_at) "
                "VALUES (%s, 'sms', '2026-11-20 02:00:00')", [address])
    execute("INSERT INTO notifications_staffmobile (user_id, number, updated_at) "
            "VALUES (%s, %s, '2026-11-20 02:00:00')", [user_pk, STAFF_MOBILE])


@pytest.fixture
def at_0003(keys):
    migrate(BEFORE)
    yield
    call_command("migrate", verbosity=0)  # back to the latest, whatever happened


@pytest.mark.django_db(transaction=True)
def test_point_4_migration_0004_encrypts_the_contacts_in_clear_and_goes_back(at_0003, django_user_model,
                                                                             django_capture_on_commit_callbacks):
    staff = django_user_model.objects.create_user("med")
    insert_plain_rows(staff.pk)

    migrate(AFTER)

    for table in ("notifications_delivery", "notifications_smsrecord", "notifications_contactoptout"):
        stored = everything_in(table)
        assert PHONE not in stored and EMAIL not in stored, table
    assert STAFF_MOBILE not in everything_in("notifications_staffmobile")
    assert sorted(Delivery.objects.values_list("channel", "address")) == [
        ("email", EMAIL), ("in_app", ""), ("sms", PHONE)]
    assert Delivery.objects.get(channel="in_app").idempotency_key == f"case:1:progress:{staff.pk}:in_app"
    assert SmsRecord.objects.to_phone(PHONE).get().idempotency_key == Delivery.objects.get(channel="sms").idempotency_key
    assert [o.address for o in ContactOptOut.objects.for_address("+86 138 0013 8000", Channel.SMS)] == [PHONE]
    assert StaffMobile.objects.get().number == STAFF_MOBILE
    # The same event again finds the deliveries the migration re-keyed: nothing new is sent.
    with freeze_time("2026-11-25 10:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        assert notify_parties(**notice()) == []
    assert (Delivery.objects.count(), SmsRecord.objects.count()) == (3, 1)

    migrate(BEFORE)

    assert sorted(raw("notifications_delivery", "idempotency_key, address")) == sorted([
        (EMAIL_KEY, EMAIL), (f"case:1:progress:{staff.pk}:in_app", ""), (SMS_KEY, PHONE)])
    assert raw("notifications_smsrecord", "idempotency_key, phone") == [(SMS_KEY, PHONE)]
    assert raw("notifications_contactoptout", "address") == [(PHONE,)]  # the duplicate stays merged
    assert raw("notifications_staffmobile", "number") == [(STAFF_MOBILE,)]


@pytest.fixture
def sent(keys, django_capture_on_commit_callbacks, django_user_model):
    with freeze_time("2026-11-25 10:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        notify_parties(**notice())
    ContactOptOut.objects.create(address=PHONE, channel=Channel.EMAIL)
    StaffMobile.objects.create(user=django_user_model.objects.create_user("med"), number=STAFF_MOBILE)
    return keys


def rotate() -> str:
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    return out.getvalue()


def key_ids(table: str, column: str) -> set[str]:
    return {value.split(":")[1] for (value,) in raw(table, column) if value}


NOTIFICATION_COLUMNS = [("notifications_delivery", "address"), ("notifications_smsrecord", "phone"),
                        ("notifications_contactoptout", "address"), ("notifications_staffmobile", "number")]


def test_point_4_rotation_finds_the_notification_tables():
    found = {table.label: table for table in sealed_tables()}
    assert found["notifications.Delivery"].indexes == {"address_index": ("address", "contact", False)}
    assert found["notifications.Delivery"].keyed == {"idempotency_key": "address_index"}
    assert found["notifications.SmsRecord"].indexes == {"phone_index": ("phone", "phone", False)}
    assert found["notifications.ContactOptOut"].indexes == {"address_index": ("address", "contact", False)}
    assert (found["notifications.StaffMobile"].encrypted, found["notifications.StaffMobile"].indexes) == (
        ["number"], {})


@pytest.mark.django_db
def test_point_4_rotation_re_encrypts_the_notification_tables(sent, settings):
    old_ids = key_ids("notifications_delivery", "address")
    settings.FIELD_ENCRYPTION_KEYS = f"{NEW_FIELD_KEY},{settings.FIELD_ENCRYPTION_KEYS}"

    output = rotate()

    settings.FIELD_ENCRYPTION_KEYS = NEW_FIELD_KEY  # the old key dropped: everything still reads
    new_ids = key_ids("notifications_delivery", "address")
    assert len(new_ids) == 1 and new_ids != old_ids
    for table, column in NOTIFICATION_COLUMNS:
        assert key_ids(table, column) == new_ids, table
    assert "notifications.Delivery: 已检查 2 行，改写 2 行" in output
    assert sorted(Delivery.objects.values_list("address", flat=True)) == [PHONE, EMAIL]
    assert (SmsRecord.objects.get().phone, StaffMobile.objects.get().number) == (PHONE, STAFF_MOBILE)


@pytest.mark.django_db
def test_point_4_a_new_blind_index_key_reindexes_and_re_keys_so_a_repeat_sends_nothing(sent, settings):
    settings.BLIND_INDEX_KEY = NEW_INDEX_KEY
    assert not ContactOptOut.objects.for_address(PHONE, Channel.EMAIL).exists()  # stale until the run

    rotate()

    assert ContactOptOut.objects.for_address(PHONE, Channel.EMAIL).exists()
    sms = Delivery.objects.to_address(PHONE).get()
    assert sms.idempotency_key == f"case:1:progress:sms:{sms.address_index}"
    assert SmsRecord.objects.to_phone(PHONE).get().idempotency_key == sms.idempotency_key
    with freeze_time("2026-11-25 10:00:00+08:00"):
        assert notify_parties(**notice()) == []


@pytest.mark.django_db
def test_point_4_a_delivery_made_before_the_reindexing_run_does_not_stop_it(sent, settings,
                                                                            django_capture_on_commit_callbacks):
    settings.BLIND_INDEX_KEY = NEW_INDEX_KEY
    with freeze_time("2026-11-25 10:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        repeated = notify_parties(**notice())  # the old key no longer matches: sent again
    assert len(repeated) == 2

    rotate()

    assert Delivery.objects.to_address(PHONE).count() == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
