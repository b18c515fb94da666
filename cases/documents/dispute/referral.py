"""Document kinds for an agreement that is not performed, both to the worker: the guidance
to apply for arbitration (Art.15) and, for the claims Art.16 lists, the guide to applying
to the people's court for a payment order (支付令).

Which claim types qualify for a payment order is data in cases/rules/claims.py. Payments
are recorded per instalment, not per claim: when an agreement also awards money outside
Art.16, the unpaid part that belongs to Art.16 claims is known only within bounds, and the
guide says so rather than inventing an allocation.

The non-performance both documents state is the first instalment whose due date passed
unpaid (as of the referral) and/or the obligor's declared refusal, which the `refer`
transition journals in its audit event's input (`refused_on`, `refusal_note`); the
limitation date runs from the earlier of the two
(cases.rules.limitation.limitation_after_non_performance). Mediation ended when the
agreement took effect.
"""

from datetime import date
from decimal import Decimal

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.agreement import ZERO, _agreement, _instalment_rows
from cases.documents.dispute.intake import (
    ARBITRATION_VENUE,
    _case_context,
    _in_document_language,
    _issued_on,
    _limitation_context,
    _sample_case,
    _title,
    cn_money,
)
from cases.documents.registry import Context, DocumentKind, cn_date, register, to_the_worker
from cases.models import Agreement, AuditEvent, DisputeCase
from cases.models.dispute.representation import PartySide, party_role
from cases.rules.claims import ART16_CITATION, ClaimType, qualifies_for_payment_order
from cases.rules.limitation import first_non_performance, limitation_after_non_performance

ART15_CITATION = (
    "《劳动争议调解仲裁法》第十五条：达成调解协议后，一方当事人在协议约定期限内不履行调解协议的，"
    "另一方当事人可以依法申请仲裁"
)

ARBITRATION_MATERIALS = (
    "仲裁申请书（按被申请人人数提交副本）；",
    "本人居民身份证原件及复印件；",
    "调解协议书及本指引；",
    "被申请人未按协议履行的证据，如银行流水、催告记录；",
    "劳动合同、工资支付记录等证明劳动关系和争议事实的材料。",
)

PAYMENT_ORDER_MATERIALS = (
    "支付令申请书（写明请求给付的金额和所根据的事实、证据）；",
    "调解协议书原件及复印件；",
    "申请人身份证明（居民身份证原件及复印件）；",
    "被申请人的主体资格证明，如营业执照复印件或企业信用信息公示系统查询结果；",
    "被申请人未在协议约定期限内履行的证据，如银行流水、催告记录、调解组织出具的履行情况登记表；",
    "被申请人的住所和送达地址。",
)

# 民事诉讼法 on 督促程序, with the Supreme People's Court's interpretations: the court of the
# debtor's domicile; once the court ends the procedure, the worker goes to arbitration.
COURT = "有管辖权的基层人民法院"
COURT_NOTE = (
    "依照《民事诉讼法》关于督促程序的规定，支付令的申请一般由债务人（即被申请人{employer}）住所地的基层人民法院管辖。"
    "人民法院受理后，被申请人提出书面异议等，人民法院裁定终结督促程序的，申请人可以依法向劳动人事争议仲裁委员会申请仲裁。"
)


# Art.16 needs the agreed period to have passed; 民事诉讼法's 督促程序 takes only money that is due.
NOT_YET_DUE_NOTE = (
    "第十六条适用于用人单位在协议约定期限内不履行的情形；依照《民事诉讼法》关于督促程序的规定，支付令只能就已到期且数额确定的款项申请。"
    "目前协议约定的履行期限尚未届满：第{number}期款项的履行期限（{due_on}）届满后被申请人仍未支付的，你可以持调解协议书申请支付令；"
    "在此之前，你可以依照{self_ref}同时出具的《不履行调解协议告知书》申请仲裁。"
)


