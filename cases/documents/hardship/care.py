"""Document kinds of an open hardship file: the aid decision (帮扶决定通知书), the receipt
for a disbursement (领款凭证), the yearly review (年度复核表), and exit with its publicity
(退档公示, 退档通知书).

The aid documents read the record their transition made: the door journals it in the
transition event's data["created"] (an AidPlan for approve_aid_plan, a Disbursement for
disburse, a YearlyReview for complete_yearly_review); rendered without an event they take
the latest approved plan, the latest disbursement, the latest review. Amounts are written
in figures (¥3,000.00) and, on the receipt and the decision, in Chinese capitals
(叁仟元整, cases.rules.money). The exit publicity ends on the due date of the file's
"hardship.exit_publicity" Deadline; the published name is masked (cases.rules.masking).
"""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.intake import (
    _in_document_language,
    _issued_on,
    _local_date,
    _paragraphs,
    _title,
    cn_money,
    self_reference,
)
from cases.documents.dispute.mediation import _created_pk
from cases.documents.hardship.identification import (
    OBJECTION_WAYS,
    SAMPLE_WORK_UNIT,
    _actor,
    _file_context,
    _label,
    _objection_outcome,
    _objections,
    _publicity_period,
    _require,
    _standard,
    objection_contact,
    register_hardship_kind,
    sample_contact,
    sample_file,
    sample_period,
    sample_standard,
    sample_steps,
)
from cases.documents.registry import Context, cn_date, person_name
from cases.hardship.assessment_basis import year_totals
from cases.models import AidPlan, AidType, AuditEvent, Disbursement, ExitReason, HardshipFile, PlanStatus, YearlyReview
from cases.models.hardship.states import H
from cases.rules.eligibility import Category
from cases.rules.masking import mask_name
from cases.rules.money import rmb_capitals

EXIT_PUBLICITY_CLOCK = "hardship.exit_publicity"


def _amount(value: Decimal) -> Context:
    return {"figures": cn_money(value), "capitals": rmb_capitals(value)}


# -- 帮扶决定通知书 (aid decision) ---------------------------------------------------------------

def _plan(file: HardshipFile, event: AuditEvent | None) -> AidPlan:
    """The plan the event's transition approved, else the file's latest approved plan."""
    plans = AidPlan.objects.filter(file=file).select_related("fund", "approved_by", "prepared_by")
    if (pk := _created_pk(event)) is not None:
        return plans.get(pk=pk)
    plan = plans.filter(status=PlanStatus.APPROVED).order_by("-approved_at", "-pk").first()
    if plan is None:
        raise ValueError(f"hardship file {file.pk}: no approved aid plan")
    return plan


def _plan_context(plan: AidPlan) -> Context:
    return {
        "type": _label(AidType, plan.aid_type),
        "purpose": _paragraphs(plan.purpose),
        "amount": _amount(plan.amount),
        "instalments": plan.instalments,
        "first_payment_on": cn_date(plan.first_payment_on),
        "fund": plan.fund.name,
        "fund_year": plan.fund.year,
        "preparer": person_name(plan.prepared_by),
        "approver": person_name(plan.approved_by),
        "approved_on": cn_date(_local_date(plan.approved_at)) if plan.approved_at else "",
    }


@_in_document_language
def _aid_decision_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    plan = _plan(file, transition_event)
    if plan.status != PlanStatus.APPROVED:
        raise ValueError(f"hardship file {file.pk}: aid plan {plan.pk} has not been approved")
    issued_on = _local_date(plan.approved_at) if plan.approved_at else _issued_on(transition_event)
    return {
        **_file_context(file, issued_on),
        "self_ref": self_reference(file.organisation),
        "addressee": file.household.head.name,
        "plan": _plan_context(plan),
    }


# -- 领款凭证 (receipt for a disbursement) --------------------------------------------------------

def _disbursement(file: HardshipFile, event: AuditEvent | None) -> Disbursement:
    payments = Disbursement.objects.filter(plan__file=file).select_related("plan__fund__organisation", "disbursed_by")
    if (pk := _created_pk(event)) is not None:
        return payments.get(pk=pk)
    latest = payments.order_by("-paid_on", "-pk").first()
    if latest is None:
        raise ValueError(f"hardship file {file.pk}: nothing has been disbursed")
    return latest


@_in_document_language
def _receipt_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    payment = _disbursement(file, transition_event)
    plan = payment.plan
    paid_so_far = sum(
        (d.amount for d in plan.disbursements.filter(pk__lte=payment.pk)), Decimal("0.00"),
    )
    return {
        **_file_context(file, payment.paid_on),
        # The fund's organisation pays: its series numbers the receipt, its name heads and seals it.
        "payer": plan.fund.organisation.name,
        "receipt_number": payment.receipt_number,
        "recipient": payment.recipient,
        "amount": _amount(payment.amount),
        "paid_on": cn_date(payment.paid_on),
        "plan": _plan_context(plan),
        "paid_so_far": cn_money(paid_so_far),
        "remaining": cn_money(plan.amount - paid_so_far),
        "disbursed_by": person_name(payment.disbursed_by) or _actor(transition_event),
    }


