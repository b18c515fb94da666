"""Civil-affairs data exchange (民政部门数据对接, issue 5): reading the department's file,
importing its records idempotently, linking them to the people on file, and the caseworker's
decision on each link in the 疑似困难 queue.

- `read_civil_affairs_rows(path)`: CSV (UTF-8, BOM or not) or XLSX (first sheet); headers in
  English or Chinese; every row validated with its line number and a reason in Chinese.
- `import_civil_affairs(...)`: writes new and changed records in batches (one query loads the
  existing keys), journals one audit event with the file's SHA-256 and the stated purpose,
  then links the new and changed records.
- `link_civil_records(...)`: people on file in the organisation's subtree against its records
  (cases.rules.linkage); "match" is confirmed at once and becomes a candidate hardship file,
  "review" waits for a caseworker.
- `confirm_link` / `reject_link`: the caseworker's decision, journalled.

All-or-nothing imports: when any row is in error nothing is written to the records or links;
the refused run itself is kept (CivilAffairsImport with applied=False, its errors, and its
audit event), because the receipt of personal data for a stated purpose must be traceable
even when the data is not taken in. `CivilAffairsImportRefused` carries that run.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import require_can_act
from cases.management.commands.link_records import CIVIL_COLUMNS, HEADER_ALIASES
from cases.models import (
    AuditAction, CivilAffairsImport, CivilAffairsRecord, DisputeCase, EmploymentStatus, HardshipFile, Household,
    HouseholdMember, LinkCandidate, LinkDecision, LinkStatus, Organisation, Relation, Role, Worker,
)
from cases.models.hardship_states import ENDED_STATES, IdentificationSource
from cases.rules.linkage import MATCH, REVIEW, PersonRecord, is_valid_resident_id, link
from cases.rules.validators import normalise_resident_id, validate_resident_id

from .actors import is_system, system
from .audit import append_event

ACTOR_NAME = "import_civil_affairs"
DEFAULT_PURPOSE = "困难职工精准识别与帮扶"
BATCH_SIZE = 1000
# The columns of the civil-affairs file: link_records' civil columns without its own reference.
COLUMNS = tuple(column for column in CIVIL_COLUMNS if column != "civil_ref")
# Accepted and ignored: the department's own row reference.
OPTIONAL_COLUMNS = ("civil_ref",)
COLUMN_LABELS = {
    "name": "姓名", "id_number": "身份证号", "birth_date": "出生日期", "region": "区域", "category": "救助类别",
    "household_size": "家庭人口", "monthly_amount": "月保障金额", "since": "起始日期",
}
COMPARED_FIELDS = ("name", "id_number", "birth_date", "region", "category", "household_size", "monthly_amount",
                   "since")
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
_REGION = re.compile(r"[0-9]{6}")
_DATE_PATTERNS = (
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})/(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})\.(?P<m>[0-9]{1,2})\.(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)
_TIME_SUFFIX = re.compile(r"[ T]00:00(:00(\.0+)?)?\Z")
NOTE_LENGTH = LinkCandidate._meta.get_field("decision_note").max_length


class CivilAffairsFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


class CivilAffairsImportRefused(Exception):
    """An all-or-nothing import found row errors; nothing was written but the refused run."""

    def __init__(self, run: CivilAffairsImport):
        self.run = run
        self.errors = list(run.errors)
        super().__init__(_("民政数据有%(count)d行错误，按“全部或全不”要求未导入任何记录。") % {"count": len(self.errors)})


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

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(value, label: str) -> date | None:
    """ISO, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105, an Excel date cell or an Excel day number."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(int(value)) if float(value).is_integer() else ""
        if len(text) == 8:  # 20240105 typed into a number cell
            value = text
        elif 0 < value < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(value))
        else:
            raise ValueError(_("%(label)s“%(value)s”不是有效日期") % {"label": label, "value": value})
    text = _TIME_SUFFIX.sub("", str(value).strip())
    if not text:
        return None
    if text.isdigit() and 1 <= len(text) <= 5:  # an Excel day number exported to CSV
        return EXCEL_EPOCH + timedelta(days=int(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise ValueError(_("%(label)s“%(value)s”不是有效日期（应为2024-01-05、2024/1/5或2024年1月5日）")
                     % {"label": label, "value": text})


def _parse_size(value) -> int | None:
    text = _cell_text(value)
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(_("家庭人口“%(value)s”应为正整数") % {"value": text})
    if int(text) > 32767:
        raise ValueError(_("家庭人口“%(value)s”过大") % {"value": text})
    return int(text)


def _parse_amount(value) -> Decimal | None:
    if isinstance(value, float):
        value = repr(value)
    text = _cell_text(value).replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("月保障金额“%(value)s”不是有效金额") % {"value": text}) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(_("月保障金额不能为负数"))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("月保障金额“%(value)s”最多两位小数（元、角、分）") % {"value": text})
    if amount >= Decimal("1e10"):
        raise ValueError(_("月保障金额“%(value)s”过大") % {"value": text})
    return amount.quantize(Decimal("0.01"))


