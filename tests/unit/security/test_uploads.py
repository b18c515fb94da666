"""Issue 17, point 7: an upload is accepted for what it is, not what it is called — PDF, JPEG
or PNG scans (CSV or XLSX for data imports), within the size limit, under a plain name."""

import zipfile
from datetime import date
from io import BytesIO

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from openpyxl import Workbook

from cases.hardship.identification import open_hardship_file
from cases.models import HardshipAttachment, HardshipStatus
from cases.models.hardship.records import AttachmentKind
from cases.models.hardship.states import IdentificationSource
from cases.platform.uploads import SCANS, TABLES, UploadField, UploadValidator, safe_filename, validate_upload
from tests.hardship_fixtures import file_in_state, household_in_hardship, second_visitor
from workflows.dispute.flow import claim_task, complete_task
from workflows.hardship.flow import HardshipFlow, start_hardship_flow
from workflows.hardship.forms import HomeVisitForm
from cases.hardship.attachments import keep_attachment

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
MIB = 1024 * 1024


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refusal(name, content, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(name, content), **kwargs)
    return error.value.messages


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["姓名", "身份证号"])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_point_7_a_30_mib_svg_exe_is_refused_as_a_signed_authorisation():
    assert refusal("x.svg.exe", EXE + b"\x00" * (30 * MIB)) == [
        "文件“x.svg.exe”大小为30 MiB，超过上限20 MiB：请降低扫描分辨率、压缩或分拆后重新上传。"]
    assert refusal("x.svg.exe", PDF) == ["文件“x.svg.exe”是可执行文件或网页（.exe），不能上传：请上传扫描件或数据文件。"]
    assert refusal("授权书.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>") == [
        "文件“授权书.svg”是可执行文件或网页（.svg），不能上传：请上传扫描件或数据文件。"]


def test_point_7_the_content_decides_the_type_not_the_name():
    assert validate_upload(upload("授权书.pdf", PDF)) == "pdf"
    assert validate_upload(upload("授权书.JPG", JPEG)) == "jpeg"
    assert validate_upload(upload("授权书.png", PNG)) == "png"
    assert refusal("授权书.pdf", EXE) == [
        "文件“授权书.pdf”的内容不是PDF、JPEG、PNG文件：请上传PDF、JPEG、PNG格式的文件（文件名后缀不能代替格式）。"]
    assert refusal("授权书.pdf", PNG) == ["文件“授权书.pdf”的后缀.pdf与其内容（PNG）不符：请以.png后缀上传原文件。"]
    assert refusal("空.pdf", b"") == ["上传的文件“空.pdf”是空文件：请重新选择文件。"]


def test_point_7_data_imports_take_csv_and_xlsx_by_content():
    assert validate_upload(upload("民政数据.csv", "姓名,身份证号\n王秀英,11010519491231002X\n".encode()),
                           allowed=TABLES) == "csv"
    assert validate_upload(upload("民政数据.xlsx", xlsx_bytes()), allowed=TABLES) == "xlsx"
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("payload.bin", b"\x00")
    assert refusal("民政数据.xlsx", archive.getvalue(), allowed=TABLES) == [
        "文件“民政数据.xlsx”的内容不是CSV、XLSX文件：请上传CSV、XLSX格式的文件（文件名后缀不能代替格式）。"]
    assert refusal("民政数据.csv", "姓名,身份证号\n".encode("gbk"), allowed=TABLES)[0].startswith(
        "文件“民政数据.csv”的内容不是CSV、XLSX文件")
    assert refusal("民政数据.csv", PDF, allowed=SCANS + TABLES) == [
        "文件“民政数据.csv”的后缀.csv与其内容（PDF）不符：请以.pdf后缀上传原文件。"]