# -- 年度复核表 (yearly review) ------------------------------------------------------------------

def _yearly_review(file: HardshipFile, event: AuditEvent | None) -> YearlyReview:
    reviews = YearlyReview.objects.filter(file=file).select_related("reviewed_by")
    if (pk := _created_pk(event)) is not None:
        return reviews.get(pk=pk)
    latest = reviews.order_by("-reviewed_on", "-pk").first()
    if latest is None:
        raise ValueError(f"hardship file {file.pk}: no yearly review")
    return latest


def _change(before: Decimal, after: Decimal) -> str:
    if after > before:
        return f"增加{cn_money(after - before)}"
    return f"减少{cn_money(before - after)}" if after < before else "持平"


def _comparison(file: HardshipFile, review: YearlyReview) -> Context:
    """The review year's income against the last assessment's: the previous review's, or the
    identification's. Both years' figures are frozen once assessed (cases.hardship.assessment_basis)."""
    earlier = file.yearly_reviews.filter(year__lt=review.year).order_by("-year", "-pk").first()
    basis_year, basis, per_capita = ((earlier.year, "上次复核", earlier.per_capita_monthly) if earlier
                                     else (file.year, "认定", file.per_capita_monthly))
    income_before = year_totals(file.household, basis_year)["incomes"]
    income_after = year_totals(file.household, review.year)["incomes"]
    return {
        "basis_year": basis_year, "basis": basis,
        "income_before": cn_money(income_before), "income_after": cn_money(income_after),
        "income_change": _change(income_before, income_after),
        "per_capita_before": cn_money(per_capita) if per_capita is not None else "—",
    }


@_in_document_language
def _yearly_review_from_db(file: HardshipFile, transition_event: AuditEvent | None, *,
                           variant: str = "") -> Context:
    review = _yearly_review(file, transition_event)
    changed = review.previous_category != review.category
    return {
        "comparison": _comparison(file, review),
        **_file_context(file, review.reviewed_on),
        "review_year": review.year,
        "reviewed_on": cn_date(review.reviewed_on),
        "reviewer": person_name(review.reviewed_by) or _actor(transition_event),
        "previous_category": _label(Category, review.previous_category),
        "new_category": _label(Category, review.category),
        "changed": changed,
        "no_longer_in_hardship": review.category == Category.NONE,
        "per_capita_monthly": cn_money(review.per_capita_monthly),
        "steps": list(review.steps),
        "standard": _standard(file, review.year),
        "findings": _paragraphs(review.findings),
        "next_review_due": cn_date(file.next_review_due) if file.next_review_due else "",
    }


# -- 退档公示 (exit publicity) ------------------------------------------------------------------

@_in_document_language
def _exit_publicity_from_db(file: HardshipFile, transition_event: AuditEvent | None, *,
                            variant: str = "") -> Context:
    started_on = _require(file.exit_publicity_started_on, file, "the exit publicity")
    return {
        "file_number": "",  # the notice is public: no internal number
        "date": cn_date(started_on),
        "self_ref": self_reference(file.organisation),
        "entries": [{
            "masked_name": mask_name(file.household.head.name),
            "work_unit": file.household.work_unit,
            "sex": file.household.head.get_sex_display(),
            "category": _label(Category, file.category),
            "exit_reason": _label(ExitReason, _require(file.exit_reason, file, "the exit reason")),
        }],
        "period": _publicity_period(file, EXIT_PUBLICITY_CLOCK),
        "place": file.publicity_place,
        "objection_ways": OBJECTION_WAYS,
        "contact": objection_contact(file.organisation),
    }


# -- 退档通知书 (exit notice) --------------------------------------------------------------------

@_in_document_language
def _exit_notice_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    exited_on = _require(file.exited_on, file, "the exit")
    objections = _objections(file, H.EXIT_PUBLICITY)
    publicity = None
    if file.exit_publicity_started_on:
        publicity = _publicity_period(file, EXIT_PUBLICITY_CLOCK)
    return {
        **_file_context(file, exited_on),
        "self_ref": self_reference(file.organisation),
        "addressee": file.household.head.name,
        "opened_on": cn_date(file.opened_on) if file.opened_on else "",
        "exit_reason": _label(ExitReason, _require(file.exit_reason, file, "the exit reason")),
        "note": _paragraphs(file.exit_note),
        "exited_on": cn_date(exited_on),
        "publicity": publicity,
        "objection_outcome": _objection_outcome(objections),
    }


# -- Samples ------------------------------------------------------------------------------

FILE_NUMBER = "BJ-HD-KN-2026-0007"


