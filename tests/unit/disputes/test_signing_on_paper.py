"""Issue 16, point 10: signing on paper. The 调解协议书（签署稿） is printed when the agreement is
drafted; the signed and sealed paper is scanned and kept (immutably, with its SHA-256) before
the agreement can take effect; the effective copy says so. Counts in the fixed wording are
Chinese numerals, the terms are numbered once, the seal appears once, and an agreement on an
Art.16 matter tells the worker of the payment order."""

import hashlib
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from django.utils.html import strip_tags
from freezegun import freeze_time
from pypdf import PdfReader

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.documents.dispute.agreement import numbered_terms
from cases.documents.registry import cn_numeral
from cases.models import AuditAction, AuditEvent, DisputeStatus, Document, ImmutableError, SignedOriginal
from cases.platform.transitions import TransitionRefused, apply, available_transitions
from cases.rules.claims import ClaimType
from tests.consent import consent_recorded, consent_recorded_in_task
from tests.dispute_cases import at, register_case
from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute

pytestmark = pytest.mark.django_db

# What a scanner saves, byte for byte: a tiny PDF, a JPEG's first bytes, a PNG's first bytes.
PDF_SCAN = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
JPEG_SCAN = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG_SCAN = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
TERMS = "被申请人于2026年11月30日前支付申请人拖欠工资。\n申请人收到款项后，双方再无其他争议。"
TYPE_REFUSED = ("签署原件扫描件只接受PDF、JPEG或PNG文件（按文件内容识别，与文件名无关）：请将签署完毕的协议书"
                "扫描或拍照为其中一种格式后重新上传。")


def text_of(document: Document) -> str:
    """The document's text without white space and page numbers (— 2 —)."""
    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return "".join(re.sub(r"—[0-9]+—", "", re.sub(r"\s+", "", page.extract_text())) for page in pages)


def only(kind: str, case) -> Document:
    document, = Document.objects.filter(subject_id=str(case.pk), kind=kind)
    return document


def scan(content: bytes, name: str) -> ContentFile:
    return ContentFile(content, name=name)


@pytest.fixture
def drafted(orgs, people, django_capture_on_commit_callbacks):
    """A case accepted on 2026-11-02 whose agreement is drafted on 11-05 with `claims`
    (type, awarded) and the terms `terms`."""

    def _make(claims=((ClaimType.WAGE_ARREARS, "30000.00"),), terms=TERMS):
        with freeze_time(at("2026-11-02")), django_capture_on_commit_callbacks(execute=True):
            case = register_case(orgs, people, date(2026, 11, 2), claims=[
                ClaimInput(claim_type, Decimal("30000.00")) for claim_type, _awarded in claims])
            consent_recorded(case, people["mediator"])
            apply(case, "accept", by=people["mediator"])
            apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
        awards = {claim.pk: Decimal(awarded) for claim, (_type, awarded) in zip(
            case.claims.order_by("pk"), claims, strict=True) if awarded}
        total = sum(awards.values(), Decimal("0"))
        with freeze_time(at("2026-11-05")), django_capture_on_commit_callbacks(execute=True):
            apply(case, "draft_agreement", by=people["mediator"], data={
                "terms": terms, "awards": awards,
                "instalments": [(date(2026, 11, 30), total)] if total else []})
        return case

    return _make


def sign_all(case, people):
    for signatory in ("worker", "employer", "mediator", "seal"):
        apply(case, "record_signature", by=people["mediator"], data={"signatory": signatory})


def take_effect(case, people, capture, content=PDF_SCAN):
    with freeze_time(at("2026-11-06")), capture(execute=True):
        sign_all(case, people)
        apply(case, "upload_signed_original", by=people["mediator"], data={"scan": scan(content, "签署原件.pdf")})
        apply(case, "make_agreement_effective", by=people["mediator"])
    case.refresh_from_db()
    return only("mediation_agreement", case)


# -- the paper to sign ------------------------------------------------------------------------

