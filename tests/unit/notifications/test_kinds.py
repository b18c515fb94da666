"""Each notification kind a transition or a clock produces: the right people get it, in Chinese,
linking back to the case or file; parties get SMS (the recording backend's SmsRecord) and legal
notices ignore opt-outs; the English rendering; the session reminder and the mediator's daily
digest with frozen time, each sent once however often its beat task runs."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation
from freezegun import freeze_time

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import AuditAction, AuditEvent, Channel, Deadline, HardshipStatus, Membership, Role
from cases.platform.deadlines import check_deadlines, open_deadline
from cases.platform.transitions import apply
from cases.rules import deadlines as clocks
from cases.rules.claims import ClaimType
from notifications.kinds.registry import RESOLVERS
from notifications.models import ContactOptOut, Delivery, Notification, SmsRecord
from notifications.reminders import send_daily_digests, send_session_reminders
from notifications.services import render_message
from tests.consent import consent_recorded_in_task
from tests.dispute_cases import signed_scan
from tests.hardship_fixtures import file_in_state, household_in_hardship
from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute, take_action

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = HardshipStatus
WORKER_PHONE, EMPLOYER_PHONE = "13800138000", "010-62345678"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a step and what its commit starts (notification tasks, deliveries: eager Celery)."""

    def _run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return _run


def received(kind, user):
    return Notification.objects.filter(kind=kind, recipient=user)


def the_one(kind, user) -> Notification:
    return received(kind, user).get()


def english(kind: str, subject) -> tuple[str, str]:
    """The message of `kind` for the subject's latest transition that lists it, rendered in English."""
    event = (AuditEvent.objects.for_subject(subject).filter(action=AuditAction.TRANSITION).order_by("-seq").first())
    notice = RESOLVERS[kind](event, subject)
    with translation.override("en"):
        return render_message(kind, {**notice.context, "recipient_name": "Wang"})


def sms_to(phone):
    return list(SmsRecord.objects.to_phone(phone).order_by("pk").values_list("text", flat=True))


# -- disputes ----------------------------------------------------------------------------------

def register(orgs, people):
    with freeze_time(at("2026-11-02", 9)):
        return open_dispute(
            organisation=orgs["hd_street"], by=people["lead"], channel=Channel.WALK_IN_WRITTEN,
            received_on=date(2026, 11, 2), received_at=at("2026-11-02", 9),
            facts="用人单位自2026年8月起拖欠工资，多次催要未果。",
            worker=WorkerInput(name="王秀英", resident_id="11010519491231002X", phone=WORKER_PHONE),
            employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43", contact_name="孙丽",
                                   contact_phone=EMPLOYER_PHONE),
            claims=[ClaimInput(claim_type=ClaimType.WAGE_ARREARS, amount_claimed=Decimal("23196.00"))],
        ).case


def the_task(case, name):
    return case.process.task_set.get(flow_task=getattr(DisputeFlow, name), finished__isnull=True)


def take(case, name, person, transition, **kwargs):
    task = the_task(case, name)
    if task.owner_id is None:
        claim_task(task, person)
    if transition == "accept":  # the respondent's consent first (Art.20)
        consent_recorded_in_task(task, person)
    complete_task(task, by=person, transition=transition, **kwargs)
    case.refresh_from_db()


def act(case, name, person, action, **kwargs):
    take_action(the_task(case, name), by=person, action=action, **kwargs)
    case.refresh_from_db()


@pytest.fixture
def case(orgs, people):
    return register(orgs, people)


