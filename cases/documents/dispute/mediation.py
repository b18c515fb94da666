"""Document kinds of the mediation itself: the session notice (one per party), the session
record, and the confirmation of an extension of the mediation period.

Each reads the record its transition made (the MediationSession or MediationExtension):
the one the transition event's input names, else the latest. The mediation period (from
acceptance, Art.26 of the 2011 regulation) comes from the clock "dispute.mediation", Art.14's
fifteen days from receipt from "dispute.arbitration_right" (cases/rules/deadlines.py).
"""

from datetime import date, datetime

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.intake import (
    MEDIATION_CLOCK,
    PARTIES,
    _addressee,
    _case_context,
    _in_document_language,
    _issued_on,
    _local_date,
    _paragraphs,
    _sample_case,
    _title,
    _variant,
    arbitration_right,
    cn_minute,
)
from cases.documents.registry import (
    Context,
    DocumentKind,
    cn_date,
    cn_weekday,
    person_name,
    register,
    to_both_parties,
    to_the_variant,
)
from cases.models import AuditEvent, DisputeCase, MediationExtension, MediationSession
from cases.models.dispute.mediation import ConsentMethod, SessionStatus
from cases.rules.deadlines import clock

# What to bring when the session does not say: common practice for each party.
TO_BRING = {
    "worker": (
        "本人居民身份证原件及复印件；",
        "劳动合同、工资支付记录（银行流水、工资条）、考勤记录等与争议有关的证据材料；",
        "委托他人参加的，须携带授权委托书及受托人身份证明。",
    ),
    "employer": (
        "营业执照副本复印件、法定代表人身份证明书；",
        "委托他人参加的，须携带载明委托事项和权限的授权委托书及受托人身份证明；",
        "劳动合同、考勤记录、工资支付记录等与争议有关的证据材料。",
    ),
}

# Not a rule of the law: how mediation organisations commonly treat an absent party.
NON_ATTENDANCE = (
    "调解遵循自愿原则。按照调解工作的通常做法，当事人经通知无正当理由不按时参加调解的，"
    "可以视为不愿调解，{self_ref}可以终止调解，当事人可以依法申请仲裁。"
    "如因故不能按时参加，请于调解日前与{self_ref}联系，另行确定调解时间。"
)

# How a party's consent is worded in the confirmation ("…于2026年10月12日以书面形式…表示同意").
CONSENT_WORDING = {
    ConsentMethod.WRITTEN: "以书面形式", ConsentMethod.ORAL: "以口头方式（已记入调解笔录）",
    ConsentMethod.PHONE: "通过电话（已记录）", ConsentMethod.ELECTRONIC: "以电子方式",
}
# What the mediator tells the parties as the first session opens (the recusal question among it).
RIGHTS_AND_RECUSAL = (
    "调解员告知当事人在调解中享有的权利和承担的义务，告知当事人认为调解员与本案有利害关系或者其他关系、"
    "可能影响公正调解的，有权申请调解员回避，并询问当事人是否申请调解员回避。"
)

EXTENSION_NOTE = (
    "延长期限内双方当事人仍未达成调解协议的，视为调解不成，当事人可以依法申请仲裁；"
    "延长期间，当事人仍可以随时要求终止调解，依法申请仲裁。"
)


def _input(event: AuditEvent | None) -> dict:
    return (event.data or {}).get("input", {}) if event is not None else {}


def _ref_pk(value):
    """The key of a model instance as the journal records it ({"model", "pk", "str"})."""
    return value.get("pk") if isinstance(value, dict) else None


def _created_pk(event: AuditEvent | None):
    """The key of the record the event's transition made (the door journals it as "created")."""
    return _ref_pk((event.data or {}).get("created")) if event is not None else None


def _as_moment(value) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _as_day(value) -> date | None:
    return parse_date(value) if isinstance(value, str) else None


# -- The session ----------------------------------------------------------------------------

def _session(case: DisputeCase, event: AuditEvent | None) -> MediationSession:
    """The session the event's transition scheduled or recorded, else the latest."""
    sessions = case.sessions.select_related("mediator")
    if (pk := _created_pk(event)) is not None:
        return sessions.get(pk=pk)
    latest = sessions.order_by("-number").first()
    if latest is None:
        raise ValueError(f"case {case.number} has no mediation session")
    return latest


