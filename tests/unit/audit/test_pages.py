"""审计 (issue 7): the audit log search, chain verification, a case's complete timeline, revealing
a masked ID with a reason, and the history exports (PDF, and JSON whose hashes a third party
recomputes). Only auditors open these pages, and only for their own subtrees."""

import hashlib
import hmac
import json
import re
from io import BytesIO
from datetime import date

import pytest
from pypdf import PdfReader
from django.urls import reverse

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import AuditAction, AuditEvent, Channel
from cases.platform.audit.history import mask_text, timeline
from cases.platform.audit.journal import canonical_payload, compute_hash
from cases.platform.transitions import apply
from cases.rules.validators import resident_id_check_char
from cases.selectors import person_name
from cases.tasks.documents import issue_document_task
from tests.consent import consent_recorded

pytestmark = pytest.mark.django_db

FIRST17 = "11010819800101123"
RESIDENT_ID = FIRST17 + resident_id_check_char(FIRST17)
MASKED = RESIDENT_ID[:6] + "********" + RESIDENT_ID[-4:]


@pytest.fixture
def case(orgs, people):
    registered = register_dispute(
        organisation=orgs["hd_street"], by=people["mediator"], channel=Channel.WALK_IN_WRITTEN,
        received_on=date.today(), facts=f"劳动者（身份证号{RESIDENT_ID}）反映拖欠工资",
        worker=WorkerInput(name="赵六", resident_id=RESIDENT_ID), employer=EmployerInput(name="某公司"),
        claims=[ClaimInput(claim_type="wage_arrears", amount_claimed="1000")], acknowledge_warnings=True,
    )
    case = registered.case
    consent_recorded(case, people["lead"])
    apply(case, "accept", by=people["lead"])
    return case


def timeline_url(case, name="audit_timeline"):
    return reverse(f"workbench:{name}", kwargs={"kind": "disputes", "pk": case.pk})


def test_only_auditors_open_the_audit_pages(client, people, case):
    client.force_login(people["mediator"])
    assert client.get(reverse("workbench:audit_search")).status_code == 403
    assert client.get(timeline_url(case)).status_code == 403
    assert client.post(reverse("workbench:audit_verify")).status_code == 403
    client.force_login(people["auditor"])
    page = client.get(reverse("workbench:audit_search"))
    assert page.status_code == 200 and "审计日志" in page.content.decode()
    assert 'href="/audit/"' in client.get("/cases/search/").content.decode()  # the menu link


def test_an_auditor_outside_the_subtree_gets_404(client, orgs, make_user, case):
    from cases.models import Role

    client.force_login(make_user("cy_auditor", orgs["cy"], Role.AUDITOR))
    assert client.get(timeline_url(case)).status_code == 404


def test_the_timeline_shows_transitions_field_changes_and_masks_the_id(client, people, case):
    client.force_login(people["auditor"])
    html = client.get(timeline_url(case)).content.decode()
    assert "受理（已登记 → 已受理）" in html and "登记申请" in html and "字段变更" in html and "建立记录" in html
    assert MASKED in html and RESIDENT_ID not in html  # masked in the header and in the free text
    only_changes = client.get(timeline_url(case) + "?show=change").content.decode()
    assert "受理（已登记 → 已受理）" not in only_changes and "字段变更" in only_changes


def test_mask_text_hides_id_numbers_in_free_text():
    assert mask_text(f"身份证{RESIDENT_ID}。") == f"身份证{MASKED}。"


def test_revealing_the_id_needs_a_reason_and_is_journalled(client, people, case):
    client.force_login(people["auditor"])
    refused = client.post(timeline_url(case, "audit_reveal"), {"reason": " "})
    assert refused.status_code == 400 and "请填写查看完整身份证号的理由" in refused.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.SENSITIVE_VIEW).exists()

    shown = client.post(timeline_url(case, "audit_reveal"), {"reason": "核对仲裁移送材料"})
    assert shown.status_code == 200 and RESIDENT_ID in shown.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.SENSITIVE_VIEW)
    assert (event.actor, event.reason, event.name) == (people["auditor"], "核对仲裁移送材料", "reveal_resident_id")
    assert RESIDENT_ID not in json.dumps(event.data)
    later = client.get(timeline_url(case)).content.decode()
    assert "查看敏感信息：显示完整身份证号" in later and "核对仲裁移送材料" in later and RESIDENT_ID not in later


@pytest.fixture
def key_given_to_the_verifier(settings):
    """The chain is keyed (issue 17, point 5): whoever is to verify it is handed the deployment's key."""
    settings.AUDIT_HMAC_KEY = "audit-key-handed-to-the-court-expert-0123456789"
    return b"audit-key-handed-to-the-court-expert-0123456789"


