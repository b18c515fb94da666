"""Benchmark: production serving under load (issue 18, point 5): gunicorn + PostgreSQL + a Celery
worker on Redis, driven by locust headless with 50 simulated staff for 2 minutes.

    .venv/bin/python bench/load.py [--cases N] [--users U] [--spawn-rate R] [--run-time S]
                                   [--think-time MIN MAX] [--warm-up N] [--baseline-runs N]
                                   [--workers W] [--threads T] [--worker-concurrency C]
                                   [--broker-url URL] [--database-url URL] [--database-name NAME]

Builds its own database (--database-name, default `unioncase_bench_load`, dropped first) on the
PostgreSQL server of --database-url with bench/queues.py's fill: --cases open dispute cases
(default 100,000) in the real tables and shape, the ~977 organisations, a mediator per street,
the demo mediator and lead of 4 of the 16 districts, and the queues' stored rows.

The staff (--users, default 50): the demo mediator and lead, the 40 street mediators of those 4
districts, and mediation leads of those districts created here for the rest. Each gets a
confirmed authenticator and a signed-in session that has passed 2FA (as after the code page),
written with Django's SessionStore, so the run measures the pages and not the sign-in. Each
simulated user (bench/load_staff.py) starts at a random point of its first think time, then
loops with a think time of --think-time seconds (default 5–15: a person reads a page before
the next click, so 50 of them offer about 5 requests/s; give `2 8` for a harder run):
我的待办 (weight 3), 待领取 (3), a case page of a case it may read (4), a case search by number
or worker name (2), and a transition (1): claiming a task set aside for it in its queue
(disjoint between users), or, on a mediation it holds, 安排调解, whose 调解通知书 and notices go
through Redis to the worker after the commit. Each request is a connection of its own, as
behind the README's proxy.

Serving: `gunicorn config.wsgi:application --workers 4 --threads 2` with DEBUG off and
persistent database connections (DATABASE_URL ...?conn_max_age=60), the README's production
command. Why 4 × 2 on this 2-core machine: two processes per core keep both cores busy while a
request waits on PostgreSQL, and two threads per process let a second request run during that
wait without another process's memory; 8 requests at once, 8 database connections. The worker:
`celery -A config worker --concurrency 1` on a queue of its own (another run's or the test
suite's worker never takes its tasks), so that rendering takes at most one core from the web.

Before the run every page kind is requested --warm-up rounds of workers × threads requests at
once (not counted), so that every gunicorn process has served each kind; then the baseline:
each page kind --baseline-runs times one request at a time. After the run the worker is given
up to 120 s to drain its queue. Prints one JSON object: requests/s, per page kind p50/p95
(locust's, rounded to 2 significant digits above 100 ms) beside the baseline, errors (HTTP,
and errors logged by gunicorn and the worker), what the worker did, the CPU time per request of
the web processes and of PostgreSQL (which a busy machine does not lengthen as it does response
times), the goal (p95 ≤ 300 ms for every kind, 0 errors) and whether it was met. locust runs
on the same machine; the machine is shared, so the load average before and after is reported
beside the times. gunicorn and the worker are stopped at the end, also on failure. Nothing
here is asserted anywhere.
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from bench_database import recreate_database, server_url
from load_report import CpuMeter, failures, locust_stats, logged_errors
from queues import DEMO_DISTRICTS, STREETS, _fill, _people, _queue_rows, _setup_django

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "unioncase_bench_load"
GOAL_P95_MS = 300
PAGE_KINDS = ("inbox", "queue", "case", "search")
TRANSITION_KINDS = ("claim", "schedule_session")
PER_ACCOUNT = {"cases": 100, "claims": 12, "schedules": 10}
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


# -- the staff and what each may do -----------------------------------------------------------

def _staff(users: dict, count: int) -> list:
    """The demo mediator and lead, the street mediators of the demo districts, then new leads."""
    from django.contrib.auth import get_user_model

    from cases.models import Membership, Organisation, Role

    User = get_user_model()
    streets = [f"mediator_BJ-D{d:02d}-S{s:02d}" for d in range(DEMO_DISTRICTS) for s in range(STREETS)]
    staff = [users["mediator"], users["lead"], *User.objects.filter(username__in=streets).order_by("username")]
    districts = list(Organisation.objects.filter(code__in=[f"BJ-D{d:02d}" for d in range(DEMO_DISTRICTS)])
                     .order_by("code"))
    for n in range(max(count - len(staff), 0)):
        lead = User.objects.create_user(username=f"load_lead_{n}", password=None, last_name="组长", first_name=str(n))
        Membership.objects.create(user=lead, organisation=districts[n % len(districts)], role=Role.MEDIATION_LEAD)
        staff.append(lead)
    return staff[:count]


def _signed_in(user) -> str:
    """A session as after the password and the authenticator's code: its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: MODEL_BACKEND,
                    HASH_SESSION_KEY: user.get_session_auth_hash(), DEVICE_ID_SESSION_KEY: device.persistent_id})
    session.create()
    return session.session_key


