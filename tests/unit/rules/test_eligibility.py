from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from cases.models import (
    EmploymentStatus,
    ExpenseKind,
    HardshipCostItem,
    HardshipEvent,
    Household,
    HouseholdMember,
    IncomeItem,
    IncomeKind,
    MinimumLivingStandard,
    Relation,
    RigidExpense,
    Role,
    Worker,
)
from cases.models.hardship.household import assess_household
from cases.rules.eligibility import Category, Rules, assess, yuan
from tests.hardship_fixtures import hardship_parameters

D = Decimal
MINIMUM = D("1395.00")  # 低保 per person per month in the examples; 2× = 2790.00
# The parameters of the examples: 2 × 低保, 80%, medical and education expenses deducted.
RULES = Rules(region_code="110108", year=2025, relative_multiple=D("2.00"), accident_cost_share=D("0.80"),
              counted_expense_kinds=("medical", "schooling"), document_number="京工发〔2024〕12号",
              document_date=date(2024, 3, 1))


def run(*, size=1, income, rigid="0", costs="0", minimum=MINIMUM):
    return assess(household_size=size, annual_income=D(income), rigid_expenses={"medical": D(rigid)},
                  hardship_costs=D(costs), monthly_minimum=D(minimum), rules=RULES)


# (case, size, income, rigid, costs, expected per-capita, expected category)
TABLE = [
    # 深度困难 boundary at 1,395.00 (one person: per-capita = disposable ÷ 12)
    ("deep_one_fen_below", 1, "16739.88", "0", "0", "1394.99", Category.DEEP),
    ("deep_equal_is_not_below", 1, "16740.00", "0", "0", "1395.00", Category.RELATIVE),
    ("deep_one_fen_above", 1, "16740.12", "0", "0", "1395.01", Category.RELATIVE),
    # 相对困难 boundary at 2 × 1,395.00 = 2,790.00
    ("relative_one_fen_below", 1, "33479.88", "0", "0", "2789.99", Category.RELATIVE),
    ("relative_equal_is_not_below", 1, "33480.00", "0", "0", "2790.00", Category.NONE),
    ("relative_one_fen_above", 1, "33480.12", "0", "0", "2790.01", Category.NONE),
    # rigid expenses are deducted before dividing
    ("rigid_expenses_push_below", 1, "45000.00", "11520.12", "0", "2789.99", Category.RELATIVE),
    # household size 5
    ("five_persons_one_fen_below_deep", 5, "83699.40", "0", "0", "1394.99", Category.DEEP),
    ("five_persons_equal_deep", 5, "83700.00", "0", "0", "1395.00", Category.RELATIVE),
    ("five_persons_equal_relative", 5, "167400.00", "0", "0", "2790.00", Category.NONE),
    # 意外致困: net hardship costs must exceed 80% of income, strictly
    ("accident_exactly_80_percent", 1, "50000.00", "0", "40000.00", "4166.67", Category.NONE),
    ("accident_one_fen_above_80_percent", 1, "50000.00", "0", "40000.01", "4166.67", Category.ACCIDENT),
    ("accident_one_fen_below_80_percent", 1, "50000.00", "0", "39999.99", "4166.67", Category.NONE),
    # precedence: deep and relative come before accident
    ("relative_before_accident", 1, "30000.00", "0", "29000.00", "2500.00", Category.RELATIVE),
    ("deep_before_accident", 1, "12000.00", "0", "11000.00", "1000.00", Category.DEEP),
    # zero income: per-capita 0 is below; no accident share
    ("zero_income", 2, "0", "0", "5000.00", "0.00", Category.DEEP),
    # rigid expenses above income: negative disposable income counts as below
    ("negative_disposable_income", 1, "10000.00", "22000.00", "0", "-1000.00", Category.DEEP),
    # rounding half-up to the fen, and the rounded figure (the one shown) is compared
    ("half_up_rounds_to_threshold", 1, "16739.94", "0", "0", "1395.00", Category.RELATIVE),
    ("half_up_not_bankers", 1, "16739.82", "0", "0", "1394.99", Category.DEEP),
    ("repeating_decimal", 3, "10000.00", "0", "0", "277.78", Category.DEEP),
]


