"""The review a dispute registration form shows before saving: errors and warnings.

`check_application` only reads. Its errors are Chinese messages keyed the way a Django form
with prefixes names its fields: "worker-resident_id", "employer-uscc", "claims-0-amount_claimed"
(a formset with prefix "claims"), "claims" for the list as a whole, and "received_on",
"employment_end", "infringement_known_on" unprefixed. Its warnings never block on their own:
`cases.disputes.intake.register_dispute` refuses until the user has confirmed them
(`acknowledge_warnings=True`), so nothing is refused silently and nothing slips past unseen.
"""

from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.documents.registry import cn_date
from cases.models import (
    DisputeCase,
    DisputeClaim,
    Employer,
    Organisation,
    Worker,
)
from cases.rules.claims import ClaimType
from cases.rules.limitation import LimitationResult, limitation_at_receipt
from cases.rules.validators import normalise_mobile, normalise_resident_id, normalise_uscc

CENT = Decimal("0.01")
# DisputeClaim.amount_claimed holds 14 digits, 2 of them after the point.
MAX_AMOUNT = Decimal("999999999999.99")
DESCRIPTION_MAX_LENGTH = DisputeClaim._meta.get_field("description").max_length

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
    email: str = ""


@dataclass(frozen=True)
class EmployerInput:
    name: str
    uscc: str = ""
    address: str = ""
    legal_representative: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


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


# -- normalising and checking the input --------------------------------------------------

def normalised_worker(worker: WorkerInput) -> WorkerInput:
    return replace(
        worker, name=worker.name.strip(), resident_id=normalise_resident_id(worker.resident_id or ""),
        phone=normalise_mobile(worker.phone or ""), address=worker.address.strip(),
        email=worker.email.strip().lower(),
    )


def normalised_employer(employer: EmployerInput) -> EmployerInput:
    return replace(
        employer, name=employer.name.strip(), uscc=normalise_uscc(employer.uscc or ""),
        address=employer.address.strip(), legal_representative=employer.legal_representative.strip(),
        contact_name=employer.contact_name.strip(), contact_phone=employer.contact_phone.strip(),
        contact_email=employer.contact_email.strip().lower(),
    )


def add_error(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _field_errors(instance: models.Model, prefix: str, exclude: list[str]) -> Errors:
    """The model's own field validation (lengths, identifier validators), keyed for the form."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        return {f"{prefix}-{name}": messages for name, messages in error.message_dict.items()}
    return {}


def worker_values(worker: WorkerInput) -> dict:
    return {**asdict(worker), "resident_id": worker.resident_id or None}


def employer_values(employer: EmployerInput) -> dict:
    return {**asdict(employer), "uscc": employer.uscc or None}


def _party_errors(worker: WorkerInput, employer: EmployerInput) -> Errors:
    errors: Errors = {}
    if not worker.name:
        add_error(errors, "worker-name", _("请填写劳动者姓名。"))
    if not employer.name:
        add_error(errors, "employer-name", _("请填写用人单位名称。"))
    errors.update(_field_errors(Worker(**worker_values(worker)), "worker", [] if worker.name else ["name"]))
    errors.update(_field_errors(Employer(**employer_values(employer)), "employer", [] if employer.name else ["name"]))
    return errors


def as_decimal(value: Decimal | int | str) -> Decimal | None:
    if isinstance(value, float):
        raise TypeError("amounts are Decimal (yuan with fen), never float")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def _amount_error(value: Decimal | int | str) -> str | None:
    amount = as_decimal(value)
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
        add_error(errors, prefix + "claim_type", _("未知的争议事项“%(value)s”。") % {"value": claim.claim_type})
    if message := _amount_error(claim.amount_claimed):
        add_error(errors, prefix + "amount_claimed", message)
    if len(claim.description.strip()) > DESCRIPTION_MAX_LENGTH:
        add_error(errors, prefix + "description",
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
        add_error(errors, "received_on", _("请填写收到申请日期。"))
    elif received_on > timezone.localdate():
        add_error(errors, "received_on", _("收到申请日期不能晚于今天。"))
    elif infringement_known_on and infringement_known_on > received_on:
        add_error(errors, "infringement_known_on", _("知道或者应当知道权利被侵害之日不能晚于收到申请日期。"))
    if employment_start and employment_end and employment_end < employment_start:
        add_error(errors, "employment_end", _("离职日期不能早于入职日期。"))
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
    worker, employer = normalised_worker(worker), normalised_employer(employer)
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
    worker, employer, claims = normalised_worker(worker), normalised_employer(employer), list(claims)
    date_errors = _date_errors(received_on, infringement_known_on, employment_start, employment_end)
    errors = {**_party_errors(worker, employer), **_claim_errors(claims), **date_errors}
    limitation = None if date_errors else _limitation(received_on, infringement_known_on, employment_end, claims)
    duplicates = open_duplicates(organisation=organisation, worker=worker, employer=employer)
    warnings = [w for w in (_time_barred_warning(limitation, received_on), _duplicate_warning(duplicates)) if w]
    return IntakeReview(errors=errors, warnings=warnings, duplicates=duplicates, limitation=limitation)


# -- registration ------------------------------------------------------------------------
