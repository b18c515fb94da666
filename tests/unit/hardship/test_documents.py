"""Hardship documents read back from the PDF: every kind from its sample, then the builders
on files put straight into a state (tests.hardship_fixtures): the masked name and period of
the publicity notices, the computation and approvers of the approval form, the aid decision
and the receipt with its amount in Chinese capitals, the yearly review, the exit notice."""

import io
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from cases.documents.registry import get_kind
from cases.models import (
    AidPlan,
    AuditAction,
    Deadline,
    Disbursement,
    Document,
    FundEntry,
    HardshipStatus,
    Objection,
    ObjectionStatus,
    PlanStatus,
    YearlyReview,
)
from cases.models.hardship.funds import EntryKind
from cases.models.hardship.household import assess_household
from cases.platform.audit.journal import append_event
from cases.platform.deadlines import apply_trigger
from cases.platform.documents import render_pdf
from cases.rules.masking import mask_name
from cases.rules.money import rmb_capitals
from cases.tasks.documents import issue_document_task
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship

H = HardshipStatus
SHANGHAI = ZoneInfo("Asia/Shanghai")
IDENTIFICATION_KINDS = (
    "hardship_application", "home_visit_record", "civil_check_record", "democratic_review_record",
    "publicity_notice", "hardship_approval", "not_identified_notice", "file_opening_record",
)
CARE_KINDS = ("aid_decision_notice", "aid_receipt", "yearly_review_record", "exit_publicity_notice", "exit_notice")
HARDSHIP_KINDS = IDENTIFICATION_KINDS + CARE_KINDS
CHECKLIST = {"identity_checked": True, "members_confirmed": True, "income_confirmed": True,
             "expenses_confirmed": True, "housing_observed": True, "neighbours_consulted": False}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def named(user, last, first):
    user.last_name, user.first_name = last, first
    user.save()
    return user


@pytest.fixture
def staff(people, make_user, orgs):
    from cases.models import Role

    return {
        "caseworker": named(people["caseworker"], "赵", "敏"),
        "recorder": named(make_user("hd_recorder", orgs["hd"], Role.HARDSHIP_CASEWORKER), "孙", "立"),
        "reviewer": named(people["reviewer"], "钱", "立新"),
        "reviewer2": named(make_user("hd_reviewer2", orgs["hd"], Role.REVIEWER), "陈", "志远"),
    }


@pytest.fixture
def household(orgs):
    """王建国's household of three: 36,000 a year → 1,000/人·月, below the 1,400 低保: 深度困难."""
    return household_in_hardship(orgs["hd"])


def reviewed_fields(household, staff):
    assessment = assess_household(household, year=2025)
    return {
        "applied_on": date(2026, 1, 12), "application_reason": "配偶大病失业，本人收入不稳定。",
        "visited_on": date(2026, 1, 20), "visited_by": staff["caseworker"], "visit_checklist": CHECKLIST,
        "visit_findings": "住房狭小，配偶在家休养。", "authorisation_signed_on": date(2026, 1, 20),
        "second_visitor": staff["recorder"], "sensitive_consent_signed_on": date(2026, 1, 21),
        "civil_check_result": "consistent", "civil_check_note": "与民政数据一致。", "civil_checked_on": date(2026, 1, 28),
        "review_held_on": date(2026, 2, 10), "review_participants": "赵敏、孙立\n职工代表吴静",
        "votes_for": 5, "votes_against": 1, "votes_abstain": 0, "review_opinion": "同意认定为深度困难。",
        "reviewed_by": staff["recorder"], "proposed_aid_amount": Decimal("6000.00"),
        "category": assessment.category, "per_capita_monthly": assessment.per_capita_monthly,
        "assessment_steps": list(assessment.steps),
    }


def build(code, file, event=None):
    kind = get_kind(code)
    context = {**kind.build_context(file, event, variant=""), "title": str(kind.title),
               "organisation_name": file.organisation.name}
    return pdf_text(render_pdf(template=kind.template, context=context).content)


