"""Document kinds of hardship identification (困难职工认定), one per step of the file:
申请表, 入户调查表, 民政核对结果, 民主评议记录, 公示, 审批表, 不予认定通知书, 建档登记表.

The subject is the HardshipFile. Builders read the file, its household (members, the
year's income, rigid expenses and hardship costs), the regional 低保 standard, the
publicity clock and the objections, and hand the template plain JSON-serialisable data:
dates as 2026年1月5日, amounts as ¥3,000.00. The computation is the one stored at the
democratic review (HardshipFile.assessment_steps, from cases.rules.eligibility). The
publicity period ends on the due date of the file's "hardship.publicity" Deadline (its
length is configuration, cases/rules/deadlines.py). Published documents show names masked
(cases.rules.masking); internal forms (申请表, 审批表, 建档登记表) show them in full. Builders
refuse (ValueError) rather than print a document with a missing fact.

The aid, yearly-review and exit kinds are in care.py.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.intake import (
    _in_document_language,
    _issued_on,
    _paragraphs,
    _title,
    cn_minute,
    cn_money,
    self_reference,
)
from cases.documents.registry import Context, DocumentKind, cn_date, person_name, register
from cases.models import (
    AuditEvent,
    CivilCheckResult,
    Deadline,
    EmploymentStatus,
    HardshipFile,
    Health,
    IdentificationSource,
    MinimumLivingStandard,
    Objection,
    ObjectionStatus,
    Relation,
    SchoolingStage,
)
from cases.models.hardship.file import second_approval_threshold
from cases.models.hardship.states import HOME_VISIT_CHECKLIST, H
from cases.rules import calendar
from cases.rules.deadlines import clock
from cases.rules.eligibility import Category, Rules, assess
from cases.rules.masking import mask_name

ZERO = Decimal("0.00")
PUBLICITY_CLOCK = "hardship.publicity"

# 个人信息保护法 第十三条第一款第一项 (consent) and 第十四条 (informed, voluntary, explicit).
AUTHORISATION_CITATION = (
    "《个人信息保护法》第十三条、第十四条：处理个人信息应当取得个人在充分知情的前提下自愿、明确作出的同意"
)
AUTHORISATION_PURPOSE = "困难职工认定及帮扶"
# 第二十八条 (health and the personal information of minors under 14 are sensitive), 第二十九条 (separate
# consent), 第三十条 (what the person is told), 第三十一条 (a parent or guardian consents for a child under 14).
SENSITIVE_CONSENT_CITATION = (
    "《个人信息保护法》第二十八条至第三十一条：处理医疗健康、不满十四周岁未成年人等敏感个人信息，应当取得个人的单独同意，"
    "并告知处理的必要性及对个人权益的影响；不满十四周岁未成年人的个人信息，应当取得其父母或者其他监护人的同意"
)
APPLICANT_PROMISE = (
    "本人承诺以上所填家庭成员、收入、支出等情况真实、完整，如有隐瞒、虚报，愿意承担相应责任，"
    "并同意工会组织入户调查、公示及向民政等部门核对家庭经济状况。"
)
# How objections are taken during publicity: common practice of the federations.
OBJECTION_WAYS = "书面、电话或者当面"


# -- What every hardship document reads from the file -------------------------------------

def _label(choices, value) -> str:
    return str(choices(value).label) if value else ""


def _head(file: HardshipFile, *, full: bool) -> Context:
    worker = file.household.head
    head = {"name": worker.name, "sex": worker.get_sex_display()}
    if full:
        head.update(
            birth_date=cn_date(worker.birth_date) if worker.birth_date else "",
            resident_id=worker.resident_id or "",
            phone=worker.phone,
        )
    return head


def _members(file: HardshipFile) -> list[Context]:
    return [
        {
            "name": member.name,
            "relation": _label(Relation, member.relation),
            "birth_date": cn_date(member.birth_date),
            "health": _label(Health, member.health),
            "employment": _label(EmploymentStatus, member.employment),
            "schooling": _label(SchoolingStage, member.schooling),
        }
        for member in file.household.members.order_by("pk")
    ]


def _standard(file: HardshipFile, year: int | None = None) -> Context:
    year = year or file.year
    standard = MinimumLivingStandard.objects.filter(region_code=file.household.region_code, year=year).first()
    if standard is None:
        return {"year": year, "amount": "", "source": ""}
    return {"year": year, "amount": cn_money(standard.monthly_amount), "source": standard.source}


def _identified(file: HardshipFile) -> str:
    """The category the identification found (a yearly review may have changed the file's since)."""
    return _label(Category, file.identification_category)


def _file_context(file: HardshipFile, issued_on: date, *, full_particulars: bool = False) -> Context:
    """What every hardship document says about the file: number, household, category, date."""
    household = file.household
    return {
        "file_number": file.number,
        "year": file.year,
        "category": _label(Category, file.category),
        "head": _head(file, full=full_particulars),
        "address": household.address or household.head.address,
        "region_code": household.region_code,
        "household_size": household.members.count(),
        "date": cn_date(issued_on),
    }


def _finances(file: HardshipFile) -> Context:
    """The year's income, rigid expenses and hardship costs as the household declared them."""
    household, year = file.household, file.year
    income = [
        {"kind": item.get_kind_display(), "amount": cn_money(item.amount)}
        for item in household.income_items.filter(year=year).order_by("kind", "pk")
    ]
    expenses = [
        {"kind": item.get_kind_display(), "note": item.note, "amount": cn_money(item.amount)}
        for item in household.rigid_expenses.filter(year=year).order_by("kind", "pk")
    ]
    costs = [
        {"event": item.get_event_display(), "note": item.note, "gross": cn_money(item.gross_amount),
         "compensation": cn_money(item.compensation), "net": cn_money(item.net_amount)}
        for item in household.hardship_costs.filter(year=year).order_by("pk")
    ]
    # Added up in Python: the amounts are encrypted at rest.
    income_total = sum((item.amount for item in household.income_items.filter(year=year)), ZERO)
    expense_total = sum((item.amount for item in household.rigid_expenses.filter(year=year)), ZERO)
    return {
        "income": income, "income_total": cn_money(income_total),
        "expenses": expenses, "expenses_total": cn_money(expense_total),
        "costs": costs,
    }


def _actor(event: AuditEvent | None, fallback_user=None) -> str:
    """Who made the document's transition: the event's actor, else the file's field."""
    if event is not None:
        return person_name(event.actor) or event.actor_label
    return person_name(fallback_user)


def _publicity_period(file: HardshipFile, code: str) -> Context:
    """The period the file's clock `code` counts, printed as it counts it: the clock leaves out the
    day the notice goes up (民法典第二百零一条) and ends on its due date, so the notice names the
    first working day after that day, the due date, and the working days between — one count."""
    rule = clock(code)
    deadline = Deadline.objects.for_subject(file).filter(clock=rule.code).order_by("-pk").first()
    if deadline is None:
        raise ValueError(f"hardship file {file.pk}: no {rule.code} deadline, the publicity was never started")
    posted_on = deadline.starts_on
    return period_context(code, first_day=calendar.add_working_days(posted_on, 1), last_day=deadline.due_on,
                          working_days=calendar.working_days_between(posted_on, deadline.due_on))


def period_context(code: str, *, first_day: date, last_day: date, working_days: int) -> Context:
    return {"starts_on": cn_date(first_day), "ends_on": cn_date(last_day), "working_days": working_days,
            "citation": str(clock(code).citation)}


def objection_contact(organisation) -> Context:
    """Where and how the public lodges an objection: the organisation's address and phone as
    recorded (组织管理), or, when it has recorded neither, through the union where the notice hangs."""
    ways = [f"地址：{organisation.address}"] if organisation.address else []
    ways += [f"电话：{organisation.phone}"] if organisation.phone else []
    return {
        "organisation": organisation.name,
        "ways": "；".join(ways),
        "fallback": "" if ways else "也可以交公示张贴处所在单位工会转交",
    }


def _objections(file: HardshipFile, stage: str) -> list[Context]:
    return [
        {"lodged_at": cn_minute(objection.lodged_at), "content": objection.content,
         "status": objection.get_status_display(), "finding": objection.finding}
        for objection in Objection.objects.filter(file=file, stage=stage).order_by("pk")
    ]


def _objection_outcome(objections: list[Context]) -> str:
    if not objections:
        return "公示期内未收到异议。"
    upheld = sum(1 for o in objections if o["status"] == str(ObjectionStatus.UPHELD.label))
    pending = sum(1 for o in objections if o["status"] == str(ObjectionStatus.PENDING.label))
    dismissed = len(objections) - upheld - pending
    parts = [f"公示期内收到异议{len(objections)}件"]
    if dismissed:
        parts.append(f"经核查不成立{dismissed}件")
    if upheld:
        parts.append(f"异议成立{upheld}件")
    if pending:
        parts.append(f"尚未处理{pending}件")
    return "，".join(parts) + "。"


def _vote_total(file: HardshipFile) -> int:
    return file.votes_for + file.votes_against + file.votes_abstain


def _review(file: HardshipFile) -> Context:
    return {
        "held_on": cn_date(file.review_held_on) if file.review_held_on else "",
        "participants": _paragraphs(file.review_participants),
        "votes_for": file.votes_for, "votes_against": file.votes_against, "votes_abstain": file.votes_abstain,
        "votes_total": _vote_total(file),
        "opinion": _paragraphs(file.review_opinion),
        "recorder": person_name(file.reviewed_by),
        "proposed_aid": cn_money(file.proposed_aid_amount),
    }


def _civil_check(file: HardshipFile) -> Context:
    record = file.civil_record
    return {
        "result": _label(CivilCheckResult, file.civil_check_result),
        "note": _paragraphs(file.civil_check_note),
        "checked_on": cn_date(file.civil_checked_on) if file.civil_checked_on else "",
        "record": {
            "category": record.category,
            "monthly_amount": cn_money(record.monthly_amount) if record.monthly_amount is not None else "",
            "since": cn_date(record.since) if record.since else "",
            "household_size": record.household_size or "",
        } if record is not None else None,
    }


def _require(value, file: HardshipFile, what: str):
    if not value:
        raise ValueError(f"hardship file {file.pk}: {what} has not been recorded")
    return value


# -- 困难职工帮扶申请表 (application) ---------------------------------------------------------

@_in_document_language
def _application_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    applied_on = _require(file.applied_on, file, "the application")
    return {
        **_file_context(file, applied_on, full_particulars=True),
        "source": _label(IdentificationSource, file.source),
        "referred_by": file.referred_by,
        "applied_on": cn_date(applied_on),
        "members": _members(file),
        **_finances(file),
        "reason": _paragraphs(file.application_reason),
        "promise": APPLICANT_PROMISE,
        "caseworker": _actor(transition_event, file.prepared_by),
    }


# -- 入户调查表 (home visit record, with the authorisation) --------------------------------------

def _checklist(answers: dict) -> list[Context]:
    return [
        {"item": str(label), "answer": "是" if answers.get(key) is True else ("否" if answers.get(key) is False else "未填")}
        for key, label in HOME_VISIT_CHECKLIST
    ]


def _sensitive_consent(file: HardshipFile, consented_on: date) -> Context:
    """The separate consent (单独同意) to what of the household is sensitive: health, and children under 14."""
    minors = [member.name for member in file.household.members.order_by("pk") if _under_14(member.birth_date, consented_on)]
    return {"signed_on": cn_date(consented_on), "minors": "、".join(minors), "citation": SENSITIVE_CONSENT_CITATION}


def _under_14(birth_date: date | None, on: date) -> bool:
    if birth_date is None:
        return False
    return (on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))) < 14


