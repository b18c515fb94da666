"""Issue 16, point 11: service (送达). Every notice addressed to a party carries a service record:
method (直接送达, 留置送达, 邮寄送达, 电子送达 only with the party's recorded consent), date,
recipient, proof (the signed 送达回证's scan, or the postal item's number); the case page
shows the notices not yet served; clocks that run from service start at the service date."""

import io
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from pypdf import PdfReader

from cases.disputes.service import issue_certificate, notices_to_serve
from cases.documents.registry import addressees_of, served_kinds
from cases.models import AuditEvent, Deadline, Document, ElectronicServiceConsent, ImmutableError, ServiceRecord
from cases.models.dispute.service import current_service
from cases.platform.transitions import apply, available_transitions
from cases.rules import deadlines as clock_rules
from cases.rules.deadlines import DISPUTE, DayUnit, LegalClock, Trigger
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case

pytestmark = pytest.mark.django_db

PDF_SCAN = b"%PDF-1.4\n% signed service certificate, scanned\n%%EOF\n"
PDF_SCAN_SHA256 = "2497e584b08b9916e74a8de1c63e36c8449c11f27140db813f282e44fe56fec3"
PNG_SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def scan(content=PDF_SCAN, name="送达回证.pdf"):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def accepted(orgs, people, django_capture_on_commit_callbacks):
    """A wage claim received and accepted on Monday 2026-11-02, its two acceptance notices made
    that day at 10 o'clock (Beijing): one to the worker 王秀英, one to the employer."""
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people)
        consent_recorded(case, people["mediator"])
        with django_capture_on_commit_callbacks(execute=True):
            apply(case, "accept", by=people["mediator"])
    case.refresh_from_db()
    return case


def notice(case, party):
    return Document.objects.get(kind="acceptance_notice", variant=party, subject_id=str(case.pk))


def serve(case, people, party="worker", *, on="2026-11-05", by="mediator", reason="", **fields):
    data = {"document": notice(case, party), "party": party, "service_method": "direct",
            "served_on": date.fromisoformat(on), "recipient": "王秀英", "scan": scan(), **fields}
    with freeze_time(at("2026-11-05", 15)):
        return apply(case, "record_service", by=people[by], reason=reason, data=data)


def refusal(case, people, party="worker", **kwargs) -> dict:
    with pytest.raises(ValidationError) as refused:
        serve(case, people, party, **kwargs)
    return refused.value.message_dict


def pdf_text(document) -> str:
    return "".join(re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(document.file.read())).pages)


def test_point_11_the_registry_marks_the_notices_addressed_to_a_party():
    assert {kind.code for kind in served_kinds()} == {
        "acceptance_notice", "non_acceptance_notice", "termination_notice", "session_notice",
        "extension_confirmation", "mediation_agreement", "arbitration_guidance", "payment_order_guide"}
    assert addressees_of("acceptance_notice", "employer") == ("employer",)
    assert addressees_of("session_notice", "worker") == ("worker",)
    assert addressees_of("non_acceptance_notice", "") == ("worker",)
    assert addressees_of("mediation_agreement", "") == ("worker", "employer")  # 一式三份: a copy each
    assert addressees_of("session_record", "") == ()
    assert addressees_of("service_certificate", "worker:1:direct") == ()


def test_point_11_direct_service_is_recorded_with_the_signed_certificates_scan(accepted, people):
    case = accepted
    assert [(row.document.variant, row.party, row.served) for row in notices_to_serve(case)] == [
        ("worker", "worker", False), ("employer", "employer", False)]

    outcome = serve(case, people, note="在调解中心当面送达")

    record = ServiceRecord.objects.get()
    assert (record.party, record.method, record.served_on, record.recipient) == (
        "worker", "direct", date(2026, 11, 5), "王秀英")
    assert (record.scan_sha256, record.scan_size, record.scan_kind, record.scan_name) == (
        PDF_SCAN_SHA256, 53, "pdf", "送达回证.pdf")
    assert record.scan.name == f"service/24/{PDF_SCAN_SHA256}.pdf"
    assert record.scan.read() == PDF_SCAN
    assert record.recorded_by == people["mediator"] and record.note == "在调解中心当面送达"
    case.refresh_from_db()
    assert case.status == "accepted"  # service changes no status
    event = AuditEvent.objects.get(pk=outcome.event.pk)
    assert (event.name, event.from_state, event.to_state) == ("record_service", "accepted", "accepted")
    assert event.data["effects"]["service.start_clocks"]["scan_sha256"] == PDF_SCAN_SHA256
    assert PDF_SCAN_SHA256 in event.data["created"]["str"]
    assert event.data["input"]["scan"] == {"file": "送达回证.pdf", "size": 53}
    assert [(row.party, row.served) for row in notices_to_serve(case)] == [("worker", True), ("employer", False)]
    # Recorded through its own form, never among the case page's generic actions.
    assert "record_service" not in {spec.name for spec in available_transitions(case, people["mediator"])}


