"""Issue 20, "Pages speak in words": the kanban cards name the case or file, its parties and the
legal deadline left (not "#2/4"), and claim with 领取 as every other page does; 任务列表 shows each
open task's deadline; the lists the home links to open for each role that sees them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from freezegun import freeze_time

from cases.models import HardshipStatus
from tests.dispute_cases import at
from tests.hardship_fixtures import file_in_state, household_in_hardship
from tests.unit.workbench.test_home_work import (
    READ,
    acceptance_task,
    card,
    cases_in_queue,
    claimed,
    home,
    metric,
    task_at,
    text,
)
from workflows.hardship.flow import HardshipFlow

pytestmark = pytest.mark.django_db


def test_the_task_list_shows_each_open_tasks_deadline(client, orgs, people):
    [case] = cases_in_queue(orgs, people, 1)
    for user in (people["lead"], people["mediator"], people["auditor"]):
        client.force_login(user)
        with freeze_time(at(READ)):
            response = client.get("/dispute/tasks/")
        assert response.status_code == 200
        assert case.number in text(response) and "剩余2个工作日" in text(response)


# -- the kanban: cards in words, 领取 ----------------------------------------------------------

@pytest.mark.parametrize("role", ["mediator", "lead", "auditor"])
def test_the_dispute_kanban_cards_name_the_case_the_parties_and_the_deadline(client, orgs, people, role):
    [case] = cases_in_queue(orgs, people, 1)
    client.force_login(people[role])
    with freeze_time(at(READ)):
        response = client.get("/dispute/")
    assert response.status_code == 200
    html = text(response)
    task = acceptance_task(case)
    assert f"#{task.process_id}/{task.pk}" not in html
    card_html = html.split(f'data-task="{task.pk}"')[1].split("mdc-card")[0]
    assert case.number in card_html and "王秀英 与 北京某科技有限公司" in card_html
    assert "剩余2个工作日" in card_html
    assert ">分配</span>" not in html  # viewflow's word for claiming
    if role != "auditor":
        assert ">领取</span>" in card_html


@pytest.mark.parametrize("role", ["caseworker", "reviewer", "auditor"])
def test_the_hardship_kanban_cards_name_the_file_and_the_household(client, orgs, people, role):
    visiting = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.APPLIED,
                             prepared_by=people["caseworker"])
    task = task_at(visiting, HardshipFlow.home_visit)
    client.force_login(people[role])
    response = client.get("/hardship/")
    assert response.status_code == 200
    html = text(response)
    card_html = html.split(f'data-task="{task.pk}"')[1].split("mdc-card")[0]
    assert "待建档" in card_html and "王建国家庭" in card_html
    assert f"#{task.process_id}/{task.pk}" not in html
    if role == "caseworker":
        assert ">领取</span>" in card_html


def test_viewflows_claim_confirmation_says_lingqu(client, orgs, people):
    [case] = cases_in_queue(orgs, people, 1)
    task = acceptance_task(case)
    client.force_login(people["mediator"])
    with freeze_time(at(READ)):
        response = client.get(f"/dispute/{task.process_id}/decide_acceptance/{task.pk}/assign/")
    assert response.status_code == 200
    assert ">领取</span>" in text(response) and ">分配</span>" not in text(response)


# -- the other pages this work touches, as each role that sees them ------------------------------

@pytest.mark.parametrize("role", ["caseworker", "reviewer", "auditor"])
def test_the_objection_kanban_opens(client, people, role):
    client.force_login(people[role])
    assert client.get("/objection/").status_code == 200


@pytest.mark.parametrize("role", ["caseworker", "reviewer"])
def test_the_hardship_queue_and_inbox_open_with_the_counts_the_home_shows(client, orgs, people, role):
    ready = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.AWAITING_APPROVAL,
                          prepared_by=people["caseworker"])
    task_at(ready, HardshipFlow.approve)
    visiting = file_in_state(household_in_hardship(orgs["hd"], name="李四", resident_id="110108198001010016"),
                             HardshipStatus.APPLIED, prepared_by=people["caseworker"])
    task_at(visiting, HardshipFlow.home_visit, owner=people[role] if role == "caseworker" else None)
    response = home(client, people[role])
    work = card(response, "帮扶待办" if role == "caseworker" else "待审批")
    for label in ("待领取", "我的帮扶待办" if role == "caseworker" else "我正在审批"):
        item = metric(work, label)
        with freeze_time(at(READ)):
            listed = client.get(item.url)
        assert listed.status_code == 200 and listed.context["paginator"].count == item.value, label


@pytest.mark.parametrize("role", ["mediator", "lead"])
def test_the_dispute_queue_and_inbox_open(client, orgs, people, role):
    cases_in_queue(orgs, people, 1)
    client.force_login(people[role])
    with freeze_time(at(READ)):
        for url in ("/dispute/queue/", "/dispute/inbox/"):
            response = client.get(url)
            assert response.status_code == 200 and ".uc-deadline--breached" in text(response), url


def test_a_hardship_claim_confirmation_says_lingqu(client, orgs, people):
    ready = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.AWAITING_APPROVAL,
                          prepared_by=people["caseworker"])
    task = task_at(ready, HardshipFlow.approve)
    client.force_login(people["reviewer"])
    response = client.get(f"/hardship/{task.process_id}/approve/{task.pk}/assign/")
    assert response.status_code == 200
    assert ">领取</span>" in text(response) and ">领取并继续</span>" in text(response)
    assert ">分配</span>" not in text(response)


# -- viewflow's own process and task pages, in words ---------------------------------------------

VIEWFLOW_ENGLISH = ('label="Brief"', 'label="Owner"', 'label="Permission"', 'label="Created"', 'label="Assigned"',
                    'label="Finished"', "Unassigned")


@pytest.mark.parametrize("role", ["mediator", "lead", "auditor"])
def test_a_process_page_numbers_its_steps_and_offers_no_cancel_that_would_be_refused(client, orgs, people, role):
    [case] = cases_in_queue(orgs, people, 1)
    task = acceptance_task(case)
    client.force_login(people[role])
    with freeze_time(at(READ)):
        response = client.get(f"/dispute/{task.process_id}/")
    assert response.status_code == 200
    html = text(response)
    assert f"{task.process_id}/{task.pk}<" not in html and f">#{task.process_id}<" not in html
    assert "决定受理或不予受理" in html and ">步骤</th>" in html
    assert f"/dispute/{task.process_id}/cancel/" not in html
    assert client.get(f"/dispute/{task.process_id}/cancel/").status_code == 403  # what the button led to


def test_the_claim_confirmation_and_the_task_detail_speak_chinese_without_ids(client, orgs, people):
    ready = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.AWAITING_APPROVAL,
                          prepared_by=people["caseworker"])
    task = task_at(ready, HardshipFlow.approve)
    client.force_login(people["reviewer"])
    for page in ("assign", "detail"):
        response = client.get(f"/hardship/{task.process_id}/approve/{task.pk}/{page}/")
        assert response.status_code == 200, page
        html = text(response)
        assert not [word for word in VIEWFLOW_ENGLISH if word in html], page
        assert f"#{task.pk}" not in html and f">#{task.process_id}<" not in html, page
        assert 'label="摘要"' in html and 'value="待领取"' in html, page
    assert 'label="创建时间"' in html and 'label="领取时间"' in html


def test_the_bulk_claim_page_names_each_task_in_words(client, orgs, people):
    [case] = cases_in_queue(orgs, people, 1)
    task = acceptance_task(case)
    client.force_login(people["mediator"])
    with freeze_time(at(READ)):
        response = client.post("/dispute/queue/assign/", {"pk": [task.pk]})
    assert response.status_code == 200
    html = text(response)
    row = html.split(f'data-task="{task.pk}"')[1].split("</tr>")[0]
    assert "<td>受理审查</td>" in row and case.number in row
    assert "Decide Acceptance" not in html and f"#{task.process_id}/{task.pk}" not in html


def test_a_task_page_names_the_case_and_the_step_in_its_breadcrumbs(client, orgs, people):
    [case] = cases_in_queue(orgs, people, 1)
    claimed(case, people["mediator"])
    task = acceptance_task(case)
    client.force_login(people["mediator"])
    with freeze_time(at(READ)):
        response = client.get(f"/dispute/{task.process_id}/decide_acceptance/{task.pk}/execute/")
    assert response.status_code == 200
    crumbs = text(response).split('vf-card__breadcrumbs">')[1].split("</h2>")[0]
    assert case.number in crumbs and "受理审查" in crumbs and ">办理</a>" in crumbs
    assert f"#{task.process_id}" not in crumbs and f"#{task.pk}" not in crumbs


# -- the task lists: each row starts with the case or the file, in words, not "#2/4" ---------------

TASK_IDS = re.compile(r"#\d+/\d+")  # viewflow's "#process/task"


def row_of(html: str, task) -> str:
    return re.search(rf'<tr[^>]*data-row-id="{task.pk}".*?</tr>', html, re.S).group(0)


def test_the_dispute_inbox_and_queue_start_each_row_with_the_case_number_linking_to_the_task(client, orgs, people):
    mine, waiting = cases_in_queue(orgs, people, 2)
    claimed(mine, people["mediator"])
    client.force_login(people["mediator"])
    for address, case in (("/dispute/inbox/", mine), ("/dispute/queue/", waiting)):
        with freeze_time(at(READ)):
            response = client.get(address)
        assert response.status_code == 200
        html = text(response)
        task = acceptance_task(case)
        row = row_of(html, task)
        first_cell = re.search(r"<td[^>]*>(.*?)</td>", row, re.S).group(1)
        assert first_cell == f'<a href="/dispute/{task.process_id}/decide_acceptance/{task.pk}/">{case.number}</a>'
        assert "王秀英" in row and "北京某科技有限公司" in row, address
        assert not TASK_IDS.search(html) and ">编号</span>" not in html, address


def test_the_dispute_task_list_names_the_case_its_parties_and_the_step(client, orgs, people):
    [case] = cases_in_queue(orgs, people, 1)
    task = acceptance_task(case)
    client.force_login(people["lead"])
    with freeze_time(at(READ)):
        html = text(client.get("/dispute/tasks/"))
    row = row_of(html, task)
    assert f'<a href="/dispute/{task.process_id}/decide_acceptance/{task.pk}/">{case.number}</a>' in row
    assert "王秀英 诉 北京某科技有限公司" in row and "受理审查" in row
    assert not TASK_IDS.search(html) and "Decide Acceptance" not in html


@pytest.mark.parametrize("role, address", [("reviewer", "/hardship/queue/"), ("reviewer", "/hardship/tasks/"),
                                           ("caseworker", "/hardship/inbox/")])
def test_a_hardship_task_list_starts_each_row_with_the_file_and_the_household(client, orgs, people, role, address):
    ready = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.AWAITING_APPROVAL,
                          prepared_by=people["caseworker"], number="BJ-HD-KN-2026-0007")
    task = task_at(ready, HardshipFlow.approve)
    visiting = file_in_state(household_in_hardship(orgs["hd"], name="李四", resident_id="110108198001010016"),
                             HardshipStatus.APPLIED, prepared_by=people["caseworker"])
    held = task_at(visiting, HardshipFlow.home_visit, owner=people["caseworker"])
    client.force_login(people[role])
    response = client.get(address)
    assert response.status_code == 200
    html = text(response)
    shown, number, household = (held, "待建档", "李四家庭") if role == "caseworker" else (task, "BJ-HD-KN-2026-0007", "王建国家庭")
    row = row_of(html, shown)
    link = re.search(r"<td[^>]*>(<a href=\"[^\"]*\">[^<]*</a>)</td>", row).group(1)
    assert link.startswith(f'<a href="/hardship/{shown.process_id}/{shown.flow_task.name}/{shown.pk}/">{number}')
    assert f"<td class=\"vf-list__table-cell-text\">{household}</td>" in row
    assert not TASK_IDS.search(html) and ">编号</span>" not in html


def test_the_hardship_queue_reads_as_many_queries_for_five_rows_as_for_one(client, orgs, people):
    def approval(number):
        household = household_in_hardship(orgs["hd"], name=f"王{number}", resident_id=f"1101081975{number:02d}010017")
        task_at(file_in_state(household, HardshipStatus.AWAITING_APPROVAL, prepared_by=people["caseworker"]),
                HardshipFlow.approve)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/hardship/queue/").status_code == 200
        return len(captured)

    client.force_login(people["reviewer"])
    approval(1)
    client.get("/hardship/queue/")  # warm per-process caches (content types)
    one = queries()
    for number in range(2, 6):
        approval(number)
    assert queries() == one


@pytest.mark.parametrize("address", ["/dispute/tasks/", "/dispute/flows/"])
def test_the_dispute_task_and_process_lists_read_as_many_queries_for_five_cases_as_for_one(
        client, orgs, people, address):
    def queries():
        with freeze_time(at(READ)), CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    cases_in_queue(orgs, people, 1)
    client.force_login(people["lead"])
    queries()  # warm per-process caches
    one = queries()
    cases_in_queue(orgs, people, 4)
    assert queries() == one


@pytest.mark.parametrize("address", ["/dispute/flows/", "/hardship/flows/"])
def test_the_process_list_names_each_process_in_words(client, orgs, people, address):
    [case] = cases_in_queue(orgs, people, 1)
    ready = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.AWAITING_APPROVAL,
                          prepared_by=people["caseworker"])
    task_at(ready, HardshipFlow.approve)
    client.force_login(people["lead" if address.startswith("/dispute") else "reviewer"])
    with freeze_time(at(READ)):
        response = client.get(address)
    assert response.status_code == 200
    html = text(response)
    assert not [word for word in ("Process id", "Active tasks", ">Brief<") if word in html]
    assert ">摘要</span>" in html and ">未完成任务</span>" in html
    named = f"{case.number} 王秀英 诉 北京某科技有限公司" if address.startswith("/dispute") else "待建档 王建国家庭"
    assert re.search(rf'<a href="{address.split("flows/")[0]}\d+/">{named}', html)


# -- viewflow's English, in the product's words ---------------------------------------------------

def test_the_english_claim_page_and_menu_say_claim_my_tasks_and_to_claim(client, orgs, people):
    [case] = cases_in_queue(orgs, people, 1)
    task = acceptance_task(case)
    client.force_login(people["mediator"])
    with freeze_time(at(READ)), translation.override("zh-hans"):  # LocaleMiddleware would leave English active
        response = client.get(f"/dispute/{task.process_id}/decide_acceptance/{task.pk}/assign/",
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = text(response)
    assert ">Claim</span>" in html and ">Claim and continue</span>" in html and "<a>Claim</a>" in html
    assert "Assign" not in html
    menu = re.findall(r'mdc-list-item__content">\s*([^<]*?)\s*<', html)
    assert "My tasks" in menu and "To claim" in menu
    assert "Inbox" not in menu and "Queue" not in menu

