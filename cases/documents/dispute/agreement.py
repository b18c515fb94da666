"""Document kinds of the agreement and its performance: the mediation agreement (Art.14),
the record of a payment, and the confirmation that the agreement has been performed. The
paper the parties sign, 调解协议书（签署稿）, is in cases/documents/dispute/signing.py and
shares `agreement_content` with the effective agreement.

Amounts come from the rows (DisputeClaim.amount_awarded, Instalment, Payment) as Decimal
and are written as ¥12,345.67. The review period after the agreement takes effect is the
clock "dispute.agreement_review" with its citation (cases/rules/deadlines.py). Counts in the
fixed wording are Chinese numerals (一式三份, 十五日内); the terms are numbered （一）（二）…
unless the drafter numbered them. An agreement awarding money for a claim of Art.16 tells
the worker of the payment order (cases.rules.claims.qualifies_for_payment_order).
"""

import re
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.intake import (
    _case_context,
    _in_document_language,
    _issued_on,
    _paragraphs,
    _sample_case,
    _title,
    cn_minute,
    cn_money,
)
from cases.documents.dispute.mediation import _created_pk
from cases.documents.registry import (
    Context,
    DocumentKind,
    cn_date,
    cn_numeral,
    person_name,
    register,
    to_both_parties,
)
from cases.models import Agreement, AuditEvent, Deadline, DisputeCase, Payment, Signatory
from cases.models.dispute.agreement import SIGNING_ORDER
from cases.models.dispute.signed_original import latest_signed_original
from cases.rules.claims import ART16_CITATION, ClaimType, qualifies_for_payment_order
from cases.rules.deadlines import clock

ZERO = Decimal("0.00")
REVIEW_CLOCK = "dispute.agreement_review"
ART14_AGREEMENT_CITATION = (
    "《劳动争议调解仲裁法》第十四条：经调解达成协议的，应当制作调解协议书。调解协议书由双方当事人签名或者盖章，"
    "经调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，当事人应当履行"
)
REVIEW_VENUE = "有管辖权的劳动人事争议仲裁委员会"
# 民事诉讼法, 督促程序: a payment order is sought from the competent basic people's court.
PAYMENT_ORDER_COURT = "有管辖权的基层人民法院"
SHA256_SHOWN = 16  # hex digits of the signed original's fingerprint printed on the agreement

# A paragraph the drafter numbered: 1． 1. 1、 (1) （1） （一） 一、 第一条 ① …
_OWN_NUMBER = re.compile(
    r"^\s*(?:[0-9０-９]+\s*[.．、,，:：)）](?![0-9０-９])|[（(]\s*[0-9０-９一二三四五六七八九十]+\s*[)）]"
    r"|[一二三四五六七八九十]+\s*[、.．]|第[0-9一二三四五六七八九十百]+条|[①-⑳])"
)

_SIGNATURE_LINES = {
    Signatory.WORKER: "申请人（签名）",
    Signatory.EMPLOYER: "被申请人（签名或盖章）",
    Signatory.MEDIATOR: "调解员（签名）",
    Signatory.SEAL: "调解组织（印章）",
}


# -- What the agreement documents read ----------------------------------------------------

def _agreement(case: DisputeCase) -> Agreement:
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is None:
        raise ValueError(f"case {case.number} has no mediation agreement")
    return agreement


def _awards(case: DisputeCase) -> tuple[list[Context], Decimal]:
    awards, total = [], ZERO
    for claim in case.claims.all():
        awarded = claim.amount_awarded
        total += awarded or ZERO
        awards.append({
            "type": str(ClaimType(claim.claim_type).label),
            "description": claim.description,
            "claimed": cn_money(claim.amount_claimed),
            "awarded": cn_money(awarded) if awarded is not None else "",
        })
    return awards, total


def _paid_by(instalment, as_of) -> Decimal:
    """What was paid towards `instalment` by `as_of` (from its prefetched payments)."""
    payments = instalment.payments.all()
    return sum((payment.amount for payment in payments if as_of is None or payment.recorded_at <= as_of), ZERO)


def _instalment_rows(agreement: Agreement, *, as_of=None, today: date | None = None) -> tuple[list[Context], Context]:
    """Each instalment with what was paid towards it by `as_of` (a moment; None: everything
    recorded), and the totals."""
    rows, due_total, paid_total = [], ZERO, ZERO
    for instalment in agreement.instalments.order_by("number").prefetch_related("payments"):
        paid = _paid_by(instalment, as_of)
        outstanding = instalment.amount - paid
        overdue = outstanding > ZERO and today is not None and instalment.due_on < today
        status = "已付清" if outstanding <= ZERO else ("逾期未付清" if overdue else ("部分支付" if paid else "未支付"))
        rows.append({
            "number": instalment.number, "due_on": cn_date(instalment.due_on),
            "amount": cn_money(instalment.amount), "paid": cn_money(paid),
            "outstanding": cn_money(outstanding), "outstanding_value": str(outstanding),
            "status": status,
        })
        due_total += instalment.amount
        paid_total += paid
    totals = {"amount": cn_money(due_total), "paid": cn_money(paid_total),
              "outstanding": cn_money(due_total - paid_total)}
    return rows, totals


