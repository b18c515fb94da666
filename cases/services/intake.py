"""Registering a labour dispute: the review the registration form shows, then the registration.

`check_application` only reads. Its errors are Chinese messages keyed the way a Django form
with prefixes names its fields: "worker-resident_id", "employer-uscc", "claims-0-amount_claimed"
(a formset with prefix "claims"), "claims" for the list as a whole, and "received_on",
"employment_end", "infringement_known_on" unprefixed. Its warnings never block on their own:
`register_dispute` refuses until the user has confirmed them (`acknowledge_warnings=True`), so
nothing is refused silently and nothing slips past unseen.

Parties, as `register_dispute` records them:
- a worker is found by resident ID when one is given, otherwise a new worker is created;
- an employer is found by USCC when one is given, otherwise by exact name among employers
  without a USCC, otherwise created;
- a found party's blank fields (phone, address, …) are filled from the application; a field
  already holding a different value is kept as it is, and the audit event lists its name under
  "kept" so the difference can be looked into. Nothing stored is overwritten.
"""

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import require_can_act
from cases.document_kinds import cn_date, get_kind
from cases.models import (
    AuditAction, AuditEvent, CaseNumberCounter, Channel, DisputeCase, DisputeClaim, DisputeStatus, Employer,
    Organisation, Worker,
)
from cases.models.dispute import CASE_HANDLERS
from cases.rules.claims import ClaimType
from cases.rules.deadlines import CREATED
from cases.rules.limitation import LimitationResult, limitation_at_receipt
from cases.rules.validators import normalise_mobile, normalise_resident_id, normalise_uscc, parse_resident_id
from cases.tasks.documents import issue_document_task

from . import deadlines
from .actors import is_system
from .audit import append_event

CENT = Decimal("0.01")
# DisputeClaim.amount_claimed holds 14 digits, 2 of them after the point.
MAX_AMOUNT = Decimal("999999999999.99")
DESCRIPTION_MAX_LENGTH = DisputeClaim._meta.get_field("description").max_length
ORAL_APPLICATION_RECORD = "oral_application_record"

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class ClaimInput:
    claim_type: str
    amount_claimed: Decimal
    description: str = ""


@dataclass(frozen=True)
class WorkerInput:
    name: str
    resident_id: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class EmployerInput:
    name: str
    uscc: str = ""
    address: str = ""
    legal_representative: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class IntakeWarning:
    code: str  # "time_barred" or "possible_duplicate"
    message: str


@dataclass(frozen=True)
class IntakeReview:
    errors: Errors
    warnings: list[IntakeWarning]
    duplicates: list[DisputeCase]
    limitation: LimitationResult | None = None  # None when the dates or claims are in error

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class RegistrationResult:
    case: DisputeCase
    review: IntakeReview
    event: AuditEvent | None = None


# -- normalising and checking the input --------------------------------------------------

def _normalised_worker(worker: WorkerInput) -> WorkerInput:
    return replace(
        worker, name=worker.name.strip(), resident_id=normalise_resident_id(worker.resident_id or ""),
        phone=normalise_mobile(worker.phone or ""), address=worker.address.strip(),
    )