def _session_context(session: MediationSession) -> Context:
    return {
        "number": session.number,
        "starts_at": cn_minute(session.starts_at),
        "weekday": cn_weekday(_local_date(session.starts_at)),
        "place": session.place,
        "mediator": person_name(session.mediator),
        "to_bring": _paragraphs(session.to_bring),
    }


# -- 调解通知书 (session notice, one per party) -------------------------------------------------

@_in_document_language
def _session_notice_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str) -> Context:
    if case.accepted_on is None:
        raise ValueError(f"case {case.number} has not been accepted")
    session = _session(case, transition_event)
    context = {
        **_case_context(case, _issued_on(transition_event)),
        "variant": _variant(variant),
        "accepted_on": cn_date(case.accepted_on),
        "session": _session_context(session),
    }
    context["to_bring"] = context["session"]["to_bring"] or list(TO_BRING[variant])
    context["non_attendance"] = NON_ATTENDANCE.format(self_ref=context["self_ref"])
    context["contact"] = context["session"]["mediator"]
    return {**context, "addressee": _addressee(context, variant)}


# -- 调解笔录 (session record) ------------------------------------------------------------------

@_in_document_language
def _session_record_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    session = _session(case, transition_event)
    if session.status != SessionStatus.HELD or session.recorded_at is None:
        raise ValueError(f"case {case.number}: session {session.number} has not been recorded")
    recorder = transition_event.actor if transition_event is not None else None
    return {
        **_case_context(case, _local_date(session.recorded_at)),
        "session": {
            **_session_context(session),
            "attendees": _paragraphs(session.attendees),
            "statements": _paragraphs(session.statements),
            "proposals": _paragraphs(session.proposals),
            "recorded_at": cn_minute(session.recorded_at),
            "outcome": session.outcome,
        },
        # The first session's minutes open with the rights and the recusal question.
        "rights": RIGHTS_AND_RECUSAL if session.number == 1 and session.rights_explained else "",
        "recusal_answer": _paragraphs(session.recusal_answer),
        # Sessions recorded before the note-taker was asked for name whoever recorded them.
        "recorder": session.note_taker or person_name(recorder)
        or (transition_event.actor_label if transition_event else ""),
        "recorder_is_mediator": session.note_taker_is_mediator,
    }


# -- 延期调解确认书 (extension confirmation) ----------------------------------------------------

def _extension(case: DisputeCase, event: AuditEvent | None) -> MediationExtension:
    """The extension the event's transition recorded, else the latest."""
    extensions = case.extensions.order_by("-created_at", "-pk")
    pk = _created_pk(event)
    extension = extensions.filter(pk=pk).first() if pk is not None else extensions.first()
    if extension is None:
        raise ValueError(f"case {case.number} has no extension of the mediation period")
    if extension.new_due_on is None:
        raise ValueError(f"case {case.number}: the extension was never applied to the mediation clock")
    return extension


@_in_document_language
def _extension_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    extension = _extension(case, transition_event)
    rule = clock(MEDIATION_CLOCK)
    reason = (transition_event.reason if transition_event is not None else "").strip().rstrip("。")
    earlier = case.extensions.filter(created_at__lt=extension.created_at).exclude(pk=extension.pk)
    return {
        **_case_context(case, _issued_on(transition_event)),
        "accepted_on": cn_date(case.accepted_on),
        "mediation": {
            "days": rule.days,
            "original_ends_on": cn_date(rule.due_date(case.accepted_on).date),
            "earlier_extended_days": sum(e.days for e in earlier),
            "citation": str(rule.citation),
        },
        "arbitration_right": arbitration_right(case.received_on),
        "extension": {
            "days": extension.days,
            "worker": _consent(extension.worker_consent_by, extension.worker_consented_on,
                               extension.worker_consent_method),
            "employer": _consent(extension.employer_consent_by, extension.employer_consented_on,
                                 extension.employer_consent_method),
            "new_ends_on": cn_date(extension.new_due_on),
            "approved_by": person_name(extension.approved_by),
            "reason": reason,
        },
        "note": EXTENSION_NOTE,
        "mediator": person_name(case.mediator),
    }


