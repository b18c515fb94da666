"""The historical dispute file (import_disputes): reading and validating its rows.

Columns (header row; English or Chinese names): case_no, org_code, received_on, accepted_on,
worker_name, worker_id_number, employer_name, employer_uscc, claim_type, claimed_yuan,
outcome, agreement_effective_on, awarded_yuan, paid_yuan. Empty cells mean unknown (an empty
claim_type imports as 未注明, ClaimType.UNSPECIFIED). Every
row is checked on its own and against the rows before it; a row in error is reported with
its line (the header is line 1) and every reason, in Chinese.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import DisputeCase, Employer, Organisation, Worker
from cases.models.dispute.imported import Outcome
from cases.platform.table_files import TableFileError, cell_text, parse_date, parse_yuan, table_rows
from cases.rules.claims import ClaimType
from cases.rules.validators import normalise_resident_id, normalise_uscc, validate_resident_id, validate_uscc

COLUMN_LABELS = {
    "case_no": "案件编号", "org_code": "组织代码", "received_on": "收到申请日期", "accepted_on": "受理日期",
    "worker_name": "劳动者姓名", "worker_id_number": "劳动者身份证号", "employer_name": "用人单位名称",
    "employer_uscc": "统一社会信用代码", "claim_type": "争议事项", "claimed_yuan": "请求金额",
    "outcome": "办理结果", "agreement_effective_on": "协议生效日期", "awarded_yuan": "协议金额",
    "paid_yuan": "履行金额",
}
COLUMNS = tuple(COLUMN_LABELS)
HEADER_ALIASES = {label: column for column, label in COLUMN_LABELS.items()}
CLAIM_TYPES = {**{value: value for value in ClaimType.values}, **{str(label): value for value, label in ClaimType.choices}}
OUTCOMES = {**{value: value for value in Outcome.values}, **{str(label): value for value, label in Outcome.choices}}
MAX_CASE_NO = DisputeCase._meta.get_field("number").max_length
NAME_LENGTHS = {"worker_name": Worker._meta.get_field("name").max_length,
                "employer_name": Employer._meta.get_field("name").max_length}
AGREEMENT_ONLY = ("agreement_effective_on", "awarded_yuan", "paid_yuan")


@dataclass(frozen=True)
class DisputeRow:
    line: int
    case_no: str
    organisation: Organisation = field(compare=False)
    org_code: str
    received_on: date
    accepted_on: date | None
    worker_name: str
    worker_id_number: str
    employer_name: str
    employer_uscc: str
    claim_type: str
    claimed_yuan: Decimal
    outcome: str
    agreement_effective_on: date | None
    awarded_yuan: Decimal | None
    paid_yuan: Decimal | None

    def values(self) -> dict:
        """The row's content as JSON-ready values (what the audit event keeps)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("line", "organisation")}
        return json.loads(json.dumps(data, default=str))

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the row's content: the same row imported again is recognised by it."""
        return hashlib.sha256(json.dumps(self.values(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class DisputeFile:
    rows: list[DisputeRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # [{"line": 7, "reason": "..."}]
    total: int = 0


def _header_positions(header: list, file_name: str) -> dict[str, int]:
    names = [HEADER_ALIASES.get(cell_text(cell), cell_text(cell).lower()) for cell in header]
    missing = [f"{column}（{COLUMN_LABELS[column]}）" for column in COLUMNS if column not in names]
    unknown = [cell_text(cell) for cell, name in zip(header, names) if name and name not in COLUMNS]
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("缺少列：%(columns)s") % {"columns": "、".join(missing)})
    if unknown:
        problems.append(_("无法识别的列：%(columns)s") % {"columns": "、".join(unknown)})
    if duplicated:
        problems.append(_("重复的列：%(columns)s") % {"columns": "、".join(duplicated)})
    if problems:
        raise TableFileError(_("%(file)s 第1行表头不符合要求（%(problems)s）。表头应为 %(columns)s。")
                             % {"file": file_name, "problems": "；".join(problems), "columns": ", ".join(COLUMNS)})
    return {name: index for index, name in enumerate(names) if name in COLUMNS}


class _Reasons(list):
    def parse(self, parser, value, label):
        try:
            return parser(value, label)
        except ValueError as error:
            self.append(str(error))
            return None

    def check(self, validator, value) -> None:
        try:
            validator(value)
        except ValidationError as error:
            self.extend(str(message) for message in error.messages)


def _identifiers(value: dict, reasons: _Reasons) -> tuple[str, str]:
    worker_id = normalise_resident_id(cell_text(value["worker_id_number"]))
    if worker_id:
        reasons.check(validate_resident_id, worker_id)
    uscc = normalise_uscc(cell_text(value["employer_uscc"]))
    if uscc:
        reasons.check(validate_uscc, uscc)
    return worker_id, uscc


def _choice(text: str, choices: dict[str, str], label: str, unknown_message: str, reasons: _Reasons) -> str:
    if text in choices:
        return choices[text]
    reasons.append(unknown_message % {"value": text} if text else _("请填写%(label)s") % {"label": label})
    return ""


def _names(raw: dict, reasons: _Reasons) -> tuple[str, str]:
    names = {column: cell_text(raw[column]) for column in NAME_LENGTHS}
    for column, longest in NAME_LENGTHS.items():
        if not names[column]:
            reasons.append(_("请填写%(label)s") % {"label": COLUMN_LABELS[column]})
        elif len(names[column]) > longest:
            reasons.append(_("%(label)s不能超过%(n)d个字符") % {"label": COLUMN_LABELS[column], "n": longest})
    return names["worker_name"], names["employer_name"]


def _dates(value: dict, reasons: _Reasons) -> dict:
    days = {name: reasons.parse(parse_date, value[name], COLUMN_LABELS[name])
            for name in ("received_on", "accepted_on", "agreement_effective_on")}
    today = timezone.localdate()
    for name, day in days.items():
        if day and day > today:
            reasons.append(_("%(label)s不能晚于今天") % {"label": COLUMN_LABELS[name]})
    received, accepted, effective = days["received_on"], days["accepted_on"], days["agreement_effective_on"]
    if received is None and not cell_text(value["received_on"]):
        reasons.append(_("请填写收到申请日期"))
    if received and accepted and accepted < received:
        reasons.append(_("受理日期不能早于收到申请日期"))
    if effective and (accepted or received) and effective < (accepted or received):
        reasons.append(_("协议生效日期不能早于受理日期"))
    return days


def _outcome_rules(outcome: str, days: dict, amounts: dict, raw: dict, reasons: _Reasons) -> None:
    if outcome == Outcome.REJECTED and cell_text(raw["accepted_on"]):
        reasons.append(_("不予受理的案件不应填写受理日期"))
    if outcome == Outcome.AGREEMENT:
        if days["agreement_effective_on"] is None and not cell_text(raw["agreement_effective_on"]):
            reasons.append(_("达成调解协议的案件须填写协议生效日期"))
        if amounts["awarded_yuan"] is None and not cell_text(raw["awarded_yuan"]):
            reasons.append(_("达成调解协议的案件须填写协议金额"))
        awarded, paid = amounts["awarded_yuan"], amounts["paid_yuan"]
        if awarded is not None and paid is not None and paid > awarded:
            reasons.append(_("履行金额（¥%(paid)s）不能超过协议金额（¥%(awarded)s）")
                           % {"paid": f"{paid:,.2f}", "awarded": f"{awarded:,.2f}"})
    elif outcome:
        given = [COLUMN_LABELS[name] for name in AGREEMENT_ONLY if cell_text(raw[name])]
        if given:
            reasons.append(_("只有达成调解协议的案件才能填写%(columns)s") % {"columns": "、".join(given)})


def validate_row(line: int, raw: dict, organisations: dict[str, Organisation]) -> tuple[DisputeRow | None, list[str]]:
    reasons = _Reasons()
    case_no = cell_text(raw["case_no"])
    if not case_no:
        reasons.append(_("请填写案件编号"))
    elif len(case_no) > MAX_CASE_NO:
        reasons.append(_("案件编号不能超过%(n)d个字符") % {"n": MAX_CASE_NO})
    org_code = cell_text(raw["org_code"])
    organisation = organisations.get(org_code)
    if organisation is None:
        reasons.append(_("没有代码为“%(code)s”的组织") % {"code": org_code} if org_code else _("请填写组织代码"))
    days = _dates(raw, reasons)
    worker_name, employer_name = _names(raw, reasons)
    worker_id, uscc = _identifiers(raw, reasons)
    # An empty cell means unknown, as everywhere in this file: the case counts under 未注明.
    claim_type = _choice(cell_text(raw["claim_type"]) or ClaimType.UNSPECIFIED, CLAIM_TYPES,
                         COLUMN_LABELS["claim_type"], _("未知的争议事项“%(value)s”"), reasons)
    outcome = _choice(cell_text(raw["outcome"]), OUTCOMES, COLUMN_LABELS["outcome"],
                      _("未知的办理结果“%(value)s”（应为 agreement、failed、withdrawn、rejected 或 pending）"), reasons)
    amounts = {name: reasons.parse(parse_yuan, raw[name], COLUMN_LABELS[name])
               for name in ("claimed_yuan", "awarded_yuan", "paid_yuan")}
    _outcome_rules(outcome, days, amounts, raw, reasons)
    if reasons:
        return None, list(reasons)
    return DisputeRow(
        line=line, case_no=case_no, organisation=organisation, org_code=org_code,
        received_on=days["received_on"], accepted_on=days["accepted_on"],
        worker_name=worker_name, worker_id_number=worker_id, employer_name=employer_name, employer_uscc=uscc,
        claim_type=claim_type, claimed_yuan=amounts["claimed_yuan"] or Decimal("0.00"), outcome=outcome,
        agreement_effective_on=days["agreement_effective_on"],
        awarded_yuan=amounts["awarded_yuan"], paid_yuan=amounts["paid_yuan"],
    ), []


def read_dispute_rows(path) -> DisputeFile:
    """Every data row of the file, validated; raises TableFileError when the file or its header
    cannot be used. A case number seen on an earlier line is an error on the later one."""
    path = Path(path)
    rows = iter(table_rows(path))
    header = next(rows, None)
    if header is None or not any(cell_text(cell) for cell in header):
        raise TableFileError(_("%(file)s 第1行：文件为空或缺少表头。") % {"file": path.name})
    positions = _header_positions(header, path.name)
    organisations = {org.code: org for org in Organisation.objects.all()}
    result, first_line = DisputeFile(), {}
    for line, cells in enumerate(rows, start=2):
        if not any(cell_text(cell) for cell in cells):
            continue
        result.total += 1
        raw = {name: (cells[index] if index < len(cells) else None) for name, index in positions.items()}
        row, reasons = validate_row(line, raw, organisations)
        if row is not None and row.case_no in first_line:
            row, reasons = None, [_("案件编号“%(no)s”与第%(line)d行重复") % {"no": row.case_no,
                                                                        "line": first_line[row.case_no]}]
        if row is None:
            result.errors.append({"line": line, "reason": "；".join(reasons)})
            continue
        first_line[row.case_no] = line
        result.rows.append(row)
    return result