def test_acceptance_is_a_legal_notice_by_sms_to_both_parties_and_in_app_to_the_registering_staff(
        case, people, run):
    ContactOptOut.objects.create(address=WORKER_PHONE, channel="sms")  # a legal notice goes out regardless
    with freeze_time(at("2026-11-03")):
        run(take, case, "decide_acceptance", people["lead"], "accept")
    notice = the_one("case_accepted", people["lead"])
    assert notice.title == f"受理通知：{case.number}"
    assert "中关村街道调解中心已于2026年11月3日受理王秀英与北京某科技有限公司的劳动争议调解申请" in notice.body
    assert notice.link == f"/cases/{case.pk}/"
    [to_worker], [to_employer] = sms_to(WORKER_PHONE), sms_to(EMPLOYER_PHONE)
    assert to_worker.startswith(f"受理通知：{case.number}") and "王秀英：" in to_worker
    for party_sms in (to_worker, to_employer):  # the public progress page, never the staff case page
        assert party_sms.endswith(f"http://localhost:8000/public/progress/?case={case.number}")
    assert "孙丽：" in to_employer
    assert set(Delivery.objects.filter(kind="case_accepted", channel="sms").values_list("legal_notice", flat=True)) == {True}
    assert not received("case_accepted", people["mediator"]).exists()
    title, body = english("case_accepted", case)
    assert title == f"Notice of acceptance: {case.number}"
    assert body.startswith("Wang: ") and "accepted the application for mediation" in body


def test_parties_with_a_recorded_email_get_the_acceptance_by_email_too(orgs, people, run):
    with freeze_time(at("2026-11-02", 9)):
        case = open_dispute(
            organisation=orgs["hd_street"], by=people["lead"], channel=Channel.WALK_IN_WRITTEN,
            received_on=date(2026, 11, 2), received_at=at("2026-11-02", 9), facts="拖欠工资。",
            worker=WorkerInput(name="王秀英", phone=WORKER_PHONE, email=" WangXY@Example.com "),
            employer=EmployerInput(name="北京某科技有限公司", contact_name="孙丽", contact_email="hr@example.cn"),
            claims=[ClaimInput(claim_type=ClaimType.WAGE_ARREARS, amount_claimed=Decimal("100.00"))],
        ).case
    assert (case.worker.email, case.employer.contact_email) == ("wangxy@example.com", "hr@example.cn")
    with freeze_time(at("2026-11-03")):
        run(take, case, "decide_acceptance", people["lead"], "accept")
    emails = Delivery.objects.filter(kind="case_accepted", channel="email")
    assert sorted(emails.values_list("address", "status", "legal_notice")) == [
        ("hr@example.cn", "sent", True), ("wangxy@example.com", "sent", True)]
    by_address = {parseaddr(message.to[0])[1]: message for message in mail.outbox}
    assert by_address["wangxy@example.com"].subject == f"受理通知：{case.number}"
    assert "王秀英：" in by_address["wangxy@example.com"].body and "孙丽：" in by_address["hr@example.cn"].body
    # The employer has no phone on record: its SMS is simply not addressed, never an error.
    assert not Delivery.objects.filter(kind="case_accepted", channel="sms", recipient_name="孙丽").exists()


def test_rejection_tells_the_parties_why_and_where_to_turn(case, people, run):
    with freeze_time(at("2026-11-03")):
        run(take, case, "decide_acceptance", people["lead"], "reject", reason="不属于劳动争议调解受理范围",
            data={"rejection_ground": "outside_remit"})
    notice = the_one("case_rejected", people["lead"])
    assert notice.title == f"不予受理通知：{case.number}" and "理由：不属于劳动争议调解受理范围" in notice.body
    assert notice.link == f"/cases/{case.pk}/"
    [to_worker] = sms_to(WORKER_PHONE)
    assert "劳动争议仲裁委员会申请仲裁" in to_worker and "不属于劳动争议调解受理范围" in to_worker
    title, body = english("case_rejected", case)
    assert title == f"Notice of non-acceptance: {case.number}" and "arbitration" in body


def test_the_parties_are_not_told_to_apply_for_arbitration_when_the_matter_is_not_a_labour_dispute(
        case, people, run):
    """Issue 16, point 4: the message follows the ground, as the notice does."""
    with freeze_time(at("2026-11-03")):
        run(take, case, "decide_acceptance", people["lead"], "reject", reason="申请事项为民间借贷纠纷",
            data={"rejection_ground": "not_labour_dispute"})
    [to_worker] = sms_to(WORKER_PHONE)
    assert "申请仲裁" not in to_worker and "详见不予受理通知书" in to_worker