def _consent(who: str, on: date, method: str) -> Context:
    return {"by": who, "on": cn_date(on), "how": CONSENT_WORDING.get(method, "")}


# -- Samples --------------------------------------------------------------------------------

_SAMPLE_SESSION = {
    "number": 1,
    "starts_at": f"{cn_date(date(2026, 10, 12))}14时30分",
    "weekday": cn_weekday(date(2026, 10, 12)),
    "place": "海淀区中关村大街1号街道综合服务中心三楼调解室",
    "mediator": "李明",
    "to_bring": [],
}


def _session_notice_sample() -> Context:
    context = {
        "title": _title("session_notice"),
        **_sample_case(),
        "variant": "worker",
        "accepted_on": cn_date(date(2026, 10, 9)),
        "session": dict(_SAMPLE_SESSION),
        "to_bring": list(TO_BRING["worker"]),
        "non_attendance": NON_ATTENDANCE.format(self_ref="本中心"),
        "contact": "李明",
        "date": cn_date(date(2026, 10, 9)),
    }
    return {**context, "addressee": _addressee(context, "worker")}


def _session_record_sample() -> Context:
    return {
        "title": _title("session_record"),
        **_sample_case(),
        "session": {
            **_SAMPLE_SESSION,
            "attendees": ["申请人王秀英；被申请人委托代理人孙丽（人事经理）；调解员李明；记录人张华。"],
            "statements": [
                "申请人：被申请人拖欠2026年7月至8月工资共计¥12,345.67，并未支付加班费和解除劳动合同的经济补偿。",
                "被申请人：确认拖欠工资属实，因资金周转困难未能按时支付；对加班时长有异议。",
            ],
            "proposals": ["调解员建议：被申请人分两期支付工资及经济补偿，加班费按考勤记录核定后支付。"],
            "recorded_at": f"{cn_date(date(2026, 10, 12))}16时10分",
            "outcome": "继续调解。双方同意于2026年10月16日再次调解，被申请人届时提交考勤记录。",
        },
        "rights": RIGHTS_AND_RECUSAL,
        "recusal_answer": ["申请人王秀英：已听清，不申请调解员回避。", "被申请人委托代理人孙丽：已听清，不申请调解员回避。"],
        "recorder": "张华",
        "recorder_is_mediator": False,
        "date": cn_date(date(2026, 10, 12)),
    }


def _extension_sample() -> Context:
    rule = clock(MEDIATION_CLOCK)
    accepted = date(2026, 10, 9)
    return {
        "title": _title("extension_confirmation"),
        **_sample_case(),
        "accepted_on": cn_date(accepted),
        "mediation": {
            "days": rule.days,
            "original_ends_on": cn_date(rule.due_date(accepted).date),
            "earlier_extended_days": 0,
            "citation": str(rule.citation),
        },
        "arbitration_right": arbitration_right(date(2026, 9, 30)),
        "extension": {
            "days": 10,
            "worker": _consent("王秀英", date(2026, 10, 20), ConsentMethod.WRITTEN),
            "employer": _consent("赵立（被申请人人力资源部经理，委托代理人）", date(2026, 10, 21), ConsentMethod.PHONE),
            "new_ends_on": cn_date(rule.due_date(accepted, rule.days + 10).date),
            "approved_by": "周建华", "reason": "双方当事人均表示愿意继续协商，需核对加班记录",
        },
        "note": EXTENSION_NOTE,
        "mediator": "李明",
        "date": cn_date(date(2026, 10, 13)),
    }


register(DocumentKind(
    code="session_notice",
    title=_("调解通知书"),
    template="documents/dispute/session_notice.html",
    sample_context=_session_notice_sample,
    build_context=_session_notice_from_db,
    variants=PARTIES,
    addressees=to_the_variant,
))

register(DocumentKind(
    code="session_record",
    title=_("调解笔录"),
    template="documents/dispute/session_record.html",
    sample_context=_session_record_sample,
    build_context=_session_record_from_db,
))

register(DocumentKind(
    code="extension_confirmation",
    title=_("延期调解确认书"),
    template="documents/dispute/extension_confirmation.html",
    sample_context=_extension_sample,
    build_context=_extension_from_db,
    addressees=to_both_parties,
))
