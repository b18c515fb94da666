"""Document kinds of dispute mediation: the oral application record, the acceptance and
non-acceptance notices, and the termination notice with the right to arbitration.

Each builder reads the DisputeCase (and the transition event that issues the document)
and hands the template plain, JSON-serialisable data: dates already as 2026年10月15日,
amounts as ¥12,345.67. Legal periods and their citations come from cases/rules (the
clock "dispute.mediation" with its Art.14 citation, limitation_after_mediation and
limitation_after_non_acceptance with their Art.27 basis), never from a literal here or in
a template; the articles quoted below (Art.5, Art.10, Art.12, Art.21) carry no period.
Party names are written in full: these documents go to the parties. Builders refuse
(ValueError) rather than print a document with a missing fact: no mediation clock, no
rejection reason, no ending event.
"""

import functools
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.parties import parties_context, sample_parties
from cases.documents.registry import (
    Context,
    DocumentKind,
    cn_date,
    get_kind,
    person_name,
    register,
    to_the_variant,
)
from cases.models import AuditAction, AuditEvent, Deadline, DisputeCase, OrganisationKind
from cases.models.dispute.consent import respondent_consent
from cases.models.dispute.mediation import ConsentMethod
from cases.models.dispute.states import NoSessionGround, RejectionGround
from cases.rules.claims import ClaimType, rules_for
from cases.rules.deadlines import clock
from cases.rules.limitation import (
    ART27_PARA1,
    ART27_PARA1_TEXT,
    ART27_PARA4,
    ART27_PARA4_TEXT,
    LimitationResult,
    limitation_after_mediation,
    limitation_after_non_acceptance,
    limitation_end,
)
from cases.rules.money import yuan

MEDIATION_CLOCK = "dispute.mediation"
ARBITRATION_RIGHT_CLOCK = "dispute.arbitration_right"

ART12_CITATION = (
    "《劳动争议调解仲裁法》第十二条：口头申请的，调解组织应当当场记录申请人基本情况、"
    "申请调解的争议事项、理由和时间"
)
ART5_CITATION = (
    "《劳动争议调解仲裁法》第五条：不愿调解、调解不成或者达成调解协议后不履行的，"
    "可以向劳动争议仲裁委员会申请仲裁"
)
# Art.10, where a non-acceptance for want of remit refers the applicant.
ART10_CITATION = (
    "《劳动争议调解仲裁法》第十条：发生劳动争议，当事人可以到下列调解组织申请调解：（一）企业劳动争议调解委员会；"
    "（二）依法设立的基层人民调解组织；（三）在乡镇、街道设立的具有劳动争议调解职能的组织"
)
# Art.21: 劳动争议由劳动合同履行地或者用人单位所在地的劳动争议仲裁委员会管辖。
ARBITRATION_VENUE = "劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会"

# 调解中当事人的权利和义务: common-practice wording drawn from 劳动争议调解仲裁法 第三条、第五条、
# 第十三条、第十四条 and 企业劳动争议协商调解规定 (人社部令第17号); item 7 follows Art.14's text.
RIGHTS_AND_DUTIES = (
    "调解遵循自愿、合法的原则。双方当事人在调解中地位平等；是否接受调解、是否达成调解协议及协议内容，"
    "由当事人自愿决定，任何人不得强迫。",
    "当事人可以委托代理人参加调解，委托代理人的，应当向调解组织提交载明委托事项和权限的授权委托书。",
    "当事人认为调解员与本案有利害关系或者有其他关系可能影响公正调解的，可以申请其回避。",
    "当事人有权陈述事实和理由、提出主张并提供证据；应当如实陈述，不得伪造、隐匿或者毁灭证据。",
    "当事人应当按时参加调解，遵守调解秩序，尊重对方当事人和调解员；不能按时参加的，应当事先告知调解组织。",
    "当事人可以随时要求终止调解，依法向劳动人事争议仲裁委员会申请仲裁；申请调解不是申请仲裁的必经程序。",
    "达成调解协议的，调解协议书由双方当事人签名或者盖章，经调解员签名并加盖调解组织印章后生效，"
    "对双方当事人具有约束力，当事人应当履行。",
)

