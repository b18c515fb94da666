"""Registering a labour dispute, after the review in intake_review.py.

Parties, as `register_dispute` records them:
- a worker is found by resident ID when one is given, otherwise a new worker is created;
- an employer is found by USCC when one is given, otherwise by exact name among employers
  without a USCC, otherwise created;
- a found party's blank fields (phone, address, …) are filled from the application; a field
  already holding a different value is kept as it is, and the audit event lists its name under
  "kept" so the difference can be looked into. Nothing stored is overwritten.

The received date: see intake_review.py. A late entry (补录, more than 30 days after receipt) is
registered by a mediation lead with a reason; the audit event's "late_entry" records the reason and
who confirmed it. Possible duplicates (cases not finished, or ended within the last 12 months) are
linked to the new case through `related_cases` once the user has acknowledged the warning.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.disputes.intake_review import (
    CENT,
    ClaimInput,
    EmployerInput,
    Errors,
    IntakeReview,
    IntakeWarning,
    WorkerInput,
    add_error,
    as_decimal,
    check_application,
    employer_values,
    normalised_employer,
    normalised_worker,
    readable_organisation_ids,
    worker_values,
)
from cases.documents.registry import get_kind
from cases.models import (
    AuditAction,
    AuditEvent,
    CaseNumberCounter,
    Channel,
    DisputeCase,
    DisputeClaim,
    DisputeStatus,
    Employer,
    Organisation,
    Worker,
)
from cases.models.access import require_can_act
from cases.models.actors import is_system
from cases.models.dispute.case import CASE_HANDLERS
from cases.models.dispute.representation import PartySide
from cases.models.dispute.states import LIVE_CHANNELS
from cases.models.encrypted import blind_index
from cases.platform import deadlines
from cases.platform.audit.journal import append_event
from cases.rules.bounds import FACTS_MAX, text_error
from cases.rules.deadlines import CREATED
from cases.rules.limitation import LimitationResult
from cases.rules.validators import parse_resident_id
from cases.tasks.documents import issue_document_task

ORAL_APPLICATION_RECORD = "oral_application_record"
# A telephone application is made orally too: Art.12's on-the-spot record applies to both.
ORAL_CHANNELS = (Channel.ORAL, Channel.PHONE)
# The written application a worker made on the public pages (/public/), kept as its PDF.
ONLINE_APPLICATION = "online_application"
# The document each channel's application is kept as, issued when the registration commits.
APPLICATION_RECORDS = {**dict.fromkeys(ORAL_CHANNELS, ORAL_APPLICATION_RECORD), Channel.ONLINE: ONLINE_APPLICATION}


@dataclass(frozen=True)
class RegistrationResult:
    case: DisputeCase
    review: IntakeReview
    event: AuditEvent | None = None


def _registration_errors(channel: str, facts: str, received_on: date, received_at: datetime | None,
                         applicant_side: str) -> Errors:
    errors: Errors = {}
    if channel not in LIVE_CHANNELS:
        add_error(errors, "channel", _("未知的申请方式“%(value)s”。") % {"value": channel})
    if applicant_side not in PartySide.values:
        add_error(errors, "applicant_side", _("请选择申请人是劳动者还是用人单位。"))
    if not facts.strip():
        add_error(errors, "facts", _("请填写争议事实与理由。"))
    elif message := text_error(facts.strip(), label=_("争议事实与理由"), limit=FACTS_MAX):
        add_error(errors, "facts", message)
    if received_at is None:
        if received_on != timezone.localdate():
            add_error(errors, "received_at", _("补录此前收到的申请时，请填写收到申请的时间。"))
    elif received_at > timezone.now():
        add_error(errors, "received_at", _("收到申请时间不能晚于现在。"))
    elif timezone.localdate(received_at) != received_on:
        add_error(errors, "received_at", _("收到申请时间应在收到申请日期当天。"))
    return errors


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)  # in the current time zone, Asia/Shanghai
    return moment


def _unacknowledged(warnings: list[IntakeWarning]) -> ValidationError:
    return ValidationError(
        _("请确认以下提示后再登记：%(warnings)s"), code="warnings_unacknowledged",
        params={"warnings": "；".join(warning.message for warning in warnings)},
    )


def _fill_blanks(instance: models.Model, values: dict) -> dict:
    """Fill the instance's blank fields from `values`; report which were filled and which differ."""
    filled, kept = [], []
    for name, value in values.items():
        current = getattr(instance, name)
        if value in ("", None) or current == value:
            continue
        if current in ("", None):
            setattr(instance, name, value)
            filled.append(name)
        else:
            kept.append(name)
    if filled:
        instance.full_clean()
        instance.save(update_fields=filled)
    return {"pk": instance.pk, "created": False, "filled": filled, "kept": kept}


