"""The hardship registry: households, their members, a year's income, rigid expenses and
hardship costs, and the regional minimum-living-standard table the categories are measured
against. The category itself is computed by `cases.rules.eligibility`."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.bounds import BoundedFields
from cases.models.encrypted import (
    BlindIndexedModel,
    EncryptedCharField,
    EncryptedMoneyField,
    blind_index,
    blind_index_field,
)
from cases.models.history import HistoricalRecords
from cases.models.orgs import Organisation
from cases.models.parties import Worker
from cases.rules import eligibility
from cases.rules.eligibility import ExpenseKind
from cases.rules.validators import validate_resident_id

ZERO = Decimal("0.00")

validate_region_code = RegexValidator(
    r"^[0-9]{6}\Z", _("行政区划代码应为6位数字（GB/T 2260），例如 110108。"),
)
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def household_money(verbose_name, **kwargs):
    """A household's own amount (income, expense, cost): encrypted at rest, so summed in Python."""
    return EncryptedMoneyField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def non_negative_money(verbose_name, **kwargs):
    return household_money(verbose_name, validators=[MinValueValidator(ZERO)], **kwargs)


class HardshipCause(models.TextChoices):
    """What brought the household into hardship (致困原因), as the federation reports aid by it."""

    ILLNESS = "illness", _("因病")
    SCHOOLING = "schooling", _("因学")
    DISABILITY = "disability", _("因残")
    DISASTER = "disaster", _("因灾")
    UNEMPLOYMENT = "unemployment", _("失业或未充分就业")
    OTHER = "other", _("其他")


