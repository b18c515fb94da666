"""Issue 17 point 3: pages and downloads with personal data are never kept by a browser or a
proxy: every response to a signed-in user carries `Cache-Control: no-store`."""

from datetime import date

import pytest
from django.urls import reverse

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import Channel, Document
from cases.platform.transitions import apply
from tests.consent import consent_recorded
from tests.identifiers import resident_id

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def accepted_case(client, orgs, people, django_capture_on_commit_callbacks):
    """An accepted case with its acceptance notice issued; the mediator is signed in."""
    with django_capture_on_commit_callbacks(execute=True):
        case = register_dispute(
            organisation=orgs["hd_street"], by=people["mediator"], channel=Channel.WALK_IN_WRITTEN,
            received_on=date.today(), facts="拖欠工资", worker=WorkerInput(name="赵六", resident_id=resident_id()),
            employer=EmployerInput(name="某公司"), claims=[ClaimInput(claim_type="wage_arrears", amount_claimed="1000")],
            acknowledge_warnings=True,
        ).case
        consent_recorded(case, people["lead"])
        apply(case, "accept", by=people["lead"])
    client.force_login(people["mediator"])
    return case


def test_point_3_the_case_page_is_not_stored(client, people, accepted_case):
    response = client.get(f"/cases/{accepted_case.pk}/")

    assert response.status_code == 200
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_point_3_a_document_download_is_not_stored(client, people, accepted_case):
    document = Document.objects.filter(subject_id=str(accepted_case.pk)).first()

    response = client.get(f"/cases/{accepted_case.pk}/documents/{document.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert no_store(response)


def test_point_3_the_full_id_reveal_is_not_stored(client, people, accepted_case):
    client.force_login(people["auditor"])

    response = client.post(reverse("workbench:audit_reveal", kwargs={"kind": "disputes", "pk": accepted_case.pk}),
                           {"reason": "核对仲裁移送材料"})

    assert response.status_code == 200
    assert no_store(response)


@pytest.mark.parametrize("path", ["/", "/cases/search/", "/notifications/", "/reports/report.xlsx"])
def test_point_3_every_signed_in_page_and_export_is_not_stored(client, people, path):
    client.force_login(people["lead"])

    response = client.get(path)

    assert response.status_code == 200
    assert no_store(response)

