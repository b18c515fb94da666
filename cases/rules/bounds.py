"""Bounds on what people type: free text, dates and amounts in yuan.

A 100,000-character statement of facts, an employment that began in year 1, an amount typed
as `1e6`: each is a mistake (or an attack) that a form must refuse with a message saying what
to write instead, and that `full_clean()` refuses again for every other way in.

- Free text: `TEXT_LIMITS` by field name (a statement of facts 5,000 characters, agreement
  terms and session statements 10,000), everything else `TEXT_MAX` (2,000).
- Dates: nothing before `EARLIEST_DATE` (1950-01-01; birth dates `EARLIEST_BIRTH_DATE`),
  nothing more than `FUTURE_YEARS` years ahead; what has already happened (`PAST_DATES`:
  employment start, birth, the day a worker knew of the infringement) not after today.
- Amounts: decimal text without exponent, at most two decimals (fen), within
  0 … `AMOUNT_MAX` (¥100,000,000).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .calendar import day_label

TEXT_MAX = 2000
FACTS_MAX = 5000
LONG_TEXT_MAX = 10000
TEXT_LIMITS = {
    "facts": FACTS_MAX,
    "terms": LONG_TEXT_MAX,
    "statements": LONG_TEXT_MAX,
    "proposals": LONG_TEXT_MAX,
}

EARLIEST_DATE = date(1950, 1, 1)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
FUTURE_YEARS = 10
# Dates of what has already happened when it is recorded: never after today.
PAST_DATES = frozenset({"employment_start", "birth_date", "infringement_known_on"})

AMOUNT_MAX = Decimal("100000000")
CENT = Decimal("0.01")
_AMOUNT_TEXT = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
_AMOUNT_NOISE = str.maketrans("", "", ",，  _")


def text_limit(name: str) -> int:
    return TEXT_LIMITS.get(name, TEXT_MAX)


def text_error(value: str, *, label, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        return _("%(label)s不能超过%(limit)s个字（现有%(count)s个字），请精简后再提交；"
                 "详细材料可作为附件存卷。") % {"label": label, "limit": f"{limit:,}", "count": f"{len(value):,}"}
    return None


def latest_date(today: date | None = None) -> date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def date_error(value: date | None, *, label, name: str = "", past: bool | None = None) -> str | None:
    """Why `value` is no sensible date for the field `name` labelled `label`, or None."""
    if value is None:
        return None
    earliest = EARLIEST_BIRTH_DATE if name == "birth_date" else EARLIEST_DATE
    if value < earliest:
        return _("%(label)s（%(value)s）早于%(earliest)s，请核对年份。") % {
            "label": label, "value": day_label(value), "earliest": day_label(earliest)}
    today = timezone.localdate()
    if (name in PAST_DATES if past is None else past) and value > today:
        return _("%(label)s（%(value)s）不能晚于今天，请核对日期。") % {"label": label, "value": day_label(value)}
    if value > latest_date(today):
        return _("%(label)s（%(value)s）晚于%(latest)s，请核对年份。") % {
            "label": label, "value": day_label(value), "latest": day_label(latest_date(today))}
    return None


def amount_error(value: Decimal | None, *, label, minimum: Decimal | None = Decimal("0")) -> str | None:
    """Why an amount (already a Decimal) is out of bounds, or None. `minimum=None` for a
    signed ledger amount (money out is negative): only its size is bounded."""
    if value is None:
        return None
    if not value.is_finite():
        return _("%(label)s不是有效的金额，请填写数字，如 12000.00。") % {"label": label}
    if minimum is not None and value < minimum:
        if minimum > 0:
            return _("%(label)s须大于零。") % {"label": label}
        return _("%(label)s不能为负数。") % {"label": label}
    if abs(value) > AMOUNT_MAX:
        return _("%(label)s不能超过100,000,000元（一亿元），请核对金额。") % {"label": label}
    if value != value.quantize(CENT):
        return _("%(label)s以元为单位，最多保留两位小数（到分）。") % {"label": label}
    return None


def decimal_from_text(text) -> Decimal | None:
    """The number in an amount as typed ("24,000", "¥1,400.50", "-3.5"), or None when it is no
    plain decimal: `1e6`, `NaN`, `Infinity`, `0x10` and the like are refused, not read."""
    cleaned = str(text).strip().translate(_AMOUNT_NOISE)
    sign = ""
    if cleaned[:1] in ("-", "+"):
        sign, cleaned = cleaned[0].replace("+", ""), cleaned[1:]
    cleaned = cleaned.removeprefix("¥").removeprefix("￥").removesuffix("元")
    if not _AMOUNT_TEXT.fullmatch(cleaned):
        return None
    return Decimal(sign + cleaned)


def invalid_amount_message(label, value) -> str:
    return _("%(label)s“%(value)s”不是有效的金额：请只填写数字和小数点，如 12000.00（不能使用科学计数法）。") % {
        "label": label, "value": str(value).strip()[:40]}


def parse_amount(text: str, *, label, minimum: Decimal | None = Decimal("0")) -> Decimal:
    """An amount in yuan as typed: digits with an optional point and up to two decimals,
    thousands separators and a leading ¥ allowed; no exponent (`1e6`), no NaN; bounded by
    `amount_error`. Raises ValidationError with a Chinese message naming `label`."""
    amount = decimal_from_text(text)
    if amount is None:
        raise ValidationError(invalid_amount_message(label, text), code="amount_invalid")
    if message := amount_error(amount, label=label, minimum=minimum):
        raise ValidationError(message, code="amount_bounds")
    return amount
