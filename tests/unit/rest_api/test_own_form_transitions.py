"""POST .../transitions/{name} for the transitions with a page of their own: a notice's service
and a party's consent to electronic service (the 送达 pages), an agent and the workers (the
当事人与代理人 page), and the correction of a hardship file's frozen figures (the household
editor): the same forms, checks and refusals as those pages, and the same call into the door."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from cases.models import (
    Agent,
    AuditEvent,
    CaseWorker,
    Document,
    ElectronicServiceConsent,
    HardshipStatus,
    HouseholdMember,
    ServiceRecord,
)
from cases.platform.transitions import apply
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case
from tests.hardship_fixtures import file_in_state, household_in_hardship
from tests.identifiers import resident_id
from tests.unit.rest_api.conftest import signed_in

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4\n% signed, scanned\n%%EOF\n"
POSTAL = {"party": "worker", "service_method": "postal", "served_on": "2026-11-05", "recipient": "王秀英",
          "postal_number": "1123456789012"}
CONSENT = {"party": "worker", "channel": "sms", "address": "13801234567", "consent_method": "written",
           "given_on": "2026-11-03", "given_by": "王秀英"}
AGENT = {"side": "worker", "name": "陈志远", "phone": "13912345678", "kind": "lawyer", "workplace": "某律师事务所",
         "authority": "special", "special_powers": "settle", "valid_from": "2026-11-02"}


def url(subject, name):
    kind = "hardship/files" if subject._meta.model_name == "hardshipfile" else "disputes"
    return f"/api/v1/{kind}/{subject.pk}/transitions/{name}"


def scan(content=SCAN, name="扫描件.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def offered(client, subject) -> set[str]:
    kind = "hardship/files" if subject._meta.model_name == "hardshipfile" else "disputes"
    response = client.get(f"/api/v1/{kind}/{subject.pk}")
    assert response.status_code == 200
    return {row["name"] for row in response.json()["transitions"] if row["way"] == "page"}


def journalled(body, name):
    event = AuditEvent.objects.get(seq=body["event"])
    assert event.name == name and body["transition"] == name and body["way"] == "page"
    return event


@pytest.fixture
def registered(orgs, people):
    """王秀英 against 北京某科技有限公司 at 中关村街道, received on Monday 2026-11-02."""
    with freeze_time(at("2026-11-02")):
        return register_case(orgs, people)


@pytest.fixture
def accepted(registered, people, django_capture_on_commit_callbacks):
    """Accepted on 2026-11-02, its acceptance notices made: one to the worker, one to the employer."""
    with freeze_time(at("2026-11-02")):
        consent_recorded(registered, people["mediator"])
        with django_capture_on_commit_callbacks(execute=True):
            apply(registered, "accept", by=people["mediator"])
    registered.refresh_from_db()
    return registered


def notice(case, party):
    return Document.objects.get(kind="acceptance_notice", variant=party, subject_id=str(case.pk))


# -- 登记送达 ----------------------------------------------------------------------------------------

def test_a_notices_service_is_recorded_with_the_signed_certificates_scan(accepted, people):
    client = signed_in(people["mediator"])
    assert {"record_service", "record_electronic_consent"} <= offered(client, accepted)
    with freeze_time(at("2026-11-05", 15)):
        response = client.post(url(accepted, "record_service"), {
            "document": notice(accepted, "worker").pk, "party": "worker", "service_method": "direct",
            "served_on": "2026-11-05", "recipient": "王秀英", "scan": scan(name="送达回证.pdf")}, format="multipart")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["from_state"]["code"] == body["state"]["code"] == "accepted"  # service changes no status
    assert journalled(body, "record_service").data["input"]["scan"]["file"] == "送达回证.pdf"
    record = ServiceRecord.objects.get()
    assert (record.document, record.party, record.method, record.served_on, record.recorded_by) == (
        notice(accepted, "worker"), "worker", "direct", date(2026, 11, 5), people["mediator"])
    assert record.scan.read() == SCAN


def test_service_is_refused_in_the_pages_words(accepted, people):
    client = signed_in(people["mediator"])
    document = notice(accepted, "worker").pk
    with freeze_time(at("2026-11-05", 15)):
        unsigned = client.post(url(accepted, "record_service"), {**POSTAL, "document": document,
                                                                  "service_method": "direct"}, format="multipart")
        elsewhere = client.post(url(accepted, "record_service"), {**POSTAL, "document": document, "party": "employer"},
                                format="json")
        assert client.post(url(accepted, "record_service"), {**POSTAL, "document": document},
                           format="json").status_code == 200
        uncorrected = client.post(url(accepted, "record_service"), {**POSTAL, "document": document}, format="json")
    assert unsigned.status_code == 422 and unsigned["Content-Type"] == "application/problem+json"
    assert unsigned.json()["errors"] == {"scan": ["直接送达须上传受送达人签名的送达回证扫描件（PDF、JPEG或PNG）。"]}
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"] == {"party": ["该文书不送达这一方当事人。"]}
    # A second record of the same service is a correction, as on the page: it needs its reason.
    assert uncorrected.status_code == 422
    assert uncorrected.json()["errors"] == {"reason": ["请写明更正理由：原送达记录哪里有误。"]}
    assert ServiceRecord.objects.count() == 1


def test_the_auditor_and_another_district_record_no_service(accepted, people):
    body = {**POSTAL, "document": notice(accepted, "worker").pk}
    auditor = signed_in(people["auditor"])
    assert offered(auditor, accepted) == set()
    refused = auditor.post(url(accepted, "record_service"), body, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有本组织的调解员或调解组长可以登记送达；审计员只能查阅。"
    hidden = signed_in(people["cy_mediator"]).post(url(accepted, "record_service"), body, format="json")
    assert hidden.status_code == 404 and not ServiceRecord.objects.exists()


def test_a_repeated_service_with_the_same_idempotency_key_is_recorded_once(accepted, people):
    client = signed_in(people["mediator"])
    body, headers = {**POSTAL, "document": notice(accepted, "worker").pk}, {"Idempotency-Key": "serve-worker-1"}
    with freeze_time(at("2026-11-05", 15)):
        first = client.post(url(accepted, "record_service"), body, format="json", headers=headers)
        again = client.post(url(accepted, "record_service"), body, format="json", headers=headers)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ServiceRecord.objects.count() == 1 and AuditEvent.objects.filter(name="record_service").count() == 1


# -- 登记电子送达同意 -----------------------------------------------------------------------------------

def test_a_consent_to_electronic_service_is_recorded(registered, people):
    client = signed_in(people["lead"])
    with freeze_time(at("2026-11-05", 15)):
        response = client.post(url(registered, "record_electronic_consent"), CONSENT, format="json")
    assert response.status_code == 200, response.json()
    journalled(response.json(), "record_electronic_consent")
    consent = ElectronicServiceConsent.objects.get()
    assert (consent.party, consent.channel, consent.address, consent.given_on, consent.recorded_by) == (
        "worker", "sms", "13801234567", date(2026, 11, 3), people["lead"])


def test_a_consent_without_its_party_or_date_is_refused_with_the_forms_messages(registered, people):
    client = signed_in(people["mediator"])
    with freeze_time(at("2026-11-05", 15)):
        no_party = client.post(url(registered, "record_electronic_consent"),
                               {key: value for key, value in CONSENT.items() if key != "party"}, format="json")
        no_date = client.post(url(registered, "record_electronic_consent"), {**CONSENT, "given_on": ""}, format="json")
    assert no_party.status_code == 422 and no_party.json()["errors"] == {"party": ["请选择当事人（劳动者或用人单位）。"]}
    assert no_date.status_code == 422 and no_date.json()["errors"] == {"given_on": ["请填写当事人同意电子送达的日期。"]}
    auditor = signed_in(people["auditor"]).post(url(registered, "record_electronic_consent"), CONSENT, format="json")
    assert auditor.status_code == 403
    assert auditor.json()["detail"] == "只有本组织的调解员或调解组长可以登记电子送达同意；审计员只能查阅。"
    assert not ElectronicServiceConsent.objects.exists()


# -- 当事人与代理人 --------------------------------------------------------------------------------------

def test_an_agent_is_recorded_with_the_power_of_attorney_and_then_revoked(registered, people):
    client = signed_in(people["mediator"])
    assert "revoke_agent" not in offered(client, registered)  # no agent yet: the page shows no such form
    with freeze_time(at("2026-11-03", 10)):
        recorded = client.post(url(registered, "record_agent"), {**AGENT, "scan": scan(name="授权委托书.pdf")},
                               format="multipart")
    assert recorded.status_code == 200, recorded.json()
    journalled(recorded.json(), "record_agent")
    agent = Agent.objects.get()
    assert (agent.name, agent.side, agent.authority, agent.special_powers) == ("陈志远", "worker", "special", ["settle"])
    assert {"record_agent", "revoke_agent", "record_workers"} <= offered(client, registered)
    # The case's answer names the agent by the number that revokes it.
    listed = client.get(f"/api/v1/disputes/{registered.pk}").json()["agents"]
    assert [(row["id"], row["name"], row["authority"]["code"], row["revoked_on"]) for row in listed] == [
        (agent.pk, "陈志远", "special", None)]

    with freeze_time(at("2026-11-04", 10)):
        revoked = client.post(url(registered, "revoke_agent"), {"agent": listed[0]["id"], "revoked_on": "2026-11-04",
                                                                 "reason": "当事人解除委托。"}, format="json")
    assert revoked.status_code == 200, revoked.json()
    assert journalled(revoked.json(), "revoke_agent").reason == "当事人解除委托。"
    agent.refresh_from_db()
    assert (agent.revoked_on, agent.revocation_reason) == (date(2026, 11, 4), "当事人解除委托。")


def test_an_agent_is_refused_as_the_page_refuses_it(registered, people):
    client = signed_in(people["mediator"])
    with freeze_time(at("2026-11-03", 10)):
        general = {key: value for key, value in AGENT.items() if key != "special_powers"}
        no_powers = client.post(url(registered, "record_agent"), {**general, "scan": scan()}, format="multipart")
        no_agent = client.post(url(registered, "revoke_agent"), {"agent": 1, "revoked_on": "2026-11-03",
                                                                  "reason": "解除。"}, format="json")
    assert no_powers.status_code == 422
    assert no_powers.json()["errors"] == {
        "special_powers": ["特别授权须勾选授权委托书列明的事项；未列明事项的，请选择“一般授权”。"]}
    assert no_agent.status_code == 422
    assert no_agent.json()["errors"] == {"agent": ["所选代理人不是本案现在的委托代理人，请重新选择。"]}
    auditor = signed_in(people["auditor"]).post(url(registered, "record_agent"), {**AGENT, "scan": scan()},
                                                format="multipart")
    assert auditor.status_code == 403
    assert auditor.json()["detail"] == "只有本组织的调解员或调解组长可以登记委托代理人和劳动者；审计员只能查阅。"
    other = signed_in(people["cy_mediator"]).post(url(registered, "record_agent"), {**AGENT, "scan": scan()},
                                                  format="multipart")
    assert other.status_code == 404 and not Agent.objects.exists()


def test_the_workers_and_their_representatives_are_recorded(registered, people):
    client = signed_in(people["mediator"])
    first = client.get(f"/api/v1/disputes/{registered.pk}").json()["workers"]
    assert [(row["id"], row["name"], row["representative"]) for row in first] == [
        (registered.worker_id, "王秀英", False)]
    with freeze_time(at("2026-11-03", 10)):
        unreadable = client.post(url(registered, "record_workers"), {"new_workers": "刘建国 工人"}, format="json")
        response = client.post(url(registered, "record_workers"), {
            "new_workers": f"刘建国 {resident_id(7, region='110108', born='19790715')} 13901234567",
            "representatives": [first[0]["id"]], "collective": False}, format="json")
    assert unreadable.status_code == 422
    assert unreadable.json()["errors"]["new_workers"][0].startswith("第1行的“工人”无法识别")
    assert response.status_code == 200, response.json()
    journalled(response.json(), "record_workers")
    rows = CaseWorker.objects.filter(case=registered).order_by("position")
    assert [(row.worker.name, row.is_representative) for row in rows] == [("王秀英", True), ("刘建国", False)]


def test_the_workers_are_not_recorded_once_the_case_has_ended(registered, people):
    with freeze_time(at("2026-11-03", 10)):
        apply(registered, "withdraw", by=people["mediator"], reason="申请人撤回申请。")
        client = signed_in(people["mediator"])
        assert "record_workers" not in offered(client, registered)
        response = client.post(url(registered, "record_workers"), {"new_workers": "", "collective": False},
                               format="json")
    assert response.status_code == 409 and response.json()["detail"] == "案件当前为“已撤回”，不能执行这项操作。"
    assert not CaseWorker.objects.exists()


# -- 更正认定数据，退回民主评议 ---------------------------------------------------------------------------

@pytest.fixture
def in_publicity(orgs, people):
    """A file of 王建国's household (3 people, 36,000 in 2025: 深度困难) in its publicity."""
    with freeze_time(at("2026-03-03", 9)):
        return file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.IN_PUBLICITY,
                             prepared_by=people["caseworker"], publicity_started_on=date(2026, 3, 3))


