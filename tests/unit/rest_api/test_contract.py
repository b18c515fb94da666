"""What the contract run (tests/contract/, `make contract`) found and rests on: an unknown address
under /api/ is a problem, not the pages' HTML; a NUL in an address is a 400 problem (it was a 500
on PostgreSQL); a task that is no one's step is not claimable (it was a 500); an unreadable body
is a documented 400 problem; the schema's links lead to real
operations; every operation is made by a fixture principal; the fixture disputes sit where the
worklists show them; the check that a system client of 海淀 is never given 朝阳's data bites."""

from types import SimpleNamespace

import pytest
import yaml

from api.problems import PROBLEM_CONTENT_TYPE
from tests.contract.fixtures import seed_disputes
from tests.contract import hooks
from tests.contract.hooks import principal_for
from tests.unit.rest_api.conftest import signed_in

pytestmark = pytest.mark.django_db


def schema_of(client) -> dict:
    return yaml.safe_load(client.get("/api/v1/schema/").content)


@pytest.mark.parametrize("method, address", [
    ("get", "/api/v1/disputes/abc"), ("post", "/api/v1/disputes/1/transitions/no_such_step"),
    ("get", "/api/v1/nothing-here"),
])
def test_an_unknown_api_address_is_a_404_problem_not_the_pages_html(client, method, address):
    response = getattr(client, method)(address)
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    problem = response.json()
    assert problem["type"] == "urn:unioncase:problem:not-found" and problem["instance"] == address
    assert problem["detail"] == "接口中没有这个地址：请对照接口文档（/api/v1/docs/）检查路径和其中的编号。"


@pytest.mark.parametrize("address", ["/api/v1/disputes/tasks/queue?cursor=a%00b", "/api/v1/disputes/1%00"])
def test_a_nul_in_an_api_address_is_a_400_problem_before_any_view_reads_it(people, address):
    """PostgreSQL refuses to compare text holding a NUL: a query or path value that reached a query
    was a 500 (found by the contract run on /api/v1/statistics/hardship?organisation=…%00…)."""
    response = signed_in(people["mediator"]).get(address)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["detail"] == "请求地址中含有不允许的字符（NUL）：请检查路径和查询参数。"


def test_an_unknown_page_elsewhere_is_still_the_pages_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_task_that_is_no_ones_step_is_not_found_rather_than_a_server_error(case, people):
    start = case.process.task_set.exclude(flow_task_type="HUMAN").order_by("pk").first()
    assert start is not None
    response = signed_in(people["mediator"]).post(f"/api/v1/disputes/tasks/{start.pk}/claim")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["detail"] == "未找到该任务，或它不在您所属组织的范围内。"


def test_an_unreadable_body_is_a_400_problem_that_the_schema_describes(case, people, client):
    address = f"/api/v1/disputes/{case.pk}/transitions/withdraw"
    response = signed_in(people["mediator"]).post(address, data="{not json", content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["detail"] == "请求内容无法解析：请提交有效的 JSON。"
    described = schema_of(client)["paths"]["/api/v1/disputes/{id}/transitions/withdraw"]["post"]["responses"]
    assert PROBLEM_CONTENT_TYPE in described["400"]["content"]


def test_a_worklist_describes_its_422_for_a_bad_limit(client):
    described = schema_of(client)["paths"]["/api/v1/disputes/tasks/queue"]["get"]["responses"]
    assert PROBLEM_CONTENT_TYPE in described["422"]["content"]


def test_the_schemas_links_lead_to_operations_and_their_path_parameters(client):
    schema = schema_of(client)
    operations = {operation["operationId"]: (path, operation) for path, methods in schema["paths"].items()
                  for operation in methods.values()}
    links = {(source, name): link for source, (_path, operation) in operations.items()
             for name, link in operation["responses"].get("200", {}).get("links", {}).items()}
    assert links[("dispute_tasks_queue", "claim")]["parameters"] == {"task_id": "$response.body#/results/0/id"}
    assert links[("dispute_detail", "accept")]["operationId"] == "disputes_transition_accept"
    assert links[("hardship_file_detail", "document")]["operationId"] == "hardship_file_document"
    for (source, name), link in links.items():
        path, target = operations[link["operationId"]]
        path_parameters = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
        assert set(link["parameters"]) == path_parameters, (source, name)


def test_every_operation_is_made_by_a_fixture_principal(client):
    schema = schema_of(client)
    schemes = schema["components"]["securitySchemes"]
    made_by = {}
    for path, methods in schema["paths"].items():
        for operation in methods.values():
            names = {name for requirement in operation.get("security", []) for name in requirement}
            made_by[operation["operationId"]] = principal_for(path, names, schemes)
    assert None not in made_by.values(), [name for name, who in made_by.items() if who is None]
    assert made_by["dispute_detail"] == "staff" and made_by["hardship_file_detail"] == "hardship"
    assert principal_for("/api/v1/x", {"oauth2"}, {"oauth2": {"type": "oauth2"}}) == "system"


def test_the_district_check_fails_an_answer_that_gives_a_system_client_another_districts_data(monkeypatch):
    monkeypatch.setitem(hooks.DATA, "reach", {"own_codes": ["BJ-HD"], "foreign_codes": ["BJ-CY", "BJ-CY-JW"],
                                              "foreign_numbers": ["BJ-CY-JW-2026-0001"]})
    monkeypatch.setattr(hooks, "principal_of", lambda operation: operation)
    check = hooks.system_client_stays_in_its_district
    leak = SimpleNamespace(status_code=200, content='{"number": "BJ-CY-JW-2026-0001"}'.encode())
    with pytest.raises(AssertionError, match="BJ-CY-JW-2026-0001"):
        check(None, leak, SimpleNamespace(operation="system"))
    own = SimpleNamespace(status_code=200, content='{"organisation": {"code": "BJ-HD"}}'.encode())
    assert check(None, own, SimpleNamespace(operation="system")) is None
    refused = SimpleNamespace(status_code=403, content='{"detail": "组织“BJ-CY”不在本客户端的范围内"}'.encode())
    assert check(None, refused, SimpleNamespace(operation="system")) is None
    assert check(None, leak, SimpleNamespace(operation="staff")) is None  # staff scoping is the pages' own


def test_the_contract_fixtures_put_disputes_where_the_worklists_show_them(
        orgs, people, django_capture_on_commit_callbacks):
    users = {"mediator": people["mediator"], "lead": people["lead"], "cy_mediator": people["cy_mediator"]}
    with django_capture_on_commit_callbacks(execute=True):
        made = seed_disputes(users, {"BJ-HD-ZGC": orgs["hd_street"], "BJ-CY-JW": orgs["cy_street"]})
    client = signed_in(people["mediator"])
    queue = client.get("/api/v1/disputes/tasks/queue").json()["results"]
    assert {row["case_id"] for row in queue if row["node"] == "decide_acceptance"} == {c.pk for c in made["queued"]}
    mine = {row["case_id"] for row in client.get("/api/v1/disputes/tasks/mine").json()["results"]}
    assert made["claimed"].pk in mine
    accepted = client.get(f"/api/v1/disputes/{made['accepted'].pk}").json()
    assert accepted["mediator"]["id"] == people["mediator"].pk and accepted["documents"]
    assert client.get(f"/api/v1/disputes/{made['elsewhere'].pk}").status_code == 404