def record_key(*, name: str, id_number: str, birth_date: date | None, region: str, id_valid: bool | None = None) -> str:
    """The valid resident ID, else name|birth date|region (the ID may be mistyped)."""
    if id_valid is None:
        id_valid = bool(id_number) and is_valid_resident_id(id_number)
    if id_valid:
        return normalise_resident_id(id_number)
    return f"{''.join(name.split())}|{birth_date.isoformat() if birth_date else ''}|{region}"


class _Labels:
    """Column labels translated once per file, not once per row."""

    def __init__(self):
        self.birth_date, self.since, self.region = _("出生日期"), _("起始日期"), _("区域")
        self.today = timezone.localdate()


def _validate_row(line: int, value: dict, labels: _Labels | None = None) -> tuple[CivilRow | None, list[str]]:
    labels = labels or _Labels()
    reasons: list[str] = []
    name = "".join(_cell_text(value.get("name")).split())
    if not name:
        reasons.append(_("姓名不能为空"))
    elif len(name) > 50:
        reasons.append(_("姓名超过50个字"))
    id_number = normalise_resident_id(_cell_text(value.get("id_number")))
    region = _cell_text(value.get("region"))
    given = {"birth_date": bool(_cell_text(value.get("birth_date"))), "region": bool(region)}
    if region and not _REGION.fullmatch(region):
        reasons.append(_("区域“%(value)s”应为6位行政区划代码") % {"value": region})
        region = ""
    birth = since = size = amount = None
    try:
        birth = _parse_date(value.get("birth_date"), labels.birth_date)
        if birth and birth > labels.today:
            reasons.append(_("出生日期晚于今天"))
    except ValueError as error:
        reasons.append(str(error))
    try:
        since = _parse_date(value.get("since"), labels.since)
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
    category = _cell_text(value.get("category"))
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
    names = [HEADER_ALIASES.get(_cell_text(cell), _cell_text(cell).lower()) for cell in header]
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    unknown = [_cell_text(cell) for cell, name in zip(header, names) if name and name not in known]
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


def _csv_rows(path: Path):
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise CivilAffairsFileError(_("无法打开文件 %(path)s：%(error)s") % {"path": path, "error": error.strerror}) from None
    with handle:
        try:
            yield from csv.reader(handle)
        except UnicodeDecodeError:
            raise CivilAffairsFileError(_("%(file)s 不是UTF-8编码的CSV文件，请另存为“CSV UTF-8”后再导入。")
                                        % {"file": path.name}) from None
        except csv.Error as error:
            raise CivilAffairsFileError(_("%(file)s 不是有效的CSV文件：%(error)s") % {"file": path.name, "error": error}) from None


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError) as error:
        raise CivilAffairsFileError(_("无法读取Excel文件 %(file)s：%(error)s") % {"file": path.name, "error": error}) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _table_rows(path: Path):
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix in (".csv", ".txt", ""):
        return _csv_rows(path)
    raise CivilAffairsFileError(_("不支持的文件类型“%(suffix)s”：请提供CSV（UTF-8）或XLSX文件。") % {"suffix": suffix})


