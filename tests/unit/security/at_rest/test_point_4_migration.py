"""Issue 17, point 4: migration 0024 encrypts the rows that were in clear (main and historical
tables), fills the blind indexes, seals the civil-affairs record keys, and goes back."""

from datetime import date

import pytest
from django.core.management import call_command

from cases.models import CivilAffairsRecord, Employer, HouseholdMember, Worker
from tests.unit.security.at_rest.conftest import everything_in, execute, migrate, raw

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0023_representation")]
AFTER = [("cases", "0024_field_encryption")]
HEAD_ID = "110108197501010017"


@pytest.fixture
def at_0023():
    migrate(BEFORE)
    yield
    call_command("migrate", verbosity=0)  # back to the latest, whatever happened


def insert_plain_rows():
    """Rows as 0023 stored them: numbers, phones, health and notes in clear."""
    execute("INSERT INTO cases_organisation (code, name, kind, path, parent_id) "
            "VALUES ('T', '测试工会', 'federation', 'T', NULL)")
    [(org,)] = raw("cases_organisation", "id", "WHERE code = 'T'")
    execute("INSERT INTO cases_worker (name, resident_id, birth_date, sex, phone, email, address, created_at) "
            "VALUES ('王建国', %s, '1975-01-01', 'M', '13901234567', '', '', '2026-01-01 00:00:00')", [HEAD_ID])
    [(worker,)] = raw("cases_worker", "id")
    execute("INSERT INTO cases_historicalworker (id, name, resident_id, birth_date, sex, phone, email, address, "
            "created_at, history_date, history_type) VALUES (%s, '王建国', %s, '1975-01-01', 'M', '13901234567', '', "
            "'', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '+')", [worker, HEAD_ID])
    execute("INSERT INTO cases_employer (name, uscc, address, legal_representative, contact_name, contact_phone, "
            "created_at, contact_email) VALUES ('某公司', NULL, '', '', '李经理', '010-62345678', "
            "'2026-01-01 00:00:00', '')")
    execute("INSERT INTO cases_household (organisation_id, head_id, region_code, address, created_at) "
            "VALUES (%s, %s, '110108', '', '2026-01-01 00:00:00')", [org, worker])
    [(household,)] = raw("cases_household", "id")
    execute("INSERT INTO cases_householdmember (household_id, worker_id, name, relation, resident_id, birth_date, "
            "health, employment, schooling) VALUES (%s, %s, '王建国', 'self', %s, '1975-01-01', 'chronic', "
            "'employed', 'none')", [household, worker, HEAD_ID])
    execute("INSERT INTO cases_civilaffairsimport (organisation_id, file_name, sha256, purpose, imported_at, "
            "rows_total, rows_created, rows_updated, rows_unchanged, rows_rejected, errors, applied) "
            "VALUES (%s, 'x.csv', %s, '核对', '2026-01-01 00:00:00', 1, 1, 0, 0, 0, '[]', %s)", [org, "0" * 64, True])
    [(run,)] = raw("cases_civilaffairsimport", "id")
    execute("INSERT INTO cases_civilaffairsrecord (organisation_id, record_key, name, id_number, birth_date, region, "
            "category, first_import_id) VALUES (%s, %s, '王建国', %s, '1975-01-01', '110108', '低保', %s)",
            [org, HEAD_ID, HEAD_ID, run])
    execute("INSERT INTO cases_civilaffairsrecord (organisation_id, record_key, name, id_number, birth_date, region, "
            "category, first_import_id) VALUES (%s, '张伟|1962-07-08|110105', '张伟', '', '1962-07-08', '110105', "
            "'低保', %s)", [org, run])


def test_point_4_the_migration_encrypts_rows_that_were_in_clear_and_goes_back(at_0023):
    insert_plain_rows()

    migrate(AFTER)

    for table in ("cases_worker", "cases_historicalworker", "cases_householdmember", "cases_civilaffairsrecord"):
        stored = everything_in(table)
        assert HEAD_ID not in stored and "13901234567" not in stored, table
    assert "chronic" not in everything_in("cases_householdmember")
    assert "62345678" not in everything_in("cases_employer")
    assert "张伟|1962-07-08|110105" not in everything_in("cases_civilaffairsrecord")
    worker = Worker.objects.with_resident_id(HEAD_ID).get()
    assert (worker.resident_id, worker.phone) == (HEAD_ID, "13901234567")
    assert Worker.objects.with_phone("13901234567").get() == worker
    assert Worker.history.get().resident_id == HEAD_ID
    assert HouseholdMember.objects.with_resident_id(HEAD_ID).get().health == "chronic"
    assert Employer.objects.get().contact_phone == "010-62345678"
    assert CivilAffairsRecord.objects.get(name="王建国").record_key == CivilAffairsRecord.key_for(
        name="王建国", id_number=HEAD_ID, birth_date=None, region="")
    assert CivilAffairsRecord.objects.get(name="张伟").record_key == CivilAffairsRecord.key_for(
        name="张伟", id_number="", birth_date=date(1962, 7, 8), region="110105")

    migrate(BEFORE)

    assert raw("cases_worker", "resident_id, phone") == [(HEAD_ID, "13901234567")]
    assert raw("cases_historicalworker", "resident_id") == [(HEAD_ID,)]
    assert raw("cases_householdmember", "resident_id, health") == [(HEAD_ID, "chronic")]
    assert raw("cases_employer", "contact_phone") == [("010-62345678",)]
    assert sorted(raw("cases_civilaffairsrecord", "record_key, id_number")) == [
        (HEAD_ID, HEAD_ID), ("张伟|1962-07-08|110105", "")]
