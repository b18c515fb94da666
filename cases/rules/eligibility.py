"""Hardship categories (困难职工类别) with the numbers behind each verdict.

Local federation texts define three categories; the thresholds are configuration per
region and year (`MinimumLivingStandard` rows, kept by admins), never constants here:

- 深度困难: (household annual disposable income − rigid expenses) ÷ 12 ÷ household size
  < the local minimum-living-standard (低保) monthly amount.
- 相对困难: the same figure < 2 × the 低保 amount.
- 意外致困: an accident, major illness or sudden event leaves the household in hardship
  after compensation, insurance and other aid; one local rule: the year's hardship costs
  (net of compensation) exceed 80% of household annual income.

The reviewer is shown `Assessment.steps`, the computation with the actual numbers, not
just the category. `assess` takes the figures; a household's own rows are read and handed
in by cases.models.hardship.household.assess_household.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")
MONTHS = 12
RELATIVE_MULTIPLE = 2

# One local rule (not national): hardship costs net of compensation, insurance and aid must
# exceed this share of the household's annual income for 意外致困. Strictly greater.
ACCIDENT_COST_SHARE = Decimal("0.80")

CITATION_DEEP = _("地方总工会困难职工认定办法（深度困难）：家庭年可支配收入扣除医疗、教育等刚性支出后，"
                  "月人均低于当地城乡居民最低生活保障标准；标准按地区、年度执行")
CITATION_RELATIVE = _("地方总工会困难职工认定办法（相对困难）：同一月人均收入低于当地最低生活保障标准的2倍")
CITATION_ACCIDENT = _("地方总工会困难职工认定办法（意外致困）：因突发事件、意外事故、大病致使家庭在获得赔偿、"
                      "保险及其他救助后仍陷入困难；本地规则：当年致困费用超过家庭年收入的80%")


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")
    NONE = "none", _("无")


@dataclass(frozen=True)
class Assessment:
    category: Category
    per_capita_monthly: Decimal
    threshold_deep: Decimal
    threshold_relative: Decimal
    accident_ratio: Decimal | None
    steps: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)


def yuan(amount: Decimal) -> str:
    """¥48,000.00; a negative amount as −¥1,000.00."""
    amount = Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def _percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(FEN, rounding=ROUND_HALF_UP)}%"


def assess(
    *,
    household_size: int,
    annual_income: Decimal,
    rigid_expenses: Decimal,
    hardship_costs: Decimal,
    monthly_minimum: Decimal,
) -> Assessment:
    """The category of one household for one year, with the computation as sentences.

    Precedence: 深度困难 first, then 相对困难, then 意外致困. A household below the 低保
    amount is 深度困难 whatever its hardship costs; one below 2 × 低保 is 相对困难; one at or
    above 2 × 低保 is still 意外致困 when its net hardship costs exceed 80% of its annual
    income (strictly). The accident test is always computed and shown in `steps`.

    "Below" is strict: a per-capita figure equal to a threshold is not below it. The
    comparison uses the per-capita figure rounded half-up to the fen, the figure the
    reviewer sees. Negative disposable income (rigid expenses above income, or losses) is
    allowed and counts as below. With zero income the accident share is undefined
    (`accident_ratio` is None) and the accident test does not apply.
    """
    if household_size < 1:
        raise ValidationError(_("家庭人口至少为1人，无法计算月人均收入。"))
    if monthly_minimum <= 0:
        raise ValidationError(_("低保标准必须大于零。"))
    if rigid_expenses < 0 or hardship_costs < 0:
        raise ValidationError(_("刚性支出和致困费用不能为负数。"))

    disposable = annual_income - rigid_expenses
    per_capita = (disposable / MONTHS / household_size).quantize(FEN, rounding=ROUND_HALF_UP)
    threshold_deep = monthly_minimum.quantize(FEN, rounding=ROUND_HALF_UP)
    threshold_relative = (RELATIVE_MULTIPLE * monthly_minimum).quantize(FEN, rounding=ROUND_HALF_UP)
    accident_ratio = None if annual_income == 0 else hardship_costs / annual_income

    steps = [
        f"家庭年可支配收入 {yuan(annual_income)} − 刚性支出 {yuan(rigid_expenses)} = {yuan(disposable)}；"
        f"÷ 12 ÷ {household_size}人 = {yuan(per_capita)}/人·月",
    ]
    is_deep = per_capita < threshold_deep
    is_relative = per_capita < threshold_relative
    if is_deep:
        steps.append(f"低保标准 {yuan(threshold_deep)}：{yuan(per_capita)} < {yuan(threshold_deep)} → 深度困难")
    else:
        steps.append(f"低保标准 {yuan(threshold_deep)}：{yuan(per_capita)} ≥ {yuan(threshold_deep)} → 不属深度困难")
        if is_relative:
            steps.append(f"2 × 低保标准 = {yuan(threshold_relative)}：{yuan(per_capita)} < {yuan(threshold_relative)}"
                         f" → 相对困难")
        else:
            steps.append(f"2 × 低保标准 = {yuan(threshold_relative)}：{yuan(per_capita)} ≥ {yuan(threshold_relative)}"
                         f" → 不属相对困难")

    if accident_ratio is None:
        is_accident = False
        steps.append(f"致困费用（扣除赔偿、保险及救助后）{yuan(hardship_costs)}；家庭年收入为 ¥0.00，"
                     f"无法计算占比 → 不适用意外致困")
    else:
        limit = ACCIDENT_COST_SHARE * annual_income
        is_accident = annual_income > 0 and hardship_costs > limit
        relation = ">" if is_accident else "≤"
        verdict = "符合意外致困" if is_accident else "不符合意外致困"
        steps.append(
            f"致困费用（扣除赔偿、保险及救助后）{yuan(hardship_costs)} ÷ 家庭年收入 {yuan(annual_income)} = "
            f"{_percent(accident_ratio)}；{_percent(ACCIDENT_COST_SHARE)} × {yuan(annual_income)} = {yuan(limit)}："
            f"{yuan(hardship_costs)} {relation} {yuan(limit)} → {verdict}"
        )

    if is_deep:
        category, citations = Category.DEEP, [str(CITATION_DEEP)]
    elif is_relative:
        category, citations = Category.RELATIVE, [str(CITATION_RELATIVE)]
    elif is_accident:
        category, citations = Category.ACCIDENT, [str(CITATION_ACCIDENT)]
    else:
        category, citations = Category.NONE, [str(CITATION_DEEP), str(CITATION_RELATIVE), str(CITATION_ACCIDENT)]
    if category in (Category.DEEP, Category.RELATIVE) and is_accident:
        steps.append(f"按“深度困难、相对困难、意外致困”的先后顺序，认定为{category.label}")
    steps.append(f"结论：{category.label}")
    return Assessment(
        category=category,
        per_capita_monthly=per_capita,
        threshold_deep=threshold_deep,
        threshold_relative=threshold_relative,
        accident_ratio=accident_ratio,
        steps=steps,
        citations=citations,
    )
