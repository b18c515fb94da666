"""People and roles: an admin creates an account (its temporary password shown once), gives and
takes roles, corrects details, deactivates and reactivates, resets a password and unlocks; each
change is in the audit journal, and its holder must replace a temporary password first."""

import re

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditAction, Membership, Role, TemporaryPassword
from cases.selectors import EVENT_NAMES

from .conftest import journalled

User = get_user_model()


def issued_password(response) -> str:
    return re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)


def create(client, orgs, **data):
    form = {"full_name": "周调解", "username": "zhou", "organisation": orgs["hd_street"].pk,
            "roles": [Role.MEDIATOR], "mobile": "13800138000", "email": ""}
    form.update(data)
    return client.post(reverse("orgadmin:person_new"), form)


def act(client, person, action, **data):
    return client.post(reverse("orgadmin:person_action", args=[person.pk, action]), data)


def test_a_new_account_has_its_roles_and_a_temporary_password_shown_once_and_journalled(client, orgs, hd_admin):
    response = create(client, orgs)
    assert response.status_code == 200
    password = issued_password(response)
    user = User.objects.get(username="zhou")
    assert user.first_name == "周调解" and user.check_password(password) and len(password) == 12
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (orgs["hd_street"].pk, Role.MEDIATOR)]
    assert TemporaryPassword.objects.get(user=user).issued_by == hd_admin
    [event] = journalled("user_created")
    assert (event.actor, event.action, event.organisation, event.subject_id) == (
        hd_admin, AuditAction.RECORD_CHANGED, orgs["hd_street"], str(user.pk))
    assert event.data["roles"] == [Role.MEDIATOR] and password not in str(event.data)
    assert str(EVENT_NAMES["user_created"]) == "新建账户"
    # Shown once: the account's page never shows it again.
    assert password not in client.get(reverse("orgadmin:person", args=[user.pk])).content.decode()


def test_bad_input_is_refused_in_chinese_and_nothing_is_created(client, orgs, people, hd_admin):
    response = create(client, orgs, username="hd_mediator", roles=[], full_name="", mobile="12345")
    html = response.content.decode()
    for message in ("用户名“hd_mediator”已被使用", "请至少选择一个角色", "请填写姓名", "手机号码应为以1开头的11位数字"):
        assert message in html
    response = create(client, orgs, organisation=orgs["hd_street"].pk, roles=[Role.REVIEWER])
    assert "不承担困难职工帮扶工作" in response.content.decode()
    assert not User.objects.filter(username="zhou").exists() and journalled("user_created") == []


def test_an_admin_appoints_admins_below_their_own_organisation_only(client, orgs, districts, hd_admin):
    assert "只能在您所管理组织的下级组织任命组织管理员" in create(
        client, orgs, organisation=orgs["hd"].pk, roles=[Role.ORG_ADMIN]).content.decode()
    create(client, orgs, organisation=orgs["hd_street"].pk, roles=[Role.ORG_ADMIN])
    assert Membership.objects.filter(user__username="zhou", role=Role.ORG_ADMIN).exists()


def test_roles_are_given_and_taken_and_the_last_one_stays(client, orgs, people, hd_admin):
    mediator = people["mediator"]
    response = act(client, mediator, "add_role", organisation=orgs["hd_ent"].pk, role=Role.MEDIATION_LEAD)
    assert response.status_code == 302
    added = Membership.objects.get(user=mediator, role=Role.MEDIATION_LEAD)
    [event] = journalled("membership_added")
    assert (event.organisation, event.data["role"]) == (orgs["hd_ent"], Role.MEDIATION_LEAD)

    act(client, mediator, "remove_role", membership=added.pk, reason="调岗")
    assert not Membership.objects.filter(pk=added.pk).exists()
    [event] = journalled("membership_removed")
    assert (event.reason, event.data["role"]) == ("调岗", Role.MEDIATION_LEAD)

    last = Membership.objects.get(user=mediator)
    response = act(client, mediator, "remove_role", membership=last.pk)
    assert "这是该用户唯一的角色，不能撤销" in response.content.decode()
    assert Membership.objects.filter(pk=last.pk).exists()