def _signatures(agreement: Agreement, case: DisputeCase, context: Context) -> list[Context]:
    """Each signature and the seal as recorded: the party's line labelled by who applied
    (parties.py), its signer — the representatives for a workers' side with several workers,
    and "委托代理人X代签" where an agent with special authority signed for the party."""
    representatives = context["worker"].get("representatives")
    names = {
        Signatory.WORKER: f"代表人{representatives}" if representatives else context["worker"]["party_name"],
        Signatory.EMPLOYER: case.employer.name,
        Signatory.MEDIATOR: person_name(case.mediator),
        Signatory.SEAL: case.organisation.name,
    }
    lines = {**_SIGNATURE_LINES, **context["signature_lines"]}
    signatures = []
    for signatory in SIGNING_ORDER:
        moment = agreement.signed_at(signatory)
        if moment is None:
            raise ValueError(f"case {case.number}: the agreement lacks {signatory} (Art.14)")
        agent = agreement.signing_agent(signatory)
        name = f"{names[signatory]}（委托代理人{agent.name}代签）" if agent is not None else names[signatory]
        signatures.append({"signatory": str(signatory), "line": lines[signatory], "name": name,
                           "at": cn_minute(moment)})
    return signatures


def review_period(case: DisputeCase | None = None, effective_on: date | None = None) -> Context:
    """The joint application for review (审查确认): its length, venue and citation; with the
    effective date, its last day (the case's clock where it was opened)."""
    rule = clock(REVIEW_CLOCK)
    period = {"days": rule.days, "days_text": cn_numeral(rule.days), "citation": str(rule.citation),
              "venue": REVIEW_VENUE, "ends_on": ""}
    if effective_on is not None:
        deadline = Deadline.objects.for_subject(case).filter(clock=rule.code).order_by("-pk").first()
        period["ends_on"] = cn_date(deadline.due_on if deadline is not None else rule.due_date(effective_on).date)
    return period


def numbered_terms(paragraphs: list[str]) -> list[str]:
    """The terms as printed: numbered （一）（二）… under 三、协议内容, unless the drafter
    numbered them already (any paragraph opening with its own number), so that no term
    carries two numbers."""
    if any(_OWN_NUMBER.match(paragraph) for paragraph in paragraphs):
        return list(paragraphs)
    return [f"（{cn_numeral(n)}）{paragraph}" for n, paragraph in enumerate(paragraphs, start=1)]


def payment_order_notice(case: DisputeCase) -> Context | None:
    """Art.16: the matters of the agreement for which the worker may seek a payment order when
    the employer does not perform in time; None when no such claim is awarded money."""
    matters = []
    for claim in case.claims.all():
        if (claim.amount_awarded or ZERO) > ZERO and qualifies_for_payment_order(claim.claim_type):
            matters.append(str(ClaimType(claim.claim_type).label))
    if not matters:
        return None
    return {"matters": "、".join(dict.fromkeys(matters)), "court": PAYMENT_ORDER_COURT,
            "citation": str(ART16_CITATION)}


def agreement_content(case: DisputeCase, agreement: Agreement) -> Context:
    """What the paper to sign and the effective agreement both say: parties, matters, terms,
    amounts, instalments, copies, the binding force and the Art.16 notice."""
    awards, total_awarded = _awards(case)
    instalments, totals = _instalment_rows(agreement)
    return {
        "terms": numbered_terms(_paragraphs(agreement.terms)),
        "awards": awards,
        "total_awarded": cn_money(total_awarded),
        "instalments": instalments,
        "instalments_total": totals["amount"],
        "mediator": person_name(case.mediator),
        "copies": agreement.copies,
        "copies_text": cn_numeral(agreement.copies),
        "binding_citation": ART14_AGREEMENT_CITATION,
        "payment_order": payment_order_notice(case),
    }


def signed_original_on_file(agreement: Agreement) -> Context:
    """The scan of the signed paper that counts (the latest): its upload date and fingerprint."""
    original = latest_signed_original(agreement)
    if original is None:
        raise ValueError(f"case {agreement.case.number}: no signed original is on file (Art.14)")
    return {"uploaded_on": cn_date(timezone.localdate(original.uploaded_at, timezone.get_default_timezone())),
            "sha256_prefix": original.sha256[:SHA256_SHOWN]}


# -- 调解协议书 (mediation agreement) ---------------------------------------------------------