def issue(code, file, event, by):
    document = Document.objects.get(pk=issue_document_task.delay(kind=code, transition_event_id=event.pk,
                                                                  by=by.pk).get())
    assert document.subject == file and document.kind == code
    return pdf_text(document.file.read())


def transition_event(file, name, by, *, reason="", created=None):
    return append_event(action=AuditAction.TRANSITION, actor=by, subject=file, organisation=file.organisation,
                        name=name, to_state=file.status, reason=reason, data={"created": created})


# -- Helpers ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, shown", [
    ("王建国", "王*国"), ("王伟", "王*"), ("欧阳娜娜", "欧**娜"), ("王", "王"), ("", ""), (None, ""),
    ("王 建国", "王*国"), ("阿依古丽·买买提", "阿***·**提"),
])
def test_names_are_masked_as_federations_publish_them(name, shown):
    assert mask_name(name) == shown


@pytest.mark.parametrize("amount, capitals", [
    ("3000.00", "叁仟元整"), ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"), ("1005", "壹仟零伍元整"),
    ("325.04", "叁佰贰拾伍元零肆分"), ("10", "壹拾元整"), ("110", "壹佰壹拾元整"), ("0.50", "伍角整"),
    ("0.05", "伍分"), ("0", "零元整"), ("1409.50", "壹仟肆佰零玖元伍角整"), ("100010000", "壹亿零壹万元整"),
    ("1000100", "壹佰万零壹佰元整"), ("120000000", "壹亿贰仟万元整"), ("100010", "壹拾万零壹拾元整"),
])
def test_amounts_in_chinese_capitals(amount, capitals):
    assert rmb_capitals(Decimal(amount)) == capitals


@pytest.mark.parametrize("amount, error", [(3000.0, TypeError), (Decimal("-1"), ValueError),
                                           (Decimal("1.005"), ValueError), (Decimal("NaN"), ValueError)])
def test_capitals_refuse_floats_negatives_and_fractions_of_a_fen(amount, error):
    with pytest.raises(error):
        rmb_capitals(amount)


# -- Samples ------------------------------------------------------------------------------

SAMPLE_FACTS = {
    "hardship_application": ("王建国", "110108197501010017", "申请理由", "申请人（签名）"),
    "home_visit_record": ("信息核对授权书", "2026年1月20日", "核对户口簿、身份证", "否", "被调查人（签名）",
                          "调查人：赵敏、孙立", "敏感个人信息单独同意", "调查人（签名）：__________（孙立）"),
    "civil_check_record": ("核对一致", "临时救助", "核对经办人"),
    "democratic_review_record": ("同意6票", "反对0票", "低保标准", "结论：深度困难", "记录人"),
    "publicity_notice": ("王*国", "北京某物业管理有限公司", "深度困难", "公示期：2026年2月12日至2026年2月25日，共5个工作日",
                         "公示地点", "匿名", "电话：010-12345678"),
    "hardship_approval": ("¥1,400.00", "结论：深度困难", "经办人赵敏", "评议记录人孙立",
                          "审批人（签名）：__________钱立新", "复审批人（签名）：__________陈志远", "公示期内未收到异议",
                          "审批人意见：入户调查、民政核对与评议结论一致"),
    "not_identified_notice": ("王建国：", "不予认定", "理由："),
    "file_opening_record": ("BJ-HD-KN-2026-0007", "深度困难", "2027年3月4日"),
    "aid_decision_notice": ("生活救助", "¥6,000.00", "陆仟元整", "分4次发放", "海淀区总工会2026年帮扶资金", "钱立新"),
    "aid_receipt": ("BJ-HD-LK-2026-0031", "¥1,500.00", "人民币壹仟伍佰元整", "领款人（签名）", "经办人：赵敏"),
    "yearly_review_record": ("2026年", "深度困难→深度困难", "结论：深度困难", "复核情况"),
    "exit_publicity_notice": ("王*国", "已脱困", "公示期：2027年3月16日至2027年3月22日，共5个工作日"),
    "exit_notice": ("已脱困", "退档", "重新提出申请"),
}


