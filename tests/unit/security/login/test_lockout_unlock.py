"""Issue 17 point 2: an organisation admin sees the locked accounts of their subtree and unlocks
them (journalled); other subtrees' accounts are neither listed nor unlockable."""

import pytest

from cases.models import AuditAction, AuditEvent, Role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PAGE = "/lockouts/"
OFFICE = "198.51.100.7"


def lock(client, username):
    for n in range(5):
        client.post(LOGIN, {"username": username, "password": f"wrong-{n}"}, REMOTE_ADDR=OFFICE)


def sign_in(client, username):
    return client.post(LOGIN, {"username": username, "password": f"pw-{username}"}, REMOTE_ADDR=OFFICE)


@pytest.fixture
def hd_admin(orgs, make_user):
    return make_user("hd_orgadmin", orgs["hd"], Role.ORG_ADMIN, first_name="海淀管理")


@pytest.fixture
def locked(client, people):
    lock(client, "hd_mediator")
    lock(client, "cy_mediator")
    return people


def test_point_2_the_orgadmin_sees_the_locked_accounts_of_their_subtree_only(client, locked, hd_admin):
    client.force_login(hd_admin)

    page = client.get(PAGE).content.decode()

    assert 'data-username="hd_mediator"' in page
    assert OFFICE in page
    assert 'data-username="cy_mediator"' not in page


def test_point_2_the_orgadmin_unlocks_an_account_of_their_subtree_and_it_is_journalled(client, locked, hd_admin):
    admin_client = client.__class__()
    admin_client.force_login(hd_admin)

    response = admin_client.post(f"/lockouts/{locked['mediator'].pk}/unlock/", {"reason": "本人来电，确认忘记密码"})

    assert response.status_code == 302
    assert sign_in(client, "hd_mediator").status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.RECORD_CHANGED, name="login_unlocked")
    assert (event.actor_label, event.reason, event.subject_id, event.organisation.code) == (
        "hd_orgadmin", "本人来电，确认忘记密码", str(locked["mediator"].pk), "BJ-HD-ZGC")
    assert event.data == {"username": "hd_mediator", "addresses": [OFFICE], "records_cleared": 1}
    assert 'data-username="hd_mediator"' not in admin_client.get(PAGE).content.decode()


def test_point_2_an_account_of_another_subtree_is_not_found(client, locked, hd_admin):
    client.force_login(hd_admin)

    response = client.post(f"/lockouts/{locked['cy_mediator'].pk}/unlock/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(name="login_unlocked").exists()
    client.logout()
    assert sign_in(client, "cy_mediator").status_code == 429


def test_point_2_the_city_orgadmin_sees_both_districts(client, locked):
    client.force_login(locked["admin"])

    page = client.get(PAGE).content.decode()

    assert 'data-username="hd_mediator"' in page
    assert 'data-username="cy_mediator"' in page


def test_point_2_a_superuser_opens_the_page_and_sees_every_locked_account(client, locked, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root")
    client.force_login(root)

    page = client.get(PAGE).content.decode()

    assert 'data-username="hd_mediator"' in page and 'data-username="cy_mediator"' in page


@pytest.mark.parametrize("role", ["mediator", "lead", "caseworker", "reviewer", "auditor"])
def test_point_2_other_roles_may_not_open_the_page_nor_unlock(client, locked, role):
    client.force_login(locked[role])

    assert client.get(PAGE).status_code == 403
    assert client.post(f"/lockouts/{locked['mediator'].pk}/unlock/").status_code == 403
    assert "登录锁定" not in client.get("/").content.decode()


def test_point_2_the_menu_shows_the_page_to_the_orgadmin(client, hd_admin):
    client.force_login(hd_admin)

    home = client.get("/").content.decode()

    assert 'href="/lockouts/"' in home
    assert "登录锁定" in home
    assert "您管理的组织中目前没有被锁定的账户。" in client.get(PAGE).content.decode()


def test_point_2_the_unlock_shows_in_the_auditors_log(client, locked, hd_admin):
    client.force_login(hd_admin)
    client.post(f"/lockouts/{locked['mediator'].pk}/unlock/", {"reason": "本人来电"})
    client.force_login(locked["auditor"])

    log = client.get("/audit/").content.decode()

    assert "解除账号登录锁定" in log and "login_unlocked" not in log  # in words
    assert "本人来电" in log