# How mediation ended, by the name of the transition that ended it.
FAILED, DEEMED_FAILED, WITHDRAWN = "fail", "deem_failed", "withdraw"
ENDINGS = (FAILED, DEEMED_FAILED, WITHDRAWN)

_SELF_REFERENCE = {
    OrganisationKind.STREET_CENTRE: "本中心",
    OrganisationKind.ENTERPRISE_COMMITTEE: "本委员会",
}


# -- Formatting ---------------------------------------------------------------------------

def cn_money(amount: Decimal) -> str:
    """¥23,196.00: yuan with thousands separators and fen, from a Decimal (never a float)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amounts are Decimal, not {type(amount).__name__}")
    return yuan(amount)


def cn_minute(moment: datetime) -> str:
    """2026年9月30日14时05分, in the project's time zone (Asia/Shanghai)."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return f"{cn_date(local.date())}{local.hour}时{local.minute:02d}分"


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment, timezone.get_default_timezone())


def self_reference(organisation) -> str:
    """How the issuing organisation names itself in the text: 本中心, 本委员会, 本会."""
    return _SELF_REFERENCE.get(organisation.kind, "本会")


def _in_document_language(builder):
    """Build in the documents' language (Chinese), whatever language the caller has active:
    choice labels, citations and the limitation basis are translatable strings."""
    @functools.wraps(builder)
    def build(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return builder(*args, **kwargs)
    return build


# -- What every dispute document reads from the case ------------------------------------

def _claims(case: DisputeCase) -> list[Context]:
    claims = []
    for claim in case.claims.all():
        priced = rules_for(claim.claim_type).monetary or claim.amount_claimed > 0
        claims.append({
            "type": str(ClaimType(claim.claim_type).label),
            "description": claim.description,
            "amount": cn_money(claim.amount_claimed) if priced else "",
        })
    return claims


def _worker(case: DisputeCase, *, full: bool) -> Context:
    worker = case.worker
    particulars = {"name": worker.name, "sex": worker.get_sex_display()}
    if full:  # the oral record only: it is the applicant's own statement
        particulars.update(
            birth_date=cn_date(worker.birth_date) if worker.birth_date else "",
            resident_id=worker.resident_id or "",
            phone=worker.phone,
            address=worker.address,
        )
    return particulars


def _employer(case: DisputeCase, *, full: bool) -> Context:
    employer = case.employer
    particulars = {"name": employer.name, "legal_representative": employer.legal_representative}
    if full:
        particulars.update(
            uscc=employer.uscc or "",
            address=employer.address,
            contact_name=employer.contact_name,
            contact_phone=employer.contact_phone,
        )
    return particulars


def _case_context(case: DisputeCase, issued_on: date, *, full_particulars: bool = False) -> Context:
    """What every dispute document reads: the number, the parties as 申请人/被申请人 with the
    agents acting for them on `issued_on` and the workers of a case with several (parties.py),
    the claims and the dates."""
    prefetch_related_objects([case], "claims")  # read by the list, the total and an agreement's awards
    worker, employer = _worker(case, full=full_particulars), _employer(case, full=full_particulars)
    return {
        "case_number": case.number,
        "self_ref": self_reference(case.organisation),
        **parties_context(case, issued_on, worker=worker, employer=employer, full=full_particulars),
        "worker": worker,
        "employer": employer,
        "claims": _claims(case),
        "total_claimed": cn_money(case.total_claimed),
        "received_on": cn_date(case.received_on),
        "date": cn_date(issued_on),
    }


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _issued_on(event: AuditEvent | None) -> date:
    return _local_date(event.occurred_at) if event is not None else timezone.localdate()


def arbitration_right(received_on: date) -> Context:
    """Art.14: fifteen days from receipt without an agreement, after which a party may apply
    for arbitration (the last day moved off a rest day, 民法典第二百零三条)."""
    rule = clock(ARBITRATION_RIGHT_CLOCK)
    return {"days": rule.days, "ends_on": cn_date(rule.due_date(received_on).date), "citation": str(rule.citation)}


def _mediation_period(case: DisputeCase) -> Context:
    """The organisation's mediation period as the case's Deadline row holds it (from
    acceptance; its due date, extensions included), with the rule's length and citation."""
    rule = clock(MEDIATION_CLOCK)
    deadline = Deadline.objects.for_subject(case).filter(clock=rule.code).order_by("-pk").first()
    if deadline is None:
        raise ValueError(f"case {case.number} has no {rule.code} deadline: its clocks were never opened")
    return {
        "days": rule.days,
        "starts_on": cn_date(deadline.starts_on),
        "extended_days": deadline.extended_days,
        "ends_on": cn_date(deadline.due_on),
        "citation": str(rule.citation),
    }


def _limitation_context(*, limitation_date: date | None, basis: str, not_limited: bool,
                        time_barred_at_receipt: bool) -> Context:
    """What a notice says about the limitation: the date, the basis as the rule words it,
    and, where there is no date, the paragraph of Art.27 the reader needs."""
    if not_limited:
        rule_text = f"{ART27_PARA4}规定：{ART27_PARA4_TEXT}"
    elif limitation_date is None:
        rule_text = f"{ART27_PARA1}规定：{ART27_PARA1_TEXT}"
    else:
        rule_text = ""
    return {
        "date": cn_date(limitation_date) if limitation_date else "",
        "basis": str(basis).strip().rstrip("。"),
        "not_limited": not_limited,
        "time_barred_at_receipt": time_barred_at_receipt,
        "rule_text": rule_text,
    }


def _result_context(result: LimitationResult) -> Context:
    return _limitation_context(
        limitation_date=result.limitation_date, basis=result.basis, not_limited=result.not_limited,
        time_barred_at_receipt=result.time_barred_at_receipt,
    )


def _limitation(case: DisputeCase) -> Context:
    result = limitation_after_mediation(case)
    return _limitation_context(
        limitation_date=result.limitation_date, basis=result.basis, not_limited=result.not_limited,
        time_barred_at_receipt=result.time_barred_at_receipt,
    )


def _variant(variant: str) -> str:
    if variant not in ("worker", "employer"):
        raise ValueError(f"a party notice is addressed to the worker or the employer, not {variant!r}")
    return variant


def _addressee(context: Context, variant: str) -> str:
    return context["worker"]["party_name"] if variant == "worker" else context["employer"]["name"]


# -- 口头申请记录 (oral application record) ---------------------------------------------------

@_in_document_language
def _oral_record_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    recorder = transition_event.actor if transition_event is not None else case.registered_by
    recorded_on = _local_date(transition_event.occurred_at) if transition_event else _local_date(case.received_at)
    return {
        **_case_context(case, recorded_on, full_particulars=True),
        "channel": case.get_channel_display(),
        "received_at": cn_minute(case.received_at),
        "employment_start": cn_date(case.employment_start) if case.employment_start else "",
        "employment_end": cn_date(case.employment_end) if case.employment_end else "",
        "facts": _paragraphs(case.facts),
        "recorder": person_name(recorder) or (transition_event.actor_label if transition_event else ""),
        "citation": ART12_CITATION,
    }


# -- 受理通知书 (acceptance notice, one per party) --------------------------------------------

# How the respondent expressed its consent, as the employer's notice words it (以书面形式表示同意调解).
CONSENT_METHOD_PHRASES = {
    ConsentMethod.WRITTEN: "以书面形式",
    ConsentMethod.ORAL: "以口头形式（已记入笔录）",
    ConsentMethod.PHONE: "通过电话",
    ConsentMethod.ELECTRONIC: "以电子方式",
}


def _consent(case: DisputeCase) -> Context | None:
    """The respondent's consent to mediate (Art.20), which acceptance requires; None for a case
    accepted before consent was recorded. A recorded refusal is no ground for this notice."""
    consent = respondent_consent(case)
    if consent is None:
        return None
    if not consent.consented:
        raise ValueError(f"case {case.number}: the respondent refused mediation; it cannot have been accepted")
    return {"on": cn_date(consent.decided_on), "method": CONSENT_METHOD_PHRASES[consent.method],
            "given_by": consent.given_by}


@_in_document_language
def _acceptance_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str) -> Context:
    if case.accepted_on is None:
        raise ValueError(f"case {case.number} has not been accepted")
    context = {
        "consent": _consent(case),
        **_case_context(case, _issued_on(transition_event)),
        "variant": _variant(variant),
        "accepted_on": cn_date(case.accepted_on),
        "mediator": person_name(case.mediator),
        "mediation": _mediation_period(case),
        "arbitration_right": arbitration_right(case.received_on),
        "rights": list(RIGHTS_AND_DUTIES),
    }
    return {**context, "addressee": _addressee(context, variant)}


