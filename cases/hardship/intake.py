"""Registering a hardship application (职工申请) or a grassroots union's referral (基层工会推荐).

One transaction: the head as a worker (found by resident ID, otherwise created, as dispute
intake does), the household, its members (the head as 本人), the year's income items, rigid
expenses and hardship costs, the file (cases.hardship.identification.open_hardship_file) and
its flow (the effect hardship_flow.start, which the hardship flow registers). Everything is checked before anything is
written; the errors come back together, keyed like the registration page's fields
("head-name", "members-0-resident_id", "incomes-1-amount", "region_code", ...), in Chinese.

`preview_assessment` is the category computation of the figures as typed, for the page's
计算结果 panel; it writes nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.disputes.intake import _save_worker
from cases.disputes.intake_review import WorkerInput, normalised_worker
from cases.hardship.identification import START_HARDSHIP_FLOW, open_hardship_file
from cases.models import (
    HardshipCause,
    HardshipCostItem,
    HardshipFile,
    Household,
    HouseholdMember,
    IncomeItem,
    MinimumLivingStandard,
    Organisation,
    Relation,
    RigidExpense,
    Role,
    Worker,
)
from cases.models.access import require_can_act
from cases.models.actors import is_system
from cases.models.hardship.parameters import HardshipParameters, parameters_for
from cases.models.hardship.states import ENDED_STATES, IdentificationSource
from cases.platform import effects
from cases.rules.bounds import amount_error, decimal_from_text
from cases.rules.eligibility import Assessment, assess
from cases.rules.validators import normalise_resident_id, parse_resident_id

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
Errors = dict[str, list[str]]


def add_error(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(str(message))


def _text(row: dict, name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


def money(value) -> Decimal | None:
    """A yuan amount as typed ("24,000", "¥1,400.5", Decimal) to the fen; None when unreadable."""
    if isinstance(value, float):
        raise TypeError("amounts are Decimal (yuan with fen), never float")
    if value is None:
        return None
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        amount = decimal_from_text(value)  # plain decimal text only: `1e6` is no amount
        if amount is None:
            return None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        return None
    return amount.quantize(CENT)


def _amount(errors: Errors, key: str, value, label: str, *, negative_allowed=False,
            required=True) -> Decimal | None:
    if value in (None, "") and not required:
        return ZERO
    if value in (None, ""):
        add_error(errors, key, _("请填写%(label)s。") % {"label": label})
        return None
    amount = money(value)
    if amount is None:
        add_error(errors, key, _("%(label)s“%(value)s”不是有效的金额，请填写元，最多两位小数，例如 2000.50。")
             % {"label": label, "value": value})
        return None
    if amount < 0 and not negative_allowed:
        add_error(errors, key, _("%(label)s不能为负数。") % {"label": label})
        return None
    if message := amount_error(amount, label=label, minimum=None):
        add_error(errors, key, message)
        return None
    return amount


def _model_errors(errors: Errors, instance, prefix: str, exclude: list[str]) -> None:
    """The model's own field validation, keyed for the page ("members-0-name")."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = name if name == "__all__" or not prefix else f"{prefix}-{name}"
            for message in messages:
                add_error(errors, key, message)


def standard_for(region_code: str, year: int) -> MinimumLivingStandard:
    """The 低保 amount of `region_code` in `year`; a Chinese ValidationError when it is not on file."""
    standard = MinimumLivingStandard.objects.filter(region_code=region_code, year=year).first()
    if standard is None:
        raise ValidationError(
            _("缺少%(region)s地区%(year)s年的低保标准，无法计算困难类别，请先由管理员录入。")
            % {"region": region_code, "year": year},
            code="missing_minimum_living_standard",
        )
    return standard


@dataclass(frozen=True)
class Preview:
    assessment: Assessment
    standard: MinimumLivingStandard
    parameters: HardshipParameters
    household_size: int
    annual_income: Decimal
    rigid_expenses: Decimal
    hardship_costs: Decimal


