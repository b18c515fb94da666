"""Downloads of kept scans (a signed 送达回证, a power of attorney): the file as it was kept,
to those who read the case, each download journalled with the scan's SHA-256."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from cases.models import AuditAction
from cases.models.dispute.service import ScanKind
from cases.platform.audit.journal import append_event
from cases.rules.scans import SCAN_MAGIC

CONTENT_TYPES = {kind: content_type for kind, _magic, content_type in SCAN_MAGIC}


def kept_scan_response(request, case, *, scan, kind: str, sha256: str, title: str, event: str,
                       record: tuple[str, int]) -> FileResponse:
    """`scan` (a stored FieldFile of `kind`) as an attachment named after the case and `title`;
    `event` names the journal entry and `record` is (its data key, the record's pk)."""
    try:
        handle = scan.open("rb")
    except FileNotFoundError:
        raise Http404(_("%(title)s文件不存在，请联系系统管理员。") % {"title": title}) from None
    record_key, record_pk = record
    append_event(
        action=AuditAction.EXPORT, actor=request.user, subject=case, organisation=case.organisation,
        name=event, data={record_key: record_pk, "case": case.number, "sha256": sha256},
    )
    scan_kind = ScanKind(kind)
    return FileResponse(handle, as_attachment=True, filename=f"{case.number}-{title}-{record_pk}{scan_kind.suffix}",
                        content_type=CONTENT_TYPES[scan_kind.value])
