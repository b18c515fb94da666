"""Issue 17, point 4: resident IDs, phones, health and expense notes are encrypted in the main
and historical tables; reads decrypt; exact lookup goes through the blind index; a value that is
not our ciphertext, or one made with a key no longer configured, is a clear error."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from cases.models import (
    ExpenseKind,
    HardshipCostItem,
    Household,
    HouseholdMember,
    Relation,
    RigidExpense,
    Worker,
)
from cases.models.encrypted import EncryptedValueError
from cases.models.hardship.household import HardshipEvent
from tests.unit.security.at_rest.conftest import everything_in, raw

pytestmark = pytest.mark.django_db

HEAD_ID = "110108197501010017"
CHILD_ID = "11010520100501002X"
PHONE = "13901234567"


@pytest.fixture
def household(orgs):
    head = Worker.objects.create(name="王建国", resident_id=HEAD_ID, phone=PHONE, birth_date=date(1975, 1, 1))
    household = Household.objects.create(organisation=orgs["hd"], head=head, region_code="110108")
    HouseholdMember.objects.create(household=household, worker=head, name="王建国", relation=Relation.SELF,
                                   resident_id=HEAD_ID, birth_date=date(1975, 1, 1), health="chronic",
                                   employment="under_employed")
    HouseholdMember.objects.create(household=household, name="王小明", relation=Relation.CHILD, resident_id=CHILD_ID,
                                   birth_date=date(2010, 5, 1), health="major_illness", employment="not_of_working_age")
    RigidExpense.objects.create(household=household, year=2025, kind=ExpenseKind.MEDICAL, amount=Decimal("8000.00"),
                                note="白血病化疗")
    HardshipCostItem.objects.create(household=household, year=2025, event=HardshipEvent.MAJOR_ILLNESS,
                                    gross_amount=Decimal("90000.00"), note="骨髓移植")
    head.phone = "13800138000"  # a change: a second historical row
    head.save()
    return household


def test_point_4_no_resident_id_phone_health_or_note_in_clear_in_main_or_historical_tables(household):
    for table in ("cases_worker", "cases_historicalworker", "cases_householdmember", "cases_historicalhouseholdmember",
                  "cases_rigidexpense", "cases_historicalrigidexpense", "cases_hardshipcostitem",
                  "cases_historicalhardshipcostitem"):
        stored = everything_in(table)
        for secret in (HEAD_ID, CHILD_ID, PHONE, "13800138000", "1101081975", "白血病", "骨髓移植"):
            assert secret not in stored, (table, secret)
    for table in ("cases_householdmember", "cases_historicalhouseholdmember"):
        assert "chronic" not in everything_in(table) and "major_illness" not in everything_in(table)
    [(resident_id, phone)] = raw("cases_worker", "resident_id, phone")
    assert resident_id.startswith("v1:") and phone.startswith("v1:")
    assert len(raw("cases_historicalworker", "resident_id", "WHERE resident_id LIKE 'v1:%%'")) == 2


def test_point_4_reads_decrypt_in_the_main_and_historical_models(household):
    head = Worker.objects.get(name="王建国")
    assert (head.resident_id, head.phone) == (HEAD_ID, "13800138000")
    assert [h.phone for h in head.history.order_by("history_id")] == [PHONE, "13800138000"]
    assert sorted(HouseholdMember.objects.values_list("resident_id", "health")) == [
        (CHILD_ID, "major_illness"), (HEAD_ID, "chronic")]
    assert RigidExpense.objects.get().note == "白血病化疗"


def test_point_4_two_encryptions_of_one_number_differ_but_their_blind_indexes_agree(household):
    [(first, first_index)] = raw("cases_householdmember", "resident_id, resident_id_index", "WHERE name = %s",
                                 ["王建国"])
    [(second, second_index)] = raw("cases_worker", "resident_id, resident_id_index")
    assert first != second and first_index == second_index and len(first_index) == 64


def test_point_4_exact_lookup_goes_through_the_blind_index(household):
    assert Worker.objects.with_resident_id(HEAD_ID.lower()).get().name == "王建国"  # normalised: x → X
    assert Worker.objects.with_phone("138-0013-8000").get().name == "王建国"
    assert list(Worker.objects.with_phone(PHONE)) == []  # the old phone
    assert HouseholdMember.objects.with_resident_id(CHILD_ID).get().name == "王小明"
    assert list(Worker.objects.with_resident_id("")) == []


def test_point_4_a_lookup_on_the_encrypted_column_is_refused_not_silently_empty(household):
    with pytest.raises(FieldError, match="encrypted at rest"):
        Worker.objects.filter(resident_id=HEAD_ID).count()
    with pytest.raises(FieldError, match="encrypted at rest"):
        Worker.objects.filter(phone__contains="139").count()
    assert Worker.objects.filter(resident_id=None).count() == 0  # isnull still works


def test_point_4_the_same_number_twice_is_refused_on_the_number(household):
    with pytest.raises(ValidationError) as refused:
        Worker(name="冒名", resident_id=HEAD_ID).full_clean()
    assert refused.value.message_dict["resident_id"] == [
        "该公民身份号码已登记为其他劳动者，请核对号码或选择已登记的劳动者。"]


def test_point_4_update_fields_writes_the_index_with_the_number(orgs):
    worker = Worker.objects.create(name="李四")
    worker.resident_id = HEAD_ID
    worker.save(update_fields=["resident_id"])
    assert Worker.objects.with_resident_id(HEAD_ID).get().pk == worker.pk


def test_point_4_clear_text_in_the_column_is_an_error_never_returned_as_is(household):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_worker SET resident_id = %s", [HEAD_ID])
    with pytest.raises(EncryptedValueError, match="格式不正确"):
        Worker.objects.get(name="王建国")


def test_point_4_a_value_under_a_key_no_longer_configured_is_a_clear_error(household, settings):
    settings.FIELD_ENCRYPTION_KEYS = "another-key-that-never-encrypted-anything-here"
    with pytest.raises(EncryptedValueError, match="不在 FIELD_ENCRYPTION_KEYS 中"):
        Worker.objects.get(name="王建国")


def test_point_4_a_tampered_ciphertext_is_a_clear_error(household):
    [(stored,)] = raw("cases_worker", "resident_id")
    tampered = stored[:-6] + ("AAAAAA" if not stored.endswith("AAAAAA") else "BBBBBB")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_worker SET resident_id = %s", [tampered])
    with pytest.raises(EncryptedValueError, match="解密失败"):
        Worker.objects.get(name="王建国")
