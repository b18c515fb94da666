"""The organisation admins of two districts, and the regions their federations serve."""

import pytest

from cases.models import AuditEvent, Role

REGIONS = {"bj": "110000", "hd": "110108", "cy": "110105"}


@pytest.fixture
def districts(orgs, people, make_user):
    """orgs and people (conftest), the federations' regions, and an admin of each district."""
    for key, code in REGIONS.items():
        orgs[key].region_code = code
        orgs[key].save(update_fields=["region_code"])
    return {
        "hd_admin": make_user("hd_admin", orgs["hd"], Role.ORG_ADMIN, first_name="海淀管理"),
        "cy_admin": make_user("cy_admin", orgs["cy"], Role.ORG_ADMIN, first_name="朝阳管理"),
    }


@pytest.fixture
def hd_admin(client, districts):
    client.force_login(districts["hd_admin"])
    return districts["hd_admin"]


def journalled(name: str, **filters):
    """The journal's events of `name` (newest last)."""
    return list(AuditEvent.objects.filter(name=name, **filters).order_by("seq"))
