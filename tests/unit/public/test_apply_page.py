"""在线申请调解 (/public/apply/): the phone step, the form with the intake's checks and warnings in
plain words, and the application landing in the organisation's acceptance queue as channel
网上申请 with its written application as a PDF, its attachments and the consent to electronic
service."""

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from pypdf import PdfReader
from viewflow.workflow.status import STATUS

from cases.models import (
    ApplicationAttachment,
    AuditEvent,
    Channel,
    DisputeCase,
    DisputeStatus,
    Document,
    ElectronicServiceConsent,
    PhoneCode,
    Worker,
)
from cases.rules.validators import resident_id_check_char
from tests.dispute_cases import at, register_case
from tests.public_pages import WORKER_PHONE, management, phone_confirmed
from workflows.dispute.flow import DisputeFlow
from workflows.models import DisputeProcess

pytestmark = pytest.mark.django_db

PAGE = "/public/apply/"
FIRST17 = "11010819900307002"
RESIDENT_ID = FIRST17 + resident_id_check_char(FIRST17)
WRONG_CHECK = FIRST17 + ("1" if RESIDENT_ID[-1] != "1" else "2")
PDF = b"%PDF-1.4\n% a labour contract, scanned\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def posted(orgs, **changes):
    data = {
        "worker-name": "王小明", "worker-resident_id": RESIDENT_ID, "worker-address": "北京市海淀区学院路1号",
        "employer-name": "北京某餐饮有限公司", "employer-uscc": "91350100M000100Y43", "employer-address": "",
        "employer-contact_name": "", "employer-contact_phone": "",
        **management("claims", 1), "claims-0-claim_type": "wage_arrears", "claims-0-description": "9月至10月工资",
        "claims-0-amount_claimed": "16,000",
        "organisation": str(orgs["hd_street"].pk), "employment_start": "2024-03-01", "employment_end": "",
        "infringement_known_on": "", "facts": "公司拖欠2026年9月、10月工资共16000元，多次催要未果。",
        "electronic_service": "on", "warnings_digest": "",
    }
    data.update(changes)
    return data


def files(*uploads):
    return {"attachments": list(uploads)}


@pytest.fixture
def monday():
    """Monday 2026-11-02, 10 o'clock in Beijing: three working days to decide end on Thursday."""
    with freeze_time(at("2026-11-02")):
        yield


@pytest.fixture
def confirmed(client, monday):
    phone_confirmed(client, PAGE)
    return client


def test_the_page_asks_for_the_phone_first(client, orgs):
    html = client.get(PAGE).content.decode()
    assert 'id="send-code"' in html and "获取验证码" in html and 'id="application-form"' not in html
    assert "登录" not in html and "/cases/" not in html  # no staff page, no login


def test_a_number_that_is_no_mobile_number_is_said_in_words(client, orgs):
    html = client.post(PAGE, {"step": "send_code", "phone": "010-6278"}).content.decode()
    assert "手机号码应为以1开头的11位数字" in html and not PhoneCode.objects.exists()


def test_a_second_code_within_the_minute_is_refused(client, orgs):
    client.post(PAGE, {"step": "send_code", "phone": WORKER_PHONE})
    client.post(PAGE, {"step": "change_phone"})
    response = client.post(PAGE, {"step": "send_code", "phone": WORKER_PHONE})
    assert response.status_code == 429 and "秒后再重新获取" in response.content.decode()


def test_a_wrong_code_is_said_and_the_form_stays_closed(client, orgs):
    client.post(PAGE, {"step": "send_code", "phone": WORKER_PHONE})
    html = client.get(PAGE).content.decode()
    assert "验证码已发送到 139****5678" in html and 'id="confirm-code"' in html
    html = client.post(PAGE, {"step": "confirm_code", "code": "12345a"}).content.decode()
    assert "验证码不正确，还可以再试4次" in html and 'id="application-form"' not in html


def test_after_the_code_the_form_is_shown_in_plain_words(confirmed, orgs):
    html = confirmed.get(PAGE).content.decode()
    assert 'id="application-form"' in html and "手机号码 139****5678 已验证" in html
    assert "我同意调解组织通过手机短信向我送达" in html and 'name="electronic_service"' in html
    assert orgs["hd_street"].name in html and orgs["hd"].name not in html  # only organisations that mediate


