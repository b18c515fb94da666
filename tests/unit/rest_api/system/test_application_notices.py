"""The union's app opens the notices served on the worker of an application it sent, as the worker
would on 案件进度查询: the first opening of a notice not yet served, the worker having consented to
electronic service, is its service (through the door, once); every opening is journalled; a notice
not the worker's, not servable, or of another client's application or district is not found."""

from datetime import date

import pytest
from freezegun import freeze_time

from cases.models import AuditEvent, DisputeCase, Document, ServiceRecord
from cases.platform.transitions import apply
from tests.consent import consent_recorded
from tests.dispute_cases import at
from tests.unit.rest_api.system.conftest import connected
from tests.unit.rest_api.system.test_applications import DISPUTES, PHONE, dispute_body

pytestmark = pytest.mark.django_db


def accepted(app, mediator, capture, organisation="BJ-HD-ZGC", **changes) -> DisputeCase:
    """An application sent by `app` on Monday 2026-11-02, accepted by `mediator` on the Tuesday."""
    with freeze_time(at("2026-11-02")):
        case_id = app.post(DISPUTES, dispute_body(organisation, **changes), format="json").json()["id"]
    case = DisputeCase.objects.get(pk=case_id)
    with freeze_time(at("2026-11-03")):
        consent_recorded(case, mediator)
        with capture(execute=True):
            apply(case, "accept", by=mediator)
    case.refresh_from_db()
    return case


def notice(case, party="worker"):
    return Document.objects.get(kind="acceptance_notice", variant=party, subject_id=str(case.pk))


def address(case, document) -> str:
    return f"{DISPUTES}/{case.pk}/notices/{document.pk}"


@pytest.fixture
def case(hd_app, people, django_capture_on_commit_callbacks):
    return accepted(hd_app, people["mediator"], django_capture_on_commit_callbacks)


def test_the_progress_lists_the_notice_and_where_to_open_it(hd_app, case):
    with freeze_time(at("2026-11-04", 9)):
        listed = hd_app.get(f"{DISPUTES}/{case.pk}").json()["notices"]
    assert listed == [{"id": notice(case).pk, "title": "受理通知书", "served_on": None, "method": "", "may_open": True,
                       "url": f"http://testserver{address(case, notice(case))}"}]


def test_opening_a_notice_serves_it_once_and_journals_every_opening(hd_app, case):
    client = hd_app.system_client
    with freeze_time(at("2026-11-04", 9)):
        response = hd_app.get(address(case, notice(case)))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert hd_app.get(address(case, notice(case)), HTTP_ACCEPT="application/pdf").status_code == 200
        listed = hd_app.get(f"{DISPUTES}/{case.pk}").json()["notices"][0]
    record = ServiceRecord.objects.get(document=notice(case), party="worker")  # served once, on the first opening
    assert (record.method, record.served_on, record.electronic_address) == ("electronic", date(2026, 11, 4), PHONE)
    assert record.electronic_consent is not None and "海淀区工会App" in record.note
    served = AuditEvent.objects.get(name="record_service", subject_id=str(case.pk))
    assert served.actor_label == f"system:client:{client.pk}"
    opened = AuditEvent.objects.filter(name="download_document", subject_id=str(notice(case).pk))
    assert [(event.actor_label, event.data["channel"]) for event in opened] == [(f"system:client:{client.pk}", "api")] * 2
    assert (listed["served_on"], listed["method"]) == ("2026-11-04", "电子送达")


def test_without_consent_an_unserved_notice_is_not_opened(hd_app, people, django_capture_on_commit_callbacks):
    case = accepted(hd_app, people["mediator"], django_capture_on_commit_callbacks, electronic_service=False)
    with freeze_time(at("2026-11-04", 9)):
        listed = hd_app.get(f"{DISPUTES}/{case.pk}").json()["notices"][0]
        response = hd_app.get(address(case, notice(case)))
    assert (listed["may_open"], listed["url"]) == (False, None)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert "申请人未同意电子送达而文书尚未送达" in response.json()["detail"]
    assert not ServiceRecord.objects.exists() and not AuditEvent.objects.filter(name="download_document").exists()


def test_the_employers_notice_is_not_the_apps_to_open(hd_app, case):
    with freeze_time(at("2026-11-04", 9)):
        assert hd_app.get(address(case, notice(case, "employer"))).status_code == 404
    assert not ServiceRecord.objects.exists()


def test_a_notice_of_another_clients_or_districts_application_is_not_found(
        hd_app, cy_app, orgs, people, case, django_capture_on_commit_callbacks):
    chaoyang = accepted(cy_app, people["cy_mediator"], django_capture_on_commit_callbacks, "BJ-CY-JSW",
                        acknowledge_warnings=True)  # the same worker and employer as 海淀's: a repeat, told
    other = connected(orgs["hd"], name="另一客户端")  # of the same district, but it did not send the application
    with freeze_time(at("2026-11-04", 9)):
        refused = hd_app.get(address(chaoyang, notice(chaoyang)))
        assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json"
        assert "朝阳" not in refused.content.decode() and chaoyang.number not in refused.content.decode()
        # 朝阳's notice under the client's own application's address, and its own under another client's.
        assert hd_app.get(address(case, notice(chaoyang))).status_code == 404
        assert other.get(address(case, notice(case))).status_code == 404
        assert cy_app.get(address(chaoyang, notice(chaoyang))).status_code == 200  # 朝阳's own client may
    assert [record.case_id for record in ServiceRecord.objects.all()] == [chaoyang.pk]