CORRECTION = {"incomes": [{"kind": "wages", "amount": "520,000"}], "correction_reason": "公示异议核实：配偶有工资收入未申报。"}


def test_a_correction_recomputes_and_sends_the_file_back_keeping_what_was_not_given(in_publicity, people):
    client = signed_in(people["caseworker"])
    members = set(in_publicity.household.members.values_list("pk", flat=True))
    with freeze_time(at("2026-03-05", 10)):
        assert "correct_assessment" in offered(client, in_publicity)
        response = client.post(url(in_publicity, "correct_assessment"), CORRECTION, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["from_state"]["code"], body["state"]["code"]) == (HardshipStatus.IN_PUBLICITY,
                                                                   HardshipStatus.CIVIL_CHECKED)
    event = journalled(body, "correct_assessment")
    assert event.reason == CORRECTION["correction_reason"]
    assert Decimal(event.data["input"]["after"]["years"]["2025"]["incomes"]) == Decimal("520000.00")
    in_publicity.refresh_from_db()
    assert (in_publicity.category, in_publicity.per_capita_monthly) == ("none", Decimal("14444.44"))
    # The members were not given: they stay as on file, each with its own row.
    assert set(HouseholdMember.objects.filter(household=in_publicity.household).values_list("pk", flat=True)) == members


