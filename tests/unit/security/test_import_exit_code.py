"""Issue 17, point 8: `import_civil_affairs` exits 1 when any row failed, after listing the
failures (the good rows are still imported); it exits 0 only when every row was fine."""

import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import CivilAffairsRecord

pytestmark = pytest.mark.django_db

ALL_GOOD = Path(__file__).resolve().parents[2] / "data" / "civil_affairs_en.csv"
HEADER = "name,id_number,birth_date,region,category,household_size,monthly_amount,since\n"


def manage(*args) -> int:
    """The exit status `manage.py` gives the command: a CommandError's returncode (run_from_argv
    turns it into sys.exit), else 0. Not run through ManagementUtility itself: run_from_argv
    closes every database connection afterwards, which ends the test's transaction on PostgreSQL."""
    try:
        call_command(*args)
    except CommandError as error:
        print(error, file=sys.stderr)
        return error.returncode
    return 0


def test_point_8_import_exits_1_and_lists_the_rows_that_failed(orgs, tmp_path, capsys):
    path = tmp_path / "民政数据.csv"
    path.write_text(HEADER
                    + "王建国,110108197501010017,1975-01-01,110108,低保,3,1400.00,2024-01-01\n"
                    + "李秀英,110108198002150027,1980-02-15,110108,低保边缘,2,1e6,2024-03-01\n", encoding="utf-8")

    status = manage("import_civil_affairs", str(path), "--org", "BJ-HD")

    output = capsys.readouterr()
    assert status == 1
    assert "共2行；新增1条，更新0条，未变0条，错误1行" in output.out
    assert "第3行：月保障金额“1e6”不是有效金额" in output.out
    assert "有1行未导入（见上）；其余各行已导入" in output.err
    assert list(CivilAffairsRecord.objects.values_list("name", flat=True)) == ["王建国"]


def test_point_8_import_exits_0_when_every_row_is_fine(orgs, capsys):
    status = manage("import_civil_affairs", str(ALL_GOOD), "--org", "BJ-HD")

    output = capsys.readouterr()
    assert status == 0
    assert "错误0行" in output.out and "未导入" not in output.err
