"""Issue 17, point 1: the possible-duplicate warning at registration tells a 海淀 mediator of a 朝阳
case of the same worker and employer only by its organisation and whether it is unfinished or
finished — no case number, status or date — so that they can coordinate; their own district's
cases keep the full detail and a link."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.disputes.intake_review import (
    ClaimInput,
    EmployerInput,
    WorkerInput,
    check_application,
    readable_organisation_ids,
)
from cases.models import AuditEvent, DisputeCase, DisputeStatus, Role
from cases.models.actors import system
from cases.rules.claims import ClaimType
from tests.identifiers import resident_id, uscc
from tests.unit.security.districts.world import dispute_today

pytestmark = pytest.mark.django_db

REGISTER = "/cases/register/"
WORKER, EMPLOYER = "赵铁柱", "朝阳某商贸有限公司"


@pytest.fixture
def cases(orgs, staff, make_user):
    """The same worker against the same employer: open in 朝阳's street centre, closed ten days ago
    at a 朝阳 enterprise committee, and open at the 海淀 mediator's own centre."""
    cy_mediator = make_user("cy_mediator", orgs["cy_street"], Role.MEDIATOR)
    cy_open = dispute_today(orgs["cy_street"], cy_mediator, worker=WORKER, employer=EMPLOYER, n=7)
    cy_closed = dispute_today(orgs["cy_ent"], cy_mediator, worker=WORKER, employer=EMPLOYER, n=7)
    DisputeCase.objects.filter(pk=cy_closed.pk).update(  # test setup, not a transition
        status=DisputeStatus.CLOSED, ended_on=timezone.localdate() - timedelta(days=10))
    hd_open = dispute_today(orgs["hd_street"], staff["mediator"], worker=WORKER, employer=EMPLOYER, n=7)
    return {"cy_open": cy_open, "cy_closed": cy_closed, "hd_open": hd_open}


def application(orgs, **changes) -> dict:
    now = timezone.localtime()
    return {
        "channel": "walk_in_written", "organisation": str(orgs["hd_street"].pk),
        "received_on": now.date().isoformat(), "received_at": "00:00", "employment_start": "2024-03-01",
        "employment_end": "", "infringement_known_on": "", "facts": "公司拖欠三个月工资未发。",
        "worker-name": WORKER, "worker-resident_id": resident_id(7), "worker-phone": "13800138000",
        "worker-address": "北京市海淀区中关村大街1号", "employer-name": EMPLOYER, "employer-uscc": uscc(7),
        "employer-address": "北京市朝阳区", "employer-legal_representative": "李四", "employer-contact_name": "王五",
        "employer-contact_phone": "010-62345678",
        "claims-TOTAL_FORMS": "1", "claims-INITIAL_FORMS": "0", "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000", "claims-0-claim_type": "wage_arrears", "claims-0-description": "工资",
        "claims-0-amount_claimed": "18000.00", **changes,
    }


def expected_warning(hd_number: str) -> str:
    return (f"同一劳动者对同一用人单位已有未办结的案件：{hd_number}（中关村街道调解中心）。"
            "同一劳动者对同一用人单位在其他组织另有案件：建外街道调解中心（未办结）、某商贸公司劳动争议调解委员会（已办结），"
            "详情请与该组织联系核实。请核实是否为重复申请；继续登记的，新案件将与之关联。")


def test_point_1_the_warning_names_only_the_other_districts_organisations(client, orgs, staff, cases):
    client.force_login(staff["mediator"])
    response = client.post(REGISTER, application(orgs))
    html = response.content.decode()

    assert response.status_code == 200 and DisputeCase.objects.count() == 3
    [warning] = response.context["review_warnings"]
    assert warning.message == expected_warning(cases["hd_open"].number)
    for foreign in ("cy_open", "cy_closed"):
        assert cases[foreign].number not in html
    assert "已结案" not in html and "日办结" not in html
    assert f'href="/cases/{cases["hd_open"].pk}/"' in html
    assert [case for case, _url in response.context["duplicates"]] == [cases["hd_open"]]


def test_point_1_the_acknowledged_warning_is_journalled_as_shown(client, orgs, staff, cases):
    client.force_login(staff["mediator"])
    shown = client.post(REGISTER, application(orgs))
    digest = shown.context["warnings_digest"]

    saved = client.post(REGISTER, application(orgs, warnings_digest=digest, acknowledge_warnings="on"))

    assert saved.status_code == 302
    new = DisputeCase.objects.get(pk=int(re.search(r"/cases/(\d+)/$", saved["Location"]).group(1)))
    event = AuditEvent.objects.get(name="register", subject_id=str(new.pk))
    assert event.data["warnings_acknowledged"] == [
        {"code": "possible_duplicate", "message": expected_warning(cases["hd_open"].number)}]
    page = client.get(f"/cases/{new.pk}/").content.decode()
    assert cases["hd_open"].number in page
    assert cases["cy_open"].number not in page and cases["cy_closed"].number not in page


def test_point_1_the_visible_organisations_are_given_by_the_caller(orgs, staff, cases):
    def warning(visible):
        review = check_application(
            organisation=orgs["hd_street"], worker=WorkerInput(name=WORKER, resident_id=resident_id(7)),
            employer=EmployerInput(name=EMPLOYER, uscc=uscc(7)),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, 18000)], received_on=timezone.localdate(),
            visible_organisation_ids=visible)
        return review.warnings[0].message

    mediator = readable_organisation_ids(staff["mediator"])
    assert mediator == {orgs["hd_street"].pk, orgs["hd_ent"].pk}
    assert warning(mediator) == expected_warning(cases["hd_open"].number)
    assert readable_organisation_ids(system("import")) is None  # the system (imports) reads every case
    everything = warning(None)
    assert cases["cy_open"].number in everything and "已结案" in everything
