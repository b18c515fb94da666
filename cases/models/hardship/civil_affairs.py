"""Civil-affairs data exchange (民政部门数据对接): the records received, each import, and the
links found between those records and the people on file.

Imports are idempotent: a record is keyed by its valid resident ID, or else by name, birth
date and region (`record_key`), and importing the same row again changes nothing.
Linking is done by `cases.hardship.identification` with `cases.rules.linkage`; a link in the
review band waits for a caseworker (疑似困难 queue); a confirmed link becomes a candidate
hardship file.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.bounds import BoundedFields
from cases.models.encrypted import BlindIndexedModel, EncryptedCharField, blind_index, blind_index_field
from cases.models.orgs import Organisation
from cases.models.parties import Worker
from cases.rules.linkage import is_valid_resident_id
from cases.rules.validators import normalise_resident_id


class CivilAffairsImport(models.Model):
    """One run of `import_civil_affairs`: what file, who, and what became of its rows."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("接收组织"), on_delete=models.PROTECT, related_name="civil_affairs_imports",
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    purpose = models.CharField(_("数据使用目的"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_created = models.PositiveIntegerField(_("新增"), default=0)
    rows_updated = models.PositiveIntegerField(_("更新"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rows_rejected = models.PositiveIntegerField(_("错误行"), default=0)
    # [{"line": 7, "reason": "身份证号校验码错误"}, ...]
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    applied = models.BooleanField(_("已应用"), default=True)

    class Meta:
        verbose_name = _("民政数据导入")
        verbose_name_plural = _("民政数据导入")
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return f"{self.file_name}（{self.imported_at:%Y-%m-%d %H:%M}）"


def plain_record_key(*, name: str, id_number: str, birth_date, region: str, id_valid: bool | None = None) -> str:
    """The normalised valid resident ID, else name|birth date|region (the ID may be mistyped)."""
    if id_valid is None:
        id_valid = bool(id_number) and is_valid_resident_id(id_number)
    if id_valid:
        return normalise_resident_id(id_number)
    return f"{''.join(name.split())}|{birth_date.isoformat() if birth_date else ''}|{region}"


class CivilAffairsRecord(BoundedFields, BlindIndexedModel):
    """One person as the civil-affairs department reports them (低保、特困、低边 and the like)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("接收组织"), on_delete=models.PROTECT, related_name="civil_affairs_records",
    )
    # The blind index (HMAC) of the valid resident ID, or of "name|birth date|region" when the ID
    # is missing or invalid: `CivilAffairsRecord.key_for`; never the number in clear.
    record_key = models.CharField(_("记录键"), max_length=120)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号"), max_length=32, blank=True,
                                   blind_index="id_number_index", purpose="resident_id")
    id_number_index = blind_index_field(_("身份证号索引"), db_index=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    region = models.CharField(_("区域"), max_length=6, blank=True)
    category = models.CharField(_("救助类别"), max_length=40)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"), null=True, blank=True)
    monthly_amount = models.DecimalField(
        _("月保障金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    since = models.DateField(_("起始日期"), null=True, blank=True)
    first_import = models.ForeignKey(
        CivilAffairsImport, verbose_name=_("首次导入"), on_delete=models.PROTECT, related_name="records",
    )
    linked_at = models.DateTimeField(_("最近比对时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("民政救助记录")
        verbose_name_plural = _("民政救助记录")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "record_key"], name="one_civil_record_per_key"),
        ]

    def __str__(self):
        return f"{self.name}（{self.category}）"

    @staticmethod
    def key_for(*, name: str, id_number: str, birth_date, region: str, id_valid: bool | None = None) -> str:
        """The stored record key: the blind index of `plain_record_key`."""
        return blind_index("civil_record_key", plain_record_key(
            name=name, id_number=id_number, birth_date=birth_date, region=region, id_valid=id_valid))


class LinkDecision(models.TextChoices):
    MATCH = "match", _("匹配")
    REVIEW = "review", _("待人工确认")


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已排除")


class LinkCandidate(models.Model):
    """A civil-affairs record linked to a worker on file: matched outright above the
    threshold, or waiting in the 疑似困难 queue for a caseworker to confirm or reject."""

    civil_record = models.ForeignKey(
        CivilAffairsRecord, verbose_name=_("民政记录"), on_delete=models.CASCADE, related_name="links",
    )
    # The person on file: a worker, or a member of a household on file (then `worker` is the
    # member's own worker record when they have one, else the household's head).
    worker = models.ForeignKey(Worker, verbose_name=_("职工"), on_delete=models.PROTECT, related_name="civil_links")
    member = models.ForeignKey(
        "cases.HouseholdMember", verbose_name=_("家庭成员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="civil_links",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="civil_links",
    )
    score = models.DecimalField(_("匹配分"), max_digits=5, decimal_places=4)
    decision = models.CharField(_("比对结论"), max_length=8, choices=LinkDecision.choices)
    reasons = models.JSONField(_("比对依据"), default=list)
    status = models.CharField(_("状态"), max_length=12, choices=LinkStatus.choices, default=LinkStatus.PENDING)
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decision_note = models.CharField(_("确认说明"), max_length=300, blank=True)
    hardship_file = models.ForeignKey(
        "cases.HardshipFile", verbose_name=_("困难职工档案"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="civil_links",
    )

    class Meta:
        verbose_name = _("民政比对结果")
        verbose_name_plural = _("民政比对结果")
        ordering = ["status", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["civil_record", "worker"], condition=models.Q(member__isnull=True),
                                    name="one_link_per_record_and_worker"),
            models.UniqueConstraint(fields=["civil_record", "member"], condition=models.Q(member__isnull=False),
                                    name="one_link_per_record_and_member"),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="civil_link_org_status_idx")]

    def __str__(self):
        return f"{self.civil_record.name} ↔ {self.worker.name}（{self.score}）"