def read_civil_affairs_rows(path) -> CivilFile:
    """Every data row of the file, validated; raises CivilAffairsFileError when the file or its
    header cannot be used. Line numbers count the header as line 1."""
    path = Path(path)
    rows = iter(_table_rows(path))
    result = CivilFile()
    header = None
    for header in rows:
        break
    if header is None or not any(_cell_text(cell) for cell in header):
        raise CivilAffairsFileError(_("%(file)s 第1行：文件为空或缺少表头。") % {"file": path.name})
    positions = _header_positions(header, path.name)
    labels = _Labels()
    first_line_of_key: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not any(_cell_text(cell) for cell in row):
            continue
        result.total += 1
        value = {name: (row[index] if index < len(row) else None) for name, index in positions.items()}
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


# -- importing -----------------------------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _may_import(by, organisation: Organisation) -> None:
    if not is_system(by):
        require_can_act(by, organisation, [Role.HARDSHIP_CASEWORKER, Role.ORG_ADMIN])


def _journal_import(run: CivilAffairsImport, *, by, all_or_nothing: bool) -> None:
    append_event(
        action=AuditAction.IMPORT, actor=by, subject=run, organisation=run.organisation, name="import_civil_affairs",
        data={"file_name": run.file_name, "sha256": run.sha256, "purpose": run.purpose, "applied": run.applied,
              "all_or_nothing": all_or_nothing, "rows_total": run.rows_total, "created": run.rows_created,
              "updated": run.rows_updated, "unchanged": run.rows_unchanged, "rejected": run.rows_rejected,
              "error_lines": [error["line"] for error in run.errors]},
    )


def import_civil_affairs(path, *, organisation: Organisation, by, purpose: str, all_or_nothing: bool = False,
                         progress: Callable[[int, int], None] | None = None) -> CivilAffairsImport:
    """Import the file for `organisation` and link its new and changed records.

    Idempotent: importing the same file again creates and changes no record (the run itself
    is recorded, with every row unchanged). The linking's LinkSummary is on `run.link_summary`. With `all_or_nothing`, any row error refuses the
    whole file: CivilAffairsImportRefused is raised and only the refused run is kept."""
    path = Path(path)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("请说明民政数据的使用目的（个人信息保护法第六条）。")})
    _may_import(by, organisation)
    parsed = read_civil_affairs_rows(path)
    report = progress or (lambda done, total: None)
    run = CivilAffairsImport(
        organisation=organisation, file_name=path.name[:255], sha256=file_sha256(path),
        purpose=purpose[:200], imported_by=None if is_system(by) else by, rows_total=parsed.total,
        rows_rejected=len(parsed.errors), errors=parsed.errors,
    )
    if all_or_nothing and parsed.errors:
        with transaction.atomic():
            run.applied = False
            run.save()
            _journal_import(run, by=by, all_or_nothing=True)
        report(parsed.total, parsed.total)
        raise CivilAffairsImportRefused(run)

    with transaction.atomic():
        run.save()
        changed = _write_records(run, parsed, report)
        _journal_import(run, by=by, all_or_nothing=all_or_nothing)
    # Linking runs after the records are in: records it could not reach keep linked_at empty
    # and are taken up again by the next import or link_civil_records.
    to_link = CivilAffairsRecord.objects.filter(organisation=organisation).filter(
        Q(pk__in=changed) | Q(linked_at__isnull=True))
    run.link_summary = link_civil_records(organisation=organisation, records=to_link, import_run=run)
    return run