@_in_document_language
def _agreement_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    agreement = _agreement(case)
    if agreement.effective_on is None:
        raise ValueError(f"case {case.number}: the agreement has not taken effect")
    context = _case_context(case, agreement.effective_on, full_particulars=True)
    return {
        **context,
        **agreement_content(case, agreement),
        "signatures": _signatures(agreement, case, context),
        "effective_on": cn_date(agreement.effective_on),
        "review": review_period(case, agreement.effective_on),
        "signed_original": signed_original_on_file(agreement),
    }


# -- 履行情况登记表 (payment record) ----------------------------------------------------------

def _payment(agreement: Agreement, event: AuditEvent | None) -> Payment:
    """The payment the event's transition recorded, else the latest recorded."""
    payments = Payment.objects.filter(instalment__agreement=agreement).select_related("instalment")
    if (pk := _created_pk(event)) is not None:
        return payments.get(pk=pk)
    latest = payments.order_by("-recorded_at", "-pk").first()
    if latest is None:
        raise ValueError(f"case {agreement.case.number}: no payment has been recorded")
    return latest


@_in_document_language
def _payment_record_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    agreement = _agreement(case)
    payment = _payment(agreement, transition_event)
    issued_on = _issued_on(transition_event)
    as_of = transition_event.occurred_at if transition_event is not None else None
    instalments, totals = _instalment_rows(agreement, as_of=as_of, today=issued_on)
    recorder = transition_event.actor if transition_event is not None else None
    return {
        **_case_context(case, issued_on),
        "effective_on": cn_date(agreement.effective_on) if agreement.effective_on else "",
        "payment": {
            "instalment": payment.instalment.number, "due_on": cn_date(payment.instalment.due_on),
            "amount": cn_money(payment.amount), "paid_on": cn_date(payment.paid_on),
            "receipt_number": payment.receipt_number, "recorded_at": cn_minute(payment.recorded_at),
        },
        "instalments": instalments,
        "totals": totals,
        "recorder": person_name(recorder) or (transition_event.actor_label if transition_event else ""),
    }


# -- 履行完毕确认书 (performance confirmation) -------------------------------------------------

@_in_document_language
def _performance_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    agreement = _agreement(case)
    instalments, totals = _instalment_rows(agreement)
    if any(Decimal(row["outstanding_value"]) > ZERO for row in instalments):
        raise ValueError(f"case {case.number}: the agreement has not been performed in full")
    _awards_rows, total_awarded = _awards(case)
    payments = Payment.objects.filter(instalment__agreement=agreement).select_related("instalment")
    issued_on = _issued_on(transition_event)
    return {
        **_case_context(case, issued_on),
        "effective_on": cn_date(agreement.effective_on) if agreement.effective_on else "",
        "total_awarded": cn_money(total_awarded),
        "total_paid": totals["paid"],
        "payments": [
            {"paid_on": cn_date(p.paid_on), "instalment": p.instalment.number, "amount": cn_money(p.amount),
             "receipt_number": p.receipt_number}
            for p in payments.order_by("paid_on", "pk")
        ],
        "instalments": instalments,
        "performed_on": cn_date(case.ended_on or issued_on),
    }


# -- Samples --------------------------------------------------------------------------------

def _sample_instalments(paid: tuple[str, str]) -> list[Context]:
    rows = []
    for number, (due, amount, paid_amount) in enumerate(
        [(date(2026, 10, 31), Decimal("20000.00"), Decimal(paid[0])),
         (date(2026, 11, 30), Decimal("19345.67"), Decimal(paid[1]))], start=1,
    ):
        outstanding = amount - paid_amount
        rows.append({
            "number": number, "due_on": cn_date(due), "amount": cn_money(amount), "paid": cn_money(paid_amount),
            "outstanding": cn_money(outstanding), "outstanding_value": str(outstanding),
            "status": "已付清" if outstanding <= 0 else ("部分支付" if paid_amount else "未支付"),
        })
    return rows


def _sample_awards() -> list[Context]:
    return [
        {"type": "拖欠劳动报酬", "description": "支付2026年7月至8月工资", "claimed": cn_money(Decimal("12345.67")),
         "awarded": cn_money(Decimal("12345.67"))},
        {"type": "加班费", "description": "支付2026年3月至8月延长工作时间加班费", "claimed": cn_money(Decimal("6850.00")),
         "awarded": cn_money(Decimal("3000.00"))},
        {"type": "经济补偿", "description": "支付解除劳动合同经济补偿（3个月工资）",
         "claimed": cn_money(Decimal("24000.00")), "awarded": cn_money(Decimal("24000.00"))},
    ]


