"""What an assessment rests on stays put (issue 19, points 2 and 6): from the democratic review
on, the identification year's figures, the household's size and region are frozen — a change is
refused naming the step, or taken as a correction (recomputed, back to the democratic review,
the publicity clock cancelled, journalled before → after); an approved aid plan keeps its terms;
a yearly review needs its year's figures and never overwrites the identification's assessment."""

from datetime import date, datetime
from zoneinfo import ZoneInfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from cases.hardship.household import update_household
from cases.models import (
    AidPlan,
    AuditAction,
    AuditEvent,
    Deadline,
    DeadlineState,
    HardshipStatus,
    IncomeItem,
    IncomeKind,
    Objection,
    PlanStatus,
    Relation,
)
from cases.platform.deadlines import apply_trigger
from cases.platform.transitions import apply
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship, minimum_living_standard

pytestmark = pytest.mark.django_db

H = HardshipStatus


def at(day: str, hour: int) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=ZoneInfo("Asia/Shanghai"))


def rows(file, *, income="36000", drop_member=False, year=2025, region="110108"):
    """The editor's input for `file`'s household as it stands, with the year's income `income`."""
    members = list(file.household.members.order_by("pk"))
    if drop_member:
        members = [m for m in members if m.relation == Relation.SELF or m is not members[-1]]
    return {
        "year": year, "region_code": region, "address": "海淀区中关村南大街5号",
        "members": [{"pk": m.pk, "name": m.name, "relation": m.relation, "resident_id": m.resident_id,
                     "birth_date": m.birth_date, "health": m.health, "employment": m.employment,
                     "schooling": m.schooling} for m in members],
        "incomes": [{"kind": "wages", "amount": income}], "expenses": [], "hardship_costs": [],
    }


def reviewed(household, status, **fields):
    """A file whose democratic review found 36,000 ÷ 12 ÷ 3 = 1,000/人·月 → 深度困难."""
    from cases.models.hardship.household import assess_household

    assessment = assess_household(household, year=2025)
    return file_in_state(household, status, category=assessment.category, assessment_steps=list(assessment.steps),
                         per_capita_monthly=assessment.per_capita_monthly, review_held_on=date(2026, 3, 2),
                         votes_for=5, review_opinion="同意。", **fields)


def income_2025(file):
    return [item.amount for item in file.household.income_items.filter(year=2025)]


@pytest.fixture
def household(orgs):
    return household_in_hardship(orgs["hd"])


@pytest.fixture
def in_publicity(household, people):
    with freeze_time(at("2026-03-03", 9)):
        file = reviewed(household, H.IN_PUBLICITY, prepared_by=people["caseworker"],
                        publicity_started_on=date(2026, 3, 3), publicity_place="单位公告栏")
        apply_trigger(file, "start_publicity", organisation=file.organisation, today=date(2026, 3, 3))
    return file


# -- refused, naming the step -------------------------------------------------------------------

def test_an_income_change_during_publicity_is_refused_naming_the_step_and_nothing_is_written(in_publicity, people):
    with pytest.raises(ValidationError) as raised:
        update_household(file=in_publicity, by=people["caseworker"], **rows(in_publicity, income="520,000"))
    message = raised.value.message_dict["__all__"][0]
    assert "“公示中”阶段" in message and "2025年家庭收支" in message and "更正" in message
    assert income_2025(in_publicity) == [Decimal("36000.00")]
    assert not AuditEvent.objects.filter(name="household_updated").exists()
    in_publicity.refresh_from_db()
    assert (in_publicity.status, in_publicity.category) == (H.IN_PUBLICITY, "deep")


@pytest.mark.parametrize("status", [H.REVIEWED, H.AWAITING_APPROVAL, H.AWAITING_SECOND_APPROVAL, H.RETURNED,
                                    H.APPROVED])
def test_the_household_size_is_frozen_from_the_review_to_the_approval(household, people, status):
    file = reviewed(household, status, prepared_by=people["caseworker"])
    with pytest.raises(ValidationError, match=f"“{file.get_status_display()}”阶段"):
        update_household(file=file, by=people["caseworker"], **rows(file, drop_member=True))
    assert household.members.count() == 3


def test_other_years_and_what_the_category_does_not_rest_on_stay_editable(in_publicity, people):
    minimum_living_standard(2026)
    update_household(file=in_publicity, by=people["caseworker"], **rows(in_publicity, income="60000", year=2026))
    assert list(in_publicity.household.income_items.filter(year=2026).values_list("amount", flat=True)) == [
        Decimal("60000.00")]
    update_household(file=in_publicity, by=people["caseworker"], **rows(in_publicity))  # the same figures again
    assert income_2025(in_publicity) == [Decimal("36000.00")]


def test_before_the_review_the_figures_may_still_change(household, people):
    file = file_in_state(household, H.CIVIL_CHECKED, prepared_by=people["caseworker"])
    update_household(file=file, by=people["caseworker"], **rows(file, income="52000"))
    assert income_2025(file) == [Decimal("52000.00")]


