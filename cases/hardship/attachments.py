"""Attachments of a hardship file (档案附件): the household's signed authorisation and separate
consent, bills, receipts and other evidence, as scans.

A scan is kept only when its content is a PDF, a JPEG or a PNG (its first bytes, never its
name) within settings.UPLOAD_MAX_BYTES (20 MiB by default), under a safe name, with its
SHA-256, size and content type. Keeping one and every download are journalled, so the file's
timeline shows who added and who took away each paper of the household.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import AuditAction, HardshipAttachment, Role
from cases.models.access import can_act
from cases.platform.audit.journal import append_event
from cases.platform.uploads import SCANS, safe_filename, validate_upload
from cases.rules.scans import SCAN_MAGIC, upload_sha256

CONTENT_TYPES = {kind: content_type for kind, _magic, content_type in SCAN_MAGIC}
ATTACHMENT_KEEPERS = (Role.HARDSHIP_CASEWORKER,)


def may_keep_attachment(user, file) -> bool:
    return can_act(user, file.organisation, ATTACHMENT_KEEPERS)


@transaction.atomic
def keep_attachment(file, upload, kind, *, by) -> HardshipAttachment:
    """Keep a scan for `file` (checked by content and size), journalled as a change of the file's records."""
    if not may_keep_attachment(by, file):
        raise PermissionDenied(_("只有本组织的帮扶工作人员可以上传档案附件。"))
    scan_kind = validate_upload(upload, allowed=SCANS)
    upload.name = safe_filename(upload.name, scan_kind)
    attachment = HardshipAttachment.objects.create(
        file=file, kind=kind, upload=upload, original_name=upload.name[:255], sha256=upload_sha256(upload),
        size=upload.size, content_type=CONTENT_TYPES[scan_kind], uploaded_by=by,
    )
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=attachment, organisation=file.organisation,
                 name="attachment_kept", data=_attachment_data(attachment))
    return attachment


def journal_download(attachment: HardshipAttachment, *, by) -> None:
    """Every download of an attachment leaves an entry (the household's papers are personal information)."""
    append_event(action=AuditAction.EXPORT, actor=by, subject=attachment, organisation=attachment.file.organisation,
                 name="download_attachment", data=_attachment_data(attachment))


def _attachment_data(attachment: HardshipAttachment) -> dict:
    return {"attachment_id": attachment.pk, "file": attachment.file.number or attachment.file_id,
            "kind": attachment.kind, "name": attachment.original_name, "sha256": attachment.sha256,
            "size": attachment.size}
