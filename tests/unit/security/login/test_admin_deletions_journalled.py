"""Issue 17 point 2: deleting failed sign-ins (an unlock) or an authenticator (the owner enrols
again) in the Django admin goes into the audit chain like `unlock_login`'s unlocks — from the
record's own page and in bulk from the list."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import AuditAction, AuditEvent
from cases.platform.audit.journal import verify_chain

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OFFICE, HOME = "198.51.100.7", "203.0.113.9"


def lock(username, address=OFFICE):
    client = Client()
    for n in range(5):
        client.post(LOGIN, {"username": username, "password": f"wrong-{n}"}, REMOTE_ADDR=address)


def signs_in(username, address=OFFICE) -> bool:
    response = Client().post(LOGIN, {"username": username, "password": f"pw-{username}"}, REMOTE_ADDR=address)
    return response.status_code == 302


@pytest.fixture
def root():
    return get_user_model().objects.create_superuser("root", "root@example.org", "x-Very-long-1")


@pytest.fixture
def admin_client(root):
    client = Client()
    client.force_login(root)
    return client


def journal(name):
    return AuditEvent.objects.filter(action=AuditAction.RECORD_CHANGED, name=name).order_by("seq")


def delete_one(client, model: str, pk: int):
    response = client.post(reverse(f"admin:{model}_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302


def delete_selected(client, model: str, pks: list[int]):
    response = client.post(reverse(f"admin:{model}_changelist"),
                           {"action": "delete_selected", "_selected_action": pks, "post": "yes"})
    assert response.status_code == 302


def test_point_2_deleting_a_lockout_on_its_admin_page_is_journalled_as_an_unlock(admin_client, root, people):
    lock("hd_mediator")
    assert not signs_in("hd_mediator")
    attempt = AccessAttempt.objects.get(username="hd_mediator")

    delete_one(admin_client, "axes_accessattempt", attempt.pk)

    assert signs_in("hd_mediator")
    event = journal("login_unlocked").get()
    assert (event.actor, event.subject_type, event.subject_id, event.organisation.code) == (
        root, "auth.user", str(people["mediator"].pk), "BJ-HD-ZGC")
    assert event.data == {"username": "hd_mediator", "addresses": [OFFICE], "locked_addresses": [OFFICE],
                          "records_cleared": 1, "via": "admin"}
    assert verify_chain().intact


def test_point_2_deleting_lockouts_in_bulk_journals_each_account(admin_client, root, people):
    lock("hd_mediator")
    lock("hd_mediator", HOME)
    lock("cy_mediator")
    Client().post(LOGIN, {"username": "hd_lead", "password": "wrong"}, REMOTE_ADDR=HOME)  # one failure: not locked
    AccessAttempt.objects.create(username=None, ip_address=HOME, user_agent="", http_accept="", path_info=LOGIN,
                                 get_data="", post_data="", failures_since_start=1)  # a failure of no account
    rows = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert len(rows) == 5

    delete_selected(admin_client, "axes_accessattempt", rows)

    assert not AccessAttempt.objects.exists()
    assert signs_in("hd_mediator") and signs_in("cy_mediator", OFFICE)
    by_user = {event.data["username"]: event for event in journal("login_unlocked")}
    assert set(by_user) == {"hd_mediator", "cy_mediator", "hd_lead"}
    assert by_user["hd_mediator"].data == {"username": "hd_mediator", "addresses": [OFFICE, HOME],
                                           "locked_addresses": [OFFICE, HOME], "records_cleared": 2, "via": "admin"}
    assert by_user["cy_mediator"].organisation.code == "BJ-CY-JSW"
    assert by_user["hd_lead"].data["locked_addresses"] == []
    assert {event.actor for event in by_user.values()} == {root}
    nameless = journal("login_address_unlocked").get()
    assert nameless.data == {"addresses": [HOME], "records_cleared": 1, "via": "admin"}
    assert verify_chain().intact


def test_point_2_a_failure_forgotten_on_success_is_not_an_unlock(people):
    Client().post(LOGIN, {"username": "hd_mediator", "password": "wrong"}, REMOTE_ADDR=OFFICE)
    assert signs_in("hd_mediator")
    assert not AccessAttempt.objects.exists()
    assert not journal("login_unlocked").exists()


def device(user, name="身份验证器"):
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def test_point_2_deleting_an_authenticator_on_its_admin_page_is_journalled(admin_client, root, people):
    lost = device(people["auditor"])

    delete_one(admin_client, "otp_totp_totpdevice", lost.pk)

    assert not TOTPDevice.objects.exists()
    event = journal("two_factor_removed").get()
    assert (event.actor, event.subject_type, event.subject_id, event.organisation.code) == (
        root, "auth.user", str(people["auditor"].pk), "BJ-HD")
    assert event.data == {"username": "hd_auditor", "device": "身份验证器", "confirmed": True, "via": "admin"}
    assert verify_chain().intact


def test_point_2_deleting_authenticators_in_bulk_journals_each(admin_client, root, people):
    devices = [device(people["auditor"]), device(people["admin"], "备用手机"), device(people["mediator"])]

    delete_selected(admin_client, "otp_totp_totpdevice", [d.pk for d in devices[:2]])

    assert list(TOTPDevice.objects.values_list("user__username", flat=True)) == ["hd_mediator"]
    events = list(journal("two_factor_removed"))
    assert sorted((e.data["username"], e.data["device"], e.organisation.code) for e in events) == [
        ("bj_admin", "备用手机", "BJ"), ("hd_auditor", "身份验证器", "BJ-HD")]
    assert {e.actor for e in events} == {root}
    assert verify_chain().intact