def _account(user, claimed: set) -> dict:
    """What `user` opens and does: cases it may read, searches, its claims (none another
    account has) and the mediations it holds (安排调解)."""
    from cases.models import DisputeCase
    from cases.selectors import scoped
    from workflows.dispute.views import assigned_tasks, queue_tasks

    cases = list(scoped(DisputeCase.objects.all(), user).order_by("?")
                 .values_list("pk", "number", "worker__name")[:PER_ACCOUNT["cases"]])
    claims = []
    for queued in queue_tasks(user).exclude(pk__in=claimed).order_by("?")[:PER_ACCOUNT["claims"]]:
        claimed.add(queued.pk)
        claims.append(queued.flow_task.reverse("assign", args=[queued.process_id, queued.pk]))
    mediations = assigned_tasks(user).filter(flow_task__endswith=".mediate").order_by("?")[:PER_ACCOUNT["schedules"]]
    return {
        "username": user.username, "session": _signed_in(user),
        "cases": [pk for pk, _, _ in cases],
        "searches": [number for _, number, _ in cases[::2]] + [name for _, _, name in cases[1::2]],
        "claims": claims,
        "schedules": [task.flow_task.reverse("action", args=[task.process_id, task.pk, "schedule_session"])
                      for task in mediations],
    }


def _plan(staff, think: list[float]) -> dict:
    from django.conf import settings
    from django.urls import get_resolver

    get_resolver().url_patterns  # builds the site's URLs, through which flow nodes reverse theirs

    claimed: set = set()
    accounts = [_account(user, claimed) for user in staff]
    return {"accounts": accounts, "think_seconds": think, "csrf": secrets.token_hex(16),
            "session_cookie": settings.SESSION_COOKIE_NAME, "csrf_cookie": settings.CSRF_COOKIE_NAME}


# -- the processes ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list[str], env: dict, log: Path, stack: ExitStack) -> subprocess.Popen:
    out = stack.enter_context(open(log, "w"))
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    stack.callback(_stop, process)
    return process


