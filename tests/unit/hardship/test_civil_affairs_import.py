"""Civil-affairs import (issue 5): reading CSV and XLSX, row errors with line numbers,
all-or-nothing, idempotent re-import, progress, the audit event and the command."""

import hashlib
import hmac
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cases.hardship.civil_affairs.file import CivilAffairsFileError, read_civil_affairs_rows
from cases.hardship.civil_affairs.imports import CivilAffairsImportRefused, import_civil_affairs
from cases.models import AuditAction, AuditEvent, CivilAffairsImport, CivilAffairsRecord, LinkCandidate
from cases.models.actors import system
from cases.models.encrypted import DEVELOPMENT_BLIND_INDEX_KEY

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "data"
ENGLISH = DATA / "civil_affairs_en.csv"
CHINESE_BOM = DATA / "civil_affairs_zh_bom.csv"
WITH_ERRORS = DATA / "civil_affairs_errors.csv"
PURPOSE = "困难职工精准识别与帮扶"
SYSTEM = system("import_civil_affairs")
FIELDS = ("record_key", "name", "id_number", "birth_date", "region", "category", "household_size", "monthly_amount",
          "since", "first_import_id")


def sealed_key(plain: str) -> str:
    """A record key as stored: the HMAC of the plain key under the (development) blind-index key."""
    return hmac.new(DEVELOPMENT_BLIND_INDEX_KEY.encode(), f"civil_record_key:{plain}".encode(),
                    hashlib.sha256).hexdigest()


def run_import(path, org, **kwargs):
    kwargs.setdefault("by", SYSTEM)
    kwargs.setdefault("purpose", PURPOSE)
    return import_civil_affairs(path, organisation=org, **kwargs)


def snapshot(org):
    return list(CivilAffairsRecord.objects.filter(organisation=org).order_by("record_key").values_list(*FIELDS))


def expected_four(org):
    records = {r.name: r for r in CivilAffairsRecord.objects.filter(organisation=org)}
    assert set(records) == {"王建国", "李秀英", "张伟", "赵敏"}
    wang = records["王建国"]
    assert (wang.record_key, wang.birth_date, wang.region, wang.category) == (
        sealed_key("110108197501010017"), date(1975, 1, 1), "110108", "低保")
    assert (wang.household_size, wang.monthly_amount, wang.since) == (3, Decimal("1400.00"), date(2024, 1, 1))
    li = records["李秀英"]  # mistyped check digit: raw value kept, keyed by name|birth|region
    assert li.id_number == "110108198002150027"
    assert li.record_key == sealed_key("李秀英|1980-02-15|110108")
    assert (li.monthly_amount, li.since) == (Decimal("700.50"), date(2024, 3, 1))
    zhang = records["张伟"]  # no ID at all
    assert (zhang.id_number, zhang.record_key) == ("", sealed_key("张伟|1962-07-08|110105"))
    assert (zhang.monthly_amount, zhang.since) == (Decimal("1800.00"), date(2023, 7, 1))
    zhao = records["赵敏"]  # valid ID, no birth date or region given
    assert (zhao.record_key, zhao.birth_date, zhao.region, zhao.monthly_amount, zhao.since) == (
        sealed_key("110105199001010045"), None, "", Decimal("0.00"), None)


def test_csv_with_english_headers(orgs):
    run = run_import(ENGLISH, orgs["hd"])
    assert (run.rows_total, run.rows_created, run.rows_updated, run.rows_unchanged, run.rows_rejected) == (4, 4, 0, 0, 0)
    assert run.applied and run.errors == [] and run.purpose == PURPOSE and run.file_name == "civil_affairs_en.csv"
    assert len(run.sha256) == 64
    expected_four(orgs["hd"])


def test_csv_with_chinese_headers_and_bom_mixed_with_english(orgs):
    run = run_import(CHINESE_BOM, orgs["hd"])
    assert (run.rows_created, run.rows_rejected) == (4, 0)
    expected_four(orgs["hd"])


def test_same_people_from_english_and_chinese_files_are_the_same_records(orgs):
    run_import(ENGLISH, orgs["hd"])
    before = snapshot(orgs["hd"])
    run = run_import(CHINESE_BOM, orgs["hd"])
    assert (run.rows_created, run.rows_updated, run.rows_unchanged) == (0, 0, 4)
    assert snapshot(orgs["hd"]) == before


