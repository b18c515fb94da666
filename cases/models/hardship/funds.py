"""Aid funds and their ledger; aid plans and the disbursements paid under them.

A fund (organisation, year, aid type) has no balance column: its balance is the sum of its
ledger entries (budget allocations in, disbursements out), so it can never be edited, only
explained. A disbursement needs an approved plan and locks the fund's row while it checks
the balance (cases.hardship.aid), so concurrent payments never overdraw it. Every yuan
paid traces to a plan, the reviewer who approved it and a receipt number.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from cases.models.bounds import BoundedFields
from cases.models.hardship.household import YEAR_VALIDATORS
from cases.models.hardship.states import PROGRAMME_AID_TYPES, AidProgramme, AidType
from cases.models.history import HistoricalRecords
from cases.models.orgs import Organisation

ZERO = Decimal("0.00")
POSITIVE = [MinValueValidator(Decimal("0.01"))]


def money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class Fund(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("组织"), on_delete=models.PROTECT,
                                     related_name="funds")
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    aid_type = models.CharField(_("帮扶类别"), max_length=16, choices=AidType.choices)
    # A programme's fund line (送温暖, 金秋助学, ...): it pays that programme's applications only.
    # Blank: the aid type's fund for personalised aid plans.
    programme = models.CharField(_("帮扶项目"), max_length=24, choices=AidProgramme.choices, blank=True,
                                 help_text=_("帮扶项目的专项资金只用于该项目的申请；不选为帮扶计划使用的资金。"))
    name = models.CharField(_("资金名称"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶资金")
        verbose_name_plural = _("帮扶资金")
        ordering = ["organisation", "-year", "aid_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "aid_type", "programme"], name="one_fund_per_org_year_type_programme",
                violation_error_message=_("该组织该年度已有此类帮扶资金。"),
            ),
        ]

    def __str__(self):
        kind = self.get_programme_display() if self.programme else self.get_aid_type_display()
        return _("%(name)s（%(year)s年%(kind)s）") % {"name": self.name, "year": self.year, "kind": kind}

    def clean(self):
        super().clean()
        if self.programme and self.aid_type != PROGRAMME_AID_TYPES.get(self.programme):
            raise ValidationError({"aid_type": _("%(programme)s专项资金的帮扶类别应为%(aid_type)s。") % {
                "programme": AidProgramme(self.programme).label,
                "aid_type": AidType(PROGRAMME_AID_TYPES[self.programme]).label}})

    def balance(self) -> Decimal:
        return self.entries.aggregate(total=Sum("amount"))["total"] or ZERO

    def budget(self) -> Decimal:
        return self.entries.filter(kind=EntryKind.ALLOCATION).aggregate(total=Sum("amount"))["total"] or ZERO


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("预算拨入")
    DISBURSEMENT = "disbursement", _("帮扶支出")


class FundEntry(BoundedFields, models.Model):
    """One line of a fund's ledger: positive in, negative out. Never changed once written."""

    fund = models.ForeignKey(Fund, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类别"), max_length=16, choices=EntryKind.choices)
    amount = money(_("金额（元）"))
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记账人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    recorded_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金台账")
        verbose_name_plural = _("资金台账")
        ordering = ["fund", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="allocation", amount__gt=0) | models.Q(kind="disbursement", amount__lt=0)),
                name="fund_entry_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ¥{self.amount:,.2f}"


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")


# What a reviewer approved in a plan: fixed once approved (cases.hardship.aid never edits a plan).
APPROVED_TERMS = ("aid_type", "fund", "amount", "instalments", "first_payment_on", "purpose")


class AidPlan(BoundedFields, models.Model):
    """Personalised aid for a file: what, from which fund, how much in all, paid how."""

    file = models.ForeignKey("cases.HardshipFile", verbose_name=_("档案"), on_delete=models.PROTECT,
                             related_name="aid_plans")
    aid_type = models.CharField(_("帮扶类别"), max_length=16, choices=AidType.choices)
    fund = models.ForeignKey(Fund, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="plans")
    amount = money(_("计划金额（元）"), validators=POSITIVE)
    instalments = models.PositiveSmallIntegerField(_("发放次数"), default=1, validators=[MinValueValidator(1)])
    first_payment_on = models.DateField(_("首次发放日期"))
    purpose = models.TextField(_("帮扶内容"))
    status = models.CharField(_("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PROPOSED)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制定人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    prepared_at = models.DateTimeField(_("制定时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶计划")
        verbose_name_plural = _("帮扶计划")
        ordering = ["file", "pk"]

    def __str__(self):
        return _("%(aid_type)s %(amount)s（%(status)s）") % {
            "aid_type": self.get_aid_type_display(), "amount": f"¥{self.amount:,.2f}", "status": self.get_status_display()}

    def paid(self) -> Decimal:
        return self.disbursements.aggregate(total=Sum("amount"))["total"] or ZERO

    def changed_approved_terms(self) -> list[str]:
        """The approved terms this copy would change; [] for a plan not yet approved."""
        if self.pk is None:
            return []
        stored = AidPlan.objects.filter(pk=self.pk, status=PlanStatus.APPROVED).first()
        if stored is None:
            return []
        fields = [self._meta.get_field(name) for name in APPROVED_TERMS]
        return [str(f.verbose_name) for f in fields if getattr(self, f.attname) != getattr(stored, f.attname)]

    def refuse_changed_approved_terms(self) -> None:
        changed = self.changed_approved_terms()
        if changed:
            raise ValidationError(_("帮扶计划已经审批，%(fields)s不能再修改；需要调整的，请另行制定帮扶计划并报审批。")
                                  % {"fields": "、".join(changed)}, code="approved_plan_frozen")

    def clean(self):
        super().clean()
        self.refuse_changed_approved_terms()

    def save(self, *args, **kwargs):
        self.refuse_changed_approved_terms()  # whoever saves it, not only through full_clean
        super().save(*args, **kwargs)


class Disbursement(BoundedFields, models.Model):
    """A payment under an approved plan, or of an approved programme application (送温暖, 金秋助学,
    ...), with its ledger entry and receipt (领款凭证): one or the other, never both."""

    plan = models.ForeignKey(AidPlan, verbose_name=_("帮扶计划"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="disbursements")
    application = models.ForeignKey("cases.AidProgrammeApplication", verbose_name=_("帮扶项目申请"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="disbursements")
    entry = models.OneToOneField(FundEntry, verbose_name=_("台账记录"), on_delete=models.PROTECT,
                                 related_name="disbursement")
    amount = money(_("金额（元）"), validators=POSITIVE)
    paid_on = models.DateField(_("发放日期"))
    recipient = models.CharField(_("领款人"), max_length=50)
    receipt_number = models.CharField(_("凭证编号"), max_length=48, unique=True)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶发放")
        verbose_name_plural = _("帮扶发放")
        ordering = ["plan", "pk"]
        indexes = [models.Index(fields=["paid_on"], name="disbursement_paid_on_idx")]  # the reports
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(plan__isnull=False, application__isnull=True)
                           | models.Q(plan__isnull=True, application__isnull=False)),
                name="disbursement_of_a_plan_or_an_application",
            ),
        ]

    def __str__(self):
        return f"{self.receipt_number} ¥{self.amount:,.2f}"
