"""A user's roles read once per unit of work (a flow step and its transition), and read afresh
as soon as a membership changes."""

import pytest

from cases.models import Membership, Role
from cases.models.access import roles_in, roles_read_once

pytestmark = pytest.mark.django_db


def test_within_a_unit_of_work_the_roles_are_read_once(orgs, people, django_assert_num_queries):
    with roles_read_once():
        with django_assert_num_queries(1):
            assert roles_in(people["mediator"], orgs["hd_ent"]) == {Role.MEDIATOR}
            assert roles_in(people["mediator"], orgs["hd_ent"]) == {Role.MEDIATOR}
        with django_assert_num_queries(1):  # another organisation's lineage is another question
            assert roles_in(people["mediator"], orgs["cy_ent"]) == set()
    with django_assert_num_queries(2):  # outside one, every call reads
        roles_in(people["mediator"], orgs["hd_ent"])
        roles_in(people["mediator"], orgs["hd_ent"])


def test_a_membership_granted_or_revoked_meanwhile_is_seen_at_once(orgs, people):
    mediator = people["mediator"]
    with roles_read_once():
        assert roles_in(mediator, orgs["cy_ent"]) == set()
        granted = Membership.objects.create(user=mediator, organisation=orgs["cy_street"], role=Role.MEDIATOR)
        assert roles_in(mediator, orgs["cy_ent"]) == {Role.MEDIATOR}
        granted.delete()
        assert roles_in(mediator, orgs["cy_ent"]) == set()


def test_a_caller_changing_the_roles_it_was_given_changes_nothing_read_later(orgs, people):
    with roles_read_once():
        roles_in(people["mediator"], orgs["hd_ent"]).add(Role.AUDITOR)
        assert roles_in(people["mediator"], orgs["hd_ent"]) == {Role.MEDIATOR}