def test_point_11_left_service_needs_the_scan_and_the_witnesses(accepted, people):
    errors = refusal(accepted, people, service_method="left", scan=None, recipient="王秀英之夫李强")
    assert errors["scan"] == ["留置送达须上传送达人、见证人签名的送达回证扫描件（PDF、JPEG或PNG）。"]
    assert errors["circumstances"] == ["留置送达须写明受送达人拒收的情况、留置的地点，以及见证人的姓名和身份。"]

    serve(accepted, people, service_method="left", recipient="王秀英之夫李强", scan=scan(PNG_SCAN, "回证.png"),
          circumstances="李强拒绝签收，留置于其住所；见证人：社区居委会主任张敏")
    record = ServiceRecord.objects.get()
    assert (record.method, record.scan_kind) == ("left", "png")
    assert record.circumstances == "李强拒绝签收，留置于其住所；见证人：社区居委会主任张敏"


def test_point_11_direct_service_without_its_scan_is_refused(accepted, people):
    errors = refusal(accepted, people, scan=None)
    assert errors == {"scan": ["直接送达须上传受送达人签名的送达回证扫描件（PDF、JPEG或PNG）。"]}
    assert not ServiceRecord.objects.exists()


def test_point_11_a_scan_is_told_by_its_content_and_its_size(accepted, people, settings):
    errors = refusal(accepted, people, scan=scan(b"MZ\x90\x00 an executable", "回证.pdf"))
    assert errors["scan"] == ["文件“回证.pdf”的内容不是PDF、JPEG、PNG文件：请上传PDF、JPEG、PNG格式的文件（文件名后缀不能代替格式）。"]
    too_big = scan(PDF_SCAN + b"0" * (20 * 1024 * 1024), "回证.pdf")
    assert "超过上限20 MiB" in refusal(accepted, people, scan=too_big)["scan"][0]
    assert not ServiceRecord.objects.exists()


def test_point_11_postal_service_needs_the_postal_items_number(accepted, people):
    assert refusal(accepted, people, service_method="postal", scan=None) == {
        "postal_number": ["邮寄送达须填写邮件号码（邮件详情单或挂号函件收据上的号码）。"]}
    assert refusal(accepted, people, service_method="postal", scan=None, postal_number="XA123456784CN") == {
        "postal_number": ["邮件号码XA123456784CN的校验位不正确（UPU S10）：请核对收据上的号码。"]}
    assert "格式不正确" in refusal(accepted, people, service_method="postal", scan=None,
                                  postal_number="SF1234")["postal_number"][0]

    serve(accepted, people, service_method="postal", scan=None, postal_number="xa 123456785 cn")
    serve(accepted, people, "employer", service_method="postal", scan=None, postal_number="1123456789012",
          recipient="北京某科技有限公司收发室")
    assert sorted(ServiceRecord.objects.values_list("party", "postal_number")) == [
        ("employer", "1123456789012"), ("worker", "XA123456785CN")]


def test_point_11_electronic_service_only_with_the_partys_consent(accepted, people):
    case = accepted
    electronic = {"service_method": "electronic", "scan": None, "electronic_address": "13801234567"}
    assert refusal(case, people, **electronic) == {"method": [
        "劳动者未同意电子送达：电子送达须经受送达人同意。请先登记其同意电子送达（方式、日期、地址），或选择直接送达、留置送达或邮寄送达。"]}

    with freeze_time(at("2026-11-03")):
        apply(case, "record_electronic_consent", by=people["mediator"], data={
            "party": "worker", "channel": "sms", "address": "+86 13801234567", "consent_method": "written",
            "given_on": date(2026, 11, 3), "given_by": "王秀英"})
    consent = ElectronicServiceConsent.objects.get()
    assert (consent.party, consent.channel, consent.address, consent.recorded_by) == (
        "worker", "sms", "13801234567", people["mediator"])

    assert refusal(case, people, **{**electronic, "electronic_address": "13900000000"}) == {"electronic_address": [
        "电子送达地址须为劳动者同意电子送达时确认的地址（13801234567）。"]}
    assert refusal(case, people, on="2026-11-02", **electronic) == {"method": [
        "劳动者于2026年11月3日才同意电子送达，此前不能电子送达。"]}
    # The employer has not consented: the worker's consent is no consent of its own.
    assert refusal(case, people, "employer", **electronic)["method"][0].startswith("用人单位未同意电子送达")

    serve(case, people, **electronic)
    record = ServiceRecord.objects.get()
    assert (record.method, record.electronic_address, record.electronic_consent) == (
        "electronic", "13801234567", consent)


