"""Whole dispute lifecycles: registered through open_dispute, worked through DisputeFlow's
tasks, ended by a person or by the legal clock — asserting states, clocks, documents (their
extracted text), notifications and the audit journal at each end."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from pypdf import PdfReader
from viewflow.workflow.status import PROCESS

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import AuditAction, AuditEvent, Channel, Deadline, DeadlineState, DisputeStatus, Document
from cases.platform.audit.journal import verify_chain
from cases.platform.deadlines import check_deadlines
from cases.platform.transitions import apply
from cases.rules.claims import ClaimType
from notifications.models import Notification
from tests.consent import consent_recorded_in_task
from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = date(2026, 9, 30)  # Wednesday, the day before the National Day holiday


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def register(orgs, people, **changes):
    application = dict(
        organisation=orgs["hd_street"], by=people["mediator"], channel=Channel.WALK_IN_WRITTEN,
        received_on=RECEIVED, received_at=at("2026-09-30", 9),
        facts="用人单位自2026年7月起拖欠工资，多次催要未果。",
        worker=WorkerInput(name="王秀英", resident_id="11010519491231002X", phone="13800138000"),
        employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43", address="北京市海淀区"),
        claims=[ClaimInput(claim_type=ClaimType.WAGE_ARREARS, amount_claimed=Decimal("23196.00"))],
    )
    application.update(changes)
    with freeze_time(at("2026-09-30")):
        return open_dispute(**application).case


def the_task(case, name):
    return case.process.task_set.get(flow_task=getattr(DisputeFlow, name), finished__isnull=True)


def take(case, name, person, transition, **kwargs):
    task = the_task(case, name)
    claim_task(task, person)
    if transition == "accept":  # the respondent's consent first (Art.20)
        consent_recorded_in_task(task, person)
    complete_task(task, by=person, transition=transition, **kwargs)
    case.refresh_from_db()


def clock(case, code):
    return Deadline.objects.for_subject(case).get(clock=code)


def text_of(document: Document) -> str:
    with document.file.open("rb") as handle:
        pages = PdfReader(BytesIO(handle.read())).pages
    # Lines break anywhere in Chinese text: compare without layout whitespace.
    return "".join(page.extract_text() for page in pages).replace(" ", "").replace("\n", "")


def documents(case, kind):
    return list(Document.objects.filter(subject_id=str(case.pk), kind=kind).order_by("variant"))


def transitions(case):
    return list(AuditEvent.objects.for_subject(case).filter(action=AuditAction.TRANSITION)
                .order_by("seq").values_list("name", flat=True))


def test_unagreed_mediation_is_deemed_failed_when_fifteen_days_from_acceptance_end_on_a_working_day(
        orgs, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = register(orgs, people)
    assert case.status == DisputeStatus.REGISTERED
    assert clock(case, "dispute.acceptance").due_on == date(2026, 10, 10)  # Sat, a make-up workday
    assert clock(case, "dispute.arbitration_right").due_on == date(2026, 10, 15)  # Art.14: from receipt
    assert not Deadline.objects.for_subject(case).filter(clock="dispute.mediation").exists()

    with freeze_time(at("2026-10-09")), django_capture_on_commit_callbacks(execute=True):
        take(case, "decide_acceptance", people["mediator"], "accept")
        take(case, "assign_mediator", people["lead"], "assign", data={"mediator": people["mediator"]})
    assert (case.status, case.mediator, case.accepted_on) == (DisputeStatus.IN_MEDIATION, people["mediator"], date(2026, 10, 9))
    assert clock(case, "dispute.acceptance").state == DeadlineState.MET
    # The organisation's period: 15 days from acceptance is Saturday 10-24, so it ends on Monday.
    assert clock(case, "dispute.mediation").due_on == date(2026, 10, 26)

    assert check_deadlines(today=date(2026, 10, 9)).warned == 0
    # Art.14's fifteen days from receipt have run: a right to arbitrate, which ends nothing.
    assert check_deadlines(today=date(2026, 10, 16)).breached == 0
    assert clock(case, "dispute.arbitration_right").state == DeadlineState.MET
    case.refresh_from_db()
    assert case.status == DisputeStatus.IN_MEDIATION
    assert Notification.objects.filter(recipient=people["mediator"], kind="arbitration_right_arisen").count() == 1
    assert check_deadlines(today=date(2026, 10, 19)).warned == 1  # day 10 of the mediation period
    assert check_deadlines(today=date(2026, 10, 22)).warned == 1  # day 13
    assert check_deadlines(today=date(2026, 10, 26)).breached == 0  # the last day is still in time
    with freeze_time(at("2026-10-27", 0)), django_capture_on_commit_callbacks(execute=True):
        assert check_deadlines(today=date(2026, 10, 27)).breached == 1
    assert check_deadlines(today=date(2026, 10, 28)).breached == 0

    case.refresh_from_db()
    assert case.status == DisputeStatus.FAILED
    assert clock(case, "dispute.mediation").state == DeadlineState.BREACHED
    assert case.process.status == PROCESS.NEW  # the case still goes through closing and archiving
    closing, = case.process.task_set.filter(finished__isnull=True)
    # The lead gets the task: the legal clock ran out on their team's case.
    assert (closing.flow_task.name, closing.owner) == ("close_case", people["lead"])
    assert transitions(case) == ["register", "record_consent", "accept", "assign", "deem_failed"]
    assert AuditEvent.objects.filter(action=AuditAction.DEADLINE, name="breach").count() == 1

    acceptance = documents(case, "acceptance_notice")
    assert [d.variant for d in acceptance] == ["employer", "worker"]
    assert "至2026年10月26日届满" in text_of(acceptance[1]) and "（至2026年10月15日）" in text_of(acceptance[1])
    worker_notice, = [d for d in documents(case, "termination_notice") if d.variant == "worker"]
    notice = text_of(worker_notice)
    assert "至2026年10月26日期限届满" in notice and case.number in notice and "仲裁" in notice

    warned = Notification.objects.filter(recipient=people["mediator"], kind="deadline_warning")
    assert warned.count() == 2
    breached_to = set(Notification.objects.filter(kind="deadline_breached").values_list("recipient__username", flat=True))
    assert breached_to == {"hd_mediator", "hd_lead"}
    assert verify_chain().intact


def test_rejection_issues_the_notice_with_its_reason_and_the_case_closes(orgs, people, django_capture_on_commit_callbacks):
    case = register(orgs, people)
    with freeze_time(at("2026-10-08")), django_capture_on_commit_callbacks(execute=True):
        take(case, "decide_acceptance", people["mediator"], "reject", reason="该争议已由劳动争议仲裁委员会受理",
             data={"rejection_ground": "before_arbitration_or_court"})
    assert case.status == DisputeStatus.REJECTED and case.ended_on == date(2026, 10, 8)
    assert [t.flow_task.name for t in case.process.task_set.filter(finished__isnull=True)] == ["close_case"]
    assert clock(case, "dispute.acceptance").state == DeadlineState.MET
    assert clock(case, "dispute.arbitration_right").state == DeadlineState.CANCELLED
    assert not Deadline.objects.for_subject(case).filter(clock="dispute.mediation").exists()
    notice = text_of(documents(case, "non_acceptance_notice")[0])
    assert "该争议已由劳动争议仲裁委员会受理" in notice and "仲裁" in notice

    take(case, "close_case", people["lead"], "close")
    assert case.status == DisputeStatus.CLOSED
    assert transitions(case) == ["register", "reject", "close"]


def test_withdrawal_in_mediation_ends_the_flow_and_tells_both_parties(orgs, people, django_capture_on_commit_callbacks):
    case = register(orgs, people)
    with freeze_time(at("2026-10-09")), django_capture_on_commit_callbacks(execute=True):
        take(case, "decide_acceptance", people["mediator"], "accept")
        take(case, "assign_mediator", people["mediator"], "assign", data={"mediator": people["mediator"]})
        apply(case, "withdraw", by=people["mediator"], reason="申请人与用人单位自行和解，书面撤回申请")
    case.refresh_from_db()
    assert case.status == DisputeStatus.WITHDRAWN
    assert [t.flow_task.name for t in case.process.task_set.filter(finished__isnull=True)] == ["close_case"]
    assert clock(case, "dispute.mediation").state == DeadlineState.CANCELLED
    notices = documents(case, "termination_notice")
    assert [d.variant for d in notices] == ["employer", "worker"]
    assert all("撤回" in text_of(d) for d in notices)
    assert check_deadlines(today=date(2026, 10, 20)) .breached == 0  # nothing left to breach


def test_an_oral_application_is_recorded_and_a_duplicate_is_flagged_and_linked(orgs, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = register(orgs, people, channel=Channel.ORAL)
    record = text_of(documents(first, "oral_application_record")[0])
    assert "王秀英" in record and "23,196.00" in record

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=first.number):
        register(orgs, people)  # same worker, same employer, still open: confirm first
    second = register(orgs, people, acknowledge_warnings=True)
    assert list(second.related_cases.all()) == [first]
