"""bench/load.py's figures: locust's CSV statistics, the errors the servers logged, and the CPU
time the web processes and PostgreSQL spent per request (not made longer by a busy machine, as
response times are)."""

import csv
from pathlib import Path

import psutil


def _number(value: str):
    try:
        return round(float(value), 1)
    except ValueError:  # "N/A" when a kind had no request
        return None


def locust_stats(prefix: str) -> tuple[dict, dict]:
    """Per request name and over all (locust's "Aggregated" row): counts, rate and percentiles."""
    kinds, total = {}, {}
    with open(f"{prefix}_stats.csv", newline="") as source:
        for row in csv.DictReader(source):
            figures = {"requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                       "requests_per_s": _number(row["Requests/s"]), "p50_ms": _number(row["50%"]),
                       "p95_ms": _number(row["95%"]), "p99_ms": _number(row["99%"]),
                       "max_ms": _number(row["Max Response Time"]), "mean_ms": _number(row["Average Response Time"])}
            if row["Name"] == "Aggregated":
                total = figures
            else:
                kinds[row["Name"]] = figures
    return kinds, total


def failures(prefix: str) -> list[dict]:
    """The ten most frequent failures locust recorded."""
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as source:
        rows = [{"kind": row["Name"], "error": row["Error"][:300], "count": int(row["Occurrences"])}
                for row in csv.DictReader(source)]
    return sorted(rows, key=lambda row: -row["count"])[:10]


def logged_errors(log: Path) -> list[str]:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line[:300] for line in lines if "ERROR" in line or "Traceback" in line or "CRITICAL" in line]


class CpuMeter:
    """CPU seconds (user + system) spent between start() and stop() by each process tree of
    `trees` (name: its root's pid) and by the PostgreSQL backends connected to `database`
    (web and worker alike; they persist between requests with conn_max_age)."""

    def __init__(self, trees: dict[str, int], database: str):
        self.trees, self.database = trees, database
        self.started: dict[str, dict[int, float]] = {}

    def _processes(self) -> dict[str, list]:
        found = {}
        for name, pid in self.trees.items():
            try:
                root = psutil.Process(pid)
                found[name] = [root, *root.children(recursive=True)]
            except psutil.Error:
                found[name] = []
        found["postgres"] = [process for process in psutil.process_iter(["cmdline"])
                             if f" {self.database} " in " ".join(process.info["cmdline"] or [])]
        return found

    def _sample(self) -> dict[str, dict[int, float]]:
        sample: dict[str, dict[int, float]] = {}
        for name, processes in self._processes().items():
            sample[name] = {}
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.Error:  # ended, or not ours to read
                    continue
                sample[name][process.pid] = times.user + times.system
        return sample

    def start(self) -> None:
        self.started = self._sample()

    def stop(self) -> dict[str, float]:
        ended = self._sample()
        return {name: round(sum(seconds - self.started.get(name, {}).get(pid, 0.0)
                                for pid, seconds in ended[name].items()), 2) for name in ended}