def test_point_7_the_size_limit_comes_from_settings_or_the_caller(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    assert refusal("授权书.pdf", PDF + b"\x00" * 2048) == [
        "文件“授权书.pdf”大小为2 KiB，超过上限1 KiB：请降低扫描分辨率、压缩或分拆后重新上传。"]
    settings.UPLOAD_MAX_BYTES = 20 * MIB
    assert refusal("授权书.pdf", PDF + b"\x00" * 3 * MIB, max_bytes=2 * MIB)[0].startswith(
        "文件“授权书.pdf”大小为3 MiB，超过上限2 MiB")


def test_point_7_names_lose_their_folders_and_control_characters():
    assert safe_filename("../../etc/授权书.pdf", "pdf") == "授权书.pdf"
    assert safe_filename("C:\\Users\\王\\扫描件\x00.pdf", "pdf") == "扫描件.pdf"
    assert safe_filename("扫描件", "png") == "扫描件.png"
    with pytest.raises(ValidationError, match="缺少文件名"):
        safe_filename("../", "pdf")


def test_point_7_the_upload_field_refuses_with_its_message_and_renames_what_it_keeps():
    class ScanForm(forms.Form):
        scan = UploadField(label="扫描件", allowed=SCANS)

    refused = ScanForm(files={"scan": upload("x.svg.exe", EXE)})
    assert not refused.is_valid()
    assert refused.errors["scan"] == ["文件“x.svg.exe”是可执行文件或网页（.exe），不能上传：请上传扫描件或数据文件。"]
    kept = ScanForm(files={"scan": upload("../扫描件.pdf", PDF)})
    assert kept.is_valid() and kept.cleaned_data["scan"].name == "扫描件.pdf"
    assert 'accept=".pdf,.jpg,.jpeg,.jpe,.jfif,.png"' in str(ScanForm()["scan"])


def test_point_7_the_validator_serves_a_model_file_field_too():
    validator = UploadValidator(allowed=TABLES, max_bytes=MIB)
    assert validator.deconstruct() == ("cases.platform.uploads.UploadValidator", (),
                                       {"allowed": ("csv", "xlsx"), "max_bytes": MIB})
    validator(upload("民政数据.xlsx", xlsx_bytes()))
    with pytest.raises(ValidationError, match="内容不是CSV、XLSX文件"):
        validator(upload("民政数据.xlsx", EXE))


@pytest.mark.django_db
def test_point_7_the_home_visit_form_and_the_attachment_service_refuse_an_executable(orgs, people):
    form = HomeVisitForm(data={"visited_on": "2026-12-01", "findings": "家中陈设简陋。"},
                         files={"authorisation_scan": upload("x.svg.exe", EXE)}, case=None, user=people["caseworker"])
    assert not form.is_valid()
    assert form.errors["authorisation_scan"] == [
        "文件“x.svg.exe”是可执行文件或网页（.exe），不能上传：请上传扫描件或数据文件。"]

    file = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.APPLIED)
    with pytest.raises(ValidationError, match="内容不是PDF、JPEG、PNG文件"):
        keep_attachment(file, upload("授权书.pdf", EXE), AttachmentKind.AUTHORISATION, by=people["caseworker"])
    assert not HardshipAttachment.objects.exists()


@pytest.mark.django_db
def test_point_7_the_home_visit_page_keeps_a_pdf_and_refuses_an_executable(client, orgs, people):
    caseworker = people["caseworker"]
    file = open_hardship_file(household=household_in_hardship(orgs["hd"]), by=caseworker,
                              source=IdentificationSource.APPLICATION, year=2025)
    start_hardship_flow(file, by=caseworker)
    application = file.process.task_set.get(flow_task=HardshipFlow.take_application, finished__isnull=True)
    claim_task(application, caseworker)
    complete_task(application, by=caseworker, transition="take_application",
                  data={"applied_on": date(2026, 12, 1), "application_reason": "本人大病，配偶失业。"})
    task = file.process.task_set.get(flow_task=HardshipFlow.home_visit, finished__isnull=True)
    if task.owner_id is None:
        claim_task(task, caseworker)
    client.force_login(caseworker)
    get_resolver().url_patterns  # the flows' URL names exist once the site's patterns are built
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    visit = {"visited_on": "2026-12-02", "authorisation_signed_on": "2026-12-02",
             "sensitive_consent_signed_on": "2026-12-02", "second_visitor": second_visitor(orgs["hd"]).pk,
             "findings": "家中陈设简陋。"}

    refused = client.post(url, {**visit, "authorisation_scan": upload("x.svg.exe", EXE)})
    assert refused.status_code == 200
    assert "文件“x.svg.exe”是可执行文件或网页（.exe），不能上传" in refused.content.decode()
    assert not HardshipAttachment.objects.exists()

    done = client.post(url, {**visit, "authorisation_scan": upload("..\\..\\授权书.pdf", PDF),
                             "sensitive_consent_scan": upload("单独同意书.png", PNG)})
    assert done.status_code == 302
    consent = HardshipAttachment.objects.get(kind=AttachmentKind.SENSITIVE_CONSENT)
    assert (consent.original_name, consent.content_type) == ("单独同意书.png", "image/png")
    kept = HardshipAttachment.objects.get(kind=AttachmentKind.AUTHORISATION)
    assert kept.original_name == "授权书.pdf" and kept.kind == AttachmentKind.AUTHORISATION
    with kept.upload.open("rb") as handle:
        assert handle.read() == PDF