def test_a_correction_is_refused_as_the_household_editor_refuses_it(in_publicity, people, orgs, make_user):
    client = signed_in(people["caseworker"])
    with freeze_time(at("2026-03-05", 10)):
        unexplained = client.post(url(in_publicity, "correct_assessment"), {**CORRECTION, "correction_reason": ""},
                                  format="json")
        unchanged = client.post(url(in_publicity, "correct_assessment"),
                                {"correction_reason": "核对。"}, format="json")
        unreadable = client.post(url(in_publicity, "correct_assessment"),
                                 {**CORRECTION, "incomes": [{"kind": "wages", "amount": "两万"}]}, format="json")
    assert unexplained.status_code == 422 and unexplained.json()["errors"] == {"non_field_errors": ["请填写更正理由。"]}
    assert unchanged.status_code == 422 and "不需要更正" in unchanged.json()["detail"]
    assert unreadable.status_code == 422 and "incomes-0-amount" in unreadable.json()["errors"]
    assert "不是有效的金额" in unreadable.json()["errors"]["incomes-0-amount"][0]
    reviewer = signed_in(people["reviewer"]).post(url(in_publicity, "correct_assessment"), CORRECTION, format="json")
    assert reviewer.status_code == 403
    assert reviewer.json()["detail"] == "只有本档案所属工会组织的帮扶工作人员可以维护家庭信息。"
    outsider = make_user("cy_caseworker", orgs["cy"], "hardship_caseworker")
    assert signed_in(outsider).post(url(in_publicity, "correct_assessment"), CORRECTION,
                                    format="json").status_code == 404
    in_publicity.refresh_from_db()
    assert in_publicity.status == HardshipStatus.IN_PUBLICITY
    assert not AuditEvent.objects.filter(name="correct_assessment").exists()


