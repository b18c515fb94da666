"""Issue 17, point 4: the address a party consented to be served at electronically (a phone or
an email) and the address a notice was served at are encrypted at rest, in the main and
historical tables; migration 0028 seals the rows 0020 wrote in clear, and goes back."""

from datetime import date

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from cases.models import ElectronicServiceConsent, ServiceRecord
from cases.platform.transitions import apply
from tests.dispute_cases import at
from tests.unit.disputes.test_service import accepted, serve  # noqa: F401  (fixture)
from tests.unit.security.at_rest.conftest import everything_in, migrate, raw


PHONE = "13801234567"
TABLES = ("cases_electronicserviceconsent", "cases_historicalelectronicserviceconsent",
          "cases_servicerecord", "cases_historicalservicerecord")


def served_electronically(case, people):
    with freeze_time(at("2026-11-03")):
        apply(case, "record_electronic_consent", by=people["mediator"], data={
            "party": "worker", "channel": "sms", "address": PHONE, "consent_method": "written",
            "given_on": date(2026, 11, 3), "given_by": "王秀英"})
    serve(case, people, service_method="electronic", scan=None, electronic_address=PHONE)


@pytest.mark.django_db
def test_point_4_electronic_service_addresses_are_not_in_clear_in_the_database(accepted, people):  # noqa: F811
    served_electronically(accepted, people)

    for table in TABLES:
        assert PHONE not in everything_in(table), table
    assert ElectronicServiceConsent.objects.get().address == PHONE
    assert ServiceRecord.objects.get().electronic_address == PHONE


@pytest.mark.django_db(transaction=True)
def test_point_4_migration_0028_seals_service_addresses_left_in_clear_and_goes_back(accepted, people):  # noqa: F811
    served_electronically(accepted, people)
    try:
        migrate([("cases", "0027_case_search_indexes")])
        assert raw("cases_electronicserviceconsent", "address") == [(PHONE,)]
        assert raw("cases_servicerecord", "electronic_address") == [(PHONE,)]

        migrate([("cases", "0028_service_addresses_encrypted")])
        for table in TABLES:
            assert PHONE not in everything_in(table), table
        assert ServiceRecord.objects.get().electronic_address == PHONE
    finally:
        call_command("migrate", verbosity=0)  # back to the latest, whatever happened
