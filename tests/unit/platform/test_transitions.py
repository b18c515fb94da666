"""The transition door, proved on the organisation admin's approval of a holiday schedule."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from freezegun import freeze_time

from cases.models import (
    AuditAction,
    AuditEvent,
    Deadline,
    DeadlineState,
    DisputeCase,
    DisputeStatus,
    Document,
    HolidaySchedule,
    ScheduleStatus,
)
from cases.models.actors import system
from cases.platform import transitions
from cases.platform.deadlines import open_deadline
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.platform.transitions import StaleCase, TransitionRefused, apply, available_transitions
from cases.rules import deadlines as clocks
from notifications.models import Notification
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case

pytestmark = pytest.mark.django_db

NEW_YEARS_DAY_2027 = [
    ScheduleEntry(date(2027, 1, 1), "holiday", "元旦"),
    ScheduleEntry(date(2027, 1, 4), "holiday", "元旦"),
    ScheduleEntry(date(2027, 1, 9), "workday", "元旦调休"),
]


def new_years_day_in(year):
    return [ScheduleEntry(entry.date.replace(year=year), entry.kind, entry.name) for entry in NEW_YEARS_DAY_2027]


@pytest.fixture
def schedule(orgs, people):
    return propose_schedule(year=2027, entries=NEW_YEARS_DAY_2027, organisation=orgs["bj"], by=people["admin"],
                            source="国务院办公厅关于2027年部分节假日安排的通知")


def review_clock(schedule):
    return Deadline.objects.for_subject(schedule).get(clock="calendar.schedule_review")


def test_proposing_a_schedule_opens_its_review_clock(orgs, people):
    with freeze_time(at("2026-11-09", 10)):  # a Monday
        proposed = propose_schedule(year=2027, entries=NEW_YEARS_DAY_2027, organisation=orgs["bj"], by=people["admin"])
    deadline = review_clock(proposed)
    assert deadline.state == DeadlineState.OPEN
    # Three working days, the day of proposal not counted: Tuesday, Wednesday, Thursday.
    assert (deadline.starts_on, deadline.due_on) == (date(2026, 11, 9), date(2026, 11, 12))


def test_approval_moves_status_meets_the_clock_journals_documents_and_notifies(
    schedule, people, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(schedule, "approve", by=people["admin2"], reason="与国务院通知核对一致")

    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.APPROVED
    assert schedule.decided_by == people["admin2"]
    assert review_clock(schedule).state == DeadlineState.MET

    event = outcome.event
    assert (event.action, event.name, event.from_state, event.to_state) == (
        AuditAction.TRANSITION, "approve", ScheduleStatus.PROPOSED, ScheduleStatus.APPROVED)
    assert event.actor == people["admin2"] and event.reason == "与国务院通知核对一致"
    assert event.data["deadlines"]["met"] == ["calendar.schedule_review"]

    document = Document.objects.get(transition_event=event)
    assert document.kind == "holiday_schedule_decision" and document.subject == schedule
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_ISSUED, data__sha256=document.sha256).exists()

    notice = Notification.objects.get(recipient=people["admin"], kind="holiday_schedule_decided")
    assert "已生效" in notice.title


def test_approving_an_official_schedule_moves_provisional_deadlines_and_tells_the_assignee(
    orgs, people, schedule, django_capture_on_commit_callbacks,
):
    # A clock opened before 2027's schedule was known: 3 working days after Wed 2026-12-30.
    waiting = propose_schedule(year=2028, entries=new_years_day_in(2028), organisation=orgs["hd"], by=system("test"))
    pending = open_deadline(rule=clocks.clock("dispute.acceptance"), subject=waiting,
                            organisation=orgs["hd"], starts_on=date(2026, 12, 30), assignee=people["mediator"])
    assert (pending.due_on, pending.provisional) == (date(2027, 1, 5), True)

    with django_capture_on_commit_callbacks(execute=True):
        apply(schedule, "approve", by=people["admin2"])

    pending.refresh_from_db()
    # 2027-01-04 is now a holiday: Thu 12-31, Tue 01-05, Wed 01-06.
    assert (pending.due_on, pending.provisional) == (date(2027, 1, 6), False)
    moved = Notification.objects.get(recipient=people["mediator"], kind="deadline_moved")
    assert "2027年1月5日" in moved.body and "2027年1月6日" in moved.body


@pytest.mark.parametrize("who, message", [
    ("mediator", "不在您所属组织的范围内"),
    ("auditor", "不在您所属组织的范围内"),
    ("admin", "不能审批自己录入"),
])
def test_the_door_refuses_people_without_the_right(schedule, people, who, message):
    with pytest.raises(PermissionDenied, match=message):
        apply(schedule, "approve", by=people[who])
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.PROPOSED
    assert not AuditEvent.objects.filter(name="approve").exists()


def test_in_scope_only_an_admin_may_decide_and_an_auditor_never_acts(orgs, people):
    local = propose_schedule(year=2029, entries=new_years_day_in(2029), organisation=orgs["hd"], by=system("test"))
    with pytest.raises(PermissionDenied, match="只有组织管理员"):
        apply(local, "approve", by=people["caseworker"])
    with pytest.raises(PermissionDenied, match="审计员只能查阅"):
        apply(local, "approve", by=people["auditor"])


def test_a_second_approver_with_a_stale_copy_gets_a_clear_message(schedule, people, make_user, orgs):
    third_admin = make_user("bj_admin3", orgs["bj"], "org_admin")
    stale = HolidaySchedule.objects.get(pk=schedule.pk)
    apply(schedule, "approve", by=people["admin2"])
    with pytest.raises(StaleCase, match="已被他人处理"):
        apply(stale, "reject", by=third_admin, reason="重复")
    assert AuditEvent.objects.filter(name__in=["approve", "reject"]).count() == 1


def test_guarantee_a_stale_copy_is_refused_even_when_its_action_is_still_allowed(orgs, people):
    """Withdrawal is allowed from every open state, so only the stale-copy check stops a
    withdrawal decided on a copy read before the case was accepted."""
    with freeze_time(at("2026-11-02", 10), tick=True):
        case = register_case(orgs, people, date(2026, 11, 2))
        consent_recorded(case, people["mediator"])
        stale = DisputeCase.objects.get(pk=case.pk)
        apply(case, "accept", by=people["lead"])

        with pytest.raises(StaleCase, match="已被他人处理，请刷新页面后查看最新状态"):
            apply(stale, "withdraw", by=people["mediator"], reason="申请人书面撤回")
        assert DisputeCase.objects.get(pk=case.pk).status == DisputeStatus.ACCEPTED
        assert not AuditEvent.objects.filter(subject_id=str(case.pk), name="withdraw").exists()

        fresh = DisputeCase.objects.get(pk=case.pk)  # the same withdrawal on a fresh copy goes through
        assert apply(fresh, "withdraw", by=people["mediator"], reason="申请人书面撤回").to_state == DisputeStatus.WITHDRAWN


def test_a_legal_condition_refuses_with_its_reason(orgs, people, schedule):
    apply(schedule, "approve", by=people["admin2"])
    second = propose_schedule(year=2027, entries=NEW_YEARS_DAY_2027, organisation=orgs["bj"], by=system("test"))
    with pytest.raises(TransitionRefused, match="该年度已有生效的节假日安排"):
        apply(second, "approve", by=people["admin2"])


def test_rejection_requires_a_reason(schedule, people):
    with pytest.raises(ValidationError, match="请填写理由"):
        apply(schedule, "reject", by=people["admin2"], reason="  ")


def test_no_transition_from_a_final_state(schedule, people):
    apply(schedule, "reject", by=people["admin2"], reason="日期有误")
    schedule.refresh_from_db()
    with pytest.raises(TransitionRefused, match="当前状态下不能执行"):
        apply(schedule, "approve", by=people["admin2"])


@pytest.mark.parametrize("failing_step", ["cases.platform.transitions.append_event",
                                          "cases.platform.deadlines.clocks.close_deadlines",
                                          "cases.platform.transitions._schedule_side_effects"])
def test_the_door_rolls_everything_back_when_any_step_fails(
    schedule, people, monkeypatch, failing_step, django_capture_on_commit_callbacks,
):
    events_before = AuditEvent.objects.count()

    def fail(*args, **kwargs):
        raise RuntimeError("step failed")

    monkeypatch.setattr(failing_step, fail)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        apply(schedule, "approve", by=people["admin2"])

    assert HolidaySchedule.objects.get(pk=schedule.pk).status == ScheduleStatus.PROPOSED
    assert review_clock(schedule).state == DeadlineState.OPEN
    assert AuditEvent.objects.count() == events_before
    assert callbacks == [] and not Document.objects.exists()


def test_actions_offered_are_exactly_those_the_user_may_take(schedule, people):
    assert {spec.name for spec in available_transitions(schedule, people["admin2"])} == {"approve", "reject"}
    assert available_transitions(schedule, people["admin"]) == []
    assert available_transitions(schedule, people["mediator"]) == []


def test_the_system_acts_under_its_own_name(schedule):
    outcome = transitions.apply(schedule, "approve", by=system("load_holiday_schedule"))
    assert outcome.event.actor is None and outcome.event.actor_label == "system:load_holiday_schedule"


def test_refreshing_a_case_never_unprotects_the_status_for_other_threads(schedule, people):
    """django-fsm's own refresh_from_db switches the class-wide `protected` flag off while it
    reloads, so a second thread refreshing at that moment is refused (seen on PostgreSQL with
    twenty payments at once). Ours must keep the field protected throughout."""
    from django.db.models.signals import post_init

    status_field = HolidaySchedule._meta.get_field("status")
    seen_while_reloading = []

    def note_protection(sender, instance, **kwargs):
        seen_while_reloading.append(status_field.protected)

    apply(schedule, "approve", by=people["admin2"])  # moves the stored status on
    stale = HolidaySchedule.objects.get(pk=schedule.pk)
    post_init.connect(note_protection, sender=HolidaySchedule)
    try:
        schedule.refresh_from_db()
    finally:
        post_init.disconnect(note_protection, sender=HolidaySchedule)

    assert seen_while_reloading and all(seen_while_reloading)
    assert schedule.status == stale.status == ScheduleStatus.APPROVED
    with pytest.raises(AttributeError, match="Direct status modification"):
        schedule.status = ScheduleStatus.REJECTED


def propose_in(year, orgs, people):
    return propose_schedule(year=year, entries=new_years_day_in(year), organisation=orgs["bj"], by=people["admin"])


def comparable(event):
    return (event.actor, event.name, event.from_state, event.to_state, event.data)


def test_many_subjects_through_the_door_at_once_get_what_each_would_alone(
    orgs, people, django_capture_on_commit_callbacks,
):
    alone, first, second = (propose_in(year, orgs, people) for year in (2027, 2028, 2029))
    apply(alone, "approve", by=people["admin2"], data={})
    saved_as_updates = []

    def note_save(sender, instance, created, **kwargs):
        saved_as_updates.append((instance.pk, created))

    post_save.connect(note_save, sender=HolidaySchedule)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = transitions.apply_to_each([first, second], "approve", by=people["admin2"], data=[{}, {}])
    finally:
        post_save.disconnect(note_save, sender=HolidaySchedule)

    assert first.status == second.status == ScheduleStatus.APPROVED  # the callers' copies too
    reference = comparable(AuditEvent.objects.get(name="approve", subject_id=str(alone.pk)))
    for schedule, outcome in zip([first, second], outcomes, strict=True):
        stored = HolidaySchedule.objects.get(pk=schedule.pk)
        assert (stored.status, stored.decided_by) == (ScheduleStatus.APPROVED, people["admin2"])
        assert review_clock(schedule).state == DeadlineState.MET
        event = AuditEvent.objects.get(pk=outcome.event.pk)
        assert comparable(event) == reference
        assert Document.objects.get(transition_event=event).subject == schedule
        assert list(schedule.history.values_list("history_type", "status")) == [
            ("~", ScheduleStatus.APPROVED), ("+", ScheduleStatus.PROPOSED)]
    assert saved_as_updates == [(first.pk, False), (second.pk, False)]  # save()'s receivers ran, once each
    notices = Notification.objects.filter(recipient=people["admin"], kind="holiday_schedule_decided")
    assert sorted(notices.values_list("title", flat=True)) == ["2028年节假日安排：已生效", "2029年节假日安排：已生效"]


def test_many_at_once_are_refused_together_when_any_one_is(orgs, people):
    fine = propose_in(2027, orgs, people)
    own = propose_schedule(year=2028, entries=new_years_day_in(2028), organisation=orgs["bj"], by=people["admin2"])
    events_before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="不能审批自己录入"), transaction.atomic():
        transitions.apply_to_each([fine, own], "approve", by=people["admin2"], data=[{}, {}])
    assert set(HolidaySchedule.objects.values_list("status", flat=True)) == {ScheduleStatus.PROPOSED}
    assert review_clock(fine).state == DeadlineState.OPEN and AuditEvent.objects.count() == events_before


def test_many_at_once_refuse_a_stale_copy(orgs, people):
    first, second = propose_in(2027, orgs, people), propose_in(2028, orgs, people)
    stale = HolidaySchedule.objects.get(pk=second.pk)
    apply(second, "reject", by=people["admin2"], reason="日期有误")
    with pytest.raises(StaleCase), transaction.atomic():
        transitions.apply_to_each([first, stale], "approve", by=people["admin2"], data=[{}, {}])
    assert HolidaySchedule.objects.get(pk=first.pk).status == ScheduleStatus.PROPOSED
