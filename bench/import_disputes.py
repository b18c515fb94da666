"""Benchmark: `import_disputes` over a generated file of historical cases (goal: 10,000 rows
in under a minute), beside reading and checking the same file without writing anything,
measured in the same run (the cost of the checks alone, for comparison).

    .venv/bin/python bench/import_disputes.py [--rows N] [--database-url URL]

Generates a CSV of N rows (default 10,000) across four street centres, 2019–2025, with every
outcome (about 45% agreements, half of them partly paid; 5% rejected; 10% pending), one worker
in five and one employer in eight appearing again, a third of the numbers in the system's own
format. Imports it into a fresh temporary SQLite database (or, with --database-url, a fresh
PostgreSQL database `unioncase_bench_import` on that server), then imports it a second time
(nothing is written: every row is recognised). Runs with DEBUG off, as deployed. Prints one
JSON object; nothing here is asserted anywhere.
"""

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "unioncase_bench_import"
GOAL_SECONDS_PER_10K = 60.0
STREETS = ("BJ-HD-ZGC", "BJ-HD-HDJ", "BJ-CY-JGM", "BJ-CY-WJ")
OUTCOMES = ["agreement"] * 45 + ["failed"] * 25 + ["withdrawn"] * 15 + ["rejected"] * 5 + ["pending"] * 10
CLAIM_TYPES = ("wage_arrears", "overtime_pay", "economic_compensation", "social_insurance", "other")


def _check_char(first17: str, weights, alphabet: str, modulus: int) -> str:
    return alphabet[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % modulus]


def resident_id(n: int) -> str:
    first17 = f"110108{1970 + n % 30}0101{n % 1000:03d}"
    return first17 + _check_char(first17, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], "10X98765432", 11)


def _setup_django(database_url: str, tmp: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # As deployed: DEBUG off (with DEBUG on Django also keeps every query it runs).
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-import-disputes-not-a-secret")
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _recreate_postgres(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return urlunsplit(urlsplit(url)._replace(path="/" + DATABASE))


def _organisations() -> None:
    from cases.models import Organisation, OrganisationKind

    def make(code, name, kind, parent=None):
        organisation = Organisation(code=code, name=name, kind=kind, parent=parent)
        organisation.full_clean()
        organisation.save()
        return organisation

    city = make("BJ", "北京市总工会", OrganisationKind.CITY_FEDERATION)
    districts = {code: make(code, name, OrganisationKind.DISTRICT_FEDERATION, city)
                 for code, name in (("BJ-HD", "海淀区总工会"), ("BJ-CY", "朝阳区总工会"))}
    for code in STREETS:
        make(code, f"{code}街道调解中心", OrganisationKind.STREET_CENTRE, districts[code[:5]])


def _uscc(n: int) -> str:
    from cases.rules.validators import uscc_check_char

    first17 = f"91110108MA{n:07d}"
    return first17 + uscc_check_char(first17)


def _row(n: int, chance: random.Random, sequences: dict) -> list:
    org_code = STREETS[n % len(STREETS)]
    received = date(2019, 1, 2) + timedelta(days=chance.randrange(7 * 365 - 60))
    outcome = chance.choice(OUTCOMES)
    worker = n if n % 5 else n // 5 + 1  # every fifth row: a worker seen before
    employer = n % (1 + n // 8) if n % 8 == 0 else n
    claimed = chance.randrange(2_000, 200_000)
    accepted = "" if outcome == "rejected" else (received + timedelta(days=chance.randrange(4))).isoformat()
    effective = awarded = paid = ""
    if outcome == "agreement":
        effective = (received + timedelta(days=chance.randrange(5, 15))).isoformat()
        awarded = f"{claimed * chance.randrange(50, 100) / 100:.2f}"
        paid = awarded if chance.random() < 0.5 else f"{float(awarded) / 2:.2f}"
    if n % 3 == 0:
        year = received.year
        sequences[(org_code, year)] = sequences.get((org_code, year), 0) + 1
        case_no = f"{org_code}-{year}-{sequences[(org_code, year)]:04d}"
    else:
        case_no = f"旧档{received.year}-{n:06d}"
    return [case_no, org_code, received.isoformat(), accepted, f"劳动者{worker}",
            resident_id(worker) if worker % 4 else "", f"历史用人单位{employer}有限公司",
            _uscc(employer) if employer % 3 else "", CLAIM_TYPES[n % len(CLAIM_TYPES)], f"{claimed}.00", outcome,
            effective, awarded, paid]


def write_file(path: Path, rows: int) -> None:
    from cases.disputes.import_rows import COLUMNS

    chance, sequences = random.Random(20261206), {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(1, rows + 1):
            writer.writerow(_row(n, chance, sequences))


def _seconds(action):
    started = time.perf_counter()
    value = action()
    return round(time.perf_counter() - started, 3), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/postgres)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="unioncase-bench-import-") as tmp:
        tmp = Path(tmp)
        url = _recreate_postgres(options.database_url) if options.database_url else f"sqlite:///{tmp / 'bench.sqlite3'}"
        _setup_django(url, tmp)
        from cases.disputes.import_rows import read_dispute_rows
        from cases.disputes.imports import import_disputes
        from cases.models import DisputeCase

        _organisations()
        path = tmp / "history.csv"
        write_file(path, options.rows)
        check_only, parsed = _seconds(lambda: read_dispute_rows(path))
        first, result = _seconds(lambda: import_disputes(path))
        again, repeat = _seconds(lambda: import_disputes(path))
        imported_cases = DisputeCase.objects.count()

    goal = GOAL_SECONDS_PER_10K * options.rows / 10_000
    print(json.dumps({
        "database": "postgresql" if options.database_url else "sqlite",
        "rows": options.rows,
        "read_and_check_seconds": check_only,
        "import_seconds": first,
        "rows_per_second": round(options.rows / first, 1) if first else None,
        "reimport_seconds": again,
        "imported": result.imported, "errors": len(result.errors), "cases_in_database": imported_cases,
        "reimport_imported": repeat.imported, "reimport_already_imported": repeat.already_imported,
        "rows_in_error_at_check": len(parsed.errors),
        "goal_seconds": goal, "meets_goal": first <= goal,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }, ensure_ascii=False))
    if options.database_url:
        _drop_postgres(options.database_url)


def _drop_postgres(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')


if __name__ == "__main__":
    main()
