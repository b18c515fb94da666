import pytest
from django.urls import reverse

from cases.models import AuditEvent, ScheduleStatus
from cases.models.actors import system
from cases.platform.audit.journal import append_event
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, make_user):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


def test_admin_approval_goes_through_the_door(superuser_client, orgs):
    from datetime import date

    schedule = propose_schedule(year=2027, entries=[ScheduleEntry(date(2027, 1, 1), "holiday", "元旦")],
                                organisation=orgs["bj"], by=system("test"))
    response = superuser_client.post(reverse("admin:cases_holidayschedule_changelist"),
                                     {"action": "approve_schedules", "_selected_action": [schedule.pk]}, follow=True)
    assert response.status_code == 200
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.APPROVED
    assert AuditEvent.objects.filter(name="approve", actor_label="root", subject_id=str(schedule.pk)).exists()


def test_the_journal_cannot_be_changed_or_deleted_in_the_admin(superuser_client):
    event = append_event(action="export", actor=system("test"))
    change = superuser_client.get(reverse("admin:cases_auditevent_change", args=[event.pk]))
    assert change.status_code == 200 and b'name="_save"' not in change.content
    delete = superuser_client.post(reverse("admin:cases_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
