"""Messages and their delivery: the in-app Notification, the Delivery log per recipient and
channel, what the recording SMS backend sent, staff preferences and party opt-outs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.rules.validators import validate_mobile


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=64, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # (event, recipient, channel): a repeated or redelivered task never notifies twice.
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self):
        return f"{self.recipient} · {self.title}"


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内")
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败")
    RETRYING = "retrying", _("重试中")
    SUPPRESSED = "suppressed", _("未发送（按偏好或退订）")
    DEFERRED = "deferred", _("延后（免打扰时段）")


class Delivery(models.Model):
    """The delivery log: one row per (message, recipient, channel), whatever became of it.

    A recipient is a user (staff) or a party's recorded address (a worker's or employer's
    phone or email, with the name it was addressed to). The in-app message itself stays the
    Notification row this delivery links to."""

    PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING, DeliveryStatus.DEFERRED)

    # (event, recipient, channel): a repeated event or a redelivered task finds this row.
    idempotency_key = models.CharField(max_length=255, unique=True)
    event_key = models.CharField(_("事件"), max_length=200, db_index=True)
    kind = models.CharField(_("类别"), max_length=64)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="notification_deliveries",
    )
    recipient_name = models.CharField(_("收件人姓名"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=254, blank=True, help_text=_("手机号码或电子邮箱；站内消息为空"))
    legal_notice = models.BooleanField(_("法律文书通知"), default=False)
    notification = models.OneToOneField(
        Notification, verbose_name=_("站内消息"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="delivery",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    provider_ref = models.CharField(_("发送方回执"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_user__isnull=False) | ~models.Q(address=""),
                name="delivery_has_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.recipient_name or self.address} · {self.title}"


class SmsRecord(models.Model):
    """What the recording SMS backend would have sent: one row per delivery key, so a
    resend of the same delivery is recognised and not recorded twice."""

    idempotency_key = models.CharField(max_length=255, unique=True)
    phone = models.CharField(_("手机号码"), max_length=20)
    text = models.TextField(_("短信内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("短信记录")
        verbose_name_plural = _("短信记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.phone} · {self.text[:20]}"


# The channels staff may add to in-app, per kind of message.
STAFF_EXTRA_CHANNELS = (Channel.EMAIL, Channel.SMS)


class NotificationPreference(models.Model):
    """A staff member's choice of an extra channel for one kind of message. In-app is always
    on; without a row a channel is off (email and SMS are opt-in)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("类别"), max_length=64)
    channel = models.CharField(_("渠道"), max_length=16, choices=[(c.value, c.label) for c in STAFF_EXTRA_CHANNELS])
    enabled = models.BooleanField(_("接收"), default=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.channel}: {self.enabled}"


class StaffMobile(models.Model):
    """The mobile number a staff member receives SMS notifications at (their own choice, set on
    通知设置); staff email is the account's email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="staff_mobile",
    )
    number = models.CharField(_("手机号码"), max_length=11, validators=[validate_mobile])
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作人员手机号码")
        verbose_name_plural = _("工作人员手机号码")

    def __str__(self):
        return f"{self.user} · {self.number}"


class ContactOptOut(models.Model):
    """A party's address that asked for no more messages on a channel (e.g. replied 退订 to an
    SMS). Legal notices still go to it; everything else to it is suppressed."""

    address = models.CharField(_("地址"), max_length=254)
    channel = models.CharField(
        _("渠道"), max_length=16, choices=[(c.value, c.label) for c in (Channel.EMAIL, Channel.SMS)],
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退订")
        verbose_name_plural = _("退订")
        constraints = [models.UniqueConstraint(fields=["address", "channel"], name="contact_opt_out_unique")]

    def __str__(self):
        return f"{self.address} · {self.channel}"