@pytest.mark.django_db
def test_render_sample_documents_renders_every_hardship_kind(tmp_path):
    out = io.StringIO()
    call_command("render_sample_documents", out=tmp_path, stdout=out)

    for code in HARDSHIP_KINDS:
        kind = get_kind(code)
        assert kind.template == f"documents/hardship/{code}.html" and kind.build_context is not None
        text = pdf_text((tmp_path / f"{code}.pdf").read_bytes())
        assert str(kind.title) in text and "海淀区总工会（印章）" in text, code
        for fact in SAMPLE_FACTS[code]:
            assert fact in text, (code, fact)
        assert f"{code}.pdf" in out.getvalue()
    for public in ("publicity_notice", "exit_publicity_notice"):
        text = pdf_text((tmp_path / f"{public}.pdf").read_bytes())
        assert "王建国" not in text and "110108197501010017" not in text
    assert not Document.objects.exists()


def test_the_transitions_name_only_registered_hardship_kinds():
    from cases.models import HardshipFile

    named_kinds = set()
    for spec in HardshipFile._meta.get_field("status").get_all_transitions(HardshipFile):
        named_kinds.update(spec.custom.get("documents", ()))
    assert named_kinds == set(HARDSHIP_KINDS)
    for code in named_kinds:
        get_kind(code)


# -- Identification, from the database ----------------------------------------------------

@pytest.mark.django_db
def test_application_home_visit_civil_check_and_review_records_from_the_file(household, staff):
    file = file_in_state(household, H.REVIEWED, prepared_by=staff["caseworker"], **reviewed_fields(household, staff))

    application = build("hardship_application", file)
    assert "王建国" in application and "110108197501010017" in application
    assert "¥36,000.00" in application and "配偶大病失业" in application and "2026年1月12日" in application
    assert "王家属1" in application and "经办人：赵敏" in application

    visit = build("home_visit_record", file)
    assert "已于2026年1月20日签署《家庭经济状况信息核对授权书》" in visit
    assert "走访邻里、所在单位了解情况否" in visit and "核对户口簿、身份证是" in visit
    assert "住房狭小" in visit and "调查人：赵敏、孙立（两人入户）" in visit
    # Both visitors sign: two signature lines, each with the name under it.
    assert "调查人（签名）：__________（赵敏）" in visit and "调查人（签名）：__________（孙立）" in visit
    # The separate consent to sensitive information, apart from the data-check authorisation.
    assert "已于2026年1月21日另行签署《敏感个人信息处理单独同意书》" in visit and "第二十八条至第三十一条" in visit
    assert "王家属1" not in visit.split("敏感个人信息单独同意")[1].split("依据")[0]  # born 2010: not under 14

    check = build("civil_check_record", file)
    assert "核对一致" in check and "2026年1月28日" in check and "与民政数据一致" in check

    review = build("democratic_review_record", file)
    assert "参加评议6人：同意5票，反对1票，弃权0票" in review and "同意认定为深度困难" in review
    assert "¥1,000.00/人·月" in review and "→深度困难" in review and "¥6,000.00" in review
    assert "记录人（签名）：孙立" in review


@pytest.mark.django_db
def test_the_publicity_notice_masks_the_name_and_runs_to_the_clocks_due_date(household, staff):
    started = date(2026, 2, 11)
    file = file_in_state(household, H.IN_PUBLICITY, prepared_by=staff["caseworker"],
                         **reviewed_fields(household, staff), publicity_started_on=started,
                         publicity_place="海淀区总工会一楼公示栏")
    apply_trigger(file, "start_publicity", organisation=file.organisation, today=started)
    deadline = Deadline.objects.for_subject(file).get(clock="hardship.publicity")
    event = transition_event(file, "start_publicity", staff["caseworker"])

    text = issue("publicity_notice", file, event, staff["caseworker"])

    assert "王*国" in text and "王建国" not in text and "110108197501010017" not in text
    assert "深度困难" in text and "¥" not in text  # no income figures in public
    # Five working days after Wednesday 11 February 2026: 12, 13, 14 (a make-up workday), then the
    # Spring Festival holiday (15–23 February), 24 and 25 February.
    assert deadline.due_on == date(2026, 2, 25)
    # The period printed is the one the clock counts: from the day after posting to the due date.
    assert "公示期：2026年2月12日至2026年2月25日，共5个工作日" in text
    assert "海淀区总工会一楼公示栏" in text
    # The organisation has recorded no address or phone: the notice says how to object anyway.
    assert "向海淀区总工会提出（也可以交公示张贴处所在单位工会转交）" in text
    assert "王*国——深度困难" in text  # no sex, no work unit recorded: a dash each beside the masked name