def test_point_10_drafting_issues_the_paper_to_sign_with_blank_signature_and_seal_lines(drafted):
    case = drafted()

    draft = only("mediation_agreement_draft", case)
    text = text_of(draft)
    assert draft.title == "调解协议书（签署稿）" and case.status == DisputeStatus.AGREEMENT_SIGNING
    assert text.startswith("中关村街道调解中心调解协议书案号：")
    assert "（一）被申请人于2026年11月30日前支付申请人拖欠工资。" in text
    assert "（二）申请人收到款项后，双方再无其他争议。" in text
    assert "拖欠劳动报酬¥30,000.00¥30,000.00" in text and "第1期2026年11月30日前¥30,000.00" in text
    assert "本协议书一式三份" in text and "自本协议生效之日起十五日内共同向" in text
    # Blank lines, each with its date, in Art.14's order; the seal once; no effective date.
    assert "申请人（签名）：年月日被申请人（签名或盖章）：年月日调解员（签名）：年月日调解组织（印章）年月日" in text
    assert text.count("（印章）") == 1 and "中关村街道调解中心（印章）" not in text
    assert "生效日期" not in text and "于2026年" not in text.split("五、协议的效力")[1]
    assert not Document.objects.filter(subject_id=str(case.pk), kind="mediation_agreement").exists()


# -- the scan before the effect ---------------------------------------------------------------

def test_point_10_the_agreement_takes_effect_only_once_the_signed_original_is_on_file(
        drafted, people, django_capture_on_commit_callbacks):
    case = drafted()
    mediator = people["mediator"]
    with freeze_time(at("2026-11-06")), django_capture_on_commit_callbacks(execute=True):
        apply(case, "record_signature", by=mediator, data={"signatory": "worker"})
        apply(case, "record_signature", by=mediator, data={"signatory": "employer"})
        # The scan is of the finished paper: not before the mediator's signature and the seal.
        with pytest.raises(ValidationError) as early:
            apply(case, "upload_signed_original", by=mediator, data={"scan": scan(PDF_SCAN, "a.pdf")})
        assert early.value.message_dict == {"scan": [
            "签署原件扫描件应为签署完毕的协议书：须先登记双方当事人签名或盖章、调解员签名和调解组织盖章"
            "（《劳动争议调解仲裁法》第十四条），再上传扫描件。尚未登记：调解员签名、调解组织盖章。"]}
        apply(case, "record_signature", by=mediator, data={"signatory": "mediator"})
        apply(case, "record_signature", by=mediator, data={"signatory": "seal"})

        with pytest.raises(TransitionRefused) as refused:
            apply(case, "make_agreement_effective", by=mediator)
        assert refused.value.messages == [
            "不满足执行条件：尚未上传经双方当事人签名或盖章、调解员签名并加盖调解组织印章的调解协议书原件扫描件，"
            "协议不能生效（《劳动争议调解仲裁法》第十四条）：请先在“上传签署原件”中上传扫描件。"]
        case.refresh_from_db()
        assert case.status == DisputeStatus.AGREEMENT_SIGNING and case.agreement.effective_on is None

        apply(case, "upload_signed_original", by=mediator, data={"scan": scan(PDF_SCAN, "签署原件.pdf")})
        apply(case, "make_agreement_effective", by=mediator)
    case.refresh_from_db()
    assert case.status == DisputeStatus.PERFORMING and case.agreement.effective_on == date(2026, 11, 6)
    # The per-signatory records stay as they were: who signed when.
    assert case.agreement.missing_signatures() == []


