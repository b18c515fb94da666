"""Messages to parties link to the workers' pages on PUBLIC_BASE_URL, never to a staff page
(today's emails linked to http://localhost:8000/cases/N/); staff messages keep the case page."""

import pytest
from django.core import mail
from freezegun import freeze_time

from cases.platform.transitions import apply
from notifications.contacts import progress_link
from notifications.models import Delivery, Notification
from notifications.services import PartyContact, notify_parties, party_link
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_site(settings):
    settings.UNIONCASE = {**settings.UNIONCASE, "SITE_URL": "https://staff.example.org",
                          "PUBLIC_BASE_URL": "https://12351.example.org/"}


def test_a_party_link_is_a_public_page_on_the_public_base_url(public_site):
    assert party_link("/public/progress/?case=X") == "https://12351.example.org/public/progress/?case=X"
    assert party_link("https://12351.example.org/public/apply/") == "https://12351.example.org/public/apply/"
    for staff in ("/cases/7/", "https://staff.example.org/cases/7/", "/hardship/files/3/", "https://evil.example.com/"):
        assert party_link(staff) == ""


def test_a_staff_link_handed_to_the_parties_is_left_out(public_site, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [email] = notify_parties(contacts=[PartyContact(name="王秀英", email="wang@example.org")],
                                 kind="case_accepted", context={"case": None}, event_key="test:1", link="/cases/1/")
    assert email.link == "" and "/cases/" not in mail.outbox[0].body


def test_acceptance_tells_the_parties_where_to_follow_their_case(public_site, orgs, people,
                                                                 django_capture_on_commit_callbacks):
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people)
        case.worker.email = "wang@example.org"
        case.worker.save(update_fields=["email"])
        consent_recorded(case, people["mediator"])
        with django_capture_on_commit_callbacks(execute=True):
            apply(case, "accept", by=people["mediator"])
    link = f"https://12351.example.org/public/progress/?case={case.number}"
    assert progress_link(case) == link
    [email] = [m for m in mail.outbox if "wang@example.org" in m.to[0]]
    assert link in email.body and "staff.example.org" not in email.body and f"/cases/{case.pk}/" not in email.body
    assert set(Delivery.objects.filter(kind="case_accepted", recipient_user__isnull=True)
               .values_list("link", flat=True)) == {link}
    # The staff member's own message still opens the case page of the workbench.
    assert Notification.objects.get(kind="case_accepted", recipient=people["mediator"]).link == f"/cases/{case.pk}/"
