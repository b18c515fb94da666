"""The deadline and holiday-schedule messages read in English for a user whose language is English,
and in Chinese by default (issue 6: Chinese first, English too)."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import translation

from cases.models import ScheduleStatus
from cases.rules.deadlines import clock
from notifications.services import render_message

CJK = re.compile(r"[\u4e00-\u9fff]")
SUBJECT = "BJ-HD-ZGC-2026-0007"
CITATION = "《企业劳动争议协商调解规定》第二十九条"  # a legal citation stays in Chinese


def deadline_context(**overrides):
    return {"clock_name": clock("dispute.mediation").name, "citation": CITATION, "due_on": date(2026, 12, 15),
            "provisional": False, "subject_label": SUBJECT, **overrides}


def schedule_context(status):
    schedule = SimpleNamespace(year=2027, get_status_display=lambda: ScheduleStatus(status).label)
    return {"schedule": schedule, "actor": "Li Ming", "reason": ""}


def in_english(kind, context):
    with translation.override("en"):
        return render_message(kind, context)


def without_citation(text):
    return text.replace(CITATION, "")


@pytest.mark.parametrize(("kind", "context", "title", "said"), [
    ("deadline_warning", deadline_context(provisional=True), "Deadline reminder: the mediation period ends on 15 December 2026",
     ["The mediation period of BJ-HD-ZGC-2026-0007 ends on 15 December 2026", "provisional holiday schedule"]),
    ("deadline_breached", deadline_context(), "Deadline missed: the mediation period",
     ["ended on 15 December 2026 and was not met"]),
    ("deadline_moved", deadline_context(old_due=date(2026, 12, 15), new_due=date(2026, 12, 17)),
     "Deadline moved: the mediation period", ["now ends on 17 December 2026 instead of 15 December 2026"]),
    ("period_elapsed", deadline_context(), "Period over, next step due: the mediation period",
     ["ended on 15 December 2026. Please take the next step."]),
    ("holiday_schedule_decided", schedule_context(ScheduleStatus.APPROVED), "Holiday schedule for 2027: In force",
     ["reviewed by Li Ming: In force."]),
])
def test_deadline_and_schedule_messages_have_english(kind, context, title, said):
    english_title, english_body = in_english(kind, context)

    assert english_title == title
    for words in said:
        assert words in english_body
    assert not CJK.search(english_title) and not CJK.search(without_citation(english_body)), english_body


def test_the_same_messages_stay_chinese_by_default():
    title, body = render_message("deadline_warning", deadline_context(provisional=True))
    assert title == "时限提醒：调解期限将于2026年12月15日届满"
    assert "暂定节假日安排" in body

    title, _body = render_message("holiday_schedule_decided", schedule_context(ScheduleStatus.REJECTED))
    assert title == "2027年节假日安排：已驳回"