def test_point_10_the_scan_is_kept_immutably_with_its_sha256_and_a_later_scan_counts(
        drafted, people, django_capture_on_commit_callbacks):
    case = drafted()
    mediator = people["mediator"]
    with freeze_time(at("2026-11-06")):
        sign_all(case, people)
        event = apply(case, "upload_signed_original", by=mediator,
                      data={"scan": scan(PDF_SCAN, "C:\\扫描\\签署原件.pdf")}).event

    first = SignedOriginal.objects.get()
    assert first.sha256 == hashlib.sha256(PDF_SCAN).hexdigest()
    assert (first.size, first.content_type, first.original_name) == (len(PDF_SCAN), "application/pdf", "签署原件.pdf")
    assert first.uploaded_by == mediator and first.agreement == case.agreement
    with first.file.open("rb") as handle:
        assert handle.read() == PDF_SCAN
    # Journalled: the upload's name and size, and the record it made with its full fingerprint.
    assert event.action == AuditAction.TRANSITION and event.name == "upload_signed_original"
    assert event.data["input"]["scan"]["size"] == len(PDF_SCAN)
    assert hashlib.sha256(PDF_SCAN).hexdigest() in event.data["created"]["str"]

    first.original_name = "改名.pdf"
    with pytest.raises(ImmutableError, match="不可修改"):
        first.save()
    with pytest.raises(ImmutableError, match="不能删除"):
        first.delete()

    # A better scan later (a JPEG named .pdf: told by its content): both kept, the latest counts.
    with freeze_time(at("2026-11-07")), django_capture_on_commit_callbacks(execute=True):
        apply(case, "upload_signed_original", by=mediator, data={"scan": scan(JPEG_SCAN, "重新扫描.pdf")})
        apply(case, "make_agreement_effective", by=mediator)
    kept = list(SignedOriginal.objects.order_by("pk").values_list("content_type", "sha256"))
    assert kept == [("application/pdf", hashlib.sha256(PDF_SCAN).hexdigest()),
                    ("image/jpeg", hashlib.sha256(JPEG_SCAN).hexdigest())]
    text = text_of(only("mediation_agreement", case))
    assert f"已于2026年11月7日扫描存档（SHA-256前16位：{hashlib.sha256(JPEG_SCAN).hexdigest()[:16]}）" in text


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "签署原件.pdf", TYPE_REFUSED),
    (b"%!PS-Adobe-3.0\n", "签署原件.png", TYPE_REFUSED),
    (b"", "签署原件.pdf", "上传的签署原件扫描件是空文件，请重新选择文件。"),
    (b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 - 8),
     "签署原件.pdf", "签署原件扫描件不能超过20MB（本文件约20.0MB）：请降低扫描分辨率或压缩后重新上传。"),
])
def test_point_10_a_scan_of_the_wrong_type_or_too_large_is_refused_in_chinese(drafted, people, content, name, message):
    case = drafted()
    with freeze_time(at("2026-11-06")):
        sign_all(case, people)
        with pytest.raises(ValidationError) as refused:
            apply(case, "upload_signed_original", by=people["mediator"], data={"scan": scan(content, name)})
    assert refused.value.message_dict == {"scan": [message]}
    assert not SignedOriginal.objects.exists()


def test_point_10_twenty_megabytes_exactly_is_accepted_and_png_is_a_scan(drafted, people):
    case = drafted()
    exactly = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 - 9)
    with freeze_time(at("2026-11-06")):
        sign_all(case, people)
        apply(case, "upload_signed_original", by=people["mediator"], data={"scan": scan(exactly, "大.pdf")})
        apply(case, "upload_signed_original", by=people["mediator"], data={"scan": scan(PNG_SCAN, "照片")})
    assert list(SignedOriginal.objects.order_by("pk").values_list("size", "content_type")) == [
        (20 * 1024 * 1024, "application/pdf"), (len(PNG_SCAN), "image/png")]


# -- the effective copy -----------------------------------------------------------------------

def test_point_10_the_effective_copy_records_the_signed_original_and_writes_counts_in_chinese(
        drafted, people, django_capture_on_commit_callbacks):
    case = drafted()
    text = text_of(take_effect(case, people, django_capture_on_commit_callbacks))

    assert ("档案留存签署原件：经双方当事人签名或盖章、调解员签名并加盖中关村街道调解中心印章的本协议书原件，"
            f"已于2026年11月6日扫描存档（SHA-256前16位：{hashlib.sha256(PDF_SCAN).hexdigest()[:16]}）。") in text
    assert "本协议书一式三份，双方当事人各执一份" in text and "一式3份" not in text
    assert "自本协议生效之日起十五日内（至2026年11月23日）共同向" in text
    assert "于2026年11月6日生效" in text and "生效日期：2026年11月6日" in text
    # The seal once: the organisation's seal is the signature table's last row, no second seal block.
    assert text.count("（印章）") == 1 and "中关村街道调解中心（印章）" not in text
    assert re.search("调解组织（印章）中关村街道调解中心2026年11月6日10时0[0-9]分生效日期", text)


