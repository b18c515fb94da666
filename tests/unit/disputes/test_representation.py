"""Issue 16, point 12: representation. Either party may act through an agent (委托代理人) under a
power of attorney kept as scanned; only special authority that lists reaching and signing the
agreement lets the agent sign it for the party. The employer may be the applicant: the
documents then call it 申请人 and acceptance needs the worker's consent. Ten or more workers
with a common claim are one collective case (Art.7) that is accepted once they have elected a
representative, and counts in the statistics as one case with all its workers beside it."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import (
    Agent,
    AuditAction,
    AuditEvent,
    CaseWorker,
    DisputeCase,
    DisputeStatus,
    Document,
    ImmutableError,
    MediationConsent,
    Worker,
)
from cases.platform.transitions import TransitionRefused, apply
from cases.rules.claims import ClaimType
from cases.statistics.disputes import dispute_figures
from cases.statistics.period import Period
from tests.consent import consent_recorded
from tests.dispute_cases import at, signed_scan
from tests.identifiers import resident_id, uscc
from workflows.dispute.forms import DecideAcceptanceForm
from workflows.reports.content import build_report
from workflows.reports.exports import report_workbook

pytestmark = pytest.mark.django_db

RECEIVED = date(2026, 11, 2)
H2 = Period(date(2026, 7, 1), date(2026, 12, 31))
# A power of attorney as a scanner saves it: a (tiny) PDF, told by its first bytes.
POA_PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
ALL_POWERS = ["admit", "waive", "change", "settle"]
# Eleven colleagues of 王秀英 (the first-named worker): 刘建国 is elected with her.
COLLEAGUES = ["刘建国", "陈静", "赵磊", "孙红梅", "周强", "吴婷", "郑伟", "马丽", "何军", "高燕", "林峰"]


def text_of(document: Document) -> str:
    """The document's text without white space and page numbers (— 2 —)."""
    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return "".join(re.sub(r"—[0-9]+—", "", re.sub(r"\s+", "", page.extract_text())) for page in pages)


def registered(orgs, people, *, applicant_side="worker") -> DisputeCase:
    """王秀英 and 北京某科技有限公司 at 中关村街道, received 2026-11-02 (no flow: the door alone)."""
    with freeze_time(at(RECEIVED, 9)):
        return register_dispute(
            acknowledge_warnings=True, organisation=orgs["hd_street"], by=people["mediator"],
            channel="walk_in_written", received_on=RECEIVED, received_at=at(RECEIVED, 9), facts="拖欠工资三个月。",
            worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
            employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43", legal_representative="赵立新"),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("30000.00"))], applicant_side=applicant_side,
        ).case


def agent_recorded(case, by, *, name="陈志远", side="worker", authority="special", powers=ALL_POWERS,
                   scan=POA_PDF, filename="授权委托书.pdf"):
    return apply(case, "record_agent", by=by, data={
        "side": side, "agent_name": name, "phone": "13912345678", "kind": "lawyer", "workplace": "北京市海淀区某律师事务所",
        "authority": authority, "special_powers": list(powers), "valid_from": RECEIVED,
        "scan": ContentFile(scan, name=filename),
    })


def colleagues(count: int, *, elected=("刘建国",)) -> list[dict]:
    return [{"name": name, "resident_id": resident_id(n, region="110108", born="19850101"), "phone": "",
             "representative": name in elected} for n, name in enumerate(COLLEAGUES[:count], start=1)]


def workers_recorded(case, by, *, count=11, elected=("刘建国",), first_elected=True, collective=True):
    return apply(case, "record_workers", by=by, data={
        "workers": colleagues(count, elected=elected), "removed": [],
        "representatives": [case.worker_id] if first_elected else [], "collective": collective})


def accepted(case, people, capture):
    with freeze_time(at(RECEIVED, 15)), capture(execute=True):
        consent_recorded(case, people["mediator"])
        outcome = apply(case, "accept", by=people["mediator"])
    case.refresh_from_db()
    return outcome


def drafted(case, people, capture):
    with freeze_time(at(RECEIVED, 16)), capture(execute=True):
        apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
    with freeze_time(at("2026-11-05")), capture(execute=True):
        apply(case, "draft_agreement", by=people["mediator"], data={
            "terms": "被申请人于2026年11月30日前支付申请人拖欠工资。", "awards": {case.claims.get().pk: Decimal("30000.00")},
            "instalments": [(date(2026, 11, 30), Decimal("30000.00"))]})


