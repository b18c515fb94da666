"""The federation's dashboard: the dispute figures (from the running totals) and the hardship
figures of an organisation's subtree over a period, as the report computes them; the period
checked, the organisation within the client's reach."""

import pytest
from freezegun import freeze_time

from cases.statistics.disputes import dispute_figures
from cases.statistics.hardship import hardship_figures
from cases.statistics.period import Period
from tests.dispute_cases import at
from tests.hardship_fixtures import file_in_state, household_in_hardship
from tests.unit.rest_api.conftest import open_case, signed_in, the_task
from tests.unit.rest_api.system.conftest import connected

pytestmark = pytest.mark.django_db

NOVEMBER = "from=2026-11-01&to=2026-11-30"
CONSENT = {"decision": "consented", "consent_method": "written", "decided_on": "2026-11-02", "given_by": "李四（法定代表人）"}


def accepted(orgs, people, organisation, mediator, resident_id):
    """A case of `organisation` received on 2026-11-02 and accepted the next day through the staff API."""
    case = open_case(orgs, people, organisation=organisation, by=mediator, resident_id=resident_id)
    staff = signed_in(people[mediator])
    with freeze_time(at("2026-11-03", 10)):
        assert staff.post(f"/api/v1/disputes/tasks/{the_task(case, 'decide_acceptance').pk}/claim").status_code == 200
        url = f"/api/v1/disputes/{case.pk}/transitions/"
        assert staff.post(url + "record_consent", CONSENT, format="json").status_code == 200
        assert staff.post(url + "accept", {}, format="json").status_code == 200
    return case


@pytest.fixture
def two_districts(orgs, people):
    accepted(orgs, people, "hd_street", "mediator", "11010519491231002X")
    accepted(orgs, people, "cy_street", "cy_mediator", "110108197503020016")


def test_the_dispute_figures_are_the_reports(two_districts, orgs):
    dashboard = connected(orgs["bj"], ["statistics:read"], name="北京市总工会数据看板")
    city = dashboard.get(f"/api/v1/statistics/disputes?{NOVEMBER}")
    assert city.status_code == 200, city.content
    body = city.json()
    expected = dispute_figures(organisation=orgs["bj"], period=Period(at("2026-11-01").date(), at("2026-11-30").date()))
    assert body["accepted"] == expected.accepted == 2
    assert body["by_channel"] == [{"channel": "walk_in_written", "label": "现场书面申请", "accepted": 2,
                                   "mediated_successfully": 0, "recovered_yuan": "0.00"}]
    assert body["by_claim_type"][0]["label"] == "拖欠劳动报酬" and body["by_claim_type"][0]["accepted_cases"] == 2
    assert body["definitions"]["accepted"].startswith("受理：")
    haidian = dashboard.get(f"/api/v1/statistics/disputes?organisation=BJ-HD&{NOVEMBER}").json()
    assert haidian["accepted"] == 1 and haidian["organisation"]["code"] == "BJ-HD"
    before = dashboard.get("/api/v1/statistics/disputes?from=2026-10-01&to=2026-10-31").json()
    assert before["accepted"] == 0


def test_a_district_dashboard_reads_its_own_subtree_only(two_districts, orgs):
    dashboard = connected(orgs["hd"], ["statistics:read"])
    own = dashboard.get(f"/api/v1/statistics/disputes?{NOVEMBER}").json()
    assert own["organisation"]["code"] == "BJ-HD" and own["accepted"] == 1
    for path in ("disputes", "hardship"):
        for code in ("BJ-CY", "BJ", "BJ-CY-JSW"):
            refused = dashboard.get(f"/api/v1/statistics/{path}?organisation={code}&{NOVEMBER}")
            assert refused.status_code == 403 and "不在本客户端的范围内" in refused.json()["detail"]


def test_the_hardship_figures_are_the_reports(orgs):
    file_in_state(household_in_hardship(orgs["hd"]))
    dashboard = connected(orgs["hd"], ["statistics:read"])
    body = dashboard.get("/api/v1/statistics/hardship?from=2026-01-01&to=2026-06-30").json()
    expected = hardship_figures(organisation=orgs["hd"], period=Period(at("2026-01-01").date(), at("2026-06-30").date()))
    assert body["open_files"] == expected.open_files == 1 and body["newly_identified"] == expected.newly_identified == 1
    assert body["open_by_category"] == [{"code": "deep", "label": "深度困难", "count": 1}]
    assert body["coverage_percent"] == "0.0" and body["aid_paid_yuan"] == "0.00" and body["aid_by_type"] == []


def test_the_period_is_checked_in_words(orgs):
    dashboard = connected(orgs["hd"], ["statistics:read"])
    missing = dashboard.get("/api/v1/statistics/disputes")
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"from", "to"}
    assert missing.json()["errors"]["from"] == ["请填写开始日期。"]
    backwards = dashboard.get("/api/v1/statistics/hardship?from=2026-06-30&to=2026-01-01")
    assert backwards.status_code == 422 and backwards.json()["errors"] == {"to": ["结束日期不能早于开始日期。"]}
    wrong = dashboard.get("/api/v1/statistics/disputes?from=2026-13-01&to=2026-06-30")
    assert "不是有效日期" in wrong.json()["errors"]["from"][0]