def preview_assessment(*, region_code: str, year: int, household_size: int, incomes: list, expenses: list,
                       hardship_costs: list) -> Preview:
    """The category of the figures as entered (amounts already read as Decimal; `expenses` as
    (kind, amount) pairs): the sums and cases.rules.eligibility.assess against the region's 低保
    amount and parameters for the year. `rigid_expenses` is what the parameters deduct."""
    standard = standard_for(region_code, year)
    parameters = parameters_for(region_code, year)
    income = sum(incomes, ZERO)
    by_kind: dict[str, Decimal] = {}
    for kind, amount in expenses:
        by_kind[kind] = by_kind.get(kind, ZERO) + amount
    costs = sum((max(gross - compensation, ZERO) for gross, compensation in hardship_costs), ZERO)
    assessment = assess(household_size=household_size, annual_income=income, rigid_expenses=by_kind,
                        hardship_costs=costs, monthly_minimum=standard.monthly_amount, rules=parameters.rules())
    return Preview(assessment=assessment, standard=standard, parameters=parameters, household_size=household_size,
                   annual_income=income, rigid_expenses=assessment.rigid_expenses_counted, hardship_costs=costs)


def check_year(errors: Errors, year) -> int | None:
    try:
        year = int(year)
    except (TypeError, ValueError):
        add_error(errors, "year", _("请填写认定年度，例如 %(year)s。") % {"year": timezone.localdate().year})
        return None
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        add_error(errors, "year", _("认定年度应在2000年至%(year)s年之间。") % {"year": this_year})
        return None
    return year


def _head_worker_input(head: dict, address: str) -> WorkerInput:
    return normalised_worker(WorkerInput(
        name=_text(head, "name"), resident_id=_text(head, "resident_id"), phone=_text(head, "phone"),
        address=_text(head, "address") or address,
    ))


def _check_head(errors: Errors, head: dict, address: str) -> tuple[WorkerInput, Worker | None, date | None]:
    worker = _head_worker_input(head, address)
    if not worker.name:
        add_error(errors, "head-name", _("请填写申请人（户主）姓名。"))
    birth_date = None
    found = None
    if not worker.resident_id:
        add_error(errors, "head-resident_id", _("请填写申请人（户主）的公民身份号码，入户调查时据此核对户口簿和身份证。"))
    else:
        try:
            birth_date = parse_resident_id(worker.resident_id).birth_date
        except ValidationError as error:
            for message in error.messages:
                add_error(errors, "head-resident_id", message)
        else:
            found = Worker.objects.with_resident_id(worker.resident_id).first()
            if found is not None and worker.name and found.name != worker.name:
                # Without the stored name: whoever types an ID number (a worker on the public page,
                # staff of another district) must not learn whose it is.
                add_error(errors, "head-name", _("公民身份号码 %(id)s 已登记的姓名与填写的姓名“%(typed)s”不一致，请核对。")
                          % {"id": worker.resident_id, "typed": worker.name})
    probe = Worker(name=worker.name or "-", resident_id=None, phone=worker.phone, address=worker.address)
    _model_errors(errors, probe, "head", ["resident_id"])
    return worker, found, birth_date


