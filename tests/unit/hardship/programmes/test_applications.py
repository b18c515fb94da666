"""Applications to the programmes through the services and the door: eligibility refused in
Chinese, amounts from this year's rules, four eyes above the single-approval limit, payment from
the programme's fund line (never overdrawn) with a receipt in the organisation's series."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.hardship import aid
from cases.hardship.programmes.applications import apply_for_programme
from cases.hardship.programmes.households import emergency_household, record_cause
from cases.models import (
    AidProgramme,
    ApplicationStatus,
    AuditEvent,
    Disbursement,
    Document,
    FundEntry,
    HardshipStatus,
    Household,
    Membership,
    Role,
    SchoolingStage,
    SchoolTerm,
)
from cases.documents.registry import get_kind
from cases.platform.transitions import apply
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship
from tests.programme_fixtures import student
from tests.unit.hardship.programmes.conftest import YEAR

pytestmark = pytest.mark.django_db
P, A = AidProgramme, ApplicationStatus
def today():
    """Today where the product counts days (Asia/Shanghai), asked when used: a module-level date
    goes stale when a run crosses midnight there."""
    return timezone.localdate()


def messages_of(error) -> str:
    return "；".join(error.value.messages)


def schooling(family, people, funds, **extra):
    file, child = family
    values = {"member": child, "term": SchoolTerm.AUTUMN, "school": "北京工业大学", "reason": "家庭困难，子女上大学",
              **extra}
    return apply_for_programme(programme=P.AUTUMN_SCHOOLING, by=people["caseworker"], household=file.household,
                               fund=funds[P.AUTUMN_SCHOOLING], **values)


def approve(application, *reviewers):
    for name, reviewer in zip(("approve", "approve_second"), reviewers):
        apply(application, name, by=reviewer, reason="同意")
    return application


# -- applying ----------------------------------------------------------------------------------

def test_a_schooling_grant_is_computed_from_the_rule_and_waits_for_approval(orgs, people, family, funds, rules):
    application = schooling(family, people, funds)
    file, child = family
    assert application.status == A.APPLIED and application.organisation == orgs["hd"]
    assert application.number == f"BJ-HD-JQZX-{YEAR}-0001" and application.file == file
    assert (application.member, application.beneficiary, application.schooling) == (child, "王小明", "tertiary")
    assert application.amount == Decimal("3000.00") and application.needs_second_approval()  # 3,000 > 2,000
    assert application.rule_record["rule_id"] == rules[P.AUTUMN_SCHOOLING].pk
    assert application.steps[0].startswith(f"依据：110108地区{YEAR}年金秋助学金额标准（京工发〔2026〕8号")
    created = AuditEvent.objects.get(subject_type="cases.aidprogrammeapplication", subject_id=str(application.pk))
    assert (created.name, created.to_state, created.actor) == ("created", "applied", people["caseworker"])
    assert schooling(family, people, funds, term=SchoolTerm.SPRING).number == f"BJ-HD-JQZX-{YEAR}-0002"


def test_schooling_is_for_a_child_at_a_funded_stage_once_a_term(orgs, people, family, funds):
    file, child = family
    schooling(family, people, funds)
    with pytest.raises(ValidationError) as again:
        schooling(family, people, funds)
    assert messages_of(again) == f"王小明{YEAR}年秋季学期已有金秋助学申请（BJ-HD-JQZX-{YEAR}-0001），每学期一次。"
    head = file.household.members.get(relation="self")
    with pytest.raises(ValidationError) as not_a_child:
        schooling(family, people, funds, member=head)
    assert messages_of(not_a_child) == "金秋助学资助困难职工家庭的在读子女；王建国是户主的本人。"
    toddler = student(file.household, name="王小雨", stage=SchoolingStage.PRESCHOOL)
    with pytest.raises(ValidationError) as preschool:
        schooling(family, people, funds, member=toddler)
    assert "王小雨的就学阶段为“学前”" in messages_of(preschool)
    with pytest.raises(ValidationError) as no_school:
        schooling(family, people, funds, term=SchoolTerm.SPRING, school=" ")
    assert no_school.value.message_dict == {"school": ["请填写就读学校。"]}


def test_the_filed_programmes_refuse_a_household_not_on_file_and_emergency_aid_one_on_file(orgs, people, family,
                                                                                            funds):
    identified = household_in_hardship(orgs["hd"], name="李四", resident_id="110108198001010011")
    file_in_state(identified, HardshipStatus.AWAITING_APPROVAL)
    with pytest.raises(ValidationError) as not_on_file:
        apply_for_programme(programme=P.SPRING_FESTIVAL, by=people["caseworker"], household=identified,
                            fund=funds[P.SPRING_FESTIVAL], reason="春节慰问")
    assert messages_of(not_on_file) == ("李四家庭没有在档的困难职工档案；送温暖只面向在档困难职工家庭，"
                                        "未建档家庭遭遇意外的，可申请临时救助。")
    file, _child = family
    with pytest.raises(ValidationError) as on_file:
        apply_for_programme(programme=P.EMERGENCY, by=people["caseworker"], household=file.household,
                            fund=funds[P.EMERGENCY], reason="车祸", event_on=today(), requested_amount="1000")
    assert "已在档（BJ-HD-KN-2026-" in messages_of(on_file) and "不适用临时救助" in messages_of(on_file)


def test_spring_festival_is_once_a_household_a_year_and_a_refused_one_does_not_count(people, family, funds,
                                                                                     reviewer2):
    file, _child = family

    def visit():
        return apply_for_programme(programme=P.SPRING_FESTIVAL, by=people["caseworker"], household=file.household,
                                   fund=funds[P.SPRING_FESTIVAL], reason="春节走访慰问")

    first = visit()
    assert first.amount == Decimal("1000.00") and not first.needs_second_approval()
    with pytest.raises(ValidationError) as again:
        visit()
    assert messages_of(again) == f"该家庭{YEAR}年已有送温暖申请（{first.number}），每户每年一次。"
    apply(first, "refuse", by=reviewer2, reason="已由街道慰问")
    assert first.status == A.REFUSED and first.refusal_reason == "已由街道慰问" and first.refused_by == reviewer2
    assert visit().status == A.APPLIED


def test_the_fund_must_be_the_programmes_line_of_the_year_in_the_organisations_lineage(orgs, people, family, funds):
    with pytest.raises(ValidationError) as living:
        schooling(family, people, {P.AUTUMN_SCHOOLING: fund_with_budget(orgs["hd"], aid_type="schooling", year=YEAR)})
    assert "不是金秋助学专项资金" in messages_of(living)
    with pytest.raises(ValidationError) as wrong_line:
        schooling(family, people, {P.AUTUMN_SCHOOLING: funds[P.SPRING_FESTIVAL]})
    assert "不是金秋助学专项资金" in messages_of(wrong_line)
    from tests.programme_fixtures import programme_fund

    chaoyang = programme_fund(orgs["cy"], P.AUTUMN_SCHOOLING, year=YEAR)
    with pytest.raises(ValidationError) as foreign:
        schooling(family, people, {P.AUTUMN_SCHOOLING: chaoyang})
    assert "不是海淀区总工会或其上级组织的资金" in messages_of(foreign)


def test_a_region_without_this_years_rule_is_told_what_to_enter(orgs, people, funds):
    file = file_in_state(household_in_hardship(orgs["hd"], region="110105"))
    with pytest.raises(ValidationError) as missing:
        apply_for_programme(programme=P.SPRING_FESTIVAL, by=people["caseworker"], household=file.household,
                            fund=funds[P.SPRING_FESTIVAL], reason="春节走访慰问")
    assert messages_of(missing) == f"缺少110105地区{YEAR}年送温暖的金额标准，请先由管理员在“帮扶项目金额标准”中录入。"


def test_only_a_caseworker_applies(people, family, funds):
    file, child = family
    with pytest.raises(PermissionDenied):
        apply_for_programme(programme=P.AUTUMN_SCHOOLING, by=people["reviewer"], household=file.household,
                            fund=funds[P.AUTUMN_SCHOOLING], member=child, term="autumn", school="北工大", reason="x")


def test_medical_relief_counts_the_years_earlier_grants_against_the_cap(people, family, funds):
    file, _child = family
    patient = file.household.members.get(relation="self")

    def treat(bills, insurance):
        return apply_for_programme(programme=P.MEDICAL_RELIEF, by=people["caseworker"], household=file.household,
                                   fund=funds[P.MEDICAL_RELIEF], member=patient, bills_total=bills,
                                   insurance_paid=insurance, reason="肺癌化疗")

    assert treat("50000.00", "10000.00").amount == Decimal("19000.00")  # (40,000 − 2,000) × 50%
    assert treat("8000.00", "0").amount == Decimal("1000.00")  # 3,000 by the share, 1,000 left under 20,000
    with pytest.raises(ValidationError) as capped:
        treat("8000.00", "0")
    assert "已达每户年度封顶¥20,000.00" in messages_of(capped)


# -- approving --------------------------------------------------------------------------------

def test_four_eyes_the_preparer_never_approves_and_above_the_limit_a_second_reviewer_does(orgs, people, family,
                                                                                         funds, reviewer2):
    Membership.objects.create(user=people["caseworker"], organisation=orgs["hd"], role=Role.REVIEWER)
    application = schooling(family, people, funds)  # 3,000 > the 2,000 limit
    with pytest.raises(PermissionDenied) as own:
        apply(application, "approve", by=people["caseworker"])
    assert "您经办了该申请或其困难职工档案，不能审批" in str(own.value)
    apply(application, "approve", by=people["reviewer"], reason="情况属实")
    assert application.status == A.AWAITING_SECOND_APPROVAL and application.first_approval_note == "情况属实"
    with pytest.raises(PermissionDenied) as twice:
        apply(application, "approve_second", by=people["reviewer"])
    assert "第一审批人不能再次审批" in str(twice.value)
    apply(application, "approve_second", by=reviewer2, reason="同意")
    assert application.status == A.APPROVED and application.second_approved_by == reviewer2


def test_a_reviewer_who_prepared_the_file_may_not_approve_its_applications(orgs, people, funds, rules, reviewer2):
    from tests.programme_fixtures import family_on_file

    family = family_on_file(orgs["hd"], prepared_by=people["reviewer"])
    application = schooling(family, people, funds)
    with pytest.raises(PermissionDenied):
        apply(application, "approve", by=people["reviewer"])
    apply(application, "approve", by=reviewer2)
    assert application.status == A.AWAITING_SECOND_APPROVAL


def test_an_auditor_reads_but_never_approves(people, family, funds):
    application = schooling(family, people, funds)
    with pytest.raises(PermissionDenied):
        apply(application, "approve", by=people["auditor"])


# -- paying ------------------------------------------------------------------------------------

def test_payment_comes_from_the_fund_line_with_a_receipt_in_the_organisations_series(
        orgs, people, family, funds, reviewer2, django_capture_on_commit_callbacks):
    living = fund_with_budget(orgs["hd"], year=YEAR)
    file, _child = family
    plan = apply(file, "propose_aid_plan", by=people["caseworker"], data={
        "aid_type": "living", "fund": living, "amount": Decimal("500.00"), "first_payment_on": today(),
        "purpose": "生活救助"}).event.data["created"]
    from cases.models import AidPlan

    plan = AidPlan.objects.get(pk=plan["pk"])
    apply(file, "approve_aid_plan", by=people["reviewer"], data={"plan": plan})
    apply(file, "disburse", by=people["caseworker"], data={"plan": plan, "amount": Decimal("500.00"),
                                                            "paid_on": today(), "recipient": "王建国"})

    application = approve(schooling(family, people, funds), people["reviewer"], reviewer2)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(application, "disburse", by=people["caseworker"], data={"paid_on": today(), "recipient": "王建国"})
    payment = Disbursement.objects.get(pk=outcome.event.data["created"]["pk"])
    assert application.status == A.PAID
    assert (payment.application, payment.plan, payment.amount) == (application, None, Decimal("3000.00"))
    assert payment.receipt_number == f"BJ-HD-LK-{YEAR}-000002"  # after the plan's 000001
    assert payment.entry.fund == funds[P.AUTUMN_SCHOOLING] and payment.entry.amount == Decimal("-3000.00")
    assert aid.fund_summary(funds[P.AUTUMN_SCHOOLING]).balance == Decimal("47000.00")
    ledger = aid.fund_ledger(funds[P.AUTUMN_SCHOOLING])
    assert ledger[-1].application == application and ledger[-1].receipt_number == payment.receipt_number

    receipt = Document.objects.get(kind="programme_receipt", subject_id=str(application.pk))
    assert receipt.title == "金秋助学领款凭证" and receipt.organisation == orgs["hd"]
    # Headed and sealed by the organisation whose fund line pays, as an aid plan's receipt is.
    context = get_kind("programme_receipt").build_context(application, outcome.event, variant="")
    assert context["payer"] == "海淀区总工会"
    application.fund.organisation = orgs["bj"]
    context = get_kind("programme_receipt").build_context(application, outcome.event, variant="")
    assert context["payer"] == "北京市总工会"
    with pytest.raises(ValidationError):  # paid once: the transition is not there any more
        apply(application, "disburse", by=people["caseworker"], data={"paid_on": today(), "recipient": "王建国"})


def test_a_fund_line_is_never_overdrawn(orgs, people, family, funds, reviewer2):
    thin = funds[P.AUTUMN_SCHOOLING]
    FundEntry.objects.create(fund=thin, kind="disbursement", amount=Decimal("-47000.01"), note="已发放")  # 2,999.99 left
    application = approve(schooling(family, people, funds), people["reviewer"], reviewer2)
    with pytest.raises(ValidationError) as overdraw:
        apply(application, "disburse", by=people["caseworker"], data={"paid_on": today(), "recipient": "王建国"})
    assert "余额为¥2,999.99，不足以发放¥3,000.00，资金不能透支" in messages_of(overdraw)
    application.refresh_from_db()
    assert application.status == A.APPROVED and FundEntry.objects.filter(fund=thin, amount__lt=0).count() == 1


def test_payment_dates_and_recipient_are_checked(people, family, funds, reviewer2):
    application = approve(schooling(family, people, funds), people["reviewer"], reviewer2)
    for data, field in (({"paid_on": today().replace(year=today().year + 1), "recipient": "王建国"}, "paid_on"),
                        ({"paid_on": today().replace(year=today().year - 1), "recipient": "王建国"}, "paid_on"),
                        ({"paid_on": today(), "recipient": " "}, "recipient")):
        with pytest.raises(ValidationError) as refused:
            apply(application, "disburse", by=people["caseworker"], data=data)
        assert field in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        apply(application, "disburse", by=people["reviewer"], data={"paid_on": today(), "recipient": "王建国"})


# -- 临时救助 ---------------------------------------------------------------------------------------

def accident_household(orgs, **head):
    return emergency_household(organisation=orgs["hd"], head={"name": "陈立军", "resident_id": "11010819820304001X",
                                                              "phone": "13900000001", "employment": "employed",
                                                              **head},
                               region_code="110108", address="海淀区学院路1号", work_unit="某物流公司", cause="disaster")


def test_emergency_aid_for_a_household_not_on_file_one_reviewer_up_to_the_limit(orgs, people, funds, rules, reviewer2):
    household = accident_household(orgs)
    assert household.cause == "disaster" and household.members.get().relation == "self"
    assert accident_household(orgs) == household  # found again by the head's resident ID

    def emergency(amount):
        return apply_for_programme(programme=P.EMERGENCY, by=people["caseworker"], household=household,
                                   fund=funds[P.EMERGENCY], reason="家中失火，房屋受损", event_on=today(),
                                   requested_amount=amount)

    with pytest.raises(ValidationError) as ceiling:
        emergency("6000.00")
    assert "超过本地区" in messages_of(ceiling) and "临时救助每次上限¥5,000.00" in messages_of(ceiling)
    application = emergency("3000.00")  # = the 3,000 limit: one reviewer
    assert application.file is None and application.amount == Decimal("3000.00")
    apply(application, "approve", by=people["reviewer"])
    assert application.status == A.APPROVED
    with pytest.raises(ValidationError) as twice:
        emergency("500.00")
    assert "临时救助每户每年一次" in messages_of(twice)


def test_emergency_aid_above_the_limit_needs_a_second_reviewer(orgs, people, funds, rules, reviewer2):
    application = apply_for_programme(programme=P.EMERGENCY, by=people["caseworker"], household=accident_household(orgs),
                                      fund=funds[P.EMERGENCY], reason="工伤致残", event_on=today(),
                                      requested_amount="3000.01")
    apply(application, "approve", by=people["reviewer"])
    assert application.status == A.AWAITING_SECOND_APPROVAL
    apply(application, "approve_second", by=reviewer2)
    assert application.status == A.APPROVED


def test_another_federations_household_is_not_found_for_emergency_aid(orgs):
    """陈立军's household registered in 朝阳 is 朝阳's: 海淀 neither finds it (nor its cause, nor its
    applications) nor changes it; 海淀 registers a household of its own for him."""
    chaoyang = household_in_hardship(orgs["cy"], name="陈立军", resident_id="11010819820304001X", region="110105")
    household = accident_household(orgs)
    assert household != chaoyang and household.organisation == orgs["hd"] and household.head == chaoyang.head
    chaoyang.refresh_from_db()
    assert chaoyang.cause == ""


def test_an_emergency_household_needs_its_particulars(orgs):
    with pytest.raises(ValidationError) as refused:
        emergency_household(organisation=orgs["hd"], head={"name": "", "resident_id": "110108198203040017",
                                                            "employment": ""}, region_code="1101", cause="")
    assert {"head-name", "head-resident_id", "head-employment", "region_code", "cause"} <= set(
        refused.value.message_dict)
    assert not Household.objects.exists()


# -- the cause of hardship ----------------------------------------------------------------------

def test_the_cause_is_recorded_by_a_caseworker_and_journalled(people, family):
    file, _child = family
    record_cause(file=file, by=people["caseworker"], cause="illness")
    file.household.refresh_from_db()
    assert file.household.get_cause_display() == "因病"
    event = AuditEvent.objects.get(name="record_hardship_cause")
    assert event.data["before"] == "schooling" and event.data["after"] == "illness"
    with pytest.raises(PermissionDenied):
        record_cause(file=file, by=people["auditor"], cause="other")
    with pytest.raises(ValidationError):
        record_cause(file=file, by=people["caseworker"], cause="bad luck")


def test_a_programme_fund_pays_no_aid_plan(orgs, people, family, funds):
    file, _child = family
    with pytest.raises(ValidationError) as refused:
        apply(file, "propose_aid_plan", by=people["caseworker"], data={
            "aid_type": "schooling", "fund": funds[P.AUTUMN_SCHOOLING], "amount": Decimal("500.00"),
            "first_payment_on": today(), "purpose": "助学"})
    assert "是金秋助学专项资金，只用于该项目的申请，不能用于帮扶计划" in messages_of(refused)