def _write_records(run: CivilAffairsImport, parsed: CivilFile, report: Callable[[int, int], None]) -> list[int]:
    """Create new records, update changed ones; returns the keys of both. One query loads
    every existing record of the organisation."""
    existing = {
        record.record_key: record
        for record in CivilAffairsRecord.objects.filter(organisation=run.organisation).only(
            "pk", "record_key", *COMPARED_FIELDS).iterator(chunk_size=5000)
    }
    total = parsed.total
    done = len(parsed.errors)
    report(0, total)
    created = updated = unchanged = 0
    changed_pks: list[int] = []
    for start in range(0, len(parsed.rows), BATCH_SIZE):
        batch = parsed.rows[start:start + BATCH_SIZE]
        new, dirty = [], []
        for row in batch:
            record = existing.get(row.record_key)
            if record is None:
                new.append(CivilAffairsRecord(organisation=run.organisation, record_key=row.record_key,
                                              first_import=run, **row.values()))
                continue
            values = row.values()
            if all(getattr(record, name) == value for name, value in values.items()):
                unchanged += 1
                continue
            for name, value in values.items():
                setattr(record, name, value)
            dirty.append(record)
        created_records = CivilAffairsRecord.objects.bulk_create(new)
        if dirty:
            CivilAffairsRecord.objects.bulk_update(dirty, COMPARED_FIELDS)
        created += len(new)
        updated += len(dirty)
        changed_pks.extend(record.pk for record in dirty)
        changed_pks.extend(record.pk for record in created_records if record.pk is not None)
        if any(record.pk is None for record in created_records):  # backends that return no keys
            keys = [record.record_key for record in new]
            changed_pks.extend(CivilAffairsRecord.objects.filter(
                organisation=run.organisation, record_key__in=keys).values_list("pk", flat=True))
        done += len(batch)
        report(done, total)
    if not parsed.rows:
        report(total, total)
    run.rows_created, run.rows_updated, run.rows_unchanged = created, updated, unchanged
    run.save(update_fields=["rows_created", "rows_updated", "rows_unchanged"])
    return changed_pks


# -- linking -------------------------------------------------------------------------------------------

@dataclass
class LinkSummary:
    records: int = 0
    people: int = 0
    matched: int = 0  # new links confirmed automatically
    review: int = 0  # new links waiting in the queue
    files_opened: int = 0
    already_known: int = 0  # links found again (pending, confirmed or rejected): left as they were
    unmatched: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Person:
    ref: str
    worker_id: int
    member_id: int | None
    organisation_id: int
    record: PersonRecord


def _id_region(number: str | None) -> str | None:
    return normalise_resident_id(number)[:6] if number and is_valid_resident_id(number) else None


def people_on_file(organisation: Organisation) -> dict[str, _Person]:
    """Workers heading or belonging to households in the subtree, workers of its dispute cases,
    and household members without a worker record (linked through their household's head)."""
    subtree = Organisation.objects.subtree_of([organisation]).values("pk")
    people: dict[str, _Person] = {}
    worker_org: dict[int, int] = {}
    worker_region: dict[int, str] = {}
    households = list(Household.objects.filter(organisation__in=subtree).values_list(
        "pk", "head_id", "organisation_id", "region_code"))
    household_info = {pk: (head_id, org_id, region) for pk, head_id, org_id, region in households}
    for _pk, head_id, org_id, region in households:
        worker_org.setdefault(head_id, org_id)
        worker_region.setdefault(head_id, region)
    members = list(HouseholdMember.objects.filter(household__organisation__in=subtree).values_list(
        "pk", "household_id", "worker_id", "name", "relation", "resident_id", "birth_date"))
    for _pk, household_id, worker_id, *_rest in members:
        if worker_id:
            _head, org_id, region = household_info[household_id]
            worker_org.setdefault(worker_id, org_id)
            worker_region.setdefault(worker_id, region)
    for worker_id, org_id in DisputeCase.objects.filter(organisation__in=subtree).order_by(
            "-pk").values_list("worker_id", "organisation_id"):
        worker_org.setdefault(worker_id, org_id)
    worker_ids = set()
    for worker in Worker.objects.filter(pk__in=list(worker_org)).values("pk", "name", "resident_id", "birth_date"):
        worker_ids.add(normalise_resident_id(worker["resident_id"]) if worker["resident_id"] else None)
        ref = f"w:{worker['pk']}"
        people[ref] = _Person(ref, worker["pk"], None, worker_org[worker["pk"]], PersonRecord(
            ref, worker["name"], worker["resident_id"] or None, worker["birth_date"],
            worker_region.get(worker["pk"]) or _id_region(worker["resident_id"])))
    for pk, household_id, worker_id, name, relation, resident_id, birth in members:
        if worker_id or relation == Relation.SELF:
            continue  # a worker on file already, or the head (who is)
        if resident_id and normalise_resident_id(resident_id) in worker_ids:
            continue  # the same person as a worker on file
        head_id, org_id, region = household_info[household_id]
        ref = f"m:{pk}"
        people[ref] = _Person(ref, head_id, pk, org_id, PersonRecord(ref, name, resident_id or None, birth, region))
    return people