def accepted_and_assigned(case, people, run):
    with freeze_time(at("2026-11-03")):
        run(take, case, "decide_acceptance", people["lead"], "accept")
        run(take, case, "assign_mediator", people["lead"], "assign", data={"mediator": people["mediator"]})


def test_the_assigned_and_then_the_reassigned_mediator_are_told(
        case, people, make_user, orgs, run):
    accepted_and_assigned(case, people, run)
    notice = the_one("task_assigned", people["mediator"])
    assert notice.title == f"新分配案件：{case.number}" and notice.link == f"/cases/{case.pk}/"
    assert "已将案件" in notice.body and "交由您调解" in notice.body
    second = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR)
    with freeze_time(at("2026-11-04")):
        run(apply, case, "reassign", by=people["lead"], reason="原调解员回避", data={"mediator": second})
    moved = the_one("task_assigned", second)
    assert moved.title == f"案件改派给您：{case.number}" and "改派理由：原调解员回避" in moved.body
    assert received("task_assigned", people["mediator"]).count() == 1
    title, _body = english("task_assigned", case)
    assert title == f"Case reassigned to you: {case.number}"


def test_a_mediator_taking_a_case_themself_is_not_notified(case, people, run):
    with freeze_time(at("2026-11-03")):
        run(take, case, "decide_acceptance", people["lead"], "accept")
        run(take, case, "assign_mediator", people["mediator"], "assign", data={"mediator": people["mediator"]})
    assert case.mediator == people["mediator"]
    assert not received("task_assigned", people["mediator"]).exists()


def schedule(case, people, run):
    with freeze_time(at("2026-11-03", 11)):
        run(act, case, "mediate", people["mediator"], "schedule_session",
            data={"starts_at": at("2026-11-05", 14), "place": "中关村街道调解室", "to_bring": "劳动合同、工资条"})
    return case.sessions.get()


def test_a_scheduled_session_is_sent_to_the_parties_and_reminded_the_day_before_once(case, people, run):
    accepted_and_assigned(case, people, run)
    SmsRecord.objects.all().delete()
    session = schedule(case, people, run)
    [notice] = sms_to(WORKER_PHONE)
    assert notice.startswith(f"调解通知：{case.number}")
    assert "定于2026年11月5日 14:00在中关村街道调解室" in notice and "请携带：劳动合同、工资条" in notice
    # Parties are sent to the public progress page, never to the staff case page.
    progress = f"http://localhost:8000/public/progress/?case={case.number}"
    assert Delivery.objects.to_address(WORKER_PHONE).get(kind="session_scheduled").link == progress
    assert progress in notice and f"/cases/{case.pk}/" not in notice
    assert set(Delivery.objects.filter(kind="session_scheduled").values_list("legal_notice", flat=True)) == {False}
    title, body = english("session_scheduled", case)
    assert title == f"Mediation notice: {case.number}" and "14:00" in body

    with freeze_time(at("2026-11-03", 18)):  # two days before: nothing yet
        assert run(send_session_reminders) == 0
    with freeze_time(at("2026-11-04", 9)):
        assert run(send_session_reminders) == 1
        assert run(send_session_reminders) == 0  # the beat runs again: nothing new
    with freeze_time(at("2026-11-04", 18)):
        assert run(send_session_reminders) == 0
    reminders = [text for text in sms_to(WORKER_PHONE) if "提醒您" in text]
    assert len(reminders) == 1 and reminders[0].startswith(f"明天14:00调解：{case.number}")
    assert reminders[0].endswith(progress)
    assert len([t for t in sms_to(EMPLOYER_PHONE) if "提醒您" in t]) == 1
    assert not Notification.objects.filter(kind="session_scheduled").exists()  # party-only: no staff inbox
    in_app = the_one("session_reminder", people["mediator"])
    assert in_app.link == f"/cases/{case.pk}/" and "第1次调解定于2026年11月5日 14:00" in in_app.body
    with translation.override("en"):
        title, _body = render_message("session_reminder", {"case": case, "session": session})
    assert title == f"Mediation tomorrow at 14:00: {case.number}"