def issued(event, kind) -> dict[str, Document]:
    return {document.variant: document for document in Document.objects.filter(transition_event=event, kind=kind)}


# -- agents ----------------------------------------------------------------------------------------

def test_point_12_an_agent_with_special_authority_signs_for_the_worker_and_the_agreement_says_so(
        orgs, people, client, django_capture_on_commit_callbacks):
    case = registered(orgs, people)
    with freeze_time(at(RECEIVED, 10)):
        recorded = agent_recorded(case, people["mediator"])
    agent = Agent.objects.get(case=case)
    assert (agent.side, agent.authority, agent.may_settle, agent.recorded_by) == (
        "worker", "special", True, people["mediator"])
    assert agent.scan_sha256 == "be89739a36bce5510968c3f2ea19864c68c5015ed11f58dfd35c3e018d5a0bf5"  # sha256sum
    with agent.scan.open("rb") as handle:
        assert handle.read() == POA_PDF  # kept as it came, under its fingerprint
    assert agent.scan.name.endswith(f"{agent.scan_sha256}.pdf")
    event = AuditEvent.objects.get(pk=recorded.event.pk)
    assert (event.name, event.from_state, event.to_state) == ("record_agent", "registered", "registered")
    assert event.data["input"]["scan"] == {"file": "授权委托书.pdf", "size": len(POA_PDF)}
    assert event.data["created"]["pk"] == agent.pk

    # The acceptance notices name the worker's agent in the particulars.
    outcome = accepted(case, people, django_capture_on_commit_callbacks)
    for variant, document in issued(outcome.event, "acceptance_notice").items():
        assert "申请人：王秀英，女。委托代理人：陈志远（特别授权），律师，北京市海淀区某律师事务所。" in text_of(document), variant

    drafted(case, people, django_capture_on_commit_callbacks)
    # The agent signs for the worker through the case page's action.
    client.force_login(people["mediator"])
    with freeze_time(at("2026-11-06")), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cases/{case.pk}/actions/record_signature/", {
            "record_signature-signatory": "worker", "record_signature-signed_by_agent": str(agent.pk)})
        assert response.status_code == 302
        for signatory in ("employer", "mediator", "seal"):
            apply(case, "record_signature", by=people["mediator"], data={"signatory": signatory})
        apply(case, "upload_signed_original", by=people["mediator"], data={"scan": signed_scan()})
        effect = apply(case, "make_agreement_effective", by=people["mediator"])
    case.refresh_from_db()
    assert case.agreement.worker_signed_by_agent == agent and case.agreement.employer_signed_by_agent is None

    text = text_of(issued(effect.event, "mediation_agreement")[""])
    assert "申请人委托代理人陈志远（特别授权），律师，北京市海淀区某律师事务所" in text
    assert "申请人（签名）王秀英（委托代理人陈志远代签）2026年11月6日" in text
    assert "被申请人（签名或盖章）北京某科技有限公司2026年11月6日" in text  # the employer signed itself

    # The record is kept: only its revocation may be written, once.
    agent.name = "陈志"
    with pytest.raises(ImmutableError):
        agent.save()
    with pytest.raises(ImmutableError):
        Agent.objects.get(pk=agent.pk).delete()


