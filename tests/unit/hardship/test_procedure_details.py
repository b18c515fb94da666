"""Issue 19, point 5: the identification procedure's details. Two staff on the home visit, both
signing; the household's separate consent to sensitive information; a publicity notice that
says where to object, shows the work unit and prints the period its clock counts; objection
reviews never by the file's preparers; attachments checked by content, kept with their
SHA-256 and journalled on download; the registration's year and organisations."""

import hashlib
import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from cases.documents.registry import get_kind
from cases.models import AuditAction, AuditEvent, HardshipAttachment, HardshipStatus, Objection, Role
from cases.models.hardship.records import AttachmentKind
from cases.models.hardship.states import HOME_VISIT_CHECKLIST
from cases.platform.deadlines import apply_trigger
from cases.platform.documents import render_pdf
from cases.platform.transitions import apply
from cases.rules import calendar
from tests.hardship_fixtures import file_in_state, household_in_hardship, minimum_living_standard, second_visitor
from workflows.dispute.flow import claim_task
from workflows.hardship.flow import ObjectionFlow
from workflows.hardship.forms import HomeVisitForm
from workflows.hardship.register.forms import ApplicationForm
from workflows.hardship.views import hardship_queue

pytestmark = pytest.mark.django_db

H = HardshipStatus
TODAY = "2026-12-07"  # a Monday
VISIT = {
    "visited_on": date(2026, 12, 2), "authorisation_signed_on": date(2026, 12, 2),
    "sensitive_consent_signed_on": date(2026, 12, 2), "findings": "家中陈设简陋，医疗票据齐全。",
    "checklist": {key: True for key, _label in HOME_VISIT_CHECKLIST},
}
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def build(code, file) -> str:
    kind = get_kind(code)
    context = {**kind.build_context(file, None, variant=""), "title": str(kind.title),
               "organisation_name": file.organisation.name}
    return pdf_text(render_pdf(template=kind.template, context=context).content)


@pytest.fixture
def applied(orgs, people):
    return file_in_state(household_in_hardship(orgs["hd"]), H.APPLIED, prepared_by=people["caseworker"])


# -- the home visit: two staff, and the separate consent ----------------------------------------

@pytest.mark.parametrize("who, message", [
    (None, "入户调查须由两名工作人员进行，请选择共同调查人。"),
    ("self", "共同调查人须为另一名工作人员，不能是本人。"),
    ("chaoyang", "共同调查人须为海淀区总工会的帮扶工作人员或审核人。"),
    ("mediator", "共同调查人须为海淀区总工会的帮扶工作人员或审核人。"),
])
def test_a_home_visit_names_a_second_staff_member_of_the_organisation(applied, orgs, people, make_user, who, message):
    others = {None: None, "self": people["caseworker"], "mediator": people["mediator"],
              "chaoyang": make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)}
    with freeze_time(TODAY), pytest.raises(ValidationError) as refused:
        apply(applied, "record_home_visit", by=people["caseworker"], data={**VISIT, "second_visitor": others[who]})
    assert refused.value.message_dict["second_visitor"] == [message]
    applied.refresh_from_db()
    assert applied.status == H.APPLIED


def test_without_the_separate_consent_the_visit_is_not_recorded(applied, orgs, people):
    data = {**VISIT, "sensitive_consent_signed_on": None, "second_visitor": second_visitor(orgs["hd"])}
    with freeze_time(TODAY), pytest.raises(ValidationError) as refused:
        apply(applied, "record_home_visit", by=people["caseworker"], data=data)
    assert "个人信息保护法第二十八条至第三十一条" in refused.value.message_dict["sensitive_consent_signed_on"][0]


