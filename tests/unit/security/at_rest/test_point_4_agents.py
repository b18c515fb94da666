"""Issue 17, point 4: an agent's (委托代理人) ID number and phone are encrypted at rest like the
parties' own, in the main and historical tables; migration 0025 seals the rows 0023 and 0024
left in clear, and goes back."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from cases.models import Agent
from cases.platform.transitions import apply
from tests.unit.disputes.test_representation import ALL_POWERS, POA_PDF, RECEIVED, registered
from tests.unit.security.at_rest.conftest import everything_in, migrate, raw

AGENT_ID = "110108197501010017"
AGENT_PHONE = "13912345678"


def agent_with_contacts(orgs, people) -> Agent:
    case = registered(orgs, people)
    apply(case, "record_agent", by=people["mediator"], data={
        "side": "worker", "agent_name": "陈志远", "id_number": AGENT_ID, "phone": AGENT_PHONE, "kind": "lawyer",
        "workplace": "北京市海淀区某律师事务所", "authority": "special", "special_powers": list(ALL_POWERS),
        "valid_from": RECEIVED, "scan": ContentFile(POA_PDF, name="授权委托书.pdf"),
    })
    return case.agents.get()


@pytest.mark.django_db
def test_point_4_an_agents_id_number_and_phone_are_not_in_clear_in_the_database(orgs, people):
    agent = agent_with_contacts(orgs, people)

    for table in ("cases_agent", "cases_historicalagent"):
        stored = everything_in(table)
        assert AGENT_ID not in stored and AGENT_PHONE not in stored, table
    agent = Agent.objects.get(pk=agent.pk)
    assert (agent.id_number, agent.phone) == (AGENT_ID, AGENT_PHONE)


@pytest.mark.django_db(transaction=True)
def test_point_4_migration_0025_seals_agents_left_in_clear_and_goes_back(orgs, people):
    agent = agent_with_contacts(orgs, people)
    try:
        migrate([("cases", "0024_field_encryption")])
        assert raw("cases_agent", "id_number, phone") == [(AGENT_ID, AGENT_PHONE)]
        assert (AGENT_ID, AGENT_PHONE) in raw("cases_historicalagent", "id_number, phone")

        migrate([("cases", "0025_agent_contacts_encrypted")])
        for table in ("cases_agent", "cases_historicalagent"):
            stored = everything_in(table)
            assert AGENT_ID not in stored and AGENT_PHONE not in stored, table
        agent = Agent.objects.get(pk=agent.pk)
        assert (agent.id_number, agent.phone) == (AGENT_ID, AGENT_PHONE)
    finally:
        call_command("migrate", verbosity=0)  # back to the latest, whatever happened
