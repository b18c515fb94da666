"""Service (送达) of the notices addressed to a party.

- Which notices of a case are to be served, on whom, and their state (`notices_to_serve`): every
  current document of a kind the registry marks as addressed to a party (`addressees`), once
  per addressee, with the service record that counts and the corrections before it.
- Recording a service: the work of the door's transition record_service (its performer
  `service.record`): the notice must be the case's and addressed to that party; a scan of the
  signed 送达回证 is told by its content (cases/platform/uploads.py) and kept with its SHA-256;
  the model checks the rest (date, proof per method, consent to electronic service).
- The clocks that run from the service of a notice (rules.LegalClock.runs_from_service_of)
  start at the service date (`service.start_clocks`, the transition's effect).
- The 送达回证 printed for one notice and addressee (`issue_certificate`).
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.documents.dispute.service import CERTIFICATE, certificate_variant
from cases.documents.registry import addressees_of, get_kind, served_kinds
from cases.models import DisputeCase, Document, ServiceRecord
from cases.models.access import can_act
from cases.models.actors import person
from cases.models.dispute.service import (
    CERTIFICATE_METHODS,
    ElectronicChannel,
    ScanKind,
    ServiceMethod,
    ServiceParty,
    current_service,
    electronic_consent,
    party_name,
)
from cases.models.dispute.states import CASE_HANDLERS, S
from cases.platform import deadlines
from cases.platform.documents import issue_document
from cases.platform.effects import effect
from cases.platform.uploads import SCANS, validate_upload
from cases.rules import deadlines as clocks
from cases.rules.calendar import day_label
from cases.rules.scans import upload_plain_name, upload_sha256
from cases.rules.validators import as_date


@dataclass(frozen=True)
class NoticeService:
    """One notice and one of its addressees: served (its current record) or not yet."""

    document: Document
    party: str
    addressee: str
    record: ServiceRecord | None
    corrected: list[ServiceRecord] = field(default_factory=list)  # earlier records, superseded

    @property
    def served(self) -> bool:
        return self.record is not None

    @property
    def party_label(self) -> str:
        return str(ServiceParty(self.party).label)


def current_notices(documents: list[Document]) -> list[Document]:
    """Of a case's documents (case_documents, in the order made), its notices in their latest version."""
    served = {kind.code for kind in served_kinds()}
    superseded = {document.supersedes_id for document in documents}
    return [document for document in documents if document.kind in served and document.pk not in superseded]


def case_notices(case: DisputeCase) -> QuerySet[Document]:
    """The case's documents addressed to a party, each in its latest version, in the order made."""
    return Document.objects.filter(
        subject_type=ContentType.objects.get_for_model(DisputeCase), subject_id=str(case.pk),
        kind__in=[kind.code for kind in served_kinds()], superseded_by__isnull=True,
    ).order_by("created_at", "pk")


def notices_to_serve(case: DisputeCase, *, documents: list[Document] | None = None) -> list[NoticeService]:
    """Every notice of the case and addressee, with its service state; `documents` are the case's
    (case_documents) when the caller has read them."""
    chains: dict[tuple[int, str], list[ServiceRecord]] = {}
    for record in case.service_records.select_related("recorded_by", "document").order_by("recorded_at", "pk"):
        chains.setdefault((record.document_id, record.party), []).append(record)
    rows = []
    notices = case_notices(case) if documents is None else current_notices(documents)
    for document in notices:
        for party in addressees_of(document.kind, document.variant):
            chain = chains.get((document.pk, party), [])
            superseded = {record.supersedes_id for record in chain}
            current = next((record for record in reversed(chain) if record.pk not in superseded), None)
            rows.append(NoticeService(document=document, party=party, addressee=party_name(case, party),
                                      record=current, corrected=[r for r in chain if r is not current]))
    return rows


def unserved(case: DisputeCase) -> list[NoticeService]:
    return [row for row in notices_to_serve(case) if not row.served]