def test_point_11_a_consent_needs_a_valid_address_and_date(accepted, people):
    with freeze_time(at("2026-11-03")), pytest.raises(ValidationError) as refused:
        apply(accepted, "record_electronic_consent", by=people["mediator"], data={
            "party": "employer", "channel": "email", "address": "hr at example", "consent_method": "written",
            "given_on": date(2026, 11, 4), "given_by": "赵立新（法定代表人）"})
    assert refused.value.message_dict == {
        "address": ["以电子邮箱送达的，电子送达地址须为有效的电子邮箱，如wang@example.com。"],
        "given_on": ["同意电子送达的日期不能晚于今天。"]}
    with freeze_time(at("2026-11-03")), pytest.raises(PermissionDenied, match="审计员只能查阅"):
        apply(accepted, "record_electronic_consent", by=people["auditor"], data={})


def test_point_11_the_service_date_is_neither_in_the_future_nor_before_the_notice(accepted, people):
    assert refusal(accepted, people, on="2026-11-06") == {"served_on": ["送达日期不能晚于今天：请填写文书实际送达的日期。"]}
    assert refusal(accepted, people, on="2026-11-01") == {"served_on": [
        "送达日期不能早于文书制作的日期（2026年11月2日）：文书制作之前不能送达。"]}
    serve(accepted, people, on="2026-11-02")
    assert ServiceRecord.objects.get().served_on == date(2026, 11, 2)


def test_point_11_a_notice_is_served_on_its_addressee_only(accepted, people):
    errors = refusal(accepted, people, "worker", document=notice(accepted, "employer"))
    assert errors == {"party": ["《受理通知书》的受送达人是用人单位，不是劳动者。"]}


def test_point_11_a_service_record_is_immutable_and_a_correction_supersedes_it(accepted, people):
    serve(accepted, people, on="2026-11-04", recipient="王秀")
    first = ServiceRecord.objects.get()
    first.recipient = "王秀英"
    with pytest.raises(ImmutableError):
        first.save()
    with pytest.raises(ImmutableError):
        first.delete()

    again = refusal(accepted, people)
    assert again == {"document": ["《受理通知书》已于2026年11月4日送达劳动者；如原记录有误，请登记更正并写明理由。"]}
    assert refusal(accepted, people, corrects=first) == {"correction_reason": [
        "更正送达记录须写明更正理由（原记录哪里有误）。"]}

    serve(accepted, people, corrects=first, reason="签收人姓名登记有误")
    first.refresh_from_db()
    second = ServiceRecord.objects.exclude(pk=first.pk).get()
    assert (second.supersedes, second.recipient, second.correction_reason) == (first, "王秀英", "签收人姓名登记有误")
    assert (first.recipient, first.served_on) == ("王秀", date(2026, 11, 4))  # kept as recorded
    assert current_service(notice(accepted, "worker"), "worker") == second
    [row, _employer] = notices_to_serve(accepted)
    assert (row.record, row.corrected) == (second, [first])
    assert refusal(accepted, people, corrects=first, reason="再次更正") == {"corrects": [
        "只能更正该文书对该当事人现行有效的送达记录。"]}


