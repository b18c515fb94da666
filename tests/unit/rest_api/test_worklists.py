"""我的待办 and 待领取 through the API: the pages' queries, sorted by legal deadline, a page at a time
by cursor, scoped like the pages; 领取 with the claim page's refusals."""

from datetime import date

import pytest
from freezegun import freeze_time

from tests.dispute_cases import at
from tests.identifiers import resident_id
from tests.unit.rest_api.conftest import open_case, signed_in, the_task
from workflows.dispute.flow import claim_task

pytestmark = pytest.mark.django_db
QUEUE, MINE = "/api/v1/disputes/tasks/queue", "/api/v1/disputes/tasks/mine"


@pytest.fixture
def three_cases(orgs, people):
    """Received on three days: the one received first is due first; the Chaoyang one is not ours."""
    newest = open_case(orgs, people, received_on=date(2026, 11, 4), worker="李娜", resident_id=resident_id(3))
    oldest = open_case(orgs, people, received_on=date(2026, 11, 2))
    middle = open_case(orgs, people, received_on=date(2026, 11, 3), worker="张伟", resident_id=resident_id(4))
    elsewhere = open_case(orgs, people, organisation="cy_street", by="cy_mediator", received_on=date(2026, 11, 2),
                          worker="赵强", resident_id=resident_id(5))
    return oldest, middle, newest, elsewhere


def test_the_queue_is_sorted_by_legal_deadline_and_paged_by_cursor(three_cases, people):
    oldest, middle, newest, elsewhere = three_cases
    client = signed_in(people["mediator"])
    with freeze_time(at("2026-11-04", 10)):
        first = client.get(QUEUE, {"limit": 2})
        assert first.status_code == 200
        page = first.json()
        assert [row["case_number"] for row in page["results"]] == [oldest.number, middle.number]
        row = page["results"][0]
        assert row["deadline"] == {"due_on": "2026-11-05", "provisional": False, "imported": False,
                                   "label": "剩余1个工作日", "level": "warning"}
        assert row["title"] == "受理审查" and row["status"] == "NEW" and row["worker"] == "王秀英"
        assert row["claimed_total"] == "30000.00" and row["claim"].endswith(f"/api/v1/disputes/tasks/{row['id']}/claim")
        assert row["case"].endswith(f"/api/v1/disputes/{oldest.pk}")
        second = client.get(page["next"]).json()
    assert [row["case_number"] for row in second["results"]] == [newest.number]
    assert second["next"] is None
    assert elsewhere.number not in str(page) + str(second)


def test_a_bad_cursor_or_limit_is_a_problem(people):
    client = signed_in(people["mediator"])
    assert client.get(QUEUE, {"cursor": "not-a-cursor"}).json()["errors"] == {"cursor": ["游标无效。"]}
    assert client.get(QUEUE, {"limit": 500}).status_code == 422


def test_my_tasks_are_the_ones_i_claimed(three_cases, people):
    oldest, middle, newest, _elsewhere = three_cases
    claim_task(the_task(middle, "decide_acceptance"), people["mediator"])
    claim_task(the_task(newest, "decide_acceptance"), people["lead"])
    mine = signed_in(people["mediator"]).get(MINE).json()
    assert [row["case_number"] for row in mine["results"]] == [middle.number]
    assert mine["results"][0]["status"] == "ASSIGNED" and mine["results"][0]["claim"] is None
    assert middle.number not in str(signed_in(people["mediator"]).get(QUEUE).json())


def test_a_chaoyang_mediator_sees_only_chaoyangs_queue(three_cases, people):
    *_ours, elsewhere = three_cases
    rows = signed_in(people["cy_mediator"]).get(QUEUE).json()["results"]
    assert [row["case_number"] for row in rows] == [elsewhere.number]


def test_claiming_takes_the_task_and_a_second_claim_is_refused_with_the_claim_pages_words(case, people):
    task = the_task(case, "decide_acceptance")
    response = signed_in(people["mediator"]).post(f"/api/v1/disputes/tasks/{task.pk}/claim")
    assert response.status_code == 200
    assert response.json()["task"]["status"] == "ASSIGNED" and response.json()["task"]["owner"]["id"] == people["mediator"].pk
    assert response.json()["subject"].endswith(f"/api/v1/disputes/{case.pk}")
    again = signed_in(people["mediator"]).post(f"/api/v1/disputes/tasks/{task.pk}/claim")
    assert again.status_code == 200  # one's own task: as the page, nothing to do
    refused = signed_in(people["lead"]).post(f"/api/v1/disputes/tasks/{task.pk}/claim")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "该任务已由hd_mediator领取，不能重复领取。"


def test_an_auditor_may_not_claim(case, people):
    task = the_task(case, "decide_acceptance")
    response = signed_in(people["auditor"]).post(f"/api/v1/disputes/tasks/{task.pk}/claim")
    assert response.status_code == 403 and response.json()["detail"] == "审计员只能查阅，不能办理任务。"


def test_a_repeated_claim_with_the_same_key_gets_the_first_answer(case, people):
    task = the_task(case, "decide_acceptance")
    headers = {"Idempotency-Key": "claim-412"}
    first = signed_in(people["mediator"]).post(f"/api/v1/disputes/tasks/{task.pk}/claim", headers=headers)
    claim_url = f"/api/v1/disputes/tasks/{task.pk}/claim"
    again = signed_in(people["mediator"]).post(claim_url, headers=headers)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"


def test_tasks_without_a_running_clock_come_last_and_the_cursor_walks_through_them(orgs, people):
    """Two withdrawn cases' 结案 tasks (no clock runs) after a 受理审查 due on 11-05, one a page."""
    from cases.platform.transitions import apply

    due = open_case(orgs, people)
    ended = [open_case(orgs, people, worker=name, resident_id=resident_id(n)) for n, name in ((6, "周敏"), (7, "吴刚"))]
    for case in ended:
        apply(case, "withdraw", by=people["mediator"], reason="申请人撤回。")
    client = signed_in(people["mediator"])  # no mediator yet: their 结案 waits in the queue
    numbers, page = [], client.get(QUEUE, {"limit": 1}).json()
    while True:
        numbers += [(row["case_number"], row["deadline"] is None) for row in page["results"]]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert numbers == [(due.number, False), (ended[0].number, True), (ended[1].number, True)]
