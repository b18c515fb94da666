"""Issue 20, "every value in words": what the timelines, the audit log, the history PDF and the
deadline messages still showed as codes — a JSON field as a Python dict, linked cases by their
through rows, a hardship file's `created`, an event name (`view_programme_application`), a
programme application by its database id, a breach's transition (`deem_failed`) — and the history
PDF's layout: each document hash whole in the monospace face, the document in Chinese whatever
language the pages are read in."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import AidProgramme, AuditAction, AuditEvent, Channel, Document, HardshipStatus
from cases.models.hardship.states import HOME_VISIT_CHECKLIST
from cases.platform.audit.history import CHANGES, timeline
from cases.platform.audit.journal import append_event
from cases.platform.deadlines import check_deadlines
from cases.platform.transitions import apply
from cases.tasks.documents import issue_document_task
from notifications.models import Notification
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case
from tests.hardship_fixtures import file_in_state, household_in_hardship
from tests.programme_fixtures import paid_application, programme_fund

pytestmark = pytest.mark.django_db

PYTHON_REPR = re.compile(r"[{\[]'|': ")


def register(orgs, people, **changes):
    return register_dispute(
        organisation=orgs["hd_street"], by=people["mediator"], channel=Channel.WALK_IN_WRITTEN,
        received_on=date.today(), facts="拖欠工资", worker=WorkerInput(name="赵六"),
        employer=EmployerInput(name="某公司"), claims=[ClaimInput(claim_type="wage_arrears", amount_claimed="1000")],
        acknowledge_warnings=True, **changes).case


def changes_of(subject) -> dict[str, tuple[str, str]]:
    return {change.field: (change.before, change.after) for entry in timeline(subject).entries
            for change in entry.changes}


def test_a_json_field_reads_as_its_items_never_as_a_python_dict(orgs, people):
    file = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.APPLIED)
    file.visit_checklist = {key: key != "neighbours_consulted" for key, _label in HOME_VISIT_CHECKLIST}
    file.save()

    before, after = changes_of(file)["入户调查核查项"]
    assert before == "—"
    # In the order the database gives the keys back (jsonb orders them its own way).
    assert sorted(after.split("；")) == sorted(
        f"{label}：{'否' if key == 'neighbours_consulted' else '是'}" for key, label in HOME_VISIT_CHECKLIST)
    assert not PYTHON_REPR.search(after)


def test_linked_cases_read_as_their_numbers(orgs, people):
    first = register(orgs, people)
    second = register(orgs, people)  # the same worker and employer: linked once acknowledged

    assert second.related_cases.get() == first
    before, after = changes_of(second)["关联案件"]
    assert before == "—" and after == f"{first.number} 赵六 诉 某公司"


def test_a_files_creation_is_in_words_on_every_timeline(orgs, people):
    file = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.APPLIED)
    append_event(action=AuditAction.TRANSITION, actor=people["caseworker"], subject=file, organisation=file.organisation,
                 name="created", to_state=file.status)

    [created] = [entry for entry in timeline(file).entries if entry.event and entry.event.name == "created"]
    assert created.title.startswith("建立档案（")


def test_the_log_names_a_programme_application_by_its_number_and_its_viewing_in_words(client, orgs, people):
    household = household_in_hardship(orgs["hd"])
    fund = programme_fund(orgs["hd"], AidProgramme.EMERGENCY, year=2026)
    application = paid_application(programme=AidProgramme.EMERGENCY, household=household, fund=fund,
                                   amount="2000.00", paid_on=date(2026, 3, 1), number="BJ-HD-LSJZ-2026-0001")
    append_event(action=AuditAction.SENSITIVE_VIEW, actor=people["reviewer"], subject=application,
                 organisation=application.organisation, name="view_programme_application")

    client.force_login(people["auditor"])
    html = client.get(reverse("workbench:audit_search")).content.decode()
    assert "查看敏感信息：帮扶项目申请" in html and "view_programme_application" not in html
    assert "帮扶项目申请 BJ-HD-LSJZ-2026-0001" in html and f"帮扶项目申请 #{application.pk}" not in html


def test_a_deemed_failure_is_told_by_its_label(orgs, people):
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people, date(2026, 11, 2))
        consent_recorded(case, people["mediator"])
        apply(case, "accept", by=people["mediator"])
        apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
    with freeze_time(at("2026-11-18", 0)):
        assert check_deadlines(today=date(2026, 11, 18)).breached == 1

    bodies = " ".join(Notification.objects.filter(kind="deadline_breached").values_list("body", flat=True))
    assert "系统已按规定执行：期满视为调解不成" in bodies and "deem_failed" not in bodies


def test_an_elapsed_period_reads_in_words(orgs, people):
    from cases.selectors import event_title

    case = register(orgs, people)
    event = append_event(action=AuditAction.DEADLINE, actor=people["lead"], subject=case, organisation=case.organisation,
                         name="elapsed", data={"clock": "dispute.arbitration_right", "due_on": "2026-11-16"})
    title = event_title(event, {}, {})
    assert title.endswith("期满（2026年11月16日）") and "elapsed" not in title


# -- the history PDF ---------------------------------------------------------------------------

@pytest.fixture
def case_with_a_document(orgs, people, django_capture_on_commit_callbacks):
    case = register(orgs, people)
    consent_recorded(case, people["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        apply(case, "accept", by=people["lead"])
        apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
        issue_document_task.delay(kind="acceptance_notice", variant="worker", subject_type="cases.disputecase",
                                  subject_id=case.pk, by=people["lead"].pk)
    return case


def history_pdf_text(client, case) -> str:
    url = reverse("workbench:audit_history_pdf", kwargs={"kind": "disputes", "pk": case.pk})
    pdf = PdfReader(BytesIO(client.get(url).content))
    return "\n".join(page.extract_text() for page in pdf.pages)


def test_each_document_hash_on_the_timeline_is_printed_whole(client, people, case_with_a_document):
    client.force_login(people["auditor"])
    text = history_pdf_text(client, case_with_a_document)

    documents = Document.objects.filter(subject_id=str(case_with_a_document.pk))
    assert documents.exists()
    printed = set(re.findall(r"\b[0-9a-f]{64}\b", text))  # a hash cut across two lines would not match
    assert {document.sha256 for document in documents} <= printed


def test_the_history_pdf_is_chinese_for_an_english_reader(client, people, case_with_a_document):
    client.force_login(people["auditor"])
    client.cookies["django_language"] = "en"
    assert "Audit log" in client.get(reverse("workbench:audit_search")).content.decode()  # the pages are English

    text = history_pdf_text(client, case_with_a_document).replace(" ", "")
    assert "字段变更" in text and "调解员：—→" in text and "核验方法：每个事件的哈希" in text
    for english in ("Fieldchanged", "Mediator", "System", "Eachevent"):
        assert english not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, name="export_history_pdf").exists()


def test_the_json_history_says_how_to_verify_in_the_readers_language(client, people, case_with_a_document):
    client.force_login(people["auditor"])
    url = reverse("workbench:audit_history_json", kwargs={"kind": "disputes", "pk": case_with_a_document.pk})
    how = client.get(url).json()["how_to_verify"]
    assert how.startswith("每个事件的哈希") and "HMAC-SHA256" in how and "AUDIT_HMAC_KEY" in how


def test_the_history_pdfs_hash_table_says_each_action_in_the_audit_logs_words(client, people, case_with_a_document):
    """The appendix's 操作 column printed the canonical payload's codes ("transition accept",
    "document_issued acceptance_notice"): it says what the audit log says, for an English reader
    too (the document is Chinese); the codes stay in the JSON export the hashes are checked on."""
    case = case_with_a_document
    events = AuditEvent.objects.filter(subject_id=str(case.pk)).exclude(action=AuditAction.EXPORT)
    assert {AuditAction.TRANSITION, AuditAction.DOCUMENT_ISSUED} <= set(events.values_list("action", flat=True))
    client.force_login(people["auditor"])
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        appendix = history_pdf_text(client, case).replace(" ", "").split("二、审计事件及哈希")[1].split("核验方法")[0]
        assert "状态变更：受理" in appendix and "状态变更：分配调解员" in appendix, language
        assert "生成文书：受理通知书" in appendix, language
        codes = {code for event in events for code in (event.action, event.name)}
        assert not [code for code in codes if code in appendix], language


def test_the_history_names_who_saved_a_record_by_their_name_not_their_login(orgs, people):
    mediator = people["mediator"]
    mediator.last_name, mediator.first_name = "张", "华"
    mediator.save()
    case = register(orgs, people)
    case.history.update(history_user=mediator)  # as the registration page records it (a request's user)

    saved_by = {entry.who for entry in timeline(case).entries if entry.kind == CHANGES}

    assert saved_by == {"张华"}