@_in_document_language
def _home_visit_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    visited_on = _require(file.visited_on, file, "the home visit")
    signed_on = _require(file.authorisation_signed_on, file, "the household's authorisation")
    consented_on = _require(file.sensitive_consent_signed_on, file, "the separate consent to sensitive information")
    return {
        **_file_context(file, visited_on),
        "visited_on": cn_date(visited_on),
        "visitor": person_name(file.visited_by) or _actor(transition_event),
        "second_visitor": person_name(_require(file.second_visitor, file, "the second visitor")),
        "members": _members(file),
        "checklist": _checklist(file.visit_checklist or {}),
        "findings": _paragraphs(file.visit_findings),
        "authorisation": {
            "signed_on": cn_date(signed_on), "purpose": AUTHORISATION_PURPOSE, "citation": AUTHORISATION_CITATION,
        },
        "sensitive_consent": _sensitive_consent(file, consented_on),
    }


# -- 民政核对结果 (civil-affairs check) ----------------------------------------------------------

@_in_document_language
def _civil_check_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    _require(file.civil_check_result, file, "the civil-affairs check")
    signed_on = _require(file.authorisation_signed_on, file, "the household's authorisation")
    checked_on = file.civil_checked_on or _issued_on(transition_event)
    return {
        **_file_context(file, checked_on),
        "check": _civil_check(file),
        "authorisation": {"signed_on": cn_date(signed_on), "purpose": AUTHORISATION_PURPOSE},
        "checker": _actor(transition_event, file.prepared_by),
    }


