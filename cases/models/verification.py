"""One-time SMS codes of the public pages (/public/): a worker confirms the mobile number an
online application gives, or that a case has on file before its progress is shown.

A code is kept only as a keyed hash (HMAC-SHA256 under SECRET_KEY with a random salt), expires
after a few minutes and takes a few attempts only (cases/platform/phone_codes.py). The phone is
encrypted at rest with a blind index, so the throttle counts the codes sent to one number
without reading it; the sender's address is kept only as a keyed hash, for the same purpose.
A progress lookup whose case number and identity number matched nothing is kept too (no case,
no phone): it counts against the address, and its code never confirms. A hardship application's
progress lookup is the same, its code naming the hardship file it opens.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.encrypted import BlindIndexedModel, EncryptedCharField, blind_index, blind_index_field
from cases.rules.masking import mask_contact


class CodePurpose(models.TextChoices):
    DISPUTE_APPLICATION = "dispute_application", _("在线申请调解")
    HARDSHIP_APPLICATION = "hardship_application", _("困难职工帮扶申请")
    PROGRESS = "progress", _("案件进度查询")
    HARDSHIP_PROGRESS = "hardship_progress", _("帮扶申请进度查询")


class PhoneCodeQuerySet(models.QuerySet):
    def to_phone(self, phone: str | None):
        index = blind_index("phone", phone)
        return self.filter(phone_index=index) if index else self.none()


class PhoneCode(BlindIndexedModel):
    purpose = models.CharField(_("用途"), max_length=32, choices=CodePurpose.choices)
    phone = EncryptedCharField(_("手机号码"), max_length=20, blank=True, blind_index="phone_index", purpose="phone")
    phone_index = blind_index_field(_("手机号码索引"), db_index=True)
    # HMAC of the sender's network address: the per-address throttle, without keeping the address.
    client_index = models.CharField(_("来源地址索引"), max_length=64, db_index=True)
    # A progress lookup: the case and the party ("worker", "employer") the code opens; none when
    # the case number and identity number matched nothing.
    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    party = models.CharField(_("当事人"), max_length=16, blank=True)
    # A hardship application's progress lookup: the file the code opens; none when nothing matched.
    hardship_file = models.ForeignKey("cases.HardshipFile", verbose_name=_("困难职工档案"), null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="+")
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    confirmed_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    # When an application was submitted under this confirmation: one application per code.
    spent_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    objects = PhoneCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_purpose_display()} · {mask_contact(self.phone) if self.phone else '—'}"
