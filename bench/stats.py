"""Benchmark: the federation's half-year dispute report (cases/statistics/disputes.py) over
10,000 and then 1,000,000 cases (--large 10000000 for issue 18's goal) on PostgreSQL, read from
the running totals (cases/models/rollup.py), beside the same report aggregated from the cases
(today's figures before the totals, `dispute_figures_from_cases`) and a bare `count(*)` of the
cases table, all measured in the same run.

    .venv/bin/python bench/stats.py [--small N] [--large M] [--runs R] [--database-url URL] [--reuse]

Creates its own database (`unioncase_bench_stats`, dropped first) on the PostgreSQL server
of --database-url (default postgres://postgres@127.0.0.1:5432/postgres), migrates it and
fills it with SQL `generate_series` (generation is timed apart and not counted): ~980
organisations (city → 16 districts → 10 streets each → 5 enterprise committees each),
cases received 2022-01..2026-11 spread over them, with claims, agreements (42%),
instalments, payments and breached clocks (5%). The rows are written straight into the tables,
as an import would, so the running totals are then recounted from them with the code of
`manage.py reconcile_stats --repair` (timed apart too). The report is timed for the whole city
and for one district, for the first half of 2026: the median of --runs runs after one
warm-up (the report from the cases: one run at a million cases and more). `equal` says the two
reports gave the same figures, to the fen. `--reuse` measures again on the database the last
run left (at ten million cases, generating and recounting take over an hour). Prints one JSON
object; nothing here is asserted anywhere.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from bench_database import recreate_database, server_url

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "unioncase_bench_stats"
GOAL_SECONDS = 0.5  # issue 18: the half-year report at 10,000,000 cases
DISTRICTS, STREETS, COMMITTEES = 16, 10, 5



def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = server_url(url, DATABASE)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _organisations():
    """The city and its tree; returns (city, one district, every organisation's pk)."""
    from cases.models import Organisation, OrganisationKind

    def make(code, name, kind, parent=None):
        organisation = Organisation(code=code, name=name, kind=kind, parent=parent)
        organisation.save()
        return organisation

    city = make("BJ", "北京市总工会", OrganisationKind.CITY_FEDERATION)
    ids, districts = [city.pk], []
    for d in range(DISTRICTS):
        district = make(f"BJ-D{d:02d}", f"第{d + 1}区总工会", OrganisationKind.DISTRICT_FEDERATION, city)
        districts.append(district)
        ids.append(district.pk)
        for s in range(STREETS):
            street = make(f"{district.code}-S{s:02d}", f"第{s + 1}街道调解中心", OrganisationKind.STREET_CENTRE, district)
            ids.append(street.pk)
            for c in range(COMMITTEES):
                committee = make(f"{street.code}-C{c}", f"第{c + 1}企业调解委员会",
                                 OrganisationKind.ENTERPRISE_COMMITTEE, street)
                ids.append(committee.pk)
    return city, districts[0], ids


# Outcome by a row's hash h in [0, 100): rejected, agreement (performed / performing),
# failed, withdrawn, still in mediation. Dates follow receipt by fixed days; a case that ended
# is closed (结案) five days later.
CASES_SQL = """
INSERT INTO cases_disputecase (id, year, sequence, number, channel, received_on, received_at, facts, status,
                               accepted_on, ended_on, closed_on, end_reason, rejection_ground, organisation_id,
                               employer_id, worker_id, applicant_side, collective, worker_count)
SELECT g, extract(year FROM r)::int, g, 'B-' || g,
       (ARRAY['walk_in_written', 'oral', 'phone', 'online'])[1 + g %% 4], r, r + time '10:00', '拖欠工资',
       CASE WHEN h < 8 THEN 'rejected' WHEN h < 30 THEN 'performed' WHEN h < 50 THEN 'performing'
            WHEN h < 70 THEN 'failed' WHEN h < 80 THEN 'withdrawn' ELSE 'in_mediation' END,
       CASE WHEN h < 8 THEN NULL ELSE r + 1 END,
       CASE WHEN h < 8 THEN r + 2 WHEN h < 30 THEN r + 40 WHEN h < 50 THEN NULL WHEN h < 70 THEN r + 15
            WHEN h < 80 THEN r + 10 ELSE NULL END,
       CASE WHEN h < 8 THEN r + 7 WHEN h < 30 THEN r + 45 WHEN h < 50 THEN NULL WHEN h < 70 THEN r + 20
            WHEN h < 80 THEN r + 15 ELSE NULL END,
       '', CASE WHEN h < 8 THEN 'other_party_refuses' ELSE '' END,
       (%(orgs)s::bigint[])[1 + g %% %(org_count)s], 1 + g %% %(employers)s, 1 + g %% %(workers)s,
       'worker', false, 1
FROM (SELECT g, date '2022-01-01' + (g * 7919 %% 1795)::int AS r, (g * 104729) %% 100 AS h
      FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g) AS rows
"""

FOLLOW_UP_SQL = [
    # a claim per case, a second for every third
    """INSERT INTO cases_disputeclaim (claim_type, description, amount_claimed, amount_awarded, case_id)
       SELECT (ARRAY['wage_arrears', 'overtime_pay', 'economic_compensation', 'damages', 'work_injury_medical',
                     'social_insurance', 'other'])[1 + (c.id * 31 + n) %% 7], '',
              1000 + (c.id * 37 + n) %% 50000,
              CASE WHEN c.status IN ('performed', 'performing') THEN round((1000 + (c.id * 37 + n) %% 50000) * 0.8, 2) END,
              c.id
       FROM cases_disputecase c CROSS JOIN generate_series(1, 2) AS n
       WHERE c.id BETWEEN %(lo)s AND %(hi)s AND (n = 1 OR c.id %% 3 = 0)""",
    """INSERT INTO cases_agreement (terms, copies, drafted_at, worker_signed_at, employer_signed_at,
                                    mediator_signed_at, sealed_at, effective_on, case_id)
       SELECT '协议', 3, now(), now(), now(), now(), now(), c.received_on + 8, c.id
       FROM cases_disputecase c
       WHERE c.id BETWEEN %(lo)s AND %(hi)s AND c.status IN ('performed', 'performing')""",
    """INSERT INTO cases_instalment (number, due_on, amount, agreement_id)
       SELECT 1, a.effective_on + 30, (SELECT sum(amount_awarded) FROM cases_disputeclaim WHERE case_id = a.case_id), a.id
       FROM cases_agreement a WHERE a.case_id BETWEEN %(lo)s AND %(hi)s""",
    """INSERT INTO cases_payment (amount, paid_on, receipt_number, recorded_at, instalment_id)
       SELECT CASE WHEN c.status = 'performed' THEN i.amount ELSE round(i.amount / 2, 2) END,
              a.effective_on + 20, 'R-' || i.id, now(), i.id
       FROM cases_instalment i JOIN cases_agreement a ON a.id = i.agreement_id
            JOIN cases_disputecase c ON c.id = a.case_id
       WHERE a.case_id BETWEEN %(lo)s AND %(hi)s AND (c.status = 'performed' OR c.id %% 2 = 0)""",
    """INSERT INTO cases_deadline (clock, subject_id, starts_on, due_on, state, provisional, warnings_sent,
                                   extensions, extended_days, note, created_at, subject_type_id, organisation_id,
                                   imported, dispute_case_id)
       SELECT 'dispute.acceptance', c.id::text, c.received_on, c.received_on + 3, 'breached', false, '[]',
              0, 0, '', now(), %(case_type)s, c.organisation_id, false, c.id
       FROM cases_disputecase c WHERE c.id BETWEEN %(lo)s AND %(hi)s AND c.id %% 20 = 0""",
]


def _fill(lo: int, hi: int, org_ids: list[int]) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from cases.models import DisputeCase

    workers, employers = max(hi // 5, 1), max(hi // 20, 1)
    params = {"lo": lo, "hi": hi, "orgs": org_ids, "org_count": len(org_ids), "workers": workers,
              "employers": employers, "case_type": ContentType.objects.get_for_model(DisputeCase).pk}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_worker (id, name, resident_id, resident_id_index, sex, phone, phone_index, address, "
            "created_at, email) SELECT g, '职工' || g, NULL, NULL, '', '', '', '', now(), '' "
            "FROM generate_series(%s, %s) AS g "
            "ON CONFLICT (id) DO NOTHING", [1, workers])
        cursor.execute(
            "INSERT INTO cases_employer (id, name, uscc, address, legal_representative, contact_name, "
            "contact_phone, created_at, contact_email) SELECT g, '用人单位' || g, NULL, '', '', '', '', now(), '' "
            "FROM generate_series(%s, %s) AS g ON CONFLICT (id) DO NOTHING", [1, employers])
        cursor.execute(CASES_SQL, params)
        for statement in FOLLOW_UP_SQL:
            cursor.execute(statement, params)
        cursor.execute("ANALYZE")


def _median_seconds(action, runs: int) -> float:
    action()  # warm-up: plans and caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4)


def _recount() -> tuple[float, int]:
    """The running totals recounted from the rows just written: seconds and rows written."""
    from cases.statistics import recount

    started, rows = time.perf_counter(), 0
    for org_ids in recount.organisation_batches():
        rows += recount.rebuild(org_ids)
    recount.refresh_planner_statistics()  # as reconcile_stats --repair does
    return round(time.perf_counter() - started, 1), rows


def _measure(size: int, city, district, runs: int) -> dict:
    from django.db import connection

    from cases.statistics.disputes import dispute_figures, dispute_figures_from_cases
    from cases.statistics.period import Period

    half_year = Period(date(2026, 1, 1), date(2026, 6, 30))

    def count_all():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_disputecase")

    def report(organisation, source=dispute_figures):
        return lambda: source(organisation=organisation, period=half_year)

    figures = report(city)().as_json()
    equal = (figures == report(city, dispute_figures_from_cases)().as_json()
             and report(district)().as_json() == report(district, dispute_figures_from_cases)().as_json())
    city_seconds = _median_seconds(report(city), runs)
    baseline = _median_seconds(count_all, runs)
    from_cases_runs = 1 if size >= 1_000_000 else runs
    return {
        "cases": size,
        "report_city_seconds": city_seconds,
        "report_district_seconds": _median_seconds(report(district), runs),
        "from_cases_city_seconds": _median_seconds(report(city, dispute_figures_from_cases), from_cases_runs),
        "from_cases_district_seconds": _median_seconds(report(district, dispute_figures_from_cases),
                                                       from_cases_runs),
        "equal": equal,
        "baseline_count_all_seconds": baseline,
        "report_vs_count_all": round(city_seconds / baseline, 2) if baseline else None,
        "goal_seconds": GOAL_SECONDS,
        "meets_goal": city_seconds <= GOAL_SECONDS,
        "city_half_year": {key: figures[key]
                           for key in ("accepted", "mediated_successfully", "recovered_yuan", "paid_yuan")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the database a previous run left, as it is (no generation, no recount)")
    options = parser.parse_args()
    if options.reuse:
        _measure_again(options)
        return

    recreate_database(options.database_url, DATABASE)
    _setup_django(options.database_url)
    city, district, org_ids = _organisations()
    results, generation = [], {}
    filled = 0
    for size in (options.small, options.large):
        started = time.perf_counter()
        _fill(filled + 1, size, org_ids)
        generation[size] = round(time.perf_counter() - started, 1)
        filled = size
        recount_seconds, rollup_rows = _recount()
        results.append({**_measure(size, city, district, options.runs), "rollup_rows": rollup_rows,
                        "recount_seconds": recount_seconds})
    print(json.dumps({
        "benchmark": "half-year dispute report (PostgreSQL)",
        "organisations": len(org_ids),
        "runs": options.runs,
        "results": results,
        "generation_seconds": generation,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }, ensure_ascii=False, indent=2))


def _measure_again(options) -> None:
    """The last run's database, migrated to the current code, its statistics refreshed."""
    _setup_django(options.database_url)
    from cases.models import DisputeCase, Organisation
    from cases.statistics import recount

    recount.refresh_planner_statistics()
    city, district = Organisation.objects.get(code="BJ"), Organisation.objects.get(code="BJ-D00")
    print(json.dumps({
        "benchmark": "half-year dispute report (PostgreSQL), measured again on the last run's database",
        "results": [_measure(DisputeCase.objects.count(), city, district, options.runs)],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