def _performance(agreement: Agreement, today: date) -> tuple[list[Context], Context]:
    """Every instalment with what was paid and what is still owed, and the totals."""
    rows, totals = _instalment_rows(agreement, today=today)
    if not any(Decimal(row["outstanding_value"]) > ZERO for row in rows):
        raise ValueError(f"case {agreement.case.number}: the agreement has been performed in full")
    return rows, totals


# -- What was not performed, and the limitation it starts --------------------------------------

def _referral_input(case: DisputeCase, transition_event: AuditEvent | None) -> dict:
    """What the referral journalled (its event, else the case's latest referral)."""
    event = transition_event
    if event is None or event.name != "refer":
        event = AuditEvent.objects.for_subject(case).filter(name="refer").order_by("-seq").first()
    return (event.data or {}).get("input") or {} if event is not None else {}


def _as_day(value) -> date | None:
    return parse_date(value) if isinstance(value, str) and value else None


def _non_performance(case: DisputeCase, agreement: Agreement, transition_event: AuditEvent | None,
                     issued_on: date) -> Context:
    """The facts of the non-performance as the notice states them, and the limitation they start."""
    data = _referral_input(case, transition_event)
    refused_on, how = _as_day(data.get("refused_on")), str(data.get("refusal_note") or "").strip().rstrip("。")
    overdue = agreement.first_overdue_instalment(issued_on)
    if overdue is None and refused_on is None:
        raise ValueError(f"case {case.number}: referred with no instalment overdue and no refusal recorded")
    facts = []
    obligor = party_role(case, PartySide.EMPLOYER)  # 被申请人, or 申请人 when the employer applied
    if overdue is not None:
        facts.append((overdue.due_on, f"第{overdue.number}期款项的履行期限于{cn_date(overdue.due_on)}届满，{obligor}未按期付清"))
    if refused_on is not None:
        facts.append((refused_on, f"{obligor}于{cn_date(refused_on)}明确表示不履行调解协议" + (f"（{how}）" if how else "")))
    event = first_non_performance(overdue_instalment=(overdue.number, overdue.due_on) if overdue else None,
                                  refused_on=refused_on)
    result = limitation_after_non_performance(
        effective_on=agreement.effective_on, non_performance=event, employment_end=case.employment_end,
        claim_types=case.claims.values_list("claim_type", flat=True))
    next_due = None
    if overdue is None:  # refused before anything fell due: the first instalment still owed
        unpaid = [i for i in agreement.instalments.order_by("due_on", "number") if i.outstanding > ZERO]
        next_due = {"number": unpaid[0].number, "due_on": cn_date(unpaid[0].due_on)} if unpaid else None
    return {
        "facts": "；".join(text for _day, text in sorted(facts, key=lambda fact: fact[0])),
        "next_due": next_due,
        "limitation": _limitation_context(
            limitation_date=result.limitation_date, basis=result.basis, not_limited=result.not_limited,
            time_barred_at_receipt=result.time_barred_at_receipt),
    }


# -- Which unpaid money is an Art.16 claim ----------------------------------------------------

def _art16_split(case: DisputeCase) -> Context | None:
    """The awarded amounts of the qualifying claims, and the bounds of their unpaid part."""
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is None:
        return None
    qualifying, qualifying_total, other_total, other_types = [], ZERO, ZERO, []
    for claim in case.claims.all():
        awarded = claim.amount_awarded or ZERO
        if awarded <= ZERO:
            continue
        if qualifies_for_payment_order(claim.claim_type):
            qualifying.append({"type": str(ClaimType(claim.claim_type).label), "description": claim.description,
                               "awarded": cn_money(awarded)})
            qualifying_total += awarded
        else:
            other_total += awarded
            other_types.append(str(ClaimType(claim.claim_type).label))
    outstanding = sum((row.outstanding for row in agreement.instalments.all()), ZERO)
    return {
        "claims": qualifying, "total": qualifying_total, "other_total": other_total,
        "other_types": list(dict.fromkeys(other_types)), "outstanding": outstanding,
        "unpaid_low": max(ZERO, outstanding - other_total), "unpaid_high": min(outstanding, qualifying_total),
    }


