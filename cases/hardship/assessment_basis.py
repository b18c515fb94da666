"""What a hardship assessment rests on, and when it may no longer change.

The identification's category is computed at the democratic review from the household's size,
its region (the 低保 standard) and the identification year's income, rigid expenses and
hardship costs. From the democratic review on those figures are frozen: the review voted on
them and the publicity showed them. Until the approval they may be corrected on purpose
(HardshipFile.correct_assessment: recomputed, back to the democratic review, publicised again);
after it they are the file's history. Once the file is open, each yearly review's year is
frozen too; other years stay open for the next review, and so do the members (a review counts
them as they are then).
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from cases.models.hardship.states import ASSESSMENT_FROZEN_STATES, CORRECTABLE_STATES, ON_FILE_STATES

ZERO = Decimal("0.00")


def year_totals(household, year: int) -> dict:
    """The year's income, rigid expenses and hardship costs (net of compensation)."""
    return {
        "incomes": sum((i.amount for i in household.income_items.filter(year=year)), ZERO),
        "rigid_expenses": sum((e.amount for e in household.rigid_expenses.filter(year=year)), ZERO),
        "hardship_costs": sum((c.net_amount for c in household.hardship_costs.filter(year=year)), ZERO),
    }


def assessed_years(file) -> list[int]:
    """The years whose figures an assessment of `file` rests on now."""
    if file.status in ASSESSMENT_FROZEN_STATES:
        return [file.year]
    if file.status in ON_FILE_STATES:
        return sorted({file.year, *file.yearly_reviews.values_list("year", flat=True)})
    return []


def assessment_basis(file) -> dict:
    """The frozen figures of `file` as they stand: compare it before and after a change."""
    household = file.household
    basis = {"years": {str(year): year_totals(household, year) for year in assessed_years(file)}}
    if file.status in ASSESSMENT_FROZEN_STATES:
        basis.update(household_size=household.members.count(), region_code=household.region_code)
    return basis


def may_correct(file) -> bool:
    return file.status in CORRECTABLE_STATES


def frozen_refusal(file) -> str:
    """Why a change of the frozen figures of `file` is refused, naming the step it is at."""
    status = file.get_status_display()
    if may_correct(file):
        return _("档案当前处于“%(status)s”阶段：自民主评议起，认定所依据的%(year)s年家庭收支、家庭人口和所在地区已冻结，"
                 "不能直接修改。确需更正的，请填写更正理由后选择“更正并退回民主评议”：将重新计算困难类别，"
                 "档案退回民主评议并重新公示。") % {"status": status, "year": file.year}
    if file.status in ASSESSMENT_FROZEN_STATES:
        return _("档案当前处于“%(status)s”阶段：认定所依据的%(year)s年家庭收支、家庭人口和所在地区已经审批，"
                 "不能再修改。") % {"status": status, "year": file.year}
    years = "、".join(str(year) for year in assessed_years(file))
    return _("档案当前处于“%(status)s”阶段：%(years)s年度的家庭收支是认定或年度复核的依据，已冻结，不能修改；"
             "家庭情况有变化的，请录入新年度的收支，在年度复核时重新计算。") % {"status": status, "years": years}
