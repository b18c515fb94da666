"""Keeping the dispute figures' running totals (cases/models/rollup.py) in step with the cases,
in the transaction of the change they count:

- the door (cases/platform/transitions.py) gives every dispute transition to count_moves(): a
  case's contribution is worked out from its dates, channel, workers and claims before and after
  the step, and the difference added; a step that changes none of them costs no query. A payment
  a step records is added by its date;
- the deadlines service counts a dispute clock as it becomes breached (count_breach);
- the historical import, which writes whole cases, counts them once written (count_new_cases).

What a case contributes is the report's definitions (cases/statistics/disputes.py) applied to
the one case; recount.py applies the same definitions to all cases in SQL, and `manage.py
reconcile_stats` compares the two.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F

from cases.models import DeadlineState, DisputeCase, DisputeClaim, Payment
from cases.models.rollup import ROLLUP_COUNTERS, ROLLUP_KEY, DisputeRollup, RollupSpan

# organisation, day, channel, claim type, clock: a day row's key without its span
RowKey = tuple[int, date, str, str, str]


class Tally(defaultdict):
    """Counter increments by row key: {RowKey: {counter: int}}."""

    def __init__(self):
        super().__init__(lambda: defaultdict(int))

    def add(self, key: RowKey, **counters: int) -> None:
        row = self[key]
        for name, value in counters.items():
            row[name] += value

    def merge(self, other: "Tally", sign: int = 1) -> None:
        for key, counters in other.items():
            self.add(key, **{name: sign * value for name, value in counters.items()})

    def nonzero(self) -> dict:
        """The rows with a counter that is not zero, each without its zero counters."""
        kept = {}
        for key, counters in self.items():
            values = {name: value for name, value in counters.items() if value}
            if values:
                kept[key] = values
        return kept


def fen(amount) -> int:
    if amount is None:
        return 0
    return int((Decimal(amount) * 100).to_integral_value(ROUND_HALF_UP))


@dataclass(frozen=True)
class CaseFacts:
    """What a case's figures rest on, besides its claims."""
    organisation_id: int
    channel: str
    received_on: date | None
    accepted_on: date | None
    ended_on: date | None
    closed_on: date | None
    worker_count: int
    collective: bool
    effective_on: date | None  # its agreement's

    @classmethod
    def of(cls, values, effective_on: date | None) -> "CaseFacts":
        """From a case, or from the dict of its field values by attname (the door's copy as loaded)."""
        read = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
        return cls(read("organisation_id"), read("channel"), read("received_on"), read("accepted_on"),
                   read("ended_on"), read("closed_on"), read("worker_count") or 0, bool(read("collective")),
                   effective_on)


@dataclass(frozen=True)
class ClaimFacts:
    claim_type: str
    claimed: Decimal | None
    awarded: Decimal | None


def case_tally(case: CaseFacts, claims: list[ClaimFacts]) -> Tally:
    """The rows one case adds to, by the report's definitions."""
    tally, org = Tally(), case.organisation_id
    if case.accepted_on:
        tally.add((org, case.accepted_on, case.channel, "", ""), accepted=1, accepted_workers=case.worker_count,
                  accepted_collective=int(case.collective))
        for claim_type, of_type in _by_type(claims).items():
            tally.add((org, case.accepted_on, "", claim_type, ""), claimed_cases=1,
                      claimed_fen=sum(fen(claim.claimed) for claim in of_type))
    if case.effective_on:
        awarded = [claim for claim in claims if claim.awarded is not None]
        tally.add((org, case.effective_on, case.channel, "", ""), mediated_successfully=1,
                  recovered_fen=sum(fen(claim.awarded) for claim in awarded))
        for claim_type, of_type in _by_type(awarded).items():
            tally.add((org, case.effective_on, "", claim_type, ""), won_cases=1,
                      recovered_fen=sum(fen(claim.awarded) for claim in of_type))
    elif case.accepted_on and case.ended_on:
        tally.add((org, case.ended_on, "", "", ""), ended_without_agreement=1)
    if case.closed_on:
        accepted = case.accepted_on is not None
        tally.add((org, case.closed_on, "", "", ""), closed=1, closed_accepted=int(accepted),
                  days_to_closing=(case.closed_on - case.received_on).days if accepted else 0)
    return tally


def _by_type(claims: list[ClaimFacts]) -> dict[str, list[ClaimFacts]]:
    grouped = defaultdict(list)
    for claim in claims:
        grouped[claim.claim_type].append(claim)
    return grouped


def payment_tally(tally: Tally, organisation_id: int, paid_on: date, amount) -> None:
    tally.add((organisation_id, paid_on, "", "", ""), paid_fen=fen(amount))


