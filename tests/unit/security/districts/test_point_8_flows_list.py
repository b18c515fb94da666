"""Issue 17, point 8 (first part): the process lists of the hardship and objection flows
(/hardship/flows/, /objection/flows/, linked from their dashboards) answered 500 with
`Cannot resolve keyword 'hardshipprocess'`; they open, for each role that reads them, and list only
the processes of the reader's subtrees."""

import pytest

from tests.unit.security.districts.world import CY_HEAD, hardship_file_with_flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def haidian_file(orgs, staff):
    return hardship_file_with_flow(orgs["hd"], staff["caseworker"], head="王建国", resident_id="110108197501010017",
                                   region="110108")


@pytest.mark.parametrize("role", ["caseworker", "reviewer", "auditor"])
def test_point_8_flows_list_of_the_hardship_flow_opens_and_lists_only_haidian_processes(
        client, staff, chaoyang, haidian_file, role):
    client.force_login(staff[role])
    response = client.get("/hardship/flows/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="/hardship/{haidian_file.process.pk}/"' in text
    assert f'href="/hardship/{chaoyang.file.process.pk}/"' not in text
    assert CY_HEAD not in text


@pytest.mark.parametrize("role", ["caseworker", "reviewer", "auditor"])
def test_point_8_flows_list_of_the_objection_flow_opens_and_lists_only_haidian_processes(
        client, staff, chaoyang, haidian_file, role):
    from cases.models import Objection
    from cases.models.hardship.states import H
    from workflows.hardship.flow import ObjectionFlow

    objection = Objection.objects.create(file=haidian_file, stage=H.IN_PUBLICITY, content="申报收入不实。")
    own = ObjectionFlow.start.run(objection=objection)
    client.force_login(staff[role])
    response = client.get("/objection/flows/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="/objection/{own.pk}/"' in text
    assert f'href="/objection/{chaoyang.objection.process.pk}/"' not in text


@pytest.mark.parametrize("flow", ["hardship", "objection"])
def test_point_8_flows_list_is_linked_from_the_dashboard_and_opens_from_there(client, staff, chaoyang, flow):
    client.force_login(staff["caseworker"])
    dashboard = client.get(f"/{flow}/")
    assert dashboard.status_code == 200
    assert f'href="/{flow}/flows/?status=NEW"' in dashboard.content.decode()
    listed = client.get(f"/{flow}/flows/?status=NEW")
    assert listed.status_code == 200
    assert CY_HEAD not in listed.content.decode()


def test_point_8_flows_list_of_the_dispute_flow_lists_only_haidian_cases(client, staff, chaoyang, orgs):
    from tests.unit.security.districts.world import dispute_today

    own = dispute_today(orgs["hd_street"], staff["mediator"], worker="王秀英", employer="北京某科技有限公司", n=9)
    client.force_login(staff["lead"])
    response = client.get("/dispute/flows/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="/dispute/{own.process.pk}/"' in text
    assert f'href="/dispute/{chaoyang.case.process.pk}/"' not in text