def effective_agreement(case, people, run):
    accepted_and_assigned(case, people, run)
    mediator = people["mediator"]
    with freeze_time(at("2026-11-06")):
        run(take, case, "mediate", mediator, "draft_agreement", data={
            "terms": "被申请人分两期支付申请人拖欠工资共计23,196.00元。",
            "awards": {case.claims.get().pk: Decimal("23196.00")},
            "instalments": [(date(2026, 11, 20), Decimal("12000.00")), (date(2026, 12, 10), Decimal("11196.00"))]})
        for signatory in ("worker", "employer", "mediator", "seal"):
            run(act, case, "sign_agreement", mediator, "record_signature", data={"signatory": signatory})
        run(act, case, "sign_agreement", mediator, "upload_signed_original", data={"scan": signed_scan()})
        run(take, case, "sign_agreement", mediator, "make_agreement_effective")


def test_an_effective_agreement_goes_to_both_parties_with_the_instalments_and_to_the_mediator(case, people, run):
    effective_agreement(case, people, run)
    notice = the_one("agreement_effective", people["mediator"])
    assert notice.title == f"调解协议已生效：{case.number}" and notice.link == f"/cases/{case.pk}/"
    assert "已于2026年11月6日生效" in notice.body
    assert "第1期：2026年11月20日前支付¥12,000.00" in notice.body and "第2期：2026年12月10日前支付¥11,196.00" in notice.body
    [to_employer] = [t for t in sms_to(EMPLOYER_PHONE) if "调解协议已生效" in t]
    assert to_employer.splitlines()[1].startswith("孙丽：")
    title, body = english("agreement_effective", case)
    assert title == f"Mediation agreement in effect: {case.number}" and "Instalment 1: ¥12,000.00 by" in body


def test_instalments_due_and_overdue_reach_the_parties_by_sms_once(case, people, run):
    effective_agreement(case, people, run)
    SmsRecord.objects.all().delete()
    with freeze_time(at("2026-11-17")):  # three days before the first instalment
        run(check_deadlines)
        run(check_deadlines)
    [due] = sms_to(WORKER_PHONE)
    assert due.startswith(f"履行提醒：{case.number}第1期") and "应于2026年11月20日前支付第1期款项¥12,000.00" in due
    assert due.endswith(f"http://localhost:8000/public/progress/?case={case.number}")
    assert len(sms_to(EMPLOYER_PHONE)) == 1
    warning = received("deadline_warning", people["mediator"]).get(title__contains="分期履行期限")
    assert warning.link == f"/cases/{case.pk}/"  # the mediator's own warning now links to the case
    with freeze_time(at("2026-11-21")):
        run(check_deadlines)
    overdue = [t for t in sms_to(WORKER_PHONE) if t.startswith("逾期未履行")]
    assert len(overdue) == 1 and "支付令" in overdue[0]
    instalment = case.agreement.instalments.get(number=1)
    with translation.override("en"):
        title, _body = render_message("instalment_overdue", {"case": case, "instalment": instalment})
    assert title == f"Instalment overdue: {case.number} instalment 1"
    assert not Notification.objects.filter(kind__in=["instalment_due", "instalment_overdue"]).exists()


# -- hardship ----------------------------------------------------------------------------------

@pytest.fixture
def hardship_staff(orgs, people, make_user):
    # The caseworker is also a reviewer: told as preparer, never asked to approve their own file.
    Membership.objects.create(user=people["caseworker"], organisation=orgs["hd"], role=Role.REVIEWER)
    return {"caseworker": people["caseworker"], "reviewer": people["reviewer"],
            "reviewer2": make_user("hd_reviewer2", orgs["hd"], Role.REVIEWER)}


