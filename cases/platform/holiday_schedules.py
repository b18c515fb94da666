"""Entering an official holiday schedule: reading the admin's file and proposing it; and the
approved schedules as the working-day calendar (cases.rules.calendar) reads them.

A proposed schedule changes nothing until an organisation admin approves it through the
transition door (`apply(schedule, "approve", ...)`); only then does the calendar use it.
"""

import csv
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from cases.models import (
    AuditAction,
    DayKind,
    HolidaySchedule,
    HolidayScheduleDay,
    Organisation,
    Role,
    ScheduleStatus,
)
from cases.models.access import require_can_act
from cases.models.actors import is_system
from cases.platform import deadlines
from cases.platform.audit.journal import append_event
from cases.rules import calendar
from cases.rules.deadlines import CREATED

KIND_ALIASES: dict[str, str] = {
    "holiday": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
}
REQUIRED_COLUMNS = ("date", "kind")
COLUMNS = ("date", "kind", "name")
NAME_MAX_LENGTH = HolidayScheduleDay._meta.get_field("name").max_length


@dataclass(frozen=True)
class ScheduleEntry:
    date: date
    kind: str  # a DayKind value
    name: str = ""
    line: int = 0  # where it came from in the file; 0 when not from a file


Row = tuple[int, Sequence[object]]


def _is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def _csv_rows(path: Path) -> Iterator[Row]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            for cells in reader:
                yield reader.line_num, cells
    except UnicodeDecodeError:
        raise ValidationError(_("文件不是 UTF-8 编码，请另存为 UTF-8 格式的 CSV 后再导入。")) from None
    except OSError as error:
        raise ValidationError(_("无法读取文件：%(error)s") % {"error": error}) from None


def _xlsx_rows(path: Path) -> Iterator[Row]:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:
        raise ValidationError(
            _("本系统未安装 openpyxl，无法读取 .xlsx 文件；请将表格另存为 CSV（UTF-8）后再导入。")
        ) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as error:
        raise ValidationError(_("无法读取 .xlsx 文件：%(error)s") % {"error": error}) from None
    try:
        for number, cells in enumerate(workbook.active.iter_rows(values_only=True), start=1):
            yield number, cells
    finally:
        workbook.close()


def _rows(path: Path) -> Iterator[Row]:
    if not path.is_file():
        raise ValidationError(_("找不到文件：%(path)s") % {"path": path})
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise ValidationError(_("只能导入 .csv 或 .xlsx 文件，收到的是“%(name)s”。") % {"name": path.name})


def _header(line: int, cells: Sequence[object]) -> dict[str, int]:
    names = [str(cell or "").strip().lower() for cell in cells]
    named = [name for name in names if name]
    unknown = [name for name in named if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in named]
    if unknown or missing or len(set(named)) != len(named):
        raise ValidationError(
            _("第%(line)d行：表头应为 date,kind,name（name 可省略），实际为“%(header)s”。")
            % {"line": line, "header": ",".join(names)}
        )
    return {name: index for index, name in enumerate(names) if name}


def _cell(cells: Sequence[object], columns: dict[str, int], name: str) -> object:
    index = columns.get(name)
    if index is None or index >= len(cells) or cells[index] is None:
        return ""
    return cells[index]


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-")
    parts = text.split("-")
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def _entry(line: int, cells: Sequence[object], columns: dict[str, int], year: int) -> ScheduleEntry:
    raw_date = _cell(cells, columns, "date")
    try:
        day = _parse_date(raw_date)
    except ValueError:
        raise ValidationError(
            _("第%(line)d行：日期“%(value)s”无效，应写作 YYYY-MM-DD。") % {"line": line, "value": raw_date}
        ) from None
    if day.year != year:
        raise ValidationError(
            _("第%(line)d行：日期 %(date)s 不在%(year)d年内。") % {"line": line, "date": day, "year": year}
        )
    raw_kind = str(_cell(cells, columns, "kind")).strip()
    kind = KIND_ALIASES.get(raw_kind.lower())
    if kind is None:
        raise ValidationError(
            _("第%(line)d行：类别“%(value)s”无效，应为 holiday/放假 或 workday/上班/调休上班。")
            % {"line": line, "value": raw_kind}
        )
    name = str(_cell(cells, columns, "name")).strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("第%(line)d行：节日名称不能超过%(max)d个字。") % {"line": line, "max": NAME_MAX_LENGTH}
        )
    return ScheduleEntry(date=day, kind=kind, name=name, line=line)


