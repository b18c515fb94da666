"""Fixtures of the system clients' tests: clients registered for 海淀 and 朝阳, their tokens."""

import base64
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from api.system.clients import register_client
from api.system.models import SCOPES
from cases.models.actors import system

TOKEN_URL = "/api/v1/oauth/token/"
ALL_SCOPES = list(SCOPES)


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_answer(system_client, secret: str, scope: str | None = None, grant_type: str = "client_credentials",
                 **extra):
    """The token endpoint's answer to the client authenticating with HTTP Basic."""
    data = {"grant_type": grant_type, **({"scope": scope} if scope is not None else {}), **extra}
    return APIClient().generic("POST", TOKEN_URL, urlencode(data), content_type="application/x-www-form-urlencoded",
                               HTTP_AUTHORIZATION=basic(system_client.application.client_id, secret))


def bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def register(organisation, scopes=ALL_SCOPES, name="测试客户端"):
    return register_client(name=name, organisation=organisation, scopes=list(scopes), by=system("tests"))


def connected(organisation, scopes=ALL_SCOPES, name="测试客户端") -> APIClient:
    """An API client holding a fresh token of a new system client of `organisation`."""
    client, secret = register(organisation, scopes, name)
    answer = token_answer(client, secret)
    assert answer.status_code == 200, answer.content
    api = bearer(answer.json()["access_token"])
    api.system_client = client
    return api


@pytest.fixture
def hd_app(orgs):
    """The union's app of 海淀 (every scope)."""
    return connected(orgs["hd"], name="海淀区工会App")


@pytest.fixture
def cy_app(orgs):
    return connected(orgs["cy"], name="朝阳区工会App")
