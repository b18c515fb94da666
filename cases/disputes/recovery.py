"""Effects of performance transitions: each instalment of an effective agreement runs a clock."""

from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, CharField, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce

from cases.models import Deadline, DeadlineState
from cases.platform.deadlines import announce, close_deadlines, new_deadline, open_together, tell_parties_at
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


def _running_clocks(case, *, owed: bool = False) -> list[Deadline]:
    """The running clocks of the instalments of `case`'s agreement, locked, most urgent first,
    in one query; `owed`: each with what its instalment still lacks (`owed`) read along."""
    from cases.models.dispute.agreement import Instalment, Payment

    rows = Deadline.objects.active().filter(
        subject_type=ContentType.objects.get_for_model(Instalment, for_concrete_model=False),
        subject_id__in=Instalment.objects.filter(agreement__case=case).values(key=Cast("pk", CharField())),
    ).order_by("due_on", "pk").select_for_update(of=("self",))
    if owed:
        instalment_id = Cast(OuterRef("subject_id"), BigIntegerField())
        paid = (Payment.objects.filter(instalment_id=instalment_id).values("instalment_id")
                .annotate(total=Sum("amount")).values("total"))
        rows = rows.annotate(owed=Subquery(Instalment.objects.filter(pk=instalment_id).values("amount"))
                             - Coalesce(Subquery(paid), Value(Decimal("0")), output_field=DecimalField()))
    return list(rows)


def _one_per_instalment(clocks: list[Deadline]) -> list[Deadline]:
    """Each instalment's most urgent running clock, should there be several."""
    first = {}
    for deadline in clocks:
        first.setdefault(deadline.subject_id, deadline)
    return list(first.values())


@effect("recovery.open_instalment_clocks")
def open_instalment_clocks(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of make_agreement_effective: one clock per instalment, due on its date."""
    rule = clock(INSTALMENT_CLOCK)
    opened = open_together([  # the agreement takes effect once, under the door's lock: none runs yet
        new_deadline(rule=rule, subject=instalment, organisation=case.organisation,
                     starts_on=case.agreement.effective_on, due_on=instalment.due_on, assignee=case.mediator)
        for instalment in _instalments(case)
    ])
    announce(opened)
    return opened


@effect("recovery.meet_paid_instalments")
def meet_paid_instalments(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of record_payment: an instalment paid in full stops its clock."""
    paid = [deadline for deadline in _one_per_instalment(_running_clocks(case, owed=True)) if deadline.owed <= 0]
    return close_deadlines([(deadline, DeadlineState.MET) for deadline in paid])


@effect("recovery.cancel_instalment_clocks")
def cancel_instalment_clocks(case, *, by, today: date | None = None) -> list[Deadline]:
    """Door effect of refer: the case leaves mediation's supervision; its clocks stop."""
    running = _one_per_instalment(_running_clocks(case))
    return close_deadlines([(deadline, DeadlineState.CANCELLED) for deadline in running])
