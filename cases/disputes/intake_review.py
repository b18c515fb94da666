"""The review a dispute registration form shows before saving: errors and warnings.

`check_application` only reads. Its errors are Chinese messages keyed the way a Django form
with prefixes names its fields: "worker-resident_id", "employer-uscc", "claims-0-amount_claimed"
(a formset with prefix "claims"), "claims" for the list as a whole, and "received_on",
"employment_end", "infringement_known_on" unprefixed. Its warnings never block on their own:
`cases.disputes.intake.register_dispute` refuses until the user has confirmed them
(`acknowledge_warnings=True`), so nothing is refused silently and nothing slips past unseen.

The received date (cases/rules/intake.py): none before the law came into force, none after today,
and one more than 30 days back is a late entry (补录) that only a mediation lead may register, with
a reason ("late_entry_reason"). Who registers is checked when `by` is given (register_dispute and
the registration page always give it).
"""

from collections.abc import Collection
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    DisputeCase,
    DisputeClaim,
    DisputeStatus,
    Employer,
    Organisation,
    Worker,
)
from cases.models.access import can_act, visible_organisations
from cases.models.actors import actor_label, is_system, person
from cases.models.dispute.states import ENDED_STATES, OPEN_STATES
from cases.models.encrypted import blind_index
from cases.rules.calendar import day_label
from cases.rules.bounds import AMOUNT_MAX, date_error, decimal_from_text, invalid_amount_message
from cases.rules.claims import ClaimType, rules_for
from cases.rules.intake import (
    DUPLICATE_LOOKBACK_MONTHS,
    LATE_ENTRY_AFTER_DAYS,
    LAW_IN_FORCE_CITATION,
    LAW_IN_FORCE_ON,
    days_since_receipt,
    duplicate_lookback_start,
    is_late_entry,
    received_before_the_law,
)
from cases.rules.limitation import LimitationResult, limitation_at_receipt
from cases.rules.roles import Role
from cases.rules.validators import normalise_mobile, normalise_resident_id, normalise_uscc

CENT = Decimal("0.01")
# At most ¥100,000,000 (cases.rules.bounds): a larger claim is a typing mistake.
MAX_AMOUNT = AMOUNT_MAX
DESCRIPTION_MAX_LENGTH = DisputeClaim._meta.get_field("description").max_length
LATE_ENTRY_REASON_MAX_LENGTH = 500
# Cases a new application may repeat: those not finished (in performance too), whatever their
# age; and those finished, when they ended within the look-back window (cases/rules/intake.py).
UNFINISHED_STATES = (*OPEN_STATES, DisputeStatus.PERFORMING)
FINISHED_STATES = (*ENDED_STATES, DisputeStatus.CLOSED, DisputeStatus.ARCHIVED)

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
class LateEntry:
    """A registration more than LATE_ENTRY_AFTER_DAYS days after receipt (补录), as confirmed."""

    received_on: date
    days: int  # from receipt to the day of registration
    reason: str
    confirmed_by: object | None  # who registers it: a mediation lead, or the system

    def journal(self) -> dict:
        """What the registration's audit event records of it."""
        who = person(self.confirmed_by)
        return {"received_on": self.received_on.isoformat(), "days": self.days,
                "window_days": LATE_ENTRY_AFTER_DAYS, "reason": self.reason,
                "confirmed_by": {"id": who.pk if who else None,
                                 "label": actor_label(self.confirmed_by) if self.confirmed_by else ""}}