def test_point_12_an_agent_with_general_authority_cannot_sign_the_agreement(
        orgs, people, client, django_capture_on_commit_callbacks):
    case = registered(orgs, people)
    with freeze_time(at(RECEIVED, 10)):
        agent_recorded(case, people["mediator"], name="王小明", authority="general", powers=[])
        agent_recorded(case, people["mediator"], name="李红", powers=["admit", "waive"])  # special, no settling
        agent_recorded(case, people["mediator"], name="孙丽", side="employer")
    general, no_settling, employers = (Agent.objects.get(name=name) for name in ("王小明", "李红", "孙丽"))
    accepted(case, people, django_capture_on_commit_callbacks)
    drafted(case, people, django_capture_on_commit_callbacks)

    with freeze_time(at("2026-11-06")):
        with pytest.raises(ValidationError) as refused:
            apply(case, "record_signature", by=people["mediator"],
                  data={"signatory": "worker", "signed_by_agent": general})
        assert refused.value.message_dict["signed_by_agent"] == [
            "委托代理人王小明为一般授权，不能代当事人签署调解协议：代为达成调解协议、签署调解协议书须有当事人的特别授权，"
            "并在授权委托书中列明（参照《民事诉讼法》第六十二条：授权委托书必须记明委托事项和权限；代为承认、放弃、变更请求，"
            "进行和解，必须有委托人的特别授权）。请由当事人本人签名，或登记载明该事项的特别授权。"]
        with pytest.raises(ValidationError) as unlisted:
            apply(case, "record_signature", by=people["mediator"],
                  data={"signatory": "worker", "signed_by_agent": no_settling})
        assert "李红的特别授权未列明“代为达成调解协议并签署调解协议书”" in unlisted.value.message_dict["signed_by_agent"][0]
        with pytest.raises(ValidationError) as other_side:
            apply(case, "record_signature", by=people["mediator"],
                  data={"signatory": "worker", "signed_by_agent": employers})
        assert other_side.value.message_dict["signed_by_agent"] == ["孙丽是用人单位一方的委托代理人，不能代劳动者一方签名。"]

        # The case page's form says the same under the field and records nothing.
        client.force_login(people["mediator"])
        page = client.post(f"/cases/{case.pk}/actions/record_signature/", {
            "record_signature-signatory": "worker", "record_signature-signed_by_agent": str(general.pk)})
        assert page.status_code == 200 and "委托代理人王小明为一般授权，不能代当事人签署调解协议" in page.content.decode()
    case.agreement.refresh_from_db()
    assert case.agreement.worker_signed_at is None and case.agreement.worker_signed_by_agent is None

    # Revoked, the special agent of the employer may not sign either.
    with freeze_time(at("2026-11-06")):
        apply(case, "revoke_agent", by=people["mediator"], reason="用人单位解除委托",
              data={"agent": employers, "revoked_on": date(2026, 11, 6)})
        with pytest.raises(ValidationError, match="孙丽的委托已于2026年11月6日解除"):
            apply(case, "record_signature", by=people["mediator"],
                  data={"signatory": "employer", "signed_by_agent": Agent.objects.get(pk=employers.pk)})


def test_point_12_a_power_of_attorney_that_is_no_pdf_jpeg_or_png_is_refused(orgs, people, client):
    case = registered(orgs, people)
    with freeze_time(at(RECEIVED, 10)):
        with pytest.raises(ValidationError) as refused:
            agent_recorded(case, people["mediator"], scan=b"GIF89a\x01\x00\x01\x00", filename="授权委托书.pdf")
    assert refused.value.message_dict["scan"] == [
        "文件“授权委托书.pdf”的内容不是PDF、JPEG、PNG文件：请上传PDF、JPEG、PNG格式的文件（文件名后缀不能代替格式）。"]
    assert not Agent.objects.exists()

    # The page refuses it inline, keeps what was typed, and records nothing.
    client.force_login(people["mediator"])
    with freeze_time(at(RECEIVED, 11)):
        page = client.post(f"/cases/{case.pk}/parties/", {
            "form": "agent", "agent-side": "worker", "agent-name": "陈志远", "agent-phone": "13912345678",
            "agent-kind": "lawyer", "agent-authority": "special", "agent-special_powers": ["settle"],
            "agent-valid_from": "2026-11-02",
            "agent-scan": SimpleUploadedFile("授权委托书.exe", b"MZ\x90\x00", content_type="application/pdf")})
    content = page.content.decode()
    assert page.status_code == 200 and "是可执行文件或网页（.exe），不能上传" in content
    assert 'value="陈志远"' in content
    assert not Agent.objects.exists()

    # A special authority with no power listed is refused too, naming what to do.
    with freeze_time(at(RECEIVED, 10)), pytest.raises(ValidationError) as unlisted:
        agent_recorded(case, people["mediator"], powers=[])
    assert "特别授权须逐项列明授权事项" in unlisted.value.message_dict["special_powers"][0]


# -- the employer as applicant -----------------------------------------------------------------