@pytest.mark.parametrize(("size", "income", "rigid", "costs", "per_capita", "category"),
                         [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_category_at_and_around_each_threshold(size, income, rigid, costs, per_capita, category):
    result = run(size=size, income=income, rigid=rigid, costs=costs)
    assert result.per_capita_monthly == D(per_capita)
    assert result.category == category
    assert result.threshold_deep == D("1395.00")
    assert result.threshold_relative == D("2790.00")


def test_accident_applies_even_far_above_twice_the_standard():
    result = run(income="200000.00", costs="170000.00")
    assert result.per_capita_monthly > result.threshold_relative
    assert result.category == Category.ACCIDENT
    assert result.accident_ratio == D("0.85")


def test_accident_ratio_is_none_when_income_is_zero():
    result = run(size=2, income="0", costs="5000.00")
    assert result.accident_ratio is None
    assert any("无法计算占比" in step for step in result.steps)


def test_accident_ratio_at_the_rule_is_exactly_the_parameter():
    assert RULES.accident_cost_share == D("0.80")
    assert run(income="50000.00", costs="40000.00").accident_ratio == D("0.8")


def test_steps_show_the_computation_with_the_numbers():
    result = run(size=3, income="48000.00", rigid="12000.00")
    assert result.category == Category.DEEP
    assert result.steps[0] == ("认定参数（110108地区2025年，京工发〔2024〕12号，2024年3月1日）：相对困难线为低保标准的2倍；"
                               "意外致困线为致困费用占家庭年收入的80.00%；计入的刚性支出：医疗、教育")
    assert result.steps[1] == "家庭年可支配收入 ¥48,000.00 − 刚性支出 ¥12,000.00 = ¥36,000.00；÷ 12 ÷ 3人 = ¥1,000.00/人·月"
    assert result.steps[2] == "低保标准 ¥1,395.00：¥1,000.00 < ¥1,395.00 → 深度困难"
    assert result.steps[-1] == "结论：深度困难"
    assert "深度困难" in result.citations[0] and "医疗、教育" in result.citations[0]
    assert result.citations[-1] == "认定参数依据：京工发〔2024〕12号，2024年3月1日"


def test_steps_for_relative_and_accident_show_both_thresholds_and_the_share():
    result = run(income="30000.00", costs="29000.00")
    text = "\n".join(result.steps)
    assert "¥2,500.00 ≥ ¥1,395.00 → 不属深度困难" in text
    assert "2 × 低保标准 = ¥2,790.00：¥2,500.00 < ¥2,790.00 → 相对困难" in text
    assert "¥29,000.00 ÷ 家庭年收入 ¥30,000.00 = 96.67%" in text
    assert "80.00% × ¥30,000.00 = ¥24,000.00：¥29,000.00 > ¥24,000.00 → 符合意外致困" in text
    assert "先后顺序" in text and result.steps[-1] == "结论：相对困难"


def test_steps_at_the_accident_rule_say_not_above():
    text = "\n".join(run(income="50000.00", costs="40000.00").steps)
    assert "¥40,000.00 ≤ ¥40,000.00 → 不符合意外致困" in text
    assert "¥4,166.67 ≥ ¥2,790.00 → 不属相对困难" in text


def test_negative_amounts_are_written_with_a_minus_sign():
    result = run(income="10000.00", rigid="22000.00")
    assert "= −¥12,000.00；÷ 12 ÷ 1人 = −¥1,000.00/人·月" in result.steps[1]
    assert yuan(D("-0.005")) == "−¥0.01"


@pytest.mark.parametrize("kwargs", [{"size": 0, "income": "1000"}, {"income": "1000", "minimum": "0"},
                                    {"income": "1000", "rigid": "-1"}])
def test_impossible_inputs_are_refused(kwargs):
    with pytest.raises(ValidationError):
        run(**kwargs)


# --- reading the registry -------------------------------------------------------------


@pytest.fixture
def household(orgs):
    head = Worker.objects.create(name="张伟", resident_id="11010519491231002X")
    household = Household(organisation=orgs["hd"], head=head, region_code="110108", address="海淀区某小区1号")
    household.full_clean()
    household.save()
    for name, relation, born, employment in [
        ("张伟", Relation.SELF, date(1975, 3, 1), EmploymentStatus.UNDER_EMPLOYED),
        ("李芳", Relation.SPOUSE, date(1977, 6, 1), EmploymentStatus.UNEMPLOYED),
        ("张小明", Relation.CHILD, date(2010, 9, 1), EmploymentStatus.NOT_OF_WORKING_AGE),
    ]:
        HouseholdMember.objects.create(household=household, name=name, relation=relation, birth_date=born,
                                       employment=employment, worker=head if relation == Relation.SELF else None)
    IncomeItem.objects.create(household=household, year=2025, kind=IncomeKind.WAGES, amount=D("30000.00"))
    IncomeItem.objects.create(household=household, year=2025, kind=IncomeKind.TRANSFER, amount=D("18000.00"))
    IncomeItem.objects.create(household=household, year=2024, kind=IncomeKind.WAGES, amount=D("90000.00"))
    RigidExpense.objects.create(household=household, year=2025, kind=ExpenseKind.MEDICAL, amount=D("9000.00"))
    RigidExpense.objects.create(household=household, year=2025, kind=ExpenseKind.SCHOOLING, amount=D("3000.00"))
    HardshipCostItem.objects.create(household=household, year=2025, event=HardshipEvent.MAJOR_ILLNESS,
                                    gross_amount=D("10000.00"), compensation=D("4000.00"))
    # Compensation above the cost leaves nothing to bear, never a negative cost.
    HardshipCostItem.objects.create(household=household, year=2025, event=HardshipEvent.ACCIDENT,
                                    gross_amount=D("1000.00"), compensation=D("1500.00"))
    MinimumLivingStandard.objects.create(region_code="110108", year=2025, monthly_amount=D("1395.00"))
    MinimumLivingStandard.objects.create(region_code="110105", year=2025, monthly_amount=D("100.00"))
    hardship_parameters(2025, "110108")
    hardship_parameters(2025, "110105")
    return household


def test_assess_household_reads_that_years_rows_and_regional_standard(household):
    result = assess_household(household, year=2025)
    assert result.category == Category.DEEP
    assert result.per_capita_monthly == D("1000.00")
    assert result.threshold_deep == D("1395.00")
    assert result.accident_ratio == D("6000.00") / D("48000.00")
    assert result.steps[1] == "家庭年可支配收入 ¥48,000.00 − 刚性支出 ¥12,000.00 = ¥36,000.00；÷ 12 ÷ 3人 = ¥1,000.00/人·月"


def test_a_raised_standard_changes_the_category(household):
    MinimumLivingStandard.objects.filter(region_code="110108", year=2025).update(monthly_amount=D("1000.00"))
    assert assess_household(household, year=2025).category == Category.RELATIVE


def test_missing_standard_is_a_clear_error(household):
    with pytest.raises(ValidationError) as error:
        assess_household(household, year=2024)
    assert error.value.messages == ["缺少110108地区2024年的低保标准，请先由管理员录入。"]


def test_missing_parameters_are_a_clear_error_with_no_fallback_to_another_year(household):
    MinimumLivingStandard.objects.create(region_code="110108", year=2024, monthly_amount=D("1395.00"))
    with pytest.raises(ValidationError) as error:
        assess_household(household, year=2024)  # 2025's parameters exist; 2024 has none of its own
    assert error.value.messages == [
        "缺少110108地区2024年的困难职工认定参数（相对困难倍数、意外致困费用占比、计入的刚性支出），"
        "请先由管理员在“困难职工认定参数”中录入。"]


def test_household_without_members_cannot_be_assessed(household):
    household.members.all().delete()
    with pytest.raises(ValidationError, match="尚未登记家庭成员"):
        assess_household(household, year=2025)


def test_region_code_and_member_resident_id_are_validated(household):
    household.region_code = "11010"
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    assert "region_code" in error.value.message_dict
    member = household.members.first()
    member.resident_id = "110105194912310021"  # wrong check digit
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "resident_id" in error.value.message_dict


def test_one_standard_per_region_and_year(household):
    with pytest.raises(IntegrityError):
        MinimumLivingStandard.objects.create(region_code="110108", year=2025, monthly_amount=D("1400.00"))


def test_only_org_admins_may_change_the_standard_in_the_admin(client, people, make_user):
    from django.contrib.auth.models import Permission

    standard = MinimumLivingStandard.objects.create(region_code="110108", year=2025, monthly_amount=D("1395.00"))
    perms = Permission.objects.filter(codename__endswith="minimumlivingstandard")
    url = reverse("admin:cases_minimumlivingstandard_change", args=[standard.pk])
    for key, can_save in [("admin", True), ("caseworker", False)]:
        user = people[key]
        user.is_staff = True
        user.save()
        user.user_permissions.set(perms)
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert (b'name="_save"' in response.content) is can_save, key
    assert Role.ORG_ADMIN in people["admin"].memberships.values_list("role", flat=True)
