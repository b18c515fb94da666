"""在线申请调解: a worker's application made on the public pages, registered through the same
intake as staff registration.

The application is reviewed by the intake's own checks (cases/disputes/intake_review.py:
identifiers, dates, claims, possible duplicates, the limitation), and the warnings are said
again in plain words for the worker (`plain_warnings`), who confirms them before submitting.
`apply_online` then, in one transaction: marks the confirmed phone code used (one application
per code), registers the case and opens its flow through the starter the caller hands in
(workflows.dispute.flow.open_dispute: the case waits in the organisation's 受理审查 queue) with
channel 网上申请 and the confirmed number as the worker's phone, keeps the attachments (told by
their content, within the upload limit, with their SHA-256), and records the worker's consent
to electronic service by SMS at that number through the door when it was given. The written
application (网上调解申请书) is issued from all of it when the registration commits.

The union's app sends the same application through the API (api/system/applications.py): the
same review and registration, the number confirmed by the app and the client journalled as
the one who registered it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.disputes.intake import RegistrationResult
from cases.disputes.intake_review import ClaimInput, EmployerInput, IntakeReview, WorkerInput, check_application
from cases.models import (
    ApplicationAttachment,
    AuditAction,
    Channel,
    Deadline,
    DisputeCase,
    Organisation,
    OrganisationKind,
    PhoneCode,
)
from cases.models.actors import system
from cases.models.dispute.mediation import ConsentMethod
from cases.models.dispute.service import ElectronicChannel, ServiceParty
from cases.platform.audit.journal import append_event
from cases.platform.phone_codes import spend
from cases.platform.transitions import apply
from cases.platform.uploads import SCANS, safe_filename, validate_upload
from cases.rules.calendar import day_label
from cases.rules.scans import SCAN_MAGIC, upload_plain_name, upload_sha256

# Who registers an online application: the public channel itself, journalled under this name.
ONLINE_ACTOR = system("online_application")
ACCEPTANCE_CLOCK = "dispute.acceptance"
CONTENT_TYPES = {kind: content_type for kind, _magic, content_type in SCAN_MAGIC}
# Where a worker may apply: the organisations that mediate (street centres, enterprise committees).
MEDIATING_KINDS = (OrganisationKind.STREET_CENTRE, OrganisationKind.ENTERPRISE_COMMITTEE)


@dataclass(frozen=True)
class OnlineApplication:
    organisation: Organisation
    worker: WorkerInput
    employer: EmployerInput
    claims: list[ClaimInput] = field(default_factory=list)
    facts: str = ""
    employment_start: date | None = None
    employment_end: date | None = None
    infringement_known_on: date | None = None

    def dates(self) -> dict:
        return {"employment_start": self.employment_start, "employment_end": self.employment_end,
                "infringement_known_on": self.infringement_known_on}


def mediating_organisations():
    """The organisations a worker may apply to online, in the federation tree's order."""
    return Organisation.objects.active().filter(kind__in=MEDIATING_KINDS).order_by("path")


def review_application(application: OnlineApplication, *, phone: str, by=ONLINE_ACTOR) -> IntakeReview:
    """What the intake would say of the application, received today, with `phone` as the worker's."""
    worker = replace(application.worker, phone=phone)
    return check_application(organisation=application.organisation, worker=worker, employer=application.employer,
                             claims=application.claims, received_on=timezone.localdate(),
                             by=by, **application.dates())


def plain_warnings(review: IntakeReview) -> list[str]:
    """The intake's warnings as a worker reads them: no other case's number or organisation."""
    said = []
    for warning in review.warnings:
        if warning.code == "time_barred" and review.limitation and review.limitation.limitation_date:
            said.append(_("按您填写的日期计算，您的请求可能已超过一年的仲裁时效（%(date)s届满）。是否超过时效由劳动人事争议"
                          "仲裁委员会认定；调解组织仍会审查您的调解申请，但请尽快维权。")
                        % {"date": day_label(review.limitation.limitation_date)})
        elif warning.code == "possible_duplicate":
            said.append(_("您对同一用人单位已有调解申请正在办理，或在近一年内办结。如果是同一件事，请不要重复申请，"
                          "可以在“案件进度查询”中查看进度；如果是另一件事，可以继续提交。"))
        else:
            said.append(warning.message)
    return said


def checked_uploads(uploads) -> list:
    """Each attachment told by its content (PDF, JPEG, PNG) within the upload limit, under a safe name."""
    checked = []
    for upload in uploads:
        kind = validate_upload(upload, allowed=SCANS)
        upload.name = safe_filename(upload.name, kind)
        checked.append((upload, kind))
    return checked


def _keep(case: DisputeCase, upload, kind: str) -> ApplicationAttachment:
    attachment = ApplicationAttachment(
        case=case, file=upload, original_name=upload_plain_name(upload), sha256=upload_sha256(upload),
        size=upload.size, content_type=CONTENT_TYPES[kind])
    attachment.full_clean(exclude=["file"])
    attachment.save()
    return attachment


def _record_consent(case: DisputeCase, phone: str, *, by, note: str) -> None:
    apply(case, "record_electronic_consent", by=by, data={
        "party": ServiceParty.WORKER, "channel": ElectronicChannel.SMS, "address": phone,
        "consent_method": ConsentMethod.ELECTRONIC, "given_on": timezone.localdate(), "given_by": case.worker.name,
        "note": note or _("网上申请时勾选同意电子送达；手机号码经短信验证码确认。")})


def apply_online(*, application: OnlineApplication, confirmation: PhoneCode | None = None, phone: str = "",
                 by=ONLINE_ACTOR, consent_note: str = "", attachments=(), electronic_service: bool,
                 acknowledge_warnings: bool, opener: Callable[..., RegistrationResult]) -> RegistrationResult:
    """Register the application (see the module docstring); ValidationError, keyed as the intake
    keys it, when anything is wrong: nothing is written then.

    The worker's number is the one `confirmation` confirmed (the public pages: the code is
    spent here), or — from a system client that confirmed it itself (the API) — `phone`, with
    `by` the client's actor and `consent_note` saying how the consent was given."""
    if (confirmation is None) == (not phone):
        raise ValueError("apply_online needs a phone confirmation or, from a system client, a phone number")
    uploads = checked_uploads(attachments)
    phone = confirmation.phone if confirmation is not None else phone
    now = timezone.now()
    with transaction.atomic():
        if confirmation is not None:
            spend(confirmation)
        result = opener(
            organisation=application.organisation, by=by, channel=Channel.ONLINE,
            received_on=timezone.localdate(now), received_at=now, facts=application.facts,
            worker=replace(application.worker, phone=phone), employer=application.employer,
            claims=application.claims, acknowledge_warnings=acknowledge_warnings, **application.dates())
        case = result.case
        kept = [_keep(case, upload, kind) for upload, kind in uploads]
        if kept:
            append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=case,
                         organisation=case.organisation, name="application_attachments",
                         data={"attachments": [{"id": a.pk, "name": a.original_name, "sha256": a.sha256,
                                                "size": a.size} for a in kept]})
        if electronic_service:
            _record_consent(case, phone, by=by, note=consent_note)
    return result


def decision_due(case: DisputeCase) -> date | None:
    """The day by which the organisation decides whether to accept (the acceptance clock)."""
    deadline = Deadline.objects.for_subject(case).filter(clock=ACCEPTANCE_CLOCK).order_by("-pk").first()
    return deadline.due_on if deadline is not None else None