def test_point_11_the_certificate_names_the_case_the_notice_and_the_addressee(accepted, people):
    document = notice(accepted, "employer")
    with freeze_time(at("2026-11-03")):
        certificate = issue_certificate(case=accepted, document=document, party="employer", method="direct",
                                        by=people["mediator"])
        again = issue_certificate(case=accepted, document=document, party="employer", method="direct",
                                  by=people["lead"])
    assert again == certificate  # made once, printed as often as needed
    assert (certificate.kind, certificate.variant) == ("service_certificate", f"employer:{document.pk}:direct")
    text = pdf_text(certificate)
    assert "送达回证" in text and f"案号：{accepted.number}" in text
    assert "《受理通知书》（2026年11月2日制作，第1版）" in text
    assert "北京某科技有限公司（被申请人）" in text
    assert "■直接送达" in text and "□留置送达" in text
    assert "受送达人签名或盖章" in text and "送达人签名" in text

    left = issue_certificate(case=accepted, document=document, party="employer", method="left", by=people["mediator"])
    left_text = pdf_text(left)
    assert "■留置送达" in left_text and "见证人（签名，并注明身份）" in left_text
    with pytest.raises(ValidationError, match="邮寄送达以邮件号码为凭"):
        issue_certificate(case=accepted, document=document, party="employer", method="postal", by=people["mediator"])
    with pytest.raises(PermissionDenied):
        issue_certificate(case=accepted, document=document, party="employer", method="direct", by=people["auditor"])
    with pytest.raises(ValidationError, match="受送达人是用人单位，不是劳动者"):
        issue_certificate(case=accepted, document=document, party="worker", method="direct", by=people["mediator"])


@pytest.fixture
def service_clocks(monkeypatch):
    """Two clocks declared for this test only (no period of this domain runs from service, see
    cases/rules/deadlines.py): one opened by the employer's service of its acceptance notice,
    one opened at acceptance and moved to the worker's service of hers."""
    opened = LegalClock(code="test.after_employer_service", name="送达后十日（测试）", unit=DayUnit.CALENDAR,
                        length=10, citation="测试用期限", runs_from_service_of="acceptance_notice",
                        service_to="employer", statutory=False)
    moved = LegalClock(code="test.after_worker_service", name="受理后六日，自送达起算（测试）", unit=DayUnit.CALENDAR,
                       length=6, citation="测试用期限", start_attribute="accepted_on",
                       starts_on=(Trigger(DISPUTE, "accept"),), runs_from_service_of="acceptance_notice",
                       service_to="worker", statutory=False)
    monkeypatch.setitem(clock_rules.CLOCKS, opened.code, opened)
    monkeypatch.setitem(clock_rules.CLOCKS, moved.code, moved)
    return opened, moved


def test_point_11_clocks_that_run_from_service_start_at_the_service_date(service_clocks, accepted, people):
    case = accepted
    clocks = Deadline.objects.for_subject(case)
    moved = clocks.get(clock="test.after_worker_service")
    # Opened at acceptance: six days from Monday 11-02 end on Sunday 11-08, so on Monday 11-09.
    assert (moved.starts_on, moved.due_on) == (date(2026, 11, 2), date(2026, 11, 9))
    assert not clocks.filter(clock="test.after_employer_service").exists()

    outcome = serve(case, people, "worker", on="2026-11-04")
    moved.refresh_from_db()
    assert (moved.starts_on, moved.due_on) == (date(2026, 11, 4), date(2026, 11, 10))
    assert moved.note == "自《受理通知书》送达之日（2026年11月4日）起算"
    assert not clocks.filter(clock="test.after_employer_service").exists()  # the worker's service does not open it
    assert AuditEvent.objects.get(pk=outcome.event.pk).data["effects"]["service.start_clocks"]["clocks"] == [
        {"clock": "test.after_worker_service", "moved": True, "from": "2026-11-02", "starts_on": "2026-11-04",
         "old_due_on": "2026-11-09", "due_on": "2026-11-10"}]

    serve(case, people, "employer", on="2026-11-04", recipient="孙丽（人事经理）")
    opened = clocks.get(clock="test.after_employer_service")
    # Ten days from 2026-11-04 end on Saturday 11-14, a rest day: the period ends on Monday 11-16.
    assert (opened.starts_on, opened.due_on, opened.state) == (date(2026, 11, 4), date(2026, 11, 16), "open")

    # A corrected service date moves the clock with it.
    employer_record = current_service(notice(case, "employer"), "employer")
    serve(case, people, "employer", on="2026-11-03", recipient="孙丽（人事经理）", corrects=employer_record,
          reason="送达日期登记有误，回证所载为11月3日")
    opened.refresh_from_db()
    assert (opened.starts_on, opened.due_on) == (date(2026, 11, 3), date(2026, 11, 13))


