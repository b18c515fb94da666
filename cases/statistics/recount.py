"""The dispute figures' running totals recomputed from the cases, in SQL, by the report's
definitions (cases/statistics/disputes.py), organisation by organisation: what `manage.py
reconcile_stats` compares with the stored rows (cases/models/rollup.py) and, asked to, writes
in their place.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext as _

from cases.models import Deadline, DeadlineState, DisputeCase, DisputeClaim, Organisation, Payment
from cases.models.rollup import ROLLUP_COUNTERS, ROLLUP_KEY, DisputeRollup

from .rollup import Tally, fen, spans

# Organisations recounted together: their rows fit in memory at 10,000,000 cases.
ORGANISATIONS_AT_ONCE = 20


def expected_tally(org_ids: list[int]) -> Tally:
    """The day rows of these organisations, from their cases."""
    tally = Tally()
    cases = DisputeCase.objects.filter(organisation_id__in=org_ids).order_by()
    claims = DisputeClaim.objects.filter(case__organisation_id__in=org_ids).order_by()
    for org, day, channel, n, workers, collective in (
            cases.filter(accepted_on__isnull=False).values_list("organisation_id", "accepted_on", "channel")
            .annotate(n=Count("pk"), workers=Sum("worker_count"), collective=Count("pk", filter=Q(collective=True)))):
        tally.add((org, day, channel, "", ""), accepted=n, accepted_workers=workers or 0, accepted_collective=collective)
    for org, day, channel, n in (cases.filter(agreement__effective_on__isnull=False)
                                 .values_list("organisation_id", "agreement__effective_on", "channel")
                                 .annotate(n=Count("pk"))):
        tally.add((org, day, channel, "", ""), mediated_successfully=n)
    won = claims.filter(amount_awarded__isnull=False, case__agreement__effective_on__isnull=False)
    for org, day, channel, claim_type, n, recovered in (
            won.values_list("case__organisation_id", "case__agreement__effective_on", "case__channel", "claim_type")
            .annotate(n=Count("case", distinct=True), recovered=Sum("amount_awarded"))):
        tally.add((org, day, channel, "", ""), recovered_fen=fen(recovered))
        tally.add((org, day, "", claim_type, ""), won_cases=n, recovered_fen=fen(recovered))
    for org, day, claim_type, n, claimed in (
            claims.filter(case__accepted_on__isnull=False)
            .values_list("case__organisation_id", "case__accepted_on", "claim_type")
            .annotate(n=Count("case", distinct=True), claimed=Sum("amount_claimed"))):
        tally.add((org, day, "", claim_type, ""), claimed_cases=n, claimed_fen=fen(claimed))
    _add_endings(tally, cases)
    _add_payments_and_breaches(tally, org_ids)
    return tally


def _add_endings(tally: Tally, cases) -> None:
    for org, day, n in (cases.filter(accepted_on__isnull=False, ended_on__isnull=False,
                                     agreement__effective_on__isnull=True)
                        .values_list("organisation_id", "ended_on").annotate(n=Count("pk"))):
        tally.add((org, day, "", "", ""), ended_without_agreement=n)
    days = ExpressionWrapper(F("closed_on") - F("received_on"), output_field=DurationField())
    accepted = Q(accepted_on__isnull=False)
    for org, day, n, n_accepted, duration in (
            cases.filter(closed_on__isnull=False).values_list("organisation_id", "closed_on")
            .annotate(n=Count("pk"), accepted=Count("pk", filter=accepted), days=Sum(days, filter=accepted))):
        tally.add((org, day, "", "", ""), closed=n, closed_accepted=n_accepted,
                  days_to_closing=duration.days if duration else 0)


def _add_payments_and_breaches(tally: Tally, org_ids: list[int]) -> None:
    for org, day, amount in (Payment.objects.filter(instalment__agreement__case__organisation_id__in=org_ids)
                             .order_by().values_list("instalment__agreement__case__organisation_id", "paid_on")
                             .annotate(paid=Sum("amount"))):
        tally.add((org, day, "", "", ""), paid_fen=fen(amount))
    for org, day, clock, n in (Deadline.objects.filter(
            organisation_id__in=org_ids, state=DeadlineState.BREACHED,
            subject_type=ContentType.objects.get_for_model(DisputeCase)).order_by()
            .values_list("organisation_id", "due_on", "clock").annotate(n=Count("pk"))):
        tally.add((org, day, "", "", clock), breaches=n)


def stored_rows(org_ids: list[int]) -> dict[tuple, dict]:
    """The stored rows of these organisations (both spans), keyed as rollup.spans() keys them,
    without their zero counters; rows with every counter zero left out."""
    rows = {}
    columns = ("span", "starts_on", "organisation_id", "channel", "claim_type", "clock", *ROLLUP_COUNTERS)
    for values in DisputeRollup.objects.filter(organisation_id__in=org_ids).values_list(*columns):
        counters = {name: value for name, value in zip(ROLLUP_COUNTERS, values[6:], strict=True) if value}
        if counters:
            rows[values[:6]] = counters
    return rows


@dataclass(frozen=True)
class Difference:
    key: tuple  # span, starts_on, organisation, channel, claim type, clock
    counter: str
    stored: int
    expected: int

    def describe(self) -> str:
        span, starts_on, organisation, channel, claim_type, clock = self.key
        dimension = channel or claim_type or clock or "—"
        return _("%(span)s %(day)s 组织#%(org)s %(dimension)s %(counter)s：累计%(stored)s，按案件重算%(expected)s") % {
            "span": span, "day": starts_on, "org": organisation, "dimension": dimension, "counter": self.counter,
            "stored": self.stored, "expected": self.expected}


def differences(org_ids: list[int]) -> list[Difference]:
    expected = {key: dict(counters) for key, counters in spans(expected_tally(org_ids)).items()}
    stored = stored_rows(org_ids)
    found = []
    for key in sorted(expected.keys() | stored.keys()):
        want, have = expected.get(key, {}), stored.get(key, {})
        for name in ROLLUP_COUNTERS:
            if want.get(name, 0) != have.get(name, 0):
                found.append(Difference(key, name, have.get(name, 0), want.get(name, 0)))
    return found


def rebuild(org_ids: list[int]) -> int:
    """Replace these organisations' rows with the recount; the number of rows written."""
    rows = spans(expected_tally(org_ids))
    with transaction.atomic():
        DisputeRollup.objects.filter(organisation_id__in=org_ids).delete()
        _insert(rows)
    return len(rows)


def refresh_planner_statistics() -> None:
    """After a recount has rewritten many rows: PostgreSQL's statistics of the table are read
    again at once, not when autovacuum next gets to it. With statistics taken while the table
    was nearly empty, the planner reads a half-year's month rows with a scan of every row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(DisputeRollup._meta.db_table)}")


def _insert(rows: dict[tuple, dict]) -> None:
    """New rows, written by COPY on PostgreSQL (millions of them when a large history is
    recounted), by batched INSERTs elsewhere."""
    columns = (*ROLLUP_KEY, *ROLLUP_COUNTERS)
    values = ((*key, *(counters.get(name, 0) for name in ROLLUP_COUNTERS)) for key, counters in rows.items())
    table = connection.ops.quote_name(DisputeRollup._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", list(values))


def organisation_batches(organisations: Iterable[Organisation] | None = None) -> Iterator[list[int]]:
    ids = ([o.pk for o in organisations] if organisations is not None
           else list(Organisation.objects.order_by("pk").values_list("pk", flat=True)))
    for start in range(0, len(ids), ORGANISATIONS_AT_ONCE):
        yield ids[start:start + ORGANISATIONS_AT_ONCE]
