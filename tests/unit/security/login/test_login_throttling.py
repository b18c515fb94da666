"""Issue 17 point 2: login throttling per account and address, with a Chinese lockout message.

Sign-ins go through the real login page with Django's test client; each request names its
address in REMOTE_ADDR, as a browser's connection would."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from freezegun import freeze_time

from cases.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.50"
LOCKED = "登录失败次数过多，账户已暂时锁定，请于30分钟后重试或联系组织管理员解锁。"


def sign_in(client, username, password, address=OFFICE):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address=OFFICE):
    return [sign_in(client, username, f"wrong-{n}", address) for n in range(times)]


@pytest.fixture
def mediator(people):
    return people["mediator"]  # hd_mediator, password pw-hd_mediator


def test_point_2_four_wrong_passwords_still_let_the_right_one_in(client, mediator):
    responses = fail(client, "hd_mediator", 4)
    assert [r.status_code for r in responses] == [200, 200, 200, 200]

    response = sign_in(client, "hd_mediator", "pw-hd_mediator")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_point_2_the_fifth_wrong_password_locks_the_account_and_says_so_in_chinese(client, mediator):
    responses = fail(client, "hd_mediator", 5)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert LOCKED in responses[-1].content.decode()


def test_point_2_after_thirty_wrong_passwords_the_right_one_is_refused(client, mediator):
    responses = fail(client, "hd_mediator", 30)
    assert all(r.status_code == 429 for r in responses[4:])

    response = sign_in(client, "hd_mediator", "pw-hd_mediator")

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_point_2_the_lock_ends_thirty_minutes_after_the_fifth_failure(client, mediator):
    with freeze_time("2026-03-02 09:00:00"):
        fail(client, "hd_mediator", 5)
    with freeze_time("2026-03-02 09:20:00"):
        response = sign_in(client, "hd_mediator", "pw-hd_mediator")
        assert response.status_code == 429
        assert "请于10分钟后重试" in response.content.decode()
    # A refused sign-in during the lock does not extend it.
    with freeze_time("2026-03-02 09:29:30"):
        response = sign_in(client, "hd_mediator", "pw-hd_mediator")
        assert response.status_code == 429
        assert "请于1分钟后重试" in response.content.decode()
    with freeze_time("2026-03-02 09:30:01"):
        assert sign_in(client, "hd_mediator", "pw-hd_mediator").status_code == 302


def test_point_2_the_lock_holds_the_account_at_that_address_only(client, mediator):
    fail(client, "hd_mediator", 5, address=OFFICE)

    assert sign_in(client, "hd_mediator", "pw-hd_mediator", address=ELSEWHERE).status_code == 302


def test_point_2_other_accounts_at_the_same_address_still_sign_in(client, people):
    fail(client, "hd_mediator", 5)

    assert sign_in(client, "hd_lead", "pw-hd_lead").status_code == 302


def test_point_2_one_address_trying_many_accounts_is_locked_as_an_address(client, people):
    # 4 wrong passwords on each of 8 accounts: no account reaches 5, the address reaches 30.
    names = ["hd_mediator", "hd_lead", "hd_caseworker", "hd_reviewer", "hd_auditor", "bj_admin", "bj_admin2",
             "cy_mediator"]
    statuses = [r.status_code for name in names for r in fail(client, name, 4)]
    assert statuses[:29] == [200] * 29
    assert statuses[29:] == [429, 429, 429]

    response = sign_in(client, "hd_lead", "pw-hd_lead")

    assert response.status_code == 429
    assert "此网络地址登录失败次数过多，已暂时锁定，请于30分钟后重试或联系系统管理员解锁。" in response.content.decode()
    assert sign_in(client, "hd_lead", "pw-hd_lead", address=ELSEWHERE).status_code == 302


def test_point_2_a_successful_sign_in_forgets_that_accounts_failures_at_that_address(client, people):
    fail(client, "hd_mediator", 4)
    assert sign_in(client, "hd_mediator", "pw-hd_mediator").status_code == 302
    client.logout()

    responses = fail(client, "hd_mediator", 4)

    assert [r.status_code for r in responses] == [200, 200, 200, 200]


def test_point_2_the_limits_come_from_the_settings(client, mediator, settings):
    settings.AXES_FAILURE_LIMIT = 3

    responses = fail(client, "hd_mediator", 3)

    assert [r.status_code for r in responses] == [200, 200, 429]


def test_point_2_behind_a_proxy_the_forwarded_client_address_is_throttled(client, mediator, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        client.post(LOGIN, {"username": "hd_mediator", "password": f"wrong-{n}"}, REMOTE_ADDR="10.0.0.2",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {OFFICE}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
    # Another client behind the same proxy is not locked out.
    response = client.post(LOGIN, {"username": "hd_mediator", "password": "pw-hd_mediator"}, REMOTE_ADDR="10.0.0.2",
                           HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 302


def test_point_2_lockouts_and_failures_are_journalled(client, mediator):
    fail(client, "hd_mediator", 5)

    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failed.filter(name="").count() == 5
    assert list(failed.filter(name="locked_out").values_list("data", flat=True)) == [
        {"username": "hd_mediator", "ip": OFFICE}]


def test_point_2_the_stored_attempts_never_keep_the_password(client, mediator):
    sign_in(client, "hd_mediator", "Secret-typed-by-mistake-1")

    attempt = AccessAttempt.objects.get()
    assert "Secret-typed-by-mistake-1" not in attempt.post_data


def test_point_2_a_superuser_lists_and_unlocks_at_the_shell(client, mediator, capsys):
    fail(client, "hd_mediator", 5)

    call_command("unlock_login", "--list")
    listing = capsys.readouterr().out
    call_command("unlock_login", "hd_mediator", "--reason", "本人来电确认")

    assert f"账户 hd_mediator @ {OFFICE}：失败 5 次" in listing
    assert sign_in(client, "hd_mediator", "pw-hd_mediator").status_code == 302
    event = AuditEvent.objects.get(name="login_unlocked")
    assert (event.actor_label, event.reason, event.data["addresses"]) == ("system:unlock_login", "本人来电确认", [OFFICE])