def test_the_second_visitor_is_a_preparer_and_may_not_approve(applied, orgs, people):
    with freeze_time(TODAY):
        apply(applied, "record_home_visit", by=people["caseworker"], data={**VISIT, "second_visitor": people["reviewer"]})
    applied.refresh_from_db()
    assert applied.status == H.HOME_VISITED and applied.second_visitor == people["reviewer"]
    assert applied.sensitive_consent_signed_on == date(2026, 12, 2)
    assert people["reviewer"].pk in applied.preparers()
    waiting = file_in_state(household_in_hardship(orgs["hd"], name="李强", resident_id="11010519491231002X"),
                            H.AWAITING_APPROVAL, prepared_by=people["caseworker"], second_visitor=people["reviewer"])
    with pytest.raises(PermissionDenied, match="双人审核"):
        apply(waiting, "approve", by=people["reviewer"])


def test_the_home_visit_form_offers_the_organisations_other_staff(applied, orgs, people, make_user):
    make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)
    companion = second_visitor(orgs["hd"])
    form = HomeVisitForm(case=applied, user=people["caseworker"])
    offered = set(form.fields["second_visitor"].queryset.values_list("username", flat=True))
    assert offered == {companion.username, "hd_reviewer"}  # not the visitor, a mediator, nor Chaoyang's
    assert "不超过20 MiB" in form.fields["authorisation_scan"].help_text


def test_the_home_visit_record_carries_both_visitors_and_the_separate_consent(orgs, people):
    household = household_in_hardship(orgs["hd"])  # children born 2010 and 2011: 14 or older by now
    child = household.members.create(name="王小妹", relation="child", birth_date=date(2016, 6, 1),
                                     employment="not_of_working_age")
    companion = second_visitor(orgs["hd"])
    file = file_in_state(household, H.HOME_VISITED, prepared_by=people["caseworker"], visited_on=date(2026, 12, 2),
                         visited_by=people["caseworker"], second_visitor=companion, visit_checklist=VISIT["checklist"],
                         visit_findings="家中陈设简陋。", authorisation_signed_on=date(2026, 12, 2),
                         sensitive_consent_signed_on=date(2026, 12, 3))
    text = build("home_visit_record", file)
    assert "调查人：hd_caseworker、钱同行（两人入户）" in text
    assert "调查人（签名）：__________（hd_caseworker）" in text and "调查人（签名）：__________（钱同行）" in text
    consent = text.split("三、敏感个人信息单独同意")[1].split("四、入户核查项")[0]
    assert "2026年12月3日另行签署《敏感个人信息处理单独同意书》" in consent
    assert f"不满十四周岁的未成年人{child.name}的个人信息（由其父母或者其他监护人同意）" in consent
    assert "独立于上述信息核对授权" in consent


# -- the publicity notice --------------------------------------------------------------------------

def publicised(orgs, people, posted_on, **household_fields):
    household = household_in_hardship(orgs["hd"])
    for name, value in household_fields.items():
        setattr(household, name, value)
    household.save()
    file = file_in_state(household, H.IN_PUBLICITY, prepared_by=people["caseworker"], category="deep",
                         publicity_started_on=posted_on, publicity_place="海淀区总工会一楼公示栏")
    apply_trigger(file, "start_publicity", organisation=file.organisation, today=posted_on)
    return file


def test_the_printed_period_has_the_working_days_it_states(orgs, people):
    """Posted Monday 7 December 2026: it used to print 12月7日至12月14日（5个工作日）, six working days."""
    file = publicised(orgs, people, date(2026, 12, 7))
    period = get_kind("publicity_notice").build_context(file, None, variant="")["period"]
    assert (period["starts_on"], period["ends_on"], period["working_days"]) == ("2026年12月8日", "2026年12月14日", 5)
    first, last = date(2026, 12, 8), date(2026, 12, 14)
    counted = sum(calendar.is_workday(first + timedelta(days=n)) for n in range((last - first).days + 1))
    assert counted == period["working_days"]
    assert "公示期：2026年12月8日至2026年12月14日，共5个工作日" in build("publicity_notice", file)