@pytest.fixture
def reviewed_file(orgs, hardship_staff):
    household = household_in_hardship(orgs["hd"])
    return file_in_state(household, H.REVIEWED, prepared_by=hardship_staff["caseworker"],
                         reviewed_by=hardship_staff["caseworker"])


def test_publicity_started_tells_the_preparer(reviewed_file, hardship_staff, run):
    with freeze_time(at("2026-11-02")):
        run(apply, reviewed_file, "start_publicity", by=hardship_staff["caseworker"], data={"place": "街道公示栏"})
    notice = the_one("publicity_started", hardship_staff["caseworker"])
    assert notice.title == "公示开始：王建国家庭" and notice.link == f"/hardship/files/{reviewed_file.pk}/"
    assert "已于2026年11月2日在街道公示栏开始公示" in notice.body
    # The flow's timer submits a clear publicity for approval (issue 19, point 1): nobody is asked to.
    assert "系统自动提交审批" in notice.body and "请提交审批" not in notice.body
    assert not received("publicity_started", hardship_staff["reviewer"]).exists()
    title, _body = english("publicity_started", reviewed_file)
    assert title == "Publicity started: the 王建国 household"


def test_an_objection_goes_to_the_preparer_and_the_reviewers(reviewed_file, hardship_staff, run):
    caseworker = hardship_staff["caseworker"]
    with freeze_time(at("2026-11-02")):
        run(apply, reviewed_file, "start_publicity", by=caseworker, data={"place": "街道公示栏"})
        run(apply, reviewed_file, "lodge_objection", by=hardship_staff["reviewer"],
            data={"lodged_by": "", "contact": "", "content": "该户家中另有商铺出租收入。"})
    for person in hardship_staff.values():
        notice = the_one("objection_lodged", person)
        assert notice.title == "公示异议：王建国家庭" and "异议内容：该户家中另有商铺出租收入。" in notice.body
        assert notice.link == f"/hardship/files/{reviewed_file.pk}/"
    title, body = english("objection_lodged", reviewed_file)
    assert title == "Objection during publicity: the 王建国 household" and "objection" in body


def test_approval_needed_goes_to_the_reviewers_who_did_not_prepare_and_the_decision_to_the_preparer(
        reviewed_file, hardship_staff, run):
    caseworker, reviewer, reviewer2 = hardship_staff["caseworker"], hardship_staff["reviewer"], hardship_staff["reviewer2"]
    with freeze_time(at("2026-11-02")):
        run(apply, reviewed_file, "start_publicity", by=caseworker, data={"place": "街道公示栏"})
    with freeze_time(at("2026-11-16")):
        run(apply, reviewed_file, "end_publicity", by=caseworker)
    assert reviewed_file.status == H.AWAITING_APPROVAL
    for person in (reviewer, reviewer2):
        notice = the_one("approval_needed", person)
        assert notice.title == "待审批：王建国家庭" and notice.link == f"/hardship/files/{reviewed_file.pk}/"
    assert not received("approval_needed", caseworker).exists()
    title, _body = english("approval_needed", reviewed_file)
    assert title == "Awaiting approval: the 王建国 household"

    with freeze_time(at("2026-11-17")):
        run(apply, reviewed_file, "return_for_revision", by=reviewer, reason="收入证明不全")
    returned = the_one("approval_decided", caseworker)
    assert returned.title == "退回补正：王建国家庭" and "审批意见：收入证明不全" in returned.body
    title, _body = english("approval_decided", reviewed_file)
    assert title == "Returned for revision: the 王建国 household"

    with freeze_time(at("2026-11-18")):
        run(apply, reviewed_file, "resubmit", by=caseworker, data={"proposed_aid_amount": "8000.00"})
    assert received("approval_needed", reviewer).count() == 2
    with freeze_time(at("2026-11-19")):
        run(apply, reviewed_file, "approve", by=reviewer)
    assert reviewed_file.status == H.AWAITING_SECOND_APPROVAL
    second = received("approval_needed", reviewer2).order_by("-pk").first()
    assert second.title == "待复审批：王建国家庭" and "¥8,000.00超过复审批额度" in second.body
    assert received("approval_needed", reviewer).count() == 2  # the first approver is not asked again
    assert received("approval_decided", caseworker).order_by("-pk").first().title == "第一审批通过，待复审批：王建国家庭"
    with freeze_time(at("2026-11-20")):
        run(apply, reviewed_file, "approve_second", by=reviewer2)
    approved = received("approval_decided", caseworker).order_by("-pk").first()
    assert approved.title == "审批通过：王建国家庭" and "请办理建档" in approved.body