def test_point_12_the_employer_applies_the_notices_call_it_applicant_and_the_worker_must_consent(
        orgs, people, django_capture_on_commit_callbacks):
    case = registered(orgs, people, applicant_side="employer")
    assert case.applicant_side == "employer" and str(case).endswith("北京某科技有限公司 诉 王秀英")

    with freeze_time(at(RECEIVED, 15)), pytest.raises(TransitionRefused) as refused:
        apply(case, "accept", by=people["mediator"])
    assert refused.value.messages[0] == (
        "不满足执行条件：尚未登记对方当事人（劳动者）同意调解：双方当事人同意调解的，方予受理（《企业劳动争议协商调解规定》第二十条）。")
    form = DecideAcceptanceForm(data={"decision": "accept"}, case=case, user=people["mediator"])
    assert not form.is_valid() and "尚未登记对方当事人（劳动者）同意调解" in form.errors["decision"][0]

    with freeze_time(at(RECEIVED, 15)), django_capture_on_commit_callbacks(execute=True):
        apply(case, "record_consent", by=people["mediator"], data={
            "decision": "consented", "consent_method": "written", "decided_on": RECEIVED, "given_by": "王秀英"})
        outcome = apply(case, "accept", by=people["mediator"])
    assert MediationConsent.objects.get(case=case).party == "worker"

    notices = issued(outcome.event, "acceptance_notice")
    employer, worker = text_of(notices["employer"]), text_of(notices["worker"])
    for text in (employer, worker):
        assert "一、当事人申请人：北京某科技有限公司，法定代表人赵立新。被申请人：王秀英，女。" in text
    assert "北京某科技有限公司：你单位与王秀英之间的劳动争议调解申请" in employer and "表示同意调解" not in employer
    assert "王秀英：北京某科技有限公司与你之间的劳动争议调解申请，本中心于2026年11月2日收到。你已于2026年11月2日以书面形式表示同意调解。" \
        in worker


def test_point_12_a_refused_employer_application_is_answered_to_the_employer(
        orgs, people, django_capture_on_commit_callbacks):
    case = registered(orgs, people, applicant_side="employer")
    with freeze_time(at(RECEIVED, 15)), django_capture_on_commit_callbacks(execute=True):
        apply(case, "record_consent", by=people["mediator"], data={
            "decision": "refused", "consent_method": "phone", "decided_on": RECEIVED, "given_by": "王秀英"})
        outcome = apply(case, "reject", by=people["mediator"], reason="劳动者于2026年11月2日电话表示不同意调解",
                        data={"rejection_ground": "other_party_refuses"})
    notice, = issued(outcome.event, "non_acceptance_notice").values()
    assert notice.variant == "employer"
    text = text_of(notice)
    assert "北京某科技有限公司：你单位与王秀英之间的劳动争议调解申请，本中心于2026年11月2日收到。你单位申请调解的事项如下" in text
    assert "你单位可以直接向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请仲裁" in text


def test_point_12_the_registration_page_lets_staff_say_the_employer_applied(orgs, people, client):
    client.force_login(people["mediator"])
    page = client.get("/cases/register/")
    assert 'name="applicant_side" value="employer"' in page.content.decode()
    now = timezone.localtime()
    response = client.post("/cases/register/", {
        "channel": "walk_in_written", "applicant_side": "employer", "organisation": str(orgs["hd_street"].pk),
        "received_on": now.date().isoformat(), "received_at": "00:00", "facts": "劳动者擅自离职，单位要求返还培训费。",
        "worker-name": "张三", "worker-resident_id": resident_id(7),
        "employer-name": "北京某科技有限公司", "employer-uscc": uscc(7),
        "claims-TOTAL_FORMS": "1", "claims-INITIAL_FORMS": "0", "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000", "claims-0-claim_type": "other", "claims-0-description": "返还培训费",
        "claims-0-amount_claimed": "8000.00"})
    assert response.status_code == 302, response.context and response.context["forms"].main.errors
    case = DisputeCase.objects.get()
    assert case.applicant_side == "employer"
    register_event = AuditEvent.objects.get(name="register")
    assert register_event.data["applicant_side"] == "employer"


# -- collective disputes ---------------------------------------------------------------------------

