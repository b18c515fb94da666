"""manage.py seed_demo: the Beijing demo tree and one account per role, idempotently."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from cases.models import Membership, Organisation, OrganisationKind, Role
from cases.models.access import visible_organisations

pytestmark = pytest.mark.django_db

EXPECTED_USERS = {
    "mediator": (Role.MEDIATOR, "BJ-HD-ZGC"),
    "lead": (Role.MEDIATION_LEAD, "BJ-HD-ZGC"),
    "caseworker": (Role.HARDSHIP_CASEWORKER, "BJ-HD"),
    "caseworker2": (Role.HARDSHIP_CASEWORKER, "BJ-HD"),
    "reviewer": (Role.REVIEWER, "BJ-HD"),
    "reviewer2": (Role.REVIEWER, "BJ-HD"),
    "auditor": (Role.AUDITOR, "BJ-HD"),
    "orgadmin": (Role.ORG_ADMIN, "BJ"),
}


def seed():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def snapshot():
    User = get_user_model()
    return (
        list(Organisation.objects.order_by("code").values_list("code", "name", "kind", "parent__code", "path")),
        list(User.objects.order_by("username").values_list("username", "first_name", "password", "is_superuser")),
        list(Membership.objects.order_by("user__username").values_list("user__username", "organisation__code", "role")),
    )


def test_seeds_the_beijing_tree():
    seed()
    kinds = dict(Organisation.objects.values_list("code", "kind"))
    assert len(kinds) == 11
    assert kinds["BJ"] == OrganisationKind.CITY_FEDERATION
    assert {code for code, kind in kinds.items() if kind == OrganisationKind.DISTRICT_FEDERATION} == {"BJ-HD", "BJ-CY"}
    assert {code for code, kind in kinds.items() if kind == OrganisationKind.STREET_CENTRE} == {
        "BJ-HD-ZGC", "BJ-HD-XYL", "BJ-CY-JW", "BJ-CY-WJ",
    }
    committees = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE_COMMITTEE)
    assert committees.count() == 4
    for committee in committees:
        assert committee.parent.kind == OrganisationKind.STREET_CENTRE
        assert committee.name.endswith("劳动争议调解委员会")
    zgc = Organisation.objects.get(code="BJ-HD-ZGC")
    assert zgc.name == "中关村街道劳动争议调解中心"
    # The materialised path was computed by the model's save().
    assert zgc.path == f"/{zgc.parent.parent.pk}/{zgc.parent.pk}/{zgc.pk}/"


def test_one_demo_user_per_role_with_a_chinese_name_and_a_working_password():
    seed()
    User = get_user_model()
    for username, (role, code) in EXPECTED_USERS.items():
        user = User.objects.get(username=username)
        assert list(user.memberships.values_list("role", "organisation__code")) == [(role, code)]
        assert user.check_password(f"demo-{username}-2026")
        assert user.first_name and all("\u4e00" <= ch <= "\u9fff" for ch in user.first_name)
        assert not user.is_staff and not user.is_superuser
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("demo-admin-2026")
    assert not admin.memberships.exists()


def test_demo_users_see_what_their_placement_implies():
    seed()
    User = get_user_model()

    def codes(username):
        return set(visible_organisations(User.objects.get(username=username)).values_list("code", flat=True))

    assert codes("mediator") == {"BJ-HD-ZGC", "BJ-HD-ZGC-E01"}
    assert codes("auditor") == {"BJ-HD", "BJ-HD-ZGC", "BJ-HD-XYL", "BJ-HD-ZGC-E01", "BJ-HD-XYL-E01"}
    assert len(codes("orgadmin")) == 11


def test_running_twice_changes_nothing_and_prints_the_same():
    first_output = seed()
    first = snapshot()
    second_output = seed()
    assert snapshot() == first
    assert second_output == first_output
    for username in [*EXPECTED_USERS, "admin"]:
        assert f"{username} | " in first_output
    assert "demo-mediator-2026" in first_output


def test_a_changed_password_is_not_reset_by_a_rerun():
    seed()
    mediator = get_user_model().objects.get(username="mediator")
    mediator.set_password("my-own-secret-2026")
    mediator.save()
    seed()
    mediator.refresh_from_db()
    assert mediator.check_password("my-own-secret-2026")


def test_refuses_without_force_when_debug_is_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not Organisation.objects.exists()


def test_seeds_hardship_demo_data_once():
    from cases.models import Fund, HardshipFile, HardshipParameters, MinimumLivingStandard

    seed()
    seed()
    assert MinimumLivingStandard.objects.filter(region_code="110108", year=2025).exists()
    # Each demo 低保 standard has its assessment parameters beside it (2 × 低保, 80%, medical and education).
    assert sorted(HardshipParameters.objects.values_list("region_code", "year", "relative_multiple")) == [
        (region, year, Decimal("2.00")) for region in ("110105", "110108") for year in (2025, 2026)]
    # The aid types' funds for the aid plans (the programmes' fund lines: tests/unit/hardship/programmes/test_demo.py).
    assert sorted(Fund.objects.filter(programme="").values_list("aid_type", flat=True)) == [
        "employment", "living", "medical", "schooling"]
    assert Fund.objects.get(aid_type="living", programme="").balance() == 200000
    file = HardshipFile.objects.get(household__head__name="周建华")
    assert file.status == "identified" and file.household.members.count() == 3
    assert [t.flow_task.name for t in file.process.task_set.filter(finished__isnull=True)] == ["take_application"]
