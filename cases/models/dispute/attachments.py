"""Papers a worker sent with an online application (申请附件): the contract, pay slips, a
dismissal notice, photos of a chat. Each is kept as it came (a PDF, a JPEG or a PNG told by its
content, within the upload limit), under its SHA-256, and never changed or removed: the written
application (网上调解申请书) lists each with its fingerprint.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.audit import ImmutableError
from cases.models.dispute.signed_original import ScanType
from cases.rules.scans import EXTENSIONS


def attachment_upload_to(attachment: "ApplicationAttachment", filename: str) -> str:
    """Stored under its fingerprint: the sender's file name is kept in `original_name` only."""
    return f"applications/{attachment.sha256[:2]}/{attachment.sha256}{EXTENSIONS[attachment.content_type]}"


class ApplicationAttachment(models.Model):
    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.PROTECT,
                             related_name="application_attachments")
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=32, choices=ScanType.choices)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")
        ordering = ["case", "pk"]

    def __str__(self):
        return _("%(name)s（SHA-256 %(sha256)s）") % {"name": self.original_name, "sha256": self.sha256}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("申请附件提交后不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("申请附件随案卷保存，不能删除。")