def _thresholds() -> tuple[float, float]:
    return (float(settings.UNIONCASE["LINKAGE_MATCH_THRESHOLD"]),
            float(settings.UNIONCASE["LINKAGE_REVIEW_THRESHOLD"]))


def link_civil_records(*, organisation: Organisation, records=None,
                       import_run: CivilAffairsImport | None = None) -> LinkSummary:
    """Link `records` (default: all the organisation's) to the people on file in its subtree.

    New "match" links are confirmed at once (by the system) and open a candidate hardship
    file; new "review" links wait in the 疑似困难 queue. A record and person already linked (in
    any status) are left as they are: a rejected link is never brought back. Records with a
    confirmed link are settled and not linked again. Journalled as one event when anything new
    was found."""
    actor = system(ACTOR_NAME)
    if records is None:
        records = CivilAffairsRecord.objects.filter(organisation=organisation)
    if hasattr(records, "exclude"):
        records = list(records.exclude(links__status=LinkStatus.CONFIRMED).distinct())
    else:
        settled = set(LinkCandidate.objects.filter(civil_record__in=[r.pk for r in records],
                                                   status=LinkStatus.CONFIRMED).values_list("civil_record_id", flat=True))
        records = [record for record in records if record.pk not in settled]
    summary = LinkSummary(records=len(records))
    if not records:
        return summary
    people = people_on_file(organisation)
    summary.people = len(people)
    if not people:
        summary.unmatched = len(records)
        CivilAffairsRecord.objects.filter(pk__in=[r.pk for r in records]).update(linked_at=timezone.now())
        return summary
    match_threshold, review_threshold = _thresholds()
    record_ids = [record.pk for record in records]
    results = link(
        [PersonRecord(str(record.pk), record.name, record.id_number or None, record.birth_date, record.region or None)
         for record in records],
        [person.record for person in people.values()],
        match_threshold=match_threshold, review_threshold=review_threshold,
    )
    known = set()
    for start in range(0, len(record_ids), BATCH_SIZE):
        for record_id, worker_id, member_id in LinkCandidate.objects.filter(
                civil_record__in=record_ids[start:start + BATCH_SIZE]).values_list(
                "civil_record_id", "worker_id", "member_id"):
            known.add((record_id, f"m:{member_id}" if member_id else f"w:{worker_id}"))
    now = timezone.now()
    new_links: list[LinkCandidate] = []
    for result in results:
        if result.decision not in (MATCH, REVIEW):
            summary.unmatched += 1
            continue
        if (int(result.civil_ref), result.worker_ref) in known:
            summary.already_known += 1
            continue
        person = people[result.worker_ref]
        matched = result.decision == MATCH
        new_links.append(LinkCandidate(
            civil_record_id=int(result.civil_ref), worker_id=person.worker_id, member_id=person.member_id,
            organisation_id=person.organisation_id, score=Decimal(str(round(result.score, 4))),
            decision=LinkDecision.MATCH if matched else LinkDecision.REVIEW, reasons=list(result.reasons),
            status=LinkStatus.CONFIRMED if matched else LinkStatus.PENDING, decided_at=now if matched else None,
            decision_note=_auto_note(result.reasons) if matched else "",
        ))
    opened, confirmed, demoted = [], [], []
    with transaction.atomic():
        created: list[LinkCandidate] = []
        for start in range(0, len(new_links), BATCH_SIZE):
            created.extend(LinkCandidate.objects.bulk_create(new_links[start:start + BATCH_SIZE]))
        matched_pks = [candidate.pk for candidate in created if candidate.status == LinkStatus.CONFIRMED]
        for candidate in LinkCandidate.objects.filter(pk__in=matched_pks).select_related(
                "civil_record", "worker", "member__household", "organisation"):
            try:
                with transaction.atomic():
                    file = _candidate_file(candidate, by=actor)
            except ValidationError as error:
                # Matched, but no file can be opened without a person: the caseworker decides.
                _demote(candidate, error)
                demoted.append(candidate.pk)
                continue
            confirmed.append(candidate.pk)
            if file is not None:
                opened.append(file.pk)
        CivilAffairsRecord.objects.filter(pk__in=record_ids).update(linked_at=now)
        summary.matched = len(confirmed)
        summary.review = len(new_links) - len(confirmed)
        summary.files_opened = len(opened)
        if new_links:
            append_event(
                action=AuditAction.IMPORT, actor=actor, subject=import_run, organisation=organisation,
                name="link_civil_records",
                data={**summary.as_dict(), "import": getattr(import_run, "pk", None),
                      "confirmed_links": confirmed, "demoted_to_review": demoted, "files_opened": opened},
            )
    return summary