def _create(model: type[models.Model], values: dict, unique_lookup: dict | None) -> tuple[models.Model, dict]:
    """Create a party; if someone registered the same identifier a moment ago, use theirs."""
    instance = model(**values)
    instance.full_clean(validate_unique=False)  # the identifier was just looked up; a race is caught below
    if unique_lookup is None:  # nothing to race for: no savepoint to fall back to
        instance.save()
        return instance, {"pk": instance.pk, "created": True, "filled": [], "kept": []}
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        found = model._default_manager.select_for_update().get(**unique_lookup)
        return found, _fill_blanks(found, values)
    return instance, {"pk": instance.pk, "created": True, "filled": [], "kept": []}


def _save_worker(worker: WorkerInput) -> tuple[Worker, dict]:
    values = worker_values(worker)
    if not worker.resident_id:
        return _create(Worker, values, None)
    info = parse_resident_id(worker.resident_id)
    values.update(birth_date=info.birth_date, sex=info.sex)
    lookup = {"resident_id_index": blind_index("resident_id", worker.resident_id)}  # encrypted at rest
    found = Worker.objects.select_for_update().filter(**lookup).first()
    if found is not None:
        return found, _fill_blanks(found, values)
    return _create(Worker, values, lookup)


def _save_employer(employer: EmployerInput) -> tuple[Employer, dict]:
    values = employer_values(employer)
    lookup = {"uscc": employer.uscc} if employer.uscc else {"uscc__isnull": True, "name": employer.name}
    found = Employer.objects.select_for_update().filter(**lookup).order_by("pk").first()
    if found is not None:
        return found, _fill_blanks(found, values)
    return _create(Employer, values, lookup if employer.uscc else None)


def case_number(organisation: Organisation, year: int, sequence: int) -> str:
    return f"{organisation.code}-{year}-{sequence:04d}"


def _next_sequence(organisation: Organisation, year: int) -> int:
    """The organisation's next sequence number for the year, under a row lock held to commit:
    one upsert, the counter created at 1 or moved on by one (PostgreSQL and SQLite alike)."""
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (organisation_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [organisation.pk, year])
        return cursor.fetchone()[0]


def _save_claim(case: DisputeCase, claim: ClaimInput) -> DisputeClaim:
    row = DisputeClaim(case=case, claim_type=claim.claim_type, description=claim.description.strip(),
                       amount_claimed=as_decimal(claim.amount_claimed).quantize(CENT))
    row.full_clean()
    row.save()
    return row


def _issue_application_record(*, kind: str, event_id: int, by: int | str) -> None:
    """Art.12: an oral application is recorded on the spot; an online one is kept as written.
    The record is issued on commit (an online application's attachments are saved by then)."""
    for variant in get_kind(kind).variants:
        issue_document_task.delay(kind=kind, variant=variant, transition_event_id=event_id, by=by)


def _limitation_data(limitation: LimitationResult | None) -> dict | None:
    if limitation is None:
        return None
    day = limitation.limitation_date
    return {"date": day.isoformat() if day else None, "basis": limitation.basis,
            "not_limited": limitation.not_limited, "time_barred_at_receipt": limitation.time_barred_at_receipt}