# -- 民主评议记录 (democratic review) -----------------------------------------------------------

@_in_document_language
def _democratic_review_from_db(file: HardshipFile, transition_event: AuditEvent | None, *,
                               variant: str = "") -> Context:
    held_on = _require(file.review_held_on, file, "the democratic review")
    return {
        **_file_context(file, held_on),
        "category": _identified(file),
        "review": _review(file),
        "per_capita_monthly": cn_money(file.per_capita_monthly) if file.per_capita_monthly is not None else "",
        "steps": list(file.assessment_steps),
        "standard": _standard(file),
    }


# -- 困难职工认定公示 (publicity notice: masked name) ----------------------------------------------

@_in_document_language
def _publicity_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    started_on = _require(file.publicity_started_on, file, "the publicity")
    return {
        "file_number": "",  # the notice is public: no internal number
        "date": cn_date(started_on),
        "self_ref": self_reference(file.organisation),
        "entries": [{
            "masked_name": mask_name(file.household.head.name),
            "work_unit": file.household.work_unit,
            "category": _label(Category, _require(file.category, file, "the category")),
            "sex": file.household.head.get_sex_display(),
        }],
        "period": _publicity_period(file, PUBLICITY_CLOCK),
        "place": file.publicity_place,
        "objection_ways": OBJECTION_WAYS,
        "contact": objection_contact(file.organisation),
    }


