"""The dispute cases the report tests share: worked out by hand in the comments."""

from datetime import date

import pytest

from cases.models import DisputeStatus
from tests.statistics_fixtures import breached_clock, dispute

S = DisputeStatus


@pytest.fixture
def disputes(orgs):
    hd, ent, cy = orgs["hd_street"], orgs["hd_ent"], orgs["cy_street"]
    cases = {
        # accepted in H1; agreement effective in H1: awarded 8,000 + 2,000.50; paid 3,000 in H1, 7,000.50 in July
        "a": dispute(hd, received_on=date(2026, 1, 5), accepted_on=date(2026, 1, 6), status=S.PERFORMING,
                     claims=[("wage_arrears", "10000", "8000"), ("damages", "5000", "2000.50")],
                     effective_on=date(2026, 1, 15),
                     payments=[("3000", date(2026, 2, 1)), ("7000.50", date(2026, 7, 10))]),
        # received in December, accepted in January (counts); agreement effective in July (does not)
        "b": dispute(ent, received_on=date(2025, 12, 28), accepted_on=date(2026, 1, 4), channel="oral",
                     status=S.PERFORMING, claims=[("overtime_pay", "6000", "6000")], effective_on=date(2026, 7, 2),
                     payments=[("6000", date(2026, 7, 5))]),
        # accepted in 2025 (does not count); agreement effective in February (counts): 15,000; paid 5,000 in March
        "c": dispute(hd, received_on=date(2025, 11, 10), accepted_on=date(2025, 11, 11), channel="phone",
                     status=S.PERFORMING, claims=[("economic_compensation", "20000", "15000")],
                     effective_on=date(2026, 2, 20), payments=[("5000", date(2026, 3, 1))]),
        # rejected: never accepted, and left out of the days to close
        "d": dispute(hd, received_on=date(2026, 2, 1), status=S.REJECTED, ended_on=date(2026, 2, 3),
                     claims=[("wage_arrears", "1000", None)]),
        # failed after 15 days; withdrawn after 10: average 12.5 days to close
        "e": dispute(hd, received_on=date(2026, 3, 1), accepted_on=date(2026, 3, 2), channel="online",
                     status=S.FAILED, ended_on=date(2026, 3, 16), claims=[("social_insurance", "3000", None)]),
        "f": dispute(hd, received_on=date(2026, 4, 1), accepted_on=date(2026, 4, 2), status=S.WITHDRAWN,
                     ended_on=date(2026, 4, 11), claims=[("wage_arrears", "2000", None)]),
        # Chaoyang: outside Haidian's subtree, inside the city's
        "g": dispute(cy, received_on=date(2026, 1, 10), accepted_on=date(2026, 1, 11), status=S.PERFORMING,
                     claims=[("wage_arrears", "99999", "99999")], effective_on=date(2026, 1, 20),
                     payments=[("99999", date(2026, 2, 1))]),
        # accepted after the period
        "h": dispute(hd, received_on=date(2026, 6, 29), accepted_on=date(2026, 7, 1),
                     claims=[("wage_arrears", "500", None)]),
    }
    breached_clock(cases["e"], due_on=date(2026, 3, 4))
    breached_clock(cases["a"], clock="dispute.mediation", due_on=date(2025, 12, 20))  # before the period
    breached_clock(cases["g"], due_on=date(2026, 1, 14))  # Chaoyang
    return cases