def test_point_12_a_collective_case_of_12_workers_with_2_representatives_is_accepted_and_listed(
        orgs, people, django_capture_on_commit_callbacks):
    case = registered(orgs, people)
    with freeze_time(at(RECEIVED, 10)):
        workers_recorded(case, people["mediator"])
    case.refresh_from_db()
    assert (case.worker_count, case.collective) == (12, True)
    rows = list(CaseWorker.objects.filter(case=case).order_by("position"))
    assert [row.worker.name for row in rows] == ["王秀英", *COLLEAGUES]
    assert [row.worker.name for row in rows if row.is_representative] == ["王秀英", "刘建国"]
    assert case.worker.name == "王秀英" and str(case).endswith("王秀英等12人 诉 北京某科技有限公司")

    outcome = accepted(case, people, django_capture_on_commit_callbacks)
    assert case.status == DisputeStatus.ACCEPTED
    text = text_of(issued(outcome.event, "acceptance_notice")["employer"])
    assert "王秀英等12人与你单位之间的劳动争议调解申请" in text
    assert "申请人：王秀英等12人（代表人：王秀英、刘建国）。" in text and "附件：申请人名单（共12人）" in text
    assert "12林峰男" in text  # the last of the list

    # The agreement lists every worker, with the resident ID, and the representatives sign.
    drafted(case, people, django_capture_on_commit_callbacks)
    draft = text_of(Document.objects.get(subject_id=str(case.pk), kind="mediation_agreement_draft"))
    assert "申请人王秀英等12人（代表人：王秀英、刘建国），名单及身份信息见本协议书附件" in draft
    assert "申请人（代表人签名）：年月日" in draft
    for n, name in enumerate(COLLEAGUES, start=1):
        assert f"{n + 1}{name}" in draft and resident_id(n, region="110108", born="19850101") in draft


def test_point_12_a_collective_case_without_representatives_is_not_accepted(
        orgs, people, django_capture_on_commit_callbacks):
    case = registered(orgs, people)
    with freeze_time(at(RECEIVED, 10)):
        workers_recorded(case, people["mediator"], elected=(), first_elected=False)
        consent_recorded(case, people["mediator"])
    with freeze_time(at(RECEIVED, 15)), pytest.raises(TransitionRefused) as refused:
        apply(case, "accept", by=people["mediator"])
    assert refused.value.messages[0] == (
        "不满足执行条件：本案为集体劳动争议（劳动者一方十人以上并有共同请求），受理前须登记劳动者推举的代表"
        "（《劳动争议调解仲裁法》第七条：可以推举代表参加调解）。请在“当事人与代理人”中勾选推举代表。")
    case.refresh_from_db()
    assert case.status == DisputeStatus.REGISTERED

    # Once they elect one, it is accepted.
    with freeze_time(at(RECEIVED, 15)):
        apply(case, "record_workers", by=people["mediator"], data={
            "workers": [], "removed": [], "representatives": [case.worker_id], "collective": True})
        apply(case, "accept", by=people["mediator"])
    case.refresh_from_db()
    assert case.status == DisputeStatus.ACCEPTED


def test_point_12_nine_workers_cannot_be_a_collective_dispute(orgs, people):
    case = registered(orgs, people)
    workers_before = Worker.objects.count()
    with freeze_time(at(RECEIVED, 10)), pytest.raises(ValidationError) as refused:
        workers_recorded(case, people["mediator"], count=8)
    assert refused.value.message_dict["collective"] == [
        "劳动者一方在10人以上并有共同请求的，方为集体劳动争议（《劳动争议调解仲裁法》第七条）；本案劳动者一方现有9人，"
        "不能登记为集体劳动争议。"]
    case.refresh_from_db()
    assert (case.worker_count, case.collective) == (1, False)
    assert not CaseWorker.objects.exists() and Worker.objects.count() == workers_before  # rolled back whole

    # Nine workers as a joint (not collective) application are recorded; twelve must be collective.
    with freeze_time(at(RECEIVED, 10)):
        workers_recorded(case, people["mediator"], count=8, collective=False)
    case.refresh_from_db()
    assert (case.worker_count, case.collective) == (9, False)
    with freeze_time(at(RECEIVED, 10)), pytest.raises(ValidationError, match="应登记为集体劳动争议"):
        apply(case, "record_workers", by=people["mediator"], data={
            "workers": colleagues(11)[8:], "removed": [], "representatives": [], "collective": False})


