"""What a page asks about its user, read once per user object (workflows/page_scope.py): the same
answers as the queries it replaces, and read again as soon as a membership or an organisation
changes."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cases.models import Membership, Organisation, OrganisationKind, Role
from workflows.dispute.flow import DISPUTE_READERS, organisations_where
from workflows.hardship.flow import HARDSHIP_READERS
from workflows.page_scope import Ids, holds_any, organisation_ids

pytestmark = pytest.mark.django_db

CASE_HANDLERS = (Role.MEDIATOR, Role.MEDIATION_LEAD)


def expected_ids(user, roles) -> set[int]:
    return set(organisations_where(user, roles).values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["mediator", "lead", "auditor", "caseworker", "admin", "cy_mediator"])
@pytest.mark.parametrize("roles", [CASE_HANDLERS, DISPUTE_READERS, HARDSHIP_READERS])
def test_the_ids_and_the_role_check_answer_as_the_queries_they_replace(people, who, roles):
    user = people[who]
    assert set(organisation_ids(user, roles).values) == expected_ids(user, roles)
    assert holds_any(user, roles) == user.memberships.filter(role__in=roles).exists()


def test_a_superuser_reads_every_organisation_and_nobody_signed_out_any(orgs, make_user):
    root = make_user("root", orgs["bj"], Role.ORG_ADMIN)
    root.is_superuser = True
    assert set(organisation_ids(root, CASE_HANDLERS).values) == set(Organisation.objects.values_list("pk", flat=True))
    root.is_active = False
    assert organisation_ids(root, CASE_HANDLERS) == Ids(()) and not holds_any(root, CASE_HANDLERS)
    assert organisation_ids(AnonymousUser(), CASE_HANDLERS) == Ids(()) and not holds_any(AnonymousUser(), CASE_HANDLERS)


def test_one_user_object_reads_its_memberships_and_subtrees_once(people, django_assert_num_queries):
    mediator = people["mediator"]
    with django_assert_num_queries(2):  # the memberships with their organisations, one subtree
        holds_any(mediator, DISPUTE_READERS)
        organisation_ids(mediator, CASE_HANDLERS)
        organisation_ids(mediator, DISPUTE_READERS)  # the same roots: the same subtree
        holds_any(mediator, HARDSHIP_READERS)
    with django_assert_num_queries(0):
        organisation_ids(mediator, CASE_HANDLERS)


def test_a_membership_or_an_organisation_changed_meanwhile_is_seen_at_once(orgs, people):
    mediator = people["mediator"]
    before = set(organisation_ids(mediator, CASE_HANDLERS).values)
    granted = Membership.objects.create(user=mediator, organisation=orgs["cy_street"], role=Role.MEDIATOR)
    assert set(organisation_ids(mediator, CASE_HANDLERS).values) == before | expected_ids_of(orgs["cy_street"])
    granted.delete()
    assert set(organisation_ids(mediator, CASE_HANDLERS).values) == before
    assert not holds_any(mediator, HARDSHIP_READERS)
    Membership.objects.create(user=mediator, organisation=orgs["hd"], role=Role.REVIEWER)
    assert holds_any(mediator, HARDSHIP_READERS)
    committee = Organisation.objects.create(code="BJ-HD-S1-E9", name="新企业调解委员会",
                                            kind=OrganisationKind.ENTERPRISE_COMMITTEE, parent=orgs["hd_street"])
    assert committee.pk in organisation_ids(mediator, CASE_HANDLERS).values


def expected_ids_of(root) -> set[int]:
    return set(Organisation.objects.subtree_of([root]).values_list("pk", flat=True))