def check_notice(case: DisputeCase, document, party: str) -> None:
    """`document` is a current notice of `case` addressed to `party`; a ValidationError otherwise."""
    if not isinstance(document, Document) or document.subject_id != str(case.pk) or (
            document.subject_type.model_class() is not DisputeCase):
        raise ValidationError({"document": _("请选择本案的一份文书。")})
    parties = addressees_of(document.kind, document.variant)
    if not parties:
        raise ValidationError({"document": _("《%(title)s》不是送交当事人的文书，无需送达。") % {"title": document.title}})
    if party not in parties:
        raise ValidationError({"party": _("《%(title)s》的受送达人是%(parties)s，不是%(party)s。") % {
            "title": document.title, "parties": "、".join(str(ServiceParty(p).label) for p in parties),
            "party": ServiceParty(party).label if party in ServiceParty.values else party}})
    newer = Document.objects.filter(supersedes=document).first()
    if newer is not None:
        raise ValidationError({"document": _("《%(title)s》已由第%(version)s版更正，请送达最新版本。") % {
            "title": document.title, "version": newer.version}})


def _scan_fields(upload) -> dict:
    """The scan told by its content and kept with its fingerprint."""
    try:
        kind = validate_upload(upload, allowed=SCANS)
    except ValidationError as error:
        raise ValidationError({"scan": error.messages}) from None
    return {"scan": upload, "scan_name": upload_plain_name(upload, ""), "scan_sha256": upload_sha256(upload),
            "scan_size": upload.size,
            "scan_kind": ScanKind(kind).value}


def _consent_for(case, party: str, address: str, served_on):
    """The consent the electronic service relies on: one for this address given by the day of
    service, else the party's latest (the model says what does not fit), else None."""
    channel = ElectronicChannel.EMAIL if "@" in address else ElectronicChannel.SMS
    exact = electronic_consent(case, party, channel=channel, address=address, on=served_on)
    return exact or case.electronic_service_consents.filter(party=party).order_by("-given_on", "-pk").first()


@effect("service.record")
def record_service(case: DisputeCase, *, by, reason: str = "", document=None, party: str = "",
                   service_method: str = "", served_on=None, recipient: str = "", circumstances: str = "",
                   postal_number: str = "", electronic_address: str = "", scan=None, corrects=None,
                   note: str = "", **data) -> ServiceRecord:
    """Performer of record_service: the service of `document` on `party` (a correction of the
    current record when `corrects` names it, with `reason` saying what was wrong)."""
    check_notice(case, document, party)
    current = current_service(document, party)
    if corrects is None and current is not None:
        raise ValidationError({"document": _(
            "《%(title)s》已于%(on)s送达%(party)s；如原记录有误，请登记更正并写明理由。") % {
            "title": document.title, "on": day_label(current.served_on), "party": current.get_party_display()}})
    if corrects is not None and (current is None or corrects.pk != current.pk):
        raise ValidationError({"corrects": _("只能更正该文书对该当事人现行有效的送达记录。")})
    errors = {}
    if service_method not in ServiceMethod.values:
        errors["service_method"] = _("请选择送达方式：直接送达、留置送达、邮寄送达或电子送达。")
    if not (recipient or "").strip():
        errors["recipient"] = _("请填写签收人（受送达人本人或代收人的姓名）；留置送达的，填写拒收的人。")
    try:
        served_on = as_date(served_on, "served_on")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    fields = _scan_fields(scan) if scan else {}
    address = (electronic_address or "").strip() if service_method == ServiceMethod.ELECTRONIC else ""
    record = ServiceRecord(
        case=case, document=document, party=party, method=service_method, served_on=served_on,
        recipient=recipient.strip(),
        circumstances=(circumstances or "").strip() if service_method == ServiceMethod.LEFT else "",
        postal_number=(postal_number or "").strip() if service_method == ServiceMethod.POSTAL else "",
        electronic_address=address,
        electronic_consent=_consent_for(case, party, address, served_on) if address else None,
        supersedes=corrects, correction_reason=reason.strip() if corrects is not None else "",
        note=(note or "").strip(), recorded_by=person(by), **fields,
    )
    record.full_clean()
    record.save()
    return record


