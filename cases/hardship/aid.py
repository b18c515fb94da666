"""Aid funds and the money that goes through them: budgets in, plans, approvals, payments out.

A fund's balance is the sum of its ledger (FundEntry) rows; nothing here ever edits or
deletes a row, a correction would be a new one. `propose_plan`, `approve_plan` and
`disburse` are called by the hardship file's transitions inside the door
(cases.platform.transitions.apply), which has already locked the file row, checked the
actor's role and will journal the transition; `open_fund` and `allocate_budget` are not
transitions of a file and check and journal for themselves.

Concurrency: `disburse` locks the plan's row, the paying organisation's row and the fund's
row (FOR NO KEY UPDATE for the last two: exclusive among payments, yet no obstacle to inserts
that merely reference them, such as audit events and documents) and computes the balance
from the ledger inside those locks, so two payments from one fund never both see the same
balance, and receipt numbers (<org code>-LK-<year>-<NNNNNN>, one sequence per paying
organisation and year) are issued one at a time. Locks are always taken in the order
file → plan → organisation → fund → audit chain head, so payments never deadlock each other.
An aid programme's payment (cases.hardship.programmes) goes through the same pay_from_fund,
locking application → organisation → fund → audit chain head.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    AidPlan,
    AidType,
    AuditAction,
    Disbursement,
    EntryKind,
    Fund,
    FundEntry,
    HardshipFile,
    Organisation,
    PlanStatus,
    Role,
)
from cases.models.access import require_can_act
from cases.models.actors import is_system, person
from cases.platform.audit.journal import append_event
from cases.platform.effects import effect
from cases.rules.bounds import amount_error, decimal_from_text
from cases.rules.money import yuan  # ¥8,000.00 in the refusals' messages

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# Who may open a fund and put budget into it.
FUND_KEEPERS = (Role.ORG_ADMIN, Role.REVIEWER)
# Who sees funds: the hardship roles and organisation admins, each in the subtrees where they hold the role.
FUND_READERS = (Role.HARDSHIP_CASEWORKER, Role.REVIEWER, Role.AUDITOR, Role.ORG_ADMIN)
RECEIPT_DIGITS = 6


def _amount(value, field: str, *, label: str, zero_allowed: bool = False) -> Decimal:
    """A positive (or, where allowed, zero) amount of yuan with at most two decimals, never a float."""
    if value is None or value == "" or isinstance(value, (float, bool)):
        raise ValidationError({field: _("请填写%(label)s（元，最多两位小数）。") % {"label": label}})
    amount = value if isinstance(value, Decimal) else decimal_from_text(value)  # `1e6` is no amount
    if amount is None:
        raise ValidationError({field: _("%(label)s不是有效的金额：%(value)s") % {"label": label, "value": value}})
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ValidationError({field: _("%(label)s最多精确到分（两位小数）。") % {"label": label}})
    if amount < ZERO or (amount == ZERO and not zero_allowed):
        rule = _("不能为负数") if zero_allowed else _("必须大于零")
        raise ValidationError({field: _("%(label)s%(rule)s。") % {"label": label, "rule": rule}})
    if message := amount_error(amount, label=label):
        raise ValidationError({field: message})
    return amount.quantize(CENT)


def _date(value, field: str, *, label: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    return value


def _text(value, field: str, *, message: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError({field: message})
    return text


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


# -- funds and budgets ---------------------------------------------------------------------


def funds_in_reach(user) -> QuerySet[Fund]:
    """The funds `user` works with: those of the organisations in the subtrees where they hold a
    hardship role or are an organisation admin. One rule for the fund list, a fund's page and
    paying from a fund: a fund of an organisation above theirs (the city's fund, for a district's
    caseworker) is neither listed nor opened nor paid from by them; its own organisation's staff,
    who see the files below them, pay from it, and its receipt is theirs."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Fund.objects.none()
    if user.is_superuser:
        return Fund.objects.all()
    roots = list(Organisation.objects.filter(memberships__user=user, memberships__role__in=FUND_READERS).distinct())
    return Fund.objects.filter(organisation__in=Organisation.objects.subtree_of(roots).values("pk"))


