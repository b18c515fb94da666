"""Aid programmes (帮扶项目) federations run beside the identification procedure: 送温暖 (Spring
Festival visits and grants to filed households), 金秋助学 (grants per term for the children of
filed households at school or university), 医疗救助 (after a major illness, against the bills
net of insurance) and 临时救助 (a one-off grant to a household not, or not yet, on file after an
accident).

`AidProgrammeRule` is each programme's amount rule per region and year, kept by admins like the
assessment parameters (HardshipParameters), with the policy document that sets it; an
application stores the values it used (`rule_record`) and its computation (`steps`), so a
later change of the row never alters an application already made.

`AidProgrammeApplication` is one application of any programme, with a light procedure:
applied (eligibility checked and the amount computed by cases.hardship.programmes) → approved
by a reviewer who did not prepare it, and by a second reviewer above the rule's single-approval
limit → paid from the programme's fund line (a Disbursement with its receipt), or refused with
a reason. Every change goes through the transition door.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from cases.models.actors import person
from cases.models.bounds import BoundedFields
from cases.models.fsm import StatusModel
from cases.models.hardship.funds import Fund, money
from cases.models.hardship.household import YEAR_VALIDATORS, Household, HouseholdMember, SchoolingStage, validate_region_code
from cases.models.hardship.states import AidProgramme, may_prepare, may_review
from cases.models.history import HistoricalRecords
from cases.models.orgs import Organisation

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
P = AidProgramme
# The schooling stages 金秋助学 may fund (a rule names the amount for each it funds).
FUNDABLE_STAGES = (SchoolingStage.PRIMARY, SchoolingStage.JUNIOR_SECONDARY, SchoolingStage.SENIOR_SECONDARY,
                   SchoolingStage.TERTIARY)


class AidProgrammeRule(models.Model):
    """One programme's amount rule in one region and year (金额标准), as its policy document sets it."""

    region_code = models.CharField(_("行政区划代码"), max_length=6, validators=[validate_region_code])
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    programme = models.CharField(_("帮扶项目"), max_length=24, choices=AidProgramme.choices)
    standard_amount = money(_("慰问金标准（元/户）"), null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))],
                            help_text=_("送温暖：每户慰问金。"))
    # {"primary": "500.00", "tertiary": "3000.00", ...}: 金秋助学's grant per term by schooling stage.
    schooling_amounts = models.JSONField(_("助学金标准（元/学期）"), default=dict, blank=True,
                                         help_text=_("金秋助学：每学期按就学阶段资助的金额；未填的阶段不予资助。"))
    share_percent = models.DecimalField(
        _("救助比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(HUNDRED)],
        help_text=_("医疗救助：医疗费用扣除医保报销和商业保险赔付、再扣除起付线后，按此比例救助。"),
    )
    deductible = money(_("起付线（元）"), null=True, blank=True, validators=[MinValueValidator(ZERO)],
                       help_text=_("医疗救助：自付费用不超过此数的不予救助。"))
    maximum_amount = money(_("封顶金额（元）"), null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))],
                           help_text=_("医疗救助：每户每年累计上限；临时救助：每次救助上限。"))
    second_approval_above = money(
        _("单人审批限额（元）"), validators=[MinValueValidator(ZERO)],
        help_text=_("核定金额不超过此数的由一名审核人审批；超过的还须另一名审核人复审批。"),
    )
    document_number = models.CharField(_("依据文件文号"), max_length=100, help_text=_("例如 京工发〔2025〕8号。"))
    document_date = models.DateField(_("文件日期"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶项目金额标准")
        verbose_name_plural = _("帮扶项目金额标准")
        ordering = ["region_code", "-year", "programme"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "programme"], name="unique_aid_programme_rule",
                violation_error_message=_("该地区该年度已录入此帮扶项目的金额标准。"),
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.year}年{self.get_programme_display()}（{self.document_number}）"

    def clean(self):
        super().clean()
        required = {
            P.SPRING_FESTIVAL: ["standard_amount"],
            P.MEDICAL_RELIEF: ["share_percent", "deductible", "maximum_amount"],
            P.EMERGENCY: ["maximum_amount"],
        }.get(self.programme, [])
        errors = {name: _("%(programme)s须填写%(field)s。") % {
            "programme": self.get_programme_display(), "field": self._meta.get_field(name).verbose_name}
            for name in required if getattr(self, name) is None}
        if self.programme == P.AUTUMN_SCHOOLING:
            self.schooling_amounts = self._checked_schooling_amounts(errors)
        if errors:
            raise ValidationError(errors)

    def _checked_schooling_amounts(self, errors: dict) -> dict:
        amounts = self.schooling_amounts if isinstance(self.schooling_amounts, dict) else None
        message = _("金秋助学须至少填写一个就学阶段（小学、初中、高中/中职、大学/高职）每学期的资助金额，金额为正数，最多两位小数。")
        if not amounts or any(stage not in FUNDABLE_STAGES for stage in amounts):
            errors["schooling_amounts"] = message
            return self.schooling_amounts
        try:
            values = {stage: Decimal(str(amounts[stage])) for stage in amounts}
        except ArithmeticError:
            errors["schooling_amounts"] = message
            return amounts
        if any(not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")) for value in values.values()):
            errors["schooling_amounts"] = message
            return amounts
        return {stage: f"{values[stage]:.2f}" for stage in FUNDABLE_STAGES if stage in values}  # one order, as text


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("待审批")
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval", _("待复审批")
    APPROVED = "approved", _("已批准")
    PAID = "paid", _("已发放")
    REFUSED = "refused", _("不予批准")


A = ApplicationStatus
# An application that is not refused counts against the programme's once-a-year and cap rules.
LIVE_STATES = (A.APPLIED, A.AWAITING_SECOND_APPROVAL, A.APPROVED, A.PAID)


class SchoolTerm(models.TextChoices):
    SPRING = "spring", _("春季学期")
    AUTUMN = "autumn", _("秋季学期")


class AidProgrammeApplication(BoundedFields, StatusModel):
    """One application to a programme: who for, what the rule gives, who approved, how it was paid."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("负责工会组织"), on_delete=models.PROTECT,
                                     related_name="programme_applications")
    programme = models.CharField(_("帮扶项目"), max_length=24, choices=AidProgramme.choices)
    number = models.CharField(_("申请编号"), max_length=48, unique=True)
    household = models.ForeignKey(Household, verbose_name=_("家庭"), on_delete=models.PROTECT,
                                  related_name="programme_applications")
    # The household's file on file (送温暖, 金秋助学, 医疗救助); none for 临时救助.
    file = models.ForeignKey("cases.HardshipFile", verbose_name=_("困难职工档案"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="programme_applications")
    # The child at school (金秋助学) or the patient (医疗救助); the name stays if the member is removed.
    member = models.ForeignKey(HouseholdMember, verbose_name=_("受助家庭成员"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="programme_applications")
    beneficiary = models.CharField(_("受助人"), max_length=50)
    year = models.PositiveSmallIntegerField(_("项目年度"), validators=YEAR_VALIDATORS)
    term = models.CharField(_("学期"), max_length=8, choices=SchoolTerm.choices, blank=True)
    school = models.CharField(_("就读学校"), max_length=120, blank=True)
    schooling = models.CharField(_("就学阶段"), max_length=24, choices=SchoolingStage.choices, blank=True)
    bills_total = money(_("医疗费用总额（元）"), null=True, blank=True)
    insurance_paid = money(_("医保报销及保险赔付（元）"), null=True, blank=True)
    event_on = models.DateField(_("事故发生日期"), null=True, blank=True)
    requested_amount = money(_("申请金额（元）"), null=True, blank=True)
    reason = models.TextField(_("申请事由"))
    amount = money(_("核定金额（元）"), validators=[MinValueValidator(Decimal("0.01"))])
    steps = models.JSONField(_("核定过程"), default=list)
    rule_record = models.JSONField(_("金额标准"), default=dict)
    fund = models.ForeignKey(Fund, verbose_name=_("资金"), on_delete=models.PROTECT,
                             related_name="programme_applications")
    status = FSMField(_("状态"), max_length=32, choices=ApplicationStatus.choices, default=A.APPLIED, protected=True)
    applied_on = models.DateField(_("申请日期"))
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    first_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    first_approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    first_approval_note = models.TextField(_("审批意见"), blank=True)
    second_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复审批人"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    second_approved_at = models.DateTimeField(_("复审批时间"), null=True, blank=True)
    second_approval_note = models.TextField(_("复审批意见"), blank=True)
    refused_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定不予批准的审核人"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    refusal_reason = models.TextField(_("不予批准理由"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶项目申请")
        verbose_name_plural = _("帮扶项目申请")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "programme", "status"], name="programme_org_kind_status_idx")]

    def __str__(self):
        return f"{self.number} {self.get_programme_display()} {self.beneficiary}（{self.get_status_display()}）"

    def preparers(self) -> set[int]:
        """Who prepared the application (and the file it rests on): none of them approves it."""
        preparers = {self.prepared_by_id} if self.prepared_by_id else set()
        return preparers | (self.file.preparers() if self.file_id else set())

    def second_approval_above(self) -> Decimal:
        """The single-approval limit of the rule the application was computed under."""
        return Decimal(str(self.rule_record["second_approval_above"]))

    def needs_second_approval(self) -> bool:
        return self.amount > self.second_approval_above()

    def _refuse_preparer(self, by) -> None:
        approver = person(by)
        if approver is None:
            raise PermissionDenied(_("帮扶项目申请须由审核人本人审批，系统不能代为审批。"))
        if approver.pk in self.preparers():
            raise PermissionDenied(_("您经办了该申请或其困难职工档案，不能审批（双人审核：经办人与审批人须为不同的人）。"))

    @transition(field=status, source=A.APPLIED, target=RETURN_VALUE(A.APPROVED, A.AWAITING_SECOND_APPROVAL),
                permission=may_review, custom={"label": _("审批同意")})
    def approve(self, *, by, reason="", **data):
        self._refuse_preparer(by)
        self.first_approved_by, self.first_approved_at = person(by), timezone.now()
        self.first_approval_note = reason.strip()
        return A.AWAITING_SECOND_APPROVAL if self.needs_second_approval() else A.APPROVED

    @transition(field=status, source=A.AWAITING_SECOND_APPROVAL, target=A.APPROVED, permission=may_review,
                custom={"label": _("复审批同意")})
    def approve_second(self, *, by, reason="", **data):
        self._refuse_preparer(by)
        if getattr(by, "pk", None) == self.first_approved_by_id:
            raise PermissionDenied(_("复审批须由另一名审核人办理，第一审批人不能再次审批。"))
        self.second_approved_by, self.second_approved_at = person(by), timezone.now()
        self.second_approval_note = reason.strip()

    @transition(field=status, source=[A.APPLIED, A.AWAITING_SECOND_APPROVAL], target=A.REFUSED,
                permission=may_review, custom={"label": _("不予批准"), "reason_required": True})
    def refuse(self, *, by, reason="", **data):
        self._refuse_preparer(by)
        self.refused_by, self.refusal_reason = person(by), reason.strip()

    @transition(field=status, source=A.APPROVED, target=A.PAID, permission=may_prepare,
                custom={"label": _("发放"), "documents": ["programme_receipt"],
                        "performed_by": "programmes.disburse"})
    def disburse(self, *, by, reason="", **payment):
        """The ledger entry and the receipt are written by cases.hardship.programmes (performed_by)."""

    def approved_on(self):
        moment = self.second_approved_at or self.first_approved_at
        return timezone.localdate(moment) if moment else None