def test_point_10_terms_are_numbered_once():
    assert numbered_terms(["被申请人支付工资。", "双方再无争议。"]) == ["（一）被申请人支付工资。", "（二）双方再无争议。"]
    for own in (["1．支付工资。", "2．再无争议。"], ["1.支付工资。", "2.再无争议。"], ["1、支付工资。"],
                ["（一）支付工资。", "（二）再无争议。"], ["(1)支付工资。"], ["一、支付工资。", "二、再无争议。"],
                ["第一条 支付工资。"], ["①支付工资。"], ["支付方式如下：", "1．首期1万元。"]):
        assert numbered_terms(own) == own
    # Figures that open a sentence are not numbers of a term.
    assert numbered_terms(["1.5万元于11月30日前支付。", "2026年12月前补缴社保。", "3,000元另付。"]) == [
        "（一）1.5万元于11月30日前支付。", "（二）2026年12月前补缴社保。", "（三）3,000元另付。"]


def test_point_10_terms_the_drafter_numbered_are_printed_with_their_own_numbers_only(
        drafted, people, django_capture_on_commit_callbacks):
    case = drafted(terms="1．被申请人支付拖欠工资。\n2．双方再无其他争议。")
    draft = text_of(only("mediation_agreement_draft", case))
    effective = text_of(take_effect(case, people, django_capture_on_commit_callbacks))
    for text in (draft, effective):
        assert "自愿达成如下协议：1．被申请人支付拖欠工资。2．双方再无其他争议。各项协议金额如下" in text
        assert "1．1．" not in text and "（一）1．" not in text


def test_point_10_cn_numeral_writes_one_to_ninety_nine():
    written = (
        "一 二 三 四 五 六 七 八 九 "
        "十 十一 十二 十三 十四 十五 十六 十七 十八 十九 "
        "二十 二十一 二十二 二十三 二十四 二十五 二十六 二十七 二十八 二十九 "
        "三十 三十一 三十二 三十三 三十四 三十五 三十六 三十七 三十八 三十九 "
        "四十 四十一 四十二 四十三 四十四 四十五 四十六 四十七 四十八 四十九 "
        "五十 五十一 五十二 五十三 五十四 五十五 五十六 五十七 五十八 五十九 "
        "六十 六十一 六十二 六十三 六十四 六十五 六十六 六十七 六十八 六十九 "
        "七十 七十一 七十二 七十三 七十四 七十五 七十六 七十七 七十八 七十九 "
        "八十 八十一 八十二 八十三 八十四 八十五 八十六 八十七 八十八 八十九 "
        "九十 九十一 九十二 九十三 九十四 九十五 九十六 九十七 九十八 九十九"
    ).split()
    assert len(written) == 99
    for number, expected in enumerate(written, start=1):
        assert cn_numeral(number) == expected
    for outside in (0, 100, -3):
        with pytest.raises(ValueError):
            cn_numeral(outside)


# -- Art.16: the payment order ----------------------------------------------------------------

PAYMENT_ORDER = ("被申请人在协议约定期限内不履行的，申请人可以持本调解协议书依法向有管辖权的基层人民法院申请支付令。"
                 "依据：《劳动争议调解仲裁法》第十六条")


@pytest.mark.parametrize(("claims", "matters"), [
    (((ClaimType.WAGE_ARREARS, "30000.00"),), "拖欠劳动报酬"),
    (((ClaimType.SOCIAL_INSURANCE, "2000.00"), (ClaimType.ECONOMIC_COMPENSATION, "8000.00"),
      (ClaimType.WORK_INJURY_MEDICAL, "5000.00")), "经济补偿、工伤医疗费"),
    (((ClaimType.SOCIAL_INSURANCE, "3000.00"),), None),
    # A qualifying claim that the agreement awards nothing is not a matter of the agreement.
    (((ClaimType.DAMAGES, ""), (ClaimType.SOCIAL_INSURANCE, "3000.00")), None),
])
def test_point_10_the_worker_is_told_of_the_payment_order_only_for_an_art16_matter(
        drafted, people, django_capture_on_commit_callbacks, claims, matters):
    case = drafted(claims=claims)
    texts = [text_of(only("mediation_agreement_draft", case)),
             text_of(take_effect(case, people, django_capture_on_commit_callbacks))]
    for text in texts:
        if matters:
            assert f"本协议中{matters}事项的款项，{PAYMENT_ORDER}" in text
        else:
            assert "支付令" not in text and "第十六条" not in text