def test_an_aid_plan_proposed_asks_the_reviewers(orgs, hardship_staff, run):
    from tests.hardship_fixtures import fund_with_budget

    household = household_in_hardship(orgs["hd"])
    file = file_in_state(household, H.OPEN, prepared_by=hardship_staff["caseworker"],
                         proposed_aid_amount=Decimal("6000.00"))
    fund = fund_with_budget(orgs["hd"])
    with freeze_time(at("2026-11-02")):
        run(apply, file, "propose_aid_plan", by=hardship_staff["caseworker"], data={
            "aid_type": "living", "fund": fund, "amount": Decimal("3000.00"), "instalments": 1,
            "first_payment_on": date(2026, 11, 20), "purpose": "冬季生活救助"})
    notice = the_one("approval_needed", hardship_staff["reviewer"])
    assert notice.title == "帮扶计划待审批：王建国家庭" and "¥3,000.00" in notice.body
    assert notice.link == f"/hardship/files/{file.pk}/"
    assert not received("approval_needed", hardship_staff["caseworker"]).exists()


    reviewer = hardship_staff["reviewer"]
    reviewer.last_name, reviewer.first_name = "李", "审核"
    reviewer.save(update_fields=["last_name", "first_name"])
    with freeze_time(at("2026-11-03")):
        run(apply, file, "approve_aid_plan", by=reviewer, data={"plan": file.aid_plans.get()})
    approved = the_one("approval_decided", hardship_staff["caseworker"])
    assert approved.title == "帮扶计划已批准：王建国家庭" and approved.link == f"/hardship/files/{file.pk}/"
    assert "李审核已批准王建国家庭的帮扶计划（¥3,000.00），请按计划发放帮扶资金" in approved.body
    assert reviewer.username not in approved.body  # named, not by login
    assert not received("approval_decided", hardship_staff["reviewer"]).exists()
    title, body = english("approval_decided", file)
    assert title == "Aid plan approved: the 王建国 household" and "(¥3,000.00)" in body


def test_exit_publicity_tells_the_preparer_what_comes_next(orgs, hardship_staff, run):
    household = household_in_hardship(orgs["hd"])
    file = file_in_state(household, H.OPEN, prepared_by=hardship_staff["caseworker"])
    with freeze_time(at("2026-11-02")):
        run(apply, file, "begin_exit", by=hardship_staff["caseworker"], reason="家庭收入已超过困难标准",
            data={"exit_reason": "recovered", "place": "社区公示栏"})
    notice = the_one("publicity_started", hardship_staff["caseworker"])
    assert notice.title == "退档公示开始：王建国家庭" and notice.link == f"/hardship/files/{file.pk}/"
    assert "退档已于2026年11月2日在社区公示栏开始公示" in notice.body and "请办理退档" in notice.body
    title, body = english("publicity_started", file)
    assert title == "Exit publicity started: the 王建国 household" and "complete the exit" in body