def _no_control_socket() -> list[str]:
    """Recent gunicorn opens a control socket at one path per user: not for a run beside another."""
    usage = subprocess.run([str(BIN / "gunicorn"), "--help"], capture_output=True, text=True).stdout
    return ["--no-control-socket"] if "--no-control-socket" in usage else []


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(base: str, path: str, session: str, cookie_name: str) -> int:
    request = urllib.request.Request(base + path, headers={"Cookie": f"{cookie_name}={session}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait_until_serving(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if _get(base, "/accounts/login/", "", "x") == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


def _paths(account: dict, n: int = 0) -> dict:
    """A page of each kind for `account`; the claim and 安排调解 pages as GET (their forms, no transition)."""
    return {"inbox": "/dispute/inbox/", "queue": "/dispute/queue/",
            "case": f"/cases/{account['cases'][n % len(account['cases'])]}/",
            "search": "/cases/search/?q=" + urllib.parse.quote(account["searches"][n % len(account["searches"])]),
            "claim": (account["claims"] or ["/dispute/queue/"])[0],
            "schedule_session": (account["schedules"] or ["/dispute/inbox/"])[0]}


def _warm_up(base: str, plan: dict, rounds: int, concurrency: int) -> dict:
    """Each page kind `rounds` times `concurrency` requests at once, as the first accounts, so that
    every gunicorn process has served each kind before the run (its first request of a kind loads
    code and compiles templates)."""
    accounts = plan["accounts"][:concurrency]

    statuses: dict[str, set[int]] = {}
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for _ in range(rounds):
            for kind in (*PAGE_KINDS, *TRANSITION_KINDS):
                requests = [(_paths(accounts[n % len(accounts)])[kind], accounts[n % len(accounts)]["session"])
                            for n in range(concurrency)]
                codes = pool.map(lambda request: _get(base, request[0], request[1], plan["session_cookie"]), requests)
                statuses.setdefault(kind, set()).update(codes)
    return {kind: sorted(codes) for kind, codes in statuses.items()}


def _unloaded(base: str, plan: dict, runs: int) -> dict:
    """The baseline: each page kind `runs` times one at a time (no other request in flight), ms."""
    times: dict[str, list[float]] = {kind: [] for kind in PAGE_KINDS}
    for n in range(runs):
        account = plan["accounts"][n % len(plan["accounts"])]
        paths = _paths(account, n + 1)
        for kind in PAGE_KINDS:
            started = time.perf_counter()
            _get(base, paths[kind], account["session"], plan["session_cookie"])
            times[kind].append((time.perf_counter() - started) * 1000)
    return {kind: {"p50_ms": round(statistics.median(values), 1), "max_ms": round(max(values), 1)}
            for kind, values in times.items()}


def _drain(broker: str, queue: str, seconds: int = 120) -> int:
    """Wait until the worker's queue is empty (and its last task had time to finish); what is left."""
    import redis

    client = redis.Redis.from_url(broker)
    deadline = time.monotonic() + seconds
    while (left := client.llen(queue)) and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(5)
    client.delete(queue)
    return left


def _counts() -> dict:
    from cases.models import MediationSession
    from cases.models.documents import Document
    from notifications.models import Delivery, Notification

    return {"documents": Document.objects.count(), "notifications": Notification.objects.count(),
            "deliveries": Delivery.objects.count(), "sessions": MediationSession.objects.count()}


# -- the run ----------------------------------------------------------------------------------

def _options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50, help="simulated staff (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--run-time", type=int, default=120, help="seconds of load (default 120)")
    parser.add_argument("--think-time", type=float, nargs=2, default=[5.0, 15.0], metavar=("MIN", "MAX"),
                        help="seconds a simulated user waits between two actions (default 5 15)")
    parser.add_argument("--warm-up", type=int, default=3,
                        help="rounds of workers × threads concurrent requests of each page kind before the run")
    parser.add_argument("--baseline-runs", type=int, default=10,
                        help="requests of each page kind one at a time, the unloaded baseline")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--worker-concurrency", type=int, default=1, help="Celery worker processes")
    parser.add_argument("--broker-url", default=os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--database-name", default=DATABASE, help="the database created (and dropped) on that server")
    return parser.parse_args()


def _environment(options, media: Path, queue: str) -> dict:
    """The servers' environment: production settings (DEBUG off) on the bench database and broker."""
    return {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING",
            "DATABASE_URL": server_url(options.database_url, options.database_name) + "?conn_max_age=60",
            "CELERY_BROKER_URL": options.broker_url, "CELERY_TASK_DEFAULT_QUEUE": queue,
            "MEDIA_ROOT": str(media / "media"), "AUDIT_ANCHOR_PATH": str(media / "anchors.jsonl")}


def _servers(options, env: dict, port: int, queue: str, logs: dict, stack: ExitStack):
    """The Celery worker (on its own queue) and gunicorn, both stopped when `stack` closes."""
    worker = _start([str(BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--loglevel=WARNING",
                     f"--concurrency={options.worker_concurrency}", "--without-mingle", "--without-gossip",
                     f"--hostname=bench-load-{queue}@%h"], env, logs["worker"], stack)
    server = _start([str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                     "--workers", str(options.workers), "--threads", str(options.threads), "--timeout", "60",
                     *_no_control_socket()], env, logs["gunicorn"], stack)
    return worker, server


def _serve_and_load(options, plan: dict, work: Path) -> dict:
    queue = f"bench-load-{uuid.uuid4().hex[:8]}"
    env = _environment(options, work, queue)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    (work / "plan.json").write_text(json.dumps(plan, ensure_ascii=False))
    logs = {name: work / f"{name}.log" for name in ("gunicorn", "worker", "locust")}
    before = _counts()
    with ExitStack() as stack:
        worker, server = _servers(options, env, port, queue, logs, stack)
        _wait_until_serving(base, server, logs["gunicorn"])
        warm_up = _warm_up(base, plan, options.warm_up, options.workers * options.threads)
        unloaded = _unloaded(base, plan, options.baseline_runs)
        load_before = os.getloadavg()
        cpu = CpuMeter({"gunicorn": server.pid, "celery_worker": worker.pid}, options.database_name)
        cpu.start()
        prefix = str(work / "locust")
        started = time.perf_counter()
        locust = subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "load_staff.py"), "--headless", "--only-summary",
             "--host", base, "--users", str(options.users), "--spawn-rate", str(options.spawn_rate),
             "--run-time", f"{options.run_time}s", "--stop-timeout", "30", "--csv", prefix, "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "UNIONCASE_LOAD_PLAN": str(work / "plan.json")},
            stdout=stack.enter_context(open(logs["locust"], "w")), stderr=subprocess.STDOUT,
        )
        seconds = round(time.perf_counter() - started, 1)
        load_after = os.getloadavg()
        left = _drain(options.broker_url, queue)
        cpu_seconds = cpu.stop()
        alive = {"gunicorn": server.poll() is None, "worker": worker.poll() is None}
    after = _counts()
    kinds, total = locust_stats(prefix)
    return {
        "locust_exit_code": locust.returncode, "locust_seconds": seconds, "kinds": kinds, "total": total,
        "baseline": unloaded, "cpu_seconds": cpu_seconds, "failures": failures(prefix),
        "warm_up_statuses": warm_up, "alive_at_the_end": alive,
        "worker": {**{name: after[name] - before[name] for name in after}, "tasks_left_in_queue": left,
                   "errors_logged": logged_errors(logs["worker"])[:10]},
        "server_errors_logged": logged_errors(logs["gunicorn"])[:10],
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(load_after[0], 2)},
        "logs": {name: str(path) for name, path in logs.items()},
    }


