"""RFC 5545 text written by hand (cases/platform/ical.py): CRLF, folding at 75 octets without
splitting a character, TEXT escaping, UTC times."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cases.platform.ical import Event, calendar, escape_text, fold, utc_stamp

BEIJING = timezone(timedelta(hours=8))


def test_text_escapes_backslash_semicolon_comma_and_newlines():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert escape_text("一\r\n二\r三") == "一\\n二\\n三"
    assert escape_text("冒号:和引号\"照写") == "冒号:和引号\"照写"  # allowed in TEXT as they are


def test_text_drops_control_characters_but_keeps_tabs():
    assert escape_text("a\x00b\x07c\x1bd\x7fe\tf") == "abcde\tf"


def test_a_short_line_is_not_folded():
    line = "SUMMARY:" + "x" * 67  # 75 octets exactly
    assert fold(line) == line


def test_a_long_ascii_line_folds_at_75_octets_with_a_leading_space():
    line = "DESCRIPTION:" + "abcdefghij" * 20
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert [len(piece.encode()) for piece in pieces[:-1]] == [75] * (len(pieces) - 1)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert len(pieces[-1].encode()) <= 75
    assert "".join([pieces[0], *(piece[1:] for piece in pieces[1:])]) == line  # unfolding gives it back


def test_folding_never_splits_a_chinese_character():
    line = "SUMMARY:" + "调解" * 40  # 8 + 240 octets, three octets a character
    pieces = fold(line).split("\r\n")
    for piece in pieces:
        assert len(piece.encode("utf-8")) <= 75
        piece.encode("utf-8").decode("utf-8")  # each piece is whole UTF-8
    assert len(pieces[0].encode()) == 74  # 8 + 22 × 3: a 23rd character would make 77
    assert "".join([pieces[0], *(piece[1:] for piece in pieces[1:])]) == line


def test_times_are_written_in_utc():
    assert utc_stamp(datetime(2026, 11, 5, 14, 30, tzinfo=BEIJING)) == "20261105T063000Z"
    with pytest.raises(ValueError):
        utc_stamp(datetime(2026, 11, 5, 14, 30))


def test_a_calendar_ends_every_line_with_crlf_and_carries_version_prodid_uid_and_dtstamp():
    event = Event(uid="mediation-session-7@unioncase", starts_at=datetime(2026, 11, 5, 14, 30, tzinfo=BEIJING),
                  ends_at=datetime(2026, 11, 5, 16, 30, tzinfo=BEIJING), summary="调解, 第1次", cancelled=True)
    text = calendar(name="日程", events=[event], now=datetime(2026, 11, 1, tzinfo=UTC), product="-//t//t//ZH")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//ZH"]
    assert "UID:mediation-session-7@unioncase" in lines
    assert "DTSTAMP:20261101T000000Z" in lines
    assert "DTSTART:20261105T063000Z" in lines and "DTEND:20261105T083000Z" in lines
    assert "STATUS:CANCELLED" in lines and "SUMMARY:调解\\, 第1次" in lines
    assert "LOCATION:" not in text  # empty properties are left out
