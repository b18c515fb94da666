"""Issue 17, point 4: `rotate_field_keys` re-encrypts every value under the current key (main and
historical tables), recomputes the blind indexes when BLIND_INDEX_KEY changes, is resumable (a
second run changes nothing) and journalled."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import AuditEvent, CivilAffairsImport, CivilAffairsRecord, Household, HouseholdMember, Worker
from cases.models.encrypted import EncryptedValueError
from tests.unit.security.at_rest.conftest import raw

pytestmark = pytest.mark.django_db

OLD = "first-field-key-for-the-at-rest-tests-0001"
NEW = "second-field-key-for-the-at-rest-tests-002"
HEAD_ID = "110108197501010017"


def key_ids(table: str, column: str) -> set[str]:
    return {value.split(":")[1] for (value,) in raw(table, column) if value}


@pytest.fixture
def data(keys, orgs):
    head = Worker.objects.create(name="王建国", resident_id=HEAD_ID, phone="13901234567", birth_date=date(1975, 1, 1))
    household = Household.objects.create(organisation=orgs["hd"], head=head, region_code="110108")
    HouseholdMember.objects.create(household=household, worker=head, name="王建国", relation="self",
                                   resident_id=HEAD_ID, birth_date=date(1975, 1, 1), employment="employed")
    run = CivilAffairsImport.objects.create(organisation=orgs["hd"], file_name="x.csv", sha256="0" * 64, purpose="核对")
    CivilAffairsRecord.objects.create(
        organisation=orgs["hd"], name="王建国", id_number=HEAD_ID, birth_date=date(1975, 1, 1), region="110108",
        category="低保", first_import=run,
        record_key=CivilAffairsRecord.key_for(name="王建国", id_number=HEAD_ID, birth_date=None, region=""))
    return head


def rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_field_keys", stdout=out, **options)
    return out.getvalue()


def test_point_4_rotation_re_encrypts_everything_under_the_new_key_and_old_data_reads_meanwhile(data, settings):
    old_ids = key_ids("cases_worker", "resident_id")
    settings.FIELD_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    assert Worker.objects.get().resident_id == HEAD_ID  # the old key still decrypts before the run

    output = rotate(batch_size=1)

    new_ids = key_ids("cases_worker", "resident_id")
    assert len(old_ids) == 1 and len(new_ids) == 1 and new_ids != old_ids
    for table, column in (("cases_worker", "phone"), ("cases_historicalworker", "resident_id"),
                          ("cases_householdmember", "resident_id"), ("cases_householdmember", "health"),
                          ("cases_historicalhouseholdmember", "resident_id"), ("cases_civilaffairsrecord", "id_number")):
        assert key_ids(table, column) == new_ids, (table, column)
    assert "cases.HistoricalWorker: 已检查 1 行，改写 1 行" in output
    settings.FIELD_ENCRYPTION_KEYS = NEW  # the old key dropped: everything still reads
    assert (Worker.objects.get().resident_id, Worker.objects.get().phone) == (HEAD_ID, "13901234567")
    assert Worker.history.get().resident_id == HEAD_ID
    event = AuditEvent.objects.get(name="rotate_field_keys")
    # ID and phone of the worker and its history row, ID and health of the member and its history row, the record's ID
    assert (event.data["re_encrypted"], event.data["reindexed"], event.data["rows"]) == (9, 0, 5)


def test_point_4_a_second_run_changes_nothing_so_an_interrupted_run_resumes(data, settings):
    settings.FIELD_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    rotate()
    before = raw("cases_worker", "resident_id, phone")
    output = rotate()
    assert raw("cases_worker", "resident_id, phone") == before
    assert "改写 0 行" in output and "重新加密 0 个值" in output


def test_point_4_a_new_blind_index_key_reindexes_and_lookups_find_again(data, settings):
    settings.BLIND_INDEX_KEY = "second-blind-index-key-for-the-at-rest-tests-2"
    assert list(Worker.objects.with_resident_id(HEAD_ID)) == []  # stale until the command has run

    rotate()

    assert Worker.objects.with_resident_id(HEAD_ID).get() == data
    assert Worker.objects.with_phone("13901234567").get() == data
    assert HouseholdMember.objects.with_resident_id(HEAD_ID).get().name == "王建国"
    assert CivilAffairsRecord.objects.get().record_key == CivilAffairsRecord.key_for(
        name="王建国", id_number=HEAD_ID, birth_date=None, region="")
    # ID and phone indexes of the worker and its history row, the member's and its history row's, the record's
    # ID index and its record key
    assert AuditEvent.objects.get(name="rotate_field_keys").data["reindexed"] == 8


def test_point_4_rotation_without_the_old_key_stops_with_a_clear_error(data, settings):
    settings.FIELD_ENCRYPTION_KEYS = NEW
    with pytest.raises(CommandError, match="不在 FIELD_ENCRYPTION_KEYS 中"):
        rotate()
    with pytest.raises(EncryptedValueError):
        Worker.objects.get()
