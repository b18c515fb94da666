"""Document kinds of the platform itself: the general notice (通知书) and the holiday
schedule's approval decision (节假日安排审批决定)."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.documents.registry import Context, DocumentKind, cn_date, cn_month_day, cn_weekday, person_name, register
from cases.models.calendar import DayKind, ScheduleStatus

# -- 通知书 (general notice) ---------------------------------------------------------------

def _notice_sample() -> Context:
    received, session = date(2026, 11, 20), date(2026, 11, 27)
    return {
        "title": "调解通知书",
        "organisation_name": "中关村街道劳动争议调解中心",
        "document_number": "海中调通字〔2026〕第0123号",
        "addressee": "张三",
        "paragraphs": [
            f"你与北京某科技有限公司之间的劳动争议调解申请，本中心已于{cn_date(received)}受理。",
            f"本中心定于{cn_date(session)}（{cn_weekday(session)}）上午9时30分，在海淀区中关村"
            "大街1号街道综合服务中心三楼调解室进行调解，调解员为李四。",
            "请携带本人居民身份证、劳动合同、工资支付记录及与争议有关的其他证据材料按时参加。"
            "如不能按时到场，请于调解日前与本中心联系另行确定时间。",
            "劳动争议调解遵循自愿、合法原则。调解不成或者达成调解协议后对方当事人在约定期限内"
            "不履行的，你可以依法向劳动人事争议仲裁委员会申请仲裁。",
            "联系人：王五　联系电话：010-62345678",
        ],
        "date": cn_date(date(2026, 11, 24)),
    }


register(DocumentKind(
    code="notice",
    title=_("通知书"),
    template="documents/notice.html",
    sample_context=_notice_sample,
))


# -- 节假日安排审批决定 (holiday schedule decision) ------------------------------------------

DayEntry = tuple[date, str, str]  # (date, DayKind value, festival name)


def _holiday_periods(entries: list[DayEntry]) -> list[Context]:
    periods: list[Context] = []
    previous: DayEntry | None = None
    for day, kind, name in entries:
        if kind != DayKind.HOLIDAY:
            continue
        if previous and previous[2] == name and day - previous[0] == timedelta(days=1):
            periods[-1].update(end=cn_month_day(day), days=periods[-1]["days"] + 1)
        else:
            periods.append({"name": name, "start": cn_month_day(day), "end": cn_month_day(day), "days": 1})
        previous = (day, kind, name)
    return periods


def _makeup_workdays(entries: Iterable[DayEntry]) -> list[Context]:
    return [
        {"date": cn_month_day(day), "weekday": cn_weekday(day), "name": name}
        for day, kind, name in entries if kind == DayKind.WORKDAY
    ]


def _schedule_days(entries: Iterable[DayEntry]) -> Context:
    ordered = sorted(entries)
    return {"holidays": _holiday_periods(ordered), "workdays": _makeup_workdays(ordered)}


def _decision_context(*, year: int, number: str, status: str, decided: date, **rest: Any) -> Context:
    approved = status == ScheduleStatus.APPROVED
    return {
        "title": f"关于{year}年节假日安排的审批决定",
        "document_number": number,
        "year": year,
        "status": str(status),
        "approved": approved,
        "status_label": "批准" if approved else "驳回",
        "date": cn_date(decided),
        **rest,
    }


def _holiday_decision_from_db(schedule, transition_event, *, variant: str = "") -> Context:
    decided_at = transition_event.occurred_at if transition_event else schedule.decided_at
    decided = timezone.localdate(decided_at or timezone.now())
    approver = person_name(schedule.decided_by) or (
        transition_event.actor_label if transition_event else ""
    )
    entries = [(d.date, d.kind, d.name) for d in schedule.days.all()]
    return _decision_context(
        year=schedule.year,
        number=f"节假审〔{schedule.year}〕第{schedule.pk}号",
        status=(transition_event.to_state if transition_event else "") or schedule.status,
        decided=decided,
        source=schedule.source,
        proposer=person_name(schedule.proposed_by),
        proposed_on=cn_date(timezone.localdate(schedule.proposed_at)),
        approver=approver,
        reason=(transition_event.reason if transition_event else "") or schedule.decision_reason,
        **_schedule_days(entries),
    )


def _sample_2026_entries() -> list[DayEntry]:
    """The State Council's 2026 schedule, as chinesecalendar 1.11 also has it."""
    spans = [
        ("元旦", date(2026, 1, 1), 3), ("春节", date(2026, 2, 15), 9),
        ("清明节", date(2026, 4, 4), 3), ("劳动节", date(2026, 5, 1), 5),
        ("端午节", date(2026, 6, 19), 3), ("中秋节", date(2026, 9, 25), 3),
        ("国庆节", date(2026, 10, 1), 7),
    ]
    holidays = [
        (start + timedelta(days=i), DayKind.HOLIDAY.value, name)
        for name, start, length in spans for i in range(length)
    ]
    workdays = [
        (date(2026, 1, 4), "元旦"), (date(2026, 2, 14), "春节"), (date(2026, 2, 28), "春节"),
        (date(2026, 5, 9), "劳动节"), (date(2026, 9, 20), "国庆节"), (date(2026, 10, 10), "国庆节"),
    ]
    return holidays + [(day, DayKind.WORKDAY.value, name) for day, name in workdays]


def _holiday_decision_sample() -> Context:
    return {
        "organisation_name": "北京市总工会",
        **_decision_context(
            year=2026,
            number="节假审〔2026〕第1号",
            status=ScheduleStatus.APPROVED,
            decided=date(2025, 11, 10),
            source="国务院办公厅关于2026年部分节假日安排的通知",
            proposer="赵敏",
            proposed_on=cn_date(date(2025, 11, 6)),
            approver="钱立新",
            reason="经与国务院办公厅通知逐日核对，录入无误。",
            **_schedule_days(_sample_2026_entries()),
        ),
    }


register(DocumentKind(
    code="holiday_schedule_decision",
    title=_("节假日安排审批决定"),
    template="documents/holiday_schedule_decision.html",
    sample_context=_holiday_decision_sample,
    build_context=_holiday_decision_from_db,
))