def refuse_fund_out_of_reach(fund: Fund, by) -> None:
    if not is_system(by) and not funds_in_reach(by).filter(pk=fund.pk).exists():
        raise PermissionDenied(_("“%(fund)s”是%(org)s的资金，不在您的帮扶资金范围内，不能从该资金发放；"
                                 "请由%(org)s的帮扶工作人员发放。") % {"fund": fund, "org": fund.organisation.name})


def committed(fund: Fund) -> Decimal:
    """What the fund's approved plans still have to pay (each approved amount less what was paid under it)."""
    plans = AidPlan.objects.filter(fund=fund, status=PlanStatus.APPROVED)
    approved = plans.aggregate(total=Sum("amount"))["total"] or ZERO
    paid = Disbursement.objects.filter(plan__in=plans).aggregate(total=Sum("amount"))["total"] or ZERO
    return approved - paid


def available_balance(fund: Fund) -> Decimal:
    """The balance not yet promised: the ledger's balance less what approved plans still have to pay."""
    return fund.balance() - committed(fund)


def shortfall_warning(plan: AidPlan) -> str:
    """For a proposed plan: a warning, with both amounts, when approving it would promise more
    than its fund has available; "" otherwise. A warning and not a refusal: an approval promises
    money over the year, budget is allocated as the year goes, and no payment can ever overdraw
    the fund (disburse refuses it), so the reviewer decides knowing it."""
    if plan.status != PlanStatus.PROPOSED:
        return ""
    fund = plan.fund
    balance, promised = fund.balance(), committed(fund)
    available = balance - promised
    if plan.amount <= available:
        return ""
    return _("注意：本计划金额%(amount)s超过“%(fund)s”的可用余额%(available)s（余额%(balance)s，已批准尚未发放"
             "%(promised)s）。可以批准，但须待预算拨入后才能足额发放：资金不能透支，余额不足时发放将被拒绝。") % {
        "amount": yuan(plan.amount), "fund": fund, "available": yuan(available), "balance": yuan(balance),
        "promised": yuan(promised)}


@transaction.atomic
def open_fund(*, organisation: Organisation, year: int, aid_type: str, name: str, budget: Decimal | int | str,
              by, programme: str = "") -> Fund:
    """A fund of `organisation` for one year and aid type, with its first budget allocation
    (a budget of 0 opens the fund empty; money comes later through allocate_budget).
    `programme`: the fund line of an aid programme (送温暖, 金秋助学, ...), which pays only
    that programme's applications; its aid type is the programme's."""
    if not is_system(by):
        require_can_act(by, organisation, FUND_KEEPERS)
    if aid_type not in AidType.values:
        raise ValidationError({"aid_type": _("请选择帮扶类别。")})
    name = _text(name, "name", message=_("请填写资金名称。"))
    budget = _amount(budget, "budget", label=_("年度预算"), zero_allowed=True)
    fund = _saved(Fund(organisation=organisation, year=year, aid_type=aid_type, programme=programme or "", name=name))
    append_event(action=AuditAction.TRANSITION, actor=by, subject=fund, organisation=organisation,
                 name="open_fund", data={"year": year, "aid_type": aid_type, "programme": fund.programme,
                                         "name": name, "budget": budget})
    if budget > ZERO:
        allocate_budget(fund=fund, amount=budget, by=by, note=_("%(year)s年度预算") % {"year": year})
    return fund


