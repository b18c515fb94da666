"""Rules as data, per region and year (issue 19, point 3): the relative-hardship multiple, the
accident-cost share and the rigid expenses that count are HardshipParameters rows kept by admins
beside the 低保 standard, cited with their policy document in the 计算过程; an assessment keeps
the values it used, so a later change affects only assessments made afterwards."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.hardship.intake import preview_assessment
from cases.models import (
    ExpenseKind,
    HardshipCostItem,
    HardshipFile,
    HardshipParameters,
    HardshipStatus,
    IncomeItem,
    MinimumLivingStandard,
    RigidExpense,
)
from cases.models.hardship.household import assess_household
from cases.platform.transitions import apply
from tests.hardship_fixtures import file_in_state, hardship_parameters, household_in_hardship, minimum_living_standard
from tests.identifiers import resident_id

pytestmark = pytest.mark.django_db

NANJING = "320102"  # a city whose relative-hardship line is 1.5 × 低保
data_step = importlib.import_module("cases.migrations.0030_hardship_parameters").parameters_as_before


def household_with_disability_costs(orgs, *, n, region="110108"):
    """3 persons, 2025 income 50,400 and a disability expense of 7,200 (低保 1,400)."""
    household = household_in_hardship(orgs["hd"], name=f"赵{n}", resident_id=resident_id(n, region="110108"),
                                      annual_income=Decimal("50400.00"), region=region)
    RigidExpense.objects.create(household=household, year=2025, kind=ExpenseKind.DISABILITY,
                                amount=Decimal("7200.00"), note="康复训练")
    return household


def test_the_relative_multiple_is_the_regions(orgs):
    hardship_parameters(2025, NANJING, multiple=Decimal("1.50"), document="宁工发〔2024〕7号", issued=date(2024, 5, 1))
    beijing = household_in_hardship(orgs["hd"], name="钱一", resident_id=resident_id(1), annual_income=Decimal("86400"))
    nanjing = household_in_hardship(orgs["hd"], name="钱二", resident_id=resident_id(2), annual_income=Decimal("86400"),
                                    region=NANJING)

    # Both: 86,400 ÷ 12 ÷ 3 = 2,400.00/人·月, 低保 1,400.00 (not below).
    # 2 × 1,400 = 2,800.00: 2,400 < 2,800 → 相对困难.
    at_two = assess_household(beijing, year=2025)
    assert (at_two.category, at_two.per_capita_monthly, at_two.threshold_relative) == (
        "relative", Decimal("2400.00"), Decimal("2800.00"))
    assert "2 × 低保标准 = ¥2,800.00：¥2,400.00 < ¥2,800.00 → 相对困难" in at_two.steps
    # 1.5 × 1,400 = 2,100.00: 2,400 ≥ 2,100 → not 相对困难; no hardship costs → 无.
    at_one_and_a_half = assess_household(nanjing, year=2025)
    assert (at_one_and_a_half.category, at_one_and_a_half.threshold_relative) == ("none", Decimal("2100.00"))
    assert "1.5 × 低保标准 = ¥2,100.00：¥2,400.00 ≥ ¥2,100.00 → 不属相对困难" in at_one_and_a_half.steps
    assert at_one_and_a_half.steps[0] == (
        "认定参数（320102地区2025年，宁工发〔2024〕7号，2024年5月1日）：相对困难线为低保标准的1.5倍；"
        "意外致困线为致困费用占家庭年收入的80.00%；计入的刚性支出：医疗、教育")
    assert "同一月人均收入低于当地最低生活保障标准的1.5倍" in at_one_and_a_half.citations[1]


def test_the_accident_share_is_the_regions(orgs):
    hardship_parameters(2025, NANJING, percent=Decimal("60.00"))
    household = household_in_hardship(orgs["hd"], annual_income=Decimal("120000"), region=NANJING)
    HardshipCostItem.objects.create(household=household, year=2025, event="major_illness",
                                    gross_amount=Decimal("90000.00"), compensation=Decimal("10000.00"))
    # 120,000 ÷ 36 = 3,333.33 ≥ 2,800; net costs 80,000 ÷ 120,000 = 66.67%;
    # 60% × 120,000 = 72,000: 80,000 > 72,000 → 意外致困 (at 80% it would be 96,000, so 无).
    result = assess_household(household, year=2025)
    assert result.category == "accident"
    assert "60.00% × ¥120,000.00 = ¥72,000.00：¥80,000.00 > ¥72,000.00 → 符合意外致困" in result.steps[-2]


def test_a_disability_expense_counts_only_where_the_parameters_say_so(orgs):
    hardship_parameters(2025, NANJING, kinds=("medical", "schooling", "disability"))
    here = assess_household(household_with_disability_costs(orgs, n=1), year=2025)
    there = assess_household(household_with_disability_costs(orgs, n=2, region=NANJING), year=2025)

    # Not counted: 50,400 ÷ 12 ÷ 3 = 1,400.00, equal to 低保 1,400 (not below); < 2,800 → 相对困难.
    assert (here.category, here.per_capita_monthly, here.rigid_expenses_counted) == (
        "relative", Decimal("1400.00"), Decimal("0"))
    assert here.steps[1] == ("刚性支出中残疾康复 ¥7,200.00 不在本地区认定参数计入的范围（医疗、教育），不予扣除；"
                             "计入的刚性支出合计 ¥0.00")
    # Counted: (50,400 − 7,200) ÷ 12 ÷ 3 = 43,200 ÷ 36 = 1,200.00 < 1,400 → 深度困难.
    assert (there.category, there.per_capita_monthly) == ("deep", Decimal("1200.00"))
    assert there.steps[1] == "家庭年可支配收入 ¥50,400.00 − 刚性支出 ¥7,200.00 = ¥43,200.00；÷ 12 ÷ 3人 = ¥1,200.00/人·月"
    assert "计入的刚性支出：医疗、教育、残疾康复" in there.steps[0]


def test_the_registration_preview_deducts_only_the_kinds_that_count(orgs):
    minimum_living_standard(2025)
    preview = preview_assessment(region_code="110108", year=2025, household_size=3, incomes=[Decimal("50400.00")],
                                 expenses=[("medical", Decimal("3600.00")), ("long_term_care", Decimal("3600.00"))],
                                 hardship_costs=[])
    # Medical only: (50,400 − 3,600) ÷ 36 = 1,300.00 < 1,400 → 深度困难; long-term care is named, not deducted.
    assert (preview.assessment.category, preview.rigid_expenses) == ("deep", Decimal("3600.00"))
    assert "长期护理 ¥3,600.00 不在本地区认定参数计入的范围" in preview.assessment.steps[1]


def test_a_region_and_year_without_parameters_is_refused_in_chinese(orgs):
    household = household_in_hardship(orgs["hd"])
    HardshipParameters.objects.all().delete()
    with pytest.raises(ValidationError) as raised:
        assess_household(household, year=2025)
    assert raised.value.messages == [
        "缺少110108地区2025年的困难职工认定参数（相对困难倍数、意外致困费用占比、计入的刚性支出），"
        "请先由管理员在“困难职工认定参数”中录入。"]


def review(file, by):
    apply(file, "record_democratic_review", by=by, data={
        "held_on": date(2026, 3, 2), "participants": "职工代表5人", "votes_for": 5, "opinion": "同意。",
        "proposed_aid_amount": Decimal("2000.00")})
    file.refresh_from_db()
    return file


def test_a_change_of_parameters_leaves_earlier_assessments_as_they_were(orgs, people, client, make_user):
    caseworker = people["caseworker"]
    earlier = review(file_in_state(household_with_disability_costs(orgs, n=1), HardshipStatus.CIVIL_CHECKED,
                                   prepared_by=caseworker, category=""), caseworker)
    # Under 京工发〔2024〕12号 disability costs are not deducted: 1,400.00 = 低保 → 相对困难.
    assert earlier.category == "relative"
    steps, parameters = list(earlier.assessment_steps), dict(earlier.assessment_parameters)
    assert parameters["counted_expense_kinds"] == ["medical", "schooling"]
    assert parameters["document_number"] == "京工发〔2024〕12号"

    # The admin now counts disability costs under a new document.
    row = HardshipParameters.objects.get(region_code="110108", year=2025)
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.post(reverse("admin:cases_hardshipparameters_change", args=[row.pk]), {
        "region_code": "110108", "year": "2025", "relative_multiple": "2", "accident_cost_percent": "80",
        "counted_expense_kinds": ["disability", "medical", "schooling"], "document_number": "京工发〔2025〕3号",
        "document_date": "2025-02-01", "_save": "保存"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.counted_expense_kinds == ["medical", "schooling", "disability"]

    earlier = HardshipFile.objects.get(pk=earlier.pk)
    assert (earlier.category, earlier.assessment_steps, earlier.assessment_parameters) == (
        "relative", steps, parameters)
    assert "京工发〔2024〕12号" in earlier.assessment_steps[0]

    # A new assessment uses the new values: (50,400 − 7,200) ÷ 36 = 1,200.00 < 1,400 → 深度困难.
    later = review(file_in_state(household_with_disability_costs(orgs, n=2), HardshipStatus.CIVIL_CHECKED,
                                 prepared_by=caseworker, category=""), caseworker)
    assert later.category == "deep"
    assert later.assessment_parameters["document_number"] == "京工发〔2025〕3号"
    assert later.assessment_parameters["parameters_id"] == row.pk
    assert "京工发〔2025〕3号，2025年2月1日" in later.assessment_steps[0]


def test_a_yearly_review_uses_and_keeps_its_years_parameters(orgs, people):
    household = household_in_hardship(orgs["hd"])
    file = review(file_in_state(household, HardshipStatus.CIVIL_CHECKED, prepared_by=people["caseworker"],
                                category=""), people["caseworker"])
    identification_steps = list(file.assessment_steps)
    HardshipFile.objects.filter(pk=file.pk).update(status=HardshipStatus.OPEN, number="BJ-HD-KN-2026-0001",
                                                   opened_on=date(2026, 3, 20))
    file.refresh_from_db()
    hardship_parameters(2026, multiple=Decimal("1.50"), document="京工发〔2025〕9号", issued=date(2025, 12, 1))
    minimum_living_standard(2026)
    IncomeItem.objects.create(household=household, year=2026, kind="wages", amount=Decimal("86400.00"))

    apply(file, "complete_yearly_review", by=people["caseworker"], data={"year": 2026, "findings": "入户核实。"})

    # 86,400 ÷ 12 ÷ 3 = 2,400.00; 1.5 × 1,400 = 2,100.00: not below → 无 (at 2 × it would be 相对困难).
    review_ = file.yearly_reviews.get()
    assert (review_.category, review_.parameters["relative_multiple"]) == ("none", "1.50")
    assert "1.5 × 低保标准 = ¥2,100.00：¥2,400.00 ≥ ¥2,100.00 → 不属相对困难" in review_.steps
    file.refresh_from_db()
    assert file.assessment_steps == identification_steps  # the identification's, under 京工发〔2024〕12号
    assert file.assessment_parameters["document_number"] == "京工发〔2024〕12号"


def test_the_admin_pages_open_and_an_entry_needs_its_document(client, people):
    admin = people["admin"]
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(codename__endswith="hardshipparameters"))
    client.force_login(admin)
    row = hardship_parameters(2025)
    for url in [reverse("admin:cases_hardshipparameters_changelist"), reverse("admin:cases_hardshipparameters_add"),
                reverse("admin:cases_hardshipparameters_change", args=[row.pk])]:
        page = client.get(url)
        assert page.status_code == 200, url
    assert "困难职工认定参数" in page.content.decode() and "计入的刚性支出" in page.content.decode()
    assert "长期护理" in page.content.decode() and "必要就业成本" in page.content.decode()

    refused = client.post(reverse("admin:cases_hardshipparameters_add"), {
        "region_code": "110105", "year": "2026", "relative_multiple": "1.5", "accident_cost_percent": "80",
        "counted_expense_kinds": ["medical"], "document_number": "", "document_date": ""})
    assert refused.status_code == 200
    assert set(refused.context["adminform"].form.errors) == {"document_number", "document_date"}
    assert not HardshipParameters.objects.filter(region_code="110105", year=2026).exists()


def test_the_data_migration_keeps_todays_rules_for_every_standard(orgs):
    household = household_in_hardship(orgs["hd"])  # 110108 2025, with the fixture's parameters
    MinimumLivingStandard.objects.create(region_code="110105", year=2025, monthly_amount=Decimal("1400.00"))
    MinimumLivingStandard.objects.create(region_code="110105", year=2026, monthly_amount=Decimal("1450.00"))
    file = file_in_state(household, HardshipStatus.OPEN, assessment_steps=["结论：深度困难"])

    data_step(django_apps, None)
    data_step(django_apps, None)  # a second run changes nothing

    made = HardshipParameters.objects.filter(region_code="110105").order_by("year")
    assert [(p.year, p.relative_multiple, p.accident_cost_percent, p.counted_expense_kinds, p.document_date)
            for p in made] == [(2025, Decimal("2.00"), Decimal("80.00"), ["medical", "schooling"], None),
                               (2026, Decimal("2.00"), Decimal("80.00"), ["medical", "schooling"], None)]
    assert "请管理员补录依据文件文号和日期" in made[0].document_number
    assert HardshipParameters.objects.get(region_code="110108").document_number == "京工发〔2024〕12号"  # kept
    file.refresh_from_db()
    assert (file.assessment_parameters["relative_multiple"], file.assessment_parameters["accident_cost_share"],
            file.assessment_parameters["counted_expense_kinds"]) == ("2.00", "0.80", ["medical", "schooling"])