# -- 困难职工认定审批表 (approval form) ---------------------------------------------------------

APPROVER_ROLES = {"first": "审批人", "second": "复审批人"}


def _approvals(file: HardshipFile) -> list[Context]:
    """Each approval with its approver's own opinion as they wrote it (HardshipFile.approval_opinions)."""
    return [{"role": APPROVER_ROLES[opinion["stage"]], "name": person_name(opinion["approver"]),
             "at": cn_minute(opinion["at"]) if opinion["at"] else "", "comment": _paragraphs(opinion["comment"])}
            for opinion in file.approval_opinions()]


@_in_document_language
def _approval_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    approvals = _require(_approvals(file), file, "an approval")
    objections = _objections(file, H.IN_PUBLICITY)
    publicity = None
    if file.publicity_started_on:
        publicity = {**_publicity_period(file, PUBLICITY_CLOCK),
                     "place": file.publicity_place}
    return {
        **_file_context(file, _issued_on(transition_event), full_particulars=True),
        "category": _identified(file),
        "source": _label(IdentificationSource, file.source),
        "members": _members(file),
        "per_capita_monthly": cn_money(file.per_capita_monthly) if file.per_capita_monthly is not None else "",
        "steps": list(file.assessment_steps),
        "standard": _standard(file),
        "check": _civil_check(file),
        "review": _review(file),
        "publicity": publicity,
        "objections": objections,
        "objection_outcome": _objection_outcome(objections),
        "preparer": person_name(file.prepared_by),
        "approvals": approvals,
        "second_pending": file.needs_second_approval() and not file.second_approved_by_id,
        "proposed_aid": cn_money(file.proposed_aid_amount),
        "second_threshold": cn_money(second_approval_threshold()),
    }


# -- 不予认定通知书 (not identified) ------------------------------------------------------------

@_in_document_language
def _not_identified_from_db(file: HardshipFile, transition_event: AuditEvent | None, *,
                            variant: str = "") -> Context:
    reason = (transition_event.reason if transition_event is not None else "") or file.closed_reason
    if not reason.strip():
        raise ValueError(f"hardship file {file.pk}: a not-identified notice states its reason")
    return {
        **_file_context(file, _issued_on(transition_event)),
        "self_ref": self_reference(file.organisation),
        "addressee": file.household.head.name,
        "applied_on": cn_date(file.applied_on) if file.applied_on else "",
        "reason": reason.strip().rstrip("。"),
    }