@pytest.mark.django_db
def test_a_publicity_notice_needs_the_publicity_clock(household, staff):
    file = file_in_state(household, H.IN_PUBLICITY, prepared_by=staff["caseworker"],
                         **reviewed_fields(household, staff), publicity_started_on=date(2026, 2, 11),
                         publicity_place="公示栏")
    with pytest.raises(ValueError, match="hardship.publicity"):
        get_kind("publicity_notice").build_context(file, None, variant="")


@pytest.mark.django_db
def test_the_approval_form_shows_the_computation_the_objections_and_every_approver(household, staff):
    started = date(2026, 2, 11)
    file = file_in_state(
        household, H.APPROVED, prepared_by=staff["caseworker"], **reviewed_fields(household, staff),
        publicity_started_on=started, publicity_place="海淀区总工会一楼公示栏",
        first_approved_by=staff["reviewer"], first_approved_at=datetime(2026, 3, 2, 10, 15, tzinfo=SHANGHAI),
        second_approved_by=staff["reviewer2"], second_approved_at=datetime(2026, 3, 3, 9, 40, tzinfo=SHANGHAI),
    )
    apply_trigger(file, "start_publicity", organisation=file.organisation, today=started)
    Objection.objects.create(file=file, stage=H.IN_PUBLICITY, content="该户有出租房屋。",
                             status=ObjectionStatus.DISMISSED, finding="经核实房屋为单位宿舍，异议不成立")
    transition_event(file, "approve", staff["reviewer"], reason="入户调查与民政核对结论一致，同意认定。")
    event = transition_event(file, "approve_second", staff["reviewer2"], reason="同意，帮扶金额在年度预算内安排。")

    text = issue("hardship_approval", file, event, staff["reviewer2"])

    for step in file.assessment_steps:
        assert re.sub(r"\s+", "", step) in text
    assert "当地最低生活保障标准：¥1,400.00/人·月" in text
    assert "¥36,000.00" in text and "¥1,000.00<¥1,400.00→深度困难" in text
    assert "核对一致" in text and "同意5票" in text
    assert "公示期内收到异议1件，经核查不成立1件" in text and "该户有出租房屋" in text
    assert "经办人赵敏" in text and "评议记录人孙立" in text
    # Each approver's own opinion, a line to sign on, their name and the time they approved.
    assert "审批人意见：入户调查与民政核对结论一致，同意认定。审批人（签名）：__________钱立新2026年3月2日10时15分" in text
    assert "复审批人意见：同意，帮扶金额在年度预算内安排。复审批人（签名）：__________陈志远2026年3月3日9时40分" in text
    assert "审批意见：同意认定" not in text  # no boilerplate in the approvers' name
    assert "审批结果：同意认定王建国家庭为深度困难职工家庭" in text
    assert "待复审批" not in text


@pytest.mark.django_db
def test_an_approval_awaiting_the_second_approver_says_so(household, staff):
    file = file_in_state(
        household, H.AWAITING_SECOND_APPROVAL, prepared_by=staff["caseworker"], **reviewed_fields(household, staff),
        first_approved_by=staff["reviewer"], first_approved_at=datetime(2026, 3, 2, 10, 15, tzinfo=SHANGHAI),
    )
    transition_event(file, "approve", staff["reviewer"], reason="情况属实，同意；金额较大，请复审批。")
    text = build("hardship_approval", file)
    assert "审批人意见：情况属实，同意；金额较大，请复审批。审批人（签名）：__________钱立新" in text
    # The second approver's opinion is theirs to write: a blank line, not the system's words in their place.
    assert "复审批人意见：________________________________________复审批人（签名）：__________年月日" in text
    assert "拟年度帮扶金额¥6,000.00（超过¥5,000.00，须两名审核人审批）" in text and "待另一名审核人复审批" not in text
    assert "审批结果：审批人已同意，待复审批" in text and "陈志远" not in text and "未公示" in text


