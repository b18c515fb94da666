"""One-time SMS codes of the public pages: sent through the SMS backend, kept only as a keyed
hash, expiring after ten minutes, a few attempts only, throttled per number and per address."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from cases.models import CodePurpose, PhoneCode
from cases.platform import phone_codes
from notifications.models import SmsRecord
from tests.public_pages import WORKER_PHONE, sms_code

pytestmark = pytest.mark.django_db

APPLY = CodePurpose.DISPUTE_APPLICATION
CLIENT = phone_codes.client_index("203.0.113.7")


def send(phone=WORKER_PHONE, client=CLIENT):
    return phone_codes.send_code(purpose=APPLY, phone=phone, client=client)


def confirm(row, code):
    return phone_codes.confirm_code(code_id=row.pk, purpose=APPLY, code=code)


def test_the_code_goes_out_by_sms_and_only_its_keyed_hash_is_kept():
    row = send("+86 139 1234 5678".replace(" ", ""))
    code = sms_code(WORKER_PHONE)
    assert SmsRecord.objects.to_phone(WORKER_PHONE).get().text.startswith(f"【工会调解】您的验证码是{code}，10分钟内有效")
    stored = PhoneCode.objects.get(pk=row.pk)
    assert code not in (stored.code_hash, stored.salt) and len(stored.code_hash) == 64
    assert stored.phone == WORKER_PHONE and stored.client_index == CLIENT and "203.0.113.7" not in stored.client_index
    assert confirm(row, code).confirmed_at is not None
    assert phone_codes.confirmed(row.pk, APPLY).pk == row.pk
    assert phone_codes.confirmed(row.pk, CodePurpose.PROGRESS) is None  # a code opens only what it was sent for


def test_a_wrong_code_counts_and_after_five_the_right_one_is_refused_too():
    row = send()
    code = sms_code(WORKER_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(phone_codes.CodeNotConfirmed, match=f"验证码不正确，还可以再试{left}次"):
            confirm(row, wrong)
    with pytest.raises(phone_codes.CodeNotConfirmed, match="错误次数过多"):
        confirm(row, wrong)
    with pytest.raises(phone_codes.CodeNotConfirmed, match="错误次数过多，请重新获取"):
        confirm(row, code)
    assert PhoneCode.objects.get(pk=row.pk).attempts == 5 and phone_codes.confirmed(row.pk, APPLY) is None


def test_a_code_expires_after_ten_minutes():
    start = timezone.now()
    with freeze_time(start):
        row = send()
    with freeze_time(start + timedelta(minutes=10, seconds=1)), \
            pytest.raises(phone_codes.CodeNotConfirmed, match="验证码已过期，请重新获取"):
        confirm(row, sms_code(WORKER_PHONE))


def test_a_confirmation_lasts_thirty_minutes_and_serves_one_application():
    start = timezone.now()
    with freeze_time(start):
        row = confirm(send(), sms_code(WORKER_PHONE))
    with freeze_time(start + timedelta(minutes=29)):
        phone_codes.spend(phone_codes.confirmed(row.pk, APPLY, unspent=True))
        assert phone_codes.confirmed(row.pk, APPLY, unspent=True) is None
        with pytest.raises(phone_codes.CodeNotConfirmed, match="已用于提交一份申请"):
            phone_codes.spend(row)
    with freeze_time(start + timedelta(minutes=31)):
        assert phone_codes.confirmed(row.pk, APPLY) is None


def test_one_number_gets_one_code_a_minute_and_five_an_hour():
    start = timezone.now()
    with freeze_time(start):
        send()
        with pytest.raises(phone_codes.CodeRefused, match=r"请\d+秒后再重新获取"):
            send(client=phone_codes.client_index("198.51.100.1"))  # another address: the number is the limit
    for minute in (2, 4, 6, 8):
        with freeze_time(start + timedelta(minutes=minute)):
            send()
    with freeze_time(start + timedelta(minutes=10)), pytest.raises(phone_codes.CodeRefused, match="一小时内获取验证码的次数过多"):
        send()
    with freeze_time(start + timedelta(minutes=61)):
        send()
    assert SmsRecord.objects.to_phone(WORKER_PHONE).count() == 6


def test_one_address_is_throttled_across_numbers(settings):
    settings.UNIONCASE = {**settings.UNIONCASE, "PUBLIC_CODES_PER_CLIENT_HOUR": 3}
    for number in ("13900000001", "13900000002", "13900000003"):
        send(phone=number)
    with pytest.raises(phone_codes.CodeRefused, match="您获取验证码的次数过多，请一小时后再试"):
        send(phone="13900000004")
    with pytest.raises(phone_codes.CodeRefused):
        phone_codes.record_unmatched_lookup(client=CLIENT)
    assert not SmsRecord.objects.to_phone("13900000004").exists()
    send(phone="13900000004", client=phone_codes.client_index("198.51.100.1"))


def test_a_number_that_is_no_mobile_number_is_refused():
    with pytest.raises(Exception, match="手机号码应为以1开头的11位数字"):
        send(phone="010-62781234")
    assert not PhoneCode.objects.exists()


def test_a_lookup_that_matched_nothing_never_confirms():
    row = phone_codes.record_unmatched_lookup(client=CLIENT)
    assert not row.phone and not SmsRecord.objects.exists()
    for code in ("000000", "123456"):
        with pytest.raises(phone_codes.CodeNotConfirmed, match="验证码不正确"):
            phone_codes.confirm_code(code_id=row.pk, purpose=CodePurpose.PROGRESS, code=code)


def test_a_gateway_refusal_sends_nothing_and_does_not_count(settings):
    settings.UNIONCASE = {**settings.UNIONCASE, "SMS_BACKEND": "tests.unit.public.test_phone_codes.RefusingBackend"}
    with pytest.raises(phone_codes.CodeRefused, match="短信发送失败"):
        send()
    assert not PhoneCode.objects.exists()


class RefusingBackend:
    def send(self, *, phone, text, idempotency_key):
        from notifications.errors import PermanentDeliveryError

        raise PermanentDeliveryError("HTTP 400: bad number")


def test_the_minute_between_codes_counts_for_each_purpose():
    send()
    phone_codes.send_code(purpose=CodePurpose.PROGRESS, phone=WORKER_PHONE, client=CLIENT)  # the case just applied for
    with pytest.raises(phone_codes.CodeRefused, match="秒后再重新获取"):
        send()
