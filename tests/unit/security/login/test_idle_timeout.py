"""Issue 17 point 2: a session ends after SESSION_IDLE_TIMEOUT minutes (default 30) without a
request, and when the browser closes; each request starts the idle period again."""

import pytest
from freezegun import freeze_time

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def production_idle_timeout(settings):
    """tests/settings.py lengthens sessions for tests that travel in time; here the production
    default holds (the last test checks that it is 30 minutes)."""
    settings.SESSION_COOKIE_AGE = 30 * 60


def sign_in(client):
    response = client.post(LOGIN, {"username": "hd_mediator", "password": "pw-hd_mediator"})
    assert response.status_code == 302


def test_point_2_thirty_idle_minutes_end_the_session(client, people):
    with freeze_time("2026-03-02 09:00:00"):
        sign_in(client)
    with freeze_time("2026-03-02 09:29:00"):
        assert client.get("/").status_code == 200
    with freeze_time("2026-03-02 09:58:00"):  # 29 minutes after the last request
        assert client.get("/").status_code == 200
    with freeze_time("2026-03-02 10:28:01"):  # 30 minutes and a second after it
        response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/")


def test_point_2_the_session_cookie_ends_with_the_browser(client, people):
    sign_in(client)

    cookie = client.cookies["sessionid"]
    assert (cookie["expires"], cookie["max-age"]) == ("", "")
    assert cookie["httponly"] is True


def test_point_2_the_idle_period_comes_from_the_environment(monkeypatch):
    import importlib

    import config.settings

    monkeypatch.setenv("SESSION_IDLE_TIMEOUT", "10")
    try:
        assert importlib.reload(config.settings).SESSION_COOKIE_AGE == 600
        monkeypatch.delenv("SESSION_IDLE_TIMEOUT")
        assert importlib.reload(config.settings).SESSION_COOKIE_AGE == 1800
    finally:
        monkeypatch.undo()
        importlib.reload(config.settings)
