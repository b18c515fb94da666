"""A case brought in from a federation's spreadsheet of past years (import_disputes).

One transition takes a freshly created historical case from REGISTERED to the state its
recorded outcome implies, through the door like every other change, and journalled as
imported. It issues no documents and sends no notifications: the events happened long ago.

A case that had ended opens nothing more. A case still pending joins the work where it was
(issue 16, point 14): imported as registered it waits in acceptance review, as accepted it
waits for a mediator (the effect dispute_flow.start_imported, which the dispute flow
registers), and its legal clocks open from its recorded dates (cases/rules/deadlines.py,
IMPORTED_REGISTERED and IMPORTED_ACCEPTED); those already past are breached at once and
flagged as imported.

The records an agreement outcome implies are written by the import with the case, before
the transition, so a file's cases are written in bulk: the agreement effective on its
recorded date (the signatures and seal dated that day), the awarded amount on the claim
(`awarded_on_claim`), one instalment for it and, when money was paid, one payment
(`imported_agreement_records`), so imported cases count in the reports like live ones.
"""

from datetime import datetime, time
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, transition

from cases.models.dispute.agreement import Agreement, Instalment, Payment
from cases.models.dispute.states import S, system_only


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("达成调解协议")
    FAILED = "failed", _("调解不成")
    WITHDRAWN = "withdrawn", _("撤回")
    REJECTED = "rejected", _("不予受理")
    PENDING = "pending", _("尚未办结")


IMPORTED_STATES = (S.REGISTERED, S.ACCEPTED, S.REJECTED, S.FAILED, S.WITHDRAWN, S.PERFORMING, S.PERFORMED)
# Imported in these, a case is still pending: its work and its clocks start (see above).
IMPORTED_PENDING = (S.REGISTERED, S.ACCEPTED)
START_IMPORTED_FLOW = "dispute_flow.start_imported"
ENDING_OUTCOMES = {Outcome.FAILED: S.FAILED, Outcome.WITHDRAWN: S.WITHDRAWN, Outcome.REJECTED: S.REJECTED}


def state_for(outcome: str, *, accepted: bool, fully_paid: bool) -> str:
    if outcome == Outcome.AGREEMENT:
        return S.PERFORMED if fully_paid else S.PERFORMING
    if outcome == Outcome.PENDING:
        return S.ACCEPTED if accepted else S.REGISTERED
    return ENDING_OUTCOMES[outcome]


def _on(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


class HistoryTransitions(models.Model):
    class Meta:
        abstract = True

    @transition(field="status", source=S.REGISTERED, target=RETURN_VALUE(*IMPORTED_STATES), permission=system_only,
                custom={"label": _("导入历史案件"), "effects": [START_IMPORTED_FLOW]})
    def import_history(self, *, by, reason="", outcome="", accepted_on=None, agreement_effective_on=None,
                       awarded_yuan=None, paid_yuan=None, **data):
        self.accepted_on = accepted_on
        awarded, paid = Decimal(awarded_yuan or 0), Decimal(paid_yuan or 0)
        state = state_for(outcome, accepted=accepted_on is not None, fully_paid=paid >= awarded)
        if state in ENDING_OUTCOMES.values():
            # The spreadsheet has no end date: ended_on stays unknown, end_reason says why.
            self.end_reason = _("历史数据导入：%(outcome)s") % {"outcome": Outcome(outcome).label}
        if state == S.PERFORMED:
            self.ended_on = agreement_effective_on
        return state

    # Read by the clocks' import triggers after import_history (cases/rules/deadlines.py).
    @property
    def imported_awaiting_acceptance(self) -> bool:
        return self.status == S.REGISTERED

    @property
    def imported_awaiting_assignment(self) -> bool:
        return self.status == S.ACCEPTED


def awarded_on_claim(outcome: str, awarded_yuan: Decimal | None) -> Decimal | None:
    """The imported claim's awarded amount: what the agreement awarded, none without one."""
    return Decimal(awarded_yuan or 0) if outcome == Outcome.AGREEMENT else None


def imported_agreement_records(case, *, effective_on, awarded: Decimal, paid: Decimal, case_no: str) -> list:
    """The agreement, its instalment and its payment an imported agreement outcome implies,
    unsaved, in the order they must be created (each refers to the one before)."""
    signed = _on(effective_on)
    agreement = Agreement(
        case=case, terms=_("历史数据导入：调解协议金额¥%(amount)s。") % {"amount": f"{awarded:,.2f}"},
        effective_on=effective_on, worker_signed_at=signed, employer_signed_at=signed,
        mediator_signed_at=signed, sealed_at=signed,
    )
    if awarded <= 0:
        return [agreement]
    instalment = Instalment(agreement=agreement, number=1, due_on=effective_on, amount=awarded)
    if paid <= 0:
        return [agreement, instalment]
    # The spreadsheet has no payment date: the payment is dated the day the agreement took effect.
    payment = Payment(instalment=instalment, amount=paid, paid_on=effective_on, receipt_number=f"导入-{case_no}"[:64])
    return [agreement, instalment, payment]