class Household(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("负责工会组织"), on_delete=models.PROTECT, related_name="households",
    )
    head = models.ForeignKey(Worker, verbose_name=_("户主（职工）"), on_delete=models.PROTECT,
                             related_name="headed_households")
    region_code = models.CharField(_("行政区划代码"), max_length=6, validators=[validate_region_code])
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    # Printed beside the masked name on the publicity notice, so colleagues recognise the person.
    work_unit = models.CharField(_("户主工作单位"), max_length=120, blank=True)
    # Blank only for households registered before the cause was recorded: the reports show them as 未登记.
    cause = models.CharField(_("致困原因"), max_length=16, choices=HardshipCause.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("困难职工家庭")
        verbose_name_plural = _("困难职工家庭")
        ordering = ["pk"]

    def __str__(self):
        return _("%(head)s家庭（%(region)s）") % {"head": self.head.name, "region": self.region_code}


class Relation(models.TextChoices):
    SELF = "self", _("本人")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    OTHER = "other", _("其他")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("慢性病")
    MAJOR_ILLNESS = "major_illness", _("大病")
    DISABLED = "disabled", _("残疾")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("在业")
    UNDER_EMPLOYED = "under_employed", _("不充分就业")
    UNEMPLOYED = "unemployed", _("失业")
    RETIRED = "retired", _("退休")
    NOT_OF_WORKING_AGE = "not_of_working_age", _("非劳动年龄")


class SchoolingStage(models.TextChoices):
    NONE = "none", _("未在学")
    PRESCHOOL = "preschool", _("学前")
    PRIMARY = "primary", _("小学")
    JUNIOR_SECONDARY = "junior_secondary", _("初中")
    SENIOR_SECONDARY = "senior_secondary", _("高中/中职")
    TERTIARY = "tertiary", _("大学/高职")


class HouseholdMemberQuerySet(models.QuerySet):
    def with_resident_id(self, resident_id: str | None):
        index = blind_index("resident_id", resident_id)
        return self.filter(resident_id_index=index) if index else self.none()


class HouseholdMember(BoundedFields, BlindIndexedModel):
    household = models.ForeignKey(Household, verbose_name=_("家庭"), on_delete=models.CASCADE,
                                  related_name="members")
    worker = models.ForeignKey(
        Worker, verbose_name=_("在册职工"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="household_memberships", help_text=_("该成员是已登记的职工时关联。"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    # Encrypted at rest (cases/models/encrypted.py); looked up by resident_id_index.
    resident_id = EncryptedCharField(_("公民身份号码"), max_length=18, blank=True, validators=[validate_resident_id],
                                     blind_index="resident_id_index", purpose="resident_id")
    resident_id_index = blind_index_field(_("公民身份号码索引"), db_index=True)
    birth_date = models.DateField(_("出生日期"))
    health = EncryptedCharField(_("健康状况"), max_length=16, choices=Health.choices, default=Health.HEALTHY)
    employment = models.CharField(_("就业状况"), max_length=24, choices=EmploymentStatus.choices)
    schooling = models.CharField(_("就学阶段"), max_length=24, choices=SchoolingStage.choices,
                                 default=SchoolingStage.NONE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "pk"]

    objects = HouseholdMemberQuerySet.as_manager()

    def __str__(self):
        return f"{self.name}（{self.get_relation_display()}）"


class IncomeKind(models.TextChoices):
    WAGES = "wages", _("工资性收入")
    BUSINESS = "business", _("经营性收入")
    PROPERTY = "property", _("财产性收入")
    TRANSFER = "transfer", _("转移性收入（含养老金、救助金）")
    OTHER = "other", _("其他收入")


class IncomeItem(BoundedFields, models.Model):
    household = models.ForeignKey(Household, verbose_name=_("家庭"), on_delete=models.CASCADE,
                                  related_name="income_items")
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("收入类别"), max_length=16, choices=IncomeKind.choices)
    # Net operating income may be a loss, so no lower bound here.
    amount = household_money(_("金额（元）"), help_text=_("全年金额；经营亏损可填负数。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("家庭收入")
        verbose_name_plural = _("家庭收入")
        ordering = ["household", "-year", "kind", "pk"]

    def __str__(self):
        return f"{self.year}年 {self.get_kind_display()} ¥{self.amount}"


class RigidExpense(BoundedFields, models.Model):
    household = models.ForeignKey(Household, verbose_name=_("家庭"), on_delete=models.CASCADE,
                                  related_name="rigid_expenses")
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("支出类别"), max_length=16, choices=ExpenseKind.choices)
    amount = non_negative_money(_("金额（元）"))
    note = EncryptedCharField(_("说明"), max_length=200, blank=True)  # may describe an illness
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("刚性支出")
        verbose_name_plural = _("刚性支出")
        ordering = ["household", "-year", "kind", "pk"]

    def __str__(self):
        return f"{self.year}年 {self.get_kind_display()}支出 ¥{self.amount}"


class HardshipEvent(models.TextChoices):
    ACCIDENT = "accident", _("意外事故")
    MAJOR_ILLNESS = "major_illness", _("重大疾病")
    SUDDEN_EVENT = "sudden_event", _("突发事件")


class HardshipCostItem(BoundedFields, models.Model):
    """A year's cost of an accident, major illness or sudden event (意外致困), with what
    compensation, insurance and other aid already covered."""

    household = models.ForeignKey(Household, verbose_name=_("家庭"), on_delete=models.CASCADE,
                                  related_name="hardship_costs")
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    event = models.CharField(_("致困事由"), max_length=16, choices=HardshipEvent.choices)
    gross_amount = non_negative_money(_("费用总额（元）"))
    compensation = non_negative_money(_("已获赔偿、保险及救助（元）"), default=ZERO)
    note = EncryptedCharField(_("说明"), max_length=200, blank=True)  # may describe an illness
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("致困费用")
        verbose_name_plural = _("致困费用")
        ordering = ["household", "-year", "pk"]

    def __str__(self):
        return f"{self.year}年 {self.get_event_display()} 净额 ¥{self.net_amount}"

    @property
    def net_amount(self) -> Decimal:
        """What the household bears itself; compensation above the cost leaves nothing, not a gain."""
        return max(self.gross_amount - self.compensation, ZERO)


class MinimumLivingStandard(models.Model):
    """The local 低保 monthly amount per person, by region and year; maintained by admins."""

    region_code = models.CharField(_("行政区划代码"), max_length=6, validators=[validate_region_code])
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    monthly_amount = money_field(_("低保标准（元/人·月）"), validators=[MinValueValidator(Decimal("0.01"))])
    source = models.CharField(_("依据文件"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("最低生活保障标准")
        verbose_name_plural = _("最低生活保障标准")
        ordering = ["region_code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="unique_minimum_living_standard",
                violation_error_message=_("该地区该年度的低保标准已录入。"),
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.year}年 ¥{self.monthly_amount}/人·月"


# -- the assessment of a household, from its rows ------------------------------------------------

def _total(queryset) -> Decimal:
    """The rows' amounts added up in Python: they are encrypted at rest."""
    return sum((row.amount for row in queryset), ZERO)


def expenses_by_kind(household, year: int) -> dict[str, Decimal]:
    """The year's rigid expenses added up per kind (the region's parameters say which count)."""
    totals: dict[str, Decimal] = {}
    for expense in household.rigid_expenses.filter(year=year):
        totals[expense.kind] = totals.get(expense.kind, ZERO) + expense.amount
    return totals


def assess_household(household, *, year: int) -> eligibility.Assessment:
    """Assess `household` for `year` from its rows: members on file are the household size;
    income items of that year are summed, rigid expenses per kind; hardship costs count net of
    compensation; the 低保 amount and the parameters (HardshipParameters) are the ones for
    the household's region and that year."""
    from cases.models.hardship.parameters import parameters_for

    standard = MinimumLivingStandard.objects.filter(region_code=household.region_code, year=year).first()
    if standard is None:
        raise ValidationError(
            _("缺少%(region)s地区%(year)s年的低保标准，请先由管理员录入。")
            % {"region": household.region_code, "year": year},
            code="missing_minimum_living_standard",
        )
    parameters = parameters_for(household.region_code, year)
    size = household.members.count()
    if size == 0:
        raise ValidationError(_("该家庭尚未登记家庭成员，无法计算月人均收入。"), code="no_members")
    hardship_costs = sum(
        (item.net_amount for item in household.hardship_costs.filter(year=year)), Decimal("0.00"),
    )
    return eligibility.assess(
        household_size=size,
        annual_income=_total(household.income_items.filter(year=year)),
        rigid_expenses=expenses_by_kind(household, year),
        hardship_costs=hardship_costs,
        monthly_minimum=standard.monthly_amount,
        rules=parameters.rules(),
    )
