"""Builders for hardship tests: a household in hardship, a file put straight into a state
(for tests of a later step; lifecycle tests walk the door instead), a fund with a budget."""

from datetime import date
from decimal import Decimal

from cases.models import (
    EmploymentStatus,
    FundEntry,
    HardshipFile,
    HardshipParameters,
    HardshipStatus,
    Household,
    HouseholdMember,
    IncomeItem,
    IncomeKind,
    MinimumLivingStandard,
    Relation,
    Worker,
)
from cases.models.hardship.funds import EntryKind, Fund
from cases.models.hardship.states import IdentificationSource

REGION = "110108"  # 海淀区
STANDARD_2025 = Decimal("1400.00")  # 北京 2025 低保, yuan per person per month


def minimum_living_standard(year=2025, amount=STANDARD_2025, region=REGION):
    """The region's 低保 amount for `year`, and its assessment parameters (hardship_parameters)."""
    hardship_parameters(year=year, region=region)
    return MinimumLivingStandard.objects.get_or_create(
        region_code=region, year=year, defaults={"monthly_amount": amount, "source": "京民社救发〔2025〕"},
    )[0]


def hardship_parameters(year=2025, region=REGION, *, multiple=Decimal("2.00"), percent=Decimal("80.00"),
                        kinds=("medical", "schooling"), document="京工发〔2024〕12号", issued=date(2024, 3, 1)):
    """The region's assessment parameters for `year` (kept if already there): by default 2 × 低保,
    80% and medical and education expenses, under 京工发〔2024〕12号 of 1 March 2024."""
    return HardshipParameters.objects.get_or_create(
        region_code=region, year=year,
        defaults={"relative_multiple": multiple, "accident_cost_percent": percent,
                  "counted_expense_kinds": list(kinds), "document_number": document, "document_date": issued},
    )[0]


def household_in_hardship(organisation, *, name="王建国", resident_id="110108197501010017", year=2025,
                          annual_income=Decimal("36000.00"), size=3, region=REGION):
    """A household of `size` with `annual_income` in `year`: 36,000 ÷ 12 ÷ 3 = 1,000/人·月,
    below the 1,400 低保 amount → 深度困难 by default."""
    minimum_living_standard(year=year, region=region)
    worker = Worker.objects.create(name=name, resident_id=resident_id, birth_date=date(1975, 1, 1))
    household = Household.objects.create(organisation=organisation, head=worker, region_code=region,
                                         address="海淀区中关村南大街5号")
    HouseholdMember.objects.create(household=household, worker=worker, name=name, relation=Relation.SELF,
                                   resident_id=resident_id, birth_date=date(1975, 1, 1),
                                   employment=EmploymentStatus.UNDER_EMPLOYED)
    for index in range(size - 1):
        HouseholdMember.objects.create(household=household, name=f"{name[0]}家属{index + 1}", relation=Relation.CHILD,
                                       birth_date=date(2010 + index, 5, 1),
                                       employment=EmploymentStatus.NOT_OF_WORKING_AGE)
    IncomeItem.objects.create(household=household, year=year, kind=IncomeKind.WAGES, amount=annual_income)
    return household


def file_in_state(household, status=HardshipStatus.OPEN, *, prepared_by=None, year=2025, **fields):
    """A file created directly in `status` (the protected status may be set on creation only)."""
    defaults = {
        "organisation": household.organisation, "household": household, "source": IdentificationSource.APPLICATION,
        "year": year, "prepared_by": prepared_by, "category": "deep", "proposed_aid_amount": Decimal("3000.00"),
    }
    if status == HardshipStatus.OPEN:
        defaults.update(number=f"{household.organisation.code}-KN-2026-{household.pk:04d}", opened_on=date(2026, 1, 5))
    defaults.update(fields)
    return HardshipFile.objects.create(status=status, **defaults)


def fund_with_budget(organisation, *, aid_type="living", year=2026, budget=Decimal("100000.00"), by=None):
    fund = Fund.objects.create(organisation=organisation, year=year, aid_type=aid_type,
                               name=f"{organisation.name}{year}年帮扶资金")
    FundEntry.objects.create(fund=fund, kind=EntryKind.ALLOCATION, amount=budget, note="年度预算", recorded_by=by)
    return fund


def second_visitor(organisation, username="hd_visitor2"):
    """The other caseworker of a home visit (home visits are made by two staff)."""
    from django.contrib.auth import get_user_model

    from cases.models import Membership, Role

    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": "钱同行"})
    if created:
        user.set_password("pw-" + username)
        user.save()
        Membership.objects.create(user=user, organisation=organisation, role=Role.HARDSHIP_CASEWORKER)
    return user
