"""Demo data of the aid programmes (seed_demo): this year's rules in the demo regions, Haidian's
fund line for each programme, two households on file and one after an accident that is not, and
one application of each programme, so a new user finds them at every step:

- 送温暖 for 李春梅's household: approved and paid, with its receipt (领款凭证);
- 金秋助学 for her son at university: waiting for its approvals (¥3,000 is above the ¥2,000
  single-approval limit, so two reviewers approve);
- 医疗救助 for 王志强 after his operation: approved, waiting to be paid;
- 临时救助 for 陈立军's household after a fire: waiting for one reviewer.

The households on file are the register a federation brings along (建档 before the system): their
files are created open, with the assessment on their 2025 figures, and journalled as such. The
applications go through the services and the door as the demo users (张帮扶 prepares, 赵审核 and
孙复核 approve). Idempotent: a household or an application already there is left as it is.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import (
    AidProgramme,
    AidProgrammeApplication,
    AidProgrammeRule,
    AuditAction,
    EmploymentStatus,
    FileNumberCounter,
    Fund,
    HardshipFile,
    Health,
    Household,
    HouseholdMember,
    IncomeItem,
    IncomeKind,
    Relation,
    RigidExpense,
    SchoolingStage,
    SchoolTerm,
    Worker,
)
from cases.models.hardship.household import assess_household
from cases.models.hardship.states import PROGRAMME_AID_TYPES, H, IdentificationSource

P = AidProgramme
DEMO_RULE_DOCUMENT = ("京工发〔2026〕8号（演示数据）", date(2026, 1, 10))
# Demo amounts, not any city's: 送温暖 ¥1,000 a household; 金秋助学 per term by stage; 医疗救助 50% above ¥2,000
# net of insurance, at most ¥20,000 a year; 临时救助 at most ¥5,000; one reviewer up to the limit named.
DEMO_PROGRAMME_RULES = {
    P.SPRING_FESTIVAL: {"standard_amount": Decimal("1000.00"), "second_approval_above": Decimal("2000.00")},
    P.AUTUMN_SCHOOLING: {"schooling_amounts": {"primary": "500.00", "junior_secondary": "800.00",
                                               "senior_secondary": "1500.00", "tertiary": "3000.00"},
                         "second_approval_above": Decimal("2000.00")},
    P.MEDICAL_RELIEF: {"share_percent": Decimal("50.00"), "deductible": Decimal("2000.00"),
                       "maximum_amount": Decimal("20000.00"), "second_approval_above": Decimal("5000.00")},
    P.EMERGENCY: {"maximum_amount": Decimal("5000.00"), "second_approval_above": Decimal("3000.00")},
}
DEMO_PROGRAMME_BUDGETS = {P.SPRING_FESTIVAL: Decimal("100000.00"), P.AUTUMN_SCHOOLING: Decimal("80000.00"),
                          P.MEDICAL_RELIEF: Decimal("150000.00"), P.EMERGENCY: Decimal("50000.00")}
ASSESSED_YEAR = 2025  # the demo's 低保 standards and parameters cover 2025 and 2026


def seed_rules(regions, year: int) -> None:
    number, issued = DEMO_RULE_DOCUMENT
    for region in regions:
        for programme, values in DEMO_PROGRAMME_RULES.items():
            if not AidProgrammeRule.objects.filter(region_code=region, year=year, programme=programme).exists():
                rule = AidProgrammeRule(region_code=region, year=year, programme=programme, document_number=number,
                                        document_date=issued, **values)
                rule.full_clean()
                rule.save()


def seed_fund_lines(haidian, year: int, by) -> dict[str, Fund]:
    from cases.hardship import aid

    lines = {}
    for programme, budget in DEMO_PROGRAMME_BUDGETS.items():
        fund = Fund.objects.filter(organisation=haidian, year=year, programme=programme).first()
        if fund is None:
            fund = aid.open_fund(organisation=haidian, year=year, aid_type=PROGRAMME_AID_TYPES[programme],
                                 programme=programme, budget=budget, by=by,
                                 name=f"海淀区总工会{year}年{P(programme).label}专项资金")
        lines[programme] = fund
    return lines


def _household(haidian, *, name, resident_id, born, sex, cause, address, work_unit, health, employment):
    worker = Worker.objects.with_resident_id(resident_id).first()
    if worker is not None:
        return Household.objects.filter(head=worker).order_by("pk").first(), False
    worker = Worker.objects.create(name=name, resident_id=resident_id, birth_date=born, sex=sex, address=address)
    household = Household.objects.create(organisation=haidian, head=worker, region_code="110108", address=address,
                                         work_unit=work_unit, cause=cause)
    HouseholdMember.objects.create(household=household, worker=worker, name=name, relation=Relation.SELF,
                                   resident_id=resident_id, birth_date=born, health=health, employment=employment)
    return household, True


def _on_file(household, haidian, preparer, by):
    """The household's file as the federation's register had it: open, assessed on 2025's figures."""
    from cases.hardship.identification import open_yearly_review_clock
    from cases.platform.audit.journal import append_event

    assessment = assess_household(household, year=ASSESSED_YEAR)
    file = HardshipFile.objects.create(
        status=H.OPEN, organisation=haidian, household=household, source=IdentificationSource.APPLICATION,
        year=ASSESSED_YEAR, prepared_by=preparer, proposed_aid_amount=Decimal("3000.00"),
        category=assessment.category, per_capita_monthly=assessment.per_capita_monthly,
        assessment_steps=list(assessment.steps), assessment_parameters=assessment.rules.as_record(),
        number=FileNumberCounter.next_file_number(haidian), opened_on=timezone.localdate(),
    )
    append_event(action=AuditAction.TRANSITION, actor=by, subject=file, organisation=haidian, name="created",
                 to_state=file.status, data={"source": "demo_register", "household": household.pk,
                                             "year": ASSESSED_YEAR, "category": file.category})
    open_yearly_review_clock(file, by=by)
    return file


