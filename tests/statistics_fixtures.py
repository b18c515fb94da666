"""Builders for the statistics tests: dispute cases put straight into the state a report
sees (lifecycle tests walk the door instead), and aid paid from a fund."""

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases.models import (
    Agreement,
    AidPlan,
    Deadline,
    DeadlineState,
    Disbursement,
    DisputeCase,
    DisputeClaim,
    DisputeStatus,
    Employer,
    FundEntry,
    Instalment,
    Payment,
    PlanStatus,
    Worker,
)
from cases.models.hardship.funds import EntryKind
from cases.statistics import rollup
from tests import identifiers

_serial = count(1)


def _resident_id(n: int) -> str:
    return identifiers.resident_id(n, region="110108", born="19850101")


def _uscc(n: int) -> str:
    return identifiers.uscc(n, series="MA1")


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def dispute(organisation, *, received_on, status=DisputeStatus.ACCEPTED, accepted_on=None, channel="walk_in_written",
            claims=(), effective_on=None, payments=(), ended_on=None):
    """A case as it stands after its history. claims: (claim_type, claimed, awarded or None);
    payments: (amount, paid_on), all under one instalment of the agreement."""
    n = next(_serial)
    case = DisputeCase.objects.create(
        organisation=organisation, year=received_on.year, sequence=n, number=f"{organisation.code}-T-{n:05d}",
        worker=Worker.objects.create(name=f"职工{n}", resident_id=_resident_id(n)),
        employer=Employer.objects.create(name=f"用人单位{n}", uscc=_uscc(n)),
        channel=channel, received_on=received_on, received_at=_moment(received_on), facts="拖欠工资",
        status=status, accepted_on=accepted_on, ended_on=ended_on,
    )
    for claim_type, claimed, awarded in claims:
        DisputeClaim.objects.create(case=case, claim_type=claim_type, amount_claimed=Decimal(claimed),
                                    amount_awarded=None if awarded is None else Decimal(awarded))
    if effective_on:
        _agreement(case, effective_on, payments)
    rollup.count_new_cases([case])  # written whole, as the historical import writes a case
    return case


def _agreement(case, effective_on, payments):
    agreement = Agreement.objects.create(
        case=case, terms="用人单位支付拖欠款项", effective_on=effective_on,
        **{field: _moment(effective_on) for field in
           ("worker_signed_at", "employer_signed_at", "mediator_signed_at", "sealed_at")},
    )
    awarded = sum((c.amount_awarded or Decimal("0.00") for c in case.claims.all()), Decimal("0.00"))
    instalment = Instalment.objects.create(agreement=agreement, number=1, due_on=effective_on, amount=awarded)
    for index, (amount, paid_on) in enumerate(payments, start=1):
        Payment.objects.create(instalment=instalment, amount=Decimal(amount), paid_on=paid_on,
                               receipt_number=f"{case.number}-{index}")


def breached_clock(case, *, clock="dispute.acceptance", due_on):
    deadline = Deadline.objects.create(
        clock=clock, subject_type=ContentType.objects.get_for_model(DisputeCase), subject_id=str(case.pk),
        organisation=case.organisation, starts_on=case.received_on, due_on=due_on, state=DeadlineState.BREACHED,
    )
    rollup.count_breach(deadline)
    return deadline


def aid_paid(file, fund, *, amount, paid_on):
    """An approved plan of `amount` on `file` from `fund`, paid in full on `paid_on`."""
    amount = Decimal(amount)
    plan = AidPlan.objects.create(file=file, aid_type=fund.aid_type, fund=fund, amount=amount,
                                  first_payment_on=paid_on, purpose="生活困难救助", status=PlanStatus.APPROVED)
    entry = FundEntry.objects.create(fund=fund, kind=EntryKind.DISBURSEMENT, amount=-amount, note="帮扶支出")
    return Disbursement.objects.create(plan=plan, entry=entry, amount=amount, paid_on=paid_on,
                                       recipient=file.household.head.name,
                                       receipt_number=f"LK-{file.pk}-{plan.pk}")
