"""System clients: registered by command (secret shown once, stored hashed, journalled), tokens by
the client-credentials grant only and only for the client's scopes, deactivation, and who may
call what — a staff member's token no system endpoint, a system client no staff endpoint, a
client without an endpoint's scope a 403 problem; rates limited per client."""

import re
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import get_resolver
from oauth2_provider.models import AccessToken, Application

from api.auth import create_token
from api.system.clients import deactivate_client
from api.system.models import SystemClient
from cases.models import AuditEvent
from cases.models.actors import system
from tests.unit.rest_api.conftest import signed_in
from tests.unit.rest_api.system.conftest import TOKEN_URL, bearer, connected, register, token_answer

pytestmark = pytest.mark.django_db

# Each system endpoint, a GET or POST that reaches its scope check, and the scope it needs.
SYSTEM_CALLS = [
    ("get", "/api/v1/applications/organisations", "applications:write"),
    ("post", "/api/v1/applications/disputes", "applications:write"),
    ("get", "/api/v1/applications/disputes/1", "applications:read"),
    ("get", "/api/v1/applications/disputes/1/notices/1", "applications:read"),
    ("post", "/api/v1/applications/hardship", "applications:write"),
    ("get", "/api/v1/applications/hardship/1", "applications:read"),
    ("post", "/api/v1/civil-affairs/batches", "civil_affairs:write"),
    ("get", "/api/v1/civil-affairs/batches/B1", "civil_affairs:read"),
    ("get", "/api/v1/civil-affairs/batches/B1/records", "civil_affairs:read"),
    ("get", "/api/v1/statistics/disputes?from=2026-01-01&to=2026-06-30", "statistics:read"),
    ("get", "/api/v1/statistics/hardship?from=2026-01-01&to=2026-06-30", "statistics:read"),
]


def system_route_names() -> set[str]:
    from api.system.urls import system_patterns

    return {pattern.name for pattern in system_patterns if pattern.name != "oauth-token"}


def test_every_system_endpoint_is_probed_here():
    resolver = get_resolver()
    probed = {resolver.resolve(url.split("?")[0]).url_name for _method, url, _scope in SYSTEM_CALLS}
    assert probed == system_route_names()


def test_the_command_prints_the_secret_once_and_stores_it_hashed(orgs):
    out = StringIO()
    call_command("register_system_client", "--org", "BJ-HD", "--scopes", "applications:write", "applications:read",
                 "--name", "海淀区工会App", stdout=out)
    text = out.getvalue()
    client_id = re.search(r"client_id: (\S+)", text).group(1)
    secret = re.search(r"client_secret: (\S+)", text).group(1)
    client = SystemClient.objects.get(application__client_id=client_id)
    assert client.organisation == orgs["hd"] and client.scope_set == {"applications:write", "applications:read"}
    assert client.application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    assert secret not in client.application.client_secret  # hashed
    event = AuditEvent.objects.get(name="system_client_registered")
    assert event.data["client_id"] == client_id and secret not in str(event.data)
    assert event.organisation == orgs["hd"]
    answer = token_answer(client, secret)
    assert answer.status_code == 200 and set(answer.json()["scope"].split()) == client.scope_set


def test_the_command_refuses_an_unknown_organisation_or_scope(orgs):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="找不到代码"):
        call_command("register_system_client", "--org", "NOPE", "--scopes", "statistics:read", "--name", "x")
    with pytest.raises(CommandError, match="未知的权限范围"):
        call_command("register_system_client", "--org", "BJ-HD", "--scopes", "cases:everything", "--name", "x")
    assert not SystemClient.objects.exists() and not Application.objects.exists()


def test_a_token_is_granted_only_for_the_clients_own_scopes(orgs):
    client, secret = register(orgs["hd"], ["statistics:read"])
    narrowed = token_answer(client, secret, scope="statistics:read")
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == "statistics:read"
    assert token_answer(client, secret, scope="statistics:read civil_affairs:write").json()["error"] == "invalid_scope"
    assert token_answer(client, "wrong-secret").status_code == 401
    other = token_answer(client, secret, grant_type="password", username="hd_mediator", password="pw-hd_mediator")
    assert other.status_code == 400 and other.json()["error"] == "unsupported_grant_type"
    assert not AccessAttempt.objects.exists()  # no person's password was tried


def test_a_deactivated_client_gets_no_token_and_its_tokens_stop_working(orgs):
    api = connected(orgs["hd"], ["statistics:read"])
    url = "/api/v1/statistics/disputes?from=2026-01-01&to=2026-06-30"
    assert api.get(url).status_code == 200
    client = api.system_client
    assert deactivate_client(client, by=system("tests"), reason="合同到期") is True
    refused = api.get(url)
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert not AccessToken.objects.filter(application=client.application).exists()
    assert AuditEvent.objects.get(name="system_client_deactivated").reason == "合同到期"
    assert deactivate_client(client, by=system("tests")) is False  # once only


def test_without_a_token_a_system_endpoint_says_where_to_get_one():
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/statistics/disputes")
    assert response.status_code == 401 and TOKEN_URL in response.json()["detail"]
    unknown = bearer("not-a-token").get("/api/v1/statistics/disputes")
    assert unknown.status_code == 401 and "访问令牌无效或已过期" in unknown.json()["detail"]


@pytest.mark.parametrize("method,url,scope", SYSTEM_CALLS)
def test_a_client_without_the_scope_is_refused_with_a_problem(orgs, method, url, scope):
    others = [other for other in ("applications:write", "applications:read", "civil_affairs:write",
                                  "civil_affairs:read", "statistics:read") if other != scope]
    api = connected(orgs["hd"], others)
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:unioncase:problem:forbidden" and f"“{scope}”" in response.json()["detail"]


@pytest.mark.parametrize("method,url,scope", SYSTEM_CALLS)
def test_a_staff_member_cannot_call_a_system_endpoint(people, method, url, scope):
    _token, text = create_token(user=people["admin"], name="脚本", days=30)
    for api in (bearer(text), signed_in(people["admin"])):
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 403, response.content
        assert response["Content-Type"] == "application/problem+json"
    assert "只供系统客户端调用" in bearer(text).get(url.split("?")[0]).json()["detail"]


def staff_urls() -> list[tuple[str, str]]:
    """A call to each staff endpoint (path parameters filled with 1)."""
    from api.urls import urlpatterns

    calls = []
    for pattern in urlpatterns:
        if pattern.name in system_route_names() | {"oauth-token", "schema", "docs"}:
            continue
        route = re.sub(r"<int:\w+>", "1", str(pattern.pattern))
        view = pattern.callback.view_class
        method = "post" if hasattr(view, "post") else "get"
        calls.append((method, f"/api/v1/{route}"))
    return calls


def test_a_system_client_cannot_call_a_staff_endpoint(orgs):
    api = connected(orgs["bj"])
    calls = staff_urls()
    assert len(calls) > 10
    for method, url in calls:
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 403, (url, response.content)
        assert "系统客户端不能调用工作人员接口" in response.json()["detail"]


def test_rates_are_limited_per_client(settings, orgs):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"read": "2/min", "write": "1/min"}}
    one, two = connected(orgs["hd"], ["statistics:read"]), connected(orgs["hd"], ["statistics:read"])
    url = "/api/v1/statistics/hardship?from=2026-01-01&to=2026-06-30"
    assert [one.get(url).status_code for _ in range(2)] == [200, 200]
    limited = one.get(url)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited["Content-Type"] == "application/problem+json"
    assert two.get(url).status_code == 200  # another client counts apart
