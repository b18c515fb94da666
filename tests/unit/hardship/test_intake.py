"""register_household_application: a hardship application (or referral) in one transaction —
worker, household, members, the year's figures, the file and its flow — or Chinese errors
keyed by field and nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.hardship.intake import preview_assessment, register_household_application
from cases.models import (
    HardshipCostItem,
    HardshipFile,
    HardshipStatus,
    Household,
    HouseholdMember,
    IncomeItem,
    Relation,
    RigidExpense,
    Role,
    Worker,
)
from cases.models.hardship.states import IdentificationSource
from cases.rules.validators import resident_id_check_char
from tests.hardship_fixtures import minimum_living_standard
from workflows.hardship.flow import HardshipFlow

pytestmark = pytest.mark.django_db


def valid_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


HEAD_ID = valid_id("11010819780506001")
CHILD_ID = valid_id("11010820090301002")


def application(organisation, by, **changes):
    arguments = {
        "organisation": organisation, "by": by, "source": IdentificationSource.APPLICATION, "referred_by": "",
        "year": 2025, "region_code": "110108", "address": "北京市海淀区学院路30号",
        "head": {"name": "周建华", "resident_id": HEAD_ID, "phone": "13800138123", "health": "major_illness",
                 "employment": "under_employed"},
        "members": [
            {"name": "吴秀兰", "relation": Relation.SPOUSE, "resident_id": "", "birth_date": date(1980, 9, 12),
             "employment": "unemployed"},
            {"name": "周小雨", "relation": Relation.CHILD, "resident_id": CHILD_ID, "employment": "not_of_working_age",
             "schooling": "senior_secondary"},
        ],
        "incomes": [{"kind": "wages", "amount": "30,000"}, {"kind": "transfer", "amount": Decimal("6000.00")}],
        "expenses": [{"kind": "medical", "amount": "1800.50", "note": "化疗自付"}],
        "hardship_costs": [{"event": "major_illness", "gross_amount": "20000", "compensation": "12000"}],
    }
    arguments.update(changes)
    return arguments


def nothing_written():
    return not (Worker.objects.exists() or Household.objects.exists() or HouseholdMember.objects.exists()
                or IncomeItem.objects.exists() or HardshipFile.objects.exists())


def test_one_registration_writes_the_household_its_figures_the_file_and_its_flow(orgs, people):
    minimum_living_standard(2025)
    file = register_household_application(**application(orgs["hd"], people["caseworker"]))

    assert file.status == HardshipStatus.IDENTIFIED
    assert (file.organisation, file.year, file.source, file.prepared_by) == (
        orgs["hd"], 2025, IdentificationSource.APPLICATION, people["caseworker"])
    household = file.household
    assert (household.region_code, household.address) == ("110108", "北京市海淀区学院路30号")
    head = household.head
    assert (head.name, head.resident_id, head.birth_date, head.sex, head.phone) == (
        "周建华", HEAD_ID, date(1978, 5, 6), "M", "13800138123")
    members = {member.name: member for member in household.members.all()}
    assert set(members) == {"周建华", "吴秀兰", "周小雨"}
    assert members["周建华"].relation == Relation.SELF and members["周建华"].worker == head
    assert members["周建华"].health == "major_illness"
    assert members["周小雨"].birth_date == date(2009, 3, 1)  # from the resident ID
    assert members["吴秀兰"].birth_date == date(1980, 9, 12) and members["吴秀兰"].health == "healthy"
    assert sorted(item.amount for item in IncomeItem.objects.filter(household=household, year=2025)) == [
        Decimal("6000.00"), Decimal("30000.00")]
    assert RigidExpense.objects.get(household=household).amount == Decimal("1800.50")
    cost = HardshipCostItem.objects.get(household=household)
    assert (cost.year, cost.net_amount) == (2025, Decimal("8000.00"))

    task = file.process.task_set.get(finished__isnull=True, flow_task_type="HUMAN")
    assert task.flow_task == HardshipFlow.take_application
    assert task.owner_id is None  # in the caseworkers' queue, to be claimed


def test_a_worker_with_the_same_resident_id_is_reused(orgs, people):
    minimum_living_standard(2025)
    known = Worker.objects.create(name="周建华", resident_id=HEAD_ID, birth_date=date(1978, 5, 6))
    child = Worker.objects.create(name="周小雨", resident_id=CHILD_ID, birth_date=date(2009, 3, 1))
    file = register_household_application(**application(orgs["hd"], people["caseworker"]))
    assert file.household.head == known
    assert Worker.objects.count() == 2
    known.refresh_from_db()
    assert known.phone == "13800138123"  # a blank filled, nothing overwritten
    assert file.household.members.get(name="周小雨").worker == child


def test_a_referral_needs_the_referring_union(orgs, people):
    minimum_living_standard(2025)
    with pytest.raises(ValidationError) as caught:
        register_household_application(**application(orgs["hd"], people["caseworker"],
                                                     source=IdentificationSource.REFERRAL))
    assert caught.value.message_dict == {"referred_by": ["基层工会推荐的，请填写推荐单位。"]}
    file = register_household_application(**application(
        orgs["hd"], people["caseworker"], source=IdentificationSource.REFERRAL, referred_by=" 学院路街道工会 "))
    assert (file.source, file.referred_by) == (IdentificationSource.REFERRAL, "学院路街道工会")


def test_bad_resident_ids_and_amounts_are_chinese_errors_by_field_and_nothing_is_written(orgs, people):
    minimum_living_standard(2025)
    bad_head = HEAD_ID[:-1] + ("1" if HEAD_ID[-1] != "1" else "2")
    members = [{"name": "周小雨", "relation": Relation.CHILD, "resident_id": CHILD_ID[:-1] + "Y",
                "employment": "not_of_working_age"},
               {"name": "", "relation": "", "employment": ""}]
    with pytest.raises(ValidationError) as caught:
        register_household_application(**application(
            orgs["hd"], people["caseworker"], head={"name": "周建华", "resident_id": bad_head, "employment": "employed"},
            members=members, incomes=[{"kind": "wages", "amount": "三万"}],
            expenses=[{"kind": "medical", "amount": "-5"}]))
    errors = caught.value.message_dict
    assert errors["head-resident_id"] == ["公民身份号码校验码不正确（GB 11643）。"]
    assert "公民身份号码" in errors["members-0-resident_id"][0]
    assert errors["members-1-name"] == ["请填写家庭成员姓名。"]
    assert errors["members-1-relation"] == ["请选择与户主的关系。"]
    assert errors["members-1-birth_date"] == ["没有公民身份号码的家庭成员，请填写出生日期。"]
    assert errors["incomes-0-amount"] == ["收入金额“三万”不是有效的金额，请填写元，最多两位小数，例如 2000.50。"]
    assert errors["expenses-0-amount"] == ["支出金额不能为负数。"]
    assert nothing_written()


def test_a_missing_minimum_living_standard_is_said_in_chinese_and_nothing_is_written(orgs, people):
    minimum_living_standard(2024)
    with pytest.raises(ValidationError) as caught:
        register_household_application(**application(orgs["hd"], people["caseworker"]))
    assert caught.value.message_dict == {
        "region_code": ["缺少110108地区2025年的低保标准，无法计算困难类别，请先由管理员录入。"]}
    assert nothing_written()


def test_a_head_with_an_active_file_is_refused_with_the_files_message(orgs, people):
    minimum_living_standard(2025)
    first = register_household_application(**application(orgs["hd"], people["caseworker"]))
    counts = (Household.objects.count(), HouseholdMember.objects.count(), IncomeItem.objects.count())
    with pytest.raises(ValidationError) as caught:
        register_household_application(**application(orgs["hd"], people["caseworker"], members=[]))
    assert caught.value.message_dict == {
        "__all__": [f"该家庭已有未结束的困难职工档案（{first}），不能重复建立。"]}
    assert (Household.objects.count(), HouseholdMember.objects.count(), IncomeItem.objects.count()) == counts
    assert HardshipFile.objects.count() == 1


def test_a_name_that_differs_from_the_worker_on_file_is_flagged(orgs, people):
    minimum_living_standard(2025)
    Worker.objects.create(name="周建国", resident_id=HEAD_ID, birth_date=date(1978, 5, 6))
    with pytest.raises(ValidationError) as caught:
        register_household_application(**application(orgs["hd"], people["caseworker"]))
    assert caught.value.message_dict["head-name"] == [
        f"公民身份号码 {HEAD_ID} 已登记的姓名与填写的姓名“周建华”不一致，请核对。"]  # not whose it is
    assert not Household.objects.exists()


def test_only_caseworkers_of_the_organisation_may_register(orgs, people, make_user):
    minimum_living_standard(2025)
    chaoyang = make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)
    with pytest.raises(PermissionDenied, match="^该记录不在您所属组织的范围内。$"):  # naming nothing of Haidian
        register_household_application(**application(orgs["hd"], chaoyang))
    with pytest.raises(PermissionDenied):
        register_household_application(**application(orgs["hd"], people["reviewer"]))
    assert nothing_written()
    file = register_household_application(**application(orgs["cy"], chaoyang))
    assert file.organisation == orgs["cy"]


def test_the_preview_is_the_rule_on_the_figures_as_typed(orgs):
    minimum_living_standard(2025)
    preview = preview_assessment(region_code="110108", year=2025, household_size=3,
                                 incomes=[Decimal("36000.00")], expenses=[("medical", Decimal("0.00"))],
                                 hardship_costs=[(Decimal("500.00"), Decimal("800.00"))])
    assert preview.assessment.category == "deep"
    assert preview.hardship_costs == Decimal("0.00")  # compensation above the cost is no gain
    assert "¥1,000.00 < ¥1,400.00 → 深度困难" in preview.assessment.steps[2]  # after the parameters, the income
    with pytest.raises(ValidationError, match="缺少110105地区2025年的低保标准"):
        preview_assessment(region_code="110105", year=2025, household_size=1, incomes=[], expenses=[],
                           hardship_costs=[])
