"""On PostgreSQL: twenty payments drawn on one fund at the same moment never overdraw it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from cases.hardship.aid import fund_ledger, fund_summary
from cases.models import AidPlan, Disbursement, FundEntry, HardshipFile
from cases.platform.transitions import apply
from tests import identifiers
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship

from tests.integration.concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAYERS = 20
BUDGET = Decimal("10000.00")
EACH = Decimal("1000.00")


def resident_id(n: int) -> str:
    return identifiers.resident_id(n, region="110108", born="19750101")


def _is_overdraft(error: Exception) -> bool:
    if not isinstance(error, ValidationError):
        return False
    messages = "；".join(error.messages)
    return "透支" in messages and "余额为¥0.00" in messages


def test_twenty_payments_at_once_from_a_fund_that_covers_ten_pay_exactly_ten(orgs, people):
    today = timezone.localdate()
    fund = fund_with_budget(orgs["hd"], year=today.year, budget=BUDGET)
    plans = []
    for n in range(PAYERS):
        household = household_in_hardship(orgs["hd"], name=f"张{n:02d}", resident_id=resident_id(n))
        file = file_in_state(household, prepared_by=people["caseworker"])
        outcome = apply(file, "propose_aid_plan", by=people["caseworker"], data={
            "aid_type": fund.aid_type, "fund": fund, "amount": EACH, "first_payment_on": today,
            "purpose": "生活救助"})
        plan = AidPlan.objects.get(pk=outcome.event.data["created"]["pk"])
        apply(file, "approve_aid_plan", by=people["reviewer"], data={"plan": plan})
        plans.append(plan)

    def pay(plan_pk):
        plan = AidPlan.objects.get(pk=plan_pk)
        file = HardshipFile.objects.get(pk=plan.file_id)  # each thread its own copy, on its own connection
        return apply(file, "disburse", by=people["caseworker"], data={
            "plan": plan, "amount": EACH, "paid_on": today, "recipient": file.household.head.name}).event.pk

    results = run_at_once([lambda pk=plan.pk: pay(pk) for plan in plans], timeout=120)

    succeeded = [value for kind, value in results if kind == "ok"]
    refused = [value for kind, value in results if kind == "error"]
    unexpected = [error for error in refused if not _is_overdraft(error)]
    assert not unexpected, unexpected
    assert len(succeeded) == 10, results
    assert len(refused) == 10

    summary = fund_summary(fund)
    assert fund.balance() == Decimal("0.00") == summary.balance
    assert summary.paid == BUDGET
    ledger = fund_ledger(fund)
    assert min(row.balance for row in ledger) >= Decimal("0.00")
    disbursed = Disbursement.objects.filter(plan__fund=fund).aggregate(total=Sum("amount"))["total"]
    entries = FundEntry.objects.filter(fund=fund).aggregate(total=Sum("amount"))["total"]
    assert entries == BUDGET - disbursed == Decimal("0.00")
    receipts = sorted(Disbursement.objects.filter(plan__fund=fund).values_list("receipt_number", flat=True))
    assert receipts == [f"BJ-HD-LK-{today.year}-{n:06d}" for n in range(1, 11)]