# --- the door -------------------------------------------------------------------------------

EFFECTIVE_ON_AT_LOCK = "rollup_effective_on_at_lock"


def lock_annotations(model) -> dict:
    """Read with the row the door locks: the agreement's date of effect before the step."""
    return {EFFECTIVE_ON_AT_LOCK: F("agreement__effective_on")} if model is DisputeCase else {}


def facts_before(locked) -> CaseFacts | None:
    """The counted facts of the subject the door just locked; None for a subject not counted."""
    if not isinstance(locked, DisputeCase):
        return None
    return CaseFacts.of(locked, getattr(locked, EFFECTIVE_ON_AT_LOCK, None))


def _facts_after(case: DisputeCase, before: CaseFacts) -> CaseFacts:
    agreement = case._state.fields_cache.get("agreement")  # a step that dealt with the agreement read it
    return CaseFacts.of(case, agreement.effective_on if agreement is not None else before.effective_on)


def count_moves(moves) -> None:
    """Add what the door's steps changed: `moves` are (case, facts before, record created)."""
    tally, changed = Tally(), []
    for case, before, created in moves:
        if before is None:
            continue
        after = _facts_after(case, before)
        if after != before:
            changed.append((case.pk, before, after))
        if isinstance(created, Payment):
            payment_tally(tally, case.organisation_id, created.paid_on, created.amount)
    claims = claims_of([pk for pk, _before, _after in changed])
    for pk, before, after in changed:
        tally.merge(case_tally(after, claims.get(pk, [])))
        tally.merge(case_tally(before, claims.get(pk, [])), sign=-1)
    write(tally)


def claims_of(case_ids: list[int]) -> dict[int, list[ClaimFacts]]:
    grouped = defaultdict(list)
    if not case_ids:
        return grouped
    rows = DisputeClaim.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "claim_type", "amount_claimed", "amount_awarded")
    for case_id, claim_type, claimed, awarded in rows:
        grouped[case_id].append(ClaimFacts(claim_type, claimed, awarded))
    return grouped


# --- whole cases, clocks ----------------------------------------------------------------------

def count_new_cases(cases: list[DisputeCase]) -> None:
    """Add cases written whole (an import): their claims, agreement and payments read back."""
    if not cases:
        return
    ids = [case.pk for case in cases]
    claims = claims_of(ids)
    effective = dict(DisputeCase.objects.filter(pk__in=ids, agreement__effective_on__isnull=False)
                     .values_list("pk", "agreement__effective_on"))
    tally = Tally()
    for case in cases:
        tally.merge(case_tally(CaseFacts.of(case, effective.get(case.pk)), claims.get(case.pk, [])))
    payments = Payment.objects.filter(instalment__agreement__case_id__in=ids).values_list(
        "instalment__agreement__case__organisation_id", "paid_on", "amount")
    for organisation_id, paid_on, amount in payments:
        payment_tally(tally, organisation_id, paid_on, amount)
    write(tally)


def count_breach(deadline) -> None:
    """A clock that has just become breached, counted when it times a dispute case."""
    if deadline.state != DeadlineState.BREACHED:
        return
    if deadline.subject_type_id != ContentType.objects.get_for_model(DisputeCase).pk:
        return
    tally = Tally()
    tally.add((deadline.organisation_id, deadline.due_on, "", "", deadline.clock), breaches=1)
    write(tally)


# --- writing ------------------------------------------------------------------------------------

def month_of(day: date) -> date:
    return day.replace(day=1)


def spans(tally: Tally) -> dict[tuple, dict]:
    """Each nonzero day row, and its month's row, keyed by ROLLUP_KEY."""
    rows: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for (org, day, channel, claim_type, clock), counters in tally.nonzero().items():
        for span, starts_on in ((RollupSpan.DAY, day), (RollupSpan.MONTH, month_of(day))):
            row = rows[(span.value, starts_on, org, channel, claim_type, clock)]
            for name, value in counters.items():
                row[name] += value
    return rows


def write(tally: Tally) -> None:
    """Add the tally to the stored rows in one statement, creating the rows it lacks. Rows in
    key order, so two transactions adding to the same rows never wait on each other in a cycle."""
    rows = sorted(spans(tally).items())
    if not rows:
        return
    table = connection.ops.quote_name(DisputeRollup._meta.db_table)
    columns = (*ROLLUP_KEY, *ROLLUP_COUNTERS)
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    increments = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in ROLLUP_COUNTERS)
    params = [value for key, counters in rows for value in (*key, *(counters.get(n, 0) for n in ROLLUP_COUNTERS))]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "
                       f"ON CONFLICT ({', '.join(ROLLUP_KEY)}) DO UPDATE SET {increments}", params)
