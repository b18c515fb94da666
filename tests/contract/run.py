"""The contract run: schemathesis against the live app, on a fresh database with fixture data.

    .venv/bin/python -m tests.contract.run [--max-examples N] [--workers N] [--seed N] [--keep]

1. A fresh database: `<name>_contract` beside the one DATABASE_URL names when that is PostgreSQL
   (dropped and made anew, dropped again at the end), else a SQLite file in a temporary folder.
2. The OpenAPI document generated and validated, failing on any warning
   (`manage.py spectacular --validate --fail-on-warn`), kept in the run's folder.
3. The fixture data (tests/contract/fixtures.py): migrations, the demo seed, disputes in the
   queues, staff members' personal tokens, a system client of 海淀 (OAuth2 client credentials).
4. The app under gunicorn (production settings: DEBUG off, Celery eager, rate limits raised so
   that the run is not throttled), and `st run` over every operation of /api/v1/schema/ with the
   checks below, each operation authenticated as its security says (tests/contract/hooks.py).

Exits with schemathesis's status: non-zero on any failure. On a failure the server's error log
(the tracebacks of 5xx answers) is printed. The public pages (/public/) are HTML, not in the
schema, and not part of this run.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# schemathesis's own checks, and ours (tests/contract/hooks.py): a system client of 海淀 never
# gets 朝阳's data.
CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,"
          "system_client_stays_in_its_district")
PHASES = "examples,coverage,fuzzing,stateful"
SCHEMA_PATH = "/api/v1/schema/"
CONFIG = Path(__file__).with_name("schemathesis.toml")


def fresh_database(folder: Path) -> tuple[str, callable]:
    """A URL of an empty database of the run's own, and how to drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder / 'contract.sqlite3'}", lambda: None
    import psycopg

    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "unioncase") + "_contract"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), drop


def environment(folder: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}  # tasks run inline
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url, "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(folder / "media"), "AUDIT_ANCHOR_PATH": str(folder / "audit-anchors.jsonl"),
        "API_READ_RATE": "100000/min", "API_WRITE_RATE": "100000/min", "PYTHONPATH": str(ROOT),
    })
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: int = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the app exited ({server.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"the app did not answer {url} within {seconds} s")


def step(title: str, command: list[str], env: dict) -> None:
    started = time.monotonic()
    print(f"contract: {title}", flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    print(f"contract: {title} ({time.monotonic() - started:.0f} s)", flush=True)


def schemathesis_command(base: str, folder: Path, options) -> list[str]:
    return [
        str(BIN / "st"), "--config-file", str(CONFIG), "run", base + SCHEMA_PATH, "--url", base,
        "--checks", CHECKS, "--phases", PHASES, "--max-examples", str(options.max_examples), "--workers", str(options.workers), "--seed", str(options.seed),
        "--request-timeout", "60", "--no-color", "--suppress-health-check", "too_slow,filter_too_much",
        "--report", "junit", "--report-junit-path", str(folder / "junit.xml"),
    ]


def answers(access_log: Path) -> str:
    """How the app answered the run's requests, by status code: "200×87 404×542 422×2069"."""
    lines = access_log.read_text(errors="replace").splitlines() if access_log.exists() else []
    counts = Counter(status for status in (line.rsplit(" ", 1)[-1] for line in lines) if re.fullmatch(r"[1-5]\d\d", status))
    return " ".join(f"{status}×{count}" for status, count in sorted(counts.items())) or "none"


LOG_LINE = re.compile(r"^(\[\d{4}-|[A-Z][A-Za-z ]+: /)")  # a gunicorn line, or Django's line for a 4xx/5xx


def server_errors(log: Path, most: int = 5) -> str:
    """The tracebacks of the app's 5xx answers (the last `most`), from its log."""
    errors, current = [], None
    for line in (log.read_text(errors="replace").splitlines() if log.exists() else []):
        if line.startswith("Internal Server Error:"):
            current = [line]
            errors.append(current)
        elif current is not None and not LOG_LINE.match(line):
            current.append(line)
        else:
            current = None
    return "\n\n".join("\n".join(error[:80]) for error in errors[-most:])


def run(options) -> int:
    folder = Path(tempfile.mkdtemp(prefix="contract-"))
    database_url, drop = fresh_database(folder)
    env = environment(folder, database_url)
    python = str(BIN / "python")
    server = log_file = None
    try:
        step("OpenAPI document (spectacular --validate --fail-on-warn)",
             [python, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(folder / "openapi.yaml")],
             env)
        fixtures = folder / "fixtures.json"
        step("fresh database, demo seed and fixtures", [python, "-m", "tests.contract.fixtures", str(fixtures)], env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = folder / "server.log"
        log_file = open(log, "w")
        # No limit on the request line: an overlong address is the front proxy's 414 in production,
        # here the app's own answer to it is tested.
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--timeout", "120", "--graceful-timeout", "5", "--limit-request-line", "0",
             "--access-logfile", str(folder / "access.log"), "--access-logformat", "%(m)s %(U)s %(s)s"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        wait_for(base + SCHEMA_PATH, server)
        started = time.monotonic()
        print(f"contract: schemathesis against {base}{SCHEMA_PATH}", flush=True)
        status = subprocess.run(schemathesis_command(base, folder, options), cwd=ROOT, env={
            **env, "SCHEMATHESIS_HOOKS": "tests.contract.hooks", "CONTRACT_FIXTURES": str(fixtures),
            "CONTRACT_BASE_URL": base}).returncode
        print(f"contract: schemathesis exited {status} ({time.monotonic() - started:.0f} s); the app's answers: "
              f"{answers(folder / 'access.log')}", flush=True)
        if status != 0:
            errors = server_errors(log)
            if errors:
                print("contract: the server's errors:\n" + errors, flush=True)
        return status
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if log_file is not None:
            log_file.close()
        drop()
        if options.keep:
            print(f"contract: kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="schemathesis against the live app (issue 21, point 3)")
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("CONTRACT_MAX_EXAMPLES", 20)),
                        help="test cases per operation and phase (default 20, or CONTRACT_MAX_EXAMPLES)")
    # One worker: concurrent workers trip a CPython 3.11 bug (SystemError "AST constructor recursion
    # depth mismatch") in hypothesis's lambda descriptions.
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CONTRACT_SEED", 2126)),
                        help="schemathesis's seed: the same run each time (CONTRACT_SEED to vary it)")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (fixtures, logs, report)")
    started = time.monotonic()
    status = run(parser.parse_args(argv))
    print(f"contract: {'passed' if status == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
