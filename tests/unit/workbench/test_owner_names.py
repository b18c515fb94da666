"""Issue 20, "Pages speak in words": a task's holder is named as every other page names a person
(cases.selectors.person_name: family name first), never by their login, on 任务列表 of both flows,
a process's page and a task's own page; and the task lists read the holders with the tasks
(as many queries for five held tasks as for one, each held by someone else)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases.models import HardshipStatus, Role
from tests.dispute_cases import at
from tests.hardship_fixtures import file_in_state, household_in_hardship
from tests.unit.workbench.test_home_work import READ, acceptance_task, cases_in_queue, claimed, task_at, text
from workflows.hardship.flow import HardshipFlow

pytestmark = pytest.mark.django_db


def named(user, last_name, first_name):
    user.last_name, user.first_name = last_name, first_name
    user.save(update_fields=["last_name", "first_name"])
    return user


def row_of(html: str, task) -> str:
    return re.search(rf'<tr[^>]*data-row-id="{task.pk}".*?</tr>', html, re.S).group(0)


def get(client, address):
    with freeze_time(at(READ)):
        response = client.get(address)
    assert response.status_code == 200, address
    return text(response)


def test_the_dispute_task_list_names_the_holder_not_their_login(client, orgs, people):
    mediator = named(people["mediator"], "李", "调解")
    [case] = cases_in_queue(orgs, people, 1)
    claimed(case, mediator)
    client.force_login(people["lead"])

    html = get(client, "/dispute/tasks/")
    row = row_of(html, acceptance_task(case))
    assert ">李调解<" in row and "hd_mediator" not in row
    assert ">办理人<" in html.split("<tbody")[0]  # the column's header, in words


def test_the_hardship_task_list_names_the_holder_not_their_login(client, orgs, people):
    caseworker = named(people["caseworker"], "张", "帮扶")
    visiting = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.APPLIED, prepared_by=caseworker)
    held = task_at(visiting, HardshipFlow.home_visit, owner=caseworker)
    client.force_login(people["reviewer"])

    html = get(client, "/hardship/tasks/")
    row = row_of(html, held)
    assert ">张帮扶<" in row and "hd_caseworker" not in row


def test_a_process_page_and_a_task_page_name_the_holder_and_give_the_tasks_brief(client, orgs, people):
    mediator = named(people["mediator"], "李", "调解")
    [case] = cases_in_queue(orgs, people, 1)
    claimed(case, mediator)
    task = acceptance_task(case)
    client.force_login(people["lead"])

    process_page = get(client, f"/dispute/{task.process_id}/")
    steps = process_page.split("<tbody")[1]
    assert "李调解" in steps and "hd_mediator" not in steps
    detail = get(client, f"/dispute/{task.process_id}/decide_acceptance/{task.pk}/detail/")
    assert 'label="办理人"' in detail and 'value="李调解"' in detail and "hd_mediator" not in detail
    brief = re.search(r'label="摘要"[^>]*value="([^"]*)"', detail).group(1)
    assert "决定受理或不予受理" in brief  # the step's brief, in words


def queries(client, address) -> int:
    with freeze_time(at(READ)), CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_dispute_task_list_reads_the_holders_with_the_tasks(client, orgs, people, make_user):
    def held_by_someone_new(number):
        mediator = make_user(f"hd_mediator_{number}", orgs["hd_street"], Role.MEDIATOR, last_name="王",
                             first_name=f"调解{number}")
        [case] = cases_in_queue(orgs, people, 1)
        claimed(case, mediator)

    client.force_login(people["lead"])
    held_by_someone_new(1)
    queries(client, "/dispute/tasks/")  # warm per-process caches
    one = queries(client, "/dispute/tasks/")
    for number in range(2, 6):
        held_by_someone_new(number)
    assert queries(client, "/dispute/tasks/") == one
    assert "王调解5" in get(client, "/dispute/tasks/")


def test_the_hardship_task_list_reads_the_holders_with_the_tasks(client, orgs, people, make_user):
    def held_by_someone_new(number):
        caseworker = make_user(f"hd_caseworker_{number}", orgs["hd"], Role.HARDSHIP_CASEWORKER, last_name="张",
                               first_name=f"帮扶{number}")
        household = household_in_hardship(orgs["hd"], name=f"王{number}", resident_id=f"1101081975{number:02d}010017")
        task_at(file_in_state(household, HardshipStatus.APPLIED, prepared_by=caseworker), HardshipFlow.home_visit,
                owner=caseworker)

    client.force_login(people["reviewer"])
    held_by_someone_new(1)
    queries(client, "/hardship/tasks/")
    one = queries(client, "/hardship/tasks/")
    for number in range(2, 6):
        held_by_someone_new(number)
    assert queries(client, "/hardship/tasks/") == one
    assert "张帮扶5" in get(client, "/hardship/tasks/")
