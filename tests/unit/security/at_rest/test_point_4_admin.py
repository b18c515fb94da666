"""Issue 17, point 4: the Django admin's household page shows resident IDs masked, members' and
head's alike; the head's full number only through the audit page's journalled reveal."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import AuditAction, AuditEvent, HardshipStatus
from tests.hardship_fixtures import file_in_state, household_in_hardship

pytestmark = pytest.mark.django_db

HEAD_ID = "110108197501010017"


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x-Very-long-1"))
    return client


def test_point_4_the_household_page_shows_the_ids_masked_and_links_the_journalled_reveal(orgs, superuser_client):
    household = household_in_hardship(orgs["hd"], resident_id=HEAD_ID)
    file = file_in_state(household, HardshipStatus.OPEN)

    page = superuser_client.get(reverse("admin:cases_household_change", args=[household.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert HEAD_ID not in html
    assert html.count("110108********0017") == 2  # the head, and the head as a member
    assert 'name="members-0-resident_id"' not in html  # no field that would hold the number
    assert f'href="/audit/hardship/{file.pk}/"' in html
    assert not AuditEvent.objects.filter(action=AuditAction.SENSITIVE_VIEW).exists()


def test_point_4_the_household_list_shows_no_number(orgs, superuser_client):
    household_in_hardship(orgs["hd"], resident_id=HEAD_ID)
    page = superuser_client.get(reverse("admin:cases_household_changelist"))
    assert page.status_code == 200 and HEAD_ID not in page.content.decode()