@dataclass(frozen=True)
class IntakeReview:
    errors: Errors
    warnings: list[IntakeWarning]
    duplicates: list[DisputeCase]
    limitation: LimitationResult | None = None  # None when the dates or claims are in error
    late_entry: LateEntry | None = None  # None unless the application is a late entry

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
    if isinstance(value, str):
        return decimal_from_text(value)  # plain decimal text only: `1e6` is no amount
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def _amount_error(value: Decimal | int | str) -> str | None:
    amount = as_decimal(value)
    if amount is None:
        return invalid_amount_message(_("请求金额"), value)
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
    elif rules_for(claim.claim_type).imported_only:
        add_error(errors, prefix + "claim_type", _(
            "争议事项“%(label)s”只用于导入的历史案件（原始记录未载明）；登记申请时请选择申请人提出的具体争议事项。")
            % {"label": ClaimType(claim.claim_type).label})
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
    elif received_before_the_law(received_on):
        add_error(errors, "received_on", _(
            "收到申请日期（%(received)s）早于《劳动争议调解仲裁法》施行之日（%(floor)s），不能登记，请核对日期"
            "（%(citation)s）。此前的历史案件请通过历史案件导入录入。"
        ) % {"received": day_label(received_on), "floor": day_label(LAW_IN_FORCE_ON), "citation": LAW_IN_FORCE_CITATION})
    elif infringement_known_on and infringement_known_on > received_on:
        add_error(errors, "infringement_known_on", _("知道或者应当知道权利被侵害之日不能晚于收到申请日期。"))
    for key, value, label, past in (("employment_start", employment_start, _("入职日期"), True),
                                    ("employment_end", employment_end, _("离职日期"), False),
                                    ("infringement_known_on", infringement_known_on, _("知道或者应当知道权利被侵害之日"), True)):
        if message := date_error(value, label=label, past=past):
            add_error(errors, key, message)
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
    ) % {"received": day_label(received_on), "date": day_label(limitation.limitation_date), "basis": limitation.basis})


def possible_duplicates(*, organisation: Organisation, worker: WorkerInput, employer: EmployerInput,
                        today: date | None = None) -> list[DisputeCase]:
    """Cases, in any organisation, of the same worker against the same employer that the new
    application may repeat: those not finished, and those that ended (rejected, failed, withdrawn,
    performed, referred, closed, archived) within the last DUPLICATE_LOOKBACK_MONTHS months by
    their end date (`ended_on`; a finished case whose end date is unknown, as some imported ones,
    is not compared).

    The worker is matched by resident ID when given, else by exact name and phone; the
    employer by USCC when given, else by exact name. This organisation's cases come first.
    """
    worker, employer = normalised_worker(worker), normalised_employer(employer)
    if not worker.name and not worker.resident_id:
        return []
    # By the blind indexes: the number and the phone are encrypted at rest.
    same_worker = (Q(worker__resident_id_index=blind_index("resident_id", worker.resident_id)) if worker.resident_id
                   else Q(worker__name=worker.name, worker__phone_index=blind_index("phone", worker.phone)))
    same_employer = Q(employer__uscc=employer.uscc) if employer.uscc else Q(employer__name=employer.name)
    since = duplicate_lookback_start(today or timezone.localdate())
    recent = Q(status__in=UNFINISHED_STATES) | Q(status__in=FINISHED_STATES, ended_on__gte=since)
    cases = DisputeCase.objects.filter(recent, same_worker, same_employer).select_related("organisation")
    return sorted(cases, key=lambda case: (case.organisation_id != organisation.pk, case.received_on, case.pk))


def _finished_case(case: DisputeCase) -> str:
    return _("%(number)s（%(organisation)s，%(status)s，%(ended)s办结）") % {
        "number": case.number, "organisation": case.organisation.name, "status": case.get_status_display(),
        "ended": day_label(case.ended_on)}


def readable_organisation_ids(by) -> frozenset[int] | None:
    """The organisations whose cases `by` may read, as check_application takes them; None (all)
    for the system or no one (an import, a test of the rules)."""
    if by is None or is_system(by):
        return None
    return frozenset(visible_organisations(by).values_list("pk", flat=True))


def _others_elsewhere(cases: list[DisputeCase]) -> str:
    """Cases of organisations the user cannot read: the organisation and whether unfinished or
    finished, once each — no number, status or date (the mediator coordinates with them)."""
    seen = {}
    for case in cases:
        finished = case.status not in UNFINISHED_STATES
        seen.setdefault((case.organisation.name, finished), None)
    return "、".join((_("%(organisation)s（已办结）") if finished else _("%(organisation)s（未办结）"))
                    % {"organisation": name} for name, finished in seen)


