"""Property: whatever permitted actions are taken, in whatever order, the case's legal status
and its flow's open work agree after every step.

Each example registers a fresh case and starts its flow, then draws actions from what is
available at that moment: claiming an unclaimed task (as the mediator or the lead), completing
the open task with any of its outcomes, the in-task actions that make outcomes possible
(signatures in Art.14's order, the signed original's scan, payments in full or in part), a
withdrawal through the door from outside the flow, and the deadline sweep deeming mediation
failed once its clock has run out.
A refused action (an agreement not yet signed, performance not yet complete, a missing
reason) must leave both the status and the open tasks exactly as they were.

After every step, too, the queues' stored rows (workflows/dispute/queue_entries.py) equal what
they are derived from: the open tasks and the case's nearest clock. Releasing a claimed task,
extending the mediation period and the sweep after an instalment's due date are drawn as well,
since they move those rows. So do the dispute figures' running totals (cases/statistics/rollup.py):
after every step they equal the recount from the cases (what `manage.py reconcile_stats` checks).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings, strategies as st
from viewflow.workflow.status import PROCESS, STATUS

from cases.models import Deadline, DisputeStatus
from cases.models.dispute.consent import respondent_consent
from cases.models.dispute.states import OPEN_STATES
from cases.platform.deadlines import check_deadlines, extend_deadline
from cases.platform.transitions import apply
from cases.statistics import recount
from tests.consent import consent_recorded_in_task
from tests.dispute_cases import signed_original_uploaded_in_task
from workflows.dispute import queue_entries
from workflows.dispute.flow import MEDIATOR_TASKS, claim_task, complete_task, start_dispute_flow, take_action

from .test_dispute_flow import make_case

S = DisputeStatus
# What the flow must have open for each legal status.
EXPECTED_OPEN = {
    S.REGISTERED: ["decide_acceptance"],
    S.ACCEPTED: ["assign_mediator"],
    S.IN_MEDIATION: ["mediate"],
    S.AGREEMENT_SIGNING: ["sign_agreement"],
    S.PERFORMING: ["supervise_performance"],
    S.REJECTED: ["close_case"], S.FAILED: ["close_case"], S.WITHDRAWN: ["close_case"],
    S.PERFORMED: ["close_case"], S.REFERRED: ["close_case"],
    S.CLOSED: ["archive_case"],
    S.ARCHIVED: [],
}
REASON = "经核实记录在案"


def open_tasks(process):
    return list(process.task_set.filter(finished__isnull=True).order_by("pk"))


def state_of(case, process):
    case.refresh_from_db()
    process.refresh_from_db()
    return case.status, [task.flow_task.name for task in open_tasks(process)]


def assert_in_agreement(case, process):
    status, names = state_of(case, process)
    assert names == EXPECTED_OPEN[status], (status, names)
    assert not process.task_set.filter(status=STATUS.ERROR).exists()
    assert (process.status == PROCESS.DONE) == (status == S.ARCHIVED)
    assert process.status != PROCESS.CANCELED
    for task in open_tasks(process):
        if task.flow_task.name in MEDIATOR_TASKS:  # the mediator's own work follows the case
            assert task.owner_id == case.mediator_id and task.status == STATUS.ASSIGNED


def release(task, by):
    with task.activation() as activation:
        if not activation.flow_task.can_unassign(by, activation.task):
            raise PermissionDenied("not releasable")
        activation.unassign()


def clock_candidates(case, people):
    """Changes to the case's clocks that leave its status alone (or end it, for the sweep)."""
    found = []
    mediation = Deadline.objects.for_subject(case).active().filter(clock="dispute.mediation").first()
    if mediation is not None:
        found.append(("the sweep after the mediation period",
                      lambda due=mediation.due_on: check_deadlines(today=due + timedelta(days=1)), True))
        found.append(("extend the mediation period", lambda clock=mediation: extend_deadline(
            deadline=clock, days=10, by=people["lead"], reason="双方同意延期调解"), False))
    instalment_clocks = Deadline.objects.filter(
        subject_type__model="instalment", subject_id__in=[str(pk) for pk in _instalment_ids(case)],
    ).active().order_by("due_on")
    for clock in instalment_clocks[:1]:
        found.append(("the sweep after an instalment's due date",
                      lambda due=clock.due_on: check_deadlines(today=due + timedelta(days=1)), False))
    return found


def _instalment_ids(case):
    agreement = getattr(case, "agreement", None)
    return list(agreement.instalments.values_list("pk", flat=True)) if agreement else []