def test_the_notice_names_where_to_object_and_the_work_unit(orgs, people):
    hd = orgs["hd"]
    hd.address, hd.phone = "北京市海淀区某某路1号", "010-62345678"
    hd.save()
    file = publicised(orgs, people, date(2026, 12, 7), work_unit="北京某物业管理有限公司")
    text = build("publicity_notice", file)
    assert "王*国—北京某物业管理有限公司深度困难" in text and "王建国" not in text
    assert "向海淀区总工会提出（地址：北京市海淀区某某路1号；电话：010-62345678）" in text


def test_with_only_a_phone_the_notice_gives_the_phone(orgs, people):
    hd = orgs["hd"]
    hd.phone = "010-62345678"
    hd.save()
    text = build("publicity_notice", publicised(orgs, people, date(2026, 12, 7)))
    assert "向海淀区总工会提出（电话：010-62345678）" in text and "地址：" not in text


# -- objection reviews ------------------------------------------------------------------------------

@pytest.fixture
def objection_review(orgs, people):
    """A file in publicity prepared by the caseworker, with a second caseworker on the visit, and an objection."""
    companion = second_visitor(orgs["hd"])
    file = file_in_state(household_in_hardship(orgs["hd"]), H.REVIEWED, prepared_by=people["caseworker"],
                         visited_by=people["caseworker"], second_visitor=companion, reviewed_by=people["caseworker"])
    apply(file, "start_publicity", by=people["caseworker"], data={"place": "社区公告栏"})
    apply(file, "lodge_objection", by=people["caseworker"], data={"content": "该户有出租房屋收入未申报。"})
    objection = Objection.objects.get(file=file)
    return file, objection, objection.process.task_set.get(flow_task=ObjectionFlow.review_objection)


def test_a_preparer_may_not_review_an_objection_to_the_file(orgs, people, make_user, objection_review):
    file, objection, task = objection_review
    companion = second_visitor(orgs["hd"])
    for preparer in (people["caseworker"], companion):
        assert task.pk not in hardship_queue(preparer).values_list("pk", flat=True)
        with pytest.raises(PermissionDenied, match="不能核查对本档案的公示异议"):
            claim_task(task, preparer)
        with pytest.raises(PermissionDenied, match="不能核查对本档案的公示异议"):
            apply(file, "resolve_objection", by=preparer, reason="经核实不成立。",
                  data={"objection": objection, "upheld": False})
    other = make_user("hd_caseworker3", orgs["hd"], Role.HARDSHIP_CASEWORKER)
    assert task.pk in hardship_queue(other).values_list("pk", flat=True)
    assert task.pk in hardship_queue(people["reviewer"]).values_list("pk", flat=True)
    apply(file, "resolve_objection", by=people["reviewer"], reason="经核实房屋为单位宿舍。",
          data={"objection": objection, "upheld": False})
    objection.refresh_from_db()
    assert objection.resolved_by == people["reviewer"]


def test_the_file_page_does_not_offer_the_review_to_its_preparer(client, people, objection_review):
    file, _objection, _task = objection_review
    url = reverse("workbench:hardship_file", args=[file.pk])
    client.force_login(people["caseworker"])
    [row] = client.get(url).context["flow_tasks"]
    assert (row["title"], row["link_label"]) == ("核查公示异议", "查看")
    client.force_login(people["reviewer"])
    [row] = client.get(url).context["flow_tasks"]
    assert row["link_label"] == "领取"


# -- attachments --------------------------------------------------------------------------------------

def upload_url(file):
    return reverse("workbench:hardship_file_attachment_upload", args=[file.pk])


def post_attachment(client, file, name, content, kind=AttachmentKind.BILLS):
    return client.post(upload_url(file), {"attachment-kind": kind,
                                          "attachment-upload": SimpleUploadedFile(name, content)}, follow=True)


