"""The civil-affairs department's file (民政部门数据对接, issue 5): reading and validating it.

- `read_civil_affairs_rows(path)`: CSV (UTF-8, BOM or not) or XLSX (first sheet); headers in
  English or Chinese; every row validated with its line number and a reason in Chinese
  (`validate_civil_rows`, which validates a batch pushed through the API the same way).
- `record_key(...)`: how one person is keyed across imports.
- `file_sha256(path)` (from table_files): the file's fingerprint, journalled with the import.

The import itself is cases.hardship.civil_affairs.imports; linking its records is
cases.hardship.civil_affairs.links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models.hardship.civil_affairs import CivilAffairsRecord
from cases.platform.table_files import TableFileError, cell_text, parse_date, parse_yuan, table_rows
from cases.rules.linkage import is_valid_resident_id
from cases.rules.validators import normalise_resident_id, validate_resident_id

# The civil-affairs import's name for a file it cannot read at all.
CivilAffairsFileError = TableFileError
_REGION = re.compile(r"[0-9]{6}")

# The civil-affairs department's columns (link_records reads them too, with the workers' file);
# headers may be written in Chinese.
HEADER_ALIASES = {
    "劳动者编号": "worker_ref", "民政编号": "civil_ref", "姓名": "name", "身份证号": "id_number",
    "出生日期": "birth_date", "区域": "region", "救助类别": "category", "家庭人口": "household_size",
    "月保障金额": "monthly_amount", "起始日期": "since",
}
CIVIL_COLUMNS = ("civil_ref", "name", "id_number", "birth_date", "region", "category",
                 "household_size", "monthly_amount", "since")

# The columns of the civil-affairs file as imported: without the department's own reference.
COLUMNS = tuple(column for column in CIVIL_COLUMNS if column != "civil_ref")
# Accepted and ignored: the department's own row reference.
OPTIONAL_COLUMNS = ("civil_ref",)
COLUMN_LABELS = {
    "name": "姓名", "id_number": "身份证号", "birth_date": "出生日期", "region": "区域", "category": "救助类别",
    "household_size": "家庭人口", "monthly_amount": "月保障金额", "since": "起始日期",
}
COMPARED_FIELDS = ("name", "id_number", "birth_date", "region", "category", "household_size", "monthly_amount",
                   "since")
@dataclass
class CivilRow:
    line: int
    record_key: str
    name: str
    id_number: str
    birth_date: date | None
    region: str
    category: str
    household_size: int | None
    monthly_amount: Decimal | None
    since: date | None

    def values(self) -> dict:
        return {name: getattr(self, name) for name in COMPARED_FIELDS}


@dataclass
class CivilFile:
    rows: list[CivilRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # [{"line": 7, "reason": "..."}]
    total: int = 0  # data rows read (blank lines are not rows)


# -- reading -------------------------------------------------------------------------------------------

def _parse_size(value) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(_("家庭人口“%(value)s”应为正整数") % {"value": text})
    if int(text) > 32767:
        raise ValueError(_("家庭人口“%(value)s”过大") % {"value": text})
    return int(text)


def _parse_amount(value) -> Decimal | None:
    return parse_yuan(value, _("月保障金额"))


def record_key(*, name: str, id_number: str, birth_date: date | None, region: str, id_valid: bool | None = None) -> str:
    """The blind index of the valid resident ID, else of name|birth date|region (the ID may be
    mistyped): the same person gives the same key, and the key shows neither."""
    return CivilAffairsRecord.key_for(name=name, id_number=id_number, birth_date=birth_date, region=region,
                                      id_valid=id_valid)


class _Labels:
    """Column labels translated once per file, not once per row."""

    def __init__(self):
        self.birth_date, self.since, self.region = _("出生日期"), _("起始日期"), _("区域")
        self.today = timezone.localdate()


def _validate_row(line: int, value: dict, labels: _Labels | None = None) -> tuple[CivilRow | None, list[str]]:
    labels = labels or _Labels()
    reasons: list[str] = []
    name = "".join(cell_text(value.get("name")).split())
    if not name:
        reasons.append(_("姓名不能为空"))
    elif len(name) > 50:
        reasons.append(_("姓名超过50个字"))
    id_number = normalise_resident_id(cell_text(value.get("id_number")))
    region = cell_text(value.get("region"))
    given = {"birth_date": bool(cell_text(value.get("birth_date"))), "region": bool(region)}
    if region and not _REGION.fullmatch(region):
        reasons.append(_("区域“%(value)s”应为6位行政区划代码") % {"value": region})
        region = ""
    birth = since = size = amount = None
    try:
        birth = parse_date(value.get("birth_date"), labels.birth_date)
        if birth and birth > labels.today:
            reasons.append(_("出生日期晚于今天"))
    except ValueError as error:
        reasons.append(str(error))
    try:
        since = parse_date(value.get("since"), labels.since)
    except ValueError as error:
        reasons.append(str(error))
    try:
        size = _parse_size(value.get("household_size"))
    except ValueError as error:
        reasons.append(str(error))
    try:
        amount = _parse_amount(value.get("monthly_amount"))
    except ValueError as error:
        reasons.append(str(error))
    category = cell_text(value.get("category"))
    if not category:
        reasons.append(_("救助类别不能为空"))
    elif len(category) > 40:
        reasons.append(_("救助类别超过40个字"))
    id_valid = False
    if len(id_number) > 32:
        reasons.append(_("身份证号超过32位"))
    elif not (id_valid := bool(id_number) and is_valid_resident_id(id_number)):
        # A missing or mistyped ID is fine as long as the person can be keyed otherwise.
        # (A birth date or region given but invalid has its own reason already.)
        missing = [label for label, key in ((labels.birth_date, "birth_date"), (labels.region, "region"))
                   if not given[key]]
        if missing and name:
            if id_number:
                try:
                    validate_resident_id(id_number)
                except ValidationError as error:
                    problem = "；".join(error.messages)
                reasons.append(_("身份证号无效（%(problem)s），且缺少%(missing)s，无法识别此人")
                               % {"problem": problem.rstrip("。"), "missing": "、".join(missing)})
            else:
                reasons.append(_("未填身份证号时，出生日期和区域必须填写（缺少%(missing)s）")
                               % {"missing": "、".join(missing)})
    if reasons:
        return None, reasons
    return CivilRow(
        line=line,
        record_key=record_key(name=name, id_number=id_number, birth_date=birth, region=region, id_valid=id_valid),
        name=name, id_number=id_number, birth_date=birth, region=region, category=category,
        household_size=size, monthly_amount=amount, since=since,
    ), []


def _header_positions(header: list, file_name: str) -> dict[str, int]:
    names = [HEADER_ALIASES.get(cell_text(cell), cell_text(cell).lower()) for cell in header]
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    unknown = [cell_text(cell) for cell, name in zip(header, names) if name and name not in known]
    missing = [f"{column}（{COLUMN_LABELS[column]}）" for column in COLUMNS if column not in names]
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("缺少列：%(columns)s") % {"columns": "、".join(missing)})
    if unknown:
        problems.append(_("无法识别的列：%(columns)s") % {"columns": "、".join(unknown)})
    if duplicated:
        problems.append(_("重复的列：%(columns)s") % {"columns": "、".join(duplicated)})
    if problems:
        raise CivilAffairsFileError(
            _("%(file)s 第1行表头不符合要求（%(problems)s）。表头应为 name, id_number, birth_date, region, "
              "category, household_size, monthly_amount, since，或 姓名, 身份证号, 出生日期, 区域, 救助类别, "
              "家庭人口, 月保障金额, 起始日期。") % {"file": file_name, "problems": "；".join(problems)})
    return {name: index for index, name in enumerate(names) if name in COLUMNS}


def read_civil_affairs_rows(path) -> CivilFile:
    """Every data row of the file, validated; raises CivilAffairsFileError when the file or its
    header cannot be used. Line numbers count the header as line 1."""
    path = Path(path)
    rows = iter(table_rows(path))
    header = None
    for header in rows:
        break
    if header is None or not any(cell_text(cell) for cell in header):
        raise CivilAffairsFileError(_("%(file)s 第1行：文件为空或缺少表头。") % {"file": path.name})
    positions = _header_positions(header, path.name)
    values = (
        (line, {name: (row[index] if index < len(row) else None) for name, index in positions.items()})
        for line, row in enumerate(rows, start=2) if any(cell_text(cell) for cell in row)
    )
    return validate_civil_rows(values)


def validate_civil_rows(values) -> CivilFile:
    """Each (line, {column: value}) validated, a person given twice refused the second time:
    the file's data rows (read_civil_affairs_rows) or the records of a batch the department
    pushes through the API (its records numbered from 1), checked alike."""
    result = CivilFile()
    labels = _Labels()
    first_line_of_key: dict[str, int] = {}
    for line, value in values:
        result.total += 1
        parsed, reasons = _validate_row(line, value, labels)
        if parsed is not None and parsed.record_key in first_line_of_key:
            reasons = [_("与第%(line)d行是同一人，重复记录") % {"line": first_line_of_key[parsed.record_key]}]
            parsed = None
        if parsed is None:
            result.errors.append({"line": line, "reason": "；".join(str(reason) for reason in reasons)})
            continue
        first_line_of_key[parsed.record_key] = line
        result.rows.append(parsed)
    return result
