"""Rows saved in bulk get the historical records saving them one by one would give."""

import pytest
from freezegun import freeze_time

from cases.models import DisputeCase
from cases.models.history import bulk_update_with_history
from tests.unit.disputes.test_intake import RECEIVED, at, employer, register, worker

pytestmark = pytest.mark.django_db


def related_in_latest_record(case) -> list[int]:
    return sorted(row.to_disputecase_id for row in case.history.latest().related_cases.all())


def test_a_bulk_update_snapshots_many_to_many_as_save_does(orgs, people):
    with freeze_time(at(RECEIVED, 17)):  # registered the day they came: no late entry (补录)
        first = register(orgs["hd_street"], people["mediator"]).case
        second = register(orgs["cy_street"], people["cy_mediator"], acknowledge_warnings=True).case  # linked to first
        unlinked = register(orgs["hd_street"], people["mediator"], worker=worker(2), employer=employer(2)).case
    one_by_one = DisputeCase.objects.get(pk=second.pk)
    one_by_one.facts = "逐条保存"
    one_by_one.save()

    in_bulk = list(DisputeCase.objects.filter(pk__in=[first.pk, unlinked.pk]).order_by("pk"))
    for case in in_bulk:
        case.facts = "批量保存"
    bulk_update_with_history(in_bulk, DisputeCase, ["facts"])

    for case in in_bulk:
        latest = case.history.latest()
        assert (latest.history_type, latest.facts) == ("~", "批量保存")
        assert DisputeCase.objects.get(pk=case.pk).facts == "批量保存"
    assert related_in_latest_record(first) == [second.pk]
    assert related_in_latest_record(one_by_one) == [first.pk]
    assert related_in_latest_record(unlinked) == []
