"""What a step through the door costs in queries (issue 18, point 2): an in-task action, a task
completed, a document issued. Bounds on counts only; bench/dispute_lifecycle.py measures times."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import AuditEvent, Deadline, DisputeStatus, Document
from cases.models.dispute.consent import respondent_consent
from cases.platform import transitions
from cases.rules.claims import ClaimType
from cases.tasks.documents import issue_document_task
from tests.consent import consent_recorded_in_task
from tests.dispute_cases import at
from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute, take_action
from workflows.models import DisputeProcess

pytestmark = pytest.mark.django_db

# As measured when written (SQLite; PostgreSQL counts the same statements): a raise means a
# step reads or writes more than it did, which bench/dispute_lifecycle.py should explain.
SIGNATURE_MAX_QUERIES = 10  # 11 before the agreement was read with the case; 16 before the case was read once under the flow lock; 12 before the lock was that read
DRAFTING_MAX_QUERIES = 34  # the awards, the agreement and its instalment written; the next task made
DOCUMENT_MAX_QUERIES = 17
REGISTRATION_MAX_QUERIES = 36  # 49 before: no savepoint without a race to catch, one upsert for the number
EFFECTIVE_MAX_QUERIES = 40  # the instalments' clocks opened in one insert and one of their history


def the_task(case, name):
    return case.process.task_set.get(flow_task=getattr(DisputeFlow, name), finished__isnull=True)


def a_case_being_signed(orgs, people):
    """Registered, accepted, assigned, heard once and its agreement drafted: at 签署调解协议."""
    mediator, lead = people["mediator"], people["lead"]
    with freeze_time(at("2026-11-02", 9)):
        case = open_dispute(
            acknowledge_warnings=True, organisation=orgs["hd_street"], by=mediator, channel="walk_in_written",
            received_on=date(2026, 11, 2), received_at=at("2026-11-02", 9), facts="拖欠工资三个月。",
            worker=WorkerInput(name="王秀英"), employer=EmployerInput(name="北京某科技有限公司"),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("23196.00"))],
        ).case
    with freeze_time(at("2026-11-03")):
        decide = the_task(case, "decide_acceptance")
        claim_task(decide, mediator)
        consent_recorded_in_task(decide, mediator)
        complete_task(decide, by=mediator, transition="accept")
        assign = the_task(case, "assign_mediator")
        claim_task(assign, lead)
        complete_task(assign, by=lead, transition="assign", data={"mediator": mediator})
        take_action(the_task(case, "mediate"), by=mediator, action="schedule_session", data={
            "starts_at": at("2026-11-05", 14), "place": "中关村街道调解室", "to_bring": "劳动合同"})
    with freeze_time(at("2026-11-05", 16)):
        take_action(the_task(case, "mediate"), by=mediator, action="record_session", data={
            "session": case.sessions.get(), "attendees": "申请人；被申请人代理人；调解员", "statements": "确认拖欠。",
            "proposals": "一次付清", "rights_explained": True, "recusal_answer": "双方均不申请回避。",
            "note_taker": "张华", "outcome": "达成协议"})
    return case


def test_an_in_task_signature_costs_a_bounded_number_of_queries(orgs, people, django_assert_max_num_queries):
    case = a_case_being_signed(orgs, people)
    with freeze_time(at("2026-11-06")):
        complete_task(the_task(case, "mediate"), by=people["mediator"], transition="draft_agreement", data={
            "terms": "被申请人一次支付拖欠工资23,196.00元。", "awards": {case.claims.get().pk: Decimal("23196.00")},
            "instalments": [(date(2026, 11, 20), Decimal("23196.00"))]})
        sign = the_task(case, "sign_agreement")
        with django_assert_max_num_queries(SIGNATURE_MAX_QUERIES):
            take_action(sign, by=people["mediator"], action="record_signature", data={"signatory": "worker"})
    case.refresh_from_db()
    assert case.agreement.worker_signed_at is not None and case.status == DisputeStatus.AGREEMENT_SIGNING


def test_completing_a_task_that_moves_the_case_on_costs_a_bounded_number_of_queries(
        orgs, people, django_assert_max_num_queries):
    case = a_case_being_signed(orgs, people)
    with freeze_time(at("2026-11-06")):
        mediate, claim = the_task(case, "mediate"), case.claims.get()
        with django_assert_max_num_queries(DRAFTING_MAX_QUERIES):
            complete_task(mediate, by=people["mediator"], transition="draft_agreement", data={
                "terms": "被申请人一次支付拖欠工资23,196.00元。", "awards": {claim.pk: Decimal("23196.00")},
                "instalments": [(date(2026, 11, 20), Decimal("23196.00"))]})
    case.refresh_from_db()
    assert case.status == DisputeStatus.AGREEMENT_SIGNING and the_task(case, "sign_agreement").owner == people["mediator"]


def test_issuing_a_document_costs_a_bounded_number_of_queries(orgs, people, django_assert_max_num_queries):
    case = a_case_being_signed(orgs, people)
    with freeze_time(at("2026-11-06")):
        complete_task(the_task(case, "mediate"), by=people["mediator"], transition="draft_agreement", data={
            "terms": "被申请人一次支付拖欠工资23,196.00元。", "awards": {case.claims.get().pk: Decimal("23196.00")},
            "instalments": [(date(2026, 11, 20), Decimal("23196.00"))]})
        drafted = AuditEvent.objects.for_subject(case).get(name="draft_agreement")
        with django_assert_max_num_queries(DOCUMENT_MAX_QUERIES):
            document_id = issue_document_task.delay(
                kind="mediation_agreement_draft", transition_event_id=drafted.pk, by=people["mediator"].pk).get()
    document = Document.objects.get(pk=document_id)
    assert (document.kind, document.transition_event_id, document.subject_id) == (
        "mediation_agreement_draft", drafted.pk, str(case.pk))
    assert issue_document_task.delay(kind="mediation_agreement_draft", transition_event_id=drafted.pk).get() == document_id


def test_registering_a_case_costs_a_bounded_number_of_queries(orgs, people, django_assert_max_num_queries):
    with freeze_time(at("2026-11-02", 9)):
        # The organisation's year counter made, then moved on; new parties each time.
        for expected_number, worker, employer in (("0001", "王秀英", "北京某科技有限公司"),
                                                  ("0002", "李建国", "北京某物流有限公司")):
            with django_assert_max_num_queries(REGISTRATION_MAX_QUERIES):
                case = open_dispute(
                    acknowledge_warnings=True, organisation=orgs["hd_street"], by=people["mediator"],
                    channel="walk_in_written", received_on=date(2026, 11, 2), received_at=at("2026-11-02", 9),
                    facts="拖欠工资三个月。", worker=WorkerInput(name=worker), employer=EmployerInput(name=employer),
                    claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("23196.00"))],
                ).case
            assert case.number.endswith(f"-2026-{expected_number}")
            assert the_task(case, "decide_acceptance").status == "NEW"


def test_an_agreement_takes_effect_with_its_instalments_clocks_opened_together(
        orgs, people, django_assert_max_num_queries):
    case, mediator = a_case_being_signed(orgs, people), people["mediator"]
    with freeze_time(at("2026-11-06")):
        complete_task(the_task(case, "mediate"), by=mediator, transition="draft_agreement", data={
            "terms": "被申请人分两期支付拖欠工资共计23,196.00元。", "awards": {case.claims.get().pk: Decimal("23196.00")},
            "instalments": [(date(2026, 11, 20), Decimal("12000.00")), (date(2026, 12, 4), Decimal("11196.00"))]})
        sign = the_task(case, "sign_agreement")
        for signatory in ("worker", "employer", "mediator", "seal"):
            take_action(sign, by=mediator, action="record_signature", data={"signatory": signatory})
        take_action(sign, by=mediator, action="upload_signed_original", data={"scan": ContentFile(
            b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n",
            name="signed.pdf")})
        with django_assert_max_num_queries(EFFECTIVE_MAX_QUERIES):
            complete_task(sign, by=mediator, transition="make_agreement_effective")
    instalments = list(case.agreement.instalments.order_by("number"))
    clocks = Deadline.objects.filter(clock="dispute.instalment", subject_id__in=[str(i.pk) for i in instalments])
    assert sorted((c.subject_id, c.due_on, c.dispute_case_id, c.state) for c in clocks) == sorted(
        (str(i.pk), i.due_on, case.pk, "open") for i in instalments)
    assert sorted(Deadline.history.filter(id__in=[c.pk for c in clocks]).values_list("history_type", "due_on")) == [
        ("+", date(2026, 11, 20)), ("+", date(2026, 12, 4))]  # each written with its history, as one by one


# -- the case read once under the flow lock (workflows/flow_lock.py) ------------------------------

def a_case_claimed_for_acceptance(orgs, people):
    """Registered on 2026-11-02, its 受理审查 claimed by the mediator: the case and that task."""
    mediator = people["mediator"]
    with freeze_time(at("2026-11-02", 9)):
        case = open_dispute(
            acknowledge_warnings=True, organisation=orgs["hd_street"], by=mediator, channel="walk_in_written",
            received_on=date(2026, 11, 2), received_at=at("2026-11-02", 9), facts="拖欠工资三个月。",
            worker=WorkerInput(name="王秀英"), employer=EmployerInput(name="北京某科技有限公司"),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("23196.00"))],
        ).case
        decide = the_task(case, "decide_acceptance")
        claim_task(decide, mediator)
    return case, decide


def a_case_awaiting_acceptance(orgs, people):
    case, decide = a_case_claimed_for_acceptance(orgs, people)
    with freeze_time(at("2026-11-02", 9)):
        consent_recorded_in_task(decide, people["mediator"])
    return case


def test_under_the_flow_lock_the_door_uses_the_case_the_step_read(orgs, people):
    case = a_case_being_signed(orgs, people)
    with freeze_time(at("2026-11-06")):
        complete_task(the_task(case, "mediate"), by=people["mediator"], transition="draft_agreement", data={
            "terms": "被申请人一次支付拖欠工资23,196.00元。", "awards": {case.claims.get().pk: Decimal("23196.00")},
            "instalments": [(date(2026, 11, 20), Decimal("23196.00"))]})
        sign = the_task(case, "sign_agreement")
        with CaptureQueriesContext(connection) as captured:
            take_action(sign, by=people["mediator"], action="record_signature", data={"signatory": "worker"})
    case_reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and 'FROM "cases_disputecase"' in q["sql"]]
    agreement_reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and 'FROM "cases_agreement"' in q["sql"]]
    assert len(case_reads) == 1, case_reads  # read once, locked, for the checks and the door alike
    assert not agreement_reads, agreement_reads  # read along with the case (DisputeCase.door_reads_along)
    process_reads = [q["sql"] for q in captured.captured_queries if 'FROM "viewflow_process"' in q["sql"]]
    assert not process_reads, process_reads  # read with the task, in one query (flow_lock.task_with_process)
    process_locks = [q["sql"] for q in captured.captured_queries if 'FROM "workflows_disputeprocess"' in q["sql"]]
    assert not process_locks, process_locks  # the flow lock is the case's row: that one read (DoorAwareLock)


def test_a_failed_transition_gives_the_steps_copy_back_as_it_was_read(orgs, people, monkeypatch):
    case = a_case_awaiting_acceptance(orgs, people)
    process = DisputeProcess.objects.get(case=case)

    def audit_fails(**event):
        raise RuntimeError("the audit append failed")

    with freeze_time(at("2026-11-03")), DisputeFlow.lock(process.pk), transaction.atomic():
        subject = DisputeProcess.objects.get(pk=process.pk).subject
        monkeypatch.setattr(transitions, "append_event", audit_fails)
        with pytest.raises(RuntimeError):
            transitions.apply(subject, "accept", by=people["mediator"])
        assert subject.status == DisputeStatus.REGISTERED and subject.accepted_on is None
        monkeypatch.undo()
        transitions.apply(subject, "accept", by=people["mediator"])  # no longer marked: read and locked again
    case.refresh_from_db()
    assert case.status == DisputeStatus.ACCEPTED == subject.status


def test_a_lock_taken_in_a_savepoint_since_rolled_back_is_not_trusted(orgs, people):
    case = a_case_awaiting_acceptance(orgs, people)
    with transaction.atomic():
        try:
            with transaction.atomic():
                copy = transitions.lock_for_door(type(case), case.pk)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert not transitions._held_door_lock(copy)
        held = transitions.lock_for_door(type(case), case.pk)
        assert transitions._held_door_lock(held)
        assert not transitions._held_door_lock(held)  # good for one door call


# -- a condition read once under the lock (cases.models.fsm.read_for_conditions) -----------------

def test_a_steps_condition_is_read_once_for_the_flow_and_for_django_fsm(orgs, people):
    case, decide = a_case_claimed_for_acceptance(orgs, people)
    with freeze_time(at("2026-11-02", 9)), CaptureQueriesContext(connection) as captured:
        consent_recorded_in_task(decide, people["mediator"])
    consent_reads = [q["sql"] for q in captured.captured_queries
                     if q["sql"].startswith('SELECT "cases_mediationconsent"."id"')]  # not the uniqueness check
    assert len(consent_reads) == 1, consent_reads  # asked to offer the action, and by django-fsm: one read
    assert case.consents.count() == 1


def test_a_transition_forgets_what_its_conditions_read_before_it_runs(orgs, people):
    case = a_case_awaiting_acceptance(orgs, people)
    case.consents.all().delete()
    with freeze_time(at("2026-11-03")), transaction.atomic():
        locked = transitions.lock_for_door(type(case), case.pk)
        assert respondent_consent(locked) is None  # remembered for the conditions
        recorded = locked.record_consent(by=people["mediator"], decision="consented", consent_method="written",
                                         decided_on=date(2026, 11, 3), given_by="法定代表人")
        assert respondent_consent(locked) == recorded  # the transition's own writes are read afresh


def test_what_a_condition_read_under_a_lock_is_not_kept_once_the_lock_is_released(orgs, people):
    case = a_case_awaiting_acceptance(orgs, people)
    with freeze_time(at("2026-11-03")):
        with transaction.atomic():
            locked = transitions.lock_for_door(type(case), case.pk)
            assert respondent_consent(locked) is not None
            with pytest.raises(PermissionDenied):  # refused before any transition runs
                transitions.apply(locked, "accept", by=people["caseworker"])
        case.consents.all().delete()
        assert respondent_consent(locked) is None
