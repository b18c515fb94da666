"""Builders for the aid programme tests: the region's rules for a year, a fund line per programme,
a household on file with a child at university, and (for the reports) an application put
straight into a state with its payment."""

from datetime import date
from decimal import Decimal

from cases.models import (
    AidProgramme,
    AidProgrammeApplication,
    AidProgrammeRule,
    ApplicationStatus,
    Disbursement,
    EmploymentStatus,
    FundEntry,
    HouseholdMember,
    Relation,
    SchoolingStage,
)
from cases.models.hardship.funds import EntryKind, Fund
from cases.models.hardship.states import PROGRAMME_AID_TYPES
from tests.hardship_fixtures import REGION, file_in_state, household_in_hardship

P = AidProgramme
DOCUMENT = "京工发〔2026〕8号"
# The rules the tests compute by hand: 送温暖 ¥1,000 a household; 金秋助学 per term ¥500 (primary) to
# ¥3,000 (university); 医疗救助 50% of the bills net of insurance above ¥2,000, at most ¥20,000 a year;
# 临时救助 at most ¥5,000; one reviewer up to ¥2,000 (送温暖, 金秋助学), ¥5,000 (医疗救助), ¥3,000 (临时救助).
RULES = {
    P.SPRING_FESTIVAL: {"standard_amount": Decimal("1000.00"), "second_approval_above": Decimal("2000.00")},
    P.AUTUMN_SCHOOLING: {"schooling_amounts": {"primary": "500.00", "junior_secondary": "800.00",
                                               "senior_secondary": "1500.00", "tertiary": "3000.00"},
                         "second_approval_above": Decimal("2000.00")},
    P.MEDICAL_RELIEF: {"share_percent": Decimal("50.00"), "deductible": Decimal("2000.00"),
                       "maximum_amount": Decimal("20000.00"), "second_approval_above": Decimal("5000.00")},
    P.EMERGENCY: {"maximum_amount": Decimal("5000.00"), "second_approval_above": Decimal("3000.00")},
}


def programme_rules(year: int, region: str = REGION, **overrides) -> dict[str, AidProgrammeRule]:
    """Every programme's rule in `region` for `year` (RULES, with `overrides` per programme)."""
    rules = {}
    for programme, values in RULES.items():
        rule = AidProgrammeRule(region_code=region, year=year, programme=programme, document_number=DOCUMENT,
                                document_date=date(2026, 1, 10), **{**values, **overrides.get(programme, {})})
        rule.full_clean()
        rule.save()
        rules[programme] = rule
    return rules


def programme_fund(organisation, programme: str, *, year: int, budget: Decimal = Decimal("50000.00")) -> Fund:
    fund = Fund.objects.create(organisation=organisation, year=year, aid_type=PROGRAMME_AID_TYPES[programme],
                               programme=programme, name=f"{organisation.name}{year}年{P(programme).label}专项资金")
    if budget:
        FundEntry.objects.create(fund=fund, kind=EntryKind.ALLOCATION, amount=budget, note="年度预算")
    return fund


def programme_funds(organisation, *, year: int, budget: Decimal = Decimal("50000.00")) -> dict[str, Fund]:
    return {programme: programme_fund(organisation, programme, year=year, budget=budget) for programme in P.values}


def student(household, name="王小明", stage=SchoolingStage.TERTIARY) -> HouseholdMember:
    return HouseholdMember.objects.create(household=household, name=name, relation=Relation.CHILD,
                                          birth_date=date(2006, 9, 1), employment=EmploymentStatus.NOT_OF_WORKING_AGE,
                                          schooling=stage)


def family_on_file(organisation, *, prepared_by=None, name="王建国", resident_id="110108197501010017", cause="",
                   number=None):
    """A household on file (深度困难) with a child at university; returns (file, the child)."""
    household = household_in_hardship(organisation, name=name, resident_id=resident_id)
    if cause:
        household.cause = cause
        household.save(update_fields=["cause"])
    extra = {"number": number} if number else {}
    file = file_in_state(household, prepared_by=prepared_by, **extra)
    return file, student(household, name=f"{name[0]}小明")


def paid_application(*, programme, household, fund, amount, paid_on, number, file=None,
                     status=ApplicationStatus.PAID):
    """An application created straight in `status` (the protected status may be set on creation only),
    with its payment when paid: the reports' fixtures, whose figures the tests write by hand."""
    amount = Decimal(amount)
    paid = status == ApplicationStatus.PAID
    application = AidProgrammeApplication.objects.create(
        organisation=fund.organisation if file is None else file.organisation, programme=programme, number=number,
        household=household, file=file, beneficiary=household.head.name, year=paid_on.year, reason="报表测试",
        amount=amount, steps=["报表测试"], rule_record={"second_approval_above": "5000.00"}, fund=fund,
        applied_on=paid_on, status=status,
    )
    if paid:
        entry = FundEntry.objects.create(fund=fund, kind=EntryKind.DISBURSEMENT, amount=-amount, note="项目发放")
        Disbursement.objects.create(application=application, entry=entry, amount=amount, paid_on=paid_on,
                                    recipient=household.head.name, receipt_number=f"LK-{number}")
    return application
