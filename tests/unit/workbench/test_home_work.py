"""Issue 20, "Home is the work" and "Pages speak in words": each role's home shows its work (a
mediator's tasks by legal deadline and the queue beside them, a lead's team board, a
caseworker's and a reviewer's queues); every count on it is a link to the list that shows
exactly those items; the kanban cards name the case, its parties and the deadline left, and
claim with 领取. The home reads as many queries for ten rows as for one."""

import re
from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection
from freezegun import freeze_time
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import HardshipStatus, Membership, Role
from cases.rules.claims import ClaimType
from cases.disputes.intake_review import ClaimInput
from tests.dispute_cases import at, register_case
from tests.hardship_fixtures import file_in_state, household_in_hardship
from workflows.dispute.flow import claim_task, start_dispute_flow
from workflows.hardship.flow import HardshipFlow
from workflows.models import HardshipProcess

pytestmark = pytest.mark.django_db

# Registered on Monday 2 November 2026, a case's acceptance review runs three working days (to
# Thursday 5 November); the home is read on Tuesday 3 November unless a test says otherwise.
REGISTERED, READ = "2026-11-02", "2026-11-03"


def text(response) -> str:
    return response.content.decode()


def home(client, user, day=READ):
    client.force_login(user)
    with freeze_time(at(day)):
        response = client.get("/")
    assert response.status_code == 200
    return response


def card(response, title):
    [found] = [card for card in response.context["cards"] if card.title == title]
    return found


def metric(card, label):
    [found] = [metric for metric in card.metrics if metric.label == label]
    return found


def table(html: str, key: str) -> str:
    """The home's table of work `key` ("inbox", "queue", "team", "hardship-queue" ...)."""
    match = re.search(rf'<div class="uc-work" id="work-{key}">(.*?)</div>', html, re.S)
    assert match, f"no table {key}"
    return match.group(1)


def rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<tbody>")[1], re.S)


def cases_in_queue(orgs, people, count, *, day=REGISTERED, amount="30000.00"):
    """`count` cases registered on `day` at 中关村, each with its acceptance review in the queue."""
    with freeze_time(at(day)):
        cases = [register_case(orgs, people, received_on=at(day).date(),
                               claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal(amount))]) for _ in range(count)]
        for case in cases:
            start_dispute_flow(case, by=people["mediator"])
    return cases


def acceptance_task(case):
    return Task.objects.get(process__disputeprocess__case=case, flow_task_type="HUMAN", finished__isnull=True)


def claimed(case, user, day=REGISTERED):
    with freeze_time(at(day, 11)):
        claim_task(acceptance_task(case), user)


# -- the mediator: 我的待办 by legal deadline, 待领取 beside it ---------------------------------

def test_a_mediators_home_is_their_tasks_by_legal_deadline(client, orgs, people):
    later = cases_in_queue(orgs, people, 1, day="2026-11-03", amount="8000.00")[0]  # due Friday 6 November
    sooner = cases_in_queue(orgs, people, 1, day="2026-10-30", amount="12345.60")[0]  # due Wednesday 4 November
    claimed(later, people["mediator"], day="2026-11-03")
    claimed(sooner, people["mediator"], day="2026-10-30")
    html = text(home(client, people["mediator"]))
    inbox = rows(table(html, "inbox"))
    assert len(inbox) == 2
    assert sooner.number in inbox[0] and later.number in inbox[1]  # the nearest deadline first
    assert "王秀英" in inbox[0] and "北京某科技有限公司" in inbox[0] and "受理审查" in inbox[0]
    assert "¥12,345.60" in inbox[0] and "¥8,000.00" in inbox[1]
    assert '<span class="uc-deadline uc-deadline--warning" title="2026年11月4日">剩余1个工作日</span>' in inbox[0]
    assert '<span class="uc-deadline uc-deadline--normal" title="2026年11月6日">剩余3个工作日</span>' in inbox[1]
    assert "领取" not in table(html, "inbox")


def test_a_breached_deadline_reads_in_words_and_red(client, orgs, people):
    [case] = cases_in_queue(orgs, people, 1)
    claimed(case, people["mediator"])
    html = text(home(client, people["mediator"], day="2026-11-09"))
    assert '<span class="uc-deadline uc-deadline--breached" title="2026年11月5日">已超期2个工作日</span>' \
        in table(html, "inbox")