def _cpu_per_request(seconds: dict, requests: int) -> dict:
    """CPU per request of the web and the database, and the rate this machine's cores could serve
    at that cost if nothing else ran on them (the worker's rendering and locust are apart)."""
    per_request = {name: round(1000 * spent / requests, 1) if requests else None for name, spent in seconds.items()}
    serving = (per_request.get("gunicorn") or 0) + (per_request.get("postgres") or 0)
    return {"seconds": seconds, "ms_per_request": per_request, "cores": os.cpu_count(),
            "requests_per_s_the_cores_could_serve": round(1000 * os.cpu_count() / serving, 1) if serving else None}


def main() -> None:
    options = _options()
    recreate_database(options.database_url, options.database_name)
    _setup_django(options.database_url, options.database_name)

    started = time.perf_counter()
    leaves, street_mediators, users, one = _people()
    counts = _fill(options.cases, leaves, street_mediators, users, one)
    queue_rows = _queue_rows()
    staff = _staff(users, options.users)
    plan = _plan(staff, options.think_time)
    generation = round(time.perf_counter() - started, 1)

    work = Path(tempfile.mkdtemp(prefix="unioncase-bench-load-"))
    run = _serve_and_load(options, plan, work)
    kinds, total, baseline = run.pop("kinds"), run.pop("total"), run.pop("baseline")
    cpu = _cpu_per_request(run.pop("cpu_seconds"), total.get("requests") or 0)
    ordered = {kind: kinds[kind] for kind in (*PAGE_KINDS, *TRANSITION_KINDS) if kind in kinds}
    errors = total.get("errors", 0) + len(run["worker"]["errors_logged"]) + len(run["server_errors_logged"])
    worst_p95 = max((figures["p95_ms"] or 0 for figures in ordered.values()), default=None)
    print(json.dumps({
        "benchmark": "production serving under load: gunicorn + PostgreSQL + Celery worker on Redis, "
                     "locust headless (DEBUG off)",
        "cases": counts["cases_disputecase"], "tasks": counts["viewflow_task"], "queue_rows": queue_rows,
        "generation_seconds": generation,
        "users": options.users, "run_seconds": options.run_time, "think_seconds": options.think_time,
        "gunicorn": {"workers": options.workers, "threads": options.threads},
        "celery_worker_concurrency": options.worker_concurrency,
        "requests": total.get("requests"), "requests_per_s": total.get("requests_per_s"),
        "p50_ms": total.get("p50_ms"), "p95_ms": total.get("p95_ms"),
        "errors": errors, "http_errors": total.get("errors"),
        "pages": ordered,
        "worst_p95_ms": worst_p95,
        "baseline_one_request_at_a_time": baseline,
        "cpu": cpu,
        "goal": {"p95_ms_every_kind": GOAL_P95_MS, "errors": 0},
        "meets_goal": bool(ordered) and worst_p95 <= GOAL_P95_MS and errors == 0,
        **run,
        "note": "shared 2-core machine, locust on the same machine as gunicorn, PostgreSQL and the worker: "
                "times are noisy (load average beside them); percentiles are locust's (2 significant digits "
                "above 100 ms)",
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