def _service_start(rule: clocks.LegalClock, record: ServiceRecord):
    """The day `rule`'s clock runs from, given the service just recorded: the service on the
    party it names, or on the last of the notice's addressees; None while that is not known."""
    document = record.document
    parties = (rule.service_to,) if rule.service_to else addressees_of(document.kind, document.variant)
    if record.party not in parties:
        return None
    served = [current_service(document, party) for party in parties]
    if any(service is None for service in served):
        return None
    return max(service.served_on for service in served)


@effect("service.start_clocks")
def start_clocks(case: DisputeCase, *, by, today=None) -> dict:
    """Effect of record_service: the clocks that run from the service of this notice start on
    the service date (or move there, after a correction). Returns what is journalled with the
    transition: the record, the scan's fingerprint and the clocks started or moved."""
    record = case.service_records.select_related("document").latest("pk")
    started = []
    for rule in clocks.runs_from_service_of(record.document.kind):
        start = _service_start(rule, record)
        if start is None:
            continue
        note = _("自《%(title)s》送达之日（%(on)s）起算") % {"title": record.document.title, "on": day_label(start)}
        change = deadlines.start_from_service(rule=rule, subject=case, organisation=case.organisation,
                                              served_on=start, note=note, assignee=case.deadline_assignee)
        if change:
            started.append(change)
    return {"service_record": record.pk, "document": record.document_id, "party": record.party,
            "served_on": record.served_on.isoformat(), "scan_sha256": record.scan_sha256, "clocks": started}


def may_serve(user, case: DisputeCase) -> bool:
    """Whether `user` may record service and print certificates for `case` (its handlers)."""
    return case.status != S.ARCHIVED and can_act(user, case.organisation, CASE_HANDLERS)


def issue_certificate(*, case: DisputeCase, document: Document, party: str, method: str, by) -> Document:
    """The 送达回证 of `document` for `party` by `method` (直接送达 or 留置送达), made once and
    reused: print it, have it signed at service, then upload its scan with the service record."""
    if not can_act(by, case.organisation, CASE_HANDLERS):
        raise PermissionDenied(_("只有本组织的调解员或调解组长可以制作送达回证。"))
    if case.status == S.ARCHIVED:
        raise ValidationError(_("案件已归档，不能再制作送达回证。"))
    check_notice(case, document, party)
    if method not in CERTIFICATE_METHODS:
        raise ValidationError({"method": _(
            "送达回证用于直接送达和留置送达；邮寄送达以邮件号码为凭，电子送达以送达记录为凭。")})
    variant = certificate_variant(party=party, document=document, method=method)
    existing = Document.objects.filter(
        subject_type=ContentType.objects.get_for_model(DisputeCase), subject_id=str(case.pk), kind=CERTIFICATE,
        variant=variant,
    ).order_by("-version").first()
    if existing is not None:
        return existing
    context = get_kind(CERTIFICATE).build_context(case, None, variant=variant)
    return issue_document(kind=CERTIFICATE, organisation=case.organisation, subject=case, context=context,
                          variant=variant, by=by)


def certificates(case: DisputeCase, *, documents: list[Document] | None = None) -> dict[tuple[int, str], Document]:
    """The certificates printed for the case's notices, by (notice id, party): the latest of each;
    from `documents` (case_documents, in the order made) when the caller has read them."""
    if documents is None:
        printed = Document.objects.filter(
            subject_type=ContentType.objects.get_for_model(DisputeCase), subject_id=str(case.pk),
            kind=CERTIFICATE).order_by("created_at", "pk")
    else:
        printed = [document for document in documents if document.kind == CERTIFICATE]
    found = {}
    for document in printed:
        party, notice_pk, _method = document.variant.split(":")
        found[(int(notice_pk), party)] = document
    return found