def _duplicates(entries: Iterable[ScheduleEntry]) -> Iterator[tuple[ScheduleEntry, ScheduleEntry]]:
    """(first, repeat) for each entry whose date was already listed."""
    first: dict[date, ScheduleEntry] = {}
    for entry in entries:
        if entry.date in first:
            yield first[entry.date], entry
        else:
            first[entry.date] = entry


def parse_schedule_file(path: str | Path, *, year: int) -> list[ScheduleEntry]:
    """Read a schedule file (CSV in UTF-8 with header `date,kind,name`, or XLSX).

    Raises one ValidationError listing every bad line, so the admin can fix them all at once.
    """
    rows = (row for row in _rows(Path(path)) if not _is_blank(row[1]))
    header = next(rows, None)
    if header is None:
        raise ValidationError(_("文件为空：第一行应为表头 date,kind,name。"))
    columns = _header(*header)
    entries, errors = [], []
    for line, cells in rows:
        try:
            entries.append(_entry(line, cells, columns, year))
        except ValidationError as error:
            errors.extend(error.messages)
    errors.extend(
        _("第%(line)d行：日期 %(date)s 重复（已在第%(first)d行出现）。")
        % {"line": repeat.line, "date": repeat.date, "first": first.line}
        for first, repeat in _duplicates(entries)
    )
    if errors:
        raise ValidationError(errors)
    if not entries:
        raise ValidationError(_("文件中没有任何日期。"))
    return entries


def _check_entries(year: int, entries: Sequence[ScheduleEntry]) -> None:
    errors = [
        _("日期 %(date)s 不在%(year)d年内。") % {"date": entry.date, "year": year}
        for entry in entries if entry.date.year != year
    ]
    errors.extend(
        _("日期 %(date)s 重复。") % {"date": repeat.date} for _first, repeat in _duplicates(entries)
    )
    if not entries:
        errors.append(_("节假日安排至少应包含一天。"))
    if errors:
        raise ValidationError(errors)


def count_days(entries: Iterable[ScheduleEntry]) -> dict[str, int]:
    kinds = [entry.kind for entry in entries]
    return {"holidays": kinds.count(DayKind.HOLIDAY), "workdays": kinds.count(DayKind.WORKDAY)}


def _save_day(schedule: HolidaySchedule, entry: ScheduleEntry) -> HolidayScheduleDay:
    day = HolidayScheduleDay(schedule=schedule, date=entry.date, kind=entry.kind, name=entry.name)
    day.full_clean()
    day.save()
    return day


def propose_schedule(
    *, year: int, entries: Sequence[ScheduleEntry], organisation: Organisation, by, source: str = "",
) -> HolidaySchedule:
    """Record a year's official schedule as proposed, awaiting an admin's approval."""
    if not is_system(by):
        require_can_act(by, organisation, [Role.ORG_ADMIN])
    _check_entries(year, entries)
    with transaction.atomic():
        schedule = HolidaySchedule(
            year=year, organisation=organisation, source=source,
            proposed_by=None if is_system(by) else by,
        )
        schedule.full_clean()
        schedule.save()
        for entry in entries:
            _save_day(schedule, entry)
        changes = deadlines.apply_trigger(schedule, CREATED, organisation=organisation)
        append_event(
            action=AuditAction.TRANSITION, actor=by, subject=schedule, organisation=organisation,
            name="propose", to_state=ScheduleStatus.PROPOSED, reason=source,
            data={"year": year, **count_days(entries), "deadlines": changes.summary()},
        )
    return schedule


# -- what the calendar reads --------------------------------------------------------------------

def approved_schedule_days(year: int) -> list[tuple[date, str]] | None:
    """The approved schedule's (date, kind) pairs, or None when the year has none."""
    # One query: the LEFT JOIN yields a single (None, None) row for an approved schedule
    # without days, and no rows when there is no approved schedule.
    rows = list(
        HolidaySchedule.objects.filter(year=year, status=ScheduleStatus.APPROVED)
        .values_list("days__date", "days__kind")
    )
    if not rows:
        return None
    return [(day, kind) for day, kind in rows if day is not None]


def _calendar_forgets(sender, **kwargs) -> None:
    calendar.schedule_changed()


def connect_calendar() -> None:
    """Let the calendar read approved schedules and hear of every change to one (called once
    the app is ready)."""
    calendar.read_approved_schedules_with(approved_schedule_days)
    for model in (HolidaySchedule, HolidayScheduleDay):
        post_save.connect(_calendar_forgets, sender=model, dispatch_uid=f"calendar_save_{model.__name__}")
        post_delete.connect(_calendar_forgets, sender=model, dispatch_uid=f"calendar_delete_{model.__name__}")
