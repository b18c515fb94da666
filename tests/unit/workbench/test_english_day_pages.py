"""Issue 20, "English", the rest of a day's work: every role's pages read in English mix no Chinese
into English (the checker, its exceptions and the demo are those of test_english_pages.py).

Each role starts from its home page and follows the links its pages offer (menus, lists, a
case's or a file's pages, their action forms, the service pages of a case's notices), reading
every page reached; the demo's case is read again at each later stage of its life: a session
scheduled and recorded, the period extended, an agent recorded, an agreement made, signed and
effective, an instalment paid. Downloads (PDF, spreadsheets, calendars, scans) are not pages.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from cases.hardship.civil_affairs.links import link_civil_records
from cases.models import Document, LinkCandidate, Organisation, Signatory
from cases.platform.transitions import apply
from cases.rules.bounds import date_error
from cases.rules.calendar import day_label
from tests.dispute_cases import SHANGHAI, at, signed_original_uploaded
from tests.unit.hardship.test_civil_affairs_linking import civil, dispute_worker, valid_id
from tests.unit.workbench.test_english_pages import (
    language_restored,  # noqa: F401 (an autouse fixture: English is switched off after each test)
    mixed_lines,
    names_on_record,
    seeded_demo,
)

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)"')
# Not pages: files to download, the language switch, signing out, the admin and the API; nor the
# steps that change what they open (a notification marked read, a record revealed, a task undone).
NOT_PAGES = re.compile(
    r"^/(?:admin|api|static|media|i18n|public)/|/accounts/logout/|\.(?:pdf|xlsx|ics|json|csv)$"
    r"|/(?:documents|attachments|scan|certificate|reveal|undo|cancel|revive|unassign|chart)/"
    r"|^/notifications/\d+/|^/notifications/read-all/|^/calendar/|/lockouts/\d+/unlock/"
)
POA_PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def english(client, user):
    """`user` signed in (with the demo authenticator's second factor, when they have one) and
    English chosen."""
    client.force_login(user)
    if device := TOTPDevice.objects.filter(user=user, confirmed=True).first():
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def crawl(client, user, starts, limit=150) -> dict[str, str]:
    """The pages `user` reaches from `starts` by following links (paths only, each read once)."""
    english(client, user)
    pages, queue, seen = {}, list(starts), set(starts)
    while queue and len(pages) < limit:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        assert response.headers["Content-Language"] == "en", path
        html = response.content.decode()
        pages[path] = html
        for link in HREF.findall(html):
            link = urlsplit(link.replace("&amp;", "&")).path
            if link not in seen and not NOT_PAGES.search(link):
                seen.add(link)
                queue.append(link)
    return pages


def mixes(pages: dict[str, str]) -> str:
    names = names_on_record()
    found = {path: lines for path, html in pages.items() if (lines := mixed_lines(html, names))}
    return "\n".join(f"{path}: {line}" for path, lines in found.items() for line in lines)


def carry_on(case, users, capture, read=lambda moment: None):
    """The demo's case carried on: an agent for the worker and a session for 11-06 (recorded on
    11-03), the worker's acceptance notice served and the employer's consent to e-mail service
    (11-05), the session's minutes, the period extended and an agreement in two instalments
    drafted (11-09), signed and effective (11-10), the first instalment paid (11-12);
    `read(moment)` after each stage."""
    mediator, lead = users["mediator"], users["lead"]
    with capture(execute=True):
        with freeze_time(at("2026-11-03")):
            apply(case, "record_agent", by=mediator, data={
                "side": "worker", "agent_name": "陈志远", "phone": "13912345678", "kind": "lawyer",
                "workplace": "北京市海淀区某律师事务所", "authority": "special",
                "special_powers": ["admit", "waive", "change", "settle"], "valid_from": date(2026, 11, 2),
                "scan": ContentFile(POA_PDF, name="授权委托书.pdf")})
            apply(case, "schedule_session", by=mediator, data={
                "starts_at": datetime.combine(date(2026, 11, 6), time(14, 30), tzinfo=SHANGHAI),
                "place": "街道调解室"})
        read(at("2026-11-04"))
        with freeze_time(at("2026-11-05", 15)):
            notice = Document.objects.get(kind="acceptance_notice", variant="worker", subject_id=str(case.pk))
            apply(case, "record_service", by=mediator, data={
                "document": notice, "party": "worker", "service_method": "direct", "served_on": date(2026, 11, 5),
                "recipient": "王秀英", "scan": ContentFile(POA_PDF, name="送达回证.pdf")})
            apply(case, "record_electronic_consent", by=mediator, data={
                "party": "employer", "channel": "email", "address": "hr@example.com", "consent_method": "written",
                "given_on": date(2026, 11, 5), "given_by": "孙丽（人事经理）"})
        session = case.sessions.get()
        with freeze_time(at("2026-11-06", 17)):
            apply(case, "record_session", by=mediator, data={
                "session": session, "attendees": "申请人王秀英；调解员李调解。", "statements": "单位同意分期支付。",
                "rights_explained": True, "recusal_answer": "双方均不申请回避。", "note_taker": "王组长",
                "outcome": "达成协议"})
        read(at("2026-11-06", 18))
        with freeze_time(at("2026-11-09")):
            apply(case, "extend_mediation", by=lead, reason="双方同意继续协商", data={
                "days": 10, "worker_consented_on": date(2026, 11, 9), "employer_consented_on": date(2026, 11, 9),
                "worker_consent_method": "written", "worker_consent_by": "王秀英",
                "employer_consent_method": "phone", "employer_consent_by": "北京某科技有限公司"})
            apply(case, "draft_agreement", by=mediator, data={
                "terms": "单位分两期支付工资。", "awards": {case.claims.get().pk: Decimal("24000.00")},
                "instalments": [(date(2026, 11, 12), Decimal("20000.00")), (date(2026, 12, 12), Decimal("4000.00"))]})
        read(at("2026-11-09", 11))
        with freeze_time(at("2026-11-10")):
            for signatory in Signatory.values:
                apply(case, "record_signature", by=mediator, data={"signatory": signatory})
            signed_original_uploaded(case, mediator)
            apply(case, "make_agreement_effective", by=mediator)
        read(at("2026-11-10", 11))
        with freeze_time(at("2026-11-12")):
            apply(case, "record_payment", by=mediator, data={
                "instalment": case.agreement.instalments.get(number=1), "amount": Decimal("20000.00"),
                "paid_on": date(2026, 11, 12), "receipt_number": "SK-001"})
        read(at("2026-11-13", 10))


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    """test_english_pages.py's demo: the seeded accounts and a case assigned on 2026-11-02."""
    return seeded_demo(django_capture_on_commit_callbacks)