def test_details_are_corrected_and_journalled(client, people, hd_admin):
    act(client, people["mediator"], "update", full_name="李新名", mobile="13900139000", email="li@example.com")
    people["mediator"].refresh_from_db()
    assert (people["mediator"].first_name, people["mediator"].email) == ("李新名", "li@example.com")
    [event] = journalled("user_updated")
    assert event.data["fields"] == ["name", "email", "mobile"] and event.data["name"] == ["", "李新名"]


def test_deactivating_asks_why_and_both_directions_are_journalled(client, people, hd_admin):
    mediator = people["mediator"]
    response = act(client, mediator, "deactivate", reason="")
    assert "请填写停用理由" in response.content.decode()
    mediator.refresh_from_db()
    assert mediator.is_active

    act(client, mediator, "deactivate", reason="调离")
    mediator.refresh_from_db()
    assert not mediator.is_active
    act(client, mediator, "reactivate")
    mediator.refresh_from_db()
    assert mediator.is_active
    assert [(e.name, e.reason) for e in journalled("user_deactivated") + journalled("user_reactivated")] == [
        ("user_deactivated", "调离"), ("user_reactivated", "")]


def test_a_deactivated_person_is_signed_out(client, people, hd_admin):
    from django.test import Client

    theirs = Client()
    theirs.force_login(people["mediator"])
    assert theirs.get(reverse("workbench:index")).status_code == 200
    act(client, people["mediator"], "deactivate", reason="离职")
    assert theirs.get(reverse("workbench:index")).status_code == 302


def test_a_reset_password_is_temporary_and_journalled_without_the_password(client, people, hd_admin):
    mediator = people["mediator"]
    response = act(client, mediator, "reset_password", reason="本人忘记密码")
    password = issued_password(response)
    mediator.refresh_from_db()
    assert mediator.check_password(password) and TemporaryPassword.objects.filter(user=mediator).exists()
    [event] = journalled("password_reset")
    assert (event.actor, event.reason, event.organisation) == (hd_admin, "本人忘记密码", mediator.memberships.get().organisation)
    assert password not in str(event.data)


def test_the_holder_of_a_temporary_password_must_replace_it_first(client, people, hd_admin):
    from django.test import Client

    mediator = people["mediator"]
    password = issued_password(act(client, mediator, "reset_password"))
    theirs = Client()
    assert theirs.login(username="hd_mediator", password=password)
    response = theirs.get(reverse("workbench:index"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert "临时密码" in theirs.get(reverse("password_change")).content.decode()

    response = theirs.post(reverse("password_change"), {
        "old_password": password, "new_password1": "Mediation-own-2027", "new_password2": "Mediation-own-2027"})
    assert response.status_code == 302
    assert not TemporaryPassword.objects.filter(user=mediator).exists()
    assert theirs.get(reverse("workbench:index")).status_code == 200
    [event] = journalled("temporary_password_replaced")
    assert event.actor == mediator


def test_a_locked_account_is_unlocked_and_journalled(client, people, hd_admin, settings):
    AccessAttempt.objects.create(username="hd_mediator", ip_address="10.0.0.9", user_agent="test",
                                 failures_since_start=settings.AXES_FAILURE_LIMIT, attempt_time=timezone.now())
    page = client.get(reverse("orgadmin:person", args=[people["mediator"].pk])).content.decode()
    assert 'id="lockout"' in page and "10.0.0.9" in page
    act(client, people["mediator"], "unlock", reason="本人来电确认")
    assert not AccessAttempt.objects.filter(username="hd_mediator").exists()
    [event] = journalled("login_unlocked")
    assert (event.actor, event.reason) == (hd_admin, "本人来电确认")


def test_an_admin_does_not_deactivate_or_reset_themselves(client, districts, hd_admin):
    page = client.get(reverse("orgadmin:person", args=[hd_admin.pk])).content.decode()
    assert "不能在这里停用或重设您本人的账户" in page
    act(client, hd_admin, "deactivate", reason="x")
    hd_admin.refresh_from_db()
    assert hd_admin.is_active and journalled("user_deactivated") == []


def test_the_audit_log_shows_the_admins_changes_in_words(client, orgs, people, hd_admin):
    create(client, orgs)
    act(client, people["mediator"], "reset_password", reason="本人忘记密码")
    client.force_login(people["auditor"])  # 海淀区总工会's auditor
    html = client.get(reverse("workbench:audit_search")).content.decode()
    assert "资料变更：新建账户" in html and "资料变更：重设密码（临时密码）" in html
    assert "user_created" not in html and "password_reset" not in html