def _sample_plan() -> Context:
    return {
        "type": "生活救助",
        "purpose": ["2026年度生活救助，按季度发放，用于保障家庭基本生活。"],
        "amount": _amount(Decimal("6000.00")),
        "instalments": 4,
        "first_payment_on": cn_date(date(2026, 3, 20)),
        "fund": "海淀区总工会2026年帮扶资金",
        "fund_year": 2026,
        "preparer": "赵敏",
        "approver": "钱立新",
        "approved_on": cn_date(date(2026, 3, 12)),
    }


def _sample_exit_period() -> Context:
    return sample_period(EXIT_PUBLICITY_CLOCK, date(2027, 3, 15), date(2027, 3, 22))


@_in_document_language
def _aid_decision_sample() -> Context:
    return {
        "title": _title("aid_decision_notice"), **sample_file(),
        "file_number": FILE_NUMBER,
        "self_ref": "本会",
        "addressee": "王建国",
        "plan": _sample_plan(),
        "date": cn_date(date(2026, 3, 12)),
    }


@_in_document_language
def _receipt_sample() -> Context:
    return {
        "title": _title("aid_receipt"), **sample_file(),
        "file_number": FILE_NUMBER,
        "payer": "海淀区总工会",
        "receipt_number": "BJ-HD-LK-2026-0031",
        "recipient": "王建国",
        "amount": _amount(Decimal("1500.00")),
        "paid_on": cn_date(date(2026, 3, 20)),
        "plan": _sample_plan(),
        "paid_so_far": cn_money(Decimal("1500.00")),
        "remaining": cn_money(Decimal("4500.00")),
        "disbursed_by": "赵敏",
        "date": cn_date(date(2026, 3, 20)),
    }


@_in_document_language
def _yearly_review_sample() -> Context:
    return {
        "title": _title("yearly_review_record"), **sample_file(),
        "file_number": FILE_NUMBER,
        "review_year": 2026,
        "reviewed_on": cn_date(date(2027, 2, 26)),
        "reviewer": "赵敏",
        "previous_category": "深度困难",
        "new_category": "深度困难",
        "changed": False,
        "no_longer_in_hardship": False,
        "per_capita_monthly": cn_money(Decimal("1000.00")),
        "steps": sample_steps(),
        "standard": {**sample_standard(), "year": 2026},
        "comparison": {"basis_year": 2025, "basis": "认定", "income_before": cn_money(Decimal("36000.00")),
                       "income_after": cn_money(Decimal("36000.00")), "income_change": "持平",
                       "per_capita_before": cn_money(Decimal("1000.00"))},
        "findings": ["入户核实：配偶仍在治疗，未就业；申请人工资收入与上年持平；孩子升入初三。"],
        "next_review_due": cn_date(date(2028, 3, 4)),
        "date": cn_date(date(2027, 2, 26)),
    }


@_in_document_language
def _exit_publicity_sample() -> Context:
    return {
        "title": _title("exit_publicity_notice"),
        "organisation_name": "海淀区总工会",
        "file_number": "",
        "self_ref": "本会",
        "entries": [{"masked_name": mask_name("王建国"), "work_unit": SAMPLE_WORK_UNIT, "sex": "男",
                     "category": "深度困难", "exit_reason": "已脱困"}],
        "period": _sample_exit_period(),
        "place": "海淀区总工会一楼公示栏及职工所在单位公示栏",
        "objection_ways": OBJECTION_WAYS,
        "contact": sample_contact(),
        "date": cn_date(date(2027, 3, 15)),
    }


@_in_document_language
def _exit_notice_sample() -> Context:
    return {
        "title": _title("exit_notice"), **sample_file(),
        "file_number": FILE_NUMBER,
        "self_ref": "本会",
        "addressee": "王建国",
        "opened_on": cn_date(date(2026, 3, 4)),
        "exit_reason": "已脱困",
        "note": ["配偶康复后重新就业，经2026年度复核，家庭月人均可支配收入高于本市低保标准的2倍。"],
        "exited_on": cn_date(date(2027, 3, 23)),
        "publicity": _sample_exit_period(),
        "objection_outcome": _objection_outcome([]),
        "date": cn_date(date(2027, 3, 23)),
    }


# -- Registration -------------------------------------------------------------------------

register_hardship_kind("aid_decision_notice", _("帮扶决定通知书"), _aid_decision_sample, _aid_decision_from_db)
register_hardship_kind("aid_receipt", _("帮扶资金领款凭证"), _receipt_sample, _receipt_from_db)
register_hardship_kind("yearly_review_record", _("困难职工年度复核表"), _yearly_review_sample, _yearly_review_from_db)
register_hardship_kind("exit_publicity_notice", _("困难职工退档公示"), _exit_publicity_sample, _exit_publicity_from_db)
register_hardship_kind("exit_notice", _("困难职工退档通知书"), _exit_notice_sample, _exit_notice_from_db)
