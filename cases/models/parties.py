"""The people and employers a case is about. Workers are shared by disputes and hardship files."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.rules.validators import validate_mobile, validate_resident_id, validate_uscc

from .encrypted import BlindIndexedModel, EncryptedCharField, blind_index, blind_index_field
from .history import HistoricalRecords


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class WorkerQuerySet(models.QuerySet):
    """Exact lookups by the encrypted number and phone go through their blind indexes."""

    def with_resident_id(self, resident_id: str | None):
        index = blind_index("resident_id", resident_id)
        return self.filter(resident_id_index=index) if index else self.none()

    def with_phone(self, phone: str | None):
        index = blind_index("phone", phone)
        return self.filter(phone_index=index) if index else self.none()


class Worker(BlindIndexedModel):
    name = models.CharField(_("姓名"), max_length=50)
    # Nullable: an oral application may come without the number; unique when present (by its
    # blind index: the number itself is encrypted at rest, see cases/models/encrypted.py).
    resident_id = EncryptedCharField(
        _("公民身份号码"), max_length=18, null=True, blank=True, validators=[validate_resident_id],
        blind_index="resident_id_index", purpose="resident_id",
    )
    resident_id_index = blind_index_field(
        _("公民身份号码索引"), null=True, unique=True,
        error_messages={"unique": _("该公民身份号码已登记为其他劳动者，请核对号码或选择已登记的劳动者。")},
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    phone = EncryptedCharField(_("手机号码"), max_length=11, blank=True, validators=[validate_mobile],
                               blind_index="phone_index", purpose="phone")
    phone_index = blind_index_field(_("手机号码索引"), db_index=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳动者")
        verbose_name_plural = _("劳动者")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def validate_unique(self, exclude=None):
        """The number's uniqueness is its index's: checked whenever the number itself is, and
        reported on the number (the index is no form field)."""
        exclude = set(exclude or ())
        if "resident_id" not in exclude:
            exclude.discard("resident_id_index")
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            if "resident_id_index" in errors:
                errors["resident_id"] = errors.pop("resident_id_index")
            raise ValidationError(errors) from None


class Employer(models.Model):
    name = models.CharField(_("用人单位名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True, validators=[validate_uscc],
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)  # a person's phone, often a mobile
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name