def test_an_open_file_keeps_its_assessed_years_and_takes_new_ones(household, people):
    minimum_living_standard(2026)
    file = reviewed(household, H.OPEN, prepared_by=people["caseworker"])
    with pytest.raises(ValidationError, match="2025年度的家庭收支是认定或年度复核的依据"):
        update_household(file=file, by=people["caseworker"], **rows(file, income="52000"))
    update_household(file=file, by=people["caseworker"], **rows(file, income="48000", year=2026, drop_member=True))
    apply(file, "complete_yearly_review", by=people["caseworker"], data={"year": 2026, "findings": "入户核实。"})
    with pytest.raises(ValidationError, match="2025、2026年度"):
        update_household(file=file, by=people["caseworker"], **rows(file, income="50000", year=2026))


# -- a correction reopens the assessment -------------------------------------------------------

def test_a_correction_recomputes_sends_the_file_back_to_the_review_and_journals_before_and_after(
        in_publicity, people):
    with freeze_time(at("2026-03-05", 10)):
        update_household(file=in_publicity, by=people["caseworker"], correction_reason="公示异议核实：配偶有工资收入未申报。",
                         **rows(in_publicity, income="520,000"))
    file = in_publicity
    file.refresh_from_db()
    assert file.status == H.CIVIL_CHECKED  # the democratic review is to be held again
    # 520,000 ÷ 12 ÷ 3 = 14,444.44/人·月: the header and the computation say the same.
    assert file.category == "none" and file.per_capita_monthly == Decimal("14444.44")
    assert file.assessment_steps[-1] == "结论：无"
    assert (file.review_held_on, file.votes_for, file.publicity_started_on, file.publicity_place) == (None, 0, None, "")
    assert income_2025(file) == [Decimal("520000.00")]
    publicity = Deadline.objects.for_subject(file).get(clock="hardship.publicity")
    assert publicity.state == DeadlineState.CANCELLED

    event = AuditEvent.objects.for_subject(file).get(action=AuditAction.TRANSITION, name="correct_assessment")
    assert (event.from_state, event.to_state) == (H.IN_PUBLICITY, H.CIVIL_CHECKED)
    assert event.reason == "公示异议核实：配偶有工资收入未申报。"
    before, after = event.data["input"]["before"], event.data["input"]["after"]
    assert Decimal(before["years"]["2025"]["incomes"]) == Decimal("36000.00")
    assert Decimal(after["years"]["2025"]["incomes"]) == Decimal("520000.00")
    assert before["household_size"] == after["household_size"] == 3
    assert AuditEvent.objects.for_subject(file).filter(name="household_updated").count() == 1


def test_a_correction_needs_a_change_of_what_the_category_rests_on(in_publicity, people):
    with pytest.raises(ValidationError, match="不需要更正"):
        update_household(file=in_publicity, by=people["caseworker"], correction_reason="核对。", **rows(in_publicity))
    in_publicity.refresh_from_db()
    assert in_publicity.status == H.IN_PUBLICITY


def test_after_the_approval_there_is_no_correction(household, people):
    file = reviewed(household, H.APPROVED, prepared_by=people["caseworker"])
    with pytest.raises(ValidationError, match="不能更正认定数据"):
        update_household(file=file, by=people["caseworker"], correction_reason="补交证明。",
                         **rows(file, income="52000"))
    assert income_2025(file) == [Decimal("36000.00")]


def test_only_a_caseworker_corrects_and_the_door_refuses_a_reviewer(in_publicity, people):
    with pytest.raises(PermissionDenied):
        apply(in_publicity, "correct_assessment", by=people["reviewer"], reason="更正。")
    with pytest.raises(ValidationError, match="请填写理由"):
        apply(in_publicity, "correct_assessment", by=people["caseworker"])


def test_objections_of_a_publicity_before_the_correction_do_not_hold_up_the_next(in_publicity, people):
    with freeze_time(at("2026-03-04", 10)):
        apply(in_publicity, "lodge_objection", by=people["caseworker"], data={"content": "有未申报收入。"})
    with freeze_time(at("2026-03-05", 10)):
        update_household(file=in_publicity, by=people["caseworker"], correction_reason="核实后更正收入。",
                         **rows(in_publicity, income="60000"))
    file = in_publicity
    file.refresh_from_db()
    assert file.category == "relative"  # 60,000 ÷ 12 ÷ 3 = 1,666.67: ≥ 1,400, < 2,800
    with freeze_time(at("2026-03-06", 9)):
        apply(file, "record_democratic_review", by=people["caseworker"], data={
            "held_on": date(2026, 3, 6), "participants": "职工代表5人", "votes_for": 5, "opinion": "同意认定为相对困难。",
            "proposed_aid_amount": Decimal("2000.00")})
        apply(file, "start_publicity", by=people["caseworker"], data={"place": "单位公告栏"})
    assert Objection.objects.get(file=file).status == "pending"  # the earlier one, its review cancelled
    assert not file.objections_pending()
    with freeze_time(at("2026-03-16", 9)):
        apply(file, "end_publicity", by=people["caseworker"])
    assert file.status == H.AWAITING_APPROVAL


