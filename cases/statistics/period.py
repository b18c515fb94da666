"""The period a report covers: inclusive dates, the presets the report page offers, parsing."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, gettext_lazy

from cases.rules.calendar import day_label


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValidationError({"end": _("结束日期不能早于开始日期。")})

    @property
    def label(self) -> str:
        return _("%(start)s至%(end)s") % {"start": day_label(self.start), "end": day_label(self.end)}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_end(year: int, month: int) -> date:
    return next_month(date(year, month, 1)) - timedelta(days=1)


def this_month(today: date) -> Period:
    return Period(today.replace(day=1), _month_end(today.year, today.month))


def this_quarter(today: date) -> Period:
    first_month = (today.month - 1) // 3 * 3 + 1
    return Period(date(today.year, first_month, 1), _month_end(today.year, first_month + 2))


def first_half(today: date) -> Period:
    return Period(date(today.year, 1, 1), date(today.year, 6, 30))


def whole_year(today: date) -> Period:
    return Period(date(today.year, 1, 1), date(today.year, 12, 31))


# The report page's presets (UX.md): key → (label, period of the year `today` falls in).
PRESETS = {
    "month": (gettext_lazy("本月"), this_month),
    "quarter": (gettext_lazy("本季度"), this_quarter),
    "first_half": (gettext_lazy("上半年"), first_half),
    "year": (gettext_lazy("全年"), whole_year),
}
CUSTOM = "custom"


def parse_day(text: str | None, *, field: str, label: str) -> date:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {field: _("%(label)s“%(text)s”不是有效日期，应为 2026-06-30 这样的格式。") % {"label": label, "text": text}}
        ) from None


def custom_period(start: str | None, end: str | None) -> Period:
    errors = {}
    days = {}
    for field, text, label in (("start", start, _("开始日期")), ("end", end, _("结束日期"))):
        try:
            days[field] = parse_day(text, field=field, label=label)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return Period(days["start"], days["end"])


def period_from_choice(preset: str | None, *, today: date, start: str | None = None, end: str | None = None) -> Period:
    """A preset key ("month", "quarter", "first_half", "year") or CUSTOM with its two dates."""
    if preset == CUSTOM:
        return custom_period(start, end)
    if preset not in PRESETS:
        raise ValidationError({"preset": _("未知的统计期间“%(preset)s”。") % {"preset": preset}})
    return PRESETS[preset][1](today)