@transaction.atomic
def allocate_budget(*, fund: Fund, amount: Decimal | int | str, by, note: str) -> FundEntry:
    """Budget into `fund` (预算拨入): an organisation admin or reviewer of the fund's
    organisation (or above) records it, with a note saying where the money comes from."""
    if not is_system(by):
        require_can_act(by, fund.organisation, FUND_KEEPERS)
    amount = _amount(amount, "amount", label=_("拨入金额"))
    note = _text(note, "note", message=_("请填写摘要（预算来源或拨款文号）。"))
    locked = Fund.objects.select_for_update(no_key=True).select_related("organisation").get(pk=fund.pk)
    entry = _saved(FundEntry(fund=locked, kind=EntryKind.ALLOCATION, amount=amount, note=note,
                             recorded_by=person(by)))
    append_event(action=AuditAction.TRANSITION, actor=by, subject=locked, organisation=locked.organisation,
                 name="allocate_budget", reason=note,
                 data={"amount": amount, "entry": entry, "balance": locked.balance()})
    return entry


# -- plans ---------------------------------------------------------------------------------


def propose_plan(*, file: HardshipFile, by, aid_type: str, fund: Fund, amount: Decimal | int | str,
                 instalments: int = 1, first_payment_on: date, purpose: str) -> AidPlan:
    """A personalised aid plan for an open file (called by the file's propose_aid_plan
    transition). The year's plans together stay within the file's approved yearly amount."""
    if aid_type not in AidType.values:
        raise ValidationError({"aid_type": _("请选择帮扶类别（生活救助、医疗救助、助学、就业帮扶）。")})
    if not isinstance(fund, Fund):
        raise ValidationError({"fund": _("请选择帮扶资金。")})
    if fund.organisation_id not in file.organisation.lineage_ids:
        raise ValidationError({"fund": _("“%(fund)s”属于%(org)s，不是本档案所属组织或其上级组织的资金。")
                               % {"fund": fund, "org": fund.organisation}})
    if fund.programme:
        raise ValidationError({"fund": _("“%(fund)s”是%(programme)s专项资金，只用于该项目的申请，不能用于帮扶计划。")
                               % {"fund": fund, "programme": fund.get_programme_display()}})
    if fund.aid_type != aid_type:
        raise ValidationError({"fund": _("“%(fund)s”只能用于%(fund_type)s，不能用于%(aid_type)s。")
                               % {"fund": fund, "fund_type": fund.get_aid_type_display(),
                                  "aid_type": AidType(aid_type).label}})
    first_payment_on = _date(first_payment_on, "first_payment_on", label=_("首次发放日期"))
    if first_payment_on.year != fund.year:
        raise ValidationError({"first_payment_on": _(
            "首次发放日期在%(year)s年，“%(fund)s”是%(fund_year)s年度的资金，请选择当年度的资金。")
            % {"year": first_payment_on.year, "fund": fund, "fund_year": fund.year}})
    amount = _amount(amount, "amount", label=_("计划金额"))
    if isinstance(instalments, bool) or not isinstance(instalments, int) or instalments < 1:
        raise ValidationError({"instalments": _("发放次数须为不小于1的整数。")})
    purpose = _text(purpose, "purpose", message=_("请填写帮扶内容。"))
    year = first_payment_on.year
    planned = (AidPlan.objects.filter(file=file, first_payment_on__year=year)
               .aggregate(total=Sum("amount"))["total"] or ZERO)
    if planned + amount > file.proposed_aid_amount:
        raise ValidationError({"amount": _(
            "本档案%(year)s年帮扶计划合计将达%(total)s（已有计划%(planned)s，本次%(amount)s），"
            "超过审批确定的年度帮扶金额%(approved)s。")
            % {"year": year, "total": yuan(planned + amount), "planned": yuan(planned), "amount": yuan(amount),
               "approved": yuan(file.proposed_aid_amount)}})
    return _saved(AidPlan(file=file, aid_type=aid_type, fund=fund, amount=amount, instalments=instalments,
                          first_payment_on=first_payment_on, purpose=purpose, prepared_by=person(by)))


def _plan_of(file: HardshipFile, plan) -> AidPlan:
    """`plan`, re-read under a row lock, when it is one of this file's plans."""
    if not isinstance(plan, AidPlan) or plan.file_id != file.pk:
        raise ValidationError({"plan": _("请选择本档案的一项帮扶计划。")})
    # of=("self",): lock the plan's row only. Without it PostgreSQL would also lock the joined
    # fund and organisation rows FOR UPDATE, which blocks every insert that merely references
    # the organisation (audit events, documents) and deadlocks against the audit chain head.
    return AidPlan.objects.select_for_update(of=("self",)).select_related("fund").get(pk=plan.pk)