# -- aid plans after approval ----------------------------------------------------------------------

def test_an_approved_plan_keeps_its_amount_fund_and_purpose(orgs, household, people):
    file = file_in_state(household, prepared_by=people["caseworker"])
    fund = fund_with_budget(orgs["hd"])
    plan = AidPlan.objects.create(file=file, aid_type="living", fund=fund, amount=Decimal("2000.00"),
                                  first_payment_on=date(2026, 3, 20), purpose="生活救助。",
                                  prepared_by=people["caseworker"])
    plan.amount = Decimal("2500.00")
    plan.save()  # proposed: still the caseworker's to adjust
    plan.status, plan.approved_by = PlanStatus.APPROVED, people["reviewer"]
    plan.save()

    other_fund = fund_with_budget(orgs["bj"], budget=Decimal("5000.00"))
    for field, value in (("amount", Decimal("25000.00")), ("fund", other_fund), ("purpose", "改为医疗救助。")):
        stale = AidPlan.objects.get(pk=plan.pk)
        setattr(stale, field, value)
        with pytest.raises(ValidationError, match="帮扶计划已经审批") as raised:
            stale.full_clean()
        assert str(stale._meta.get_field(field).verbose_name) in raised.value.messages[0]
        with pytest.raises(ValidationError, match="不能再修改"):
            stale.save()
    plan.refresh_from_db()
    assert (plan.amount, plan.fund, plan.purpose) == (Decimal("2500.00"), fund, "生活救助。")


# -- the yearly review ------------------------------------------------------------------------------

@pytest.fixture
def open_file(household, people):
    minimum_living_standard(2026)
    return reviewed(household, H.OPEN, prepared_by=people["caseworker"])


def test_a_review_year_without_income_entered_is_refused(open_file, people):
    with pytest.raises(ValidationError) as raised:
        apply(open_file, "complete_yearly_review", by=people["caseworker"], data={"year": 2026, "findings": "入户。"})
    assert "尚未录入2026年的收入" in raised.value.message_dict["year"][0]
    assert not open_file.yearly_reviews.exists()


@pytest.mark.parametrize("year, said", [(2024, "早于认定年度2025年"), (2099, "尚未到来")])
def test_a_review_year_before_the_identification_or_to_come_is_refused(open_file, people, year, said):
    minimum_living_standard(year)
    IncomeItem.objects.create(household=open_file.household, year=year, kind=IncomeKind.WAGES, amount=Decimal("1"))
    with pytest.raises(ValidationError, match=said):
        apply(open_file, "complete_yearly_review", by=people["caseworker"], data={"year": year, "findings": "入户。"})


def test_a_review_keeps_its_assessment_beside_the_identifications(open_file, people):
    steps = list(open_file.assessment_steps)
    IncomeItem.objects.create(household=open_file.household, year=2026, kind=IncomeKind.WAGES,
                              amount=Decimal("66000.00"))
    apply(open_file, "complete_yearly_review", by=people["caseworker"], data={"year": 2026, "findings": "再就业。"})
    open_file.refresh_from_db()
    review = open_file.yearly_reviews.get()
    assert (review.previous_category, review.category, review.per_capita_monthly) == (
        "deep", "relative", Decimal("1833.33"))
    assert open_file.category == "relative"  # the file's category now
    assert open_file.identification_category == "deep"
    assert (open_file.year, open_file.assessment_steps, open_file.per_capita_monthly) == (
        2025, steps, Decimal("1000.00"))


def test_the_yearly_review_record_states_the_real_income_comparison(open_file, people):
    import io
    import re

    from pypdf import PdfReader

    from cases.documents.registry import get_kind
    from cases.platform.documents import render_pdf

    IncomeItem.objects.create(household=open_file.household, year=2026, kind=IncomeKind.WAGES,
                              amount=Decimal("30000.00"))
    outcome = apply(open_file, "complete_yearly_review", by=people["caseworker"],
                    data={"year": 2026, "findings": "入户核实。"})
    kind = get_kind("yearly_review_record")
    context = {**kind.build_context(open_file, outcome.event, variant=""), "title": str(kind.title),
               "organisation_name": open_file.organisation.name}
    pdf = PdfReader(io.BytesIO(render_pdf(template=kind.template, context=context).content))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in pdf.pages))
    assert "2025年（认定）家庭年收入¥36,000.00→2026年¥30,000.00，减少¥6,000.00" in text
    assert "月人均可支配收入¥1,000.00→¥833.33" in text
