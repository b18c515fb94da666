"""Messages and their delivery: the in-app Notification, the Delivery log per recipient and
channel, what the recording SMS backend sent, staff preferences and party opt-outs.

Phones and emails are encrypted at rest (issue 17, point 4; cases/models/encrypted.py): a
delivery's and an opt-out's address, the SMS record's phone, a staff member's mobile. Exact
lookups go through their blind indexes (`to_address()`, `for_address()`, `to_phone()`)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.encrypted import CONTACT, BlindIndexedModel, EncryptedCharField, blind_index, blind_index_field
from cases.rules.masking import mask_contact
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


class AddressQuerySet(models.QuerySet):
    def to_address(self, address: str | None):
        """The rows for this phone or email, however it was spaced or cased."""
        index = blind_index(CONTACT, address)
        return self.filter(address_index=index) if index else self.none()


def address_key(address: str) -> str:
    """What a party's delivery key holds of its address: the blind index, never the address."""
    return blind_index(CONTACT, address)


class Delivery(BlindIndexedModel):
    """The delivery log: one row per (message, recipient, channel), whatever became of it.

    A recipient is a user (staff) or a party's recorded address (a worker's or employer's
    phone or email, with the name it was addressed to). The in-app message itself stays the
    Notification row this delivery links to. A party's key ends with the address's blind index
    (`address_key`), which `rotate_field_keys` rewrites with the index (KEYED_BY_INDEX)."""

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
    address = EncryptedCharField(_("地址"), max_length=254, blank=True, help_text=_("手机号码或电子邮箱；站内消息为空"),
                                 blind_index="address_index", purpose=CONTACT)
    address_index = blind_index_field(_("地址索引"), db_index=True)
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

    objects = AddressQuerySet.as_manager()
    KEYED_BY_INDEX = {"idempotency_key": "address_index"}

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        constraints = [
            models.CheckConstraint(
                # The index is "" exactly when the address is blank (the address is ciphertext).
                condition=models.Q(recipient_user__isnull=False) | ~models.Q(address_index=""),
                name="delivery_has_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.recipient_name or mask_contact(self.address)} · {self.title}"


class SmsRecordQuerySet(models.QuerySet):
    def to_phone(self, phone: str | None):
        index = blind_index("phone", phone)
        return self.filter(phone_index=index) if index else self.none()


class SmsRecord(BlindIndexedModel):
    """What the recording SMS backend would have sent: one row per delivery key, so a
    resend of the same delivery is recognised and not recorded twice."""

    idempotency_key = models.CharField(max_length=255, unique=True)
    phone = EncryptedCharField(_("手机号码"), max_length=20, blind_index="phone_index", purpose="phone")
    phone_index = blind_index_field(_("手机号码索引"), db_index=True)
    text = models.TextField(_("短信内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = SmsRecordQuerySet.as_manager()
    # A party's delivery key, ending with its address's index: the phone's (notifications/services.py).
    KEYED_BY_INDEX = {"idempotency_key": "phone_index"}

    class Meta:
        verbose_name = _("短信记录")
        verbose_name_plural = _("短信记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{mask_contact(self.phone)} · {self.text[:20]}"


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
    number = EncryptedCharField(_("手机号码"), max_length=11, validators=[validate_mobile])
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作人员手机号码")
        verbose_name_plural = _("工作人员手机号码")

    def __str__(self):
        return f"{self.user} · {mask_contact(self.number)}"


class ContactOptOutQuerySet(AddressQuerySet):
    def for_address(self, address: str | None, channel: str):
        return self.to_address(address).filter(channel=channel)


class ContactOptOut(BlindIndexedModel):
    """A party's address that asked for no more messages on a channel (e.g. replied 退订 to an
    SMS). Legal notices still go to it; everything else to it is suppressed. One per address
    and channel, by the address's blind index: "+86 138…" and "138…" are the same phone."""

    address = EncryptedCharField(_("地址"), max_length=254, blind_index="address_index", purpose=CONTACT)
    address_index = blind_index_field(_("地址索引"))
    channel = models.CharField(
        _("渠道"), max_length=16, choices=[(c.value, c.label) for c in (Channel.EMAIL, Channel.SMS)],
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ContactOptOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("退订")
        verbose_name_plural = _("退订")
        constraints = [models.UniqueConstraint(
            fields=["address_index", "channel"], name="contact_opt_out_unique",
            violation_error_message=_("该地址已在此渠道退订。"),
        )]

    def __str__(self):
        return f"{mask_contact(self.address)} · {self.channel}"

    def validate_constraints(self, exclude=None):
        """Uniqueness is the index's: checked whenever the address is, and reported on it."""
        exclude = set(exclude or ())
        if "address" not in exclude:
            exclude.discard("address_index")
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError({"address": error.messages}) from None
