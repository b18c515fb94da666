"""A correction of the frozen figures moves HardshipFlow with the file (issue 19, point 2): during
publicity the caseworker corrects the income with a reason; the publicity's timer and the
objection's review are cancelled, the democratic review task is open again for the preparer,
and the file goes through a new review and a new publicity to the reviewer's approval."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from viewflow.workflow.status import PROCESS
from viewflow.workflow.timers import fire_due_timers

from cases.hardship.household import update_household
from cases.hardship.identification import open_hardship_file
from cases.models import Deadline, DeadlineState, HardshipStatus, Objection
from cases.models.hardship.states import IdentificationSource
from cases.platform.transitions import apply
from tests.hardship_fixtures import household_in_hardship, second_visitor
from workflows.dispute.flow import claim_task, complete_task
from workflows.hardship.flow import HardshipFlow, start_hardship_flow
from workflows.models import ObjectionProcess

pytestmark = pytest.mark.django_db(transaction=True)

H = HardshipStatus
CHECKLIST = {key: True for key in ("identity_checked", "members_confirmed", "income_confirmed",
                                   "expenses_confirmed", "housing_observed", "neighbours_consulted")}


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=ZoneInfo("Asia/Shanghai"))


def open_tasks(file):
    file.refresh_from_db()
    return sorted(task.flow_task.name for task in file.process.task_set.filter(finished__isnull=True))


def do(file, name, person, transition, **data):
    task = file.process.task_set.get(flow_task=getattr(HardshipFlow, name), finished__isnull=True)
    if task.owner_id is None:
        claim_task(task, person)
        task.refresh_from_db()
    complete_task(task, by=person, transition=transition, reason="", data=data)
    file.refresh_from_db()


def review_and_publicise(file, worker, day: str, opinion: str):
    do(file, "democratic_review", worker, "record_democratic_review", held_on=date.fromisoformat(day),
       participants="工会主席、职工代表5人", votes_for=6, votes_against=0, votes_abstain=0, opinion=opinion,
       proposed_aid_amount=Decimal("2000.00"))
    do(file, "publicise", worker, "start_publicity", place="单位公告栏")


def income_rows(file, income):
    members = file.household.members.order_by("pk")
    return {
        "year": 2025, "region_code": "110108", "address": "海淀区中关村南大街5号",
        "members": [{"pk": m.pk, "name": m.name, "relation": m.relation, "resident_id": m.resident_id,
                     "birth_date": m.birth_date, "health": m.health, "employment": m.employment,
                     "schooling": m.schooling} for m in members],
        "incomes": [{"kind": "wages", "amount": income}], "expenses": [], "hardship_costs": [],
    }


def test_a_correction_during_publicity_reopens_the_review_and_restarts_the_publicity(orgs, people):
    worker, reviewer = people["caseworker"], people["reviewer"]
    with freeze_time(at("2026-03-02", 9)):
        household = household_in_hardship(orgs["hd"])  # 36,000 ÷ 12 ÷ 3 = 1,000 → 深度困难
        file = open_hardship_file(household=household, by=worker, source=IdentificationSource.APPLICATION, year=2025)
        start_hardship_flow(file, by=worker)
        do(file, "take_application", worker, "take_application", application_reason="配偶失业，子女在读。")
        do(file, "home_visit", worker, "record_home_visit", visited_on=date(2026, 3, 2),
           authorisation_signed_on=date(2026, 3, 2), sensitive_consent_signed_on=date(2026, 3, 2),
           second_visitor=second_visitor(orgs["hd"]), findings="医疗票据齐全。", checklist=CHECKLIST)
        do(file, "civil_check", worker, "record_civil_check", result="consistent", note="")
    with freeze_time(at("2026-03-03", 9)):  # a Tuesday
        review_and_publicise(file, worker, "2026-03-03", "同意认定为深度困难职工。")
    assert (file.status, file.category, open_tasks(file)) == (H.IN_PUBLICITY, "deep", ["wait_publicity"])

    with freeze_time(at("2026-03-04")):
        apply(file, "lodge_objection", by=worker, data={"content": "配偶在外打工，有收入未申报。"})
        objection_review = Objection.objects.get(file=file).process
    with freeze_time(at("2026-03-05")):
        update_household(file=file, by=worker, correction_reason="公示异议经核实：配偶2025年工资24,000元未申报。",
                         **income_rows(file, "60,000"))
    file.refresh_from_db()
    # 60,000 ÷ 12 ÷ 3 = 1,666.67: no longer 深度困难, 相对困难; header and computation agree.
    assert (file.status, file.category, file.assessment_steps[-1]) == (H.CIVIL_CHECKED, "relative", "结论：相对困难")
    assert open_tasks(file) == ["democratic_review"]
    task = file.process.task_set.get(flow_task=HardshipFlow.democratic_review, finished__isnull=True)
    assert task.owner == worker  # back with the preparer
    assert file.process.task_set.get(flow_task=HardshipFlow.wait_publicity).status == "CANCELED"
    assert ObjectionProcess.objects.get(pk=objection_review.pk).status == PROCESS.CANCELED
    assert Deadline.objects.for_subject(file).get(clock="hardship.publicity").state == DeadlineState.CANCELLED

    with freeze_time(at("2026-03-06", 9)):  # a Friday: five working days to Friday 13 March
        review_and_publicise(file, worker, "2026-03-06", "更正收入后，同意认定为相对困难职工。")
    assert open_tasks(file) == ["wait_publicity"]
    clocks = Deadline.objects.for_subject(file).filter(clock="hardship.publicity").order_by("pk")
    assert [(d.due_on, d.state) for d in clocks] == [
        (date(2026, 3, 10), DeadlineState.CANCELLED), (date(2026, 3, 13), DeadlineState.OPEN)]
    with freeze_time(at("2026-03-14", 9)):
        fire_due_timers()  # the earlier publicity's objection does not hold this one up
    assert open_tasks(file) == ["approve"]
    with freeze_time(at("2026-03-16", 9)):
        do(file, "approve", reviewer, "approve")
    assert file.status == H.APPROVED and file.category == "relative"
