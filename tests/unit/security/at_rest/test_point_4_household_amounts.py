"""Issue 17, point 4: a household's income, rigid-expense and hardship-cost amounts are encrypted
at rest in the main and historical tables; they read back as Decimals to the fen; SQL cannot sum,
compare or compute on them; the assessment and the forms behave as before; migration 0026 seals
the amounts left in clear and goes back; `rotate_field_keys` re-encrypts them."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db.models import F, Max, Sum
from django.forms import modelform_factory

from cases.hardship.household import update_household
from cases.models import HardshipCostItem, HardshipStatus, IncomeItem, RigidExpense
from cases.models.hardship.household import assess_household, expenses_by_kind
from tests.hardship_fixtures import file_in_state, household_in_hardship
from tests.unit.security.at_rest.conftest import everything_in, migrate, raw

AMOUNT_COLUMNS = (("cases_incomeitem", "amount"), ("cases_historicalincomeitem", "amount"),
                  ("cases_rigidexpense", "amount"), ("cases_historicalrigidexpense", "amount"),
                  ("cases_hardshipcostitem", "gross_amount"), ("cases_historicalhardshipcostitem", "gross_amount"),
                  ("cases_hardshipcostitem", "compensation"), ("cases_historicalhardshipcostitem", "compensation"))


def household_with_figures(orgs):
    """3 people in 110108 (低保 ¥1,400 in 2025), wages 36,000.00 already on file for 2025, and:
    income 2025: + business loss −1,200.50 + transfers 9,600.25 → 44,399.75;
    rigid expenses 2025: medical 6,000.00 + schooling 2,399.75 → 8,399.75;
    hardship costs 2025: 30,000.00 − 12,000.00 → 18,000.00, and 5,000.00 − 8,000.00 → 0 (no gain);
    figures of 2024 that the 2025 assessment leaves out."""
    household = household_in_hardship(orgs["hd"])
    rows = [
        IncomeItem(household=household, year=2025, kind="business", amount=Decimal("-1200.50")),
        IncomeItem(household=household, year=2025, kind="transfer", amount=Decimal("9600.25")),
        IncomeItem(household=household, year=2024, kind="wages", amount=Decimal("99999.99")),
        RigidExpense(household=household, year=2025, kind="medical", amount=Decimal("6000.00"), note="透析"),
        RigidExpense(household=household, year=2025, kind="schooling", amount=Decimal("2399.75")),
        RigidExpense(household=household, year=2024, kind="medical", amount=Decimal("50000.00")),
        HardshipCostItem(household=household, year=2025, event="major_illness", gross_amount=Decimal("30000.00"),
                         compensation=Decimal("12000.00")),
        HardshipCostItem(household=household, year=2025, event="accident", gross_amount=Decimal("5000.00"),
                         compensation=Decimal("8000.00")),
    ]
    for row in rows:
        row.full_clean()
        row.save()
    return household


@pytest.mark.django_db
def test_point_4_the_amounts_are_ciphertext_in_the_main_and_historical_tables(orgs):
    household = household_with_figures(orgs)
    transfer = household.income_items.get(kind="transfer")
    transfer.amount = Decimal("9700.00")  # a change: a second historical row
    transfer.save()

    for table, column in AMOUNT_COLUMNS:
        stored = [value for (value,) in raw(table, column)]
        assert stored and all(value.startswith("v1:") for value in stored), (table, column)
    for table in ("cases_incomeitem", "cases_historicalincomeitem"):
        text = everything_in(table)
        for amount in ("36000", "1200.5", "9600.25", "9700", "99999.99"):
            assert amount not in text, (table, amount)
    for table in ("cases_rigidexpense", "cases_historicalrigidexpense", "cases_hardshipcostitem",
                  "cases_historicalhardshipcostitem"):
        text = everything_in(table)
        for amount in ("6000", "2399.75", "30000", "12000", "8000"):
            assert amount not in text, (table, amount)
    assert [h.amount for h in transfer.history.order_by("history_id")] == [Decimal("9600.25"), Decimal("9700.00")]


@pytest.mark.django_db
def test_point_4_amounts_read_back_as_decimals_to_the_fen(orgs):
    household = household_with_figures(orgs)
    IncomeItem.objects.create(household=household, year=2023, kind="other", amount=Decimal("12.5"))

    assert IncomeItem.objects.get(year=2023).amount == Decimal("12.50")
    assert str(IncomeItem.objects.get(year=2023).amount) == "12.50"
    assert str(IncomeItem.objects.get(kind="business").amount) == "-1200.50"
    assert sorted(household.hardship_costs.values_list("gross_amount", "compensation")) == [
        (Decimal("5000.00"), Decimal("8000.00")), (Decimal("30000.00"), Decimal("12000.00"))]


@pytest.mark.django_db
def test_point_4_sql_cannot_sum_compare_or_compute_on_the_amounts(orgs):
    household = household_with_figures(orgs)
    with pytest.raises(FieldError, match="encrypted at rest"):
        household.income_items.aggregate(total=Sum("amount"))
    with pytest.raises(FieldError, match="encrypted at rest"):
        RigidExpense.objects.aggregate(largest=Max("amount"))
    with pytest.raises(FieldError, match="encrypted at rest"):
        IncomeItem.objects.filter(amount__gt=0).count()
    with pytest.raises(FieldError, match="encrypted at rest"):
        IncomeItem.objects.filter(amount=Decimal("9600.25")).count()
    with pytest.raises(FieldError, match="encrypted at rest"):
        list(HardshipCostItem.objects.annotate(net=F("gross_amount") - F("compensation")))
    assert IncomeItem.objects.filter(amount__isnull=True).count() == 0


@pytest.mark.django_db
def test_point_4_the_assessment_gives_the_same_figures_from_encrypted_amounts(orgs):
    household = household_with_figures(orgs)

    result = assess_household(household, year=2025)

    assert result.category == "deep"
    assert (result.per_capita_monthly, result.threshold_deep, result.threshold_relative) == (
        Decimal("1000.00"), Decimal("1400.00"), Decimal("2800.00"))
    assert result.steps == [
        "认定参数（110108地区2025年，京工发〔2024〕12号，2024年3月1日）：相对困难线为低保标准的2倍；"
        "意外致困线为致困费用占家庭年收入的80.00%；计入的刚性支出：医疗、教育",
        "家庭年可支配收入 ¥44,399.75 − 刚性支出 ¥8,399.75 = ¥36,000.00；÷ 12 ÷ 3人 = ¥1,000.00/人·月",
        "低保标准 ¥1,400.00：¥1,000.00 < ¥1,400.00 → 深度困难",
        "致困费用（扣除赔偿、保险及救助后）¥18,000.00 ÷ 家庭年收入 ¥44,399.75 = 40.54%；"
        "80.00% × ¥44,399.75 = ¥35,519.80：¥18,000.00 ≤ ¥35,519.80 → 不符合意外致困",
        "结论：深度困难",
    ]


@pytest.mark.django_db
def test_point_4_the_household_editor_refuses_bad_amounts_with_the_same_messages(orgs, people):
    household = household_in_hardship(orgs["hd"])
    file = file_in_state(household, HardshipStatus.OPEN)
    head = household.members.get(relation="self")
    member = {"pk": head.pk, "name": head.name, "relation": "self", "resident_id": head.resident_id,
              "birth_date": head.birth_date, "health": head.health, "employment": head.employment,
              "schooling": head.schooling}
    with pytest.raises(ValidationError) as refused:
        update_household(
            file=file, by=people["caseworker"], year=2025, members=[member], region_code="110108",
            incomes=[{"kind": "wages", "amount": "两万"}, {"kind": "business", "amount": "-300"}],
            expenses=[{"kind": "medical", "amount": "-5", "note": ""}, {"kind": "schooling", "amount": "1.234"}],
            hardship_costs=[{"event": "accident", "gross_amount": "100000000.01", "compensation": "0"}])
    assert refused.value.message_dict == {
        "incomes-0-amount": ["收入金额“两万”不是有效的金额，请填写元，最多两位小数，例如 2000.50。"],
        "expenses-0-amount": ["支出金额不能为负数。"],
        "expenses-1-amount": ["支出金额“1.234”不是有效的金额，请填写元，最多两位小数，例如 2000.50。"],
        "hardship_costs-0-gross_amount": ["费用总额不能超过100,000,000元（一亿元），请核对金额。"],
    }
    assert list(household.income_items.values_list("amount", flat=True)) == [Decimal("36000.00")]


@pytest.mark.django_db
@pytest.mark.parametrize("model, typed, message", [
    (IncomeItem, "abc", "输入一个数字。"),
    (IncomeItem, "1.234", "确认小数不超过 2 位."),
    (IncomeItem, "100000000.01", "金额（元）不能超过100,000,000元（一亿元），请核对金额。"),
    (RigidExpense, "-1", "确保该值大于或等于0.00。"),
])
def test_point_4_the_admin_row_forms_refuse_bad_amounts_as_before(orgs, model, typed, message):
    household = household_in_hardship(orgs["hd"])
    form = modelform_factory(model, fields=["household", "year", "kind", "amount"])(
        data={"household": household.pk, "year": "2025", "kind": "medical" if model is RigidExpense else "wages",
              "amount": typed})
    assert not form.is_valid()
    assert form.errors["amount"] == [message]


@pytest.mark.django_db
def test_point_4_a_loss_is_taken_as_income_but_a_negative_expense_is_refused(orgs):
    household = household_in_hardship(orgs["hd"])
    loss = IncomeItem(household=household, year=2025, kind="business", amount=Decimal("-500.00"))
    loss.full_clean()
    with pytest.raises(ValidationError) as refused:
        HardshipCostItem(household=household, year=2025, event="accident", gross_amount=Decimal("10.00"),
                         compensation=Decimal("-0.01")).full_clean()
    assert list(refused.value.message_dict) == ["compensation"]


# -- rotation ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_point_4_rotation_re_encrypts_the_amounts(orgs, keys, settings):
    household_with_figures(orgs)
    old = {value.split(":")[1] for table, column in AMOUNT_COLUMNS for (value,) in raw(table, column)}
    settings.FIELD_ENCRYPTION_KEYS = "second-field-key-for-the-at-rest-tests-002,first-field-key-for-the-at-rest-tests-0001"

    call_command("rotate_field_keys", stdout=StringIO())

    new = {value.split(":")[1] for table, column in AMOUNT_COLUMNS for (value,) in raw(table, column)}
    assert len(old) == 1 and len(new) == 1 and new != old
    settings.FIELD_ENCRYPTION_KEYS = "second-field-key-for-the-at-rest-tests-002"
    assert sorted(IncomeItem.objects.filter(year=2025).values_list("amount", flat=True)) == [
        Decimal("-1200.50"), Decimal("9600.25"), Decimal("36000.00")]


# -- migration 0026 ------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_point_4_migration_0026_seals_the_amounts_left_in_clear_and_goes_back(orgs):
    household = household_with_figures(orgs)
    try:
        migrate([("cases", "0025_agent_contacts_encrypted")])
        assert sorted(Decimal(str(value)) for (value,) in raw("cases_incomeitem", "amount")) == [
            Decimal("-1200.50"), Decimal("9600.25"), Decimal("36000.00"), Decimal("99999.99")]
        assert sorted((Decimal(str(g)), Decimal(str(c))) for g, c in raw(
            "cases_historicalhardshipcostitem", "gross_amount, compensation")) == [
            (Decimal("5000.00"), Decimal("8000.00")), (Decimal("30000.00"), Decimal("12000.00"))]

        migrate([("cases", "0026_household_amounts_encrypted")])

        for table, column in AMOUNT_COLUMNS:
            assert all(value.startswith("v1:") for (value,) in raw(table, column)), (table, column)
        assert sorted(household.income_items.values_list("amount", flat=True)) == [
            Decimal("-1200.50"), Decimal("9600.25"), Decimal("36000.00"), Decimal("99999.99")]
        assert sorted(RigidExpense.history.values_list("amount", flat=True)) == [
            Decimal("2399.75"), Decimal("6000.00"), Decimal("50000.00")]
        # The figures the assessment reads, decrypted (assess_household itself also needs the
        # HardshipParameters table, which a later migration creates).
        income = sum(household.income_items.filter(year=2025).values_list("amount", flat=True))
        expenses = sum(expenses_by_kind(household, 2025).values())
        assert ((income - expenses) / 12 / 3, expenses) == (Decimal("1000.00"), Decimal("8399.75"))
    finally:
        call_command("migrate", verbosity=0)  # back to the latest, whatever happened
