"""The token endpoint's limit on failed client authentications (api/system/token_failures.py): ten
failures within ten minutes under one client id from one address, or from one address, and the
endpoint answers that client id there, or that address, a 429 problem — the right secret included — until the oldest
failure leaves the window; tokens granted count for nothing; the lockout is journalled."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from cases.models import AuditAction, AuditEvent
from tests.dispute_cases import at
from tests.unit.rest_api.system.conftest import TOKEN_URL, basic, register

pytestmark = pytest.mark.django_db

OFFICE, ELSEWHERE = "198.51.100.7", "203.0.113.9"
START = at("2026-11-03", 10)


def ask(client_id: str, secret: str, *, address: str = OFFICE, in_body: bool = False):
    """A client-credentials token request from `address`, the credentials in HTTP Basic or in the body."""
    data = {"grant_type": "client_credentials"}
    headers = {"REMOTE_ADDR": address}
    if in_body:
        data.update(client_id=client_id, client_secret=secret)
    else:
        headers["HTTP_AUTHORIZATION"] = basic(client_id, secret)
    return APIClient().post(TOKEN_URL, data, format="multipart", **headers)


def fail(client_id: str, times: int, *, addresses=(OFFICE,), in_body: bool = False) -> list[int]:
    return [ask(client_id, "wrong-secret", address=addresses[n % len(addresses)], in_body=in_body).status_code
            for n in range(times)]


def lockouts():
    return AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, name="token_locked_out")


@pytest.fixture
def app(orgs):
    client, secret = register(orgs["hd"], ["statistics:read"], name="海淀区数据看板")
    return client.application.client_id, secret, client


def test_ten_failures_of_a_client_id_from_one_address_lock_it_there_even_with_the_right_secret(app):
    client_id, secret, client = app
    with freeze_time(START):
        assert fail(client_id, 10) == [401] * 10
        refused = ask(client_id, secret)
        assert ask(client_id, secret, in_body=True).status_code == 429

    assert refused.status_code == 429 and refused["Content-Type"] == "application/problem+json"
    assert refused["Retry-After"] == "600"
    body = refused.json()
    assert body["type"] == "urn:unioncase:problem:throttled" and body["status"] == 429
    assert body["title"] == "请求过于频繁" and "认证失败的次数过多，请600秒后再试" in body["detail"]
    [event] = lockouts()
    assert event.data == {"client_id": client_id, "ip": OFFICE, "locked": ["address", "client_id"],
                          "failures": 10, "minutes": 10}
    assert event.organisation == client.organisation and event.actor_label == "system:oauth_token"


def test_failures_with_a_client_id_from_elsewhere_do_not_lock_the_client_out(app):
    """A client's id is no secret: whoever fails with it from ten other addresses does not stop
    the client getting its tokens from its own."""
    client_id, secret, _client = app
    ten_addresses = [f"192.0.2.{n}" for n in range(10)]
    with freeze_time(START):
        assert fail(client_id, 20, addresses=ten_addresses) == [401] * 20
        assert ask(client_id, secret, address=OFFICE).status_code == 200
    assert not lockouts().exists()


def test_the_lock_lifts_as_the_oldest_failure_leaves_the_window(app):
    client_id, secret, _client = app
    with freeze_time(START) as clock:
        fail(client_id, 5)
        clock.tick(timedelta(minutes=4))
        fail(client_id, 5)
        clock.tick(timedelta(minutes=5))
        locked = ask(client_id, secret)
        clock.tick(timedelta(minutes=1, seconds=1))  # the first five are over ten minutes old
        granted = ask(client_id, secret)
        assert fail(client_id, 5) == [401] * 5  # five more reach the limit again
        relocked = ask(client_id, secret)

    assert locked.status_code == 429 and locked["Retry-After"] == "60"
    assert granted.status_code == 200 and "access_token" in granted.json()
    assert relocked.status_code == 429
    assert lockouts().count() == 2  # each lockout once, not each refused request


def test_ten_failures_from_one_address_lock_the_address_for_every_client(app, orgs):
    client_id, secret, _client = app
    with freeze_time(START):
        assert [ask(f"guess-{n}", "x").status_code for n in range(10)] == [401] * 10
        from_there = ask(client_id, secret)
        from_elsewhere = ask(client_id, secret, address=ELSEWHERE)

    assert from_there.status_code == 429 and from_elsewhere.status_code == 200
    [event] = lockouts()
    assert event.data["locked"] == ["address"] and event.data["ip"] == OFFICE and event.data["client_id"] == "guess-9"
    assert event.organisation is None and event.subject_id in (None, "")


def test_tokens_granted_are_not_counted(app):
    client_id, secret, _client = app
    with freeze_time(START):
        granted = [ask(client_id, secret, in_body=n % 2 == 1).status_code for n in range(12)]
        assert fail(client_id, 9, in_body=True) == [401] * 9
        after_nine = ask(client_id, secret)
        assert fail(client_id, 1) == [401]
        after_ten = ask(client_id, secret)

    assert granted == [200] * 12 and after_nine.status_code == 200
    assert after_ten.status_code == 429


def test_other_refusals_are_not_counted_as_failed_authentications(app):
    client_id, secret, _client = app
    with freeze_time(START):
        for _ in range(10):
            ask(client_id, secret)  # granted
            APIClient().post(TOKEN_URL, {"grant_type": "password", "username": "x", "password": "y"},
                             REMOTE_ADDR=OFFICE, HTTP_AUTHORIZATION=basic(client_id, secret))
        answer = ask(client_id, secret)

    assert answer.status_code == 200 and not lockouts().exists()