# -- 困难职工建档登记表 (file opening) -----------------------------------------------------------

@_in_document_language
def _file_opening_from_db(file: HardshipFile, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    number = _require(file.number, file, "the file number")
    opened_on = file.opened_on or _issued_on(transition_event)
    return {
        **_file_context(file, opened_on, full_particulars=True),
        "category": _identified(file),
        "file_number": number,
        "opened_on": cn_date(opened_on),
        "source": _label(IdentificationSource, file.source),
        "members": _members(file),
        "per_capita_monthly": cn_money(file.per_capita_monthly) if file.per_capita_monthly is not None else "",
        "proposed_aid": cn_money(file.proposed_aid_amount),
        "approvals": _approvals(file),
        "next_review_due": cn_date(file.next_review_due) if file.next_review_due else "",
        "registrar": _actor(transition_event, file.prepared_by),
    }


# -- Samples ------------------------------------------------------------------------------

SAMPLE_STEPS_INPUT = {
    "household_size": 3, "annual_income": Decimal("42000.00"), "rigid_expenses": {"medical": Decimal("6000.00")},
    "hardship_costs": Decimal("0.00"), "monthly_minimum": Decimal("1400.00"),
    "rules": Rules(region_code="110108", year=2025, relative_multiple=Decimal("2"),
                   accident_cost_share=Decimal("0.80"), counted_expense_kinds=("medical", "schooling"),
                   document_number="京工发〔2024〕12号", document_date=date(2024, 3, 1)),
}


def sample_steps() -> list[str]:
    """The computation as cases.rules.eligibility writes it, for the sample household."""
    return list(assess(**SAMPLE_STEPS_INPUT).steps)


def sample_file() -> Context:
    return {
        "organisation_name": "海淀区总工会",
        "file_number": "",
        "year": 2025,
        "category": "深度困难",
        "head": {"name": "王建国", "sex": "男", "birth_date": cn_date(date(1975, 1, 1)),
                 "resident_id": "110108197501010017", "phone": "13901234567"},
        "address": "北京市海淀区中关村南大街5号院2号楼3单元401室",
        "region_code": "110108",
        "household_size": 3,
    }


def sample_members() -> list[Context]:
    return [
        {"name": "王建国", "relation": "本人", "birth_date": cn_date(date(1975, 1, 1)), "health": "慢性病",
         "employment": "不充分就业", "schooling": "未在学"},
        {"name": "李秀兰", "relation": "配偶", "birth_date": cn_date(date(1977, 6, 18)), "health": "大病",
         "employment": "失业", "schooling": "未在学"},
        {"name": "王小明", "relation": "子女", "birth_date": cn_date(date(2010, 5, 1)), "health": "健康",
         "employment": "非劳动年龄", "schooling": "初中"},
    ]


def sample_standard() -> Context:
    return {"year": 2025, "amount": cn_money(Decimal("1400.00")), "source": "京民社救发〔2025〕"}


def sample_review() -> Context:
    return {
        "held_on": cn_date(date(2026, 2, 10)),
        "participants": ["海淀区总工会帮扶中心：赵敏、孙立", "职工所在单位工会：周海", "职工代表：吴静、郑伟、冯涛"],
        "votes_for": 6, "votes_against": 0, "votes_abstain": 0, "votes_total": 6,
        "opinion": ["王建国家庭3口人，配偶患大病失业，本人不充分就业，月人均可支配收入低于本市低保标准，"
                    "经评议，同意认定为深度困难职工，建议给予年度生活救助。"],
        "recorder": "孙立",
        "proposed_aid": cn_money(Decimal("6000.00")),
    }


def sample_check() -> Context:
    return {
        "result": "核对一致", "note": ["家庭成员户籍、收入与民政部门数据一致；配偶享受临时救助。"],
        "checked_on": cn_date(date(2026, 1, 28)),
        "record": {"category": "临时救助", "monthly_amount": cn_money(Decimal("800.00")),
                   "since": cn_date(date(2025, 9, 1)), "household_size": 3},
    }


SAMPLE_PUBLICITY_START = date(2026, 2, 11)
SAMPLE_WORK_UNIT = "北京某物业管理有限公司"


def sample_contact() -> Context:
    return {"organisation": "海淀区总工会", "ways": "地址：北京市海淀区某某路1号海淀区总工会帮扶中心；电话：010-12345678",
            "fallback": ""}


def sample_period(code: str, posted_on: date, ends_on: date) -> Context:
    """A publicity period of the clock `code` for the samples, which need no database (the
    working-day calendar reads the approved schedules): posted on a working day before another
    working day, counted from the next day, and `ends_on` is what the clock gives for 5 working
    days after `posted_on`."""
    return period_context(code, first_day=posted_on + timedelta(days=1), last_day=ends_on, working_days=5)


def _sample_publicity_period() -> Context:
    # Posted Wed 02-11, counted from Thu 02-12: 02-12, 02-13, Sat 02-14 (a make-up workday), then after
    # the Spring Festival (02-15..02-23) 02-24 and 02-25 — five working days.
    return sample_period(PUBLICITY_CLOCK, SAMPLE_PUBLICITY_START, date(2026, 2, 25))


@_in_document_language
def _application_sample() -> Context:
    return {
        "title": _title("hardship_application"), **sample_file(),
        "source": "职工申请", "referred_by": "", "applied_on": cn_date(date(2026, 1, 12)),
        "members": sample_members(),
        "income": [{"kind": "工资性收入", "amount": cn_money(Decimal("30000.00"))},
                   {"kind": "转移性收入（含养老金、救助金）", "amount": cn_money(Decimal("12000.00"))}],
        "income_total": cn_money(Decimal("42000.00")),
        "expenses": [{"kind": "医疗", "note": "配偶住院自付部分", "amount": cn_money(Decimal("6000.00"))}],
        "expenses_total": cn_money(Decimal("6000.00")),
        "costs": [],
        "reason": ["本人在某物业公司做保洁，收入不稳定；配偶2025年确诊乳腺癌后失业，医疗费用支出大；"
                   "孩子上初中。家庭生活困难，特申请困难职工帮扶。"],
        "promise": APPLICANT_PROMISE,
        "caseworker": "赵敏",
        "date": cn_date(date(2026, 1, 12)),
    }


@_in_document_language
def _home_visit_sample() -> Context:
    answers = {key: True for key, _label in HOME_VISIT_CHECKLIST}
    answers["neighbours_consulted"] = False
    return {
        "title": _title("home_visit_record"), **sample_file(),
        "visited_on": cn_date(date(2026, 1, 20)), "visitor": "赵敏", "second_visitor": "孙立",
        "members": sample_members(),
        "checklist": _checklist(answers),
        "findings": ["住房为单位老旧宿舍，约40平方米，家具陈旧；配偶术后在家休养，需长期服药。",
                     "申请人所述收入与工资条、银行流水一致。"],
        "authorisation": {"signed_on": cn_date(date(2026, 1, 20)), "purpose": AUTHORISATION_PURPOSE,
                          "citation": AUTHORISATION_CITATION},
        "sensitive_consent": {"signed_on": cn_date(date(2026, 1, 20)), "minors": "",
                              "citation": SENSITIVE_CONSENT_CITATION},
        "date": cn_date(date(2026, 1, 20)),
    }


@_in_document_language
def _civil_check_sample() -> Context:
    return {
        "title": _title("civil_check_record"), **sample_file(),
        "check": sample_check(),
        "authorisation": {"signed_on": cn_date(date(2026, 1, 20)), "purpose": AUTHORISATION_PURPOSE},
        "checker": "赵敏",
        "date": cn_date(date(2026, 1, 28)),
    }


@_in_document_language
def _democratic_review_sample() -> Context:
    return {
        "title": _title("democratic_review_record"), **sample_file(),
        "review": sample_review(),
        "per_capita_monthly": cn_money(Decimal("1000.00")),
        "steps": sample_steps(),
        "standard": sample_standard(),
        "date": cn_date(date(2026, 2, 10)),
    }


@_in_document_language
def _publicity_sample() -> Context:
    return {
        "title": _title("publicity_notice"),
        "organisation_name": "海淀区总工会",
        "file_number": "",
        "self_ref": "本会",
        "entries": [{"masked_name": mask_name("王建国"), "work_unit": SAMPLE_WORK_UNIT, "category": "深度困难",
                     "sex": "男"}],
        "period": _sample_publicity_period(),
        "place": "海淀区总工会一楼公示栏及职工所在单位公示栏",
        "objection_ways": OBJECTION_WAYS,
        "contact": sample_contact(),
        "date": cn_date(SAMPLE_PUBLICITY_START),
    }


@_in_document_language
def _approval_sample() -> Context:
    return {
        "title": _title("hardship_approval"), **sample_file(),
        "source": "职工申请",
        "members": sample_members(),
        "per_capita_monthly": cn_money(Decimal("1000.00")),
        "steps": sample_steps(),
        "standard": sample_standard(),
        "check": sample_check(),
        "review": sample_review(),
        "publicity": {**_sample_publicity_period(), "place": "海淀区总工会一楼公示栏及职工所在单位公示栏"},
        "objections": [],
        "objection_outcome": _objection_outcome([]),
        "preparer": "赵敏",
        "approvals": [{"role": "审批人", "name": "钱立新", "at": f"{cn_date(date(2026, 3, 2))}10时15分",
                       "comment": ["入户调查、民政核对与评议结论一致，配偶大病医疗票据齐全，同意认定为深度困难职工。"]},
                      {"role": "复审批人", "name": "陈志远", "at": f"{cn_date(date(2026, 3, 3))}9时40分",
                       "comment": ["同意。年度帮扶金额在区级帮扶资金预算内安排。"]}],
        "second_pending": False,
        "proposed_aid": cn_money(Decimal("6000.00")),
        "second_threshold": cn_money(Decimal("5000.00")),
        "date": cn_date(date(2026, 3, 3)),
    }


@_in_document_language
def _not_identified_sample() -> Context:
    return {
        "title": _title("not_identified_notice"), **sample_file(),
        "category": "",
        "self_ref": "本会",
        "addressee": "王建国",
        "applied_on": cn_date(date(2026, 1, 12)),
        "reason": "经民政核对，家庭成员名下另有商铺一处并出租，租金收入未申报，"
                  "计入后月人均可支配收入高于本市低保标准的2倍，不符合困难职工认定条件",
        "date": cn_date(date(2026, 2, 2)),
    }


@_in_document_language
def _file_opening_sample() -> Context:
    return {
        "title": _title("file_opening_record"), **sample_file(),
        "file_number": "BJ-HD-KN-2026-0007",
        "opened_on": cn_date(date(2026, 3, 4)),
        "source": "职工申请",
        "members": sample_members(),
        "per_capita_monthly": cn_money(Decimal("1000.00")),
        "proposed_aid": cn_money(Decimal("6000.00")),
        "approvals": [{"role": "审批人", "name": "钱立新", "at": f"{cn_date(date(2026, 3, 2))}10时15分"},
                      {"role": "复审批人", "name": "陈志远", "at": f"{cn_date(date(2026, 3, 3))}9时40分"}],
        "next_review_due": cn_date(date(2027, 3, 4)),
        "registrar": "赵敏",
        "date": cn_date(date(2026, 3, 4)),
    }


# -- Registration -------------------------------------------------------------------------

def register_hardship_kind(code: str, title, sample, builder) -> DocumentKind:
    """A hardship kind: its template is templates/documents/hardship/<code>.html."""
    return register(DocumentKind(
        code=code, title=title, template=f"documents/hardship/{code}.html",
        sample_context=sample, build_context=builder,
    ))


register_hardship_kind("hardship_application", _("困难职工帮扶申请表"), _application_sample, _application_from_db)
register_hardship_kind("home_visit_record", _("困难职工家庭入户调查表"), _home_visit_sample, _home_visit_from_db)
register_hardship_kind("civil_check_record", _("民政核对结果"), _civil_check_sample, _civil_check_from_db)
register_hardship_kind("democratic_review_record", _("民主评议记录"), _democratic_review_sample, _democratic_review_from_db)
register_hardship_kind("publicity_notice", _("困难职工认定公示"), _publicity_sample, _publicity_from_db)
register_hardship_kind("hardship_approval", _("困难职工认定审批表"), _approval_sample, _approval_from_db)
register_hardship_kind("not_identified_notice", _("不予认定通知书"), _not_identified_sample, _not_identified_from_db)
register_hardship_kind("file_opening_record", _("困难职工建档登记表"), _file_opening_sample, _file_opening_from_db)
