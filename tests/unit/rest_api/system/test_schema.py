"""The system endpoints in the OpenAPI document: OAuth2 client credentials with each endpoint's
scope, every field described, the problems each may answer, examples."""

import pytest
import yaml

pytestmark = pytest.mark.django_db

SYSTEM_OPERATIONS = {
    ("/api/v1/applications/disputes", "post"): "applications:write",
    ("/api/v1/applications/disputes/{id}", "get"): "applications:read",
    ("/api/v1/applications/hardship", "post"): "applications:write",
    ("/api/v1/applications/hardship/{id}", "get"): "applications:read",
    ("/api/v1/applications/organisations", "get"): "applications:write",
    ("/api/v1/civil-affairs/batches", "post"): "civil_affairs:write",
    ("/api/v1/civil-affairs/batches/{batch_id}", "get"): "civil_affairs:read",
    ("/api/v1/civil-affairs/batches/{batch_id}/records", "get"): "civil_affairs:read",
    ("/api/v1/statistics/disputes", "get"): "statistics:read",
    ("/api/v1/statistics/hardship", "get"): "statistics:read",
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/v1/schema/").content)


def test_the_oauth2_scheme_names_the_token_url_and_the_scopes(schema):
    oauth2 = schema["components"]["securitySchemes"]["oauth2"]
    flow = oauth2["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/v1/oauth/token/" and "client_credentials" in oauth2["description"]
    assert set(flow["scopes"]) == {scope for scope in SYSTEM_OPERATIONS.values()} | {"civil_affairs:read"}
    assert flow["scopes"]["statistics:read"].startswith("读取本组织范围")


@pytest.mark.parametrize("where,scope", SYSTEM_OPERATIONS.items())
def test_each_system_operation_needs_its_scope_and_answers_problems(schema, where, scope):
    path, method = where
    operation = schema["paths"][path][method]
    assert operation["security"] == [{"oauth2": [scope]}]
    assert {"401", "403", "429"} <= set(operation["responses"])
    assert all("application/problem+json" in operation["responses"][code]["content"] for code in ("401", "403", "429"))
    assert operation["summary"] and operation["description"]
    success = next(code for code in operation["responses"] if code.startswith("2"))
    assert operation["responses"][success]["content"]["application/json"].get("examples")


def test_the_staff_operations_do_not_offer_oauth2(schema):
    detail = schema["paths"]["/api/v1/disputes/{id}"]["get"]
    assert detail["security"] == [{"personalToken": []}, {"session": []}]


def test_opening_a_notice_answers_a_pdf_with_the_read_scope_and_its_link_from_the_progress(schema):
    operation = schema["paths"]["/api/v1/applications/disputes/{id}/notices/{document_pk}"]["get"]
    assert operation["security"] == [{"oauth2": ["applications:read"]}]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert {"401", "403", "404", "429"} <= set(operation["responses"])
    assert "application/problem+json" in operation["responses"]["404"]["content"]
    progress = schema["paths"]["/api/v1/applications/disputes/{id}"]["get"]["responses"]["200"]
    assert progress["links"]["notice"]["operationId"] == "application_dispute_notice"
