"""Reading, proposing and loading an official holiday schedule for a year the library
does not know yet, and what that does to working-day deadlines."""

import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from cases.models import AuditEvent, DayKind, Deadline, HolidaySchedule, HolidayScheduleDay, ScheduleStatus
from cases.models.actors import system
from cases.platform.holiday_schedules import ScheduleEntry, parse_schedule_file, propose_schedule
from cases.rules.calendar import (
    YearSource,
    add_working_days_detailed,
    clear_calendar_cache,
    is_workday,
    year_source,
)

DATA = Path(__file__).resolve().parents[2] / "data"
SAMPLE_2027 = DATA / "holidays_2027.csv"


@pytest.fixture(autouse=True)
def fresh_calendar():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


def write(tmp_path: Path, text: str, name: str = "schedule.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def messages_of(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_holiday_schedule", *args, stdout=out)
    return out.getvalue()


# Reading the file

def test_sample_csv_is_read_with_kinds_names_and_lines():
    entries = parse_schedule_file(SAMPLE_2027, year=2027)
    assert [(e.date, e.kind, e.line) for e in entries] == [
        (date(2027, 1, 1), DayKind.HOLIDAY, 2), (date(2027, 1, 2), DayKind.HOLIDAY, 3),
        (date(2027, 1, 3), DayKind.HOLIDAY, 4), (date(2027, 1, 4), DayKind.HOLIDAY, 5),
        (date(2027, 1, 9), DayKind.WORKDAY, 6),
    ]
    assert entries[0].name.startswith("元旦")


def test_bom_chinese_kinds_crlf_and_blank_lines_are_accepted():
    entries = parse_schedule_file(DATA / "holidays_2027_bom_chinese.csv", year=2027)
    assert [(e.date, e.kind, e.line) for e in entries] == [
        (date(2027, 2, 5), DayKind.HOLIDAY, 2),
        (date(2027, 2, 20), DayKind.WORKDAY, 3),
        (date(2027, 2, 21), DayKind.WORKDAY, 5),
    ]


def test_name_column_may_be_left_out_and_slashes_are_accepted(tmp_path):
    path = write(tmp_path, "kind,date\nholiday,2027/1/4\n")
    assert parse_schedule_file(path, year=2027) == [ScheduleEntry(date(2027, 1, 4), DayKind.HOLIDAY, "", 2)]


def test_every_bad_line_is_reported_with_its_number_and_reason(tmp_path):
    path = write(tmp_path, "\n".join([
        "date,kind,name",
        "2027-02-30,holiday,春节",
        "2026-12-31,holiday,元旦",
        "2027-01-04,休息,元旦",
        "2027-01-04,holiday,元旦",
        "2027-01-09,workday,元旦",
        "2027-01-09,holiday,元旦",
        "2027-01-10,holiday," + "长" * 41,
    ]) + "\n")
    assert messages_of(lambda: parse_schedule_file(path, year=2027)) == [
        "第2行：日期“2027-02-30”无效，应写作 YYYY-MM-DD。",
        "第3行：日期 2026-12-31 不在2027年内。",
        "第4行：类别“休息”无效，应为 holiday/放假 或 workday/上班/调休上班。",
        "第8行：节日名称不能超过40个字。",
        "第7行：日期 2027-01-09 重复（已在第6行出现）。",
    ]


@pytest.mark.parametrize("text, expected", [
    ("", "文件为空"),
    ("date,kind,name\n", "没有任何日期"),
    ("day,kind,name\n2027-01-04,holiday,\n", "第1行：表头应为 date,kind,name"),
    ("date,kind,kind\n2027-01-04,holiday,holiday\n", "第1行：表头应为 date,kind,name"),
])
def test_files_without_a_usable_header_or_rows_are_refused(tmp_path, text, expected):
    path = write(tmp_path, text)
    assert expected in messages_of(lambda: parse_schedule_file(path, year=2027))[0]


def test_a_file_not_in_utf8_is_refused(tmp_path):
    path = write(tmp_path, "date,kind,name\n2027-01-04,放假,元旦\n", encoding="gbk")
    assert "UTF-8" in messages_of(lambda: parse_schedule_file(path, year=2027))[0]


def test_missing_file_and_other_formats_are_refused(tmp_path):
    assert "找不到文件" in messages_of(lambda: parse_schedule_file(tmp_path / "none.csv", year=2027))[0]
    path = write(tmp_path, "date,kind\n", name="schedule.txt")
    assert "只能导入 .csv 或 .xlsx" in messages_of(lambda: parse_schedule_file(path, year=2027))[0]


def test_xlsx_without_openpyxl_gives_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # makes `import openpyxl` fail
    path = write(tmp_path, "not really a workbook", name="schedule.xlsx")
    assert "未安装 openpyxl" in messages_of(lambda: parse_schedule_file(path, year=2027))[0]


def test_xlsx_is_read_when_openpyxl_is_installed(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["date", "kind", "name"], [date(2027, 1, 4), "放假", "元旦"], ["2027-01-09", "调休上班", None]):
        sheet.append(row)
    path = tmp_path / "schedule.xlsx"
    workbook.save(path)
    assert parse_schedule_file(path, year=2027) == [
        ScheduleEntry(date(2027, 1, 4), DayKind.HOLIDAY, "元旦", 2),
        ScheduleEntry(date(2027, 1, 9), DayKind.WORKDAY, "", 3),
    ]


# Proposing