def member_row(errors: Errors, key: str, row: dict, *, relation: str, check_id: bool = True) -> HouseholdMember:
    resident_id = normalise_resident_id(_text(row, "resident_id"))
    birth_date = row.get("birth_date") or None
    if resident_id:
        try:
            birth_date = parse_resident_id(resident_id).birth_date
        except ValidationError:
            pass  # the model's validator says what is wrong with the number
    member = HouseholdMember(
        name=_text(row, "name"), relation=relation, resident_id=resident_id, birth_date=birth_date,
        health=_text(row, "health") or HouseholdMember._meta.get_field("health").default,
        employment=_text(row, "employment"),
        schooling=_text(row, "schooling") or HouseholdMember._meta.get_field("schooling").default,
    )
    exclude = ["household", "worker", *([] if check_id else ["resident_id"])]
    if not member.name:
        add_error(errors, f"{key}-name", _("请填写家庭成员姓名。"))
        exclude.append("name")
    if member.relation in ("", None):
        add_error(errors, f"{key}-relation", _("请选择与户主的关系。"))
        exclude.append("relation")
    elif member.relation == Relation.SELF and key.startswith("members-"):
        add_error(errors, f"{key}-relation", _("户主本人已在申请人一栏登记，家庭成员请选择配偶、子女、父母或其他。"))
        exclude.append("relation")
    if member.birth_date is None:
        if not resident_id and check_id:
            add_error(errors, f"{key}-birth_date", _("没有公民身份号码的家庭成员，请填写出生日期。"))
        exclude.append("birth_date")
    if not member.employment:
        add_error(errors, f"{key}-employment", _("请选择就业状况。"))
        exclude.append("employment")
    _model_errors(errors, member, key, exclude)
    return member


def _check_members(errors: Errors, head_member: HouseholdMember, members: list[dict],
                   keys: list[str] | None = None) -> list[HouseholdMember]:
    rows = []
    seen = {head_member.resident_id: "head-resident_id"} if head_member.resident_id else {}
    keys = keys if keys is not None else [f"members-{index}" for index in range(len(members))]
    for key, row in zip(keys, members, strict=True):
        member = member_row(errors, key, row, relation=_text(row, "relation"))
        if member.resident_id:
            if member.resident_id in seen:
                add_error(errors, f"{key}-resident_id",
                     _("该公民身份号码与本户另一位成员相同，一人只能登记一次。"))
            seen.setdefault(member.resident_id, f"{key}-resident_id")
        rows.append(member)
    return rows


def _check_items(errors: Errors, year: int | None, incomes, expenses, hardship_costs):
    income_rows, expense_rows, cost_rows = [], [], []
    item_year = year or 2000
    for index, row in enumerate(incomes):
        key = f"incomes-{index}"
        amount = _amount(errors, f"{key}-amount", row.get("amount"), _("收入金额"), negative_allowed=True)
        item = IncomeItem(year=item_year, kind=_text(row, "kind"), amount=amount if amount is not None else ZERO)
        if not item.kind:
            add_error(errors, f"{key}-kind", _("请选择收入类别。"))
        _model_errors(errors, item, key, ["household", "year", "amount", *(["kind"] if not item.kind else [])])
        income_rows.append(item)
    for index, row in enumerate(expenses):
        key = f"expenses-{index}"
        amount = _amount(errors, f"{key}-amount", row.get("amount"), _("支出金额"))
        item = RigidExpense(year=item_year, kind=_text(row, "kind"), amount=amount if amount is not None else ZERO,
                            note=_text(row, "note"))
        if not item.kind:
            add_error(errors, f"{key}-kind", _("请选择支出类别。"))
        _model_errors(errors, item, key, ["household", "year", "amount", *(["kind"] if not item.kind else [])])
        expense_rows.append(item)
    for index, row in enumerate(hardship_costs):
        key = f"hardship_costs-{index}"
        gross = _amount(errors, f"{key}-gross_amount", row.get("gross_amount"), _("费用总额"))
        compensation = _amount(errors, f"{key}-compensation", row.get("compensation"),
                               _("已获赔偿、保险及救助金额"), required=False)
        item = HardshipCostItem(year=item_year, event=_text(row, "event"), gross_amount=gross or ZERO,
                                compensation=compensation or ZERO, note=_text(row, "note"))
        if not item.event:
            add_error(errors, f"{key}-event", _("请选择致困事由。"))
        _model_errors(errors, item, key, ["household", "year", "gross_amount", "compensation",
                                          *(["event"] if not item.event else [])])
        cost_rows.append(item)
    return income_rows, expense_rows, cost_rows


