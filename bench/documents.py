"""Benchmark: the one-page `notice` issued through the full document service against the
same HTML and stylesheet rendered by bare WeasyPrint, in one run, interleaved.

    .venv/bin/python bench/documents.py [--runs N]

service: issue_document() = template → PDF → sha256 → file under MEDIA_ROOT → Document
row (full_clean, history) → audit event. bare: weasyprint.HTML(string=html).write_pdf()
with a fresh CSS parse and a fresh FontConfiguration each time, as a plain caller would.
Uses a temporary SQLite file and MEDIA_ROOT, never the project's own. Prints one JSON
object (medians of the timed runs); nothing here is asserted anywhere.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS_PER_PAGE = 60
GOAL_OVERHEAD_RATIO = 1.2
WARM_UP = 3


def _setup_django(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _fixtures():
    from django.contrib.auth import get_user_model

    from cases.models import Organisation, OrganisationKind

    organisation = Organisation(code="BJ", name="北京市总工会", kind=OrganisationKind.CITY_FEDERATION)
    organisation.full_clean()
    organisation.save()
    user = get_user_model().objects.create_user(username="bench", password="bench-password")
    return organisation, user


Run = tuple[float, float, int]  # wall ms, CPU ms of this process, pages


def _timed(action) -> Run:
    wall, cpu = time.perf_counter(), time.process_time()
    pages = action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, pages


def _measure(runs: int) -> dict:
    import weasyprint

    from cases.documents.registry import get_kind
    from cases.platform import documents

    organisation, user = _fixtures()
    kind = get_kind("notice")
    context = kind.sample_context()
    html = documents.render_html(template=kind.template, context={
        **context, "title": context["title"], "organisation_name": organisation.name,
    })
    base_url = documents.templates_dir().as_uri() + "/"
    stylesheet = documents.stylesheet_source()

    def service() -> int:
        return documents.issue_document(kind="notice", organisation=organisation, context=context, by=user).pages

    def bare() -> int:
        document = weasyprint.HTML(string=html, base_url=base_url).render(
            stylesheets=[weasyprint.CSS(string=stylesheet, base_url=base_url)])
        document.write_pdf()
        return len(document.pages)

    for _ in range(WARM_UP):
        service(), bare()
    service_runs, bare_runs = [], []
    for _ in range(runs):
        service_runs.append(_timed(service))
        bare_runs.append(_timed(bare))
    return _summary(service_runs, bare_runs, runs)


def _per_page(runs: list[Run], column: int) -> float:
    return statistics.median(run[column] / run[2] for run in runs)


def _summary(service_runs: list[Run], bare_runs: list[Run], runs: int) -> dict:
    service_ms, bare_ms = _per_page(service_runs, 0), _per_page(bare_runs, 0)
    return {
        "service_ms_per_page": round(service_ms, 1),
        "bare_weasyprint_ms_per_page": round(bare_ms, 1),
        "overhead_ratio": round(service_ms / bare_ms, 3),
        "goal_ms_per_page": GOAL_MS_PER_PAGE,
        "goal_overhead_ratio": GOAL_OVERHEAD_RATIO,
        "runs": runs,
        # Diagnostics: CPU time is steadier than wall time on a shared machine, but leaves
        # out waiting for the disk (the database commit, the file write).
        "service_cpu_ms_per_page": round(_per_page(service_runs, 1), 1),
        "bare_weasyprint_cpu_ms_per_page": round(_per_page(bare_runs, 1), 1),
        "pages_per_document": service_runs[0][2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="unioncase-bench-") as tmp:
        _setup_django(Path(tmp))
        print(json.dumps(_measure(runs)))


if __name__ == "__main__":
    main()
