"""Fixtures of the security tests: 海淀 staff of every role, and 朝阳's records (world.py)."""

import pytest

from cases.models import Role
from tests.unit.security.districts.world import Chaoyang, build_chaoyang


@pytest.fixture
def staff(orgs, make_user):
    """One 海淀 user per role (the org admin of the district, not of the city)."""
    return {
        "mediator": make_user("hd_mediator", orgs["hd_street"], Role.MEDIATOR),
        "lead": make_user("hd_lead", orgs["hd_street"], Role.MEDIATION_LEAD),
        "caseworker": make_user("hd_caseworker", orgs["hd"], Role.HARDSHIP_CASEWORKER),
        "reviewer": make_user("hd_reviewer", orgs["hd"], Role.REVIEWER),
        "auditor": make_user("hd_auditor", orgs["hd"], Role.AUDITOR),
        "orgadmin": make_user("hd_orgadmin", orgs["hd"], Role.ORG_ADMIN),
    }


@pytest.fixture
def chaoyang(orgs, make_user) -> Chaoyang:
    return build_chaoyang(orgs, make_user)