def seed_households(haidian, preparer, by):
    """李春梅's and 王志强's households on file, 陈立军's not; (li, son, wang, chen)."""
    li, new = _household(haidian, name="李春梅", resident_id="110108197903150020", born=date(1979, 3, 15), sex="F",
                         cause="schooling", address="北京市海淀区清河街道演示小区3号楼", work_unit="北京中关村演示科技有限公司",
                         health=Health.HEALTHY, employment=EmploymentStatus.UNDER_EMPLOYED)
    if new:
        HouseholdMember.objects.create(household=li, name="刘子涵", relation=Relation.CHILD,
                                       resident_id="11010820060901003X", birth_date=date(2006, 9, 1),
                                       employment=EmploymentStatus.NOT_OF_WORKING_AGE, schooling=SchoolingStage.TERTIARY)
        IncomeItem.objects.create(household=li, year=ASSESSED_YEAR, kind=IncomeKind.WAGES, amount=Decimal("30000.00"))
        RigidExpense.objects.create(household=li, year=ASSESSED_YEAR, kind="schooling", amount=Decimal("9000.00"),
                                    note="大学学费及住宿费")
        _on_file(li, haidian, preparer, by)
    wang, new = _household(haidian, name="王志强", resident_id="110108197011200010", born=date(1970, 11, 20), sex="M",
                           cause="illness", address="北京市海淀区学院路演示小区8号楼", work_unit="北京学院路演示软件有限公司",
                           health=Health.MAJOR_ILLNESS, employment=EmploymentStatus.UNEMPLOYED)
    if new:
        IncomeItem.objects.create(household=wang, year=ASSESSED_YEAR, kind=IncomeKind.TRANSFER,
                                  amount=Decimal("26400.00"))
        RigidExpense.objects.create(household=wang, year=ASSESSED_YEAR, kind="medical", amount=Decimal("12000.00"),
                                    note="术后康复自付部分")
        _on_file(wang, haidian, preparer, by)
    chen, _new = _household(haidian, name="陈立军", resident_id="11010819820304001X", born=date(1982, 3, 4), sex="M",
                            cause="disaster", address="北京市海淀区上地演示村12号", work_unit="北京望京演示网络有限公司",
                            health=Health.HEALTHY, employment=EmploymentStatus.EMPLOYED)
    son = li.members.filter(relation=Relation.CHILD).first()
    return li, son, wang, chen


def seed_programmes(organisations, regions) -> None:
    """Rules, fund lines, households and one application of each programme (see the module's docstring)."""
    from cases.hardship.programmes.applications import apply_for_programme
    from cases.models.actors import system
    from cases.platform.transitions import apply

    users = get_user_model().objects.in_bulk(["caseworker", "caseworker2", "reviewer", "reviewer2"],
                                             field_name="username")
    haidian, by, year = organisations["BJ-HD"], system("seed_demo"), timezone.localdate().year
    seed_rules(regions, year)
    lines = seed_fund_lines(haidian, year, by)
    li, son, wang, chen = seed_households(haidian, users["caseworker2"], by)
    caseworker, reviewer = users["caseworker"], users["reviewer"]

    def once(programme, household, **values):
        existing = AidProgrammeApplication.objects.filter(programme=programme, household=household).first()
        if existing is not None:
            return None
        return apply_for_programme(programme=programme, by=caseworker, household=household, fund=lines[programme],
                                   **values)

    visit = once(P.SPRING_FESTIVAL, li, reason="春节前走访慰问：家庭收入低，子女在读大学。")
    if visit is not None:
        apply(visit, "approve", by=reviewer, reason="在档深度困难家庭，同意发放。")
        apply(visit, "disburse", by=caseworker, data={"paid_on": timezone.localdate(), "recipient": "李春梅"})
    once(P.AUTUMN_SCHOOLING, li, member=son, term=SchoolTerm.AUTUMN, school="北京演示大学",
         reason="子女刘子涵就读大学二年级，学费及生活费负担重。")
    treatment = once(P.MEDICAL_RELIEF, wang, member=wang.members.get(relation=Relation.SELF),
                     bills_total=Decimal("30000.00"), insurance_paid=Decimal("18000.00"),
                     reason="王志强冠心病手术住院，医保报销后自付部分较大。")
    if treatment is not None:
        apply(treatment, "approve", by=reviewer, reason="票据齐全，同意救助。")
    once(P.EMERGENCY, chen, event_on=timezone.localdate(), requested_amount=Decimal("2000.00"),
         reason="家中失火，衣物家具受损，暂住亲戚家，申请临时救助。")
