"""The year's holiday schedule: uploaded as CSV, previewed (the provisional deadlines it would move,
before → after, in the admin's subtree only, nothing changed yet), decided by another admin
through the transition door, journalled."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import DayKind, Deadline, HolidaySchedule, Role, ScheduleStatus
from cases.models.actors import system
from cases.platform.deadlines import open_deadline
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.rules import deadlines as clocks
from cases.rules.calendar import is_provisional_year

from .conftest import journalled

SAMPLE_2027 = Path(__file__).resolve().parents[2] / "data" / "holidays_2027.csv"


def upload(client, organisation, content: bytes, name="holidays_2027.csv", year=2027):
    return client.post(reverse("orgadmin:schedules"), {
        "organisation": organisation.pk, "year": year, "source": "国办发明电〔2026〕x号",
        "file": SimpleUploadedFile(name, content, content_type="text/csv")})


@pytest.fixture
def waiting(orgs, people):
    """Acceptance clocks opened on Wed 2026-12-30, before 2027 had a schedule: provisionally due
    Tue 2027-01-05, in 海淀 and in 朝阳."""
    subject = propose_schedule(year=2028, entries=[ScheduleEntry(date(2028, 1, 3), DayKind.HOLIDAY)],
                               organisation=orgs["bj"], by=system("test"))
    other = propose_schedule(year=2029, entries=[ScheduleEntry(date(2029, 1, 1), DayKind.HOLIDAY)],
                             organisation=orgs["bj"], by=system("test"))
    rule = clocks.clock("dispute.acceptance")
    return {
        "hd": open_deadline(rule=rule, subject=subject, organisation=orgs["hd_street"], starts_on=date(2026, 12, 30),
                            assignee=people["mediator"]),
        "cy": open_deadline(rule=rule, subject=other, organisation=orgs["cy_street"], starts_on=date(2026, 12, 30),
                            assignee=people["cy_mediator"]),
    }


def test_an_upload_is_proposed_previewed_and_approved_by_another_admin(client, orgs, make_user, hd_admin, waiting):
    assert (waiting["hd"].due_on, waiting["hd"].provisional) == (date(2027, 1, 5), True)
    response = upload(client, orgs["hd"], SAMPLE_2027.read_bytes())
    schedule = HolidaySchedule.objects.get(year=2027)
    assert response["Location"] == reverse("orgadmin:schedule", args=[schedule.pk])
    assert (schedule.status, schedule.proposed_by, schedule.organisation) == (ScheduleStatus.PROPOSED, hd_admin, orgs["hd"])
    [proposed] = journalled("propose", subject_id=str(schedule.pk))
    assert proposed.actor == hd_admin

    page = client.get(reverse("orgadmin:schedule", args=[schedule.pk])).content.decode()
    moves = page[page.index('id="moves"'):page.index("</table>", page.index('id="moves"'))]
    assert "受理" in moves and "中关村街道调解中心" in moves and "2027年1月5日" in moves and "2027年1月6日" in moves
    assert "朝阳" not in moves and "建外街道调解中心" not in moves
    assert "您管理范围以外还有1个期限的届满日会随之改变" in page
    assert 'id="proposer-note"' in page and 'id="approve"' not in page
    # Looking changed nothing.
    assert Deadline.objects.get(pk=waiting["hd"].pk).due_on == date(2027, 1, 5) and is_provisional_year(2027)

    client.post(reverse("orgadmin:schedule", args=[schedule.pk]), {"decision": "approve"})
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.PROPOSED  # its uploader may not decide it

    client.force_login(make_user("hd_admin2", orgs["hd"], Role.ORG_ADMIN))
    assert 'id="approve"' in client.get(reverse("orgadmin:schedule", args=[schedule.pk])).content.decode()
    response = client.post(reverse("orgadmin:schedule", args=[schedule.pk]), {"decision": "approve", "reason": "已核对"})
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.APPROVED and not is_provisional_year(2027)
    assert [(d.due_on, d.provisional) for d in Deadline.objects.filter(pk__in=[waiting["hd"].pk, waiting["cy"].pk])
            .order_by("organisation__path")] == [(date(2027, 1, 6), False), (date(2027, 1, 6), False)]
    [approved] = journalled("approve", subject_id=str(schedule.pk))
    assert (approved.actor.username, approved.reason, approved.to_state) == ("hd_admin2", "已核对", "approved")


def test_a_rejection_needs_a_reason(client, orgs, make_user, hd_admin):
    upload(client, orgs["hd"], SAMPLE_2027.read_bytes())
    schedule = HolidaySchedule.objects.get()
    client.force_login(make_user("hd_admin2", orgs["hd"], Role.ORG_ADMIN))
    html = client.post(reverse("orgadmin:schedule", args=[schedule.pk]), {"decision": "reject"}).content.decode()
    assert "驳回须填写理由" in html
    client.post(reverse("orgadmin:schedule", args=[schedule.pk]), {"decision": "reject", "reason": "文号有误"})
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.REJECTED and journalled("reject")[0].reason == "文号有误"


def test_a_bad_file_is_refused_line_by_line_in_chinese(client, orgs, hd_admin):
    content = "date,kind,name\n2027-13-01,holiday,元旦\n2027-01-02,休息,元旦\n2026-10-01,holiday,国庆\n".encode()
    html = upload(client, orgs["hd"], content).content.decode()
    for message in ("第2行：日期“2027-13-01”无效", "第3行：类别“休息”无效", "第4行：日期 2026-10-01 不在2027年内"):
        assert message in html
    html = upload(client, orgs["hd"], b"MZ\x90\x00binary", name="holidays.exe").content.decode()
    assert "文件“holidays.exe”是可执行文件或网页（.exe），不能上传" in html
    assert "文件中没有任何日期" in upload(client, orgs["hd"], b"date,kind\n").content.decode()
    assert not HolidaySchedule.objects.exists()


def test_the_year_sources_show_which_years_are_provisional(client, hd_admin):
    page = client.get(reverse("orgadmin:schedules")).content.decode()
    assert "按法定放假办法暂定" in page
