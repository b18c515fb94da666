"""Issue 17, point 1: a 海淀 user reaches no 朝阳 record through viewflow's generic pages — the
bulk assign and unassign pages, the process charts, the dashboards and the process lists — and a
refusal (403) never names the foreign organisation."""

import pytest
from viewflow.workflow.status import STATUS

from tests.unit.security.districts.world import (
    CY_EMPLOYER,
    CY_WORKER,
    dispute_today,
    hardship_file_with_flow,
)

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def assert_nothing_of_chaoyang(response, chaoyang):
    text = page(response)
    leaked = [marker for marker in chaoyang.markers if marker in text]
    assert not leaked, f"{response.request['PATH_INFO']} shows {leaked}"


@pytest.mark.parametrize("url", ["/dispute/queue/assign/", "/dispute/inbox/unassign/"])
def test_point_1_a_haidian_mediator_posting_a_chaoyang_task_to_the_bulk_pages_is_not_shown_it(
        client, staff, chaoyang, url):
    client.force_login(staff["mediator"])
    response = client.post(url, {"pk": [chaoyang.case_task.pk]})
    assert response.status_code == 302
    assert response["Location"] in ("/dispute/queue/", "/dispute/inbox/")
    followed = client.get(response["Location"])
    assert "所选任务中没有您可以办理的任务。" in page(followed)
    assert_nothing_of_chaoyang(followed, chaoyang)


@pytest.mark.parametrize("url", ["/dispute/queue/assign/", "/dispute/inbox/unassign/"])
def test_point_1_a_confirmed_bulk_post_of_a_chaoyang_task_changes_nothing(client, staff, chaoyang, url):
    client.force_login(staff["mediator"])
    before = chaoyang.state()
    response = client.post(url, {"pk": [chaoyang.case_task.pk], "_confirm": "1"})
    assert response.status_code == 302
    assert chaoyang.state() == before
    chaoyang.case_task.refresh_from_db()
    assert (chaoyang.case_task.status, chaoyang.case_task.owner) == (STATUS.ASSIGNED, chaoyang.mediator)


def own_file_task(orgs, caseworker):
    own = hardship_file_with_flow(orgs["hd"], caseworker, head="王建国", resident_id="110108197501010017",
                                  region="110108")
    return own.process.task_set.get(status=STATUS.NEW, flow_task_type="HUMAN")


def test_point_1_the_hardship_bulk_page_lists_no_task_of_another_flow_or_district(client, staff, chaoyang, orgs):
    caseworker = staff["caseworker"]
    own_task = own_file_task(orgs, caseworker)
    client.force_login(caseworker)
    response = client.post("/hardship/queue/assign/", {"pk": [
        own_task.pk, chaoyang.file_task.pk, chaoyang.objection_task.pk, chaoyang.case_task.pk]})
    assert response.status_code == 200
    text = page(response)
    assert f'data-task="{own_task.pk}"' in text and "王建国" in text
    assert_nothing_of_chaoyang(response, chaoyang)
    assert f'data-task="{chaoyang.file_task.pk}"' not in text


def test_point_1_confirming_the_hardship_bulk_assign_claims_only_ones_own_queue(client, staff, chaoyang, orgs):
    caseworker = staff["caseworker"]
    own_task = own_file_task(orgs, caseworker)
    client.force_login(caseworker)
    before = chaoyang.state()
    response = client.post("/hardship/queue/assign/", {"pk": [own_task.pk, chaoyang.file_task.pk], "_confirm": "1"})
    assert response.status_code == 302 and response["Location"] == "/hardship/queue/"
    own_task.refresh_from_db()
    assert (own_task.status, own_task.owner) == (STATUS.ASSIGNED, caseworker)
    assert chaoyang.state() == before
    chaoyang.file_task.refresh_from_db()
    assert (chaoyang.file_task.status, chaoyang.file_task.owner) == (STATUS.NEW, None)