def _duplicate_warning(duplicates: list[DisputeCase], *, visible: Collection[int] | None) -> IntakeWarning | None:
    """The warning of possible duplicates; those of organisations outside `visible` (ids; None: all)
    only by organisation and whether finished."""
    if not duplicates:
        return None
    readable = [case for case in duplicates if visible is None or case.organisation_id in visible]
    elsewhere = [case for case in duplicates if case not in readable]
    unfinished = [case for case in readable if case.status in UNFINISHED_STATES]
    finished = [case for case in readable if case.status not in UNFINISHED_STATES]
    parts = []
    if unfinished:
        listed = "、".join(f"{case.number}（{case.organisation.name}）" for case in unfinished)
        parts.append(_("同一劳动者对同一用人单位已有未办结的案件：%(cases)s。") % {"cases": listed})
    if finished:
        parts.append(_("同一劳动者对同一用人单位近%(months)d个月内已有办结的案件：%(cases)s。") % {
            "months": DUPLICATE_LOOKBACK_MONTHS, "cases": "、".join(_finished_case(case) for case in finished)})
    if elsewhere:
        parts.append(_("同一劳动者对同一用人单位在其他组织另有案件：%(organisations)s，详情请与该组织联系核实。") % {
            "organisations": _others_elsewhere(elsewhere)})
    parts.append(_("请核实是否为重复申请；继续登记的，新案件将与之关联。"))
    return IntakeWarning("possible_duplicate", "".join(parts))


# -- late entry (补录) ----------------------------------------------------------------------

def _late_entry(*, organisation: Organisation, received_on: date, by, reason: str) -> tuple[LateEntry | None, Errors]:
    """A late entry and whether `by` may register it: a mediation lead of the organisation, with a reason."""
    today = timezone.localdate()
    if not is_late_entry(received_on, today):
        return None, {}
    entry = LateEntry(received_on=received_on, days=days_since_receipt(received_on, today), reason=reason.strip(),
                      confirmed_by=by)
    errors: Errors = {}
    if by is None or is_system(by):
        return entry, errors
    rule = {"received": day_label(received_on), "days": entry.days, "window": LATE_ENTRY_AFTER_DAYS}
    if not can_act(by, organisation, [Role.MEDIATION_LEAD]):
        add_error(errors, "received_on", _(
            "该申请于%(received)s收到，距今已%(days)d天；收到申请超过%(window)d天的补录须由调解组长确认，"
            "调解员不能单独登记。请由调解组长登记并填写补录原因。") % rule)
    elif not entry.reason:
        add_error(errors, "late_entry_reason", _(
            "该申请于%(received)s收到，距今已%(days)d天，超过%(window)d天，属于补录：请填写补录原因。") % rule)
    elif len(entry.reason) > LATE_ENTRY_REASON_MAX_LENGTH:
        add_error(errors, "late_entry_reason",
                  _("补录原因不能超过%(max)d个字。") % {"max": LATE_ENTRY_REASON_MAX_LENGTH})
    return entry, errors


def check_application(
    *, organisation: Organisation, worker: WorkerInput, employer: EmployerInput, claims: list[ClaimInput],
    received_on: date, infringement_known_on: date | None = None, employment_start: date | None = None,
    employment_end: date | None = None, by=None, late_entry_reason: str = "",
    visible_organisation_ids: Collection[int] | None = None,
) -> IntakeReview:
    """What the registration form shows before saving: errors, warnings, possible duplicates.

    `by` is who registers: a late entry needs a mediation lead and `late_entry_reason`.
    `visible_organisation_ids`: ids of the organisations whose cases the user may read
    (readable_organisation_ids(by)); the duplicate warning names other organisations' cases only
    by organisation. None: all (the system).
    """
    worker, employer, claims = normalised_worker(worker), normalised_employer(employer), list(claims)
    date_errors = _date_errors(received_on, infringement_known_on, employment_start, employment_end)
    late_entry, late_errors = (None, {}) if date_errors else _late_entry(
        organisation=organisation, received_on=received_on, by=by, reason=late_entry_reason or "")
    errors = {**_party_errors(worker, employer), **_claim_errors(claims), **date_errors, **late_errors}
    limitation = None if date_errors else _limitation(received_on, infringement_known_on, employment_end, claims)
    duplicates = possible_duplicates(organisation=organisation, worker=worker, employer=employer)
    warnings = [w for w in (_time_barred_warning(limitation, received_on),
                            _duplicate_warning(duplicates, visible=visible_organisation_ids)) if w]
    return IntakeReview(errors=errors, warnings=warnings, duplicates=duplicates, limitation=limitation,
                        late_entry=late_entry)


# -- registration ------------------------------------------------------------------------
