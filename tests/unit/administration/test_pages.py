"""Every page of 组织管理 opens for an organisation admin, is refused to a mediator (403) and
sends the signed-out to the sign-in page; the admin's home and menu lead to each of them."""

import re
from datetime import date

from django.urls import reverse

from cases.models import DayKind, Role
from cases.models.actors import system
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule


def page_urls(orgs, people) -> dict[str, str]:
    schedule = propose_schedule(year=2027, entries=[ScheduleEntry(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")],
                                organisation=orgs["hd"], by=system("test"))
    return {
        "概览": reverse("orgadmin:index"),
        "人员与角色": reverse("orgadmin:people"),
        "新建账户": reverse("orgadmin:person_new"),
        "人员": reverse("orgadmin:person", args=[people["mediator"].pk]),
        "组织": reverse("orgadmin:organisations"),
        "新建下级组织": reverse("orgadmin:organisation_new"),
        "组织详情": reverse("orgadmin:organisation", args=[orgs["hd_street"].pk]),
        "资金与预算": reverse("orgadmin:funds"),
        "低保标准与认定参数": reverse("orgadmin:standards"),
        "节假日安排": reverse("orgadmin:schedules"),
        "节假日安排详情": reverse("orgadmin:schedule", args=[schedule.pk]),
    }


def test_each_page_opens_for_the_organisation_admin(client, orgs, people, hd_admin):
    for title, url in page_urls(orgs, people).items():
        response = client.get(url)
        assert response.status_code == 200, title
        assert "组织管理" in response.content.decode(), title


def test_each_page_is_refused_to_a_mediator_and_to_an_auditor(client, orgs, people, districts):
    urls = page_urls(orgs, people)
    for who in ("mediator", "auditor"):
        client.force_login(people[who])
        for title, url in urls.items():
            assert client.get(url).status_code == 403, (who, title)
            assert client.post(url, {}).status_code == 403, (who, title)


def test_each_page_sends_the_signed_out_to_sign_in(client, orgs, people, districts):
    for title, url in page_urls(orgs, people).items():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), title


def test_the_menu_shows_the_application_to_admins_only(client, people, districts):
    client.force_login(districts["hd_admin"])
    assert 'href="/orgadmin/"' in client.get(reverse("workbench:index")).content.decode()
    client.force_login(people["mediator"])
    assert 'href="/orgadmin/"' not in client.get(reverse("workbench:index")).content.decode()


def test_the_admins_home_links_every_page_and_each_organisation(client, orgs, hd_admin):
    html = client.get(reverse("workbench:index")).content.decode()
    card = html[html.index('data-role="org_admin"'):]
    for name in ("orgadmin:index", "orgadmin:people", "orgadmin:organisations", "orgadmin:funds",
                 "orgadmin:standards", "orgadmin:schedules", "workbench:lockout_list"):
        assert f'href="{reverse(name)}"' in card, name
    for key in ("hd", "hd_street", "hd_ent"):
        assert f'href="{reverse("orgadmin:organisation", args=[orgs[key].pk])}"' in card, key
    assert reverse("orgadmin:organisation", args=[orgs["cy"].pk]) not in card


def test_a_superuser_reaches_every_organisation(client, orgs, make_user):
    admin = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(reverse("orgadmin:organisations")).content.decode()
    assert all(f'data-code="{org.code}"' in html for org in orgs.values())


def test_the_people_list_names_roles_and_status(client, people, hd_admin):
    people["mediator"].is_active = False
    people["mediator"].save()
    html = client.get(reverse("orgadmin:people"), {"status": "inactive"}).content.decode()
    assert re.search(r'data-username="hd_mediator"[^>]*class="uc-inactive"', html)
    assert "中关村街道调解中心 · " + str(Role.MEDIATOR.label) in html
    assert 'data-username="hd_caseworker"' not in html