@pytest.fixture
def case_lived(demo, django_capture_on_commit_callbacks):
    carry_on(demo["case"], demo["users"], django_capture_on_commit_callbacks)
    return demo


def test_a_mediators_day_in_english_mixes_no_chinese_into_english(client, demo):
    users = demo["users"]
    with freeze_time(at("2026-11-13", 10)):
        pages = crawl(client, users["mediator"], ["/", "/dispute/", "/dispute/inbox/", "/dispute/queue/",
                                                  "/dispute/schedule/", "/cases/search/?q=王秀英"])
        pages |= crawl(client, users["lead"], ["/", "/dispute/", "/dispute/queue/", "/dispute/flows/"])
    assert f"/cases/{demo['case'].pk}/" in pages
    text = mixes(pages)
    assert not text, "\n" + text


def test_a_case_at_each_stage_in_english_mixes_no_chinese_into_english(
        client, demo, django_capture_on_commit_callbacks):
    case, users = demo["case"], demo["users"]
    found, read = [], []

    def crawl_case(moment):
        with freeze_time(moment):
            pages = crawl(client, users["mediator"], [f"/cases/{case.pk}/", "/dispute/schedule/", "/"])
        read.append(moment)
        assert any("/service/" in path for path in pages)
        if text := mixes(pages):
            found.append(f"-- {moment:%m-%d %H:%M}\n{text}")

    carry_on(case, users, django_capture_on_commit_callbacks, crawl_case)
    case.refresh_from_db()
    assert len(read) == 5 and case.status == "performing"
    assert not found, "\n" + "\n".join(found)


def test_the_hardship_pages_in_english_mix_no_chinese_into_english(client, demo):
    users = demo["users"]
    haidian = Organisation.objects.get(code="BJ-HD")
    wang = valid_id("11010819850505003")
    dispute_worker(Organisation.objects.get(code="BJ-HD-ZGC"), "王伟", wang, date(1985, 5, 5))
    civil(haidian, "王玮", birth=date(1985, 5, 5), size=2, amount="700.50")
    with freeze_time(at("2026-11-13", 10)):
        link_civil_records(organisation=haidian)
        assert LinkCandidate.objects.exists()
        pages = crawl(client, users["caseworker"], [
            "/", "/hardship/", "/hardship/inbox/", "/hardship/queue/", "/hardship/candidates/",
            "/hardship/programmes/", "/hardship/files/", "/hardship/funds/"], limit=250)
        pages |= crawl(client, users["reviewer"], ["/", "/hardship/", "/hardship/programmes/"])
    assert any(path.startswith("/hardship/candidates/") and path[-2].isdigit() for path in pages)
    assert any(re.match(r"^/hardship/programmes/\d+/$", path) for path in pages)
    text = mixes(pages)
    assert not text, "\n" + text


