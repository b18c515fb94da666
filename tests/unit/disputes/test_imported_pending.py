"""Issue 16, point 14: imported pending cases join the flow where they were, their clocks run from
the historical dates (already breached ones flagged as imported), and an empty claim_type in
import_disputes imports as 未注明 and counts under its own row."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from cases.disputes.imports import import_disputes
from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import AuditEvent, Deadline, DeadlineState, DisputeCase, DisputeStatus
from cases.platform.audit.journal import verify_chain
from cases.platform.deadlines import check_deadlines
from cases.selectors import open_deadlines
from cases.statistics.disputes import dispute_figures
from cases.statistics.period import Period
from notifications.models import Delivery, Notification
from tests.consent import consent_recorded_in_task
from tests.dispute_cases import at
from tests.unit.disputes.test_import import resident_id, row, write_csv
from workflows.dispute.flow import DisputeFlow, claim_task, complete_task
from workflows.dispute.page_forms import ClaimForm
from workflows.dispute.views import claimable_tasks

pytestmark = pytest.mark.django_db

# Received on Tuesday 1 September 2026, still pending when the federation imports it on 20 October.
REGISTERED = row(case_no="BJ-HD-ZGC-2026-0101", received_on="2026-09-01", accepted_on="", outcome="pending",
                 agreement_effective_on="", awarded_yuan="", paid_yuan="")
ACCEPTED = row(case_no="BJ-HD-ZGC-2026-0102", received_on="2026-09-01", accepted_on="2026-09-03", outcome="pending",
               worker_name="李娜", worker_id_number=resident_id(2), agreement_effective_on="", awarded_yuan="",
               paid_yuan="")
# Received the day before the import: its acceptance review is still in time.
RECENT = row(case_no="BJ-HD-ZGC-2026-0103", received_on="2026-10-19", accepted_on="", outcome="pending",
             worker_name="王芳", worker_id_number=resident_id(3), agreement_effective_on="", awarded_yuan="",
             paid_yuan="")
FAILED = row(case_no="BJ-HD-ZGC-2026-0104", received_on="2026-09-01", accepted_on="2026-09-03", outcome="failed",
             worker_name="赵强", worker_id_number=resident_id(4), agreement_effective_on="", awarded_yuan="",
             paid_yuan="")


@pytest.fixture
def imported(orgs, tmp_path):
    with freeze_time(at("2026-10-20")):
        result = import_disputes(write_csv(tmp_path / "pending.csv", [REGISTERED, ACCEPTED, RECENT, FAILED]))
    assert (result.imported, result.errors) == (4, [])
    return {number: DisputeCase.objects.get(number=number) for number in
            ("BJ-HD-ZGC-2026-0101", "BJ-HD-ZGC-2026-0102", "BJ-HD-ZGC-2026-0103", "BJ-HD-ZGC-2026-0104")}


def open_tasks(case) -> list[Task]:
    return list(Task.objects.filter(process__disputeprocess__case=case,
                                    status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)))


def clocks(case) -> dict[str, tuple]:
    return {d.clock: (d.starts_on, d.due_on, d.state, d.imported, d.closed_at is None)
            for d in Deadline.objects.for_subject(case)}


def test_point_14_a_case_imported_as_registered_waits_in_acceptance_review(imported, people):
    case = imported["BJ-HD-ZGC-2026-0101"]

    assert case.status == DisputeStatus.REGISTERED
    [task] = open_tasks(case)
    assert (task.flow_task, task.status, task.owner) == (DisputeFlow.decide_acceptance, STATUS.NEW, None)
    # In the organisation's queue, for its mediators and leads; not in another district's.
    assert task in claimable_tasks(people["mediator"])
    assert task in claimable_tasks(people["lead"])
    assert task not in claimable_tasks(people["cy_mediator"])
    # The route it took: the import's own start, then the switch on the imported status.
    route = list(Task.objects.filter(process=task.process).order_by("pk").values_list("flow_task", flat=True))
    assert route == [DisputeFlow.start_imported, DisputeFlow.route_imported, DisputeFlow.decide_acceptance]


def test_point_14_a_case_imported_as_accepted_waits_for_assignment(imported, people):
    case = imported["BJ-HD-ZGC-2026-0102"]

    assert (case.status, case.accepted_on) == (DisputeStatus.ACCEPTED, date(2026, 9, 3))
    [task] = open_tasks(case)
    assert (task.flow_task, task.status, task.owner) == (DisputeFlow.assign_mediator, STATUS.NEW, None)
    assert task in claimable_tasks(people["lead"])


def test_point_14_a_case_imported_in_a_final_state_gets_no_flow_and_no_clock(imported):
    case = imported["BJ-HD-ZGC-2026-0104"]

    assert case.status == DisputeStatus.FAILED
    assert not Process.objects.filter(disputeprocess__case=case).exists()
    assert clocks(case) == {}


def test_point_14_the_clocks_open_from_the_historical_dates_and_past_ones_are_breached_at_once(imported):
    registered, accepted = imported["BJ-HD-ZGC-2026-0101"], imported["BJ-HD-ZGC-2026-0102"]

    # Received Tue 1 Sep: three working days end Fri 4 Sep; fifteen days end Wed 16 Sep.
    # (state, flagged imported, still unclosed: the step it timed is still to be taken)
    assert clocks(registered) == {
        "dispute.acceptance": (date(2026, 9, 1), date(2026, 9, 4), DeadlineState.BREACHED, True, True),
        "dispute.arbitration_right": (date(2026, 9, 1), date(2026, 9, 16), DeadlineState.MET, True, False),
    }
    # Accepted Thu 3 Sep: the mediation period's fifteen days end Fri 18 Sep.
    assert clocks(accepted) == {
        "dispute.mediation": (date(2026, 9, 3), date(2026, 9, 18), DeadlineState.BREACHED, True, True),
        "dispute.arbitration_right": (date(2026, 9, 1), date(2026, 9, 16), DeadlineState.MET, True, False),
    }
    # Breached as history: the mediation is not deemed failed, nobody is sent anything, and
    # the next sweep finds nothing to do.
    accepted.refresh_from_db()
    assert accepted.status == DisputeStatus.ACCEPTED
    assert Notification.objects.count() == Delivery.objects.count() == 0
    with freeze_time(at("2026-10-21", 1)):
        assert check_deadlines(today=date(2026, 10, 21)).breached == 0
    accepted.refresh_from_db()
    assert accepted.status == DisputeStatus.ACCEPTED


def test_point_14_a_clock_still_in_time_runs_on_flagged_as_imported(imported):
    recent = imported["BJ-HD-ZGC-2026-0103"]

    # Received Mon 19 Oct, imported Tue 20 Oct: due Thu 22 Oct and Tue 3 Nov, both still running.
    assert clocks(recent) == {
        "dispute.acceptance": (date(2026, 10, 19), date(2026, 10, 22), DeadlineState.OPEN, True, True),
        "dispute.arbitration_right": (date(2026, 10, 19), date(2026, 11, 3), DeadlineState.OPEN, True, True),
    }


def test_point_14_the_import_is_journalled_with_where_the_case_waits_and_what_was_breached(imported):
    case = imported["BJ-HD-ZGC-2026-0101"]

    event = AuditEvent.objects.for_subject(case).get(name="import_history")
    assert event.data["imported"] is True
    assert event.data["deadlines"]["breached_at_import"] == ["dispute.acceptance"]
    assert event.data["deadlines"]["elapsed_at_import"] == ["dispute.arbitration_right"]
    joined = event.data["effects"]["dispute_flow.start_imported"]
    assert (joined["task"], joined["task_title"]) == ("decide_acceptance", "受理审查")
    assert verify_chain().intact


def test_point_14_the_breach_shows_as_imported_on_the_case_page_and_in_the_queue(imported, people, client):
    case = imported["BJ-HD-ZGC-2026-0101"]
    client.force_login(people["mediator"])

    with freeze_time(at("2026-10-20", 15)):
        [shown] = open_deadlines(case)
        assert (shown.name, shown.due_on, shown.level, shown.imported) == (
            "受理审查期限", date(2026, 9, 4), "breached", True)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        queue = client.get("/dispute/queue/").content.decode()
        [task] = open_tasks(case)
        claim_task(task, people["mediator"])
        task_page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk])).content.decode()

    listed = page[page.index('id="case-deadlines"'):page.index("</div>", page.index('id="case-deadlines"'))]
    assert "受理审查期限：2026年9月4日届满，已超期46天" in listed and "历史导入" in listed
    assert "导入时已超期：受理审查期限（历史导入）" in page and "转入办理：受理审查" in page
    row_of_case = queue[queue.index("BJ-HD-ZGC-2026-0101"):]
    row_of_case = row_of_case[:row_of_case.index("</tr>")]
    assert "已超期" in row_of_case and "历史导入" in row_of_case
    assert "受理审查期限：2026年9月4日（已超期）（历史导入）" in task_page


def test_point_14_taking_the_step_closes_the_imported_breach_and_the_next_clock_is_live(imported, people):
    case = imported["BJ-HD-ZGC-2026-0101"]
    mediator = people["mediator"]

    with freeze_time(at("2026-10-21")):
        [task] = open_tasks(case)
        claim_task(task, mediator)
        consent_recorded_in_task(task, mediator)
        complete_task(task, by=mediator, transition="accept")

    case.refresh_from_db()
    assert case.status == DisputeStatus.ACCEPTED
    assert [t.flow_task for t in open_tasks(case)] == [DisputeFlow.assign_mediator]
    now = clocks(case)
    # Still breached, now closed: no longer shown where the case waits.
    assert now["dispute.acceptance"][2:] == (DeadlineState.BREACHED, True, False)
    # Accepted Wed 21 Oct: the live mediation period ends Thu 5 Nov, not flagged as imported.
    assert now["dispute.mediation"] == (date(2026, 10, 21), date(2026, 11, 5), DeadlineState.OPEN, False, True)
    with freeze_time(at("2026-10-21", 15)):
        assert [d.name for d in open_deadlines(case)] == ["调解期限"]


def test_point_14_an_empty_claim_type_imports_as_unspecified_and_counts_under_its_own_row(orgs, people, tmp_path,
                                                                                         client):
    from openpyxl import load_workbook

    rows = [row(claim_type=""),  # an agreement of 2023 whose matter the spreadsheet does not say
            row(case_no="BJ-HD-ZGC-2023-0008", worker_id_number=resident_id(2), claim_type="", outcome="failed",
                agreement_effective_on="", awarded_yuan="", paid_yuan="", claimed_yuan="3000"),
            row(case_no="BJ-HD-ZGC-2023-0009", worker_id_number=resident_id(3), claim_type="wage_arrears")]
    result = import_disputes(write_csv(tmp_path / "h.csv", rows))

    assert (result.imported, result.errors) == (3, [])
    claim = DisputeCase.objects.get(number="BJ-HD-ZGC-2023-0007").claims.get()
    assert (claim.claim_type, claim.get_claim_type_display()) == ("unspecified", "未注明")
    figures = dispute_figures(organisation=orgs["hd"], period=Period(date(2023, 1, 1), date(2023, 12, 31)))
    by_type = {r.label: (r.accepted_cases, r.claimed, r.successful_cases, r.recovered) for r in figures.by_claim_type}
    assert by_type == {
        "拖欠劳动报酬": (1, Decimal("12000.00"), 1, Decimal("10000.00")),
        "未注明": (2, Decimal("15000.00"), 1, Decimal("10000.00")),
    }
    client.force_login(people["auditor"])
    response = client.get(reverse("workbench:report_xlsx"), {"organisation": orgs["hd"].pk, "preset": "custom",
                                             "start": "2023-01-01", "end": "2023-12-31"})
    sheet = {r[0]: r[1:] for r in load_workbook(BytesIO(response.content))["按争议事项"].iter_rows(values_only=True)}
    assert sheet["未注明"][0] == 2


def test_point_14_registration_refuses_unspecified_and_the_form_does_not_offer_it(orgs, people):
    with pytest.raises(ValidationError) as refused:
        register_dispute(organisation=orgs["hd_street"], by=people["mediator"], channel="walk_in_written",
                         received_on=date.today(), facts="拖欠工资", worker=WorkerInput(name="赵六"),
                         employer=EmployerInput(name="某公司"),
                         claims=[ClaimInput(claim_type="unspecified", amount_claimed=Decimal("100"))])

    assert refused.value.message_dict["claims-0-claim_type"] == [
        "争议事项“未注明”只用于导入的历史案件（原始记录未载明）；登记申请时请选择申请人提出的具体争议事项。"]
    assert DisputeCase.objects.count() == 0
    offered = [value for value, _label in ClaimForm().fields["claim_type"].choices]
    assert "unspecified" not in offered and "wage_arrears" in offered