@pytest.mark.parametrize("flow, process", [
    ("dispute", "case_task"), ("hardship", "file_task"), ("objection", "objection_task"),
])
def test_point_1_the_chart_of_a_chaoyang_process_is_not_found(client, staff, chaoyang, flow, process):
    reader = staff["mediator"] if flow == "dispute" else staff["caseworker"]
    client.force_login(reader)
    foreign = getattr(chaoyang, process).process_id
    assert client.get(f"/{flow}/{foreign}/chart/").status_code == 404
    assert client.get(f"/{flow}/999999/chart/").status_code == 404
    assert client.get(f"/{flow}/chart/").status_code == 200  # the flow's own chart, no process


def test_point_1_the_chart_of_ones_own_process_is_drawn(client, staff, orgs):
    process = dispute_today(orgs["hd_street"], staff["mediator"], worker="王秀英", employer="北京某科技有限公司",
                            n=8).process
    client.force_login(staff["mediator"])
    response = client.get(f"/dispute/{process.pk}/chart/")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    client.force_login(staff["caseworker"])
    assert client.get(f"/hardship/{process.pk}/chart/").status_code == 404  # not a hardship process


@pytest.mark.parametrize("flow, reader", [("hardship", "caseworker"), ("objection", "reviewer")])
def test_point_1_the_hardship_dashboards_show_no_chaoyang_task(client, staff, chaoyang, flow, reader):
    client.force_login(staff[reader])
    response = client.get(f"/{flow}/")
    assert response.status_code == 200
    assert_nothing_of_chaoyang(response, chaoyang)
    assert f"/{flow}/{chaoyang.file_task.process_id}/" not in page(response)
    assert f"/{flow}/{chaoyang.objection_task.process_id}/" not in page(response)


def test_point_1_claiming_a_chaoyang_task_is_refused_without_naming_chaoyang(client, staff, chaoyang):
    from django.core.exceptions import PermissionDenied

    from workflows.dispute.flow import claim_task

    task = chaoyang.file_task
    client.force_login(staff["caseworker"])
    response = client.get(f"/hardship/{task.process_id}/take_application/{task.pk}/assign/")
    assert response.status_code == 404  # a process elsewhere is not found, whether or not it exists
    assert not [marker for marker in chaoyang.markers if marker in page(response)]
    with pytest.raises(PermissionDenied) as refused:  # from code, the refusal names nothing of 朝阳 either
        claim_task(chaoyang.case_task, staff["mediator"])
    assert str(refused.value) == "该任务不在您所属组织的范围内。"  # not who holds it, not where


def test_point_1_the_door_refuses_a_chaoyang_case_without_naming_chaoyang(staff, chaoyang):
    from django.core.exceptions import PermissionDenied

    from cases.platform.transitions import apply

    with pytest.raises(PermissionDenied) as refused:
        apply(chaoyang.case, "withdraw", by=staff["mediator"], reason="撤回")
    assert str(refused.value.args[0]) == "该记录不在您所属组织的范围内。"
    assert CY_WORKER not in str(refused.value) and CY_EMPLOYER not in str(refused.value)


def test_point_1_a_visitor_who_is_not_signed_in_is_told_nothing_of_the_task(client, chaoyang):
    task = chaoyang.case_task
    for url in (f"/dispute/{task.process_id}/decide_acceptance/{task.pk}/assign/", "/dispute/queue/assign/",
                f"/dispute/{task.process_id}/chart/"):
        response = client.post(url, {"pk": [task.pk]})
        assert response.status_code in (302, 403)
        assert not [marker for marker in chaoyang.markers if marker in page(response)]
        assert "cy_mediator" not in page(response)


def test_point_1_the_unassign_page_lists_ones_own_task_and_leads_back_to_the_inbox(client, chaoyang):
    """The bulk unassign page (CSP-safe copy of viewflow's) shows the user's own task and links
    back to the inbox, never to the queue."""
    client.force_login(chaoyang.mediator)
    response = client.post("/dispute/inbox/unassign/", {"pk": [chaoyang.case_task.pk]})
    assert response.status_code == 200
    text = page(response)
    assert f'data-task="{chaoyang.case_task.pk}"' in text
    assert text.count('href="/dispute/inbox/"') >= 2  # breadcrumb and back button
    assert 'href="/dispute/queue/"' not in text.split('vf-card__header', 1)[1]
