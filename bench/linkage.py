"""Benchmark: record linkage of 1,000,000 civil-affairs records against 200,000 workers
(issue 5), beside an exact valid-ID join measured in the same run.

    .venv/bin/python bench/linkage.py [--civil N] [--workers M] [--seed S] [--processes P]

The data comes from tests/linkage_data.py (the typo model of the quality test): most civil
records are nobody on file (half of them namesakes of a worker, 30% without an ID); the
`--same` share are workers, `--clean` of them exact copies and the rest with one
corruption (ID missing, transposed, one wrong digit, wrong check digit, a homophone in
the name, day and month swapped) or an ID corruption plus another. Generation is timed
apart and not counted. Precision and recall are those of the quality test: a "match" to
the right worker is a true positive, to another a false positive, and a true pair without
"match" a false negative. Prints one JSON object; nothing here is asserted anywhere.
"""

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60
GOAL_RECALL = 0.98


def _setup_django() -> None:
    # The validators read the time zone from the settings; no database is touched.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)


def _quality(decisions: list[tuple[str, str | None, str]], truth: dict[str, str | None]) -> dict:
    """decisions: (civil_ref, worker_ref, decision) per civil record."""
    tp = sum(decision == "match" and worker == truth[ref] for ref, worker, decision in decisions)
    fp = sum(decision == "match" and worker != truth[ref] for ref, worker, decision in decisions)
    fn = sum(decision != "match" and truth[ref] is not None for ref, worker, decision in decisions)
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "true_positives": tp, "false_positives": fp, "false_negatives": fn,
    }


def exact_id_join(civil, workers) -> list[tuple[str, str | None, str]]:
    """The baseline: a dict join on valid resident IDs, nothing else."""
    from cases.rules.linkage import is_valid_resident_id
    from cases.rules.validators import normalise_resident_id

    by_id = {}
    for worker in workers:
        if worker.id_number:
            number = normalise_resident_id(worker.id_number)
            if is_valid_resident_id(number):
                by_id.setdefault(number, worker.ref)
    decisions = []
    for record in civil:
        number = normalise_resident_id(record.id_number) if record.id_number else ""
        worker_ref = by_id.get(number) if number and is_valid_resident_id(number) else None
        decisions.append((record.ref, worker_ref, "match" if worker_ref else "none"))
    return decisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--civil", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--same", type=float, default=0.1, help="share of civil records that are workers")
    parser.add_argument("--clean", type=float, default=0.5, help="share of those copied without a typo")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    _setup_django()
    from cases.rules.linkage import REVIEW, link
    from tests.linkage_data import generate

    data, generation_seconds, _ = _timed(lambda: generate(
        args.workers, args.civil, seed=args.seed, share_same=args.same, share_clean=args.clean))
    baseline, baseline_seconds, baseline_cpu = _timed(lambda: exact_id_join(data.civil, data.workers))
    results, seconds, cpu = _timed(lambda: link(data.civil, data.workers, processes=args.processes))
    linkage = _quality([(r.civil_ref, r.worker_ref, r.decision) for r in results], data.truth)
    review = sum(r.decision == REVIEW for r in results)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "civil": len(data.civil),
        "workers": len(data.workers),
        "true_pairs": sum(ref is not None for ref in data.truth.values()),
        "seed": args.seed,
        "generation_seconds": generation_seconds,
        "baseline_exact_id": {"seconds": baseline_seconds, "cpu_seconds": baseline_cpu,
                              **_quality(baseline, data.truth)},
        "linkage": {
            "seconds": seconds,
            # This process only; the forked children's CPU time is in machine.children_cpu_seconds.
            "cpu_seconds": cpu,
            "processes": args.processes,
            **linkage,
            "review": review,
            "review_with_right_worker": sum(
                r.decision == REVIEW and r.worker_ref == data.truth[r.civil_ref] for r in results),
            "match": sum(r.decision == "match" for r in results),
        },
        "goal_seconds": GOAL_SECONDS,
        "goal_recall": GOAL_RECALL,
        "goal_met": seconds <= GOAL_SECONDS and (linkage["recall"] or 0) >= GOAL_RECALL,
        "machine": {
            "cpu_count": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            # ru_maxrss is in KiB on Linux: the peak of this process and of the largest child.
            "max_rss_mb": round(own.ru_maxrss / 1024),
            "children_max_rss_mb": round(children.ru_maxrss / 1024),
            "children_cpu_seconds": round(children.ru_utime + children.ru_stime, 2),
        },
    }))


if __name__ == "__main__":
    main()