def write_xlsx(path, rows, header=("姓名", "身份证号", "出生日期", "区域", "救助类别", "家庭人口", "月保障金额", "起始日期")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.create_sheet("说明").append(["这张表不应被读取"])
    workbook.save(path)
    return path


def test_xlsx_first_sheet_with_excel_dates_and_numbers(orgs, tmp_path):
    path = write_xlsx(tmp_path / "民政.xlsx", [
        ("王建国", "110108197501010017", datetime(1975, 1, 1), 110108, "低保", 3, 1400, datetime(2024, 1, 1)),
        ("李秀英", None, "1980年2月15日", "110108", "低保边缘", 2.0, 700.5, 45292),  # 45292 = 2024-01-01
        ("张伟", "", "2024/1/5", "110105", "特困", 1, "1,800.00", 20230701),
    ])
    run = run_import(path, orgs["hd"])
    assert (run.rows_total, run.rows_created, run.rows_rejected) == (3, 3, 0), run.errors
    records = {r.name: r for r in CivilAffairsRecord.objects.all()}
    assert records["王建国"].birth_date == date(1975, 1, 1) and records["王建国"].region == "110108"
    assert records["王建国"].monthly_amount == Decimal("1400.00")
    assert records["李秀英"].birth_date == date(1980, 2, 15) and records["李秀英"].since == date(2024, 1, 1)
    assert records["李秀英"].household_size == 2 and records["李秀英"].monthly_amount == Decimal("700.50")
    assert records["张伟"].birth_date == date(2024, 1, 5) and records["张伟"].since == date(2023, 7, 1)
    again = run_import(path, orgs["hd"])
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)


def test_xlsx_row_error_has_its_sheet_line(orgs, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [
        ("王建国", "110108197501010017", datetime(1975, 1, 1), "110108", "低保", 3, 1400, None),
        (None, None, None, None, None, None, None, None),  # blank line: not a row, still counted as a line
        ("李秀英", None, datetime(1980, 2, 15), "110108", "低保", -1, 700, None),
    ])
    run = run_import(path, orgs["hd"])
    assert run.errors == [{"line": 4, "reason": "家庭人口“-1”应为正整数"}]


def test_row_errors_carry_line_numbers_and_chinese_reasons(orgs):
    parsed = read_civil_affairs_rows(WITH_ERRORS)
    assert parsed.total == 9
    assert [row.line for row in parsed.rows] == [2, 11]
    reasons = {error["line"]: error["reason"] for error in parsed.errors}
    assert reasons == {
        3: "姓名不能为空",
        4: "身份证号无效（公民身份号码校验码不正确（GB 11643）），且缺少区域，无法识别此人",
        5: "区域“1101”应为6位行政区划代码",
        6: "出生日期“1985-13-01”不是有效日期（应为2024-01-05、2024/1/5或2024年1月5日）",
        7: "家庭人口“0”应为正整数；月保障金额不能为负数；救助类别不能为空",
        8: "月保障金额“12.345”最多两位小数（元、角、分）",
        10: "与第2行是同一人，重复记录",
    }
    run = run_import(WITH_ERRORS, orgs["hd"])
    assert (run.rows_total, run.rows_created, run.rows_rejected) == (9, 2, 7)
    assert run.errors == parsed.errors and run.applied
    assert sorted(CivilAffairsRecord.objects.values_list("name", flat=True)) == ["刘洋", "王建国"]