def test_the_queue_beside_offers_each_task_with_a_claim_button(client, orgs, people):
    first, second = cases_in_queue(orgs, people, 2)
    html = text(home(client, people["mediator"]))
    queue = rows(table(html, "queue"))
    assert [first.number in queue[0], second.number in queue[1]] == [True, True]
    task = acceptance_task(first)
    assert f'href="/dispute/{task.process_id}/decide_acceptance/{task.pk}/assign/">领取</a>' in queue[0]
    assert "暂无待办任务" in html  # nothing claimed yet: said in words, no empty table


def test_the_home_counts_link_to_the_lists_that_show_them(client, orgs, people):
    cases = cases_in_queue(orgs, people, 3)
    claimed(cases[0], people["mediator"])
    response = home(client, people["mediator"])
    mine, waiting = metric(card(response, "我的待办"), "待办任务"), metric(card(response, "待领取"), "待领取任务")
    assert (mine.value, mine.url) == (1, "/dispute/inbox/")
    assert (waiting.value, waiting.url) == (2, "/dispute/queue/")
    html = text(response)
    assert '<a href="/dispute/inbox/"><span>待办任务</span><span class="uc-metric__value">1</span></a>' in html
    with freeze_time(at(READ)):
        for item in (mine, waiting):
            listed = client.get(item.url)
            assert listed.status_code == 200 and listed.context["paginator"].count == item.value


def test_more_tasks_than_the_home_shows_lead_to_the_whole_list(client, orgs, people):
    cases_in_queue(orgs, people, 11)
    html = text(home(client, people["mediator"]))
    assert len(rows(table(html, "queue"))) == 10
    assert '<a class="uc-work__more" href="/dispute/queue/">查看全部 11 项</a>' in html


def home_queries(client, user) -> int:
    client.force_login(user)
    with freeze_time(at(READ)), CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_mediators_home_reads_as_many_queries_for_ten_rows_as_for_one(
        client, orgs, people, django_assert_max_num_queries):
    first = cases_in_queue(orgs, people, 2)
    claimed(first[0], people["mediator"])
    one_row_each = home_queries(client, people["mediator"])
    for case in cases_in_queue(orgs, people, 18):
        if case.pk % 2:
            claimed(case, people["mediator"])
    client.force_login(people["mediator"])
    with freeze_time(at(READ)), django_assert_max_num_queries(one_row_each):
        response = client.get("/")
    assert len(card(response, "我的待办").lists[0].rows) == 10 and len(card(response, "待领取").lists[0].rows) == 10


# -- the lead: the team board --------------------------------------------------------------------

@pytest.fixture
def second_mediator(orgs, make_user):
    return make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR, last_name="赵", first_name="敏")


def test_a_leads_home_is_the_team_board_with_each_number_a_filtered_list(client, orgs, people, second_mediator):
    overdue, near, fresh, waiting = cases_in_queue(orgs, people, 1, day="2026-10-28") + cases_in_queue(
        orgs, people, 1, day="2026-11-04") + cases_in_queue(orgs, people, 2, day="2026-11-09")
    claimed(overdue, people["mediator"], day="2026-10-28")  # due 30 October: breached
    claimed(near, people["mediator"], day="2026-11-04")  # due Monday 9 November: the day after tomorrow's
    claimed(fresh, second_mediator, day="2026-11-09")  # due 12 November
    response = home(client, people["lead"], day="2026-11-06")  # a Friday
    board = card(response, "团队看板")
    held, breached, queued = (metric(board, label) for label in ("在办任务", "已超期", "待领取任务"))
    assert (held.value, breached.value, queued.value) == (3, 1, 1)
    assert held.url == "/dispute/tasks/?status=ASSIGNED" and breached.url == "/dispute/tasks/?deadline=breached"
    assert queued.url == "/dispute/queue/"
    team = rows(table(text(response), "team"))
    mediator = people["mediator"]
    assert [re.findall(r"<td>(?:<a [^>]+>)?([^<]*)", row) for row in team] == [
        ["hd_mediator", "2", "1", "1"], ["赵敏", "1", "0", "0"]]
    assert f'href="/dispute/tasks/?owner={mediator.pk}&amp;status=ASSIGNED&amp;deadline=breached">1</a>' in team[0]
    client.force_login(people["lead"])
    with freeze_time(at("2026-11-06")):
        for url, expected in [
            (held.url, {overdue, near, fresh}), (breached.url, {overdue}),
            (f"/dispute/tasks/?owner={mediator.pk}&status=ASSIGNED", {overdue, near}),
            (f"/dispute/tasks/?owner={mediator.pk}&status=ASSIGNED&deadline=warning", {near}),
            (f"/dispute/tasks/?owner={mediator.pk}&status=ASSIGNED&deadline=breached", {overdue}),
        ]:
            listed = client.get(url)
            assert listed.status_code == 200, url
            assert {task.process.disputeprocess.case for task in listed.context["object_list"]} == expected, url
    assert waiting.number not in text(response)