def _event_data(*, channel: str, applicant_side: str, claims: list[DisputeClaim], review: IntakeReview,
                clocks: dict, parties: dict) -> dict:
    return {
        "channel": channel,
        "applicant_side": applicant_side,
        "claims": [{"claim_type": c.claim_type, "amount_claimed": str(c.amount_claimed)} for c in claims],
        "warnings_acknowledged": [{"code": w.code, "message": w.message} for w in review.warnings],
        "deadlines": clocks,
        "duplicates": [case.number for case in review.duplicates],
        "limitation": _limitation_data(review.limitation),
        "late_entry": review.late_entry.journal() if review.late_entry else None,
        "parties": parties,
    }


def register_dispute(
    *, organisation: Organisation, by, channel: str, received_on: date, facts: str, worker: WorkerInput,
    employer: EmployerInput, claims: list[ClaimInput], infringement_known_on: date | None = None,
    employment_start: date | None = None, employment_end: date | None = None,
    received_at: datetime | None = None, acknowledge_warnings: bool = False, late_entry_reason: str = "",
    applicant_side: str = PartySide.WORKER,
) -> RegistrationResult:
    """Register an application: a numbered case with its claims, its clocks and its audit event.

    `applicant_side`: who applied, the worker (the default) or the employer; the documents call
    that party 申请人, and acceptance needs the other party's consent to mediate.

    `received_at` may be left out only for an application received today (it is then now).
    `late_entry_reason` is why an application received more than 30 days ago is entered only now;
    such a late entry is registered by a mediation lead of the organisation (or the system).
    """
    if not is_system(by):
        require_can_act(by, organisation, CASE_HANDLERS)
    if not organisation.is_active:  # 停用 by its organisation admin: it takes no new cases
        raise ValidationError({"organisation": _("“%(org)s”已停用，不能再登记新案件。") % {"org": organisation.name}})
    claims, received_at = list(claims), _aware(received_at)
    review = check_application(
        organisation=organisation, worker=worker, employer=employer, claims=claims, received_on=received_on,
        infringement_known_on=infringement_known_on, employment_start=employment_start,
        employment_end=employment_end, by=by, late_entry_reason=late_entry_reason,
        visible_organisation_ids=readable_organisation_ids(by),  # what the page warned of, and is journalled
    )
    errors = {**review.errors, **_registration_errors(channel, facts, received_on, received_at, applicant_side)}
    if errors:
        raise ValidationError(errors)
    if review.warnings and not acknowledge_warnings:
        raise _unacknowledged(review.warnings)
    with transaction.atomic(savepoint=False):  # whole or not at all, with the caller's transaction
        worker_row, worker_notes = _save_worker(normalised_worker(worker))
        employer_row, employer_notes = _save_employer(normalised_employer(employer))
        sequence = _next_sequence(organisation, received_on.year)
        case = DisputeCase(
            organisation=organisation, year=received_on.year, sequence=sequence,
            number=case_number(organisation, received_on.year, sequence),
            worker=worker_row, employer=employer_row, applicant_side=applicant_side,
            employment_start=employment_start, employment_end=employment_end, channel=channel, received_on=received_on,
            received_at=received_at or timezone.now(), facts=facts.strip(),
            infringement_known_on=infringement_known_on, registered_by=None if is_system(by) else by,
        )
        case.full_clean(validate_unique=False, validate_constraints=False)  # its number: the locked counter's next
        case.save()
        saved_claims = [_save_claim(case, claim) for claim in claims]
        case.related_cases.add(*review.duplicates)
        clocks = deadlines.apply_trigger(case, CREATED, organisation=organisation)
        event = append_event(
            action=AuditAction.TRANSITION, actor=by, subject=case, organisation=organisation, name="register",
            to_state=DisputeStatus.REGISTERED,
            data=_event_data(channel=channel, applicant_side=applicant_side, claims=saved_claims, review=review,
                             clocks=clocks.summary(),
                             parties={"worker": worker_notes, "employer": employer_notes}),
        )
        if record := APPLICATION_RECORDS.get(channel):
            actor_ref = str(by) if is_system(by) else by.pk
            transaction.on_commit(partial(_issue_application_record, kind=record, event_id=event.pk, by=actor_ref))
    return RegistrationResult(case=case, review=review, event=event)