def _auto_note(reasons: list[str]) -> str:
    return (_("自动匹配：%(reasons)s") % {"reasons": "；".join(reasons)})[:NOTE_LENGTH]


def _demote(candidate: LinkCandidate, error: ValidationError) -> None:
    problem = "；".join(error.messages)
    candidate.status, candidate.decided_at, candidate.decision_note = LinkStatus.PENDING, None, ""
    candidate.reasons = [*candidate.reasons, _("无法自动建档：%(problem)s") % {"problem": problem}]
    candidate.save(update_fields=["status", "decided_at", "decision_note", "reasons"])


# -- a confirmed link becomes a candidate file ----------------------------------------------------------

def _birth_of(worker: Worker, civil: CivilAffairsRecord) -> date | None:
    from cases.rules.validators import parse_resident_id

    if worker.birth_date:
        return worker.birth_date
    for number in (worker.resident_id, civil.id_number):
        if number and is_valid_resident_id(number):
            return parse_resident_id(number).birth_date
    return civil.birth_date


def household_for(candidate: LinkCandidate, *, create: bool = True) -> Household | None:
    """The household a confirmed link is about: the member's, else one the worker heads or
    belongs to in the link's organisation subtree, else (with `create`) a new one headed by
    the worker, in the civil record's region, with the worker as its 本人 member."""
    if candidate.member_id:
        return candidate.member.household
    subtree = Organisation.objects.subtree_of([candidate.organisation]).values("pk")
    household = (Household.objects.filter(organisation__in=subtree, head=candidate.worker).order_by("pk").first()
                 or Household.objects.filter(organisation__in=subtree, members__worker=candidate.worker)
                 .order_by("pk").first())
    if household is not None or not create:
        return household
    worker, civil = candidate.worker, candidate.civil_record
    region = civil.region or _id_region(worker.resident_id) or _id_region(civil.id_number)
    if not region:
        raise ValidationError(_("无法确定该家庭的行政区划：民政记录未填区域，身份证号也无法识别。请先登记家庭后再确认。"))
    birth = _birth_of(worker, civil)
    if birth is None:
        raise ValidationError(_("无法确定%(name)s的出生日期：请先在劳动者信息中补充出生日期后再确认。") % {"name": worker.name})
    household = Household(organisation=candidate.organisation, head=worker, region_code=region)
    household.full_clean()
    household.save()
    # Employment is not in the civil-affairs data: recorded as employed (a worker on file) and
    # verified at the home visit.
    member = HouseholdMember(household=household, worker=worker, name=worker.name, relation=Relation.SELF,
                             resident_id=worker.resident_id or "", birth_date=birth,
                             employment=EmploymentStatus.EMPLOYED)
    member.full_clean()
    member.save()
    return household