# -- the pages --------------------------------------------------------------------------------

def test_point_10_the_signing_task_offers_the_draft_to_print_and_takes_the_scan(
        client, orgs, people, django_capture_on_commit_callbacks):
    mediator = people["mediator"]
    with freeze_time(at("2026-11-02")), django_capture_on_commit_callbacks(execute=True):
        case = open_dispute(
            organisation=orgs["hd_street"], by=mediator, channel="walk_in_written", received_on=date(2026, 11, 2),
            received_at=at("2026-11-02", 9), facts="拖欠工资。", worker=WorkerInput(name="王秀英"),
            employer=EmployerInput(name="北京某科技有限公司"),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("30000.00"))]).case
        task = case.process.task_set.get(flow_task=DisputeFlow.decide_acceptance)
        claim_task(task, mediator)
        consent_recorded_in_task(task, mediator)
        complete_task(task, by=mediator, transition="accept")
        task = case.process.task_set.get(flow_task=DisputeFlow.assign_mediator)
        claim_task(task, people["lead"])
        complete_task(task, by=people["lead"], transition="assign", data={"mediator": mediator})
    with freeze_time(at("2026-11-05")), django_capture_on_commit_callbacks(execute=True):
        task = case.process.task_set.get(flow_task=DisputeFlow.mediate, finished__isnull=True)
        complete_task(task, by=mediator, transition="draft_agreement", data={
            "terms": TERMS, "awards": {case.claims.get().pk: Decimal("30000.00")},
            "instalments": [(date(2026, 11, 30), Decimal("30000.00"))]})
        case.refresh_from_db()
        sign_all(case, people)
    task = case.process.task_set.get(flow_task=DisputeFlow.sign_agreement, finished__isnull=True)
    assert task.owner == mediator  # the case's mediator holds it
    client.force_login(mediator)
    get_resolver().url_patterns  # a flow's URL names exist once the site's patterns are built
    execute = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    action = task.flow_task.reverse("action", args=[task.process_id, task.pk, "upload_signed_original"])
    draft = only("mediation_agreement_draft", case)

    page = client.get(execute).content.decode()
    assert "上传签署原件" in page and 'enctype="multipart/form-data"' in page
    assert f"/cases/{case.pk}/documents/{draft.pk}/" in page and "打印调解协议书（签署稿）" in page
    assert "签署原件扫描件：尚未上传" in strip_tags(page)  # the label, then the value in its own element

    wrong = client.post(action, {"upload_signed_original-scan": SimpleUploadedFile("签署原件.pdf", b"GIF89a;")})
    assert wrong.status_code == 200 and TYPE_REFUSED in wrong.content.decode()
    with freeze_time(at("2026-11-06")):
        done = client.post(action, {"upload_signed_original-scan": SimpleUploadedFile("签署原件.pdf", PDF_SCAN)})
        assert done.status_code == 302
        page = client.get(execute).content.decode()
    assert (f"签署原件扫描件：2026-11-06 10:00由hd_mediator上传“签署原件.pdf”（SHA-256 "
            f"{hashlib.sha256(PDF_SCAN).hexdigest()[:16]}…）") in strip_tags(page)
    assert AuditEvent.objects.filter(name="upload_signed_original").count() == 1


def test_point_10_once_every_signature_is_recorded_the_signature_action_is_no_longer_offered(drafted, people):
    """登记签名盖章 leaves the case page and the signing task when nothing is left to sign; the
    door refuses it with the reason."""
    case = drafted()
    offered = {spec.name for spec in available_transitions(case, people["mediator"])}
    assert "record_signature" in offered
    sign_all(case, people)
    case.refresh_from_db()
    offered = {spec.name for spec in available_transitions(case, people["mediator"])}
    assert "record_signature" not in offered and "upload_signed_original" in offered
    with pytest.raises(TransitionRefused, match="均已登记"):
        apply(case, "record_signature", by=people["mediator"], data={"signatory": "seal"})
