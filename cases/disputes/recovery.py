"""Effects of performance transitions: each instalment of an effective agreement runs a clock."""

from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum

from cases.models import Deadline, DeadlineState
from cases.platform.deadlines import announce, close_deadlines, open_deadline, tell_parties_at
from cases.platform.effects import effect
from cases.rules.deadlines import clock

INSTALMENT_CLOCK = "dispute.instalment"


def tell_parties_of_instalment(kind: str):
    """A clock hook: the parties of the instalment's case hear of it by SMS (the mediator is
    told by the clock's own deadline_warning / deadline_breached)."""

    def hook(deadline: Deadline, *, event_key: str) -> None:
        from cases.models.dispute.agreement import Instalment
        from notifications.contacts import party_contacts, progress_link
        from notifications.services import notify_parties

        instalment = deadline.subject
        if not isinstance(instalment, Instalment):  # the clock on something else (a test's stand-in)
            return
        case = instalment.agreement.case
        notify_parties(contacts=party_contacts(case), kind=kind, context={"case": case, "instalment": instalment},
                       event_key=f"{event_key}:{kind}", link=progress_link(case))

    return hook


tell_parties_at(INSTALMENT_CLOCK, "warn", tell_parties_of_instalment("instalment_due"))
tell_parties_at(INSTALMENT_CLOCK, "breach", tell_parties_of_instalment("instalment_overdue"))


def _instalments(case):
    return case.agreement.instalments.all()


def _active_clocks(instalments: list) -> dict[str, Deadline]:
    """Each instalment's running clock (the most urgent, should there be several), by the
    instalment's key, locked: one query for them all."""
    if not instalments:
        return {}
    rows = Deadline.objects.active().filter(
        subject_type=ContentType.objects.get_for_model(instalments[0], for_concrete_model=False),
        subject_id__in=[str(instalment.pk) for instalment in instalments],
    ).order_by("due_on", "pk").select_for_update()
    running = {}
    for deadline in rows:
        running.setdefault(deadline.subject_id, deadline)
    return running


@effect("recovery.open_instalment_clocks")
def open_instalment_clocks(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of make_agreement_effective: one clock per instalment, due on its date."""
    rule = clock(INSTALMENT_CLOCK)
    opened = [
        open_deadline(rule=rule, subject=instalment, organisation=case.organisation,
                      starts_on=case.agreement.effective_on, due_on=instalment.due_on, assignee=case.mediator,
                      announced=False, none_active=True)  # the agreement takes effect once, under the door's lock
        for instalment in _instalments(case)
    ]
    announce(opened)
    return opened


@effect("recovery.meet_paid_instalments")
def meet_paid_instalments(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of record_payment: an instalment paid in full stops its clock."""
    instalments = list(_instalments(case).annotate(paid_total=Sum("payments__amount")))
    running = _active_clocks(instalments)
    paid = [running[str(instalment.pk)] for instalment in instalments if str(instalment.pk) in running
            and instalment.amount - (instalment.paid_total or Decimal("0")) <= 0]
    return close_deadlines([(clock_of, DeadlineState.MET) for clock_of in paid])


@effect("recovery.cancel_instalment_clocks")
def cancel_instalment_clocks(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of refer: the case leaves mediation's supervision; its clocks stop."""
    running = _active_clocks(list(_instalments(case)))
    return close_deadlines([(clock_of, DeadlineState.CANCELLED) for clock_of in running.values()])