def _normalised_employer(employer: EmployerInput) -> EmployerInput:
    return replace(
        employer, name=employer.name.strip(), uscc=normalise_uscc(employer.uscc or ""),
        address=employer.address.strip(), legal_representative=employer.legal_representative.strip(),
        contact_name=employer.contact_name.strip(), contact_phone=employer.contact_phone.strip(),
    )


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _field_errors(instance: models.Model, prefix: str, exclude: list[str]) -> Errors:
    """The model's own field validation (lengths, identifier validators), keyed for the form."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        return {f"{prefix}-{name}": messages for name, messages in error.message_dict.items()}
    return {}


def _worker_values(worker: WorkerInput) -> dict:
    return {**asdict(worker), "resident_id": worker.resident_id or None}


def _employer_values(employer: EmployerInput) -> dict:
    return {**asdict(employer), "uscc": employer.uscc or None}


def _party_errors(worker: WorkerInput, employer: EmployerInput) -> Errors:
    errors: Errors = {}
    if not worker.name:
        _add(errors, "worker-name", _("请填写劳动者姓名。"))
    if not employer.name:
        _add(errors, "employer-name", _("请填写用人单位名称。"))
    errors.update(_field_errors(Worker(**_worker_values(worker)), "worker", [] if worker.name else ["name"]))
    errors.update(_field_errors(Employer(**_employer_values(employer)), "employer", [] if employer.name else ["name"]))
    return errors


def _as_decimal(value: Decimal | int | str) -> Decimal | None:
    if isinstance(value, float):
        raise TypeError("amounts are Decimal (yuan with fen), never float")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def _amount_error(value: Decimal | int | str) -> str | None:
    amount = _as_decimal(value)
    if amount is None:
        return _("请求金额“%(value)s”不是有效的金额。") % {"value": value}
    if amount < 0:
        return _("请求金额不能为负数。")
    if amount > MAX_AMOUNT:
        return _("请求金额不能超过%(max)s元。") % {"max": f"{MAX_AMOUNT:,}"}
    if amount != amount.quantize(CENT):
        return _("请求金额以元为单位，最多保留两位小数（到分）。")
    return None


def _one_claim_errors(index: int, claim: ClaimInput) -> Errors:
    errors: Errors = {}
    prefix = f"claims-{index}-"
    if claim.claim_type not in ClaimType.values:
        _add(errors, prefix + "claim_type", _("未知的争议事项“%(value)s”。") % {"value": claim.claim_type})
    if message := _amount_error(claim.amount_claimed):
        _add(errors, prefix + "amount_claimed", message)
    if len(claim.description.strip()) > DESCRIPTION_MAX_LENGTH:
        _add(errors, prefix + "description",
             _("具体请求不能超过%(max)d个字。") % {"max": DESCRIPTION_MAX_LENGTH})
    return errors


def _claim_errors(claims: list[ClaimInput]) -> Errors:
    if not claims:
        return {"claims": [_("请至少填写一项请求事项。")]}
    errors: Errors = {}
    for index, claim in enumerate(claims):
        errors.update(_one_claim_errors(index, claim))
    return errors


def _date_errors(received_on: date | None, infringement_known_on: date | None,
                 employment_start: date | None, employment_end: date | None) -> Errors:
    errors: Errors = {}
    if received_on is None:
        _add(errors, "received_on", _("请填写收到申请日期。"))
    elif received_on > timezone.localdate():
        _add(errors, "received_on", _("收到申请日期不能晚于今天。"))
    elif infringement_known_on and infringement_known_on > received_on:
        _add(errors, "infringement_known_on", _("知道或者应当知道权利被侵害之日不能晚于收到申请日期。"))
    if employment_start and employment_end and employment_end < employment_start:
        _add(errors, "employment_end", _("离职日期不能早于入职日期。"))
    return errors


# -- warnings ------------------------------------------------------------------------------

def _limitation(received_on: date, infringement_known_on: date | None, employment_end: date | None,
                claims: list[ClaimInput]) -> LimitationResult:
    return limitation_at_receipt(
        received_on=received_on, infringement_known_on=infringement_known_on, employment_end=employment_end,
        claim_types=[claim.claim_type for claim in claims if claim.claim_type in ClaimType.values],
    )


def _time_barred_warning(limitation: LimitationResult | None, received_on: date) -> IntakeWarning | None:
    if limitation is None or not limitation.time_barred_at_receipt:
        return None
    return IntakeWarning("time_barred", _(
        "按收到申请日期（%(received)s）计算，请求可能已超过仲裁时效，时效已于%(date)s届满（%(basis)s）。"
        "是否超过时效由仲裁机构认定，本组织仍可登记调解，请向申请人说明。"
    ) % {"received": cn_date(received_on), "date": cn_date(limitation.limitation_date), "basis": limitation.basis})


def open_duplicates(*, organisation: Organisation, worker: WorkerInput, employer: EmployerInput) -> list[DisputeCase]:
    """Open cases, in any organisation, of the same worker against the same employer.

    The worker is matched by resident ID when given, else by exact name and phone; the
    employer by USCC when given, else by exact name. This organisation's cases come first.
    """
    worker, employer = _normalised_worker(worker), _normalised_employer(employer)
    if not worker.name and not worker.resident_id:
        return []
    same_worker = (Q(worker__resident_id=worker.resident_id) if worker.resident_id
                   else Q(worker__name=worker.name, worker__phone=worker.phone))
    same_employer = Q(employer__uscc=employer.uscc) if employer.uscc else Q(employer__name=employer.name)
    cases = DisputeCase.objects.open().filter(same_worker, same_employer).select_related("organisation")
    return sorted(cases, key=lambda case: (case.organisation_id != organisation.pk, case.received_on, case.pk))


def _duplicate_warning(duplicates: list[DisputeCase]) -> IntakeWarning | None:
    if not duplicates:
        return None
    listed = "、".join(f"{case.number}（{case.organisation.name}）" for case in duplicates)
    return IntakeWarning("possible_duplicate", _(
        "同一劳动者对同一用人单位已有未办结的案件：%(cases)s。请核实是否为重复申请；继续登记的，新案件将与之关联。"
    ) % {"cases": listed})


def check_application(
    *, organisation: Organisation, worker: WorkerInput, employer: EmployerInput, claims: list[ClaimInput],
    received_on: date, infringement_known_on: date | None = None, employment_start: date | None = None,
    employment_end: date | None = None,
) -> IntakeReview:
    """What the registration form shows before saving: errors, warnings, possible duplicates."""
    worker, employer, claims = _normalised_worker(worker), _normalised_employer(employer), list(claims)
    date_errors = _date_errors(received_on, infringement_known_on, employment_start, employment_end)
    errors = {**_party_errors(worker, employer), **_claim_errors(claims), **date_errors}
    limitation = None if date_errors else _limitation(received_on, infringement_known_on, employment_end, claims)
    duplicates = open_duplicates(organisation=organisation, worker=worker, employer=employer)
    warnings = [w for w in (_time_barred_warning(limitation, received_on), _duplicate_warning(duplicates)) if w]
    return IntakeReview(errors=errors, warnings=warnings, duplicates=duplicates, limitation=limitation)


# -- registration ------------------------------------------------------------------------

def _registration_errors(channel: str, facts: str, received_on: date, received_at: datetime | None) -> Errors:
    errors: Errors = {}
    if channel not in Channel.values:
        _add(errors, "channel", _("未知的申请方式“%(value)s”。") % {"value": channel})
    if not facts.strip():
        _add(errors, "facts", _("请填写争议事实与理由。"))
    if received_at is None:
        if received_on != timezone.localdate():
            _add(errors, "received_at", _("补录此前收到的申请时，请填写收到申请的时间。"))
    elif received_at > timezone.now():
        _add(errors, "received_at", _("收到申请时间不能晚于现在。"))
    elif timezone.localdate(received_at) != received_on:
        _add(errors, "received_at", _("收到申请时间应在收到申请日期当天。"))
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
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        if unique_lookup is None:
            raise
        found = model._default_manager.select_for_update().get(**unique_lookup)
        return found, _fill_blanks(found, values)
    return instance, {"pk": instance.pk, "created": True, "filled": [], "kept": []}


def _save_worker(worker: WorkerInput) -> tuple[Worker, dict]:
    values = _worker_values(worker)
    if not worker.resident_id:
        return _create(Worker, values, None)
    info = parse_resident_id(worker.resident_id)
    values.update(birth_date=info.birth_date, sex=info.sex)
    lookup = {"resident_id": worker.resident_id}
    found = Worker.objects.select_for_update().filter(**lookup).first()
    if found is not None:
        return found, _fill_blanks(found, values)
    return _create(Worker, values, lookup)


def _save_employer(employer: EmployerInput) -> tuple[Employer, dict]:
    values = _employer_values(employer)
    lookup = {"uscc": employer.uscc} if employer.uscc else {"uscc__isnull": True, "name": employer.name}
    found = Employer.objects.select_for_update().filter(**lookup).order_by("pk").first()
    if found is not None:
        return found, _fill_blanks(found, values)
    return _create(Employer, values, lookup if employer.uscc else None)


def case_number(organisation: Organisation, year: int, sequence: int) -> str:
    return f"{organisation.code}-{year}-{sequence:04d}"


def _next_sequence(organisation: Organisation, year: int) -> int:
    """The organisation's next sequence number for the year, under a row lock held to commit."""
    CaseNumberCounter.objects.get_or_create(organisation=organisation, year=year)
    counter = CaseNumberCounter.objects.select_for_update().get(organisation=organisation, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _save_claim(case: DisputeCase, claim: ClaimInput) -> DisputeClaim:
    row = DisputeClaim(case=case, claim_type=claim.claim_type, description=claim.description.strip(),
                       amount_claimed=_as_decimal(claim.amount_claimed).quantize(CENT))
    row.full_clean()
    row.save()
    return row


def _issue_oral_record(*, event_id: int, by: int | str) -> None:
    """Art.12: an oral application is recorded on the spot; the record is issued on commit."""
    for variant in get_kind(ORAL_APPLICATION_RECORD).variants:
        issue_document_task.delay(kind=ORAL_APPLICATION_RECORD, variant=variant, transition_event_id=event_id, by=by)


def _limitation_data(limitation: LimitationResult | None) -> dict | None:
    if limitation is None:
        return None
    day = limitation.limitation_date
    return {"date": day.isoformat() if day else None, "basis": limitation.basis,
            "not_limited": limitation.not_limited, "time_barred_at_receipt": limitation.time_barred_at_receipt}


def _event_data(*, channel: str, claims: list[DisputeClaim], review: IntakeReview, clocks: dict,
                parties: dict) -> dict:
    return {
        "channel": channel,
        "claims": [{"claim_type": c.claim_type, "amount_claimed": str(c.amount_claimed)} for c in claims],
        "warnings_acknowledged": [{"code": w.code, "message": w.message} for w in review.warnings],
        "deadlines": clocks,
        "duplicates": [case.number for case in review.duplicates],
        "limitation": _limitation_data(review.limitation),
        "parties": parties,
    }


def register_dispute(
    *, organisation: Organisation, by, channel: str, received_on: date, facts: str, worker: WorkerInput,
    employer: EmployerInput, claims: list[ClaimInput], infringement_known_on: date | None = None,
    employment_start: date | None = None, employment_end: date | None = None,
    received_at: datetime | None = None, acknowledge_warnings: bool = False,
) -> RegistrationResult:
    """Register an application: a numbered case with its claims, its clocks and its audit event.

    `received_at` may be left out only for an application received today (it is then now).
    """
    if not is_system(by):
        require_can_act(by, organisation, CASE_HANDLERS)
    claims, received_at = list(claims), _aware(received_at)
    review = check_application(
        organisation=organisation, worker=worker, employer=employer, claims=claims, received_on=received_on,
        infringement_known_on=infringement_known_on, employment_start=employment_start,
        employment_end=employment_end,
    )
    errors = {**review.errors, **_registration_errors(channel, facts, received_on, received_at)}
    if errors:
        raise ValidationError(errors)
    if review.warnings and not acknowledge_warnings:
        raise _unacknowledged(review.warnings)
    with transaction.atomic():
        worker_row, worker_notes = _save_worker(_normalised_worker(worker))
        employer_row, employer_notes = _save_employer(_normalised_employer(employer))
        sequence = _next_sequence(organisation, received_on.year)
        case = DisputeCase(
            organisation=organisation, year=received_on.year, sequence=sequence,
            number=case_number(organisation, received_on.year, sequence),
            worker=worker_row, employer=employer_row, employment_start=employment_start,
            employment_end=employment_end, channel=channel, received_on=received_on,
            received_at=received_at or timezone.now(), facts=facts.strip(),
            infringement_known_on=infringement_known_on, registered_by=None if is_system(by) else by,
        )
        case.full_clean()
        case.save()
        saved_claims = [_save_claim(case, claim) for claim in claims]
        case.related_cases.add(*review.duplicates)
        clocks = deadlines.apply_trigger(case, CREATED, organisation=organisation)
        event = append_event(
            action=AuditAction.TRANSITION, actor=by, subject=case, organisation=organisation, name="register",
            to_state=DisputeStatus.REGISTERED,
            data=_event_data(channel=channel, claims=saved_claims, review=review, clocks=clocks.summary(),
                             parties={"worker": worker_notes, "employer": employer_notes}),
        )
        if channel == Channel.ORAL:
            actor_ref = str(by) if is_system(by) else by.pk
            transaction.on_commit(partial(_issue_oral_record, event_id=event.pk, by=actor_ref))
    return RegistrationResult(case=case, review=review, event=event)