@transaction.atomic
def approve_plan(*, file: HardshipFile, plan: AidPlan, by) -> AidPlan:
    """A reviewer approves a proposed plan (called by the file's approve_aid_plan transition).
    Four eyes: nobody who prepared the plan or the file approves it, and a person, not the
    system, must be named as the approver of every yuan."""
    plan = _plan_of(file, plan)
    if plan.status != PlanStatus.PROPOSED:
        raise ValidationError({"plan": _("该帮扶计划已经批准，不能重复审批。")})
    approver = person(by)
    if approver is None:
        raise PermissionDenied(_("帮扶计划须由审核人本人审批，系统不能代为审批。"))
    if approver.pk == plan.prepared_by_id or approver.pk in file.preparers():
        raise PermissionDenied(_("您制定了该帮扶计划或经办了本档案，不能审批（双人审核：制定人与审批人须为不同的人）。"))
    plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, approver, timezone.now()
    return _saved(plan)


# -- payments ------------------------------------------------------------------------------


def next_receipt_number(organisation: Organisation, year: int) -> str:
    """"<org code>-LK-<year>-<NNNNNN>": the next receipt of the paying organisation in `year`.
    Call it only while holding the organisation's row lock (disburse does)."""
    prefix = f"{organisation.code}-LK-{year}-"
    last = (Disbursement.objects.filter(receipt_number__startswith=prefix)
            .order_by(Length("receipt_number").desc(), "-receipt_number")
            .values_list("receipt_number", flat=True).first())
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:0{RECEIPT_DIGITS}d}"


@transaction.atomic
def disburse(*, file: HardshipFile, by, plan: AidPlan, amount: Decimal | int | str, paid_on: date,
             recipient: str) -> Disbursement:
    """Pay `amount` under an approved plan of this file (called by the file's disburse
    transition): a negative ledger entry and a receipt, never more than the plan nor than
    the fund holds."""
    plan = _plan_of(file, plan)
    if plan.status != PlanStatus.APPROVED or plan.approved_by_id is None:
        raise ValidationError({"plan": _("帮扶计划尚未审批，不能发放。")})
    amount = _amount(amount, "amount", label=_("发放金额"))
    paid_on = _date(paid_on, "paid_on", label=_("发放日期"))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("发放日期不能晚于今天。")})
    approved_on = timezone.localdate(plan.approved_at)
    if paid_on < approved_on:
        raise ValidationError({"paid_on": _("发放日期不能早于帮扶计划的批准日期（%(day)s）。") % {"day": approved_on}})
    recipient = _text(recipient, "recipient", message=_("请填写领款人姓名。"))
    paid = plan.paid()
    if paid + amount > plan.amount:
        raise ValidationError({"amount": _(
            "本次发放%(amount)s后累计%(total)s，超过帮扶计划金额%(planned)s（已发放%(paid)s，尚可发放%(left)s）。")
            % {"amount": yuan(amount), "total": yuan(paid + amount), "planned": yuan(plan.amount),
               "paid": yuan(paid), "left": yuan(plan.amount - paid)}})

    note = _("%(file)s %(aid_type)s 领款人%(recipient)s") % {
        "file": file.number or file.pk, "aid_type": plan.get_aid_type_display(), "recipient": recipient}
    return pay_from_fund(fund=plan.fund, amount=amount, paid_on=paid_on, recipient=recipient, note=note, by=by,
                         plan=plan)


