"""Issue 17, point 4: a household member's full ID number is shown only through the audit page's
journalled reveal — asked by an auditor, for a stated reason, naming the member — and the entry
is for auditors' eyes only (point 9). Every other page and the admin show it masked; the one staff
page that shows members' numbers in full, the household editor, journals each opening."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import AuditAction, AuditEvent, HardshipStatus, HouseholdMember
from cases.models.hardship.household import EmploymentStatus, Relation
from tests.hardship_fixtures import file_in_state, household_in_hardship
from tests.unit.security.districts.world import dispute_today

pytestmark = pytest.mark.django_db

HEAD_ID, HEAD_MASKED = "110108197501010017", "110108********0017"
SPOUSE_ID, SPOUSE_MASKED = "110108197803020237", "110108********0237"
NEIGHBOUR_ID = "110105198206110416"
REASON = "核对民政部门反馈的配偶低保记录"


def member(household, name, resident_id, relation=Relation.SPOUSE):
    return HouseholdMember.objects.create(household=household, name=name, relation=relation, resident_id=resident_id,
                                          birth_date=date(1978, 3, 2), employment=EmploymentStatus.UNEMPLOYED)


@pytest.fixture
def file(orgs):
    household = household_in_hardship(orgs["hd"], resident_id=HEAD_ID)
    member(household, "李淑芬", SPOUSE_ID)
    return file_in_state(household, HardshipStatus.OPEN)


@pytest.fixture
def spouse(file):
    return file.household.members.get(name="李淑芬")


@pytest.fixture
def auditor(people):
    return people["auditor"]


def reveal_url(file) -> str:
    return reverse("workbench:audit_reveal", kwargs={"kind": "hardship", "pk": file.pk})


def reveals():
    return AuditEvent.objects.filter(action=AuditAction.SENSITIVE_VIEW, name__startswith="reveal")


def test_point_4_the_audit_timeline_lists_the_members_masked(client, auditor, file):
    client.force_login(auditor)
    page = client.get(reverse("workbench:audit_timeline", kwargs={"kind": "hardship", "pk": file.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "李淑芬" in html and SPOUSE_MASKED in html and SPOUSE_ID not in html and HEAD_ID not in html
    assert 'id="member-reveal-form"' in html
    assert not reveals().exists()


def test_point_4_revealing_a_member_needs_a_reason(client, auditor, file, spouse):
    client.force_login(auditor)
    refused = client.post(reveal_url(file), {"member": spouse.pk, "reason": "  "})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "请填写查看完整身份证号的理由。" in html and SPOUSE_ID not in html
    assert not reveals().exists()


def test_point_4_a_members_reveal_shows_that_number_once_and_journals_which_member(client, auditor, file, spouse):
    client.force_login(auditor)
    shown = client.post(reveal_url(file), {"member": spouse.pk, "reason": REASON})
    html = shown.content.decode()
    assert shown.status_code == 200
    assert f'<strong id="revealed-member-id">{SPOUSE_ID}</strong>' in html
    assert HEAD_ID not in html and HEAD_MASKED in html  # only the named member's number
    assert "no-store" in shown["Cache-Control"]

    event = reveals().get()
    assert (event.actor, event.name, event.reason) == (auditor, "reveal_member_resident_id", REASON)
    assert (event.subject_type, event.subject_id, event.organisation) == ("cases.hardshipfile", str(file.pk),
                                                                          file.organisation)
    assert event.data == {"field": "resident_id", "number": file.number, "member": spouse.pk,
                          "member_name": "李淑芬", "relation": "spouse"}

    later = client.get(reverse("workbench:audit_timeline", kwargs={"kind": "hardship", "pk": file.pk}))
    later_html = later.content.decode()
    assert "查看敏感信息：显示家庭成员完整身份证号（李淑芬）" in later_html and REASON in later_html
    assert SPOUSE_ID not in later_html


def test_point_4_the_heads_reveal_is_unchanged(client, auditor, file):
    client.force_login(auditor)
    shown = client.post(reveal_url(file), {"reason": REASON})
    assert shown.status_code == 200 and HEAD_ID in shown.content.decode()
    assert SPOUSE_ID not in shown.content.decode()
    assert reveals().get().name == "reveal_resident_id"


def test_point_4_a_member_of_another_household_is_not_found(client, auditor, orgs, file):
    client.force_login(auditor)
    neighbours = household_in_hardship(orgs["hd"], name="周国强", resident_id="110108196605050012")
    neighbour = member(neighbours, "吴桂兰", NEIGHBOUR_ID)
    for value in (neighbour.pk, "abc", 999999):
        response = client.post(reveal_url(file), {"member": value, "reason": REASON})
        assert response.status_code == 404
        assert NEIGHBOUR_ID not in response.content.decode()
    assert not reveals().exists()


def test_point_4_a_case_has_no_members_to_reveal(client, auditor, orgs, people, spouse):
    case = dispute_today(orgs["hd_street"], people["mediator"], worker="王秀英", employer="北京某科技有限公司", n=11)
    client.force_login(auditor)
    response = client.post(reverse("workbench:audit_reveal", kwargs={"kind": "disputes", "pk": case.pk}),
                           {"member": spouse.pk, "reason": REASON})
    assert response.status_code == 404 and SPOUSE_ID not in response.content.decode()
    assert not reveals().exists()


def test_point_4_only_auditors_reveal_a_member(client, people, file, spouse):
    for role in ("caseworker", "reviewer", "mediator", "admin"):
        client.force_login(people[role])
        response = client.post(reveal_url(file), {"member": spouse.pk, "reason": REASON})
        assert response.status_code == 403 and SPOUSE_ID not in response.content.decode()
    assert not reveals().exists()


def test_point_4_an_auditor_of_another_district_cannot_reveal_a_member(client, orgs, make_user, file, spouse):
    from cases.models import Role

    client.force_login(make_user("cy_auditor", orgs["cy"], Role.AUDITOR))
    response = client.post(reveal_url(file), {"member": spouse.pk, "reason": REASON})
    assert response.status_code == 404 and SPOUSE_ID not in response.content.decode()
    assert not reveals().exists()


def test_point_9_the_members_reveal_is_not_on_the_caseworkers_timeline(client, people, auditor, file, spouse):
    client.force_login(auditor)
    client.post(reveal_url(file), {"member": spouse.pk, "reason": REASON})
    client.force_login(people["caseworker"])
    timeline = client.get(f"/hardship/files/{file.pk}/?tab=timeline").content.decode()
    assert REASON not in timeline and "hd_auditor" not in timeline and "显示家庭成员完整身份证号" not in timeline
    client.force_login(auditor)
    timeline = client.get(f"/hardship/files/{file.pk}/?tab=timeline").content.decode()
    assert REASON in timeline and "显示家庭成员完整身份证号" in timeline


def test_point_4_the_file_page_and_the_admin_show_members_masked(client, people, file):
    client.force_login(people["caseworker"])
    page = client.get(f"/hardship/files/{file.pk}/").content.decode()
    assert SPOUSE_MASKED in page and SPOUSE_ID not in page and HEAD_ID not in page

    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x-Very-long-1"))
    admin = client.get(reverse("admin:cases_household_change", args=[file.household.pk])).content.decode()
    assert SPOUSE_MASKED in admin and SPOUSE_ID not in admin
    history = client.get(reverse("admin:cases_household_history", args=[file.household.pk])).content.decode()
    assert SPOUSE_ID not in history and HEAD_ID not in history
    assert not reveals().exists()


def test_point_4_the_household_editor_shows_members_in_full_and_journals_each_opening(client, people, file):
    """The caseworker edits the numbers there, so they are shown in full: each opening is journalled."""
    client.force_login(people["caseworker"])
    page = client.get(f"/hardship/files/{file.pk}/household/")
    assert page.status_code == 200 and SPOUSE_ID in page.content.decode()
    opened = AuditEvent.objects.get(action=AuditAction.SENSITIVE_VIEW, name="view_household_editor")
    assert opened.actor == people["caseworker"]
