"""Issue 17, point 4: with the numbers and phones encrypted, duplicate detection at intake
and record linkage still find the same person (through the blind index)."""

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from cases.disputes.intake_review import EmployerInput, WorkerInput, possible_duplicates
from cases.hardship.civil_affairs.file import record_key
from cases.hardship.civil_affairs.links import link_civil_records
from cases.models import CivilAffairsImport, CivilAffairsRecord, LinkCandidate, LinkStatus
from tests.dispute_cases import at, register_case
from tests.hardship_fixtures import household_in_hardship
from tests.unit.security.at_rest.conftest import everything_in

pytestmark = pytest.mark.django_db

WORKER_ID = "11010519491231002X"  # the worker of tests.dispute_cases.register_case
EMPLOYER = EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43")


def test_point_4_duplicate_detection_at_intake_finds_the_case_by_the_encrypted_number(orgs, people):
    with freeze_time(at(date(2026, 11, 2), 9)):
        case = register_case(orgs, people)
    assert WORKER_ID not in everything_in("cases_worker")

    found = possible_duplicates(organisation=orgs["hd_street"], employer=EMPLOYER,
                                worker=WorkerInput(name="王秀英", resident_id=WORKER_ID.lower()),
                                today=date(2026, 11, 3))

    assert found == [case]
    assert possible_duplicates(organisation=orgs["hd_street"], employer=EMPLOYER, today=date(2026, 11, 3),
                               worker=WorkerInput(name="王秀英", resident_id="110105194912310011")) == []


def test_point_4_without_a_number_duplicates_are_found_by_name_and_encrypted_phone(orgs, people):
    with freeze_time(at(date(2026, 11, 2), 9)):
        case = register_case(orgs, people)
    case.worker.resident_id, case.worker.phone = None, "13901234567"
    case.worker.save()

    def duplicates(phone):
        return possible_duplicates(organisation=orgs["hd_street"], employer=EMPLOYER, today=date(2026, 11, 3),
                                   worker=WorkerInput(name="王秀英", phone=phone))

    assert duplicates("13901234567") == [case]
    assert duplicates("13901234568") == []


def test_point_4_record_linkage_matches_a_civil_record_to_the_household_head_by_the_encrypted_number(orgs):
    household = household_in_hardship(orgs["hd"], name="王建国", resident_id="110108197501010017")
    run = CivilAffairsImport.objects.create(organisation=orgs["hd"], file_name="t.csv", sha256="0" * 64,
                                            purpose="困难职工精准识别与帮扶")
    record = CivilAffairsRecord.objects.create(
        organisation=orgs["hd"], name="王建国", id_number="110108197501010017", birth_date=date(1975, 1, 1),
        region="110108", category="低保", household_size=3, monthly_amount=Decimal("1400.00"), first_import=run,
        record_key=record_key(name="王建国", id_number="110108197501010017", birth_date=None, region=""))
    assert "110108197501010017" not in everything_in("cases_civilaffairsrecord")

    summary = link_civil_records(organisation=orgs["hd"])

    assert (summary.matched, summary.review) == (1, 0)
    link = LinkCandidate.objects.get()
    assert (link.civil_record, link.worker, link.status) == (record, household.head, LinkStatus.CONFIRMED)