def test_missing_id_needs_birth_date_and_region(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("name,id_number,birth_date,region,category,household_size,monthly_amount,since\n"
                    "孙丽,,1988-03-03,,低保,,,\n", encoding="utf-8")
    parsed = read_civil_affairs_rows(path)
    assert parsed.errors == [{"line": 2, "reason": "未填身份证号时，出生日期和区域必须填写（缺少区域）"}]


@pytest.mark.parametrize("header, fragment", [
    ("name,id_number,birth_date,region,category,household_size,monthly_amount", "缺少列：since（起始日期）"),
    ("姓名,身份证号,出生日期,区域,救助类别,家庭人口,月保障金额,起始日期,备注", "无法识别的列：备注"),
    ("name,姓名,id_number,birth_date,region,category,household_size,monthly_amount,since", "重复的列：name"),
])
def test_header_problems_are_one_clear_error(tmp_path, orgs, header, fragment):
    path = tmp_path / "h.csv"
    path.write_text(header + "\n王建国,110108197501010017,1975-01-01,110108,低保,3,1400,\n", encoding="utf-8")
    with pytest.raises(CivilAffairsFileError) as error:
        run_import(path, orgs["hd"])
    assert fragment in str(error.value) and "第1行表头不符合要求" in str(error.value)
    assert not CivilAffairsImport.objects.exists()


def test_not_utf8_and_empty_files_are_refused(tmp_path, orgs):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("姓名,身份证号\n王建国,1\n".encode("gbk"))
    with pytest.raises(CivilAffairsFileError, match="不是UTF-8编码"):
        read_civil_affairs_rows(gbk)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CivilAffairsFileError, match="缺少表头"):
        read_civil_affairs_rows(empty)
    with pytest.raises(CivilAffairsFileError, match="不支持的文件类型"):
        read_civil_affairs_rows(tmp_path / "a.xls")


def test_all_or_nothing_writes_no_record_and_keeps_the_refused_run(orgs):
    with pytest.raises(CivilAffairsImportRefused) as refused:
        run_import(WITH_ERRORS, orgs["hd"], all_or_nothing=True)
    assert not CivilAffairsRecord.objects.exists()
    assert not LinkCandidate.objects.exists()
    run = refused.value.run
    assert CivilAffairsImport.objects.get() == run
    assert not run.applied and run.rows_created == 0 and run.rows_rejected == 7
    assert [error["line"] for error in refused.value.errors] == [3, 4, 5, 6, 7, 8, 10]
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.data["applied"] is False and event.data["all_or_nothing"] is True


def test_all_or_nothing_with_a_clean_file_imports_it(orgs):
    run = run_import(ENGLISH, orgs["hd"], all_or_nothing=True)
    assert run.applied and run.rows_created == 4


def test_reimport_creates_and_changes_nothing(orgs):
    first = run_import(WITH_ERRORS, orgs["hd"])
    before = snapshot(orgs["hd"])
    second = run_import(WITH_ERRORS, orgs["hd"])
    assert (second.rows_created, second.rows_updated, second.rows_unchanged, second.rows_rejected) == (0, 0, 2, 7)
    assert snapshot(orgs["hd"]) == before
    assert second.sha256 == first.sha256
    assert all(row[-1] == first.pk for row in before)  # still the first import's records


def test_changed_row_is_updated(orgs, tmp_path):
    run_import(ENGLISH, orgs["hd"])
    changed = tmp_path / "changed.csv"
    changed.write_text(ENGLISH.read_text(encoding="utf-8").replace("低保,3,1400.00", "低保,4,1500.00"), encoding="utf-8")
    run = run_import(changed, orgs["hd"])
    assert (run.rows_created, run.rows_updated, run.rows_unchanged) == (0, 1, 3)
    wang = CivilAffairsRecord.objects.get(record_key=sealed_key("110108197501010017"))
    assert (wang.household_size, wang.monthly_amount) == (4, Decimal("1500.00"))


def test_records_are_per_organisation(orgs):
    run_import(ENGLISH, orgs["hd"])
    run = run_import(ENGLISH, orgs["cy"])
    assert run.rows_created == 4
    assert CivilAffairsRecord.objects.count() == 8


def test_progress_is_reported_up_to_the_total(orgs):
    calls = []
    run_import(WITH_ERRORS, orgs["hd"], progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 9) and calls[-1] == (9, 9)
    assert all(total == 9 for _done, total in calls)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)


def test_many_rows_in_batches(orgs, tmp_path):
    from cases.rules.validators import resident_id_check_char

    lines = ["name,id_number,birth_date,region,category,household_size,monthly_amount,since"]
    for n in range(2500):
        first17 = f"1101081980{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
        lines.append(f"职工{n},{first17 + resident_id_check_char(first17)},,110108,低保,2,{n}.00,")
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls = []
    run = run_import(path, orgs["hd"], progress=lambda done, total: calls.append(done))
    assert (run.rows_created, run.rows_rejected) == (2500, 0), run.errors[:3]
    assert calls[-1] == 2500 and len(calls) >= 3
    assert run_import(path, orgs["hd"]).rows_unchanged == 2500


