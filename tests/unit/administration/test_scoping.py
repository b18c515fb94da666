"""An organisation admin reaches their own subtree only: another district's people, organisations,
regions, funds and schedules are 404s, refused choices or absent from every list."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import AidType, DayKind, Fund, Membership, MinimumLivingStandard, Organisation, Role
from cases.models.actors import system
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule

from .conftest import journalled


@pytest.mark.parametrize("action", ["update", "add_role", "remove_role", "deactivate", "reactivate",
                                    "reset_password", "unlock"])
def test_another_districts_person_is_not_found(client, people, hd_admin, action):
    cy_mediator = people["cy_mediator"]
    assert client.get(reverse("orgadmin:person", args=[cy_mediator.pk])).status_code == 404
    response = client.post(reverse("orgadmin:person_action", args=[cy_mediator.pk, action]),
                           {"reason": "x", "full_name": "x"})
    assert response.status_code == 404
    cy_mediator.refresh_from_db()
    assert cy_mediator.is_active and cy_mediator.first_name == ""


def test_lists_and_choices_hold_only_the_own_district(client, orgs, people, hd_admin):
    people_page = client.get(reverse("orgadmin:people")).content.decode()
    assert 'data-username="hd_mediator"' in people_page and 'data-username="cy_mediator"' not in people_page
    tree = client.get(reverse("orgadmin:organisations")).content.decode()
    assert 'data-code="BJ-HD-ZGC"' in tree and 'data-code="BJ-CY"' not in tree and 'data-code="BJ"' not in tree
    new_person = client.get(reverse("orgadmin:person_new")).content.decode()
    assert orgs["hd_street"].name in new_person and orgs["cy_street"].name not in new_person


@pytest.mark.parametrize("url_name", ["organisation", "organisation_action"])
def test_another_districts_organisation_is_not_found(client, orgs, hd_admin, url_name):
    args = [orgs["cy_street"].pk] + (["deactivate"] if url_name == "organisation_action" else [])
    response = client.post(reverse(f"orgadmin:{url_name}", args=args), {"reason": "x"})
    assert response.status_code == (404 if url_name == "organisation_action" else 405)
    assert client.get(reverse("orgadmin:organisation", args=[orgs["cy_street"].pk])).status_code == 404
    assert Organisation.objects.get(pk=orgs["cy_street"].pk).is_active


def test_nothing_is_created_in_another_district(client, orgs, people, hd_admin):
    refused = "请选择您所管理的、在用的组织"
    response = client.post(reverse("orgadmin:person_new"), {
        "full_name": "越界", "username": "elsewhere", "organisation": orgs["cy_street"].pk, "roles": [Role.MEDIATOR]})
    assert refused in response.content.decode()
    response = client.post(reverse("orgadmin:person_action", args=[people["mediator"].pk, "add_role"]),
                           {"organisation": orgs["cy_street"].pk, "role": Role.MEDIATOR})
    assert refused in response.content.decode()
    response = client.post(reverse("orgadmin:organisation_new"), {
        "parent": orgs["cy"].pk, "name": "越界中心", "code": "BJ-CY-X"})
    assert refused in response.content.decode()
    response = client.post(reverse("orgadmin:funds"), {
        "organisation": orgs["cy"].pk, "year": 2026, "aid_type": AidType.LIVING, "name": "越界资金", "budget": "1"})
    assert refused in response.content.decode()
    assert not get_user_model().objects.filter(username="elsewhere").exists()
    assert not Organisation.objects.filter(code="BJ-CY-X").exists() and not Fund.objects.exists()
    assert not Membership.objects.filter(user=people["mediator"], organisation=orgs["cy_street"]).exists()
    assert journalled("user_created") + journalled("membership_added") + journalled("organisation_created") == []


def test_another_regions_standards_are_neither_shown_nor_entered(client, hd_admin):
    MinimumLivingStandard.objects.create(region_code="110105", year=2026, monthly_amount=Decimal("1500.00"))
    MinimumLivingStandard.objects.create(region_code="110108", year=2026, monthly_amount=Decimal("1450.00"))
    page = client.get(reverse("orgadmin:standards")).content.decode()
    assert "110108" in page and "¥1,450.00" in page and "¥1,500.00" not in page
    response = client.post(reverse("orgadmin:standards"), {
        "form": "standard", "standard-region_code": "110105", "standard-year": 2027,
        "standard-monthly_amount": "1600"})
    assert "行政区划代码 110105 不在您所管理组织的地区之内" in response.content.decode()
    assert not MinimumLivingStandard.objects.filter(year=2027).exists()


def test_another_districts_schedule_and_funds_are_out_of_reach(client, orgs, hd_admin):
    schedule = propose_schedule(year=2027, entries=[ScheduleEntry(date(2027, 1, 1), DayKind.HOLIDAY)],
                                organisation=orgs["cy"], by=system("test"))
    assert client.get(reverse("orgadmin:schedule", args=[schedule.pk])).status_code == 404
    assert client.post(reverse("orgadmin:schedule", args=[schedule.pk]), {"decision": "reject", "reason": "x"}) \
        .status_code == 404
    Fund.objects.create(organisation=orgs["cy"], year=2026, aid_type=AidType.LIVING, name="朝阳区生活救助资金")
    assert "朝阳区生活救助资金" not in client.get(reverse("orgadmin:funds")).content.decode()


def test_someone_who_also_works_elsewhere_is_managed_by_a_common_higher_admin(client, orgs, people, districts):
    Membership.objects.create(user=people["mediator"], organisation=orgs["cy_street"], role=Role.MEDIATOR)
    client.force_login(districts["hd_admin"])
    page = client.get(reverse("orgadmin:person", args=[people["mediator"].pk])).content.decode()
    assert "该用户还在您管理范围以外的组织任职" in page and orgs["cy_street"].name not in page
    client.post(reverse("orgadmin:person_action", args=[people["mediator"].pk, "reset_password"]))
    client.post(reverse("orgadmin:person_action", args=[people["mediator"].pk, "update"]), {"full_name": "改名"})
    people["mediator"].refresh_from_db()
    assert journalled("password_reset") + journalled("user_updated") == [] and people["mediator"].first_name == ""
    client.force_login(people["admin"])  # 北京市总工会's admin reaches both districts
    response = client.post(reverse("orgadmin:person_action", args=[people["mediator"].pk, "reset_password"]))
    assert response.status_code == 200 and len(journalled("password_reset")) == 1


def test_peer_admins_do_not_manage_each_other(client, people, districts):
    client.force_login(people["admin"])
    page = client.get(reverse("orgadmin:person", args=[people["admin2"].pk])).content.decode()
    assert "该用户是与您同级的组织管理员" in page
    client.post(reverse("orgadmin:person_action", args=[people["admin2"].pk, "deactivate"]), {"reason": "x"})
    people["admin2"].refresh_from_db()
    assert people["admin2"].is_active
    # The district admins below them are theirs to manage.
    client.post(reverse("orgadmin:person_action", args=[districts["cy_admin"].pk, "deactivate"]), {"reason": "调离"})
    districts["cy_admin"].refresh_from_db()
    assert not districts["cy_admin"].is_active
