"""Charts for the report page, drawn on the server as SVG so the page and the PDF show the
same picture: horizontal bars, one or two series, each bar labelled with its value."""

from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif"
COLOURS = ("#b71c1c", "#37474f")
LABEL_WIDTH, VALUE_WIDTH, BAR_AREA = 150, 110, 360
BAR_HEIGHT, GAP, TOP = 16, 10, 56


@dataclass(frozen=True)
class Series:
    name: str
    values: list[Decimal | int]
    formatted: list[str]


def _scale(series: list[Series]) -> Decimal:
    largest = max((Decimal(v) for s in series for v in s.values), default=Decimal(0))
    return largest if largest > 0 else Decimal(1)


def _legend(series: list[Series]) -> list[str]:
    parts, x = [], LABEL_WIDTH
    for colour, one in zip(COLOURS, series):
        parts.append(f'<rect x="{x}" y="30" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="40" font-size="12">{escape(one.name)}</text>')
        x += 24 + 13 * len(one.name)
    return parts


def bar_chart(*, title: str, labels: list[str], series: list[Series]) -> SafeString:
    """An SVG with one group of bars per label; empty data draws a note instead of bars."""
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    group = BAR_HEIGHT * len(series) + GAP
    height = TOP + group * max(len(labels), 1) + 4
    scale = _scale(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
        *_legend(series),
    ]
    if not labels:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 14}" font-size="12" fill="#757575">{escape(_("无数据"))}</text>')
    for row, label in enumerate(labels):
        top = TOP + row * group
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{top + BAR_HEIGHT * len(series) / 2 + 4}" '
                     f'font-size="12" text-anchor="end">{escape(label)}</text>')
        for index, (colour, one) in enumerate(zip(COLOURS, series)):
            y = top + index * BAR_HEIGHT
            length = float(Decimal(one.values[row]) / scale * BAR_AREA)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{BAR_HEIGHT - 4}" '
                         f'fill="{colour}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR_HEIGHT - 4}" font-size="11">'
                         f"{escape(one.formatted[row])}</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