def test_an_application_lands_in_the_acceptance_queue_as_an_online_application(confirmed, orgs, monday,
                                                                               django_capture_on_commit_callbacks):
    contract = SimpleUploadedFile("劳动合同.pdf", PDF)
    payslip = SimpleUploadedFile("工资条.png", PNG)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirmed.post(PAGE, {**posted(orgs), **files(contract, payslip)})
    assert response.status_code == 302 and response["Location"] == "/public/apply/done/"
    case = DisputeCase.objects.get(worker__in=Worker.objects.with_resident_id(RESIDENT_ID))
    assert (case.channel, case.status, case.organisation, case.registered_by) == (
        Channel.ONLINE, DisputeStatus.REGISTERED, orgs["hd_street"], None)
    assert case.worker.phone == WORKER_PHONE and case.received_on == date(2026, 11, 2)
    # In the organisation's queue: the acceptance review, unclaimed.
    process = DisputeProcess.objects.get(case=case)
    task = process.task_set.get(flow_task=DisputeFlow.decide_acceptance)
    assert (task.status, task.owner_id) == (STATUS.NEW, None)
    # The written application as its PDF, with the attachments' fingerprints.
    document = Document.objects.get(kind="online_application", subject_id=str(case.pk))
    text = "".join(re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(document.file.read())).pages)
    kept = list(ApplicationAttachment.objects.filter(case=case).order_by("pk"))
    assert [(a.original_name, a.content_type) for a in kept] == [("劳动合同.pdf", "application/pdf"),
                                                                 ("工资条.png", "image/png")]
    assert "网上调解申请书" in text and "王小明" in text and RESIDENT_ID in text and "通过网上申请" in text
    assert kept[0].sha256 in text and kept[1].sha256 in text and "手机号码13912345678" in text
    assert kept[0].file.read() == PDF
    # The consent to electronic service, recorded through the door as the case's.
    consent = ElectronicServiceConsent.objects.get(case=case)
    assert (consent.party, consent.channel, consent.address, consent.method) == ("worker", "sms", WORKER_PHONE,
                                                                                 "electronic")
    assert AuditEvent.objects.filter(name="record_electronic_consent", subject_id=str(case.pk),
                                     actor_label="system:online_application").exists()
    # The worker reads the number and when the centre will decide.
    html = confirmed.get("/public/apply/done/").content.decode()
    assert case.number in html and "2026年11月5日前决定是否受理" in html
    assert f"/public/progress/?case={case.number}" in html


def test_without_consent_nothing_is_recorded_for_electronic_service(confirmed, orgs):
    assert confirmed.post(PAGE, {**posted(orgs), "electronic_service": ""}).status_code == 302
    assert not ElectronicServiceConsent.objects.exists()


def test_a_bad_check_digit_and_a_missing_name_are_said_beside_the_fields(confirmed, orgs):
    response = confirmed.post(PAGE, posted(orgs, **{"worker-resident_id": WRONG_CHECK, "employer-name": ""}))
    html = response.content.decode()
    assert response.status_code == 200 and "校验码不正确" in html and "请填写用人单位（公司）的名称" in html
    assert 'value="王小明"' in html  # what was typed stays
    assert not DisputeCase.objects.exists()


def test_an_attachment_is_told_by_its_content(confirmed, orgs):
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf at all")
    html = confirmed.post(PAGE, {**posted(orgs), **files(fake)}).content.decode()
    assert "的内容不是PDF、JPEG、PNG文件" in html and not DisputeCase.objects.exists()
    script = SimpleUploadedFile("证据.exe", PDF)
    html = confirmed.post(PAGE, {**posted(orgs), **files(script)}).content.decode()
    assert "是可执行文件或网页" in html and not DisputeCase.objects.exists()


def test_an_attachment_over_the_limit_is_refused(confirmed, orgs, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("扫描件.pdf", PDF + b"0" * 2048)
    html = confirmed.post(PAGE, {**posted(orgs), **files(big)}).content.decode()
    assert "超过上限1 KiB" in html and not DisputeCase.objects.exists()


def test_a_time_barred_claim_is_warned_in_plain_words_and_confirmed(confirmed, orgs):
    old = posted(orgs, employment_start="2020-01-01", employment_end="2024-06-30", infringement_known_on="2024-06-30")
    html = confirmed.post(PAGE, old).content.decode()
    assert "可能已超过一年的仲裁时效（2025年6月30日届满）" in html and 'id="application-warnings"' in html
    assert not DisputeCase.objects.exists()
    digest = re.search(r'name="warnings_digest" value="([0-9a-f]+)"', html).group(1)
    unticked = confirmed.post(PAGE, {**old, "warnings_digest": digest}).content.decode()
    assert "勾选“我已了解上面的提示，仍然提交申请”" in unticked and not DisputeCase.objects.exists()
    response = confirmed.post(PAGE, {**old, "warnings_digest": digest, "acknowledge_warnings": "on"})
    assert response.status_code == 302 and DisputeCase.objects.get().channel == Channel.ONLINE


def test_a_repeat_application_is_warned_without_naming_the_other_case(confirmed, orgs, people):
    earlier = register_case(orgs, people)  # 王秀英 against the same employer, by a mediator
    html = confirmed.post(PAGE, posted(orgs, **{"worker-name": "王秀英", "worker-resident_id": "11010519491231002X",
                                                "employer-name": "北京某科技有限公司"})).content.decode()
    assert "您对同一用人单位已有调解申请正在办理" in html
    assert earlier.number not in html and orgs["hd_street"].code not in html.split('id="application-warnings"')[1]


def test_one_code_makes_one_application(confirmed, orgs):
    assert confirmed.post(PAGE, posted(orgs)).status_code == 302
    html = confirmed.get(PAGE).content.decode()
    assert 'id="send-code"' in html  # the next application needs a new code
    assert DisputeCase.objects.count() == 1


def test_an_expired_confirmation_sends_the_worker_back_to_the_phone_step(client, orgs):
    with freeze_time(at("2026-11-02")):
        phone_confirmed(client, PAGE)
    with freeze_time(at("2026-11-02", 11)):
        html = client.post(PAGE, posted(orgs)).content.decode()
    assert "手机号码验证已过期" in html and 'id="send-code"' in html and not DisputeCase.objects.exists()


def test_the_done_page_needs_an_application_made_in_this_browser(client, orgs):
    assert client.get("/public/apply/done/")["Location"] == "/public/apply/"