SAMPLE_TERMS = (
    "被申请人同意支付申请人2026年7月至8月工资¥12,345.67、加班费¥3,000.00、解除劳动合同经济补偿¥24,000.00，"
    "合计¥39,345.67，按下列期限分两期支付至申请人名下银行账户。",
    "申请人收到上述款项后，双方劳动关系存续期间的其他争议一并了结。",
)


def sample_agreement_content(*, collective: bool = False) -> Context:
    """The sample agreement's content (signing.py's 签署稿 prints the same, for a collective dispute)."""
    return {
        **_sample_case(collective=collective),
        "terms": numbered_terms(list(SAMPLE_TERMS)),
        "awards": _sample_awards(),
        "total_awarded": cn_money(Decimal("39345.67")),
        "instalments": _sample_instalments(("0", "0")),
        "instalments_total": cn_money(Decimal("39345.67")),
        "mediator": "李明",
        "copies": 3,
        "copies_text": cn_numeral(3),
        "binding_citation": ART14_AGREEMENT_CITATION,
        "payment_order": {"matters": "拖欠劳动报酬、加班费、经济补偿", "court": PAYMENT_ORDER_COURT,
                          "citation": str(ART16_CITATION)},
    }


def _agreement_sample() -> Context:
    effective = date(2026, 10, 14)
    review = clock(REVIEW_CLOCK)
    return {
        "title": _title("mediation_agreement"),
        **sample_agreement_content(),
        "signatures": [
            {"signatory": "worker", "line": "申请人（签名）", "name": "王秀英", "at": f"{cn_date(effective)}10时05分"},
            {"signatory": "employer", "line": "被申请人（签名或盖章）",
             "name": "北京启明星辰餐饮管理有限公司（委托代理人孙丽代签）", "at": f"{cn_date(effective)}10时12分"},
            {"signatory": "mediator", "line": "调解员（签名）", "name": "李明", "at": f"{cn_date(effective)}10时20分"},
            {"signatory": "seal", "line": "调解组织（印章）", "name": "中关村街道劳动争议调解中心",
             "at": f"{cn_date(effective)}10时25分"},
        ],
        "effective_on": cn_date(effective),
        "review": {**review_period(), "ends_on": cn_date(review.due_date(effective).date)},
        "signed_original": {"uploaded_on": cn_date(effective), "sha256_prefix": "5f2b9c0e71d4a38b"},
        "date": cn_date(effective),
    }


def _payment_record_sample() -> Context:
    return {
        "title": _title("payment_record"),
        **_sample_case(),
        "effective_on": cn_date(date(2026, 10, 14)),
        "payment": {"instalment": 1, "due_on": cn_date(date(2026, 10, 31)), "amount": cn_money(Decimal("20000.00")),
                    "paid_on": cn_date(date(2026, 10, 30)), "receipt_number": "HDZGC-2026-0178",
                    "recorded_at": f"{cn_date(date(2026, 10, 30))}15时20分"},
        "instalments": _sample_instalments(("20000.00", "0")),
        "totals": {"amount": cn_money(Decimal("39345.67")), "paid": cn_money(Decimal("20000.00")),
                   "outstanding": cn_money(Decimal("19345.67"))},
        "recorder": "李明",
        "date": cn_date(date(2026, 10, 30)),
    }


def _performance_sample() -> Context:
    return {
        "title": _title("performance_confirmation"),
        **_sample_case(),
        "effective_on": cn_date(date(2026, 10, 14)),
        "total_awarded": cn_money(Decimal("39345.67")),
        "total_paid": cn_money(Decimal("39345.67")),
        "payments": [
            {"paid_on": cn_date(date(2026, 10, 30)), "instalment": 1, "amount": cn_money(Decimal("20000.00")),
             "receipt_number": "HDZGC-2026-0178"},
            {"paid_on": cn_date(date(2026, 11, 28)), "instalment": 2, "amount": cn_money(Decimal("19345.67")),
             "receipt_number": "HDZGC-2026-0203"},
        ],
        "instalments": _sample_instalments(("20000.00", "19345.67")),
        "performed_on": cn_date(date(2026, 11, 30)),
        "date": cn_date(date(2026, 11, 30)),
    }


register(DocumentKind(
    code="mediation_agreement",
    title=_("调解协议书"),
    template="documents/dispute/mediation_agreement.html",
    sample_context=_agreement_sample,
    build_context=_agreement_from_db,
    addressees=to_both_parties,  # 一式三份: one copy for each party, served
))

register(DocumentKind(
    code="payment_record",
    title=_("履行情况登记表"),
    template="documents/dispute/payment_record.html",
    sample_context=_payment_record_sample,
    build_context=_payment_record_from_db,
))

register(DocumentKind(
    code="performance_confirmation",
    title=_("履行完毕确认书"),
    template="documents/dispute/performance_confirmation.html",
    sample_context=_performance_sample,
    build_context=_performance_from_db,
))