def test_an_admin_proposes_a_schedule_that_awaits_approval(people, orgs):
    entries = parse_schedule_file(SAMPLE_2027, year=2027)
    schedule = propose_schedule(
        year=2027, entries=entries, organisation=orgs["bj"], by=people["admin"], source="测试样例",
    )
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.PROPOSED
    assert schedule.proposed_by == people["admin"]
    assert schedule.days.filter(kind=DayKind.HOLIDAY).count() == 4
    assert schedule.days.get(kind=DayKind.WORKDAY).date == date(2027, 1, 9)
    assert Deadline.objects.for_subject(schedule).active().get().clock == "calendar.schedule_review"
    event = AuditEvent.objects.get(name="propose", subject_id=str(schedule.pk))
    assert event.actor == people["admin"] and event.to_state == ScheduleStatus.PROPOSED
    assert year_source(2027) == YearSource.PROVISIONAL


def test_a_system_proposal_records_no_person(orgs):
    entries = [ScheduleEntry(date=date(2027, 1, 4), kind=DayKind.HOLIDAY)]
    schedule = propose_schedule(year=2027, entries=entries, organisation=orgs["bj"], by=system("import"))
    assert schedule.proposed_by is None


def test_only_an_organisation_admin_may_propose(people, orgs):
    entries = [ScheduleEntry(date=date(2027, 1, 4), kind=DayKind.HOLIDAY)]
    with pytest.raises(PermissionDenied):
        propose_schedule(year=2027, entries=entries, organisation=orgs["bj"], by=people["mediator"])
    assert not HolidaySchedule.objects.exists()


def test_entries_outside_the_year_or_twice_the_same_day_are_refused(orgs):
    entries = [
        ScheduleEntry(date=date(2026, 12, 31), kind=DayKind.HOLIDAY),
        ScheduleEntry(date=date(2027, 1, 4), kind=DayKind.HOLIDAY),
        ScheduleEntry(date=date(2027, 1, 4), kind=DayKind.WORKDAY),
    ]
    messages = messages_of(lambda: propose_schedule(
        year=2027, entries=entries, organisation=orgs["bj"], by=system("import"),
    ))
    assert messages == ["日期 2026-12-31 不在2027年内。", "日期 2027-01-04 重复。"]
    assert not HolidaySchedule.objects.exists() and not HolidayScheduleDay.objects.exists()


# The command

def test_loading_a_2027_schedule_makes_year_end_deadlines_official(orgs):
    before = add_working_days_detailed(date(2026, 12, 30), 3)
    assert (before.date, before.provisional) == (date(2027, 1, 5), True)

    output = load("2027", str(SAMPLE_2027), "--source", "测试样例")

    assert "已导入2027年节假日安排：放假4天，调休上班1天；已批准生效。" in output
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.status == ScheduleStatus.APPROVED
    assert schedule.organisation == orgs["bj"] and schedule.source == "测试样例"
    assert schedule.decided_by is None and schedule.decided_at is not None
    assert schedule.decision_reason == "由 load_holiday_schedule 命令导入并批准。依据：测试样例"
    assert AuditEvent.objects.filter(name="approve", subject_id=str(schedule.pk)).exists()
    assert year_source(2027) == YearSource.LOADED
    assert is_workday(date(2027, 1, 9)) and not is_workday(date(2027, 1, 4))
    after = add_working_days_detailed(date(2026, 12, 30), 3)
    assert (after.date, after.provisional, after.provisional_years) == (date(2027, 1, 6), False, ())


def test_propose_only_leaves_the_calendar_provisional(orgs):
    output = load("2027", str(SAMPLE_2027), "--propose-only", "--org", "BJ-HD")
    assert "待组织管理员审批" in output
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.status == ScheduleStatus.PROPOSED and schedule.organisation == orgs["hd"]
    assert add_working_days_detailed(date(2026, 12, 30), 3).provisional


def test_bad_file_fails_with_the_reasons_and_writes_nothing(orgs, tmp_path):
    path = write(tmp_path, "date,kind,name\n2027-02-30,holiday,春节\n2027-01-04,休息,\n")
    with pytest.raises(CommandError) as caught:
        load("2027", str(path))
    assert "第2行" in str(caught.value) and "第3行" in str(caught.value)
    assert not HolidaySchedule.objects.exists()


def test_a_second_approved_schedule_for_the_year_is_refused_and_rolled_back(orgs):
    load("2027", str(SAMPLE_2027))
    with pytest.raises(CommandError, match="该年度已有生效的节假日安排"):
        load("2027", str(SAMPLE_2027))
    assert HolidaySchedule.objects.filter(year=2027).count() == 1


def test_the_organisation_must_be_known(orgs):
    with pytest.raises(CommandError, match="找不到代码为“NOPE”的组织"):
        load("2027", str(SAMPLE_2027), "--org", "NOPE")


def test_without_a_single_city_federation_the_organisation_must_be_named(db):
    with pytest.raises(CommandError, match="--org"):
        load("2027", str(SAMPLE_2027))



def test_approving_the_schedule_recomputes_provisional_deadlines(orgs):
    entries = [ScheduleEntry(date=date(2028, 1, 3), kind=DayKind.HOLIDAY)]
    pending = propose_schedule(year=2028, entries=entries, organisation=orgs["bj"], by=system("test"))
    # As if its review clock had been opened on 2026-12-30, before 2027 had a schedule.
    Deadline.objects.for_subject(pending).update(
        starts_on=date(2026, 12, 30), due_on=date(2027, 1, 5), provisional=True,
    )
    load("2027", str(SAMPLE_2027))
    review = Deadline.objects.for_subject(pending).get()
    assert (review.due_on, review.provisional) == (date(2027, 1, 6), False)
