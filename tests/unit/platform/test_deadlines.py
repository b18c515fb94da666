"""Legal clocks: warnings and breaches fire once, extensions stay within the rule."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.models import AuditAction, AuditEvent, DeadlineState
from cases.models.actors import system
from cases.platform.deadlines import check_deadlines, extend_deadline, open_deadline
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.rules import deadlines as clocks
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject(orgs):
    return propose_schedule(year=2026, entries=[ScheduleEntry(date(2026, 10, 1), "holiday", "国庆节")],
                            organisation=orgs["hd"], by=system("test"))


def acceptance_clock_for(subject, orgs, assignee, starts_on=date(2026, 9, 30)):
    # The acceptance clock's rule (3 working days, warn on the last) on a stand-in subject.
    return open_deadline(rule=clocks.clock("dispute.acceptance"), subject=subject, organisation=orgs["hd_ent"],
                         starts_on=starts_on, assignee=assignee)


def test_every_clock_cites_its_rule_and_the_30_day_rule_is_gone():
    for rule in clocks.CLOCKS.values():
        assert str(rule.citation).strip(), rule.code
    assert clocks.clock("dispute.mediation").days == 15
    assert clocks.clock("dispute.acceptance").unit is clocks.DayUnit.WORKING


def test_acceptance_due_date_follows_national_day_make_up_workdays(subject, orgs, people):
    deadline = acceptance_clock_for(subject, orgs, people["mediator"])
    assert deadline.due_on == date(2026, 10, 10)
    assert not deadline.provisional


def test_warning_fires_on_the_last_day_once(subject, orgs, people):
    deadline = acceptance_clock_for(subject, orgs, people["mediator"])
    assert check_deadlines(today=date(2026, 10, 9)).warned == 0
    assert check_deadlines(today=date(2026, 10, 10)).warned == 1
    assert check_deadlines(today=date(2026, 10, 10)).warned == 0
    deadline.refresh_from_db()
    assert deadline.warnings_sent == [3]
    notice = Notification.objects.get(recipient=people["mediator"], kind="deadline_warning")
    assert "受理审查期限" in notice.title and "2026年10月10日" in notice.title


def test_breach_closes_the_clock_journals_it_and_escalates_to_the_lead_once(subject, orgs, people):
    deadline = acceptance_clock_for(subject, orgs, people["mediator"])
    assert check_deadlines(today=date(2026, 10, 11)).breached == 1
    assert check_deadlines(today=date(2026, 10, 12)).breached == 0
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.BREACHED
    assert AuditEvent.objects.filter(action=AuditAction.DEADLINE, name="breach").count() == 1
    told = set(Notification.objects.filter(kind="deadline_breached").values_list("recipient__username", flat=True))
    assert told == {"hd_mediator", "hd_lead"}


def test_mediation_period_extends_by_any_length_both_parties_agree_as_often_as_they_agree(subject, orgs, people):
    deadline = open_deadline(rule=clocks.clock("dispute.mediation"), subject=subject,
                             organisation=orgs["hd_ent"], starts_on=date(2026, 9, 1))
    assert deadline.due_on == date(2026, 9, 16)
    with pytest.raises(ValidationError, match="延期理由"):
        extend_deadline(deadline=deadline, days=10, by=people["lead"], reason="")
    extend_deadline(deadline=deadline, days=20, by=people["lead"], reason="双方当事人书面同意延期")
    # 2026-09-01 + 35 days is Tuesday 2026-10-06, inside the National Day holiday: the period
    # ends on the first working day after it (民法典第二百零三条).
    assert (deadline.due_on, deadline.state, deadline.extended_days) == (date(2026, 10, 8), DeadlineState.EXTENDED, 20)
    extend_deadline(deadline=deadline, days=30, by=people["lead"], reason="双方当事人再次同意延期")
    assert (deadline.due_on, deadline.extensions, deadline.extended_days) == (date(2026, 11, 5), 2, 50)


def test_arbitration_award_period_still_extends_once_by_at_most_fifteen_days(subject, orgs, people):
    deadline = open_deadline(rule=clocks.clock("arbitration.award"), subject=subject,
                             organisation=orgs["hd_ent"], starts_on=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="1至15天"):
        extend_deadline(deadline=deadline, days=16, by=people["lead"], reason="经批准延期")
    extend_deadline(deadline=deadline, days=15, by=people["lead"], reason="经批准延期")
    with pytest.raises(ValidationError, match="不允许再延期"):
        extend_deadline(deadline=deadline, days=1, by=people["lead"], reason="再次延期")


def test_extension_moves_warnings_with_the_due_date(subject, orgs, people):
    deadline = open_deadline(rule=clocks.clock("dispute.mediation"), subject=subject,
                             organisation=orgs["hd_ent"], starts_on=date(2026, 9, 1), assignee=people["mediator"])
    extend_deadline(deadline=deadline, days=10, by=people["lead"], reason="双方当事人书面同意延期")
    # Day 10 of the clock now falls 5 days before the new due date, 2026-09-21.
    assert check_deadlines(today=date(2026, 9, 20)).warned == 0
    assert check_deadlines(today=date(2026, 9, 21)).warned == 1


def test_a_non_extendable_clock_refuses_extension(subject, orgs, people):
    deadline = acceptance_clock_for(subject, orgs, people["mediator"])
    with pytest.raises(ValidationError, match="受理审查期限不能延期"):
        extend_deadline(deadline=deadline, days=1, by=people["lead"], reason="申请延期")


def test_an_instalment_is_reminded_three_days_before_and_on_its_due_date_once_each(subject, orgs, people):
    instalment = open_deadline(rule=clocks.clock("dispute.instalment"), subject=subject, organisation=orgs["hd_ent"],
                               starts_on=date(2026, 11, 1), due_on=date(2026, 11, 30), assignee=people["mediator"])

    def reminders_after_sweep(day):
        check_deadlines(today=day)
        instalment.refresh_from_db()
        return sorted(instalment.warnings_sent)

    assert reminders_after_sweep(date(2026, 11, 26)) == []
    assert reminders_after_sweep(date(2026, 11, 27)) == [-3]
    assert reminders_after_sweep(date(2026, 11, 28)) == [-3]
    assert reminders_after_sweep(date(2026, 11, 30)) == [-3, 0]
    assert reminders_after_sweep(date(2026, 11, 30)) == [-3, 0]
    assert Notification.objects.filter(recipient=people["mediator"], kind="deadline_warning").count() == 2
    check_deadlines(today=date(2026, 12, 1))
    instalment.refresh_from_db()
    assert instalment.state == DeadlineState.BREACHED


def test_a_second_running_clock_of_one_rule_on_a_subject_is_refused(subject, orgs, people):
    acceptance_clock_for(subject, orgs, people["mediator"])
    with pytest.raises(ValidationError, match="该事项已有同一种进行中的时限"):
        acceptance_clock_for(subject, orgs, people["mediator"])