def test_one_audit_event_per_import_with_counts_hash_and_purpose(orgs, people):
    run = run_import(WITH_ERRORS, orgs["hd"], by=people["caseworker"], purpose="年度困难职工动态管理核对")
    events = AuditEvent.objects.filter(action=AuditAction.IMPORT, name="import_civil_affairs")
    assert events.count() == 1
    event = events.get()
    assert event.actor == people["caseworker"] and event.organisation == orgs["hd"]
    assert (event.subject_type, event.subject_id) == ("cases.civilaffairsimport", str(run.pk))
    assert event.data["sha256"] == run.sha256 and event.data["purpose"] == "年度困难职工动态管理核对"
    assert (event.data["created"], event.data["rejected"], event.data["rows_total"]) == (2, 7, 9)
    assert event.data["error_lines"] == [3, 4, 5, 6, 7, 8, 10]
    assert run.imported_by == people["caseworker"]


def test_purpose_is_required_and_importer_needs_a_role(orgs, people):
    with pytest.raises(ValidationError) as error:
        run_import(ENGLISH, orgs["hd"], purpose="  ")
    assert "使用目的" in str(error.value)
    with pytest.raises(PermissionDenied):
        run_import(ENGLISH, orgs["hd"], by=people["mediator"])
    with pytest.raises(PermissionDenied):
        run_import(ENGLISH, orgs["cy"], by=people["caseworker"])
    assert not CivilAffairsImport.objects.exists()


# -- the command -------------------------------------------------------------------------------------

def command(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_civil_affairs", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_command_reports_counts_and_errors_with_progress_bar(orgs):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="有7行未导入"):  # rows failed: exit status 1 (issue 17, point 8)
        call_command("import_civil_affairs", str(WITH_ERRORS), "--org", "BJ-HD", stdout=out, stderr=err)
    out, err = out.getvalue(), err.getvalue()
    assert "导入完成：civil_affairs_errors.csv" in out
    assert "共9行；新增2条，更新0条，未变0条，错误7行" in out
    assert "数据使用目的：困难职工精准识别与帮扶" in out
    assert "第3行：姓名不能为空" in out and "第10行：与第2行是同一人，重复记录" in out
    assert "\r导入民政数据 [" in err and "100% 9/9" in err
    assert CivilAffairsImport.objects.get().purpose == "困难职工精准识别与帮扶"


def test_command_with_user_and_purpose(orgs, people):
    out, _err = command(str(ENGLISH), "--org", "BJ-HD", "--user", "hd_caseworker", "--purpose", "专项核对")
    run = CivilAffairsImport.objects.get()
    assert run.imported_by == people["caseworker"] and run.purpose == "专项核对"
    assert "新增4条" in out


def test_command_all_or_nothing_fails_and_writes_nothing(orgs):
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_civil_affairs", str(WITH_ERRORS), "--org", "BJ-HD", "--all-or-nothing",
                     stdout=StringIO(), stderr=err)
    assert "未导入任何记录" in str(error.value)
    assert "第4行：身份证号无效" in err.getvalue()
    assert not CivilAffairsRecord.objects.exists()


def test_command_exit_status_is_non_zero_when_refused(orgs, capsys):
    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "import_civil_affairs", str(WITH_ERRORS), "--org", "BJ-HD",
                           "--all-or-nothing"]).execute()
    assert exit_info.value.code == 1
    assert "未导入任何记录" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--org", "NOPE"], "找不到代码为“NOPE”的组织"),
    (["--org", "BJ-HD", "--user", "nobody"], "找不到启用中的用户“nobody”"),
    (["--org", "BJ-HD-ZGC", "--user", "hd_mediator"], "没有执行此操作所需的角色"),
])
def test_command_refusals(orgs, people, args, message):
    with pytest.raises(CommandError, match=message):
        command(str(ENGLISH), *args)


def test_command_bad_header(orgs, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="表头不符合要求"):
        command(str(path), "--org", "BJ-HD")
