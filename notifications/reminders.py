"""Notices sent by the clock rather than by a transition: the day-before reminder of a
mediation session, and each mediator's daily digest of deadlines. Both are safe to run any
number of times: their event keys make a repeat send nothing new."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import Deadline, Membership, Role
from cases.models.dispute.mediation import MediationSession, SessionStatus
from cases.rules.calendar import add_working_days

from .contacts import case_link, party_contacts, progress_link
from .services import notify, notify_parties

DIGEST_WORKING_DAYS = 3


def sessions_tomorrow(today: date):
    """Scheduled sessions whose local start date is the day after `today`."""
    tomorrow = today + timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(tomorrow, time.min), tz)
    return (MediationSession.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gte=start,
                                            starts_at__lt=start + timedelta(days=1))
            .select_related("case__worker", "case__employer", "case__organisation", "mediator"))


def send_session_reminders(*, today: date | None = None) -> int:
    """The day before each session: the parties by SMS and email, the mediator in-app. Once per
    session, however often this runs. Returns the number of sessions reminded now."""
    today = today or timezone.localdate()
    reminded = 0
    for session in sessions_tomorrow(today):
        case = session.case
        context = {"case": case, "session": session, "organisation": case.organisation}
        event_key = f"session:{session.pk}:reminder"
        with transaction.atomic():
            made = notify(recipients=[session.mediator], kind="session_reminder", context=context,
                          event_key=event_key, link=case_link(case))
            made += notify_parties(contacts=party_contacts(case), kind="session_reminder", context=context,
                                   event_key=event_key, link=progress_link(case))
        reminded += bool(made)
    return reminded


def digest_deadlines(mediator, today: date) -> tuple[date, list[Deadline]]:
    """The running clocks assigned to `mediator` due within the next three working days."""
    horizon = add_working_days(today, DIGEST_WORKING_DAYS)
    deadlines = (Deadline.objects.active().filter(assignee=mediator, due_on__lte=horizon)
                 .order_by("due_on", "pk"))
    return horizon, list(deadlines)


def send_daily_digests(*, today: date | None = None) -> int:
    """One in-app daily_digest per mediator with deadlines due soon; none for an empty queue.
    Idempotent per (mediator, date). Returns how many digests were made now."""
    today = today or timezone.localdate()
    mediator_ids = Membership.objects.filter(role=Role.MEDIATOR, user__is_active=True).values("user_id")
    sent = 0
    for mediator in get_user_model().objects.filter(pk__in=mediator_ids).order_by("pk"):
        horizon, deadlines = digest_deadlines(mediator, today)
        if not deadlines:
            continue
        with transaction.atomic():
            made = notify(recipients=[mediator], kind="daily_digest", link="/",
                          context={"today": today, "horizon": horizon, "deadlines": deadlines},
                          event_key=f"digest:{mediator.pk}:{today.isoformat()}")
        sent += len(made)
    return sent