# -- 不予受理通知书 (non-acceptance notice, to the applicant) ----------------------------------

def _limitation_after_non_acceptance(case: DisputeCase, rejected_on: date) -> Context:
    result = limitation_after_non_acceptance(
        received_on=case.received_on, rejected_on=rejected_on, infringement_known_on=case.infringement_known_on,
        employment_end=case.employment_end, claim_types=case.claims.values_list("claim_type", flat=True),
    )
    return _result_context(result)


@_in_document_language
def _non_acceptance_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    """The advice follows the ground (RejectionGround): arbitration with the limitation date
    when the other party refuses or the matter is outside the remit (and for a case rejected
    before the ground was recorded); none when the matter is not a labour dispute or is
    already before arbitration or a court."""
    reason = (transition_event.reason if transition_event is not None else "") or case.end_reason
    if not reason.strip():
        raise ValueError(f"case {case.number}: a non-acceptance notice states its reasons")
    ground = case.rejection_ground
    if ground and ground not in RejectionGround.values:
        raise ValueError(f"case {case.number}: unknown rejection ground {ground!r}")
    rejected_on = case.ended_on or _issued_on(transition_event)
    advises_arbitration = case.rejection_advises_arbitration
    context = {
        **_case_context(case, _issued_on(transition_event)),
        "reason": reason.strip().rstrip("。"),
        "ground": ground,
        "rejected_on": cn_date(rejected_on),
        "advises_arbitration": advises_arbitration,
        "venue": ARBITRATION_VENUE,
        "arbitration_citation": ART5_CITATION,
        "referral_citation": ART10_CITATION,
        "limitation": _limitation_after_non_acceptance(case, rejected_on) if advises_arbitration else None,
    }
    return {**context, **_to_the_applicant(context)}