def test_the_yearly_review_warning_reads_as_a_yearly_review(orgs, hardship_staff, run):
    household = household_in_hardship(orgs["hd"])
    file = file_in_state(household, H.OPEN, prepared_by=hardship_staff["caseworker"])
    open_deadline(rule=clocks.clock("hardship.yearly_review"), subject=file, organisation=file.organisation,
                  starts_on=date(2026, 1, 5), due_on=date(2027, 1, 5), assignee=hardship_staff["caseworker"])
    with freeze_time(at("2026-12-10")):
        run(check_deadlines)
    notice = the_one("yearly_review_due", hardship_staff["caseworker"])
    assert notice.title == "年度复核提醒：王建国家庭，2027年1月5日到期"
    assert f"王建国家庭（档案编号{file.number}）应于2027年1月5日前完成年度复核" in notice.body
    assert notice.link == f"/hardship/files/{file.pk}/"
    assert not Notification.objects.filter(kind="deadline_warning").exists()
    with translation.override("en"):
        title, _body = render_message("yearly_review_due", {"subject": file, "due_on": date(2027, 1, 5)})
    assert title == "Yearly review reminder: the 王建国 household, due 5 January 2027"


# -- the daily digest --------------------------------------------------------------------------

def mediator_deadline(case_, mediator, due_on):
    return Deadline.objects.create(clock="dispute.mediation", subject_type_id=_case_type(), subject_id=str(case_.pk),
                                   organisation=case_.organisation, assignee=mediator, starts_on=due_on - timedelta(15),
                                   due_on=due_on)


def _case_type():
    from django.contrib.contenttypes.models import ContentType

    from cases.models import DisputeCase

    return ContentType.objects.get_for_model(DisputeCase).pk


def test_the_daily_digest_lists_the_deadlines_of_the_next_three_working_days_across_a_weekend(
        orgs, people, make_user, run):
    from tests.integration.test_dispute_flow import make_case

    mediator = people["mediator"]
    cases = [make_case(orgs["hd_street"], worker_name=f"劳动者{n}") for n in range(4)]
    Deadline.objects.filter(assignee__isnull=True).delete()  # the intake clocks: nobody's queue
    # Thursday 2026-11-26: three working days ahead is Tuesday 2026-12-01 (over the weekend).
    mediator_deadline(cases[0], mediator, date(2026, 11, 26))
    mediator_deadline(cases[1], mediator, date(2026, 11, 30))
    mediator_deadline(cases[2], mediator, date(2026, 12, 1))
    mediator_deadline(cases[3], mediator, date(2026, 12, 2))  # the fourth working day: not yet
    idle = make_user("hd_idle", orgs["hd_street"], Role.MEDIATOR)
    with freeze_time(at("2026-11-26", 8)):
        assert run(send_daily_digests) == 1
        assert run(send_daily_digests) == 0  # run twice: still one digest
    digest = the_one("daily_digest", mediator)
    assert digest.title == "11月26日待办时限：3项"
    assert "三个工作日内（2026年12月1日前）" in digest.body
    lines = digest.body.splitlines()[1:]
    assert [line.split("　")[0] for line in lines] == ["11月26日", "11月30日", "12月1日"]
    assert all("劳动者3" not in line for line in lines)
    assert not received("daily_digest", idle).exists()  # an empty queue sends nothing
    assert not received("daily_digest", people["lead"]).exists()
    with freeze_time(at("2026-11-27", 8)):  # the next day is a new digest
        assert run(send_daily_digests) == 1
    assert received("daily_digest", mediator).count() == 2
    # Friday: the horizon is Wednesday 2 December, so the fourth is in; the 26th is still running.
    assert received("daily_digest", mediator).order_by("-pk").first().title == "11月27日待办时限：4项"
    with translation.override("en"):
        title, body = render_message("daily_digest", {
            "today": date(2026, 11, 26), "horizon": date(2026, 12, 1),
            "deadlines": list(Deadline.objects.filter(assignee=mediator).order_by("due_on"))})
    assert title == "Deadlines for 26 November: 4"
    assert "within three working days (by 1 December 2026)" in body
    assert not CHINESE.search(title)