def pay_from_fund(*, fund: Fund, amount: Decimal, paid_on: date, recipient: str, note: str, by,
                  plan: AidPlan | None = None, application=None) -> Disbursement:
    """The payment itself, for a plan (disburse) or a programme application
    (cases.hardship.programmes): lock the paying organisation's row and the fund's row, refuse
    to overdraw the fund, write the negative ledger entry and the Disbursement with the
    organisation's next receipt number. The caller has checked and locked what is paid for."""
    refuse_fund_out_of_reach(fund, by)
    payer = Organisation.objects.select_for_update(no_key=True).get(pk=fund.organisation_id)
    fund = Fund.objects.select_for_update(no_key=True).get(pk=fund.pk)
    balance = fund.balance()  # read inside the lock: no other payment from this fund is in flight
    if amount > balance:
        raise ValidationError({"amount": _("“%(fund)s”余额为%(balance)s，不足以发放%(amount)s，资金不能透支。")
                               % {"fund": fund, "balance": yuan(balance), "amount": yuan(amount)}})
    entry = _saved(FundEntry(fund=fund, kind=EntryKind.DISBURSEMENT, amount=-amount, recorded_by=person(by),
                             note=note))
    return _saved(Disbursement(plan=plan, application=application, entry=entry, amount=amount, paid_on=paid_on,
                               recipient=recipient, receipt_number=next_receipt_number(payer, paid_on.year),
                               disbursed_by=person(by)))


# -- reading the ledger --------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    """One ledger line with the balance after it, and for a payment its plan and receipt."""

    entry: FundEntry
    balance: Decimal
    disbursement: Disbursement | None

    @property
    def amount_in(self) -> Decimal:
        return self.entry.amount if self.entry.amount > ZERO else ZERO

    @property
    def amount_out(self) -> Decimal:
        return -self.entry.amount if self.entry.amount < ZERO else ZERO

    @property
    def receipt_number(self) -> str:
        return self.disbursement.receipt_number if self.disbursement else ""

    @property
    def plan(self) -> AidPlan | None:
        return self.disbursement.plan if self.disbursement else None

    @property
    def application(self):
        """The programme application paid (送温暖, 金秋助学, ...), for a payment that is not a plan's."""
        return self.disbursement.application if self.disbursement else None


def fund_ledger(fund: Fund) -> list[LedgerRow]:
    """The fund's ledger in the order it was written, with a running balance: for a page or an export."""
    entries = (FundEntry.objects.filter(fund=fund).order_by("pk")
               .select_related("recorded_by", "disbursement__plan__approved_by", "disbursement__plan__file",
                               "disbursement__application__file", "disbursement__application__first_approved_by",
                               "disbursement__application__second_approved_by"))
    rows, balance = [], ZERO
    for entry in entries:
        balance += entry.amount
        rows.append(LedgerRow(entry=entry, balance=balance, disbursement=getattr(entry, "disbursement", None)))
    return rows


@dataclass(frozen=True)
class FundSummary:
    budget: Decimal
    paid: Decimal

    @property
    def balance(self) -> Decimal:
        return self.budget - self.paid


def fund_summary(fund: Fund) -> FundSummary:
    """Budget allocated, paid out and what is left, from the ledger in one query."""
    sums = FundEntry.objects.filter(fund=fund).aggregate(
        budget=Sum("amount", filter=Q(kind=EntryKind.ALLOCATION)),
        paid=Sum("amount", filter=Q(kind=EntryKind.DISBURSEMENT)),
    )
    return FundSummary(budget=sums["budget"] or ZERO, paid=-(sums["paid"] or ZERO))


# -- the file's transitions whose work is done here (custom "performed_by"; the door calls them) --

@effect("aid.propose_plan")
def _propose_aid_plan(file: HardshipFile, *, by, reason: str = "", **plan) -> AidPlan:
    return propose_plan(file=file, by=by, **plan)


@effect("aid.approve_plan")
def _approve_aid_plan(file: HardshipFile, *, by, reason: str = "", plan: AidPlan | None = None, **data) -> AidPlan:
    return approve_plan(file=file, plan=plan, by=by)


@effect("aid.disburse")
def _disburse(file: HardshipFile, *, by, reason: str = "", **payment) -> Disbursement:
    return disburse(file=file, by=by, **payment)