def test_point_11_the_case_page_shows_the_notices_not_yet_served(client, accepted, people):
    client.force_login(people["mediator"])
    page = f"/cases/{accepted.pk}/"
    html = client.get(page).content.decode()
    assert 'id="case-service"' in html and "2份文书尚未送达" in html
    assert html.count('class="uc-unserved"') == 2
    assert "受理通知书（v1）" in html and "劳动者：王秀英" in html and "用人单位：北京某科技有限公司" in html

    serve(accepted, people)
    html = client.get(page).content.decode()
    assert "1份文书尚未送达" in html and html.count('class="uc-unserved"') == 1
    assert "已送达：直接送达，2026年11月5日，签收人<span>王秀英</span>" in html


DIRECT = {"service_method": "direct", "served_on": "2026-11-05", "recipient": "王秀英"}


def test_point_11_the_service_pages_as_each_role(client, accepted, people):
    """At 15:00 on 2026-11-05 throughout: sessions expire after a while idle."""
    with freeze_time(at("2026-11-05", 15)):
        service_pages_as_each_role(client, accepted, people)


def service_pages_as_each_role(client, accepted, people):
    document = notice(accepted, "worker")
    case_page = f"/cases/{accepted.pk}/"
    service_page = f"/cases/{accepted.pk}/service/{document.pk}/worker/"
    consent_page = f"/cases/{accepted.pk}/service/consent/worker/"
    certificate = f"{service_page}certificate/"
    consent = {"channel": "sms", "address": "13801234567", "consent_method": "written", "given_on": "2026-11-03",
               "given_by": "王秀英"}

    # The mediator prints the certificate, then records the service with the signed scan.
    client.force_login(people["mediator"])
    html = client.get(case_page).content.decode()
    assert f'href="{service_page}"' in html and "生成送达回证" in html
    assert 'id="service-form"' in client.get(service_page).content.decode()
    printed = client.post(certificate, {"method": "direct"})
    assert printed.status_code == 302 and Document.objects.filter(kind="service_certificate").count() == 1
    refused = client.post(service_page, DIRECT)
    assert refused.status_code == 200
    assert "直接送达须上传受送达人签名的送达回证扫描件（PDF、JPEG或PNG）。" in refused.content.decode()
    done = client.post(service_page, {**DIRECT, "scan": scan()})
    assert (done.status_code, done.url) == (302, f"{case_page}#case-service")
    record = ServiceRecord.objects.get()
    assert (record.method, record.scan_sha256, record.recorded_by) == ("direct", PDF_SCAN_SHA256, people["mediator"])
    scan_url = f"/cases/{accepted.pk}/service/records/{record.pk}/scan/"

    # The lead may correct it, and records a consent to electronic service.
    client.force_login(people["lead"])
    assert "更正送达记录" in client.get(service_page).content.decode()
    assert 'id="consent-form"' in client.get(consent_page).content.decode()
    assert client.post(consent_page, consent).status_code == 302
    assert ElectronicServiceConsent.objects.get().recorded_by == people["lead"]

    # The auditor sees the panel, the records and the scan, and records nothing.
    client.force_login(people["auditor"])
    html = client.get(case_page).content.decode()
    assert 'id="case-service"' in html and "已送达：直接送达，2026年11月5日，签收人<span>王秀英</span>" in html
    assert "生成送达回证" not in html and ">登记送达</a>" not in html and ">登记同意</a>" not in html
    page = client.get(service_page).content.decode()
    assert "送达回证.pdf" in page and 'id="service-form"' not in page
    assert 'id="consent-form"' not in client.get(consent_page).content.decode()
    assert client.post(service_page, {**DIRECT, "scan": scan()}).status_code == 403
    assert client.post(consent_page, consent).status_code == 403
    assert client.post(certificate, {"method": "direct"}).status_code == 403
    download = client.get(scan_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_SCAN
    assert AuditEvent.objects.filter(name="download_service_scan", actor=people["auditor"]).count() == 1
    assert ServiceRecord.objects.count() == 1 and ElectronicServiceConsent.objects.count() == 1

    # A mediator of another district finds none of it.
    client.force_login(people["cy_mediator"])
    for url in (case_page, service_page, consent_page, scan_url):
        assert client.get(url).status_code == 404, url
    assert client.post(service_page, {**DIRECT, "scan": scan()}).status_code == 404
    assert client.post(certificate, {"method": "direct"}).status_code == 404
    assert client.post(consent_page, consent).status_code == 404
