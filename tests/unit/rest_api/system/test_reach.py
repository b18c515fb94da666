"""A system client of 海淀 can neither read nor write 朝阳's data through any endpoint of the API.

Every URL pattern under /api/v1/ is tried (a new endpoint is tried the day it is added): each
path parameter is filled with the key of a record of 朝阳 (its case, hardship file, flow task,
document, civil-affairs batch), each body and query names 朝阳's organisations, and the client
holds every scope. Each answer must be a refusal, or an answer that shows nothing of 朝阳; and
nothing of 朝阳 may have changed."""

import re

import pytest
from freezegun import freeze_time

from api.system.models import CivilAffairsBatch
from api.urls import urlpatterns
from cases.models import AuditEvent, CivilAffairsImport, CivilAffairsRecord, DisputeCase, Document, HardshipFile, Organisation
from tests.dispute_cases import at
from tests.hardship_fixtures import minimum_living_standard
from tests.unit.rest_api.system.conftest import connected
from tests.unit.rest_api.system.test_applications import dispute_body, hardship_body
from tests.unit.rest_api.system.test_civil_affairs import batch
from workflows.dispute.pages import subject_tasks

pytestmark = pytest.mark.django_db

NOT_ROUTES = {"schema", "docs", "oauth-token"}  # the document, its reference page, the token endpoint
QUERY = "organisation=BJ-CY&from=2026-01-01&to=2026-12-31"
# Bodies that are right in every way but one: they are for 朝阳.
BODIES = {
    "application-disputes": dispute_body("BJ-CY-JSW", acknowledge_warnings=True),
    "application-hardships": hardship_body("BJ-CY"),
    "civil-affairs-batches": batch("HD-INTO-CY", organisation="BJ-CY"),
}


@pytest.fixture
def chaoyang(orgs, django_capture_on_commit_callbacks):
    """朝阳's data, sent by 朝阳's own clients: a dispute application, a hardship application, a batch."""
    app = connected(orgs["cy"], name="朝阳区工会App")
    with freeze_time(at("2026-11-02")):
        minimum_living_standard(year=2026)
        with django_capture_on_commit_callbacks(execute=True):
            case_id = app.post("/api/v1/applications/disputes", dispute_body("BJ-CY-JSW"), format="json").json()["id"]
        file_id = app.post("/api/v1/applications/hardship", hardship_body("BJ-CY"), format="json").json()["id"]
    assert app.post("/api/v1/civil-affairs/batches", batch("CY-1", organisation="BJ-CY"), format="json").status_code == 201
    case, file = DisputeCase.objects.get(pk=case_id), HardshipFile.objects.get(pk=file_id)
    return {
        "case": case, "file": file, "batch_id": "CY-1",
        "case_task": subject_tasks(case).first(), "file_task": subject_tasks(file).first(),
        "document": Document.objects.filter(subject_id=str(case.pk)).first(),
        "markers": ["BJ-CY", "朝阳", "建外", case.number, case.worker.name, file.household.head.name],
    }


def path_value(route: str, parameter: str, chaoyang) -> str:
    hardship = route.startswith(("hardship", "applications/hardship"))
    values = {
        "pk": (chaoyang["file"] if hardship else chaoyang["case"]).pk,
        "task_id": (chaoyang["file_task"] if hardship else chaoyang["case_task"]).pk,
        "document_pk": chaoyang["document"].pk,
        "batch_id": chaoyang["batch_id"],
    }
    if parameter not in values:
        pytest.fail(f"<{parameter}> of {route}: say here which record of 朝阳 it names")
    return str(values[parameter])


def calls(chaoyang):
    for pattern in urlpatterns:
        if pattern.name in NOT_ROUTES:
            continue
        route = str(pattern.pattern)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda found, r=route: path_value(r, found.group(1), chaoyang), route)
        view = pattern.callback.view_class
        for method in ("get", "post"):
            if hasattr(view, method):
                yield pattern.name, method, f"/api/v1/{path}"


def chaoyang_state() -> dict:
    subtree = Organisation.objects.filter(code__startswith="BJ-CY")
    return {
        "cases": list(DisputeCase.objects.filter(organisation__in=subtree).values_list("pk", "status")),
        "files": list(HardshipFile.objects.filter(organisation__in=subtree).values_list("pk", "status")),
        "records": CivilAffairsRecord.objects.filter(organisation__in=subtree).count(),
        "imports": CivilAffairsImport.objects.filter(organisation__in=subtree).count(),
        "batches": CivilAffairsBatch.objects.filter(organisation__in=subtree).count(),
        "events": AuditEvent.objects.filter(organisation__in=subtree).count(),
        "documents": Document.objects.filter(organisation__in=subtree).count(),
    }


def test_a_haidian_client_cannot_read_or_write_chaoyangs_data_through_any_endpoint(chaoyang, orgs):
    haidian = connected(orgs["hd"], name="海淀区工会App")  # every scope
    before = chaoyang_state()
    tried = set()
    with freeze_time(at("2026-11-03")):
        for name, method, url in calls(chaoyang):
            if method == "get":
                response = haidian.get(f"{url}?{QUERY}")
            else:
                response = haidian.post(f"{url}?{QUERY}", BODIES.get(name, {"organisation": "BJ-CY"}), format="json")
            tried.add(name)
            if response.status_code < 300:
                text = response.content.decode()
                shown = [marker for marker in chaoyang["markers"] if marker in text]
                assert not shown, (method, url, shown)
            else:
                assert response.status_code in (403, 404), (method, url, response.status_code, response.content)
    assert chaoyang_state() == before
    assert {"application-dispute", "application-hardship", "civil-affairs-batch-records", "statistics-hardship",
            "dispute-detail", "hardship-transition"} <= tried
    assert tried == {pattern.name for pattern in urlpatterns} - NOT_ROUTES
