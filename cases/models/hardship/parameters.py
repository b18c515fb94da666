"""困难职工认定参数: the local rules of the hardship assessment, per region and year, kept by
admins next to the 低保 standard (MinimumLivingStandard) with the policy document that sets
them: the relative-hardship multiple, the accident-cost share and which rigid expenses count.

An assessment stores the values it used (`Rules.as_record()`, on the file or the yearly
review), so changing a row affects only assessments made afterwards.

There is no fallback to another year: like the 低保 amount, the parameters are looked up for the
assessment's exact region and year, and a missing row is a Chinese error naming what to enter.
A silent fallback could apply last year's rules after a city has changed them.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.hardship.household import YEAR_VALIDATORS, validate_region_code
from cases.models.history import HistoricalRecords
from cases.rules.eligibility import ExpenseKind, Rules

HUNDRED = Decimal("100")


class HardshipParameters(models.Model):
    region_code = models.CharField(_("行政区划代码"), max_length=6, validators=[validate_region_code])
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    relative_multiple = models.DecimalField(
        _("相对困难倍数"), max_digits=4, decimal_places=2,
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("10.00"))],
        help_text=_("月人均收入低于低保标准的几倍为相对困难，例如 2 或 1.5。"),
    )
    accident_cost_percent = models.DecimalField(
        _("意外致困费用占比（%）"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(HUNDRED)],
        help_text=_("当年致困费用（扣除赔偿、保险及救助后）超过家庭年收入的这一比例为意外致困，例如 80。"),
    )
    counted_expense_kinds = models.JSONField(
        _("计入的刚性支出"), default=list, blank=True,
        help_text=_("计算可支配收入时扣除的刚性支出类别；未勾选的类别不予扣除。"),
    )
    document_number = models.CharField(_("依据文件文号"), max_length=100,
                                       help_text=_("例如 京工发〔2024〕12号。"))
    # Required when entered; null only on rows the migration created from the former constants.
    document_date = models.DateField(_("文件日期"), null=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("困难职工认定参数")
        verbose_name_plural = _("困难职工认定参数")
        ordering = ["region_code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="unique_hardship_parameters",
                violation_error_message=_("该地区该年度的困难职工认定参数已录入。"),
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.year}年认定参数（{self.document_number}）"

    def clean(self):
        kinds = self.counted_expense_kinds
        if not isinstance(kinds, list) or any(kind not in ExpenseKind.values for kind in kinds):
            raise ValidationError({"counted_expense_kinds": _("计入的刚性支出只能从医疗、教育、残疾康复、长期护理、"
                                                              "必要就业成本中选择。")})
        # One order (the choices'), whatever the order of entry, so the steps read alike.
        self.counted_expense_kinds = [kind for kind in ExpenseKind.values if kind in kinds]

    def rules(self) -> Rules:
        return Rules(
            region_code=self.region_code, year=self.year, relative_multiple=self.relative_multiple,
            accident_cost_share=self.accident_cost_percent / HUNDRED,
            counted_expense_kinds=tuple(self.counted_expense_kinds), document_number=self.document_number,
            document_date=self.document_date, parameters_id=self.pk,
        )


def parameters_for(region_code: str, year: int) -> HardshipParameters:
    """The parameters of `region_code` in `year`; a Chinese ValidationError when not on file."""
    parameters = HardshipParameters.objects.filter(region_code=region_code, year=year).first()
    if parameters is None:
        raise ValidationError(
            _("缺少%(region)s地区%(year)s年的困难职工认定参数（相对困难倍数、意外致困费用占比、计入的刚性支出），"
              "请先由管理员在“困难职工认定参数”中录入。") % {"region": region_code, "year": year},
            code="missing_hardship_parameters",
        )
    return parameters
