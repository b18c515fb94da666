"""Fixtures of the REST API's tests: a dispute in its flow at 中关村街道 (海淀), the API clients."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from freezegun import freeze_time
from rest_framework.test import APIClient

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import Channel
from cases.rules.claims import ClaimType
from tests.dispute_cases import at
from workflows.dispute.flow import DisputeFlow

RECEIVED = date(2026, 11, 2)  # a Monday: the acceptance decision is due 2026-11-05


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate limits count in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def open_case(orgs, people, *, organisation="hd_street", by="mediator", received_on=RECEIVED, amount="30000.00",
              worker="王秀英", resident_id="11010519491231002X"):
    from workflows.dispute.flow import open_dispute

    with freeze_time(at(received_on, 9)):
        return open_dispute(
            organisation=orgs[organisation], by=people[by], channel=Channel.WALK_IN_WRITTEN,
            received_on=received_on, received_at=at(received_on, 9), acknowledge_warnings=True,
            facts="用人单位自2026年8月起拖欠工资，多次催要未果。",
            worker=WorkerInput(name=worker, resident_id=resident_id, phone="13800138000"),
            employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43", legal_representative="李四"),
            claims=[ClaimInput(claim_type=ClaimType.WAGE_ARREARS, amount_claimed=Decimal(amount))],
        ).case


@pytest.fixture
def case(orgs, people):
    """Registered at 中关村街道 on 2026-11-02; its 受理审查 waits unclaimed in the queue."""
    return open_case(orgs, people)


def the_task(case, name):
    return case.process.task_set.get(flow_task=getattr(DisputeFlow, name), finished__isnull=True)
