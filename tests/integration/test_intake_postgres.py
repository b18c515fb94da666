"""On PostgreSQL: registrations at the same moment draw different case numbers."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import CaseNumberCounter, DisputeCase, Worker
from cases.rules.claims import ClaimType
from tests.identifiers import resident_id

from .concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECEIVED = date(2026, 9, 30)
# RECEIVED lies more than 30 days back once the suite runs after 2026-10-30: a late entry (补录),
# which a mediation lead registers with a reason (cases/rules/intake.py).
LATE = "补录：并发登记测试。"




def registration(org, by, *, n: int, same_worker: bool = False):
    def _register():
        return register_dispute(
            organisation=org, by=by, channel="walk_in_written", received_on=RECEIVED,
            received_at=timezone.make_aware(datetime.combine(RECEIVED, time(9, n))),
            facts="拖欠工资。", worker=WorkerInput(name=f"劳动者{n}", resident_id=resident_id(0 if same_worker else n)),
            employer=EmployerInput(name="北京某科技有限公司"),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("1000.00"))], acknowledge_warnings=True,
            late_entry_reason=LATE,
        ).case.number
    return _register


def test_registrations_at_once_in_one_organisation_and_year_get_different_numbers(orgs, people):
    count = 6
    results = run_at_once([registration(orgs["hd_street"], people["lead"], n=n) for n in range(1, count + 1)])
    assert all(kind == "ok" for kind, _value in results), results
    numbers = sorted(value for _kind, value in results)
    assert numbers == [f"BJ-HD-ZGC-2026-{n:04d}" for n in range(1, count + 1)]
    assert CaseNumberCounter.objects.get(organisation=orgs["hd_street"], year=2026).last == count
    assert DisputeCase.objects.count() == count


def test_the_same_new_worker_registered_twice_at_once_is_recorded_once(orgs, people):
    results = run_at_once([
        registration(orgs["hd_street"], people["lead"], n=1, same_worker=True),
        registration(orgs["hd_street"], people["lead"], n=2, same_worker=True),
    ])
    assert all(kind == "ok" for kind, _value in results), results
    assert Worker.objects.with_resident_id(resident_id(0)).count() == 1
    assert DisputeCase.objects.count() == 2
