"""The signed original of a mediation agreement, scanned and kept (签署原件扫描件).

The agreement is signed on paper: the 调解协议书（签署稿） is printed, both parties sign or seal
it, the mediator signs and the organisation seals it (Art.14). The signed paper is scanned
and uploaded; the scan is kept as it came, with its SHA-256, and never changed. A later
upload (a better scan, say) is kept beside the earlier ones; the latest counts.
"""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.audit import ImmutableError
from cases.models.history import HistoricalRecords
from cases.rules.scans import EXTENSIONS, SCAN_HEAD_BYTES, scan_content_type, upload_plain_name, upload_sha256


class ScanType(models.TextChoices):
    PDF = "application/pdf", _("PDF")
    JPEG = "image/jpeg", _("JPEG图像")
    PNG = "image/png", _("PNG图像")


def signed_original_upload_to(original: "SignedOriginal", filename: str) -> str:
    """Stored under its fingerprint: the uploader's file name is kept in `original_name` only."""
    return f"agreements/signed/{original.sha256[:2]}/{original.sha256}{EXTENSIONS[original.content_type]}"


class SignedOriginal(models.Model):
    agreement = models.ForeignKey("cases.Agreement", verbose_name=_("调解协议"), on_delete=models.PROTECT,
                                  related_name="signed_originals")
    file = models.FileField(_("文件"), upload_to=signed_original_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=32, choices=ScanType.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("签署原件扫描件")
        verbose_name_plural = _("签署原件扫描件")
        ordering = ["agreement", "uploaded_at", "pk"]
        get_latest_by = ["uploaded_at", "pk"]

    def __str__(self):
        return _("签署原件扫描件 %(name)s（SHA-256 %(sha256)s）") % {"name": self.original_name, "sha256": self.sha256}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("签署原件扫描件上传后不可修改；如需更换，请重新上传，原文件仍予保留。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("签署原件扫描件归档保存，不能删除。")

    @classmethod
    def keep(cls, *, agreement, upload, by) -> "SignedOriginal":
        """Keep `upload` (a Django File) as the signed original of `agreement`: its type told by
        its content (PDF, JPEG, PNG), its size checked, its SHA-256 computed from its bytes."""
        if upload is None:
            raise ValidationError({"scan": _("请选择签署原件的扫描文件（PDF、JPEG或PNG）。")})
        upload.seek(0)
        head = upload.read(SCAN_HEAD_BYTES)
        upload.seek(0)
        try:
            content_type = scan_content_type(head, upload.size)
        except ValidationError as error:
            raise ValidationError({"scan": error.messages}) from None
        original = cls(agreement=agreement, file=upload, original_name=upload_plain_name(upload),
                       sha256=upload_sha256(upload), size=upload.size, content_type=content_type,
                       uploaded_by=by if getattr(by, "pk", None) else None)
        original.full_clean(exclude=["file"])
        original.save()
        return original


def latest_signed_original(agreement) -> SignedOriginal | None:
    """The scan that counts: the latest uploaded."""
    if agreement is None or agreement.pk is None:
        return None
    return agreement.signed_originals.order_by("-uploaded_at", "-pk").first()
