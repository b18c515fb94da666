"""The union's app: online dispute and hardship applications through the API, by the public
channel's own services, and their progress — success, refusal, scoping and the idempotent repeat."""

import base64
from datetime import date

import pytest
from django.db.models import Q
from freezegun import freeze_time
from viewflow.workflow.status import STATUS

from api.system.models import SubmittedApplication
from cases.models import (
    ApplicationAttachment,
    AttachmentKind,
    AuditEvent,
    Channel,
    DisputeCase,
    DisputeStatus,
    Document,
    ElectronicServiceConsent,
    HardshipAttachment,
    HardshipFile,
    HardshipStatus,
)
from cases.rules.validators import resident_id_check_char
from tests.dispute_cases import at, register_case
from tests.hardship_fixtures import minimum_living_standard
from tests.unit.rest_api.system.conftest import connected
from workflows.dispute.flow import DisputeFlow
from workflows.hardship.flow import HardshipFlow

pytestmark = pytest.mark.django_db

DISPUTES, HARDSHIP = "/api/v1/applications/disputes", "/api/v1/applications/hardship"
FIRST17 = "11010819900307002"
RESIDENT_ID = FIRST17 + resident_id_check_char(FIRST17)
HEAD_ID = "11010819780506001" + resident_id_check_char("11010819780506001")
CHILD_ID = "11010820090301002" + resident_id_check_char("11010820090301002")
PHONE = "13912345678"
PDF = b"%PDF-1.4\n% a labour contract, scanned\n%%EOF\n"


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def dispute_body(organisation="BJ-HD-ZGC", **changes) -> dict:
    body = {
        "organisation": organisation,
        "worker": {"name": "王小明", "resident_id": RESIDENT_ID, "phone": PHONE, "address": "北京市海淀区学院路1号"},
        "employer": {"name": "北京某餐饮有限公司", "uscc": "91350100M000100Y43"},
        "claims": [{"claim_type": "wage_arrears", "amount_claimed": "16,000", "description": "9月至10月工资"}],
        "facts": "公司拖欠2026年9月、10月工资共16000元，多次催要未果。", "employment_start": "2024-03-01",
        "electronic_service": True, "attachments": [{"name": "劳动合同.pdf", "content": b64(PDF)}],
    }
    body.update(changes)
    return body


def hardship_body(organisation="BJ-HD", **changes) -> dict:
    body = {
        "organisation": organisation, "address": "北京市海淀区学院路30号", "work_unit": "某物业公司",
        "reason": "孩子上高中，本人常年患病，只能打零工。",
        "head": {"name": "周建华", "resident_id": HEAD_ID, "phone": PHONE, "health": "chronic",
                 "employment": "under_employed"},
        "members": [{"name": "周小雨", "relation": "child", "resident_id": CHILD_ID, "employment": "not_of_working_age",
                     "schooling": "senior_secondary"}],
        "incomes": [{"kind": "wages", "amount": "24,000"}], "expenses": [{"kind": "medical", "amount": "6000"}],
        "authorisation": {"name": "授权书.pdf", "content": b64(b"%PDF-1.4\n% signed by the household\n%%EOF\n")},
    }
    body.update(changes)
    return body


@pytest.fixture
def monday():
    with freeze_time(at("2026-11-02")):
        yield