def test_the_json_history_carries_hashes_a_third_party_can_recompute(client, people, key_given_to_the_verifier,
                                                                       case):
    client.force_login(people["auditor"])
    response = client.get(timeline_url(case, "audit_history_json"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('history.json"')
    payload = json.loads(response.content)
    assert payload["subject"]["number"] == case.number and len(payload["events"]) >= 2
    for event in payload["events"]:
        claimed = event.pop("hash")
        recomputed = hmac.new(key_given_to_the_verifier, json.dumps(event, sort_keys=True, ensure_ascii=False,
                                                                   separators=(",", ":")).encode(),
                              hashlib.sha256).hexdigest()
        assert recomputed == claimed
    stored = AuditEvent.objects.get(seq=payload["events"][0]["seq"])
    assert compute_hash(stored) == stored.hash and canonical_payload(stored)["seq"] == stored.seq
    assert "HMAC-SHA256" in payload["how_to_verify"] and "AUDIT_HMAC_KEY" in payload["how_to_verify"]
    export = AuditEvent.objects.get(action=AuditAction.EXPORT, name="export_history_json")
    assert export.actor == people["auditor"] and export.subject_id == str(case.pk)


def test_the_pdf_history_is_a_pdf_and_journalled(client, people, case):
    client.force_login(people["auditor"])
    response = client.get(timeline_url(case, "audit_history_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, name="export_history_pdf").exists()


def test_the_pdf_history_fits_a4_says_changes_in_words_and_prints_each_hash_whole(client, people, case):
    apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
    client.force_login(people["auditor"])
    pdf = PdfReader(BytesIO(client.get(timeline_url(case, "audit_history_pdf")).content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) == 1  # a short history, on one page
    assert all(round(float(page.mediabox.width)) == 595 for page in pdf.pages)  # A4 portrait
    printed_hashes = set(re.findall(r"\b[0-9a-f]{64}\b", text))  # a hash cut across lines would not match
    for event in AuditEvent.objects.filter(subject_id=str(case.pk)).exclude(action=AuditAction.EXPORT):
        assert event.hash in printed_hashes
    mediator = person_name(people["mediator"])
    assert f"调解员：—→{mediator}" in text.replace(" ", "")
    assert "registered" not in text  # no status code: the transition's entry says it in words


def test_the_log_search_filters_by_person_action_case_and_period(client, orgs, people, case):
    client.force_login(people["auditor"])
    url = reverse("workbench:audit_search")
    by_lead = client.get(url, {"person": "hd_lead"}).content.decode()
    assert "状态变更：受理" in by_lead and "登记申请" not in by_lead
    assert f">{case.number}</a>" in by_lead  # the case by its number, linked to its timeline
    by_case = client.get(url, {"case": case.number, "action": "transition"}).content.decode()
    assert "状态变更：受理" in by_case and "状态变更：登记申请" in by_case
    assert "没有符合条件的记录" in client.get(url, {"case": "不存在-1"}).content.decode()
    assert "没有符合条件的记录" in client.get(url, {"start": "2000-01-01", "end": "2000-01-02"}).content.decode()
    assert "没有符合条件的记录" in client.get(url, {"organisation": orgs["hd"].pk, "person": "cy_mediator"}).content.decode()
    bad = client.get(url, {"start": "2026-02-30"})
    assert bad.status_code == 400 and "请输入有效的日期" in bad.content.decode()


def test_the_sign_in_filters_show_the_audited_members_sign_ins(client, people):
    client.login(username="hd_mediator", password="wrong password")
    client.force_login(people["mediator"])  # the login signal journals it as a real sign-in does
    client.login(username="cy_mediator", password="wrong password")  # Chaoyang: not Haidian's auditor's
    client.force_login(people["cy_mediator"])
    client.force_login(people["auditor"])
    url = reverse("workbench:audit_search")
    sign_ins = client.get(url, {"action": "login"}).content.decode()
    assert "hd_mediator" in sign_ins and "cy_mediator" not in sign_ins
    failed = client.get(url, {"action": "login_failed"}).content.decode()
    assert failed.count("登录失败") >= 1 and "没有符合条件的记录" not in failed
    failed_events = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert {event.data["username"] for event in failed_events} == {"hd_mediator", "cy_mediator"}
    assert "cy_mediator" not in failed


def test_the_log_names_documents_and_other_events_in_words(client, people, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
        issue_document_task.delay(kind="acceptance_notice", variant="worker", subject_type="cases.disputecase",
                                  subject_id=case.pk, by=people["lead"].pk)
    client.force_login(people["auditor"])
    client.get(timeline_url(case, "audit_history_json"))
    html = client.get(reverse("workbench:audit_search")).content.decode()
    assert "生成文书：受理通知书" in html and "导出完整历史（JSON）" in html
    assert "acceptance_notice" not in html and "export_history_json" not in html


def test_verify_now_checks_the_chain_and_is_journalled(client, people, case):
    client.force_login(people["auditor"])
    event_count = AuditEvent.objects.count()
    response = client.post(reverse("workbench:audit_verify"), follow=True)
    html = response.content.decode()
    assert "校验完成" in html and f"审计链完整，已验证 {event_count} 条" in html
    event = AuditEvent.objects.get(action=AuditAction.VERIFY)
    assert event.actor == people["auditor"] and event.data["intact"] is True


def test_a_broken_chain_is_shown_as_broken(client, people, case):
    from django.db import connection

    client.force_login(people["auditor"])
    with connection.cursor() as cursor:  # what a tamperer with database access would do
        cursor.execute("UPDATE cases_auditevent SET reason = 'changed' WHERE seq = 1")
    html = client.post(reverse("workbench:audit_verify"), follow=True).content.decode()
    assert "审计链已损坏" in html


def test_the_timeline_lists_documents_and_messages(people, case):
    entries = timeline(case).entries
    kinds = {entry.kind for entry in entries}
    assert {"transition", "change"} <= kinds
    assert entries == sorted(entries, key=lambda entry: entry.at)


def test_a_hardship_file_has_the_same_timeline(client, orgs, people):
    from cases.models import HardshipStatus
    from tests.hardship_fixtures import file_in_state, household_in_hardship

    file = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.REVIEWED, prepared_by=people["caseworker"],
                         reviewed_by=people["caseworker"])
    apply(file, "start_publicity", by=people["caseworker"], data={"place": "街道公示栏"})
    client.force_login(people["auditor"])
    url = reverse("workbench:audit_timeline", kwargs={"kind": "hardship", "pk": file.pk})
    html = client.get(url).content.decode()
    assert "开始公示" in html
    head_id = file.household.head.resident_id
    assert head_id and head_id not in html and head_id[-4:] in html
    assert client.get(reverse("workbench:audit_timeline", kwargs={"kind": "nonsense", "pk": file.pk})).status_code == 403