def _candidate_file(candidate: LinkCandidate, *, by) -> HardshipFile | None:
    """Open the candidate hardship file of a confirmed link (file + flow in one transaction),
    unless the household already has an active file: then the link points at that one."""
    from workflows.hardship import start_hardship_flow

    with transaction.atomic():
        household = household_for(candidate)
        active = HardshipFile.objects.filter(household=household).exclude(status__in=ENDED_STATES).first()
        file = None
        if active is None:
            file = _open_file(household, candidate, by=by)
            start_hardship_flow(file, by=by)
        candidate.hardship_file = file or active
        candidate.save(update_fields=["hardship_file"])
    return file


def _open_file(household: Household, candidate: LinkCandidate, *, by) -> HardshipFile:
    from cases.services.identification import open_hardship_file

    return open_hardship_file(household=household, by=by, source=IdentificationSource.CIVIL_AFFAIRS,
                              civil_record=candidate.civil_record)


# -- the caseworker's decision --------------------------------------------------------------------------

def _locked_pending(candidate: LinkCandidate) -> LinkCandidate:
    locked = LinkCandidate.objects.select_for_update().select_related(
        "civil_record", "worker", "member__household", "organisation", "decided_by").get(pk=candidate.pk)
    if locked.status != LinkStatus.PENDING:
        who = locked.decided_by.get_username() if locked.decided_by else _("系统自动匹配")
        when = timezone.localtime(locked.decided_at).strftime("%Y年%m月%d日 %H:%M") if locked.decided_at else ""
        raise ValidationError(_("该比对结果已于%(when)s由%(who)s%(status)s，不能重复处理。")
                              % {"when": when, "who": who, "status": locked.get_status_display()})
    return locked


def confirm_link(candidate: LinkCandidate, *, by, note: str = "") -> LinkCandidate:
    """The caseworker confirms: this civil-affairs record is this person. The household is
    registered if need be and a candidate hardship file opened with its flow."""
    require_can_act(by, candidate.organisation, [Role.HARDSHIP_CASEWORKER])
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": _("确认说明不能超过%(n)d个字。") % {"n": NOTE_LENGTH}})
    with transaction.atomic():
        locked = _locked_pending(candidate)
        locked.status, locked.decided_by, locked.decided_at = LinkStatus.CONFIRMED, by, timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        file = _candidate_file(locked, by=by)
        append_event(
            action=AuditAction.TRANSITION, actor=by, subject=locked, organisation=locked.organisation,
            name="confirm_link", from_state=LinkStatus.PENDING, to_state=LinkStatus.CONFIRMED, reason=note,
            data={"civil_record": locked.civil_record_id, "worker": locked.worker_id, "member": locked.member_id,
                  "score": str(locked.score), "hardship_file": locked.hardship_file_id,
                  "file_opened": file is not None},
        )
    return locked


def reject_link(candidate: LinkCandidate, *, by, note: str) -> LinkCandidate:
    """The caseworker rejects: not the same person. Never proposed again."""
    require_can_act(by, candidate.organisation, [Role.HARDSHIP_CASEWORKER])
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写排除理由（例如：经核实不是同一人）。")})
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": _("排除理由不能超过%(n)d个字。") % {"n": NOTE_LENGTH}})
    with transaction.atomic():
        locked = _locked_pending(candidate)
        locked.status, locked.decided_by, locked.decided_at = LinkStatus.REJECTED, by, timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        append_event(
            action=AuditAction.TRANSITION, actor=by, subject=locked, organisation=locked.organisation,
            name="reject_link", from_state=LinkStatus.PENDING, to_state=LinkStatus.REJECTED, reason=note,
            data={"civil_record": locked.civil_record_id, "worker": locked.worker_id, "member": locked.member_id,
                  "score": str(locked.score)},
        )
    return locked
