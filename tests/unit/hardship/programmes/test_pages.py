"""The 帮扶项目 pages: reachable from the hardship menu, opened by each role that sees them
(caseworker, reviewer, auditor), out of reach for others; an application from the form to its
receipt through the pages, with the service's refusals on the form; the cause on the file page."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.utils import timezone

from cases.hardship.programmes.applications import apply_for_programme
from cases.models import (
    AidProgramme,
    AidProgrammeApplication,
    ApplicationStatus,
    AuditEvent,
    Document,
    Household,
    Role,
)
from cases.platform.transitions import apply
from tests.unit.hardship.programmes.conftest import YEAR

pytestmark = pytest.mark.django_db
P, A = AidProgramme, ApplicationStatus
LIST = "/hardship/programmes/"
READERS = ("caseworker", "reviewer", "auditor")


def text(response) -> str:
    return response.content.decode()


def apply_url(programme, file=None) -> str:
    return f"{LIST}apply/{programme}/" + (f"?file={file.pk}" if file is not None else "")


@pytest.fixture
def application(people, family, funds):
    file, child = family
    return apply_for_programme(programme=P.AUTUMN_SCHOOLING, by=people["caseworker"], household=file.household,
                               fund=funds[P.AUTUMN_SCHOOLING], member=child, term="autumn", school="北京工业大学",
                               reason="子女上大学")


# -- who sees what ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", READERS)
def test_the_hardship_menu_leads_to_the_programmes_for_each_hardship_role(client, people, role):
    client.force_login(people[role])
    assert 'href="/hardship/programmes/"' in text(client.get("/"))
    page = client.get(LIST)
    assert page.status_code == 200 and "帮扶项目" in text(page)
    assert ("新建金秋助学申请" in text(page)) == (role == "caseworker")


@pytest.mark.parametrize("role", READERS)
def test_an_application_opens_for_each_hardship_role_and_the_view_is_journalled(client, people, application, role):
    client.force_login(people[role])
    listed = client.get(LIST, {"programme": "autumn_schooling"})
    assert application.number in text(listed)
    page = client.get(f"{LIST}{application.pk}/")
    assert page.status_code == 200
    body = text(page)
    assert "王小明就读大学/高职" in body and "¥3,000.00" in body and "北京工业大学" in body
    assert AuditEvent.objects.filter(name="view_programme_application", actor=people[role]).exists()
    assert ("action-approve" in body) == (role == "reviewer")
    if role == "auditor":
        assert "您对本申请只有查阅权限" in body


def test_others_are_refused_or_find_nothing(client, people, application, make_user, orgs):
    client.force_login(people["mediator"])
    assert client.get(LIST).status_code == 403
    assert 'href="/hardship/programmes/"' not in text(client.get("/"))
    outsider = make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)
    client.force_login(outsider)
    assert client.get(f"{LIST}{application.pk}/").status_code == 404
    assert application.number not in text(client.get(LIST))


@pytest.mark.parametrize("programme", P.values)
def test_each_programmes_form_opens_for_a_caseworker(client, people, family, programme):
    file, _child = family
    client.force_login(people["caseworker"])
    on_file = programme != P.EMERGENCY
    first = client.get(apply_url(programme))
    assert first.status_code == 200
    if on_file:  # first the household on file
        assert 'id="file-pick"' in text(first) and file.number in text(first)
        page = client.get(apply_url(programme, file))
        assert page.status_code == 200 and 'id="application-form"' in text(page)
    else:
        assert 'name="head_resident_id"' in text(first) and 'name="requested_amount"' in text(first)


@pytest.mark.parametrize("role", ("reviewer", "auditor"))
def test_only_caseworkers_open_the_application_forms(client, people, role):
    client.force_login(people[role])
    assert client.get(apply_url(P.SPRING_FESTIVAL)).status_code == 403


# -- from the form to the receipt -------------------------------------------------------------------

def test_a_schooling_grant_from_the_form_through_both_approvals_to_the_receipt(
        client, people, family, funds, reviewer2, django_capture_on_commit_callbacks):
    file, child = family
    client.force_login(people["caseworker"])
    refused = client.post(apply_url(P.AUTUMN_SCHOOLING), {"file": file.pk, "member": child.pk, "term": "autumn",
                                                          "school": "", "fund": funds[P.AUTUMN_SCHOOLING].pk,
                                                          "reason": "子女上大学"})
    assert refused.status_code == 400 and "请填写就读学校。" in text(refused) and "子女上大学" in text(refused)
    done = client.post(apply_url(P.AUTUMN_SCHOOLING), {"file": file.pk, "member": child.pk, "term": "autumn",
                                                       "school": "北京工业大学", "fund": funds[P.AUTUMN_SCHOOLING].pk,
                                                       "reason": "子女上大学"})
    application = AidProgrammeApplication.objects.get()
    assert done.status_code == 302 and done["Location"] == f"{LIST}{application.pk}/"

    client.force_login(people["reviewer"])
    approved = client.post(f"{LIST}{application.pk}/actions/approve/", {"approve-reason": "属实"}, follow=True)
    assert "还须另一名审核人复审批" in text(approved)
    client.force_login(reviewer2)
    client.post(f"{LIST}{application.pk}/actions/approve_second/", {"approve_second-reason": "同意"})
    application.refresh_from_db()
    assert application.status == A.APPROVED

    client.force_login(people["caseworker"])
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(f"{LIST}{application.pk}/actions/disburse/",
                           {"disburse-paid_on": timezone.localdate().isoformat(), "disburse-recipient": "王建国"},
                           follow=True)
    assert f"领款凭证编号BJ-HD-LK-{YEAR}-000001" in text(paid)
    receipt = Document.objects.get(kind="programme_receipt")
    download = client.get(f"{LIST}{application.pk}/documents/{receipt.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert quote(f"{application.number}-金秋助学领款凭证") in download["Content-Disposition"]
    assert AuditEvent.objects.filter(name="download_document", actor=people["caseworker"]).exists()


def test_the_door_refuses_on_the_page_the_preparer_approving(client, orgs, people, application):
    from cases.models import Membership

    Membership.objects.create(user=people["caseworker"], organisation=orgs["hd"], role=Role.REVIEWER)
    client.force_login(people["caseworker"])
    page = client.post(f"{LIST}{application.pk}/actions/approve/", {"approve-reason": ""})
    assert page.status_code == 200 and "不能审批" in text(page)
    application.refresh_from_db()
    assert application.status == A.APPLIED


def test_emergency_aid_from_the_page_registers_the_household_with_the_application(client, people, funds, rules):
    client.force_login(people["caseworker"])
    data = {"organisation": people["caseworker"].memberships.get().organisation_id, "head_name": "陈立军",
            "head_resident_id": "11010819820304001X", "head_phone": "13900000001", "head_employment": "employed",
            "region_code": "110108", "address": "海淀区学院路1号", "work_unit": "某物流公司", "cause": "disaster",
            "event_on": timezone.localdate().isoformat(), "requested_amount": "9000", "fund": funds[P.EMERGENCY].pk,
            "reason": "家中失火"}
    refused = client.post(apply_url(P.EMERGENCY), data)
    assert refused.status_code == 400 and "临时救助每次上限¥5,000.00" in text(refused)
    assert not Household.objects.filter(head__name="陈立军").exists()  # rolled back with the refusal
    done = client.post(apply_url(P.EMERGENCY), {**data, "requested_amount": "2000"})
    application = AidProgrammeApplication.objects.get()
    assert done.status_code == 302 and application.household.cause == "disaster" and application.file is None


# -- on the file page -----------------------------------------------------------------------------

def test_the_file_page_offers_the_programmes_and_records_the_cause(client, people, family, application):
    file, _child = family
    client.force_login(people["caseworker"])
    page = text(client.get(f"/hardship/files/{file.pk}/"))
    assert "致困原因：因学" in page and application.number in page
    assert f"/hardship/programmes/apply/spring_festival/?file={file.pk}" in page
    client.post(f"/hardship/files/{file.pk}/cause/", {"cause": "illness"})
    file.household.refresh_from_db()
    assert file.household.cause == "illness"
    client.force_login(people["auditor"])
    page = text(client.get(f"/hardship/files/{file.pk}/"))
    assert "致困原因：因病" in page and 'id="record-cause"' not in page and 'id="programme-links"' not in page


def test_the_fund_ledger_names_the_application_paid(client, people, application, funds, reviewer2):
    apply(application, "approve", by=people["reviewer"])
    apply(application, "approve_second", by=reviewer2)
    apply(application, "disburse", by=people["caseworker"], data={"paid_on": timezone.localdate(),
                                                                   "recipient": "王建国"})
    client.force_login(people["reviewer"])
    fund_page = text(client.get(f"/hardship/funds/{funds[P.AUTUMN_SCHOOLING].pk}/"))
    assert application.number in fund_page and "金秋助学" in fund_page
    assert "¥47,000.00" in fund_page
    export = client.get(f"/hardship/funds/{funds[P.AUTUMN_SCHOOLING].pk}/ledger.xlsx")
    assert export.status_code == 200
    assert Decimal("3000.00") == application.disbursements.get().amount
