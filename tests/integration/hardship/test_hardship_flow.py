"""Hardship files driven through HardshipFlow's tasks: application → home visit → civil check
→ democratic review → publicity (timer) → four-eyes approval (a second one above the
configured amount) → file opened → yearly review (timer) → exit with its own publicity, and
re-entry. Each asserts the file's states, its clocks, the flow's tasks and the journal."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time
from pypdf import PdfReader
from viewflow.workflow.status import PROCESS
from viewflow.workflow.timers import fire_due_timers

from cases.hardship.identification import open_hardship_file
from cases.models import (
    AuditAction,
    AuditEvent,
    Deadline,
    DeadlineState,
    Document,
    HardshipFile,
    HardshipStatus,
    IncomeItem,
    IncomeKind,
    Membership,
    Objection,
    ObjectionStatus,
    Role,
)
from cases.models.hardship.states import IdentificationSource
from cases.platform.audit.journal import verify_chain
from cases.platform.transitions import apply
from tests.hardship_fixtures import household_in_hardship, minimum_living_standard, second_visitor
from workflows.dispute.flow import claim_task, complete_task
from workflows.hardship.flow import HardshipFlow, ObjectionFlow, start_hardship_flow

# Real commits: documents are issued on commit (Celery eager), as in production.
pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = HardshipStatus


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


@pytest.fixture
def staff(orgs, people, make_user):
    second = make_user("hd_reviewer2", orgs["hd"], Role.REVIEWER)
    # A caseworker who is also a reviewer: may prepare, never approve what they prepared.
    Membership.objects.create(user=people["caseworker"], organisation=orgs["hd"], role=Role.REVIEWER)
    return {"caseworker": people["caseworker"], "reviewer": people["reviewer"], "reviewer2": second}


def documents_of(file) -> dict[str, str]:
    """Each document kind issued for the file → the text of its latest PDF, spaces removed."""
    found = {}
    for document in Document.objects.filter(subject_type=ContentType.objects.get_for_model(HardshipFile),
                                            subject_id=str(file.pk)).order_by("pk"):
        with document.file.open("rb") as handle:
            pages = PdfReader(BytesIO(handle.read())).pages
        found[document.kind] = "".join(page.extract_text() for page in pages).replace(" ", "").replace("\n", "")
    return found


def open_task(file, name):
    file.refresh_from_db()
    return file.process.task_set.get(flow_task=getattr(HardshipFlow, name), finished__isnull=True)


def open_task_names(file):
    return sorted(task.flow_task.name for task in file.process.task_set.filter(finished__isnull=True))


def do(file, name, person, transition, reason="", **data):
    task = open_task(file, name)
    if task.owner_id is None:
        claim_task(task, person)
        task.refresh_from_db()
    complete_task(task, by=person, transition=transition, reason=reason, data=data)
    file.refresh_from_db()
    return file


def identify_until_publicity(orgs, staff, *, proposed=Decimal("3000.00")):
    worker = staff["caseworker"]
    with freeze_time(at("2026-03-02", 9)):
        household = household_in_hardship(orgs["hd"])
        file = open_hardship_file(household=household, by=worker, source=IdentificationSource.APPLICATION, year=2025)
        start_hardship_flow(file, by=worker)
        do(file, "take_application", worker, "take_application", application_reason="本人大病，配偶失业，子女在读。")
        do(file, "home_visit", worker, "record_home_visit", visited_on=date(2026, 3, 2),
           authorisation_signed_on=date(2026, 3, 2), sensitive_consent_signed_on=date(2026, 3, 2),
           second_visitor=second_visitor(orgs["hd"]), findings="家中陈设简陋，医疗票据齐全。",
           checklist={key: True for key in ("identity_checked", "members_confirmed", "income_confirmed",
                                            "expenses_confirmed", "housing_observed", "neighbours_consulted")})
        do(file, "civil_check", worker, "record_civil_check", result="consistent", note="民政低保在册。")
        do(file, "democratic_review", worker, "record_democratic_review", held_on=date(2026, 3, 2),
           participants="工会主席、职工代表5人", votes_for=6, votes_against=0, votes_abstain=1,
           opinion="同意认定为深度困难职工。", proposed_aid_amount=proposed)
    with freeze_time(at("2026-03-03", 9)):  # a Tuesday
        do(file, "publicise", worker, "start_publicity", place="单位公告栏")
    return file


def test_identification_without_objection_needs_a_reviewer_who_did_not_prepare_it(orgs, people, staff):
    file = identify_until_publicity(orgs, staff)
    assert file.status == H.IN_PUBLICITY and file.category == "deep"
    publicity = Deadline.objects.for_subject(file).get(clock="hardship.publicity")
    assert publicity.due_on == date(2026, 3, 10)  # five working days after Tuesday 3 March
    assert open_task_names(file) == ["wait_publicity"]

    with freeze_time(at("2026-03-10", 23)):
        fire_due_timers()
        assert open_task_names(file) == ["wait_publicity"]  # still the publicity's last day
    with freeze_time(at("2026-03-11", 9)):
        fire_due_timers()
        assert open_task_names(file) == ["approve"]  # no objection: nobody has to submit it
    file.refresh_from_db()
    assert file.status == H.AWAITING_APPROVAL
    ended = AuditEvent.objects.for_subject(file).get(action=AuditAction.TRANSITION, name="end_publicity")
    assert ended.actor is None and ended.actor_label == "system:publicity_timer"
    assert Deadline.objects.for_subject(file).get(clock="hardship.publicity").state == DeadlineState.MET

    task = open_task(file, "approve")
    with pytest.raises(PermissionDenied, match="双人审核"):
        claim_task(task, staff["caseworker"])  # prepared it, holds the reviewer role too
    with pytest.raises(PermissionDenied):
        apply(file, "approve", by=staff["caseworker"])  # nor through the door directly
    with freeze_time(at("2026-03-12", 9)):
        do(file, "approve", staff["reviewer"], "approve")
        assert file.status == H.APPROVED and file.first_approved_by == staff["reviewer"]
        do(file, "open_file", staff["caseworker"], "open_file")
    assert file.status == H.OPEN and file.number == "BJ-HD-KN-2026-0001"
    assert file.next_review_due == date(2027, 3, 12)
    assert open_task_names(file) == ["wait_review"]
    names = list(AuditEvent.objects.for_subject(file).filter(action=AuditAction.TRANSITION).order_by("seq")
                 .values_list("name", flat=True))
    assert names == ["created", "take_application", "record_home_visit", "record_civil_check",
                     "record_democratic_review", "start_publicity", "end_publicity", "approve", "open_file"]
    assert verify_chain().intact
    texts = documents_of(file)
    assert sorted(texts) == sorted([
        "hardship_application", "home_visit_record", "civil_check_record", "democratic_review_record",
        "publicity_notice", "hardship_approval", "file_opening_record"])
    assert "王*国" in texts["publicity_notice"] and "王建国" not in texts["publicity_notice"]
    assert "2026年3月10日" in texts["publicity_notice"]  # the last day of publicity
    assert "深度困难" in texts["hardship_approval"] and "¥1,000.00<¥1,400.00" in texts["hardship_approval"]
    assert "BJ-HD-KN-2026-0001" in texts["file_opening_record"]


def test_above_the_amount_a_second_reviewer_approves(orgs, staff):
    file = identify_until_publicity(orgs, staff, proposed=Decimal("8000.00"))
    with freeze_time(at("2026-03-11", 9)):
        fire_due_timers()
        do(file, "approve", staff["reviewer"], "approve")
        assert file.status == H.AWAITING_SECOND_APPROVAL
        task = open_task(file, "second_approval")
        with pytest.raises(PermissionDenied):
            claim_task(task, staff["reviewer"])  # the first approver
        do(file, "second_approval", staff["reviewer2"], "approve_second")
    assert file.status == H.APPROVED and file.second_approved_by == staff["reviewer2"]
    assert open_task_names(file) == ["open_file"]


def test_an_upheld_objection_ends_in_not_identified(orgs, staff):
    file = identify_until_publicity(orgs, staff)
    with freeze_time(at("2026-03-05", 9)):
        apply(file, "lodge_objection", by=staff["caseworker"], data={"content": "该户家中有经营性收入未申报。"})
        objection = Objection.objects.get(file=file)
        task = objection.process.task_set.get(flow_task=ObjectionFlow.review_objection)
        claim_task(task, staff["reviewer"])
        complete_task(task, by=staff["reviewer"], transition="resolve_objection", reason="经核实，有个体经营收入。",
                      data={"objection": objection, "upheld": True})
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    with freeze_time(at("2026-03-11", 9)):
        fire_due_timers()
        with pytest.raises(ValidationError, match="异议"):
            do(file, "conclude_publicity", staff["caseworker"], "end_publicity")
        do(file, "conclude_publicity", staff["caseworker"], "reject", reason="公示异议成立，家庭有未申报经营收入。")
    assert file.status == H.NOT_IDENTIFIED
    assert file.process.status == PROCESS.DONE
    assert "公示异议成立" in documents_of(file)["not_identified_notice"]


def test_objection_after_the_window_is_refused(orgs, staff):
    file = identify_until_publicity(orgs, staff)
    with freeze_time(at("2026-03-11", 9)), pytest.raises(ValidationError, match="不在公示期内"):
        apply(file, "lodge_objection", by=staff["caseworker"], data={"content": "迟到的异议"})


def test_yearly_review_changes_the_category_then_exit_and_re_entry(orgs, staff):
    file = identify_until_publicity(orgs, staff)
    with freeze_time(at("2026-03-11", 9)):
        fire_due_timers()
        do(file, "approve", staff["reviewer"], "approve")
        do(file, "open_file", staff["caseworker"], "open_file")
    # 2026 income rose: 36,000 + 30,000 = 66,000 ÷ 12 ÷ 3 = 1,833.33 ≥ 1,400, < 2,800 → 相对困难
    minimum_living_standard(year=2026)
    IncomeItem.objects.create(household=file.household, year=2026, kind=IncomeKind.WAGES, amount=Decimal("66000.00"))
    with freeze_time(at("2027-02-09", 9)):  # 30 days before 11 March 2027
        fire_due_timers()
        assert open_task_names(file) == ["yearly_review"]
        do(file, "yearly_review", staff["caseworker"], "complete_yearly_review", year=2026,
           findings="配偶已再就业，家庭收入增加。")
    assert file.category == "relative"
    review = file.yearly_reviews.get()
    assert (review.previous_category, review.category) == ("deep", "relative")
    clocks = Deadline.objects.for_subject(file).filter(clock="hardship.yearly_review").order_by("pk")
    assert [(d.due_on, d.state) for d in clocks] == [
        (date(2027, 3, 11), DeadlineState.MET), (date(2028, 3, 11), DeadlineState.OPEN)]
    assert open_task_names(file) == ["wait_review"]
    review_text = documents_of(file)["yearly_review_record"]
    assert "深度困难" in review_text and "相对困难" in review_text and "¥1,833.33" in review_text

    # Mid-year the worker retires: the exit starts from the file's page, not from a task.
    with freeze_time(at("2027-06-01", 9)):  # a Tuesday
        apply(file, "begin_exit", by=staff["caseworker"], reason="本人已办理退休。",
              data={"exit_reason": "retired", "place": "单位公告栏"})
        assert open_task_names(file) == ["wait_exit_publicity"]
    with freeze_time(at("2027-06-09", 9)):
        fire_due_timers()
        do(file, "conclude_exit", staff["caseworker"], "exit_file")
    assert file.status == H.EXITED and file.process.status == PROCESS.DONE
    assert Deadline.objects.for_subject(file).get(clock="hardship.yearly_review", state=DeadlineState.CANCELLED)
    texts = documents_of(file)
    assert "王*国" in texts["exit_publicity_notice"] and "退休" in texts["exit_publicity_notice"]
    assert "退休" in texts["exit_notice"]

    with freeze_time(at("2027-09-01", 9)):
        apply(file, "re_enter", by=staff["caseworker"], reason="配偶突发重病。")
    new_file = HardshipFile.objects.get(previous_file=file)
    assert new_file.status == H.IDENTIFIED and new_file.household == file.household
    assert [t.flow_task.name for t in new_file.process.task_set.filter(finished__isnull=True)] == ["take_application"]


def test_a_publicity_that_has_run_is_met_and_its_preparer_told_never_breached(orgs, staff):
    from cases.platform.deadlines import check_deadlines
    from notifications.models import Notification

    file = identify_until_publicity(orgs, staff)
    summary = check_deadlines(today=date(2026, 3, 10))
    assert summary.breached == 0
    assert Deadline.objects.for_subject(file).get(clock="hardship.publicity").state == DeadlineState.OPEN
    summary = check_deadlines(today=date(2026, 3, 11))
    assert summary.breached == 0
    assert Deadline.objects.for_subject(file).get(clock="hardship.publicity").state == DeadlineState.MET
    told = Notification.objects.get(recipient=staff["caseworker"], kind="period_elapsed")
    assert "困难职工认定公示期" in told.title and "2026年3月10日" in told.body
    check_deadlines(today=date(2026, 3, 12))
    assert Notification.objects.filter(kind="period_elapsed").count() == 1


def test_rejecting_a_file_cancels_the_reviews_of_objections_still_pending(orgs, staff):
    file = identify_until_publicity(orgs, staff)
    with freeze_time(at("2026-03-05", 9)):
        apply(file, "lodge_objection", by=staff["caseworker"], data={"content": "申报收入不实。"})
        apply(file, "reject", by=staff["caseworker"], reason="本人撤回申请。")
    objection = Objection.objects.get(file=file)
    assert objection.process.status == PROCESS.CANCELED
    assert not objection.process.task_set.filter(finished__isnull=True).exists()
    assert file.process.status == PROCESS.DONE
