"""iCalendar text (RFC 5545), written by hand: a VCALENDAR of VEVENTs, nothing else.

What the RFC asks of such a file and this module does:
- every line ends with CRLF (3.1);
- a line longer than 75 octets is folded: CRLF and one space, the space counting towards the
  next line's 75 octets; a UTF-8 character is never split between lines (3.1);
- TEXT values escape backslash, semicolon, comma and newline as \\\\, \\;, \\, and \\n; other
  control characters are not allowed in TEXT and are dropped (3.3.11);
- times are written in UTC ("20261110T020000Z", 3.3.5 form #2), so no VTIMEZONE is needed;
- a VCALENDAR has VERSION and PRODID (3.7); a VEVENT has UID and DTSTAMP (3.6.1).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

CRLF = "\r\n"
LINE_OCTETS = 75
TEXT_ESCAPES = {"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"}


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False
    sequence: int = 0


def escape_text(value: str) -> str:
    """A TEXT value: newlines (CRLF, CR or LF) as \\n, the four specials escaped, other controls dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(TEXT_ESCAPES.get(ch, ch) for ch in value if ch in "\n\t" or ord(ch) >= 0x20 and ch != "\x7f")


def fold(line: str) -> str:
    """`line` folded into pieces of at most 75 octets, joined by CRLF and a space; no trailing CRLF."""
    pieces, current, size = [], [], 0
    for ch in line:
        octets = len(ch.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [" "], 1  # the continuation's leading space is one of its 75 octets
        current.append(ch)
        size += octets
    pieces.append("".join(current))
    return CRLF.join(pieces)


def utc_stamp(moment: datetime) -> str:
    """An aware datetime as a UTC DATE-TIME: 20261110T020000Z."""
    if moment.tzinfo is None:
        raise ValueError("iCalendar times must be aware datetimes")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(*, name: str, events: Iterable[Event], now: datetime, product: str,
             refresh_hours: int = 1) -> str:
    """The whole VCALENDAR, CRLF after every (folded) line. `name` is the calendar's display
    name (X-WR-CALNAME, and NAME of RFC 7986); calendar apps are asked to read it again every
    `refresh_hours`."""
    stamp = utc_stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
        f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_hours}H",
        f"X-PUBLISHED-TTL:PT{refresh_hours}H",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
