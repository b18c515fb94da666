"""GET a dispute case or a hardship file: what their pages show, IDs masked as the pages mask
them, documents with download links, and the transitions this user may take; scoped as the pages."""

import pytest
from freezegun import freeze_time

from cases.hardship.identification import open_hardship_file
from cases.models import AuditEvent, HardshipStatus
from tests.dispute_cases import at
from tests.hardship_fixtures import household_in_hardship
from tests.unit.rest_api.conftest import signed_in, the_task
from workflows.dispute.flow import claim_task
from workflows.hardship.flow import start_hardship_flow

pytestmark = pytest.mark.django_db


def test_the_case_shows_status_clocks_parties_masked_and_what_the_user_may_do(case, people):
    claim_task(the_task(case, "decide_acceptance"), people["mediator"])
    with freeze_time(at("2026-11-03", 10)):
        response = signed_in(people["mediator"]).get(f"/api/v1/disputes/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == case.number and body["status"] == {"code": "registered", "label": "已登记"}
    assert body["worker"]["resident_id"] == "110105********002X" and body["worker"]["name"] == "王秀英"
    assert "11010519491231002X" not in response.content.decode()
    assert body["employer"]["uscc"] == "91350100M000100Y43"
    assert body["claims"][0]["claim_type"]["code"] == "wage_arrears" and body["totals"]["claimed"] == "30000.00"
    clock = body["clocks"][0]  # the nearest first
    assert clock["clock"] == "dispute.acceptance" and clock["due_on"] == "2026-11-05" and clock["level"] == "normal"
    assert clock["name"] and clock["remaining"] and clock["state"] == "open"
    assert [task["node"] for task in body["open_tasks"]] == ["decide_acceptance"]
    offered = {(row["name"], row["way"]) for row in body["transitions"]}
    assert {("accept", "step"), ("reject", "step"), ("record_consent", "action"), ("withdraw", "page")} <= offered
    accept = next(row for row in body["transitions"] if row["name"] == "accept")
    assert accept["url"].endswith(f"/api/v1/disputes/{case.pk}/transitions/accept?task={accept['task']}")


def test_an_auditor_is_offered_nothing(case, people):
    body = signed_in(people["auditor"]).get(f"/api/v1/disputes/{case.pk}").json()
    assert body["transitions"] == [] and body["worker"]["resident_id"] == "110105********002X"


def test_another_centres_case_is_a_404_problem(case, people):
    response = signed_in(people["cy_mediator"]).get(f"/api/v1/disputes/{case.pk}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "未找到" and response.json()["instance"] == f"/api/v1/disputes/{case.pk}"
    assert signed_in(people["cy_mediator"]).get(f"/api/v1/disputes/{case.pk}/documents/1").status_code == 404


@pytest.fixture
def hardship_file(orgs, people):
    file = open_hardship_file(household=household_in_hardship(orgs["hd"]), by=people["caseworker"],
                              source="application", year=2025)
    start_hardship_flow(file, by=people["caseworker"])
    return file


def test_the_hardship_file_is_read_masked_and_journalled(hardship_file, people):
    response = signed_in(people["caseworker"]).get(f"/api/v1/hardship/files/{hardship_file.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["household"]["head"] == "王建国" and body["household"]["head_resident_id"] == "110108********0017"
    assert all("*" in member["resident_id"] or not member["resident_id"] for member in body["household"]["members"])
    assert "110108197501010017" not in response.content.decode()
    assert [task["node"] for task in body["open_tasks"]] == ["take_application"]
    assert AuditEvent.objects.filter(name="view_hardship_file", data__via="api").count() == 1


def test_hardship_files_are_for_hardship_roles_in_scope(hardship_file, people):
    assert signed_in(people["mediator"]).get(f"/api/v1/hardship/files/{hardship_file.pk}").status_code == 404
    assert signed_in(people["cy_mediator"]).get(f"/api/v1/hardship/files/{hardship_file.pk}").status_code == 404


def test_a_hardship_step_is_taken_through_the_same_door(hardship_file, people, django_capture_on_commit_callbacks):
    client = signed_in(people["caseworker"])
    queue = client.get("/api/v1/hardship/tasks/queue").json()["results"]
    assert [row["node"] for row in queue] == ["take_application"]
    claim = client.post(queue[0]["claim"])
    assert claim.status_code == 200
    assert [row["id"] for row in client.get("/api/v1/hardship/tasks/mine").json()["results"]] == [queue[0]["id"]]
    url = f"/api/v1/hardship/files/{hardship_file.pk}/transitions/take_application"
    missing = client.post(url, {"applied_on": "2026-11-02"}, format="json")
    assert missing.status_code == 422 and missing.json()["errors"] == {"application_reason": ["请填写申请理由。"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"applied_on": "2026-11-02", "application_reason": "户主患病，家庭收入微薄。"},
                               format="json", headers={"Idempotency-Key": "apply-8"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["way"] == "step" and body["from_state"]["code"] == HardshipStatus.IDENTIFIED
    assert [task["node"] for task in body["open_tasks"]] == ["home_visit"]
    hardship_file.refresh_from_db()
    assert hardship_file.status == body["state"]["code"] != HardshipStatus.IDENTIFIED
    repeat = client.post(url, {"applied_on": "2026-11-02", "application_reason": "户主患病，家庭收入微薄。"},
                         format="json", headers={"Idempotency-Key": "apply-8"})
    assert repeat.json() == body and repeat["Idempotent-Replayed"] == "true"


def test_another_districts_caseworker_cannot_act_on_the_file(hardship_file, orgs, make_user):
    from cases.models import Role

    outsider = make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)
    client = signed_in(outsider)
    url = f"/api/v1/hardship/files/{hardship_file.pk}/transitions/take_application"
    response = client.post(url, {"applied_on": "2026-11-02", "application_reason": "x"}, format="json")
    assert response.status_code == 404
    assert client.get("/api/v1/hardship/tasks/queue").json()["results"] == []


def test_hardship_claims_refuse_as_the_claim_page_and_repeat_with_their_key(hardship_file, people):
    task_url = signed_in(people["caseworker"]).get("/api/v1/hardship/tasks/queue").json()["results"][0]["claim"]
    refused = signed_in(people["auditor"]).post(task_url)
    assert refused.status_code == 403 and refused.json()["detail"] == "审计员只能查阅，不能办理任务。"
    headers = {"Idempotency-Key": "claim-hardship-1"}
    first = signed_in(people["caseworker"]).post(task_url, headers=headers)
    again = signed_in(people["caseworker"]).post(task_url, headers=headers)
    assert first.status_code == 200 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert signed_in(people["cy_mediator"]).post(task_url).status_code == 404


def test_a_files_document_downloads_journalled_and_only_in_scope(hardship_file, people, orgs, make_user,
                                                                 django_capture_on_commit_callbacks):
    from cases.models import Role

    client = signed_in(people["caseworker"])
    task = client.get("/api/v1/hardship/tasks/queue").json()["results"][0]
    client.post(task["claim"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/hardship/files/{hardship_file.pk}/transitions/take_application",
                    {"applied_on": "2026-11-02", "application_reason": "户主患病。"}, format="json")
    [document, *_rest] = client.get(f"/api/v1/hardship/files/{hardship_file.pk}").json()["documents"]
    download = client.get(document["download"], HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(name="download_document", data__document_id=document["id"]).exists()
    outsider = signed_in(make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER))
    refused = outsider.get(document["download"], HTTP_ACCEPT="application/pdf")
    assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json"
