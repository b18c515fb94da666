"""The workers' pages open without a staff login, for anyone, from their own menu; a signed-in
staff member sees the same pages (nothing of the workbench)."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ("/public/", "/public/apply/", "/public/progress/", "/public/hardship/")


@pytest.mark.parametrize("who", [None, "mediator", "caseworker", "auditor"])
def test_every_page_of_the_menu_opens_for_anyone(client, people, who):
    if who:
        client.force_login(people[who])
    for page in PAGES:
        response = client.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        for link in PAGES[1:]:
            assert f'href="{link}"' in html  # the menu
        assert 'name="viewport"' in html and "/static/public/public.css" in html
        assert "/cases/" not in html and "/accounts/login/" not in html


def test_the_index_offers_the_three_services(client, db):
    html = client.get("/public/").content.decode()
    for service in ("在线申请调解", "案件进度查询", "困难职工帮扶申请"):
        assert service in html