@pytest.mark.django_db
def test_the_not_identified_notice_states_the_reason(household, staff):
    file = file_in_state(household, H.NOT_IDENTIFIED, prepared_by=staff["caseworker"], category="",
                         applied_on=date(2026, 1, 12), closed_reason="家庭月人均收入高于低保标准的2倍")
    event = transition_event(file, "reject", staff["reviewer"], reason="家庭月人均收入高于低保标准的2倍。")

    text = issue("not_identified_notice", file, event, staff["reviewer"])

    assert "王建国：" in text and "2026年1月12日" in text and "不予认定为困难职工" in text
    assert "理由：家庭月人均收入高于低保标准的2倍。" in text


@pytest.mark.django_db
def test_the_file_opening_record_carries_the_number_category_and_household(household, staff):
    file = file_in_state(household, H.OPEN, prepared_by=staff["caseworker"], **reviewed_fields(household, staff),
                         first_approved_by=staff["reviewer"],
                         first_approved_at=datetime(2026, 1, 4, 9, 0, tzinfo=SHANGHAI))
    text = build("file_opening_record", file)
    assert f"档案编号：{file.number}" in text and "2026年1月5日" in text and "深度困难" in text
    assert "王建国" in text and "王家属2" in text and "审批人：钱立新" in text


# -- Aid, review and exit, from the database ----------------------------------------------

@pytest.fixture
def open_file(household, staff):
    return file_in_state(household, H.OPEN, prepared_by=staff["caseworker"], **reviewed_fields(household, staff))


@pytest.fixture
def plan(open_file, staff, orgs):
    fund = fund_with_budget(orgs["hd"])
    return AidPlan.objects.create(
        file=open_file, aid_type="living", fund=fund, amount=Decimal("6000.00"), instalments=2,
        first_payment_on=date(2026, 3, 20), purpose="2026年度生活救助，分两次发放。", status=PlanStatus.APPROVED,
        prepared_by=staff["caseworker"], approved_by=staff["reviewer"],
        approved_at=datetime(2026, 3, 12, 15, 0, tzinfo=SHANGHAI),
    )


def pay(plan, amount, number, by, paid_on=date(2026, 3, 20)):
    entry = FundEntry.objects.create(fund=plan.fund, kind=EntryKind.DISBURSEMENT, amount=-amount, recorded_by=by)
    return Disbursement.objects.create(plan=plan, entry=entry, amount=amount, paid_on=paid_on, recipient="王建国",
                                       receipt_number=number, disbursed_by=by)


@pytest.mark.django_db
def test_the_aid_decision_names_the_approved_plan_from_the_event(open_file, plan, staff):
    event = transition_event(open_file, "approve_aid_plan", staff["reviewer"], created=plan)

    text = issue("aid_decision_notice", open_file, event, staff["reviewer"])

    assert f"档案编号：{open_file.number}" in text and "王建国：" in text
    assert "生活救助" in text and "¥6,000.00（人民币陆仟元整）" in text
    assert "分2次发放，首次发放日期2026年3月20日" in text and plan.fund.name in text
    assert "钱立新（2026年3月12日批准）" in text


