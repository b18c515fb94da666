"""Hardship categories (困难职工类别) with the numbers behind each verdict.

Local federation texts define three categories; the thresholds are configuration per
region and year, kept by admins, never constants here: the 低保 amount
(`MinimumLivingStandard`) and the local parameters (`HardshipParameters`, handed in as `Rules`):

- 深度困难: (household annual disposable income − the rigid expenses the region counts)
  ÷ 12 ÷ household size < the local minimum-living-standard (低保) monthly amount.
- 相对困难: the same figure < the region's multiple (e.g. 2, or 1.5) × the 低保 amount.
- 意外致困: an accident, major illness or sudden event leaves the household in hardship
  after compensation, insurance and other aid; the local rule: the year's hardship costs
  (net of compensation) exceed the region's share (e.g. 80%) of household annual income.

The reviewer is shown `Assessment.steps`, the computation with the actual numbers and the
parameters with their policy document, not just the category. `assess` takes the figures; a
household's own rows are read and handed in by cases.models.hardship.household.assess_household.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.rules.money import yuan  # ¥48,000.00, −¥1,000.00: the steps' amounts (imported from here too)

FEN = Decimal("0.01")
MONTHS = 12

CITATION_DEEP = _("地方总工会困难职工认定办法（深度困难）：家庭年可支配收入扣除刚性支出（%(kinds)s）后，"
                  "月人均低于当地城乡居民最低生活保障标准；标准按地区、年度执行")
CITATION_RELATIVE = _("地方总工会困难职工认定办法（相对困难）：同一月人均收入低于当地最低生活保障标准的%(multiple)s倍")
CITATION_ACCIDENT = _("地方总工会困难职工认定办法（意外致困）：因突发事件、意外事故、大病致使家庭在获得赔偿、"
                      "保险及其他救助后仍陷入困难；本地规则：当年致困费用超过家庭年收入的%(share)s")
CITATION_PARAMETERS = _("认定参数依据：%(document)s")


class ExpenseKind(models.TextChoices):
    """Rigid expenses a household may have; which of them are deducted is each region's parameter."""

    MEDICAL = "medical", _("医疗")
    SCHOOLING = "schooling", _("教育")
    DISABILITY = "disability", _("残疾康复")
    LONG_TERM_CARE = "long_term_care", _("长期护理")
    WORK_COSTS = "work_costs", _("必要就业成本")


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")
    NONE = "none", _("无")


@dataclass(frozen=True)
class Rules:
    """One region's and year's parameters (cases.models.hardship.parameters.HardshipParameters):
    the relative-hardship multiple, the accident-cost share (0.80 for 80%), the rigid expense
    kinds deducted, and the policy document that sets them."""

    region_code: str
    year: int
    relative_multiple: Decimal
    accident_cost_share: Decimal
    counted_expense_kinds: tuple[str, ...]
    document_number: str
    document_date: date | None
    parameters_id: int | None = None

    def as_record(self) -> dict:
        """The values as an assessment stores them (JSON), so a later change of the row never
        alters what an earlier assessment rested on."""
        return {
            "parameters_id": self.parameters_id, "region_code": self.region_code, "year": self.year,
            "relative_multiple": str(self.relative_multiple), "accident_cost_share": str(self.accident_cost_share),
            "counted_expense_kinds": list(self.counted_expense_kinds), "document_number": self.document_number,
            "document_date": self.document_date.isoformat() if self.document_date else None,
        }

    def document(self) -> str:
        """京工发〔2024〕12号，2024年3月1日"""
        if self.document_date is None:
            return self.document_number
        day = self.document_date
        return f"{self.document_number}，{day.year}年{day.month}月{day.day}日"

    def counted_labels(self) -> str:
        return "、".join(kind_label(kind) for kind in self.counted_expense_kinds) or "无"


@dataclass(frozen=True)
class Assessment:
    category: Category
    per_capita_monthly: Decimal
    threshold_deep: Decimal
    threshold_relative: Decimal
    accident_ratio: Decimal | None
    rules: Rules
    rigid_expenses_counted: Decimal
    steps: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)


def _percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(FEN, rounding=ROUND_HALF_UP)}%"


def multiple_text(multiple: Decimal) -> str:
    """2.00 → "2", 1.50 → "1.5"."""
    return f"{Decimal(multiple).normalize():f}"


def kind_label(kind: str) -> str:
    return str(ExpenseKind(kind).label) if kind in ExpenseKind.values else kind


def _parameters_step(rules: Rules) -> str:
    return (f"认定参数（{rules.region_code}地区{rules.year}年，{rules.document()}）：相对困难线为低保标准的"
            f"{multiple_text(rules.relative_multiple)}倍；意外致困线为致困费用占家庭年收入的"
            f"{_percent(rules.accident_cost_share)}；计入的刚性支出：{rules.counted_labels()}")


def _counted(rigid_expenses: Mapping[str, Decimal], rules: Rules) -> tuple[Decimal, list[str]]:
    """The rigid expenses deducted (the kinds the region counts) and a step naming those left out."""
    counted = sum((amount for kind, amount in rigid_expenses.items() if kind in rules.counted_expense_kinds),
                  Decimal("0"))
    left_out = [(kind, amount) for kind, amount in rigid_expenses.items()
                if kind not in rules.counted_expense_kinds and amount]
    if not left_out:
        return counted, []
    named = "、".join(f"{kind_label(kind)} {yuan(amount)}" for kind, amount in left_out)
    return counted, [f"刚性支出中{named} 不在本地区认定参数计入的范围（{rules.counted_labels()}），不予扣除；"
                     f"计入的刚性支出合计 {yuan(counted)}"]


