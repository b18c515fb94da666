"""The people and employers a case is about. Workers are shared by disputes and hardship files."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.rules.validators import validate_mobile, validate_resident_id, validate_uscc

from .history import HistoricalRecords


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Worker(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    # Nullable: an oral application may come without the number; unique when present.
    resident_id = models.CharField(
        _("公民身份号码"), max_length=18, null=True, blank=True, unique=True,
        validators=[validate_resident_id],
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validate_mobile])
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("劳动者")
        verbose_name_plural = _("劳动者")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Employer(models.Model):
    name = models.CharField(_("用人单位名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True, validators=[validate_uscc],
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name