def test_the_reports_audit_and_administration_pages_in_english_mix_no_chinese_into_english(client, case_lived):
    users = case_lived["users"]
    with freeze_time(at("2026-11-13", 10)):
        pages = crawl(client, users["lead"], ["/reports/"])
        pages |= crawl(client, users["auditor"], [
            "/", "/reports/", "/audit/", f"/audit/disputes/{case_lived['case'].pk}/", "/cases/search/?q=王秀英"])
        pages |= crawl(client, users["orgadmin"], [
            "/", "/orgadmin/", "/orgadmin/people/", "/orgadmin/organisations/", "/orgadmin/funds/",
            "/orgadmin/standards/", "/orgadmin/holidays/", "/orgadmin/people/new/", "/orgadmin/organisations/new/"])
    text = mixes(pages)
    assert not text, "\n" + text


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "入职日期（1年1月1日）早于1950年1月1日，请核对年份。"),
                                                 ("en", "Jan. 1, 1")])
def test_a_date_out_of_bounds_is_written_in_the_readers_language_year_1_unpadded(language, shown):
    with translation.override(language):
        assert day_label(date(1, 1, 1)) in ("1年1月1日", "Jan. 1, 1")
        error = date_error(date(1, 1, 1), label=_("入职日期"), name="employment_start")
    assert shown in error and "0001" not in error


def test_the_flow_task_pages_in_english_mix_no_chinese_into_english(client, demo, django_capture_on_commit_callbacks):
    """A dispute opened through its flow and read at each human task: the acceptance review
    claimed by the mediator (the employer's consent recorded), the assignment waiting for the
    lead, the mediation (a session scheduled) and the signing of a drafted agreement."""
    from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
    from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute, take_action

    users = demo["users"]
    mediator, lead = users["mediator"], users["lead"]
    centre = Organisation.objects.get(code="BJ-HD-ZGC")
    capture = django_capture_on_commit_callbacks
    pages = {}

    def task(case, name):
        return case.process.task_set.get(flow_task=getattr(DisputeFlow, name), finished__isnull=True)

    def read(case, *people):
        with freeze_time(at("2026-11-13", 10)):
            for user in people:
                pages.update(crawl(client, user, ["/dispute/inbox/", "/dispute/queue/", f"/cases/{case.pk}/"], limit=40))

    with freeze_time(at("2026-11-12")), capture(execute=True):
        case = open_dispute(
            acknowledge_warnings=True, organisation=centre, by=mediator, channel="walk_in_written",
            received_on=date(2026, 11, 12), received_at=at("2026-11-12", 9), facts="拖欠加班费。",
            worker=WorkerInput(name="刘建国"), employer=EmployerInput(name="北京某物流有限公司"),
            claims=[ClaimInput("wage_arrears", Decimal("8000.00"), description="2026年10月加班费")]).case
        decide = task(case, "decide_acceptance")
        claim_task(decide, mediator)
        take_action(decide, by=mediator, action="record_consent", data={
            "decision": "consented", "consent_method": "written", "decided_on": date(2026, 11, 12),
            "given_by": "法定代表人"})
    read(case, mediator)
    with freeze_time(at("2026-11-12", 11)), capture(execute=True):
        complete_task(decide, by=mediator, transition="accept")
    read(case, lead)
    with freeze_time(at("2026-11-12", 12)), capture(execute=True):
        assign = task(case, "assign_mediator")
        claim_task(assign, lead)
        complete_task(assign, by=lead, transition="assign", data={"mediator": mediator})
        mediate = task(case, "mediate")
        take_action(mediate, by=mediator, action="schedule_session", data={
            "starts_at": at("2026-11-16", 14), "place": "街道调解室"})
    read(case, mediator)
    with freeze_time(at("2026-11-16", 17)), capture(execute=True):
        complete_task(mediate, by=mediator, transition="draft_agreement", data={
            "terms": "单位一次性支付加班费。", "awards": {case.claims.get().pk: Decimal("8000.00")},
            "instalments": [(date(2026, 11, 30), Decimal("8000.00"))]})
    read(case, mediator)

    task_pages = {path.split("/")[3] for path in pages if path.startswith(f"/dispute/{case.process.pk}/")}
    assert {"decide_acceptance", "assign_mediator", "mediate", "sign_agreement"} <= task_pages, sorted(pages)
    text = mixes(pages)
    assert not text, "\n" + text


def test_the_workers_public_pages_in_english_mix_no_chinese_into_english(client, demo):
    """What a worker reads before signing in to anything: the public site's forms and lookups."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/public/"})
    pages = {}
    with freeze_time(at("2026-11-13", 10)):
        for path in ("/public/", "/public/apply/", "/public/progress/", "/public/hardship/",
                     "/public/hardship/progress/"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["Content-Language"] == "en", path
            pages[path] = response.content.decode()
    text = mixes(pages)
    assert not text, "\n" + text