def test_an_open_file_has_nothing_frozen_to_correct(orgs, people):
    file = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.OPEN, prepared_by=people["caseworker"])
    client = signed_in(people["caseworker"])
    assert "correct_assessment" not in offered(client, file)
    response = client.post(url(file, "correct_assessment"), CORRECTION, format="json")
    assert response.status_code == 409 and response.json()["detail"] == "档案当前为“在档帮扶”，不能执行这项操作。"


def test_the_schema_describes_each_of_them_with_its_pages_fields(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    components = schema["components"]["schemas"]

    def body(path):
        operation = schema["paths"][path]["post"]
        content = operation["requestBody"]["content"]
        return list(content), components[next(iter(content.values()))["schema"]["$ref"].split("/")[-1]]

    media, service = body("/api/v1/disputes/{id}/transitions/record_service")
    assert media == ["multipart/form-data"]  # the signed certificate's scan
    assert {"document", "party", "service_method", "served_on", "recipient", "scan", "reason"} <= set(
        service["properties"])
    assert set(service["required"]) == {"document", "party", "service_method", "served_on", "recipient"}
    for name, fields in {"record_electronic_consent": {"party", "channel", "address", "given_on", "given_by"},
                         "record_agent": {"side", "name", "authority", "special_powers", "scan", "valid_from"},
                         "revoke_agent": {"agent", "revoked_on", "reason"},
                         "record_workers": {"new_workers", "representatives", "removed", "collective"}}.items():
        assert fields <= set(body(f"/api/v1/disputes/{{id}}/transitions/{name}")[1]["properties"]), name
    _media, correction = body("/api/v1/hardship/files/{id}/transitions/correct_assessment")
    assert correction["required"] == ["correction_reason"]
    assert correction["properties"]["incomes"]["type"] == "array"
    assert "members-0-name" in correction["description"]  # how its errors are keyed
