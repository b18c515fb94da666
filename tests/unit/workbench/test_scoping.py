import pytest
from django.core.exceptions import PermissionDenied

from cases.models import Membership, Organisation, Role
from cases.models.access import can_act, can_read, nearest_holders, require_can_act, scoped, visible_organisations

pytestmark = pytest.mark.django_db


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_a_haidian_user_sees_nothing_of_chaoyang(orgs, people):
    visible = codes(visible_organisations(people["caseworker"]))
    assert visible == {"BJ-HD", "BJ-HD-ZGC", "BJ-HD-ZGC-01"}
    assert not visible & {"BJ", "BJ-CY", "BJ-CY-JSW", "BJ-CY-JSW-01"}


def test_a_street_mediator_sees_their_street_and_its_enterprises_only(orgs, people):
    assert codes(visible_organisations(people["mediator"])) == {"BJ-HD-ZGC", "BJ-HD-ZGC-01"}


def test_the_city_federation_sees_the_whole_tree(orgs, people):
    assert codes(visible_organisations(people["admin"])) == set(Organisation.objects.values_list("code", flat=True))


def test_scoped_filters_any_queryset_by_its_organisation(orgs, people):
    memberships = scoped(Membership.objects.all(), people["cy_mediator"])
    assert {m.user.username for m in memberships} == {"cy_mediator"}
    assert codes(scoped(Organisation.objects.all(), people["mediator"], via="self")) == {"BJ-HD-ZGC", "BJ-HD-ZGC-01"}


def test_a_user_without_membership_sees_nothing(orgs, make_user):
    assert not visible_organisations(make_user("nobody")).exists()


def test_an_auditor_reads_but_never_acts(orgs, people):
    auditor = people["auditor"]
    assert can_read(auditor, orgs["hd_ent"])
    assert not can_act(auditor, orgs["hd_ent"], [Role.AUDITOR, Role.MEDIATOR])
    with pytest.raises(PermissionDenied, match="审计员只能查阅"):
        require_can_act(auditor, orgs["hd_ent"], [Role.MEDIATOR])


def test_roles_apply_down_the_tree_but_not_across(orgs, people):
    mediator = people["mediator"]
    assert can_act(mediator, orgs["hd_ent"], [Role.MEDIATOR])
    assert not can_act(mediator, orgs["hd"], [Role.MEDIATOR])
    with pytest.raises(PermissionDenied, match="不在您所属组织的范围内"):
        require_can_act(mediator, orgs["cy_ent"], [Role.MEDIATOR])
    with pytest.raises(PermissionDenied, match="调解组长"):
        require_can_act(mediator, orgs["hd_ent"], [Role.MEDIATION_LEAD])


def test_escalations_go_to_the_nearest_holder_of_the_role(orgs, people, make_user):
    assert list(nearest_holders(orgs["hd_ent"], [Role.MEDIATION_LEAD])) == [people["lead"]]
    assert set(nearest_holders(orgs["cy_ent"], [Role.ORG_ADMIN])) == {people["admin"], people["admin2"]}
    enterprise_lead = make_user("ent_lead", orgs["hd_ent"], Role.MEDIATION_LEAD)
    assert list(nearest_holders(orgs["hd_ent"], [Role.MEDIATION_LEAD])) == [enterprise_lead]


def test_the_tree_refuses_a_kind_out_of_place(orgs):
    from django.core.exceptions import ValidationError

    misplaced = Organisation(code="BJ-X", name="错位的企业调委会", kind="enterprise_committee", parent=orgs["bj"])
    with pytest.raises(ValidationError, match="不能直接隶属于"):
        misplaced.full_clean()
