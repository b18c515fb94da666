"""Effects of performance transitions: each instalment of an effective agreement runs a clock."""

from datetime import date

from cases.models import Deadline, DeadlineState
from cases.rules.deadlines import clock

from .deadlines import close_deadline, open_deadline

INSTALMENT_CLOCK = "dispute.instalment"


def _instalments(case):
    return case.agreement.instalments.all()


def _active_clock(instalment) -> Deadline | None:
    return Deadline.objects.for_subject(instalment).active().select_for_update().first()


def open_instalment_clocks(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of make_agreement_effective: one clock per instalment, due on its date."""
    rule = clock(INSTALMENT_CLOCK)
    return [
        open_deadline(rule=rule, subject=instalment, organisation=case.organisation,
                      starts_on=case.agreement.effective_on, due_on=instalment.due_on, assignee=case.mediator)
        for instalment in _instalments(case)
    ]


def meet_paid_instalments(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of record_payment: an instalment paid in full stops its clock."""
    met = []
    for instalment in _instalments(case):
        running = _active_clock(instalment)
        if running is not None and instalment.outstanding <= 0:
            met.append(close_deadline(running, DeadlineState.MET))
    return met


def cancel_instalment_clocks(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of refer: the case leaves mediation's supervision; its clocks stop."""
    cancelled = []
    for instalment in _instalments(case):
        running = _active_clock(instalment)
        if running is not None:
            cancelled.append(close_deadline(running, DeadlineState.CANCELLED))
    return cancelled