# -- the caseworker and the reviewer: their queues -----------------------------------------------

def task_at(file, node, *, owner=None):
    """A task of the hardship flow at `node` for `file` (the steps before it taken elsewhere)."""
    process = HardshipProcess.objects.create(flow_class=HardshipFlow, file=file)
    return Task.objects.create(process=process, flow_task=node, flow_task_type="HUMAN", owner=owner,
                               status=STATUS.ASSIGNED if owner else STATUS.NEW)


def test_the_caseworkers_queue_count_opens_the_queue_not_the_inbox(client, orgs, people):
    from cases.hardship.identification import open_hardship_file
    from workflows.hardship.flow import start_hardship_flow

    file = open_hardship_file(household=household_in_hardship(orgs["hd"]), by=people["caseworker"],
                              source="application", year=2025)
    start_hardship_flow(file, by=people["caseworker"])
    response = home(client, people["caseworker"])
    work = card(response, "帮扶待办")
    waiting, mine = metric(work, "待领取"), metric(work, "我的帮扶待办")
    assert (waiting.value, waiting.url, mine.value, mine.url) == (1, "/hardship/queue/", 0, "/hardship/inbox/")
    queue = rows(table(text(response), "hardship-queue"))
    assert len(queue) == 1 and "王建国" in queue[0] and "登记申请" in queue[0] and ">领取</a>" in queue[0]
    with freeze_time(at(READ)):
        listed = client.get(waiting.url)
    assert listed.status_code == 200 and listed.context["paginator"].count == 1


def test_a_reviewers_queue_holds_approvals_not_the_caseworkers_steps(client, orgs, people):
    ready = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.AWAITING_APPROVAL,
                          prepared_by=people["caseworker"])
    approval = task_at(ready, HardshipFlow.approve)
    visiting = file_in_state(household_in_hardship(orgs["hd"], name="李四", resident_id="110108198001010016"),
                             HardshipStatus.APPLIED, prepared_by=people["caseworker"])
    task_at(visiting, HardshipFlow.home_visit)
    response = home(client, people["reviewer"])
    queue = rows(table(text(response), "hardship-queue"))
    assert len(queue) == 1 and "王建国" in queue[0] and "审批" in queue[0]
    assert f'/hardship/{approval.process_id}/approve/{approval.pk}/assign/">领取</a>' in queue[0]
    assert metric(card(response, "待审批"), "待领取").value == 1
    caseworker_queue = rows(table(text(home(client, people["caseworker"])), "hardship-queue"))
    assert len(caseworker_queue) == 1 and "李四" in caseworker_queue[0]


def test_an_approval_of_a_file_one_prepared_shows_marked_and_without_a_claim_button(client, orgs, people):
    Membership.objects.create(user=people["caseworker"], organisation=orgs["hd"], role=Role.REVIEWER)
    ready = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.AWAITING_APPROVAL,
                          prepared_by=people["caseworker"])
    task_at(ready, HardshipFlow.approve)
    html = text(home(client, people["caseworker"]))
    [row] = rows(table(html, "hardship-queue"))
    assert "本人经办，不能审批" in row and "领取" not in row


def test_the_reviewers_home_has_no_unlabelled_rows(client, people):
    response = home(client, people["reviewer"])
    html = text(response)
    assert "<span>无</span>" not in html
    assert "暂无正在审批的档案" in html and "暂无待审批的帮扶档案" in html and "暂无待审批的帮扶计划" in html
    for item in card(response, "待审批").metrics:
        assert item.label and item.empty != "无"


def test_a_reviewer_sees_the_plans_waiting_with_their_amounts(client, orgs, people):
    from datetime import date

    from cases.models import AidPlan
    from tests.hardship_fixtures import fund_with_budget

    file = file_in_state(household_in_hardship(orgs["hd"]), prepared_by=people["caseworker"])
    AidPlan.objects.create(file=file, aid_type="living", fund=fund_with_budget(orgs["hd"]), amount=Decimal("8000.00"),
                           first_payment_on=date(2026, 6, 1), purpose="生活救助", prepared_by=people["caseworker"])
    response = home(client, people["reviewer"])
    [row] = rows(table(text(response), "plans"))
    assert file.number in row and "¥8,000.00" in row and f'href="/hardship/files/{file.pk}/?tab=aid' in row


