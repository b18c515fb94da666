"""Issue 18, the case page: what several panels show is read once (the documents for the list,
the timeline and the service panel; the open tasks for the actions and the task list; the
instalments for the table, the totals and the clocks)."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from tests.dispute_cases import at
from tests.unit.disputes.test_non_performance import effective_2026_10_20  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

FROM_TABLE = re.compile(r'\bFROM "(\w+)"')


def reads_by_table(queries) -> Counter:
    """How many SELECTs read each table first (FROM "table")."""
    return Counter(match.group(1) for query in queries if query["sql"].startswith("SELECT")
                   if (match := FROM_TABLE.search(query["sql"])))


def test_a_performing_case_page_reads_its_documents_tasks_and_instalments_once(
        client, people, effective_2026_10_20):  # noqa: F811
    case = effective_2026_10_20
    client.force_login(people["mediator"])
    with freeze_time(at("2026-10-25")):
        client.get(f"/cases/{case.pk}/")  # sessions, content types and the like warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    reads = reads_by_table(captured.captured_queries)
    assert reads["cases_document"] == 1, reads
    assert reads["viewflow_task"] == 1, reads
    # The instalment table (its payments apart), the 'fully paid' conditions of the two actions
    # offered (complete_performance and refer), and the payment form's choice of instalment; the
    # totals and the clocks read none of their own.
    assert reads["cases_instalment"] <= 4, reads
    assert reads["cases_payment"] <= 1, reads
    assert "第1期" in response.content.decode() or "¥10,000.00" in response.content.decode()