def _to_the_applicant(context: Context) -> Context:
    """The non-acceptance notice goes to the applicant (the worker, or the employer that applied)."""
    applicant, respondent = context["parties"]
    several = applicant["side"] == "worker" and context["workers"]
    you = "你单位" if applicant["side"] == "employer" else ("你们" if several else "你")
    return {"addressee": applicant["name"], "you": you, "other_party": respondent["name"]}


def applicant_variant(case: DisputeCase) -> tuple[str, ...]:
    """The one non-acceptance notice, to the applicant: variant "" when the worker applied (as
    every notice issued before the employer could apply), "employer" when the employer did."""
    return ("employer",) if case.applicant_side == "employer" else ("",)


def to_the_applicant(variant: str) -> tuple[str, ...]:
    return ("employer",) if variant == "employer" else ("worker",)


# -- 调解终止通知书 / 仲裁权利告知书 (termination, one per party) -------------------------------

def _no_session_ground(ending: AuditEvent) -> str:
    """Why mediation failed before any session (a party refused to attend, withdrew consent)."""
    ground = ((ending.data or {}).get("input") or {}).get("no_session_ground")
    return str(NoSessionGround(ground).label) if ground in NoSessionGround.values else ""


def _ending_event(case: DisputeCase, transition_event: AuditEvent | None) -> AuditEvent:
    if transition_event is not None and transition_event.name in ENDINGS:
        return transition_event
    ending = (AuditEvent.objects.for_subject(case)
              .filter(action=AuditAction.TRANSITION, name__in=ENDINGS).order_by("-seq").first())
    if ending is None:
        raise ValueError(f"case {case.number}: mediation has not ended (no fail, deem_failed or withdraw)")
    return ending


