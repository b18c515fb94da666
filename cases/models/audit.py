"""The append-only, hash-chained audit journal.

Each event stores the sha256 of its own canonical serialisation, which includes the hash
of the event before it; `AuditChainHead` (one row) holds the last sequence number and hash,
so removing the newest events is detected as well as altering or inserting any.
The ORM refuses to update or delete events; see cases/platform/audit/journal.py for appending.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .orgs import Organisation


class AuditAction(models.TextChoices):
    TRANSITION = "transition", _("状态变更")
    DOCUMENT_ISSUED = "document_issued", _("生成文书")
    APPROVAL = "approval", _("审批")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    SENSITIVE_VIEW = "sensitive_view", _("查看敏感信息")
    DEADLINE = "deadline", _("时限变化")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    RECORD_CHANGED = "record_changed", _("资料变更")
    VERIFY = "verify", _("校验审计链")


class ImmutableError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("审计日志只能追加，不能修改。")

    def delete(self):
        raise ImmutableError("审计日志只能追加，不能删除。")

    def for_subject(self, subject):
        return self.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_constraint=False,
    )
    actor_label = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("动作"), max_length=32, choices=AuditAction.choices, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_constraint=False,
    )
    name = models.CharField(_("事项"), max_length=64, blank=True)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx"),
            models.Index(fields=["organisation", "occurred_at"], name="audit_org_time_idx"),
        ]
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.seq} {self.get_action_display()} {self.name} {self.actor_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("审计日志只能追加，不能删除。")


class AuditChainHead(models.Model):
    """The single row every append locks: serialises appends and anchors the newest hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.last_seq} {self.last_hash[:12]}"
