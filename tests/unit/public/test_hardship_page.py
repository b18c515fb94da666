"""困难职工帮扶申请 (/public/hardship/): the phone step, the household and its incomes checked by the
caseworkers' own intake, the signed authorisation kept as the file's attachment, and the
application waiting in the federation's 登记申请 queue with the household's own reason."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from viewflow.workflow.status import STATUS

from cases.models import AttachmentKind, AuditEvent, HardshipAttachment, HardshipFile, HardshipStatus, IncomeItem
from cases.rules.validators import resident_id_check_char
from tests.dispute_cases import at
from tests.hardship_fixtures import minimum_living_standard
from tests.public_pages import WORKER_PHONE, management, phone_confirmed
from workflows.hardship.flow import HardshipFlow

pytestmark = pytest.mark.django_db

PAGE = "/public/hardship/"
HEAD_ID = "11010819780506001" + resident_id_check_char("11010819780506001")
CHILD_ID = "11010820090301002" + resident_id_check_char("11010820090301002")
SIGNED = b"%PDF-1.4\n% authorisation signed by the household\n%%EOF\n"


def posted(orgs, **changes):
    data = {
        "organisation": str(orgs["hd"].pk), "region_code": "", "address": "北京市海淀区学院路30号", "work_unit": "某物业公司",
        "reason": "孩子上高中，本人常年患病，只能打零工。",
        "head-name": "周建华", "head-resident_id": HEAD_ID, "head-health": "chronic",
        "head-employment": "under_employed", "head-schooling": "none",
        **management("members", 2, 20),
        "members-0-name": "周小雨", "members-0-relation": "child", "members-0-resident_id": CHILD_ID,
        "members-0-birth_date": "", "members-0-health": "healthy", "members-0-employment": "not_of_working_age",
        "members-0-schooling": "senior_secondary",
        "members-1-name": "", "members-1-relation": "", "members-1-resident_id": "", "members-1-birth_date": "",
        "members-1-health": "healthy", "members-1-employment": "", "members-1-schooling": "none",
        **management("incomes", 2), "incomes-0-kind": "wages", "incomes-0-amount": "24,000",
        "incomes-1-kind": "wages", "incomes-1-amount": "",
        **management("expenses", 1), "expenses-0-kind": "medical", "expenses-0-amount": "6000", "expenses-0-note": "",
        **management("hardship_costs", 1), "hardship_costs-0-event": "", "hardship_costs-0-gross_amount": "",
        "hardship_costs-0-compensation": "", "hardship_costs-0-note": "",
    }
    data.update(changes)
    return data


def authorisation(content=SIGNED, name="授权书.pdf"):
    return {"authorisation": SimpleUploadedFile(name, content)}


@pytest.fixture
def confirmed(client, orgs):
    with freeze_time(at("2026-11-02")):
        minimum_living_standard(year=2026)
        phone_confirmed(client, PAGE)
        yield client


def test_the_page_asks_for_the_phone_first(client, orgs):
    html = client.get(PAGE).content.decode()
    assert 'id="send-code"' in html and "困难职工帮扶申请" in html and 'id="hardship-form"' not in html


def test_after_the_code_the_household_form_is_shown(confirmed, orgs):
    html = confirmed.get(PAGE).content.decode()
    assert 'id="hardship-form"' in html and "手机号码 139****5678 已验证" in html and "信息核对授权书" in html
    assert orgs["hd"].name in html and orgs["hd_street"].name not in html  # federations only


def test_an_application_lands_in_the_hardship_intake(confirmed, orgs, people):
    response = confirmed.post(PAGE, {**posted(orgs), **authorisation()})
    assert response.status_code == 302 and response["Location"] == "/public/hardship/done/"
    file = HardshipFile.objects.get()
    assert (file.status, file.organisation, file.source, file.year) == (HardshipStatus.IDENTIFIED, orgs["hd"],
                                                                         "application", 2026)
    assert (file.applied_on, file.application_reason) == (date(2026, 11, 2), "孩子上高中，本人常年患病，只能打零工。")
    assert file.household.head.phone == WORKER_PHONE and file.household.region_code == "110108"  # from the ID
    assert file.household.members.count() == 2
    assert [str(i.amount) for i in IncomeItem.objects.filter(household=file.household)] == ["24000.00"]
    task = file.process.task_set.get(flow_task=HardshipFlow.take_application)
    assert (task.status, task.owner_id) == (STATUS.NEW, None)  # in the caseworkers' queue
    kept = HardshipAttachment.objects.get(file=file)
    assert (kept.kind, kept.content_type, kept.uploaded_by) == (AttachmentKind.AUTHORISATION, "application/pdf", None)
    assert kept.upload.read() == SIGNED and len(kept.sha256) == 64
    assert AuditEvent.objects.filter(name="attachment_kept", actor_label="system:online_hardship_application").exists()
    assert "海淀区总工会已于2026年11月2日收到" in confirmed.get("/public/hardship/done/").content.decode()

    # The caseworker's 登记申请 form carries the household's own reason and day.
    from workflows.hardship.forms import ApplicationForm

    form = ApplicationForm(case=file, user=people["caseworker"])
    assert form.initial == {"application_reason": file.application_reason, "applied_on": date(2026, 11, 2)}


def test_a_bad_identity_number_and_a_missing_authorisation_are_said(confirmed, orgs):
    bad = HEAD_ID[:-1] + ("1" if HEAD_ID[-1] != "1" else "2")
    html = confirmed.post(PAGE, posted(orgs, **{"head-resident_id": bad})).content.decode()
    assert "请上传全体家庭成员签名的信息核对授权书" in html and not HardshipFile.objects.exists()
    html = confirmed.post(PAGE, {**posted(orgs, **{"head-resident_id": bad}), **authorisation()}).content.decode()
    assert "校验码不正确" in html and 'value="周建华"' in html and not HardshipFile.objects.exists()


def test_an_identity_number_on_file_under_another_name_does_not_tell_whose_it_is(confirmed, orgs):
    """Anyone may type anyone's ID number here: the page says the names differ, not the name on file."""
    from cases.models import Worker

    Worker.objects.create(name="周建国", resident_id=HEAD_ID, birth_date=date(1978, 5, 6))
    html = confirmed.post(PAGE, {**posted(orgs), **authorisation()}).content.decode()
    assert "已登记的姓名与填写的姓名“周建华”不一致" in html
    assert "周建国" not in html and not HardshipFile.objects.exists()


def test_an_authorisation_is_told_by_its_content(confirmed, orgs):
    html = confirmed.post(PAGE, {**posted(orgs), **authorisation(b"not a scan", "授权书.pdf")}).content.decode()
    assert "的内容不是PDF、JPEG、PNG文件" in html and not HardshipFile.objects.exists()


def test_a_household_with_an_open_file_is_told(confirmed, orgs):
    assert confirmed.post(PAGE, {**posted(orgs), **authorisation()}).status_code == 302
    phone_confirmed(confirmed, PAGE, "13912340000")
    html = confirmed.post(PAGE, {**posted(orgs), **authorisation()}).content.decode()
    assert "该家庭已有未结束的困难职工档案" in html and HardshipFile.objects.count() == 1


def test_a_region_without_a_standard_is_said(confirmed, orgs):
    html = confirmed.post(PAGE, {**posted(orgs, region_code="110105"), **authorisation()}).content.decode()
    assert "缺少110105地区2026年的低保标准" in html and not HardshipFile.objects.exists()