def outcome_data(case, outcome, person, people):
    today = timezone.localdate()
    if outcome == "assign":
        chosen = person if person == people["mediator"] else people["mediator"]
        return {"data": {"mediator": chosen}}
    if outcome == "draft_agreement":
        return {"data": {
            "terms": "被申请人分两期支付拖欠工资。", "awards": {case.claims.get().pk: Decimal("23196.00")},
            "instalments": [(today + timedelta(days=10), Decimal("20000.00")),
                            (today + timedelta(days=40), Decimal("3196.00"))]}}
    if outcome == "fail":  # before any session held, the ground is recorded (issue 16, point 6)
        return {"reason": REASON, "data": {"no_session_ground": "consent_withdrawn"}}
    if outcome == "reject":
        return {"reason": REASON, "data": {"rejection_ground": "other_party_refuses"}}
    if outcome == "refer":  # no instalment is overdue yet: the obligor's refusal is recorded (issue 16, point 5)
        return {"reason": REASON, "data": {"refused_on": today, "refusal_note": "书面函件"}}
    if outcome == "withdraw":
        return {"reason": REASON}
    return {}


ENDINGS = ("reject", "fail", "withdraw", "refer")


def candidates(case, process, people):
    """Every action available now, as (label, thunk, ends): `ends` when it ends the case short
    of performance (so the test can draw those less often and still reach the later stages)."""
    found = []
    for task in open_tasks(process):
        flow_task = task.flow_task
        if task.status == STATUS.NEW and task.owner_id is None:
            for who in ("mediator", "lead"):
                found.append((f"claim {flow_task.name} as {who}",
                              lambda task=task, who=who: claim_task(task, people[who]), False))
        if task.status == STATUS.ASSIGNED:
            owner = task.owner
            if flow_task.can_unassign(owner, task):
                found.append((f"release {flow_task.name}", lambda task=task, owner=owner: release(task, owner), False))
            for outcome in flow_task.outcomes:
                kwargs = outcome_data(case, outcome, owner, people)
                found.append((f"{flow_task.name} → {outcome}",
                              lambda task=task, outcome=outcome, owner=owner, kwargs=kwargs:
                              complete_task(task, by=owner, transition=outcome, **kwargs), outcome in ENDINGS))
            if "record_consent" in flow_task.actions and respondent_consent(case) is None:
                found.append(("record the respondent's consent", lambda task=task, owner=owner:
                              consent_recorded_in_task(task, owner), False))
            if "record_signature" in flow_task.actions and case.agreement.missing_signatures():
                signatory = case.agreement.missing_signatures()[0]
                found.append((f"sign as {signatory}", lambda task=task, owner=owner, signatory=signatory:
                              take_action(task, by=owner, action="record_signature",
                                          data={"signatory": signatory}), False))
            if ("upload_signed_original" in flow_task.actions and not case.agreement.missing_signatures()
                    and not case.agreement.signed_originals.exists()):
                found.append(("upload the signed original", lambda task=task, owner=owner:
                              signed_original_uploaded_in_task(task, owner), False))
            if "record_payment" in flow_task.actions:
                unpaid = [i for i in case.agreement.instalments.all() if i.outstanding > 0]
                for instalment in unpaid[:1]:
                    for share in (instalment.outstanding, (instalment.outstanding / 2).quantize(Decimal("0.01"))):
                        found.append((f"pay {share} of instalment {instalment.number}",
                                      lambda task=task, owner=owner, instalment=instalment, share=share:
                                      take_action(task, by=owner, action="record_payment", data={
                                          "instalment": instalment, "amount": share,
                                          "paid_on": timezone.localdate(), "receipt_number": "R-1"}), False))
    if case.status in OPEN_STATES:
        found.append(("withdraw from the case page",
                      lambda: apply(case, "withdraw", by=people["lead"], reason="申请人书面撤回"), True))
        found.extend(clock_candidates(case, people))
    return found


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_the_legal_status_and_the_open_flow_tasks_always_agree(orgs, people, data):
    case = make_case(orgs["hd_ent"])
    process = start_dispute_flow(case, by=people["mediator"])
    assert_in_agreement(case, process)
    visited = [case.status]
    patience = data.draw(st.integers(0, 30), label="patience")
    for step in range(60):
        choices = candidates(case, process, people)
        if not choices:
            break
        onward = [c for c in choices if not c[2]]
        # Before `patience` steps have passed only onward actions are drawn (when there are any),
        # so that examples also get through signing and performance; after, anything.
        pool = onward if onward and step < patience else choices
        label, action, _ends = data.draw(st.sampled_from(pool), label="action")
        before = state_of(case, process)
        try:
            action()
        except (ValidationError, PermissionDenied):
            assert state_of(case, process) == before, label  # a refusal changes nothing
        case.refresh_from_db()
        assert_in_agreement(case, process)
        assert queue_entries.differences() == [], label
        assert recount.differences([org.pk for org in orgs.values()]) == [], label
        if case.status != visited[-1]:
            visited.append(case.status)
    # --hypothesis-show-statistics: which paths the examples took
    event(" → ".join(visited))
    if case.status == S.ARCHIVED:
        assert candidates(case, process, people) == []