def test_a_dispute_application_lands_in_the_acceptance_queue(hd_app, orgs, monday, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = hd_app.post(DISPUTES, dispute_body(), format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    case = DisputeCase.objects.get(pk=answer["id"])
    assert (case.channel, case.status, case.organisation) == (Channel.ONLINE, DisputeStatus.REGISTERED, orgs["hd_street"])
    assert case.worker.phone == PHONE and case.received_on == date(2026, 11, 2)
    assert answer["number"] == case.number and answer["decision_due"] == "2026-11-05" and answer["warnings"] == []
    assert answer["progress"].endswith(f"/api/v1/applications/disputes/{case.pk}")
    task = case.process.task_set.get(flow_task=DisputeFlow.decide_acceptance)
    assert (task.status, task.owner_id) == (STATUS.NEW, None)
    assert Document.objects.filter(kind="online_application", subject_id=str(case.pk)).exists()
    kept = ApplicationAttachment.objects.get(case=case)
    assert (kept.original_name, kept.content_type) == ("劳动合同.pdf", "application/pdf") and kept.file.read() == PDF
    consent = ElectronicServiceConsent.objects.get(case=case)
    assert (consent.channel, consent.address) == ("sms", PHONE) and "海淀区工会App" in consent.note
    client = hd_app.system_client
    assert SubmittedApplication.objects.get(case=case).client == client
    assert AuditEvent.objects.filter(subject_id=str(case.pk), actor_label=f"system:client:{client.pk}").exists()


def test_the_intakes_errors_come_back_keyed_by_the_bodys_paths(hd_app, orgs, monday):
    wrong = RESIDENT_ID[:-1] + ("1" if RESIDENT_ID[-1] != "1" else "2")
    body = dispute_body(worker={"name": "王小明", "resident_id": wrong, "phone": PHONE},
                        claims=[{"claim_type": "wage_arrears", "amount_claimed": "十万"}])
    response = hd_app.post(DISPUTES, body, format="json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert "校验码不正确" in "".join(errors["worker.resident_id"]) and "claims.0.amount_claimed" in errors
    shape = hd_app.post(DISPUTES, dispute_body(worker={"name": "王小明", "resident_id": RESIDENT_ID, "phone": "010-1"},
                                               claims=[{"claim_type": "lottery"}], facts=""), format="json")
    assert shape.status_code == 422
    assert shape.json()["errors"] == {"worker.phone": ["手机号码应为以1开头的11位数字（可带+86前缀）。"],
                                      "claims.0.claim_type": ["“lottery”不是可选的值。"], "facts": ["此项不能为空。"]}
    fake = hd_app.post(DISPUTES, dispute_body(attachments=[{"name": "合同.pdf", "content": b64(b"MZ not a pdf")}]),
                       format="json")
    assert "的内容不是PDF、JPEG、PNG文件" in fake.json()["errors"]["attachments.0.content"][0]
    assert not DisputeCase.objects.exists() and not SubmittedApplication.objects.exists()


def test_warnings_are_said_and_must_be_acknowledged(hd_app, orgs, people, monday):
    register_case(orgs, people)  # 王秀英 against 北京某科技有限公司, registered by a mediator
    same = dispute_body(worker={"name": "王秀英", "resident_id": "11010519491231002X", "phone": PHONE},
                        employer={"name": "北京某科技有限公司"})
    refused = hd_app.post(DISPUTES, same, format="json")
    assert refused.status_code == 422 and refused.json()["type"] == "urn:unioncase:problem:warnings-unacknowledged"
    assert "您对同一用人单位已有调解申请正在办理" in refused.json()["errors"]["warnings"][0]
    assert DisputeCase.objects.count() == 1
    accepted = hd_app.post(DISPUTES, {**same, "acknowledge_warnings": True}, format="json")
    assert accepted.status_code == 201 and accepted.json()["warnings"] == refused.json()["errors"]["warnings"]
    assert DisputeCase.objects.filter(channel=Channel.ONLINE).count() == 1


def test_a_repeated_submission_with_its_key_registers_once(hd_app, orgs, monday):
    headers = {"HTTP_IDEMPOTENCY_KEY": "app-7f3c"}
    first = hd_app.post(DISPUTES, dispute_body(), format="json", **headers)
    again = hd_app.post(DISPUTES, dispute_body(), format="json", **headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and DisputeCase.objects.count() == 1
    other = hd_app.post(DISPUTES, dispute_body(facts="另一件事。"), format="json", **headers)
    assert other.status_code == 422 and other.json()["type"] == "urn:unioncase:problem:idempotency-key-reused"


def test_an_organisation_outside_the_clients_reach_or_not_mediating_is_refused(hd_app, orgs, monday):
    outside = hd_app.post(DISPUTES, dispute_body("BJ-CY-JSW"), format="json")
    assert outside.status_code == 403 and "不在本客户端的范围内" in outside.json()["detail"]
    federation = hd_app.post(DISPUTES, dispute_body("BJ-HD"), format="json")
    assert federation.status_code == 422 and "不受理调解申请" in federation.json()["errors"]["organisation"][0]
    unknown = hd_app.post(DISPUTES, dispute_body("XX"), format="json")
    assert unknown.status_code == 422 and "没有代码为“XX”的组织" in unknown.json()["errors"]["organisation"][0]
    assert not DisputeCase.objects.exists()


def test_the_app_reads_the_progress_of_its_own_applications_only(hd_app, orgs, people, monday):
    case_id = hd_app.post(DISPUTES, dispute_body(), format="json").json()["id"]
    progress = hd_app.get(f"{DISPUTES}/{case_id}")
    assert progress.status_code == 200
    body = progress.json()
    assert body["stage"] == "已收到申请，正在审查" and body["steps"][0] == {"label": "提交申请", "state": "current"}
    assert "2026年11月5日前决定是否受理" in body["next_step"] and body["next_date"] == "2026-11-05"
    assert body["electronic_service"] is True and body["status"]["code"] == "registered"
    # Another client of the same district did not send it; a case typed in by staff was sent by no client.
    other = connected(orgs["hd"], name="另一客户端")
    assert other.get(f"{DISPUTES}/{case_id}").status_code == 404
    staff_case = register_case(orgs, people)
    assert hd_app.get(f"{DISPUTES}/{staff_case.pk}").status_code == 404


def test_a_hardship_application_lands_in_the_hardship_intake(hd_app, orgs):
    with freeze_time(at("2026-11-02")):
        minimum_living_standard(year=2026)
        response = hd_app.post(HARDSHIP, hardship_body(), format="json")
        assert response.status_code == 201, response.content
        file = HardshipFile.objects.get(pk=response.json()["id"])
        assert (file.status, file.organisation, file.applied_on) == (HardshipStatus.IDENTIFIED, orgs["hd"],
                                                                     date(2026, 11, 2))
        assert file.household.head.phone == PHONE and file.household.region_code == "110108"
        task = file.process.task_set.get(flow_task=HardshipFlow.take_application)
        assert (task.status, task.owner_id) == (STATUS.NEW, None)
        assert HardshipAttachment.objects.get(file=file).kind == AttachmentKind.AUTHORISATION
        assert SubmittedApplication.objects.get(file=file).client == hd_app.system_client
        progress = hd_app.get(f"{HARDSHIP}/{file.pk}").json()
        assert progress["status"]["code"] == HardshipStatus.IDENTIFIED and progress["applied_on"] == "2026-11-02"
        assert progress["current_steps"] == [str(HardshipFlow.take_application.task_title)]
        again = hd_app.post(HARDSHIP, hardship_body(), format="json")
    assert again.status_code == 422 and "该家庭已有未结束的困难职工档案" in again.json()["detail"]


def test_a_repeated_hardship_submission_with_its_key_opens_one_file(hd_app, orgs):
    headers = {"HTTP_IDEMPOTENCY_KEY": "hardship-2b71"}
    with freeze_time(at("2026-11-02")):
        minimum_living_standard(year=2026)
        first = hd_app.post(HARDSHIP, hardship_body(), format="json", **headers)
        again = hd_app.post(HARDSHIP, hardship_body(), format="json", **headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and HardshipFile.objects.count() == 1


def test_a_hardship_applications_errors_and_reach(hd_app, cy_app, orgs):
    with freeze_time(at("2026-11-02")):
        minimum_living_standard(year=2026)
        bad = hd_app.post(HARDSHIP, hardship_body(region_code="110105",
                                                  authorisation={"name": "授权书.pdf", "content": "not base64!"}),
                          format="json")
        assert bad.status_code == 422 and bad.json()["errors"] == {"authorisation.content": ["文件内容应为 base64 编码。"]}
        region = hd_app.post(HARDSHIP, hardship_body(region_code="110105"), format="json")
        assert "缺少110105地区2026年的低保标准" in region.json()["errors"]["region_code"][0]
        assert hd_app.post(HARDSHIP, hardship_body("BJ-HD-ZGC"), format="json").status_code == 422
        assert cy_app.post(HARDSHIP, hardship_body("BJ-HD"), format="json").status_code == 403
    assert not HardshipFile.objects.filter(~Q(status=HardshipStatus.NOT_IDENTIFIED)).exists()


def test_the_organisations_the_app_may_name(hd_app, orgs):
    body = hd_app.get("/api/v1/applications/organisations").json()
    assert [row["code"] for row in body["disputes"]] == ["BJ-HD-ZGC", "BJ-HD-ZGC-01"]
    assert [row["code"] for row in body["hardship"]] == ["BJ-HD"]