def check_household_rows(errors: Errors, *, year: int | None, head_member: HouseholdMember, members: list[dict],
                         incomes: list[dict], expenses: list[dict], hardship_costs: list[dict],
                         member_keys: list[str] | None = None) -> tuple[list[HouseholdMember], list]:
    """The other members and the year's income items, rigid expenses and hardship costs, built
    (not saved) and checked into `errors` keyed like the page's fields ("members-0-name",
    "incomes-1-amount"); registration and the household editor both call it. `member_keys`:
    each member row's key prefix when the rows are not numbered from 0 (default members-N)."""
    member_rows = _check_members(errors, head_member, members, member_keys)
    income_rows, expense_rows, cost_rows = _check_items(errors, year, incomes, expenses, hardship_costs)
    return member_rows, [*income_rows, *expense_rows, *cost_rows]


def check_place(errors: Errors, organisation, region_code: str, address: str, year: int | None) -> tuple[str, str]:
    """Where the household lives: a valid region code with a 低保 amount and assessment
    parameters for `year`, an address."""
    region_code, address = (region_code or "").strip(), (address or "").strip()
    probe = Household(organisation=organisation, region_code=region_code, address=address)
    if not region_code:
        add_error(errors, "region_code", _("请填写家庭所在地的行政区划代码（6位数字），例如海淀区 110108。"))
    _model_errors(errors, probe, "", ["head", "organisation", *(["region_code"] if not region_code else [])])
    if year is not None and "region_code" not in errors:
        try:
            standard_for(region_code, year)
            parameters_for(region_code, year)
        except ValidationError as error:
            add_error(errors, "region_code", error.messages[0])
    return region_code, address


def _active_file_of(worker: Worker | None) -> HardshipFile | None:
    if worker is None:
        return None
    return (HardshipFile.objects.filter(household__head=worker).exclude(status__in=ENDED_STATES)
            .order_by("pk").first())


def _duplicate_message(file: HardshipFile) -> str:
    # The same sentence open_hardship_file says for a household with an active file.
    return _("该家庭已有未结束的困难职工档案（%(file)s），不能重复建立。") % {"file": file}


@dataclass
class _Plan:
    """The rows to write, built and checked before anything is written."""

    source: str
    referred_by: str
    year: int | None
    region_code: str
    address: str
    head_input: WorkerInput
    head_member: HouseholdMember
    members: list[HouseholdMember]
    items: list


def _plan(*, organisation, source, referred_by, year, head, members, incomes, expenses, hardship_costs,
          region_code, address) -> tuple[_Plan, Errors]:
    errors: Errors = {}
    if source not in (IdentificationSource.APPLICATION, IdentificationSource.REFERRAL):
        add_error(errors, "source", _("请选择职工申请或基层工会推荐。"))
    referred_by = (referred_by or "").strip()
    if source == IdentificationSource.REFERRAL and not referred_by:
        add_error(errors, "referred_by", _("基层工会推荐的，请填写推荐单位。"))
    if organisation is not None and not organisation.does_hardship_work:
        add_error(errors, "organisation", _("%(org)s不承担困难职工帮扶工作，请选择市、区总工会。") % {"org": organisation.name})
    elif organisation is not None and not organisation.is_active:
        add_error(errors, "organisation", _("“%(org)s”已停用，不能再登记新的帮扶申请。") % {"org": organisation.name})
    year = check_year(errors, year)
    region_code, address = check_place(errors, organisation, region_code, address, year)

    head_input, found, head_birth = _check_head(errors, head, address)
    head_member = member_row(errors, "head", {**head, "resident_id": head_input.resident_id,
                                               "name": head_input.name, "birth_date": head_birth},
                              relation=Relation.SELF, check_id=False)
    member_rows, items = check_household_rows(errors, year=year, head_member=head_member, members=members,
                                              incomes=incomes, expenses=expenses, hardship_costs=hardship_costs)
    active = _active_file_of(found)
    if active is not None:
        add_error(errors, "__all__", _duplicate_message(active))
    plan = _Plan(source=source, referred_by=referred_by, year=year, region_code=region_code, address=address,
                 head_input=head_input, head_member=head_member, members=member_rows,
                 items=items)
    return plan, errors


