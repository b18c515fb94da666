"""Generated documents: immutable PDFs with their fingerprint and provenance."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import AuditEvent, ImmutableError
from .history import HistoricalRecords
from .orgs import Organisation


def document_upload_to(document, filename):
    return f"documents/{document.created_at:%Y/%m}/{document.sha256[:2]}/{filename}"


class Document(models.Model):
    kind = models.CharField(_("文书种类"), max_length=64, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="documents",
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    transition_event = models.ForeignKey(
        AuditEvent, verbose_name=_("产生它的变更"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="documents",
    )
    # Distinguishes several documents of one kind from one transition (one per party, say).
    variant = models.CharField(_("份别"), max_length=64, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self", verbose_name=_("更正的文书"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="superseded_by",
    )
    file = models.FileField(_("文件"), upload_to=document_upload_to, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    pages = models.PositiveSmallIntegerField(_("页数"))
    template_name = models.CharField(_("模板"), max_length=200)
    template_version = models.CharField(_("模板版本"), max_length=64)
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["created_at", "pk"]
        constraints = [
            # A retried task finds the document it already made instead of making another.
            models.UniqueConstraint(
                fields=["transition_event", "kind", "variant", "version"],
                name="one_document_per_transition_kind_variant_version",
                violation_error_message=_("这次变更的该份文书已经生成。"),
            ),
        ]

    def __str__(self):
        return f"{self.title}（v{self.version}）"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("文书生成后不可修改；更正请生成新版本。")
        super().save(*args, **kwargs)