@pytest.mark.django_db
def test_the_receipt_shows_the_amount_in_capitals_the_plan_fund_and_signature_line(open_file, plan, staff):
    first = pay(plan, Decimal("3000.00"), "BJ-HD-LK-2026-0001", staff["caseworker"])
    second = pay(plan, Decimal("1250.50"), "BJ-HD-LK-2026-0002", staff["caseworker"], paid_on=date(2026, 6, 20))
    event = transition_event(open_file, "disburse", staff["caseworker"], created=first)

    text = issue("aid_receipt", open_file, event, staff["caseworker"])

    assert "凭证编号：BJ-HD-LK-2026-0001" in text and "¥3,000.00" in text and "人民币叁仟元整" in text
    assert "生活救助，计划金额¥6,000.00" in text and plan.fund.name in text
    assert "累计已发放¥3,000.00（尚余¥3,000.00）" in text
    assert "领款人（签名）" in text and "经办人：赵敏" in text and "2026年3月20日" in text

    latest = build("aid_receipt", open_file)  # without an event: the latest disbursement
    assert f"凭证编号：{second.receipt_number}" in latest and "人民币壹仟贰佰伍拾元伍角整" in latest
    assert "累计已发放¥4,250.50（尚余¥1,749.50）" in latest


@pytest.mark.django_db
def test_the_yearly_review_shows_the_change_of_category_and_the_computation(open_file, staff, household):
    review = YearlyReview.objects.create(
        file=open_file, year=2025, reviewed_on=date(2027, 1, 10), reviewed_by=staff["caseworker"],
        previous_category="relative", category="deep", per_capita_monthly=Decimal("1000.00"),
        steps=list(open_file.assessment_steps), findings="配偶病情加重，仍未就业。",
    )
    event = transition_event(open_file, "complete_yearly_review", staff["caseworker"], created=review)

    text = issue("yearly_review_record", open_file, event, staff["caseworker"])

    assert "2025年" in text and "2027年1月10日" in text and "相对困难→深度困难（类别变化）" in text
    assert "¥1,000.00<¥1,400.00→深度困难" in text and "配偶病情加重" in text and "复核人（签名）：赵敏" in text


@pytest.mark.django_db
def test_exit_publicity_masks_the_name_and_the_exit_notice_gives_the_reason(household, staff):
    started = date(2026, 4, 1)
    file = file_in_state(household, H.EXIT_PUBLICITY, prepared_by=staff["caseworker"],
                         **reviewed_fields(household, staff), number="BJ-HD-KN-2026-0001", opened_on=date(2026, 1, 5),
                         exit_reason="recovered", exit_note="配偶康复后重新就业。", exit_publicity_started_on=started,
                         publicity_place="海淀区总工会一楼公示栏")
    apply_trigger(file, "begin_exit", organisation=file.organisation, today=started)
    deadline = Deadline.objects.for_subject(file).get(clock="hardship.exit_publicity")

    publicity = issue("exit_publicity_notice", file, transition_event(file, "begin_exit", staff["caseworker"]),
                      staff["caseworker"])
    assert "王*国" in publicity and "王建国" not in publicity and "已脱困" in publicity
    # Five working days after Wednesday 1 April 2026: 2 and 3 April, the Qingming holiday (4–6 April),
    # then 7, 8 and 9 April.
    assert deadline.due_on == date(2026, 4, 9)
    assert "公示期：2026年4月2日至2026年4月9日，共5个工作日" in publicity
    assert "BJ-HD-KN-2026-0001" not in publicity

    file.exited_on = date(2026, 4, 10)
    file.save()
    exit_notice = build("exit_notice", file)
    assert "王建国：" in exit_notice and "因已脱困" in exit_notice and "自2026年4月10日起" in exit_notice
    assert "配偶康复后重新就业" in exit_notice and "至2026年4月9日公示" in exit_notice
    assert "公示期内未收到异议" in exit_notice


@pytest.mark.django_db
@pytest.mark.parametrize("code, starts_on, ends_on", [
    # Posted Wednesday 11 February 2026, counted from the 12th: 12, 13, 14 (make-up workday), Spring
    # Festival 15–23, then 24 and 25.
    ("publicity_notice", "2026年2月12日", "2026年2月25日"),
    # Posted Monday 15 March 2027, counted from Tuesday: Tuesday to Friday, then Monday 22.
    ("exit_publicity_notice", "2027年3月16日", "2027年3月22日"),
])
def test_the_sample_publicity_periods_run_five_working_days(code, starts_on, ends_on):
    period = get_kind(code).sample_context()["period"]
    assert (period["starts_on"], period["ends_on"], period["working_days"]) == (starts_on, ends_on, 5)