def _check_cause(errors: Errors, cause: str) -> str:
    cause = (cause or "").strip()
    if cause and cause not in HardshipCause.values:
        add_error(errors, "cause", _("请从列表中选择致困原因。"))
    return cause


def check_household_application(
    *, organisation: Organisation, source: str, referred_by: str = "", year, head: dict, members: list[dict],
    incomes: list[dict], expenses: list[dict], hardship_costs: list[dict], region_code: str, address: str = "",
    work_unit: str = "", cause: str = "",
) -> Errors:
    """What register_household_application would refuse, keyed by field; writes nothing."""
    _plan_, errors = _plan(
        organisation=organisation, source=source, referred_by=referred_by, year=year, head=head, members=members,
        incomes=incomes, expenses=expenses, hardship_costs=hardship_costs, region_code=region_code, address=address,
    )
    _check_cause(errors, cause)
    return errors


def register_household_application(
    *, organisation: Organisation, by, source: str, referred_by: str = "", year: int, head: dict,
    members: list[dict], incomes: list[dict], expenses: list[dict], hardship_costs: list[dict],
    region_code: str, address: str = "", work_unit: str = "", cause: str = "",
) -> HardshipFile:
    """Register a household's application (or a referral) and start its identification.

    `head`: name, resident_id (required: the head's birth date and the worker are found by
    it), phone, address (defaults to the household's), health, employment, schooling. `work_unit`:
    where the head works, printed beside the masked name on the publicity notice. `cause`: the
    cause of hardship (HardshipCause; blank when not known yet).
    `members`: the other members (relation spouse/child/parent/other), each with name,
    resident_id or birth_date, health, employment, schooling. `incomes`: kind, amount (a
    loss may be negative). `expenses`: kind, amount, note. `hardship_costs`: event,
    gross_amount, compensation, note. Amounts are Decimal or text in yuan.

    Raises PermissionDenied unless `by` is a hardship caseworker over `organisation`, and
    ValidationError (keyed by field, in Chinese) for anything wrong; nothing is written then.
    """
    if not is_system(by):
        require_can_act(by, organisation, [Role.HARDSHIP_CASEWORKER])
    plan, errors = _plan(
        organisation=organisation, source=source, referred_by=referred_by, year=year, head=head, members=members,
        incomes=incomes, expenses=expenses, hardship_costs=hardship_costs, region_code=region_code, address=address,
    )
    cause = _check_cause(errors, cause)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        worker, _notes = _save_worker(plan.head_input)
        active = _active_file_of(worker)  # someone registered the same head a moment ago
        if active is not None:
            raise ValidationError({"__all__": [_duplicate_message(active)]})
        household = Household(organisation=organisation, head=worker, region_code=plan.region_code,
                              address=plan.address, work_unit=(work_unit or "").strip(), cause=cause)
        household.full_clean()
        household.save()
        head_member = plan.head_member
        head_member.worker, head_member.name = worker, worker.name
        for member in [head_member, *plan.members]:
            member.household = household
            if member.worker is None and member.resident_id:
                member.worker = Worker.objects.with_resident_id(member.resident_id).first()
            member.full_clean()
            member.save()
        for item in plan.items:
            item.household, item.year = household, plan.year
            item.full_clean()
            item.save()
        file = open_hardship_file(household=household, by=by, source=plan.source, year=plan.year,
                                  referred_by=plan.referred_by)
        effects.run(START_HARDSHIP_FLOW, file, by=by)
    return file
