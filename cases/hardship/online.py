"""困难职工帮扶申请 made on the public pages: the household, its incomes and the signed
authorisation for data checks, landing in the hardship intake.

The household is checked and registered by the caseworkers' own intake
(cases/hardship/intake.py: the head by resident ID, the members, the year's incomes, rigid
expenses and hardship costs, one open file per household), as the public channel (the system
actor below), with the confirmed mobile number as the head's phone. The file then waits in the
federation's 登记申请 queue like one a caseworker registered, carrying the worker's own reason
and the day of the application for the caseworker to confirm; the authorisation (信息核对授权书)
is kept as the file's attachment, told by its content, with its SHA-256. One application per
confirmed code. The union's app sends the same application through the API
(api/system/applications.py), the number confirmed by the app.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.hardship.intake import check_household_application, register_household_application
from cases.models import AttachmentKind, AuditAction, HardshipAttachment, HardshipFile, Organisation, PhoneCode
from cases.models.actors import system
from cases.models.hardship.states import IdentificationSource
from cases.platform.audit.journal import append_event
from cases.platform.phone_codes import spend
from cases.platform.uploads import SCANS, safe_filename, validate_upload
from cases.rules.bounds import FACTS_MAX, text_error
from cases.rules.scans import SCAN_MAGIC, upload_sha256

ONLINE_HARDSHIP_ACTOR = system("online_hardship_application")
CONTENT_TYPES = {kind: content_type for kind, _magic, content_type in SCAN_MAGIC}


def hardship_organisations():
    """The federations a household may apply to (those that do hardship work)."""
    return Organisation.objects.active().doing_hardship_work().order_by("path")


def check_online_hardship_application(*, application: dict, reason: str, phone: str) -> dict[str, list[str]]:
    """The intake's errors for `application` (register_household_application's arguments less
    `by` and `source`), the reason's own, keyed like the page's fields."""
    head = {**application["head"], "phone": phone}
    errors = check_household_application(**{**application, "head": head}, source=IdentificationSource.APPLICATION)
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(_("请说明申请帮扶的原因（家庭遇到了什么困难）。"))
    elif message := text_error(reason, label=_("申请理由"), limit=FACTS_MAX):
        errors.setdefault("reason", []).append(message)
    return errors


def _keep_authorisation(file: HardshipFile, upload, *, by) -> HardshipAttachment:
    kind = validate_upload(upload, allowed=SCANS)
    upload.name = safe_filename(upload.name, kind)
    attachment = HardshipAttachment.objects.create(
        file=file, kind=AttachmentKind.AUTHORISATION, upload=upload, original_name=upload.name[:255],
        sha256=upload_sha256(upload), size=upload.size, content_type=CONTENT_TYPES[kind], uploaded_by=None)
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=attachment,
                 organisation=file.organisation, name="attachment_kept",
                 data={"attachment_id": attachment.pk, "file": file.number or file.pk, "kind": attachment.kind,
                       "name": attachment.original_name, "sha256": attachment.sha256, "size": attachment.size})
    return attachment


def apply_for_hardship(*, application: dict, reason: str, confirmation: PhoneCode | None = None, phone: str = "",
                       by=ONLINE_HARDSHIP_ACTOR, authorisation) -> HardshipFile:
    """Register the household's application (see the module docstring). A ValidationError keyed
    like the page's fields when anything is wrong; nothing is written then.

    The head's number is the one `confirmation` confirmed (the public pages: the code is spent
    here), or — from a system client that confirmed it itself (the API) — `phone`, with `by`
    the client's actor."""
    if (confirmation is None) == (not phone):
        raise ValueError("apply_for_hardship needs a phone confirmation or, from a system client, a phone number")
    phone = confirmation.phone if confirmation is not None else phone
    errors = check_online_hardship_application(application=application, reason=reason, phone=phone)
    if authorisation is None:
        errors.setdefault("authorisation", []).append(
            _("请上传全体家庭成员签名的信息核对授权书（拍照或扫描），没有授权无法核对家庭经济状况。"))
    else:
        try:
            validate_upload(authorisation, allowed=SCANS)
        except ValidationError as error:
            errors.setdefault("authorisation", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if confirmation is not None:
            spend(confirmation)
        file = register_household_application(
            **{**application, "head": {**application["head"], "phone": phone}}, by=by,
            source=IdentificationSource.APPLICATION)
        file.applied_on, file.application_reason = timezone.localdate(), reason.strip()
        file.save(update_fields=["applied_on", "application_reason"])
        _keep_authorisation(file, authorisation, by=by)
    return file