# -- every role opens its home -------------------------------------------------------------------

@pytest.mark.parametrize("role, titles", [
    ("mediator", ["我的待办", "待领取"]),
    ("lead", ["团队看板"]),
    ("caseworker", ["帮扶待办", "疑似困难", "帮扶项目"]),
    ("reviewer", ["待审批", "帮扶项目"]),
    ("auditor", ["审计"]),
    ("admin", ["组织与成员"]),
])
def test_each_role_opens_its_home(client, people, role, titles):
    response = home(client, people[role])
    assert [card.title for card in response.context["cards"]] == titles


# -- scope, and the other homes' queries ---------------------------------------------------------

def chaoyang_case_in_queue(orgs, people):
    from cases.disputes.intake import register_dispute
    from cases.disputes.intake_review import EmployerInput, WorkerInput

    with freeze_time(at(REGISTERED)):
        case = register_dispute(
            acknowledge_warnings=True, organisation=orgs["cy_street"], by=people["cy_mediator"],
            channel="walk_in_written", received_on=at(REGISTERED).date(), received_at=at(REGISTERED, 9),
            facts="拖欠工资两个月。", worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
            employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43"),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("5000.00"))],
        ).case
        start_dispute_flow(case, by=people["cy_mediator"])
    return case


def test_the_home_counts_only_the_users_subtrees(client, orgs, people):
    held, waiting = chaoyang_case_in_queue(orgs, people), chaoyang_case_in_queue(orgs, people)
    claimed(held, people["cy_mediator"])
    [ours] = cases_in_queue(orgs, people, 1)
    response = home(client, people["mediator"])
    assert metric(card(response, "我的待办"), "待办任务").value == 0
    assert metric(card(response, "待领取"), "待领取任务").value == 1
    html = text(response)
    assert ours.number in html and held.number not in html and waiting.number not in html
    board = card(home(client, people["lead"]), "团队看板")
    assert [metric(board, label).value for label in ("在办任务", "已超期", "待领取任务")] == [0, 0, 1]
    assert [row.cells[0] for row in board.lists[0].rows] == ["hd_mediator"]  # not the Chaoyang mediator


def test_the_leads_board_reads_as_many_queries_for_five_mediators_as_for_one(
        client, orgs, people, make_user, django_assert_max_num_queries):
    [case] = cases_in_queue(orgs, people, 1)
    claimed(case, people["mediator"])
    one = home_queries(client, people["lead"])
    for number in range(4):
        colleague = make_user(f"hd_mediator_{number}", orgs["hd_street"], Role.MEDIATOR)
        for case in cases_in_queue(orgs, people, 2):
            claimed(case, colleague)
    client.force_login(people["lead"])
    with freeze_time(at(READ)), django_assert_max_num_queries(one):
        response = client.get("/")
    assert len(card(response, "团队看板").lists[0].rows) == 5


def test_the_reviewers_home_reads_as_many_queries_for_eight_approvals_as_for_one(
        client, orgs, people, django_assert_max_num_queries):
    from datetime import date

    from cases.models import AidPlan
    from tests.hardship_fixtures import fund_with_budget

    fund = fund_with_budget(orgs["hd"])

    def approval_and_plan(number):
        household = household_in_hardship(orgs["hd"], name=f"王{number}", resident_id=f"1101081975{number:02d}010017")
        ready = file_in_state(household, HardshipStatus.AWAITING_APPROVAL, prepared_by=people["caseworker"])
        task_at(ready, HardshipFlow.approve)
        opened = file_in_state(household, prepared_by=people["caseworker"], number=f"BJ-HD-KN-2026-{number:04d}")
        AidPlan.objects.create(file=opened, aid_type="living", fund=fund, amount=Decimal("1200.00"),
                               first_payment_on=date(2026, 6, 1), purpose="生活救助", prepared_by=people["caseworker"])

    approval_and_plan(1)
    one = home_queries(client, people["reviewer"])
    for number in range(2, 9):
        approval_and_plan(number)
    client.force_login(people["reviewer"])
    with freeze_time(at(READ)), django_assert_max_num_queries(one):
        response = client.get("/")
    queue, plans = card(response, "待审批").lists[1], card(response, "待审批").lists[2]
    assert (len(queue.rows), len(plans.rows)) == (8, 8)