def has_unpaid_payment_order_claim(case: DisputeCase) -> bool:
    """Art.16: the agreement awards money for a qualifying claim and some of it may be unpaid."""
    split = _art16_split(case)
    return split is not None and split["unpaid_high"] > ZERO


# -- 申请仲裁指引 (non-performance: the right to arbitrate, to the worker) ----------------------

@_in_document_language
def _arbitration_guidance_from_db(case: DisputeCase, transition_event: AuditEvent | None, *,
                                  variant: str = "") -> Context:
    agreement = _agreement(case)
    issued_on = _issued_on(transition_event)
    instalments, totals = _performance(agreement, issued_on)
    reason = (transition_event.reason if transition_event is not None else "") or case.end_reason
    non_performance = _non_performance(case, agreement, transition_event, issued_on)
    context = {
        **_case_context(case, issued_on),
        "effective_on": cn_date(agreement.effective_on) if agreement.effective_on else "",
        "facts": non_performance["facts"],
        "not_yet_due": non_performance["next_due"] is not None,
        "reason": reason.strip().rstrip("。"),
        "instalments": instalments,
        "totals": totals,
        "art15_citation": ART15_CITATION,
        "venue": ARBITRATION_VENUE,
        "materials": list(ARBITRATION_MATERIALS),
        "payment_order": has_unpaid_payment_order_claim(case),
        "limitation": non_performance["limitation"],
    }
    return {**context, "addressee": context["worker"]["name"]}


# -- 支付令申请指引 (payment-order guide, Art.16 claims only) ---------------------------------

@_in_document_language
def _payment_order_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    split = _art16_split(case)
    if split is None or split["unpaid_high"] <= ZERO:
        raise ValueError(f"case {case.number}: no unpaid claim qualifies for a payment order (Art.16)")
    agreement = _agreement(case)
    issued_on = _issued_on(transition_event)
    instalments, totals = _performance(agreement, issued_on)
    exact = split["unpaid_low"] == split["unpaid_high"]
    non_performance = _non_performance(case, agreement, transition_event, issued_on)
    next_due = non_performance["next_due"]
    context = {
        **_case_context(case, issued_on),
        "effective_on": cn_date(agreement.effective_on) if agreement.effective_on else "",
        "facts": non_performance["facts"],
        "qualifying": split["claims"],
        "qualifying_total": cn_money(split["total"]),
        "other_types": split["other_types"],
        "other_total": cn_money(split["other_total"]),
        "instalments": instalments,
        "totals": totals,
        "unpaid_exact": exact,
        "unpaid_low": cn_money(split["unpaid_low"]),
        "unpaid_high": cn_money(split["unpaid_high"]),
        "art16_citation": str(ART16_CITATION),
        "court": COURT,
        "court_note": COURT_NOTE.format(employer=case.employer.name),
        "employer_address": case.employer.address,
        "materials": list(PAYMENT_ORDER_MATERIALS),
    }
    context["not_yet_due_note"] = NOT_YET_DUE_NOTE.format(self_ref=context["self_ref"], **next_due) if next_due else ""
    return {**context, "addressee": context["worker"]["name"]}


# -- Samples --------------------------------------------------------------------------------

def _sample_unpaid() -> tuple[list[Context], Context]:
    first = {"number": 1, "due_on": cn_date(date(2026, 10, 31)), "amount": cn_money(Decimal("20000.00")),
             "paid": cn_money(Decimal("20000.00")), "outstanding": cn_money(ZERO), "outstanding_value": "0.00",
             "status": "已付清"}
    row = {"number": 2, "due_on": cn_date(date(2026, 11, 30)), "amount": cn_money(Decimal("19345.67")),
           "paid": cn_money(ZERO), "outstanding": cn_money(Decimal("19345.67")), "outstanding_value": "19345.67",
           "status": "逾期未付清"}
    totals = {"amount": cn_money(Decimal("39345.67")), "paid": cn_money(Decimal("20000.00")),
              "outstanding": cn_money(Decimal("19345.67"))}
    return [first, row], totals


