"""Records a hardship file accumulates: publicity objections, yearly reviews, attachments,
and the per-organisation counter behind file numbers."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.bounds import BoundedFields
from cases.models.hardship.states import HardshipStatus
from cases.models.history import HistoricalRecords
from cases.models.orgs import Organisation
from cases.rules.eligibility import Category


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(BoundedFields, models.Model):
    """An objection lodged during publicity (公示异议); each opens a review task."""

    file = models.ForeignKey("cases.HardshipFile", verbose_name=_("档案"), on_delete=models.CASCADE,
                             related_name="objections")
    # The publicity it was lodged in: identification (in_publicity) or exit (exit_publicity).
    stage = models.CharField(_("公示阶段"), max_length=32, choices=HardshipStatus.choices)
    lodged_by = models.CharField(_("异议人"), max_length=50, blank=True, help_text=_("可匿名。"))
    contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    content = models.TextField(_("异议内容"))
    lodged_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    status = models.CharField(_("处理结果"), max_length=12, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    finding = models.TextField(_("核查意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["file", "pk"]

    def __str__(self):
        return f"{self.file_id}#{self.pk} {self.get_status_display()}"


class YearlyReview(BoundedFields, models.Model):
    """A yearly re-verification (动态管理) of an open file; the category may change."""

    file = models.ForeignKey("cases.HardshipFile", verbose_name=_("档案"), on_delete=models.CASCADE,
                             related_name="yearly_reviews")
    year = models.PositiveSmallIntegerField(_("核算年度"))
    reviewed_on = models.DateField(_("复核日期"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("复核人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    previous_category = models.CharField(_("原困难类别"), max_length=16, choices=Category.choices)
    category = models.CharField(_("复核后类别"), max_length=16, choices=Category.choices)
    per_capita_monthly = models.DecimalField(_("月人均可支配收入（元）"), max_digits=12, decimal_places=2)
    steps = models.JSONField(_("计算过程"), default=list)
    # The parameters the review's assessment used (cases.rules.eligibility.Rules.as_record).
    parameters = models.JSONField(_("认定参数"), default=dict, blank=True)
    findings = models.TextField(_("复核情况"))

    class Meta:
        verbose_name = _("年度复核")
        verbose_name_plural = _("年度复核")
        ordering = ["file", "-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.year}年复核：{self.get_previous_category_display()} → {self.get_category_display()}"


class AttachmentKind(models.TextChoices):
    AUTHORISATION = "authorisation", _("信息核对授权书")
    APPLICATION = "application", _("申请材料")
    SENSITIVE_CONSENT = "sensitive_consent", _("敏感个人信息单独同意书")
    EVIDENCE = "evidence", _("收入、支出等证明")
    BILLS = "bills", _("医疗、就学等票据")
    RECEIPT = "receipt", _("领款签收凭证")
    PHOTO = "photo", _("入户照片")
    OTHER = "other", _("其他")


class HardshipAttachment(models.Model):
    file = models.ForeignKey("cases.HardshipFile", verbose_name=_("档案"), on_delete=models.CASCADE,
                             related_name="attachments")
    kind = models.CharField(_("材料类别"), max_length=24, choices=AttachmentKind.choices)
    upload = models.FileField(_("文件"), upload_to="hardship/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    content_type = models.CharField(_("文件类型"), max_length=32, default="application/pdf")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("档案附件")
        verbose_name_plural = _("档案附件")
        ordering = ["file", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.original_name}"


class FileNumberCounter(models.Model):
    """The last hardship file number issued by an organisation in a year; locked to issue the next."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("档案编号计数")
        verbose_name_plural = _("档案编号计数")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_file_counter_per_org_year")]

    def __str__(self):
        return f"{self.organisation.code} {self.year}: {self.last}"

    @classmethod
    def next_file_number(cls, organisation: Organisation) -> str:
        """"<org code>-KN-<year>-<NNNN>": numbered per organisation and year under a row lock."""
        year = timezone.localdate().year
        with transaction.atomic():
            counter, _created = cls.objects.select_for_update().get_or_create(organisation=organisation, year=year)
            counter.last += 1
            counter.save(update_fields=["last"])
        return f"{organisation.code}-KN-{year}-{counter.last:04d}"
