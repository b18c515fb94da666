"""What the API keeps of its system clients: each client (an OAuth2 application of the
client-credentials grant) with its organisation subtree and scopes; the applications each sent;
and the civil-affairs batches each pushed, with what became of every record in them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from cases.models import CivilAffairsImport, CivilAffairsRecord, DisputeCase, HardshipFile, Organisation

# scope → what it allows (the OpenAPI document and the token endpoint name them the same way).
SCOPES = {
    "applications:write": _("提交劳动者的在线调解申请和困难职工帮扶申请（工会App）"),
    "applications:read": _("查询本客户端提交的申请的办理进度"),
    "civil_affairs:write": _("推送民政部门救助人员数据批次"),
    "civil_affairs:read": _("查询已推送批次中每条记录的导入和比对结果"),
    "statistics:read": _("读取本组织范围的劳动争议和困难职工帮扶统计数据（数据看板）"),
}


def validate_scopes(value: str) -> None:
    unknown = [scope for scope in value.split() if scope not in SCOPES]
    if unknown:
        raise ValidationError(_("未知的权限范围：%(scopes)s。可用的有：%(known)s。")
                              % {"scopes": "、".join(unknown), "known": "、".join(SCOPES)})
    if not value.split():
        raise ValidationError(_("请至少授予一项权限范围。"))


class SystemClient(models.Model):
    """Another system calling the API for an organisation's subtree, within its scopes.

    Its OAuth2 application holds the client id and the hashed secret; a deactivated client gets
    no token, and the tokens it had stop working at once. Registration and deactivation are
    journalled (api/system/clients.py)."""

    application = models.OneToOneField(oauth2_settings.APPLICATION_MODEL, verbose_name=_("OAuth2应用"),
                                       on_delete=models.PROTECT, related_name="system_client")
    name = models.CharField(_("名称"), max_length=100)
    organisation = models.ForeignKey(Organisation, verbose_name=_("所属组织"), on_delete=models.PROTECT,
                                     related_name="+", help_text=_("客户端只能读写本组织及其下级组织的数据。"))
    scopes = models.CharField(_("权限范围"), max_length=200, validators=[validate_scopes],
                              help_text=_("以空格分隔，如“applications:write applications:read”。"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("系统客户端")
        verbose_name_plural = _("系统客户端")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.organisation.code}）"

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split())

    @property
    def principal(self) -> str:
        return f"client:{self.pk}"


class SubmittedApplication(models.Model):
    """An application a client sent: the dispute case or the hardship file it registered. A
    client reads the progress of its own applications only."""

    client = models.ForeignKey(SystemClient, verbose_name=_("系统客户端"), on_delete=models.PROTECT,
                               related_name="applications")
    case = models.OneToOneField(DisputeCase, verbose_name=_("劳动争议案件"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    file = models.OneToOneField(HardshipFile, verbose_name=_("困难职工档案"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("系统客户端提交的申请")
        verbose_name_plural = _("系统客户端提交的申请")
        constraints = [
            models.CheckConstraint(condition=models.Q(case__isnull=True) ^ models.Q(file__isnull=True),
                                   name="submitted_application_is_a_case_or_a_file"),
        ]

    def __str__(self):
        return f"{self.client}: {self.case or self.file}"


class CivilAffairsBatch(models.Model):
    """A batch of civil-affairs records a client pushed, under the client's own batch id.

    The batch id binds its content (`content_sha256`) and its first answer: the same batch sent
    again gets that answer, the same id with other content is refused. While the first is being
    imported the answer is empty, and a repeat is told to wait."""

    client = models.ForeignKey(SystemClient, verbose_name=_("系统客户端"), on_delete=models.PROTECT,
                               related_name="civil_affairs_batches")
    batch_id = models.CharField(_("批次编号"), max_length=100)
    content_sha256 = models.CharField(_("内容SHA-256"), max_length=64)
    organisation = models.ForeignKey(Organisation, verbose_name=_("接收组织"), on_delete=models.PROTECT,
                                     related_name="+")
    run = models.OneToOneField(CivilAffairsImport, verbose_name=_("民政数据导入"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="api_batch")
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("民政数据批次")
        verbose_name_plural = _("民政数据批次")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "batch_id"], name="one_civil_batch_per_client_and_id"),
        ]

    def __str__(self):
        return f"{self.batch_id}（{self.client}）"


class RowResult(models.TextChoices):
    CREATED = "created", _("新增")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("未变")
    REJECTED = "rejected", _("有误，未导入")
    NOT_IMPORTED = "not_imported", _("整批未导入")


class CivilAffairsBatchRecord(models.Model):
    """One record of a batch: where it stood in the batch, the department's reference, what the
    import did with it and the record it became (none when it was refused)."""

    batch = models.ForeignKey(CivilAffairsBatch, verbose_name=_("批次"), on_delete=models.CASCADE,
                              related_name="rows")
    position = models.PositiveIntegerField(_("序号"))
    ref = models.CharField(_("民政编号"), max_length=64, blank=True)
    result = models.CharField(_("导入结果"), max_length=12, choices=RowResult.choices)
    reason = models.TextField(_("错误说明"), blank=True)
    record = models.ForeignKey(CivilAffairsRecord, verbose_name=_("民政救助记录"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("民政数据批次记录")
        verbose_name_plural = _("民政数据批次记录")
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="one_batch_row_per_position"),
        ]

    def __str__(self):
        return f"{self.batch.batch_id}#{self.position}"
