"""Who may call the API: a staff member by session (CSRF checked on writes) or by a personal token
made on their 接口令牌 page (shown once, stored hashed, journalled, revocable); rate limits per caller."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.auth import create_token
from api.models import PersonalToken
from cases.models import AuditEvent
from tests.unit.rest_api.conftest import signed_in

pytestmark = pytest.mark.django_db
TOKENS = "/accounts/api-tokens/"


@pytest.mark.parametrize("role", ["mediator", "lead", "caseworker", "reviewer", "auditor", "admin"])
def test_every_role_opens_the_token_page_from_its_menu(client, people, role):
    client.force_login(people[role])
    home = client.get("/")
    assert f'href="{TOKENS}"' in home.content.decode()
    page = client.get(TOKENS)
    assert page.status_code == 200
    assert "接口令牌" in page.content.decode() and "您还没有接口令牌。" in page.content.decode()


def test_a_token_is_shown_once_stored_hashed_and_journalled(client, people):
    client.force_login(people["mediator"])
    response = client.post(TOKENS, {"name": "调解员手机应用", "days": "90"})
    assert response.status_code == 200
    text = re.search(r'id="new-token-value"[^>]*>(uc_[^<]+)<', response.content.decode()).group(1)
    token = PersonalToken.objects.get(user=people["mediator"])
    assert token.digest == hashlib.sha256(text.encode()).hexdigest() and text not in str(token.__dict__)
    assert token.prefix == text[:10] and token.expires_at > timezone.now() + timedelta(days=89)
    event = AuditEvent.objects.get(name="api_token_created")
    assert event.actor == people["mediator"] and event.data["token"] == token.prefix and text not in str(event.data)
    again = client.get(TOKENS).content.decode()
    assert text not in again and token.prefix in again  # never shown again

    api = Client()
    answer = api.get("/api/v1/disputes/tasks/mine", headers={"Authorization": f"Bearer {text}"})
    assert answer.status_code == 200 and answer.json() == {"next": None, "results": []}
    assert "sessionid" not in answer.cookies and "no-store" in answer["Cache-Control"]  # no session started
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_or_expired_token_is_refused_as_a_problem(client, people):
    token, text = create_token(user=people["mediator"], name="脚本", days=30)
    client.force_login(people["mediator"])
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(name="api_token_revoked", data__token=token.prefix).count() == 1
    refused = Client().get("/api/v1/disputes/tasks/mine", headers={"Authorization": f"Bearer {text}"})
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == "令牌无效、已过期或已被撤销。" and refused["WWW-Authenticate"].startswith("Bearer")

    expired, expired_text = create_token(user=people["mediator"], name="旧脚本", days=30)
    PersonalToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/disputes/tasks/mine",
                        headers={"Authorization": f"Bearer {expired_text}"}).status_code == 401


def test_nobody_revokes_anothers_token(client, people):
    token, _text = create_token(user=people["mediator"], name="脚本", days=30)
    client.force_login(people["lead"])
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_without_credentials_the_api_answers_401_in_chinese():
    response = Client().get("/api/v1/disputes/tasks/queue")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:unioncase:problem:not-authenticated"
    assert "个人接口令牌" in response.json()["detail"]


def test_a_session_write_needs_the_csrf_token(case, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["mediator"])
    response = client.post(f"/api/v1/disputes/{case.pk}/transitions/withdraw", {"reason": "撤回"},
                           content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    token = client.get(TOKENS).cookies["csrftoken"].value
    allowed = client.post(f"/api/v1/disputes/{case.pk}/transitions/withdraw", {"reason": "撤回"},
                          content_type="application/json", headers={"X-CSRFToken": token})
    assert allowed.status_code == 200


def test_a_token_acts_with_its_owners_roles_and_scope(case, people):
    _token, text = create_token(user=people["cy_mediator"], name="脚本", days=30)
    response = Client().get(f"/api/v1/disputes/{case.pk}", headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 404


def test_rates_are_limited_per_caller(settings, people):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"read": "2/min", "write": "1/min"}}
    mediator, lead = signed_in(people["mediator"]), signed_in(people["lead"])
    assert [mediator.get("/api/v1/disputes/tasks/mine").status_code for _ in range(2)] == [200, 200]
    limited = mediator.get("/api/v1/disputes/tasks/mine")
    assert limited.status_code == 429 and limited["Content-Type"] == "application/problem+json"
    assert int(limited["Retry-After"]) > 0 and "请求过于频繁" in limited.json()["detail"]
    assert lead.get("/api/v1/disputes/tasks/mine").status_code == 200  # another caller counts apart
