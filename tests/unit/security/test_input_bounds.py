"""Issue 17, point 8: bounds on what people type, with Chinese messages naming the field —
free text (a statement of facts at most 5,000 characters), dates (employment start not
before 1950-01-01 nor after today) and amounts (plain decimal text, `1e6` refused, at most
two decimals, at most ¥100,000,000) — in the forms and again in the models' full_clean."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from cases.hardship.aid import allocate_budget
from cases.hardship.intake import money
from cases.models import DisputeCase
from cases.platform.table_files import parse_yuan
from tests.hardship_fixtures import fund_with_budget
from tests.unit.disputes.test_case_pages import register, registered_case
from workflows.hardship.file.forms import AllocateBudgetForm
from workflows.hardship.forms import CivilCheckForm, HomeVisitForm

pytestmark = pytest.mark.django_db

TODAY = "2026-12-07 10:00:00+08:00"


def registration_errors(client, people, orgs, **changes) -> dict:
    response = register(client, people["mediator"], orgs, **changes)
    assert response.status_code == 200
    assert not DisputeCase.objects.exists()
    forms = response.context["forms"]
    errors = dict(forms.main.errors)
    for index, claim in enumerate(forms.claims.forms):
        errors.update({f"claims-{index}-{key}": value for key, value in claim.errors.items()})
    return errors


# -- free text ---------------------------------------------------------------------------------

def test_point_8_facts_of_100000_characters_are_refused_and_5000_are_taken(client, orgs, people):
    errors = registration_errors(client, people, orgs, facts="欠" * 100_000)
    assert errors["facts"] == ["争议事实与理由不能超过5,000个字（现有100,000个字），请精简后再提交；详细材料可作为附件存卷。"]

    case = registered_case(client, people["mediator"], orgs, facts="欠" * 5000)
    assert len(case.facts) == 5000


def test_point_8_the_model_refuses_overlong_facts_and_an_ancient_employment_start(client, orgs, people):
    case = registered_case(client, people["mediator"], orgs)
    case.facts = "欠" * 5001
    case.employment_start = date(1, 1, 1)

    with pytest.raises(ValidationError) as error:
        case.full_clean()
    assert error.value.message_dict["facts"] == [
        "争议事实与理由不能超过5,000个字（现有5,001个字），请精简后再提交；详细材料可作为附件存卷。"]
    assert error.value.message_dict["employment_start"] == ["入职日期（1年1月1日）早于1950年1月1日，请核对年份。"]


def test_point_8_task_forms_bound_their_notes():
    form = CivilCheckForm(data={"result": "none", "checked_on": "2026-12-01", "note": "核" * 2001}, case=None, user=None)
    assert not form.is_valid()
    assert form.errors["note"] == ["核对说明不能超过2,000个字（现有2,001个字），请精简后再提交；详细材料可作为附件存卷。"]


# -- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, message", [
    ("0001-01-01", "入职日期（1年1月1日）早于1950年1月1日，请核对年份。"),
    ("1949-12-31", "入职日期（1949年12月31日）早于1950年1月1日，请核对年份。"),
    ("2026-12-08", "入职日期（2026年12月8日）不能晚于今天，请核对日期。"),
])
def test_point_8_employment_start_before_1950_or_after_today_is_refused(client, orgs, people, typed, message):
    with freeze_time(TODAY):
        errors = registration_errors(client, people, orgs, employment_start=typed)
    assert errors["employment_start"] == [message]


def test_point_8_employment_start_on_1950_01_01_is_taken(client, orgs, people):
    with freeze_time(TODAY):
        case = registered_case(client, people["mediator"], orgs, employment_start="1950-01-01")
    assert case.employment_start == date(1950, 1, 1)


def test_point_8_other_dates_stay_within_sensible_years():
    with freeze_time(TODAY):
        form = HomeVisitForm(data={"visited_on": "0001-01-01", "findings": "家中陈设简陋。",
                                   "authorisation_signed_on": "2037-01-01"}, case=None, user=None)
        assert not form.is_valid()
    assert form.errors["visited_on"] == ["调查日期（1年1月1日）早于1950年1月1日，请核对年份。"]
    assert form.errors["authorisation_signed_on"] == [
        "家庭签署信息核对授权书日期（2037年1月1日）晚于2036年12月7日，请核对年份。"]


# -- amounts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, message", [
    ("1e6", "请求金额“1e6”不是有效的金额：请只填写数字和小数点，如 12000.00（不能使用科学计数法）。"),
    ("NaN", "请求金额“NaN”不是有效的金额：请只填写数字和小数点，如 12000.00（不能使用科学计数法）。"),
    ("100000000.01", "请求金额不能超过100,000,000元。"),
])
def test_point_8_a_claimed_amount_must_be_plain_decimal_text_within_bounds(client, orgs, people, typed, message):
    errors = registration_errors(client, people, orgs, **{"claims-0-amount_claimed": typed})
    assert errors["claims-0-amount_claimed"] == [message]


@pytest.mark.parametrize("typed, message", [
    ("1e6", "拨入金额（元）不是有效的金额：请只填写数字和小数点，如 12000.00（不能使用科学计数法）。"),
    ("12.345", "拨入金额（元）以元为单位，最多保留两位小数（到分）。"),
    ("100000000.01", "拨入金额（元）不能超过100,000,000元（一亿元），请核对金额。"),
    ("0", "拨入金额（元）须大于零。"),
    ("-5", "拨入金额（元）须大于零。"),
])
def test_point_8_the_money_field_refuses_exponents_fractions_of_a_fen_and_huge_amounts(typed, message):
    form = AllocateBudgetForm(data={"amount": typed, "note": "京工发〔2026〕3号"})
    assert not form.is_valid()
    assert form.errors["amount"] == [message]


def test_point_8_the_money_field_reads_what_people_write():
    form = AllocateBudgetForm(data={"amount": "1,234.50", "note": "京工发〔2026〕3号"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1234.50")


def test_point_8_services_and_imports_read_no_exponent_either(orgs, people):
    fund = fund_with_budget(orgs["hd"])
    with pytest.raises(ValidationError) as error:
        allocate_budget(fund=fund, amount="1e6", by=people["admin"], note="追加")
    assert error.value.message_dict == {"amount": ["拨入金额不是有效的金额：1e6"]}
    with pytest.raises(ValidationError) as error:
        allocate_budget(fund=fund, amount="200000000.00", by=people["admin"], note="追加")
    assert error.value.message_dict == {"amount": ["拨入金额不能超过100,000,000元（一亿元），请核对金额。"]}
    assert fund.entries.count() == 1

    assert money("1e6") is None and money("24,000") == Decimal("24000.00")
    with pytest.raises(ValueError, match="月保障金额“1E6”不是有效金额"):
        parse_yuan("1E6", "月保障金额")
    assert parse_yuan("1,200.50", "月保障金额") == Decimal("1200.50")


def test_point_8_the_admins_budget_field_reads_no_exponent(orgs, people):
    from cases.admin import FundForm

    fund = fund_with_budget(orgs["hd"])
    typed = {"organisation": fund.organisation_id, "year": fund.year, "aid_type": fund.aid_type, "name": fund.name,
             "allocation_note": "追加"}
    form = FundForm(data={**typed, "allocation": "1e6"}, instance=fund)
    form.user = people["admin"]
    assert not form.is_valid()
    assert form.errors["allocation"] == ["拨入预算“1e6”不是有效的金额：请只填写数字和小数点，如 12000.00（不能使用科学计数法）。"]
    form = FundForm(data={**typed, "allocation": "1000.00"}, instance=fund)
    form.user = people["admin"]
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("admin_class", ["MinimumLivingStandard", "AidProgrammeRule"])
def test_issue_20_the_admins_regional_amounts_read_separators_and_refuse_exponents(rf, people, admin_class):
    """Issue 20: every amount field takes 1,000,000.50 and refuses 1e6 — the admin's too."""
    from django.contrib.admin.sites import site

    from cases.models import AidProgrammeRule, MinimumLivingStandard

    model = {"MinimumLivingStandard": MinimumLivingStandard, "AidProgrammeRule": AidProgrammeRule}[admin_class]
    request = rf.get("/admin/")
    request.user = people["admin"]
    form = site._registry[model].get_form(request)()
    amounts = [name for name in ("monthly_amount", "standard_amount", "deductible", "maximum_amount",
                                 "second_approval_above", "schooling_tertiary") if name in form.fields]
    assert amounts
    for name in amounts:
        field = form.fields[name]
        assert field.clean("1,000,000.50") == Decimal("1000000.50"), name
        with pytest.raises(ValidationError, match="不是有效的金额"):
            field.clean("1e6")


def test_issue_20_the_admins_budget_field_reads_thousands_separators(orgs, people):
    from cases.admin import FundForm

    fund = fund_with_budget(orgs["hd"])
    form = FundForm(data={"organisation": fund.organisation_id, "year": fund.year, "aid_type": fund.aid_type,
                          "name": fund.name, "allocation": "1,000,000.50", "allocation_note": "追加"}, instance=fund)
    form.user = people["admin"]
    assert form.is_valid(), form.errors
    assert form.cleaned_data["allocation"] == Decimal("1000000.50")
