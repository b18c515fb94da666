"""日程 in the mediation app: the week's sessions for the mediator or their centre, scoped like
every case page; previous and next weeks; printable as a PDF; refused to other roles."""

import io

import pytest
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from cases.models import AuditAction, AuditEvent, Role
from tests.dispute_cases import at

pytestmark = pytest.mark.django_db
PAGE = "/dispute/schedule/"


def open_schedule(client, user, query="", moment="2026-11-04"):
    client.force_login(user)
    with freeze_time(at(moment, 8)):
        response = client.get(PAGE + query)
    assert response.status_code == 200
    return response


def listed(response) -> list[int]:
    return [entry.session.pk for day in response.context["days"] for entry in day.entries]


def pks(week, *keys) -> list[int]:
    return [week["sessions"][key].pk for key in keys]


def test_a_mediator_opens_on_their_own_week(client, week, mediators):
    response = open_schedule(client, mediators["mediator"])
    assert response.context["scope"] == "mine"
    assert listed(response) == pks(week, "held", "scheduled", "cancelled")  # in time order
    assert [day.day.isoformat() for day in response.context["days"]] == [
        "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07", "2026-11-08"]
    page = response.content.decode()
    assert "2026年11月2日至2026年11月8日" in page
    wang = week["cases"]["wang"]
    assert wang.number in page and "王秀英" in page and "北京某科技有限公司" in page and "李娜" in page
    assert "14:30" in page and "中关村街道调解中心第二调解室" in page
    states = {entry.session.pk: entry.state_label for day in response.context["days"] for entry in day.entries}
    assert states == dict(zip(pks(week, "held", "scheduled", "cancelled"), ["已举行", "已安排", "已取消"], strict=True))


def test_the_centre_toggle_shows_every_session_of_the_centre_and_nothing_beyond(client, week, mediators):
    response = open_schedule(client, mediators["mediator"], "?week=2026-11-02&scope=centre")
    assert listed(response) == pks(week, "held", "second_mediator", "scheduled", "cancelled")
    assert "赵敏" in response.content.decode()
    assert "建外街道调解中心" not in response.content.decode()  # Chaoyang's session stays out
    assert "中关村街道调解中心" in response.context["scope_label"]


def test_a_lead_opens_on_the_centre(client, week, people):
    response = open_schedule(client, people["lead"])
    assert response.context["scope"] == "centre"
    assert listed(response) == pks(week, "held", "second_mediator", "scheduled", "cancelled")
    mine = open_schedule(client, people["lead"], "?scope=mine")
    assert listed(mine) == []  # the lead mediates none of them


def test_the_chaoyang_lead_sees_only_chaoyang(client, week, mediators):
    response = open_schedule(client, mediators["cy_lead"])
    assert listed(response) == pks(week, "chaoyang")


def test_previous_and_next_week(client, week, mediators):
    response = open_schedule(client, mediators["mediator"])
    assert response.context["next_url"] == PAGE + "?week=2026-11-09&scope=mine"
    assert response.context["previous_url"] == PAGE + "?week=2026-10-26&scope=mine"
    assert response.context["this_week"] is True

    following = open_schedule(client, mediators["mediator"], "?week=2026-11-09&scope=mine")
    assert listed(following) == pks(week, "next_week")
    assert following.context["this_week"] is False
    assert following.context["current_url"] == PAGE + "?week=2026-11-02&scope=mine"
    assert listed(open_schedule(client, mediators["mediator"], "?week=2026-10-26")) == []
    # any day of a week opens that week
    assert listed(open_schedule(client, mediators["mediator"], "?week=2026-11-12")) == pks(week, "next_week")


def test_a_week_that_cannot_be_read_opens_this_week(client, week, mediators):
    response = open_schedule(client, mediators["mediator"], "?week=2026-13-45&scope=sideways")
    assert response.context["monday"].isoformat() == "2026-11-02"
    assert response.context["scope"] == "mine"
    for week_asked in ("0001-01-01", "9999-12-31"):  # a week at the calendar's ends would overflow
        assert open_schedule(client, mediators["mediator"], f"?week={week_asked}").context["monday"].isoformat() \
            == "2026-11-02"


@pytest.mark.parametrize("role", ["caseworker", "reviewer", "auditor", "admin"])
def test_other_roles_are_refused(client, people, role):
    client.force_login(people[role])
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("dispute:schedule_pdf")).status_code == 403


def test_strangers_are_refused(client, people):
    assert client.get(PAGE).status_code in (302, 403)
    assert client.get(reverse("dispute:schedule_pdf")).status_code in (302, 403)
    assert not AuditEvent.objects.filter(name="export_schedule_pdf").exists()


@pytest.mark.parametrize("who", ["mediator", "lead"])
def test_the_mediation_app_menu_offers_the_schedule_to_mediators_and_leads(client, people, who):
    client.force_login(people[who])
    page = client.get(reverse("dispute:inbox")).content.decode()
    assert f'href="{PAGE}"' in page and "日程" in page


def test_the_menu_does_not_offer_it_to_an_auditor(client, people):
    client.force_login(people["auditor"])
    response = client.get(reverse("dispute:inbox"))
    assert response.status_code == 200
    assert f'href="{PAGE}"' not in response.content.decode()


def test_the_address_is_offered_once_issued(client, week, mediators):
    response = open_schedule(client, mediators["mediator"])
    assert response.context["feed"] is None and "生成订阅地址" in response.content.decode()
    with freeze_time(at("2026-11-04", 8)):  # the session's idle clock runs on the page's time
        assert client.post(reverse("dispute:schedule_feed")).status_code == 302
    response = open_schedule(client, mediators["mediator"])
    token = response.context["feed"].token
    assert f'value="http://testserver/calendar/{token}.ics"' in response.content.decode()


def test_the_week_prints_as_a_pdf_and_the_export_is_journalled(client, week, people):
    client.force_login(people["lead"])
    with freeze_time(at("2026-11-04", 8)):
        response = client.get(reverse("dispute:schedule_pdf") + "?week=2026-11-02&scope=centre")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1
    for expected in (week["cases"]["wang"].number, week["cases"]["liu"].number, "赵敏", "无调解安排", "已取消"):
        assert expected in text
    assert week["cases"]["chen"].number not in text
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, name="export_schedule_pdf")
    assert event.data == {"week": "2026-11-02", "scope": "centre", "sessions": 4}


def test_a_mediator_of_an_enterprise_committee_sees_their_committee_only(client, week, orgs, make_user):
    committee = make_user("ent_mediator", orgs["hd_ent"], Role.MEDIATOR)
    response = open_schedule(client, committee, "?scope=centre")
    assert listed(response) == []  # the street centre above is not theirs


def test_a_mediator_prints_their_own_week(client, week, mediators):
    client.force_login(mediators["mediator"])
    with freeze_time(at("2026-11-04", 8)):
        response = client.get(reverse("dispute:schedule_pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "我的日程" in text and week["cases"]["wang"].number in text
    assert week["cases"]["liu"].number not in text  # the second mediator's session is not theirs
