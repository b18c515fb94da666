"""What the programme tests share: this year's rules in 海淀区 (tests.programme_fixtures.RULES),
Haidian's fund lines with ¥50,000 each, a household on file with a child at university, and a
second reviewer (for the approvals above the single-approval limit)."""

import pytest
from django.utils import timezone

from cases.models import Role
from tests.programme_fixtures import family_on_file, programme_funds, programme_rules

YEAR = timezone.localdate().year


@pytest.fixture
def rules(db):
    return programme_rules(YEAR)


@pytest.fixture
def funds(orgs):
    return programme_funds(orgs["hd"], year=YEAR)


@pytest.fixture
def family(orgs, people, rules, funds):
    """(file, child): 王建国's household on file, prepared by the caseworker; 王小明 at university."""
    return family_on_file(orgs["hd"], prepared_by=people["caseworker"], cause="schooling")


@pytest.fixture
def reviewer2(orgs, make_user):
    return make_user("hd_reviewer2", orgs["hd"], Role.REVIEWER, first_name="孙复核")