def _in_chinese(compute):
    """The steps and citations are the identification's legal record, stored with the file and
    printed on its documents: written in Chinese (the expense kinds and the category by their
    Chinese names) whatever language the page that asks for them is read in."""
    @functools.wraps(compute)
    def in_chinese(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return compute(*args, **kwargs)
    return in_chinese


@_in_chinese
def assess(
    *,
    household_size: int,
    annual_income: Decimal,
    rigid_expenses: Mapping[str, Decimal],
    hardship_costs: Decimal,
    monthly_minimum: Decimal,
    rules: Rules,
) -> Assessment:
    """The category of one household for one year, with the computation as sentences.

    `rigid_expenses` is the year's total per expense kind; only the kinds `rules` counts are
    deducted (the others are named in `steps`). The first step names the parameters and
    their policy document.

    Precedence: 深度困难 first, then 相对困难, then 意外致困. A household below the 低保
    amount is 深度困难 whatever its hardship costs; one below the multiple (e.g. 2) × 低保 is
    相对困难; one at or above it is still 意外致困 when its net hardship costs exceed the
    share (e.g. 80%) of its annual income (strictly). The accident test is always computed
    and shown in `steps`.

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
    if any(amount < 0 for amount in rigid_expenses.values()) or hardship_costs < 0:
        raise ValidationError(_("刚性支出和致困费用不能为负数。"))

    counted, left_out_steps = _counted(rigid_expenses, rules)
    disposable = annual_income - counted
    per_capita = (disposable / MONTHS / household_size).quantize(FEN, rounding=ROUND_HALF_UP)
    threshold_deep = monthly_minimum.quantize(FEN, rounding=ROUND_HALF_UP)
    multiple = multiple_text(rules.relative_multiple)
    threshold_relative = (rules.relative_multiple * monthly_minimum).quantize(FEN, rounding=ROUND_HALF_UP)
    accident_ratio = None if annual_income == 0 else hardship_costs / annual_income

    steps = [
        _parameters_step(rules),
        *left_out_steps,
        f"家庭年可支配收入 {yuan(annual_income)} − 刚性支出 {yuan(counted)} = {yuan(disposable)}；"
        f"÷ 12 ÷ {household_size}人 = {yuan(per_capita)}/人·月",
    ]
    is_deep = per_capita < threshold_deep
    is_relative = per_capita < threshold_relative
    if is_deep:
        steps.append(f"低保标准 {yuan(threshold_deep)}：{yuan(per_capita)} < {yuan(threshold_deep)} → 深度困难")
    else:
        steps.append(f"低保标准 {yuan(threshold_deep)}：{yuan(per_capita)} ≥ {yuan(threshold_deep)} → 不属深度困难")
        if is_relative:
            steps.append(f"{multiple} × 低保标准 = {yuan(threshold_relative)}：{yuan(per_capita)} < "
                         f"{yuan(threshold_relative)} → 相对困难")
        else:
            steps.append(f"{multiple} × 低保标准 = {yuan(threshold_relative)}：{yuan(per_capita)} ≥ "
                         f"{yuan(threshold_relative)} → 不属相对困难")

    if accident_ratio is None:
        is_accident = False
        steps.append(f"致困费用（扣除赔偿、保险及救助后）{yuan(hardship_costs)}；家庭年收入为 ¥0.00，"
                     f"无法计算占比 → 不适用意外致困")
    else:
        limit = rules.accident_cost_share * annual_income
        is_accident = annual_income > 0 and hardship_costs > limit
        relation = ">" if is_accident else "≤"
        verdict = "符合意外致困" if is_accident else "不符合意外致困"
        steps.append(
            f"致困费用（扣除赔偿、保险及救助后）{yuan(hardship_costs)} ÷ 家庭年收入 {yuan(annual_income)} = "
            f"{_percent(accident_ratio)}；{_percent(rules.accident_cost_share)} × {yuan(annual_income)} = {yuan(limit)}："
            f"{yuan(hardship_costs)} {relation} {yuan(limit)} → {verdict}"
        )

    category = (Category.DEEP if is_deep else Category.RELATIVE if is_relative
                else Category.ACCIDENT if is_accident else Category.NONE)
    citations = _citations(category, rules)
    if category in (Category.DEEP, Category.RELATIVE) and is_accident:
        steps.append(f"按“深度困难、相对困难、意外致困”的先后顺序，认定为{category.label}")
    steps.append(f"结论：{category.label}")
    return Assessment(
        category=category,
        per_capita_monthly=per_capita,
        threshold_deep=threshold_deep,
        threshold_relative=threshold_relative,
        accident_ratio=accident_ratio,
        rules=rules,
        rigid_expenses_counted=counted,
        steps=steps,
        citations=citations,
    )


def _citations(category: Category, rules: Rules) -> list[str]:
    """The rule behind the verdict (all three for 无), then the parameters' policy document."""
    texts = {
        Category.DEEP: CITATION_DEEP % {"kinds": rules.counted_labels()},
        Category.RELATIVE: CITATION_RELATIVE % {"multiple": multiple_text(rules.relative_multiple)},
        Category.ACCIDENT: CITATION_ACCIDENT % {"share": _percent(rules.accident_cost_share)},
    }
    chosen = list(texts.values()) if category == Category.NONE else [texts[category]]
    return [*chosen, CITATION_PARAMETERS % {"document": rules.document()}]