def test_an_attachment_is_checked_by_content_and_kept_with_its_sha256(client, orgs, people, applied):
    client.force_login(people["caseworker"])
    refused = post_attachment(client, applied, "医疗票据.pdf", EXE)
    assert "内容不是PDF、JPEG、PNG文件" in refused.content.decode()
    assert not HardshipAttachment.objects.exists()

    kept = post_attachment(client, applied, "医疗票据.pdf", PDF)
    assert "已上传“医疗票据.pdf”（医疗、就学等票据）" in kept.content.decode()
    attachment = HardshipAttachment.objects.get()
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (attachment.size, attachment.content_type, attachment.uploaded_by) == (len(PDF), "application/pdf",
                                                                                  people["caseworker"])
    journalled = AuditEvent.objects.for_subject(attachment).get(name="attachment_kept")
    assert journalled.data["sha256"] == attachment.sha256


def test_the_size_limit_is_a_setting(client, settings, people, applied):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(people["caseworker"])
    refused = post_attachment(client, applied, "领款收据.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048,
                              kind=AttachmentKind.RECEIPT)
    assert "超过上限1 KiB" in refused.content.decode()
    assert not HardshipAttachment.objects.exists()


def test_readers_download_attachments_and_each_download_is_journalled(client, orgs, people, make_user, applied):
    client.force_login(people["caseworker"])
    post_attachment(client, applied, "授权书.pdf", PDF, kind=AttachmentKind.AUTHORISATION)
    attachment = HardshipAttachment.objects.get()
    url = reverse("workbench:hardship_file_attachment", args=[applied.pk, attachment.pk])

    client.force_login(people["auditor"])
    page = client.get(reverse("workbench:hardship_file", args=[applied.pk]) + "?tab=documents")
    assert url in page.content.decode() and page.context["attachment_form"] is None  # reads, never uploads
    for _time in range(2):
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
    downloads = AuditEvent.objects.for_subject(attachment).filter(action=AuditAction.EXPORT,
                                                                  name="download_attachment")
    assert [event.actor for event in downloads] == [people["auditor"], people["auditor"]]

    refused = client.post(upload_url(applied), {"attachment-kind": AttachmentKind.OTHER,
                                                "attachment-upload": SimpleUploadedFile("x.pdf", PDF)}, follow=True)
    assert "只有本组织的帮扶工作人员可以上传档案附件" in refused.content.decode()
    assert HardshipAttachment.objects.count() == 1

    client.force_login(make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER))
    assert client.get(url).status_code == 404
    assert downloads.count() == 2


# -- registration: the year and the organisations ----------------------------------------------------

def test_registration_defaults_to_this_year_and_offers_only_federations(orgs, people, make_user):
    both = make_user("hd_both", orgs["hd"], Role.HARDSHIP_CASEWORKER)
    with freeze_time(TODAY):
        form = ApplicationForm(user=both)
        assert form.initial["year"] == 2026
    offered = set(form.fields["organisation"].queryset.values_list("code", flat=True))
    assert offered == {"BJ-HD"}  # not 中关村街道调解中心 nor the enterprise committee under it
    city = make_user("bj_caseworker", orgs["bj"], Role.HARDSHIP_CASEWORKER)
    offered = set(ApplicationForm(user=city).fields["organisation"].queryset.values_list("code", flat=True))
    assert offered == {"BJ", "BJ-HD", "BJ-CY"}


def test_the_intake_keeps_the_work_unit_and_refuses_a_mediation_centre(orgs, people, make_user):
    from cases.hardship.intake import register_household_application
    from tests.unit.hardship.test_intake import application

    minimum_living_standard(2025)
    city = make_user("bj_caseworker", orgs["bj"], Role.HARDSHIP_CASEWORKER)  # may act over the street centre
    with pytest.raises(ValidationError) as refused:
        register_household_application(**application(orgs["hd_street"], city))
    assert refused.value.message_dict["organisation"] == [
        "中关村街道调解中心不承担困难职工帮扶工作，请选择市、区总工会。"]
    file = register_household_application(**application(orgs["hd"], people["caseworker"],
                                                         work_unit=" 北京学院路演示软件有限公司 "))
    assert file.household.work_unit == "北京学院路演示软件有限公司"
