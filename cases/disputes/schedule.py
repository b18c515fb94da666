"""A mediator's 日程: the mediation sessions of a week (theirs, or their centre's), and their
iCalendar feed at a secret address.

The caller hands in the organisations the user may see the sessions of (the scoping rules live
with the pages); a session is listed by its start time, Beijing time, in [start, end).

A session is 已取消 (cancelled; STATUS:CANCELLED in the feed) when it was never held and its case
has left mediation (withdrawn, failed, an agreement reached, ...): its minutes can no longer be
recorded, so it will not take place as scheduled.

The feed carries no personal data beyond what a calendar needs: the case number, the time and
place, the workers' names masked as notices published outside the office mask them
(cases.rules.masking: 王秀英 → 王*英), the employer's name, and the mediator. Never an ID number,
a phone number, an amount or the facts of the dispute.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cases.models import AuditAction, CalendarFeed, DisputeCase, DisputeStatus, MediationSession, SessionStatus
from cases.models.dispute.calendar_feed import new_token
from cases.platform.audit.journal import append_event
from cases.platform.ical import Event, calendar
from cases.platform.signin.throttling import home_organisation
from cases.rules.masking import mask_name
from cases.selectors import person_name

FEED_PAST = timedelta(days=30)  # the feed reaches back this far ...
FEED_FUTURE = timedelta(days=180)  # ... and ahead this far
# A session records when it starts, not when it ends; a calendar event needs an end.
SESSION_LENGTH = timedelta(hours=2)
PRODUCT_ID = "-//unioncase//mediation schedule//ZH"

CANCELLED = "cancelled"
STATE_LABELS = {SessionStatus.SCHEDULED: SessionStatus.SCHEDULED.label, SessionStatus.HELD: SessionStatus.HELD.label,
                CANCELLED: gettext_lazy("已取消")}


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def is_cancelled(session: MediationSession) -> bool:
    return session.status == SessionStatus.SCHEDULED and session.case.status != DisputeStatus.IN_MEDIATION


def session_state(session: MediationSession) -> str:
    return CANCELLED if is_cancelled(session) else session.status


def sessions_between(*, organisations: QuerySet, start: datetime, end: datetime, mediator=None) -> QuerySet:
    """Sessions of cases in `organisations` starting in [start, end), earliest first; only
    `mediator`'s when given."""
    sessions = MediationSession.objects.filter(
        starts_at__gte=start, starts_at__lt=end, case__organisation__in=organisations,
    )
    if mediator is not None:
        sessions = sessions.filter(mediator=mediator)
    return (sessions.select_related("case__worker", "case__employer", "case__organisation", "mediator")
            .order_by("starts_at", "case__number", "number"))


@dataclass(frozen=True)
class Entry:
    """One line of the 日程."""

    session: MediationSession
    case: DisputeCase
    starts_at: datetime  # local time
    state: str
    state_label: str
    workers: str
    employer: str
    mediator: str

    @property
    def cancelled(self) -> bool:
        return self.state == CANCELLED


def entry(session: MediationSession) -> Entry:
    state = session_state(session)
    return Entry(session=session, case=session.case, starts_at=timezone.localtime(session.starts_at), state=state,
                 state_label=str(STATE_LABELS[state]), workers=session.case.workers_label,
                 employer=session.case.employer.name, mediator=person_name(session.mediator))


@dataclass(frozen=True)
class Day:
    day: date
    entries: list[Entry]


def week_days(monday: date, entries: Iterable[Entry]) -> list[Day]:
    """The seven days from `monday`, each with its entries (possibly none)."""
    by_day: dict[date, list[Entry]] = {monday + timedelta(days=n): [] for n in range(7)}
    for item in entries:
        by_day.setdefault(item.starts_at.date(), []).append(item)
    return [Day(day, items) for day, items in by_day.items()]


def week_entries(*, organisations: QuerySet, monday: date, mediator=None) -> list[Entry]:
    sessions = sessions_between(organisations=organisations, start=local_midnight(monday),
                                end=local_midnight(monday + timedelta(days=7)), mediator=mediator)
    return [entry(session) for session in sessions]


# -- the feed -----------------------------------------------------------------------------------

def masked_workers(case: DisputeCase) -> str:
    name = mask_name(case.worker.name)
    return _("%(name)s等%(n)s人") % {"name": name, "n": case.worker_count} if case.worker_count > 1 else name


def feed_event(session: MediationSession, *, link: str = "") -> Event:
    case = session.case
    description = "\n".join([
        _("劳动者：%(workers)s") % {"workers": masked_workers(case)},
        _("用人单位：%(employer)s") % {"employer": case.employer.name},
        _("调解员：%(name)s") % {"name": person_name(session.mediator)},
        _("受理组织：%(organisation)s") % {"organisation": case.organisation.name},
    ])
    cancelled = is_cancelled(session)
    summary = _("调解 %(number)s（第%(n)s次）") % {"number": case.number, "n": session.number}
    return Event(
        uid=f"mediation-session-{session.pk}@unioncase", starts_at=session.starts_at,
        ends_at=session.starts_at + SESSION_LENGTH,
        summary=_("【已取消】%(summary)s") % {"summary": summary} if cancelled else summary,
        location=session.place, description=description, url=link, cancelled=cancelled, sequence=int(cancelled),
    )


def feed_text(*, user, organisations: QuerySet, link: Callable[[DisputeCase], str],
              now: datetime | None = None) -> str:
    """`user`'s sessions (as their mediator) in `organisations`, from FEED_PAST ago to FEED_FUTURE
    ahead, as an iCalendar file; `link(case)` is the case page's address."""
    now = now or timezone.now()
    sessions = sessions_between(organisations=organisations, start=now - FEED_PAST, end=now + FEED_FUTURE,
                                mediator=user)
    return calendar(name=_("调解日程（%(name)s）") % {"name": person_name(user)},
                    events=[feed_event(session, link=link(session.case)) for session in sessions],
                    now=now, product=PRODUCT_ID)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed at this secret address, if the address is current and its user is active."""
    if not token:
        return None
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


@transaction.atomic
def issue_feed(*, user, by) -> CalendarFeed:
    """Give `user` a new secret feed address; the old one, if any, stops answering at once.
    Journalled (never the token itself)."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    replaced = feed is not None
    if feed is None:
        feed = CalendarFeed(user=user)
    else:
        feed.token, feed.issued_at = new_token(), timezone.now()
    feed.save()
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=user, organisation=home_organisation(user),
                 name="calendar_feed_regenerated" if replaced else "calendar_feed_issued",
                 data={"username": user.get_username()})
    return feed