@_in_document_language
def _termination_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str) -> Context:
    ending = _ending_event(case, transition_event)
    ended_on = case.ended_on or _local_date(ending.occurred_at)
    context = {
        **_case_context(case, _issued_on(transition_event or ending)),
        "variant": _variant(variant),
        "ending": ending.name,
        "ended_on": cn_date(ended_on),
        "reason": (ending.reason or case.end_reason).strip().rstrip("。"),
        "no_session_ground": _no_session_ground(ending),
        "venue": ARBITRATION_VENUE,
        "arbitration_citation": ART5_CITATION,
        "limitation": _limitation(case),
    }
    if ending.name == DEEMED_FAILED:
        context["mediation"] = _mediation_period(case)
    return {**context, "addressee": _addressee(context, variant)}


# -- Samples ------------------------------------------------------------------------------

def _title(code: str) -> str:
    """The kind's title in the documents' language (samples are rendered without the service)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(get_kind(code).title)


def _sample_case(*, collective: bool = False) -> Context:
    """The sample case: 王秀英 applied (with `collective`, with eleven colleagues and two
    representatives); the employer acts through its HR manager with special authority."""
    worker = {
        "name": "王秀英", "sex": "女", "birth_date": cn_date(date(1988, 3, 12)),
        "resident_id": "110108198803120021", "phone": "13801234567",
        "address": "北京市海淀区学院路街道清华东路17号院3号楼2单元502室",
    }
    employer = {
        "name": "北京启明星辰餐饮管理有限公司", "legal_representative": "赵立新",
        "uscc": "91110108MA01ABCD1E", "address": "北京市海淀区中关村大街27号中关村大厦B座1106室",
        "contact_name": "孙丽", "contact_phone": "010-62781234",
    }
    return {
        "organisation_name": "中关村街道劳动争议调解中心",
        "case_number": "京海中调〔2026〕第0042号",
        "self_ref": "本中心",
        **sample_parties(worker, employer, collective=collective),
        "claims": [
            {"type": "拖欠劳动报酬", "description": "支付2026年7月至8月工资",
             "amount": cn_money(Decimal("12345.67"))},
            {"type": "加班费", "description": "支付2026年3月至8月延长工作时间加班费",
             "amount": cn_money(Decimal("6850.00"))},
            {"type": "经济补偿", "description": "支付解除劳动合同经济补偿（3个月工资）",
             "amount": cn_money(Decimal("24000.00"))},
        ],
        "total_claimed": cn_money(Decimal("43195.67")),
        "received_on": cn_date(date(2026, 9, 30)),
    }


def _sample_mediation() -> Context:
    """Accepted on 2026-10-09, as the samples are."""
    rule = clock(MEDIATION_CLOCK)
    return {
        "days": rule.days, "starts_on": cn_date(date(2026, 10, 9)), "extended_days": 0,
        "ends_on": cn_date(rule.due_date(date(2026, 10, 9)).date), "citation": str(rule.citation),
    }


def _sample_limitation(ended_on: date) -> Context:
    """As limitation_after_mediation words it for a case received 2026-09-30 (the samples
    need no database)."""
    end = limitation_end(ended_on)
    return _limitation_context(
        limitation_date=end, not_limited=False, time_barred_at_receipt=False,
        basis=f"各项请求中“拖欠劳动报酬”“加班费”“经济补偿”的仲裁时效最早届满：申请调解（{cn_date(date(2026, 9, 30))}收到申请）使仲裁时效中断，"
              f"自调解终结之日（{cn_date(ended_on)}）起重新计算一年，至{cn_date(end)}届满，"
              "依据《劳动争议调解仲裁法》第二十七条第二款",
    )


def _oral_record_sample() -> Context:
    return {
        "title": _title("oral_application_record"),
        **_sample_case(),
        "channel": "口头申请",
        "received_at": f"{cn_date(date(2026, 9, 30))}14时05分",
        "employment_start": cn_date(date(2024, 3, 1)),
        "employment_end": cn_date(date(2026, 8, 31)),
        "facts": [
            "申请人于2024年3月1日入职被申请人处任厨师，月工资8000元。2026年7月起被申请人未按时支付工资，"
            "申请人多次催要未果，于2026年8月31日以被申请人未及时足额支付劳动报酬为由书面通知解除劳动合同。",
            "申请人在职期间每周工作六天、每天工作十小时，被申请人未支付延长工作时间的加班费。",
        ],
        "recorder": "李明",
        "citation": ART12_CITATION,
        "date": cn_date(date(2026, 9, 30)),
    }


def _acceptance_sample() -> Context:
    context = {
        "title": _title("acceptance_notice"),
        **_sample_case(),
        "variant": "employer",
        "consent": {"on": cn_date(date(2026, 10, 8)), "method": CONSENT_METHOD_PHRASES[ConsentMethod.WRITTEN],
                    "given_by": "赵立新（法定代表人）"},
        "accepted_on": cn_date(date(2026, 10, 9)),
        "mediator": "",
        "mediation": _sample_mediation(),
        "arbitration_right": arbitration_right(date(2026, 9, 30)),
        "rights": list(RIGHTS_AND_DUTIES),
        "date": cn_date(date(2026, 10, 9)),
    }
    return {**context, "addressee": _addressee(context, "employer")}


@_in_document_language
def _non_acceptance_sample() -> Context:
    """The other party refuses mediation: rejected on 2026-10-09, so the limitation restarts
    from that day (computed by the rule, as for a case in the database)."""
    rejected_on = date(2026, 10, 9)
    result = limitation_after_non_acceptance(
        received_on=date(2026, 9, 30), rejected_on=rejected_on, infringement_known_on=date(2026, 8, 31),
        employment_end=date(2026, 8, 31),
        claim_types=[ClaimType.WAGE_ARREARS, ClaimType.OVERTIME_PAY, ClaimType.ECONOMIC_COMPENSATION],
    )
    context = {
        "title": _title("non_acceptance_notice"),
        **_sample_case(),
        "reason": "被申请人北京启明星辰餐饮管理有限公司于2026年10月8日书面表示不同意调解",
        "ground": RejectionGround.OTHER_PARTY_REFUSES.value,
        "rejected_on": cn_date(rejected_on),
        "advises_arbitration": True,
        "venue": ARBITRATION_VENUE,
        "arbitration_citation": ART5_CITATION,
        "referral_citation": ART10_CITATION,
        "limitation": _result_context(result),
        "date": cn_date(rejected_on),
    }
    return {**context, **_to_the_applicant(context)}


def _termination_sample() -> Context:
    context = {
        "title": _title("termination_notice"),
        **_sample_case(),
        "variant": "worker",
        "ending": DEEMED_FAILED,
        "ended_on": cn_date(date(2026, 10, 27)),
        "reason": "调解期限届满未完成",
        "venue": ARBITRATION_VENUE,
        "arbitration_citation": ART5_CITATION,
        "limitation": _sample_limitation(date(2026, 10, 27)),
        "mediation": _sample_mediation(),
        "date": cn_date(date(2026, 10, 27)),
    }
    return {**context, "addressee": _addressee(context, "worker")}


PARTIES = ("worker", "employer")

register(DocumentKind(
    code="oral_application_record",
    title=_("口头申请记录"),
    template="documents/dispute/oral_application_record.html",
    sample_context=_oral_record_sample,
    build_context=_oral_record_from_db,
))

register(DocumentKind(
    code="acceptance_notice",
    title=_("受理通知书"),
    template="documents/dispute/acceptance_notice.html",
    sample_context=_acceptance_sample,
    build_context=_acceptance_from_db,
    variants=PARTIES,
    addressees=to_the_variant,
))

register(DocumentKind(
    code="non_acceptance_notice",
    title=_("不予受理通知书"),
    template="documents/dispute/non_acceptance_notice.html",
    sample_context=_non_acceptance_sample,
    build_context=_non_acceptance_from_db,
    variants=("", "employer"),
    variants_for=applicant_variant,
    addressees=to_the_applicant,
))

register(DocumentKind(
    code="termination_notice",
    title=_("调解终止通知书（仲裁权利告知书）"),
    template="documents/dispute/termination_notice.html",
    sample_context=_termination_sample,
    build_context=_termination_from_db,
    variants=PARTIES,
    addressees=to_the_variant,
))
