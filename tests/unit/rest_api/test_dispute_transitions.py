"""POST /api/v1/disputes/{id}/transitions/{name}: every transition through the door the pages use,
with their forms' checks and their Chinese refusals; the answer names the new state, the clocks
changed and the documents issued."""

import pytest
from freezegun import freeze_time

from cases.models import AuditEvent, DisputeCase, DisputeStatus, Document
from tests.dispute_cases import at
from tests.unit.rest_api.conftest import signed_in, the_task

pytestmark = pytest.mark.django_db
CONSENT = {"decision": "consented", "consent_method": "written", "decided_on": "2026-11-02", "given_by": "李四（法定代表人）"}


def url(case, name, task=None):
    return f"/api/v1/disputes/{case.pk}/transitions/{name}" + (f"?task={task.pk}" if task else "")


def claimed(client, case, name="decide_acceptance"):
    task = the_task(case, name)
    response = client.post(f"/api/v1/disputes/tasks/{task.pk}/claim")
    assert response.status_code == 200, response.json()
    return task


def test_accepting_through_the_api_claims_records_consent_and_answers_state_clocks_and_documents(
        case, people, django_capture_on_commit_callbacks):
    client = signed_in(people["mediator"])
    with freeze_time(at("2026-11-03", 10)):
        claimed(client, case)
        consent = client.post(url(case, "record_consent"), CONSENT, format="json")
        assert consent.status_code == 200, consent.json()
        assert consent.json()["way"] == "action" and consent.json()["state"]["code"] == "registered"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url(case, "accept"), {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["transition"] == "accept" and body["way"] == "step"
    assert body["from_state"]["code"] == "registered" and body["state"] == {"code": "accepted", "label": "已受理"}
    assert "dispute.acceptance" in [clock["clock"] for clock in body["clocks"]["met"]]
    # Here the test's transaction holds the documents back until the answer is made: they are
    # named as pending, and issued once it commits (test_documents_issued_are_in_the_answer).
    assert body["documents"] == [] and body["documents_pending"]
    assert set(body["documents_pending"]) == set(Document.objects.filter(
        transition_event__seq=body["event"]).values_list("kind", flat=True))
    assert [task["node"] for task in body["open_tasks"]] == ["assign_mediator"]
    case.refresh_from_db()
    assert case.status == DisputeStatus.ACCEPTED
    assert AuditEvent.objects.get(seq=body["event"]).name == "accept"


@pytest.mark.django_db(transaction=True)
def test_documents_issued_are_in_the_answer_with_their_download_address(orgs, people):
    """Outside a test's transaction (as in production) the door's transaction commits before the
    answer is made, and the documents issued on commit (Celery eager here) are in it."""
    from tests.unit.rest_api.conftest import open_case

    case = open_case(orgs, people)
    client = signed_in(people["mediator"])
    with freeze_time(at("2026-11-03", 10)):
        claimed(client, case)
        assert client.post(url(case, "record_consent"), CONSENT, format="json").status_code == 200
        body = client.post(url(case, "accept"), {}, format="json").json()
        download = client.get(body["documents"][0]["download"])
    assert body["documents"] and body["documents_pending"] == []
    document = Document.objects.get(pk=body["documents"][0]["id"])
    assert document.transition_event.seq == body["event"]
    assert body["documents"][0]["download"] == f"http://testserver/api/v1/disputes/{case.pk}/documents/{document.pk}"
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(name="download_document", data__document_id=document.pk).exists()


def test_a_refusal_comes_back_as_a_problem_with_the_pages_chinese_message(case, people):
    """Accepting before the respondent's consent: the task form's own Art.20 message, under its field."""
    client = signed_in(people["mediator"])
    with freeze_time(at("2026-11-03", 10)):
        claimed(client, case)
        response = client.post(url(case, "accept"), {}, format="json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:unioncase:problem:invalid" and problem["status"] == 422
    assert problem["instance"] == url(case, "accept")
    assert "尚未登记对方当事人（用人单位）同意调解，不能受理" in problem["detail"]
    assert "第二十条" in problem["errors"]["decision"][0]
    case.refresh_from_db()
    assert case.status == DisputeStatus.REGISTERED


def test_a_step_of_a_task_one_does_not_hold_is_refused_as_on_the_page(case, people):
    client = signed_in(people["mediator"])
    with freeze_time(at("2026-11-03", 10)):
        response = client.post(url(case, "reject"), {"rejection_ground": "not_labour_dispute", "reason": "借贷纠纷"},
                                format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有领取了该任务的人可以办理它。"


def test_the_door_refuses_a_transition_from_the_wrong_state_in_its_words(case, people):
    """archive is no step of any open task and no action from 已登记: the case page's refusal."""
    client = signed_in(people["mediator"])
    response = client.post(url(case, "archive"), {"confirm": True}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "案件当前为“已登记”，不能执行这项操作。"
    assert response.json()["type"] == "urn:unioncase:problem:refused"


def test_a_step_of_the_flow_is_not_taken_as_a_page_action(case, people):
    """reject is the open 受理审查's outcome: asking for it with another task id is refused."""
    client = signed_in(people["mediator"])
    response = client.post(url(case, "reject") + "?task=999999", {"reason": "x"}, format="json")
    assert response.status_code == 409 and response.json()["detail"] == "该任务已结束或不办理这一事项。"


def test_the_auditor_reads_but_is_refused_every_transition(case, people):
    client = signed_in(people["auditor"])
    assert client.get(f"/api/v1/disputes/{case.pk}").status_code == 200
    response = client.post(url(case, "withdraw"), {"reason": "撤回"}, format="json")
    assert response.status_code == 403 and response.json()["detail"] == "审计员只能查阅，不能修改任何内容。"


def test_a_mediator_of_another_centre_can_neither_read_nor_act(case, people):
    client = signed_in(people["cy_mediator"])
    assert client.get(f"/api/v1/disputes/{case.pk}").status_code == 404
    response = client.post(url(case, "withdraw"), {"reason": "撤回"}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该记录，或它不在您所属组织的范围内。"
    task = the_task(case, "decide_acceptance")
    assert client.post(f"/api/v1/disputes/tasks/{task.pk}/claim").status_code == 404
    case.refresh_from_db()
    assert case.status == DisputeStatus.REGISTERED and task.owner_id is None


def test_a_page_action_withdraws_the_case_and_ends_its_flow(case, people, django_capture_on_commit_callbacks):
    client = signed_in(people["mediator"])
    missing = client.post(url(case, "withdraw"), {}, format="json")
    assert missing.status_code == 422 and missing.json()["errors"] == {"reason": ["请填写理由。"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(case, "withdraw"), {"reason": "申请人已与单位和解，撤回申请。"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["way"] == "page" and body["state"]["code"] == DisputeStatus.WITHDRAWN
    assert "dispute.acceptance" in [clock["clock"] for clock in body["clocks"]["cancelled"]]
    assert [task["node"] for task in body["open_tasks"]] == ["close_case"]


def test_a_repeated_post_with_the_same_idempotency_key_gets_the_first_answer(case, people):
    client = signed_in(people["mediator"])
    headers = {"Idempotency-Key": "4f1c7a0e-withdraw-17"}
    first = client.post(url(case, "withdraw"), {"reason": "申请人撤回申请。"}, format="json", headers=headers)
    assert first.status_code == 200
    events = AuditEvent.objects.filter(name="withdraw").count()
    again = client.post(url(case, "withdraw"), {"reason": "申请人撤回申请。"}, format="json", headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(name="withdraw").count() == events  # taken once
    other = client.post(url(case, "withdraw"), {"reason": "另一理由"}, format="json", headers=headers)
    assert other.status_code == 422 and other.json()["type"] == "urn:unioncase:problem:idempotency-key-reused"
    # A refusal is an answer too: kept with its key and given again.
    refused = client.post(url(case, "archive"), {"confirm": True}, format="json", headers={"Idempotency-Key": "k-2"})
    repeat = client.post(url(case, "archive"), {"confirm": True}, format="json", headers={"Idempotency-Key": "k-2"})
    assert refused.status_code == repeat.status_code == 409 and repeat.json() == refused.json()
    assert repeat["Content-Type"] == "application/problem+json"


def test_the_same_key_of_another_user_is_another_request(case, people):
    headers = {"Idempotency-Key": "same-key"}
    lead = signed_in(people["lead"]).post(url(case, "withdraw"), {"reason": "撤回"}, format="json", headers=headers)
    assert lead.status_code == 200
    mediator = signed_in(people["mediator"]).post(url(case, "withdraw"), {"reason": "撤回"}, format="json",
                                                   headers=headers)
    assert mediator.status_code == 409 and "Idempotent-Replayed" not in mediator


def test_a_malformed_idempotency_key_is_refused(case, people):
    response = signed_in(people["mediator"]).post(url(case, "withdraw"), {"reason": "撤回"}, format="json",
                                                   headers={"Idempotency-Key": "空格 不行"})
    assert response.status_code == 422 and "Idempotency-Key" in response.json()["errors"]
    assert DisputeCase.objects.get(pk=case.pk).status == DisputeStatus.REGISTERED


def test_a_key_older_than_its_keeping_time_is_a_new_request(case, people, settings):
    from datetime import timedelta

    from django.utils import timezone

    from api.models import IdempotencyRecord

    client = signed_in(people["mediator"])
    headers = {"Idempotency-Key": "old-key"}
    assert client.post(url(case, "archive"), {"confirm": True}, format="json", headers=headers).status_code == 409
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS + 1))
    response = client.post(url(case, "withdraw"), {"reason": "撤回"}, format="json", headers=headers)
    assert response.status_code == 200 and "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.get().path == url(case, "withdraw")
