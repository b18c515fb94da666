"""Starting a real Celery worker process for the integration tests, on the broker the suite
runs against (CELERY_BROKER_URL), reading this test's database."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_this_test() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def skip_on_sqlite() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("the worker process cannot see SQLite's in-memory test database; run on PostgreSQL")


def start_worker(*, queue: str, media_root: str, env: dict | None = None, name: str = "") -> subprocess.Popen:
    """One solo worker (the task runs in the process itself, so killing it kills the task)
    consuming only `queue`, with `env` added to this process's environment. Workers running
    at the same time need distinct `name`s (RabbitMQ refuses a second one of the same name)."""
    environment = {
        **os.environ, "DATABASE_URL": database_url_of_this_test(), "MEDIA_ROOT": media_root,
        "CELERY_TASK_DEFAULT_QUEUE": queue, **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-mingle", "--without-gossip", "--loglevel=INFO",
         *([f"--hostname={name}@%h"] if name else [])],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop_worker(process: subprocess.Popen) -> str:
    """Stop it (if still running) and return the end of what it printed."""
    if process.poll() is None:
        process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return (output or "")[-4000:]


def wait_for(condition, *, seconds=90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@contextmanager
def tasks_sent_to_a_fresh_queue():
    """This process publishes to a queue of its own; yields its name for the worker to consume."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = previous
