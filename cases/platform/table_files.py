"""Reading a spreadsheet a federation hands over: CSV (UTF-8, with or without BOM) or XLSX
(first sheet), row by row as lists of cells; cell text and dates as people type them; the
file's sha256 fingerprint, journalled with what was imported from it.

Used by the civil-affairs import (civil_affairs_file.py) and the historical dispute import
(dispute_import.py).
"""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from cases.rules.bounds import AMOUNT_MAX, decimal_from_text

# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})/(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})\.(?P<m>[0-9]{1,2})\.(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)
_TIME_SUFFIX = re.compile(r"[ T]00:00(:00(\.0+)?)?\Z")


class TableFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value, label: str) -> date | None:
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


def _csv_rows(path: Path):
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise TableFileError(_("无法打开文件 %(path)s：%(error)s") % {"path": path, "error": error.strerror}) from None
    with handle:
        try:
            yield from csv.reader(handle)
        except UnicodeDecodeError:
            raise TableFileError(_("%(file)s 不是UTF-8编码的CSV文件，请另存为“CSV UTF-8”后再导入。")
                                        % {"file": path.name}) from None
        except csv.Error as error:
            raise TableFileError(_("%(file)s 不是有效的CSV文件：%(error)s") % {"file": path.name, "error": error}) from None


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError) as error:
        raise TableFileError(_("无法读取Excel文件 %(file)s：%(error)s") % {"file": path.name, "error": error}) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def table_rows(path: Path):
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ""):
        raise TableFileError(_("不支持的文件类型“%(suffix)s”：请提供CSV（UTF-8）或XLSX文件。") % {"suffix": suffix})
    if not path.is_file():
        raise TableFileError(_("找不到文件：%(path)s") % {"path": path})
    return _xlsx_rows(path) if suffix in (".xlsx", ".xlsm") else _csv_rows(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_yuan(value, label: str) -> Decimal | None:
    """An amount in yuan with at most two decimals: 1234.5, 1,234.50, ¥1234; None when empty."""
    if isinstance(value, float):
        value = repr(value)
    text = cell_text(value).replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥").strip()
    if not text:
        return None
    amount = decimal_from_text(text)  # plain decimal text only: `1e6` is no amount
    if amount is None:
        raise ValueError(_("%(label)s“%(value)s”不是有效金额") % {"label": label, "value": text})
    if amount < 0:
        raise ValueError(_("%(label)s不能为负数") % {"label": label})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("%(label)s“%(value)s”最多两位小数（元、角、分）") % {"label": label, "value": text})
    if amount > AMOUNT_MAX:
        raise ValueError(_("%(label)s“%(value)s”过大（不能超过100,000,000元）") % {"label": label, "value": text})
    return amount.quantize(Decimal("0.01"))
