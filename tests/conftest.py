"""Shared fixtures: the demo organisation tree and one user per role."""

import os

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from cases.models import Membership, Organisation, OrganisationKind, Role


def using_postgres() -> bool:
    return django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    skip_postgres = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (.ci/run does)")
    skip_worker = pytest.mark.skip(reason="needs a broker: run with CELERY_BROKER_URL=redis://... (.ci/run does)")
    for item in items:
        if "postgres" in item.keywords and not using_postgres():
            item.add_marker(skip_postgres)
        if "celery_worker" in item.keywords and not os.environ.get("CELERY_BROKER_URL"):
            item.add_marker(skip_worker)


@pytest.fixture(autouse=True)
def celery_eager_unless_worker_test(request):
    """Tasks run inline in tests, even when CI points Celery at a real broker; the
    celery_worker tests send them through that broker to a real worker process."""
    from config.celery import app

    eager = "celery_worker" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test's database rolls back; so must what the calendar cached from it."""
    from cases.rules.calendar import clear_calendar_cache

    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Generated documents go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def audit_anchors_in_tmp(settings, tmp_path):
    """Each test's audit chain rolls back with its database: so do its anchors (never var/)."""
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "audit-anchors.jsonl")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs ~0.3 s per user; tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_org(code, name, kind, parent=None):
    org = Organisation(code=code, name=name, kind=kind, parent=parent)
    org.full_clean()
    org.save()
    return org


@pytest.fixture
def orgs(db):
    """北京市总工会 → 海淀/朝阳区总工会 → a street centre each → an enterprise committee each."""
    bj = make_org("BJ", "北京市总工会", OrganisationKind.CITY_FEDERATION)
    hd = make_org("BJ-HD", "海淀区总工会", OrganisationKind.DISTRICT_FEDERATION, bj)
    cy = make_org("BJ-CY", "朝阳区总工会", OrganisationKind.DISTRICT_FEDERATION, bj)
    hd_street = make_org("BJ-HD-ZGC", "中关村街道调解中心", OrganisationKind.STREET_CENTRE, hd)
    cy_street = make_org("BJ-CY-JSW", "建外街道调解中心", OrganisationKind.STREET_CENTRE, cy)
    hd_ent = make_org("BJ-HD-ZGC-01", "某科技公司劳动争议调解委员会", OrganisationKind.ENTERPRISE_COMMITTEE, hd_street)
    cy_ent = make_org("BJ-CY-JSW-01", "某商贸公司劳动争议调解委员会", OrganisationKind.ENTERPRISE_COMMITTEE, cy_street)
    return {
        "bj": bj, "hd": hd, "cy": cy, "hd_street": hd_street, "cy_street": cy_street,
        "hd_ent": hd_ent, "cy_ent": cy_ent,
    }


@pytest.fixture
def make_user(db):
    def _make(username, organisation=None, role=None, **extra):
        user = get_user_model().objects.create_user(username=username, password="pw-" + username, **extra)
        if organisation is not None and role is not None:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    return _make


@pytest.fixture
def people(orgs, make_user):
    """One user per role; the Haidian ones in Haidian, plus a Chaoyang mediator."""
    return {
        "mediator": make_user("hd_mediator", orgs["hd_street"], Role.MEDIATOR),
        "lead": make_user("hd_lead", orgs["hd_street"], Role.MEDIATION_LEAD),
        "caseworker": make_user("hd_caseworker", orgs["hd"], Role.HARDSHIP_CASEWORKER),
        "reviewer": make_user("hd_reviewer", orgs["hd"], Role.REVIEWER),
        "auditor": make_user("hd_auditor", orgs["hd"], Role.AUDITOR),
        "admin": make_user("bj_admin", orgs["bj"], Role.ORG_ADMIN),
        "admin2": make_user("bj_admin2", orgs["bj"], Role.ORG_ADMIN),
        "cy_mediator": make_user("cy_mediator", orgs["cy_street"], Role.MEDIATOR),
    }


@pytest.fixture
def gateway():
    """A provider-like SMS gateway on a local port (tests/sms_gateway_server.py)."""
    from tests.sms_gateway_server import serve, stop

    server, thread = serve()
    yield server
    stop(server, thread)