def test_point_12_statistics_count_a_collective_case_once_with_its_workers(
        orgs, people, django_capture_on_commit_callbacks):
    case = registered(orgs, people)
    with freeze_time(at(RECEIVED, 10)):
        workers_recorded(case, people["mediator"])
    accepted(case, people, django_capture_on_commit_callbacks)
    with freeze_time(at(RECEIVED, 11)):  # registered the same day, never accepted: it does not count
        register_dispute(
            acknowledge_warnings=True, organisation=orgs["hd_street"], by=people["mediator"],
            channel="walk_in_written", received_on=RECEIVED, received_at=at(RECEIVED, 11), facts="拖欠工资。",
            worker=WorkerInput(name="李四", resident_id=resident_id(9)),
            employer=EmployerInput(name="北京某商贸有限公司", uscc=uscc(9)),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("5000.00"))])

    figures = dispute_figures(organisation=orgs["hd"], period=H2)
    assert (figures.accepted, figures.accepted_workers, figures.accepted_collective) == (1, 12, 1)
    printed = figures.as_json()
    assert (printed["accepted"], printed["accepted_workers"], printed["accepted_collective"]) == (1, 12, 1)
    assert "集体劳动争议（劳动者一方十人以上并有共同请求）计为一件" in printed["definitions"]["accepted"]

    out = io.StringIO()
    call_command("dispute_stats", "--org", "BJ-HD", "--from", "2026-07-01", "--to", "2026-12-31", stdout=out)
    assert "受理：1件（涉及劳动者12人，其中集体劳动争议1件）" in out.getvalue()

    book = load_workbook(io.BytesIO(report_workbook(build_report(organisation=orgs["hd"], period=H2))))
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(min_row=2, values_only=True)}
    assert (summary["受理（件）"], summary["受理案件涉及劳动者（人）"], summary["其中集体劳动争议（件）"]) == (1, 12, 1)


# -- the pages ---------------------------------------------------------------------------------------

def test_point_12_the_case_page_shows_the_agents_and_the_workers_to_the_mediator(orgs, people, client):
    case = registered(orgs, people)
    with freeze_time(at(RECEIVED, 10)):
        workers_recorded(case, people["mediator"])
        agent_recorded(case, people["mediator"], name="孙丽", side="employer", authority="general", powers=[])
    client.force_login(people["mediator"])
    page = client.get(f"/cases/{case.pk}/?tab=parties").content.decode()
    assert "王秀英等12人" in page and "劳动者一方（共12人）" in page and "集体劳动争议（第七条）" in page
    assert "推举代表：王秀英、刘建国" in page
    listed = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", page.split('id="case-workers"')[1].split("</table>")[0])
    assert [name for _n, name in listed][:3] == ["王秀英", "刘建国", "陈静"]  # the representatives first
    assert "孙丽" in page and "一般授权" in page and f"/cases/{case.pk}/parties/" in page

    # Its own page: the forms for the case's handlers; recording an agent through it.
    parties = client.get(f"/cases/{case.pk}/parties/").content.decode()
    assert 'id="parties-form-agent"' in parties and 'id="parties-form-workers"' in parties
    with freeze_time(at(RECEIVED, 11)):
        response = client.post(f"/cases/{case.pk}/parties/", {
            "form": "agent", "agent-side": "worker", "agent-worker": str(case.worker_id), "agent-name": "陈志远",
            "agent-phone": "010-62781234", "agent-kind": "union", "agent-workplace": "海淀区总工会",
            "agent-authority": "special", "agent-special_powers": ["settle"], "agent-valid_from": "2026-11-02",
            "agent-scan": SimpleUploadedFile("授权委托书.pdf", POA_PDF, content_type="application/pdf")})
    assert response.status_code == 302
    agent = Agent.objects.get(name="陈志远")
    assert (agent.worker, agent.kind, agent.special_powers) == (case.worker, "union", ["settle"])
    download = client.get(f"/cases/{case.pk}/parties/agents/{agent.pk}/scan/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == POA_PDF
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, name="download_power_of_attorney").count() == 1

    # The auditor reads the page without forms and may not post.
    client.force_login(people["auditor"])
    read = client.get(f"/cases/{case.pk}/parties/").content.decode()
    assert "陈志远" in read and 'id="parties-form-agent"' not in read
    assert client.post(f"/cases/{case.pk}/parties/", {"form": "workers"}).status_code == 403


def test_point_12_a_mediator_of_another_organisation_gets_404(orgs, people, client):
    case = registered(orgs, people)
    with freeze_time(at(RECEIVED, 10)):
        agent_recorded(case, people["mediator"])
    agent = Agent.objects.get()
    client.force_login(people["cy_mediator"])
    for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/parties/", f"/cases/{case.pk}/parties/agents/{agent.pk}/scan/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/cases/{case.pk}/parties/", {
        "form": "workers", "workers-new_workers": "伪造 11010519491231002X", "workers-collective": "on"}).status_code == 404
    assert Agent.objects.count() == 1 and not CaseWorker.objects.exists()
