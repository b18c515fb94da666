"""Issue 17, point 9: the auditor's reveals, exports and reads are journalled, but they appear only
on the timelines auditors read — never on the case or file timeline of those being audited."""

import pytest

from cases.models import AuditAction, AuditEvent
from tests.unit.security.districts.world import dispute_today, hardship_file_with_flow, notice

pytestmark = pytest.mark.django_db

REASON = "核查群众来信：反映调解员收受当事人财物"


def timeline_of(response) -> str:
    """The 时间线 panel of a case or file page."""
    text = response.content.decode()
    start = text.index('id="tab-timeline"')
    return text[start:text.index("</ol>", start)]


@pytest.fixture
def case(orgs, staff):
    return dispute_today(orgs["hd_street"], staff["mediator"], worker="王秀英", employer="北京某科技有限公司", n=11)


@pytest.fixture
def file(orgs, staff):
    return hardship_file_with_flow(orgs["hd"], staff["caseworker"], head="王建国", resident_id="110108197501010017",
                                   region="110108")


def audit(client, auditor, kind, subject, *, download=""):
    """What an auditor does with a subject: reveal its ID number with a reason, export its history."""
    client.force_login(auditor)
    assert client.post(f"/audit/{kind}/{subject.pk}/reveal/", {"reason": REASON}).status_code == 200
    assert client.get(f"/audit/{kind}/{subject.pk}/history.json").status_code == 200
    if download:
        assert client.get(download).status_code == 200


def test_point_9_the_auditors_work_on_a_case_is_journalled_but_not_on_the_mediators_timeline(
        client, staff, orgs, case):
    document = notice(orgs["hd_street"], case, staff["mediator"])
    download = f"/cases/{case.pk}/documents/{document.pk}/"
    audit(client, staff["auditor"], "disputes", case, download=download)
    auditor = staff["auditor"]
    assert set(AuditEvent.objects.filter(actor=auditor).exclude(action=AuditAction.LOGIN)
               .values_list("action", "name")) == {
        (AuditAction.SENSITIVE_VIEW, "reveal_resident_id"), (AuditAction.EXPORT, "export_history_json"),
        (AuditAction.EXPORT, "download_document"),
    }

    for role in ("mediator", "lead"):
        client.force_login(staff[role])
        if role == "mediator":
            assert client.get(download).status_code == 200  # the mediator's own download stays on the record
        timeline = timeline_of(client.get(f"/cases/{case.pk}/"))
        assert "hd_auditor" not in timeline
        assert REASON not in timeline
        assert "reveal_resident_id" not in timeline and "export_history_json" not in timeline
        assert "登记申请" in timeline  # the case's own history is all there
        assert "下载文书：调解通知书" in timeline and "hd_mediator" in timeline


def test_point_9_auditors_see_the_auditors_work_on_the_case_page_and_the_audit_timeline(client, staff, orgs, case):
    audit(client, staff["auditor"], "disputes", case)
    case_page = timeline_of(client.get(f"/cases/{case.pk}/"))
    assert "hd_auditor" in case_page and REASON in case_page
    audit_page = client.get(f"/audit/disputes/{case.pk}/").content.decode()
    assert "显示完整身份证号" in audit_page and REASON in audit_page


def test_point_9_the_auditors_reads_of_a_file_are_not_on_the_caseworkers_timeline(client, staff, file):
    client.force_login(staff["auditor"])
    assert client.get(f"/hardship/files/{file.pk}/").status_code == 200  # journalled: view_hardship_file
    audit(client, staff["auditor"], "hardship", file)
    assert AuditEvent.objects.filter(actor=staff["auditor"], name="view_hardship_file").count() == 1

    for role in ("caseworker", "reviewer"):
        client.force_login(staff[role])
        timeline = timeline_of(client.get(f"/hardship/files/{file.pk}/?tab=timeline"))
        assert "hd_auditor" not in timeline and REASON not in timeline
        assert "查阅档案详情" in timeline and f"hd_{role}" in timeline  # their own reads stay on the record

    client.force_login(staff["auditor"])
    timeline = timeline_of(client.get(f"/hardship/files/{file.pk}/?tab=timeline"))
    assert "hd_auditor" in timeline and REASON in timeline


def test_point_9_an_auditor_of_another_district_does_not_make_the_entries_visible(client, staff, orgs, case,
                                                                                 make_user):
    """Reading the auditors' work takes the auditor role over the case's own organisation."""
    from cases.models import Membership, Role
    from cases.platform.audit.readers import reads_auditors_work

    audit(client, staff["auditor"], "disputes", case)
    both = make_user("hd_mediator_cy_auditor", orgs["hd_street"], Role.MEDIATOR)
    Membership.objects.create(user=both, organisation=orgs["cy"], role=Role.AUDITOR)
    assert not reads_auditors_work(both, orgs["hd_street"])
    assert reads_auditors_work(staff["auditor"], orgs["hd_street"])
    client.force_login(both)
    timeline = timeline_of(client.get(f"/cases/{case.pk}/"))
    assert REASON not in timeline and "hd_auditor" not in timeline