# The sample case: effective 2026-10-14, the second instalment due 2026-11-30 unpaid, referred
# 2026-12-03; the worker's employment ended 2026-08-31 (the oral record's sample).
SAMPLE_FACTS = "第2期款项的履行期限于2026年11月30日届满，被申请人未按期付清"


def _sample_limitation() -> Context:
    result = limitation_after_non_performance(
        effective_on=date(2026, 10, 14),
        non_performance=first_non_performance(overdue_instalment=(2, date(2026, 11, 30)), refused_on=None),
        employment_end=date(2026, 8, 31),
        claim_types=[ClaimType.WAGE_ARREARS, ClaimType.OVERTIME_PAY, ClaimType.ECONOMIC_COMPENSATION])
    return _limitation_context(limitation_date=result.limitation_date, basis=result.basis,
                               not_limited=result.not_limited, time_barred_at_receipt=result.time_barred_at_receipt)


def _arbitration_guidance_sample() -> Context:
    instalments, totals = _sample_unpaid()
    context = {
        "title": _title("arbitration_guidance"),
        **_sample_case(),
        "effective_on": cn_date(date(2026, 10, 14)),
        "facts": SAMPLE_FACTS,
        "not_yet_due": False,
        "reason": "经调解员于2026年12月1日电话催告，被申请人称资金周转困难，仍未支付",
        "instalments": instalments,
        "totals": totals,
        "art15_citation": ART15_CITATION,
        "venue": ARBITRATION_VENUE,
        "materials": list(ARBITRATION_MATERIALS),
        "payment_order": True,
        "limitation": _sample_limitation(),
        "date": cn_date(date(2026, 12, 3)),
    }
    return {**context, "addressee": context["worker"]["name"]}


def _payment_order_sample() -> Context:
    instalments, totals = _sample_unpaid()
    context = {
        "title": _title("payment_order_guide"),
        **_sample_case(),
        "effective_on": cn_date(date(2026, 10, 14)),
        "facts": SAMPLE_FACTS,
        "not_yet_due_note": "",
        "qualifying": [
            {"type": "拖欠劳动报酬", "description": "支付2026年7月至8月工资", "awarded": cn_money(Decimal("12345.67"))},
            {"type": "加班费", "description": "支付2026年3月至8月延长工作时间加班费", "awarded": cn_money(Decimal("3000.00"))},
            {"type": "经济补偿", "description": "支付解除劳动合同经济补偿（3个月工资）",
             "awarded": cn_money(Decimal("24000.00"))},
        ],
        "qualifying_total": cn_money(Decimal("39345.67")),
        "other_types": [],
        "other_total": cn_money(ZERO),
        "instalments": instalments,
        "totals": totals,
        "unpaid_exact": True,
        "unpaid_low": cn_money(Decimal("19345.67")),
        "unpaid_high": cn_money(Decimal("19345.67")),
        "art16_citation": str(ART16_CITATION),
        "court": COURT,
        "court_note": COURT_NOTE.format(employer="北京启明星辰餐饮管理有限公司"),
        "employer_address": "北京市海淀区中关村大街27号中关村大厦B座1106室",
        "materials": list(PAYMENT_ORDER_MATERIALS),
        "date": cn_date(date(2026, 12, 3)),
    }
    return {**context, "addressee": context["worker"]["name"]}


register(DocumentKind(
    code="arbitration_guidance",
    title=_("不履行调解协议告知书（申请仲裁指引）"),
    template="documents/dispute/arbitration_guidance.html",
    sample_context=_arbitration_guidance_sample,
    build_context=_arbitration_guidance_from_db,
    addressees=to_the_worker,
))

register(DocumentKind(
    code="payment_order_guide",
    title=_("支付令申请指引"),
    template="documents/dispute/payment_order_guide.html",
    sample_context=_payment_order_sample,
    build_context=_payment_order_from_db,
    addressees=to_the_worker,
    applies=has_unpaid_payment_order_claim,
))
