"""`make run`'s periodic work (config/embedded.py): a hardship file whose publicity ran out
reaches the reviewers' approval task with nobody touching it, driven by beat.

- Beat's own scheduler with the project's schedule and schedule file, down overnight and
  restarted in the morning, runs what fell due meanwhile (tasks inline, any database).
- The real worker with embedded beat on the filesystem broker fires a timer that fell due
  while nothing ran; the supervisor serves the web app beside them and stops all of it on
  Ctrl-C. These processes read this test's database: PostgreSQL only (.ci/run).
"""

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from celery.beat import PersistentScheduler
from freezegun import freeze_time

from cases.models import AuditAction, AuditEvent, HardshipFile, HardshipStatus
from cases.platform.transitions import apply
from config.celery import app
from config.embedded import embedded_broker_environment, worker_command
from notifications.models import Notification
from tests.integration.celery_worker import ROOT, database_url_of_this_test, stop_worker, wait_for
from tests.integration.hardship.test_hardship_flow import at, identify_until_publicity, open_task_names, staff  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def run_due_entries(scheduler) -> None:
    """What beat's loop does: tick while an entry was due (a tick sends one entry)."""
    for _ in range(50):
        if scheduler.tick() != 0:
            return
    raise AssertionError("beat kept finding due entries")


def last_runs(scheduler) -> dict[str, datetime]:
    return {name: entry.last_run_at for name, entry in scheduler.schedule.items()}


def test_beat_restarted_in_the_morning_submits_the_file_and_catches_up(orgs, staff, tmp_path):  # noqa: F811
    file = identify_until_publicity(orgs, staff)
    schedule = str(tmp_path / "celerybeat-schedule")

    with freeze_time(at("2026-03-10", 22)):  # the publicity's last day; beat then stops for the night
        scheduler = PersistentScheduler(app=app, schedule_filename=schedule)
        run_due_entries(scheduler)
        scheduler.close()
    file.refresh_from_db()
    assert file.status == HardshipStatus.IN_PUBLICITY and open_task_names(file) == ["wait_publicity"]

    with freeze_time(at("2026-03-11", 9).replace(minute=30)):  # restarted after the 08:00 digest and 09:00 reminders
        scheduler = PersistentScheduler(app=app, schedule_filename=schedule)
        before = last_runs(scheduler)
        assert before["send-daily-digests"] == at("2026-03-10", 22)  # remembered across the restart
        run_due_entries(scheduler)
        after = last_runs(scheduler)
        scheduler.close()

    ran = {name for name in app.conf.beat_schedule if after[name] > before[name]}
    assert ran == set(app.conf.beat_schedule)  # every entry, the daily ones included, caught up once
    file.refresh_from_db()
    assert file.status == HardshipStatus.AWAITING_APPROVAL
    assert open_task_names(file) == ["approve"]
    ended = AuditEvent.objects.for_subject(file).get(action=AuditAction.TRANSITION, name="end_publicity")
    assert ended.actor_label == "system:publicity_timer"
    assert Notification.objects.filter(recipient=staff["reviewer"], kind="approval_needed").exists()


def test_a_pending_objection_leaves_the_publicity_to_a_caseworker(orgs, staff, tmp_path):  # noqa: F811
    file = identify_until_publicity(orgs, staff)
    with freeze_time(at("2026-03-05", 9)):
        apply(file, "lodge_objection", by=staff["caseworker"], data={"content": "该户有未申报的经营收入。"})
    with freeze_time(at("2026-03-11", 9)):
        scheduler = PersistentScheduler(app=app, schedule_filename=str(tmp_path / "celerybeat-schedule"))
        for entry in scheduler.schedule.values():
            entry.last_run_at = at("2026-03-11", 8)
        run_due_entries(scheduler)
        scheduler.close()
    file.refresh_from_db()
    assert file.status == HardshipStatus.IN_PUBLICITY
    assert open_task_names(file) == ["conclude_publicity"]


def embedded_environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": database_url_of_this_test(), "MEDIA_ROOT": str(tmp_path / "media"),
        "AUDIT_ANCHOR_PATH": str(tmp_path / "audit-anchors.jsonl"),
        **embedded_broker_environment(tmp_path / "celery"),
    }


@pytest.mark.postgres
def test_the_embedded_worker_and_beat_submit_a_file_whose_publicity_ran_out(orgs, staff, tmp_path):  # noqa: F811
    file = identify_until_publicity(orgs, staff)  # publicity ended 10 March 2026, in the past
    assert open_task_names(file) == ["wait_publicity"]

    worker = subprocess.Popen(
        worker_command(schedule=tmp_path / "celerybeat-schedule"), cwd=ROOT, env=embedded_environment(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        # Beat's first every-minute tick falls within a minute of its start.
        reached = wait_for(lambda: HardshipFile.objects.get(pk=file.pk).status == HardshipStatus.AWAITING_APPROVAL,
                           seconds=150)
        told = wait_for(lambda: Notification.objects.filter(recipient=staff["reviewer"],
                                                            kind="approval_needed").exists())
        still_running = worker.poll() is None
    finally:
        output = stop_worker(worker)
    assert reached, output
    assert told, "the worker did not run the notification its own transition queued"
    assert still_running, output
    assert "Sending due task fire-workflow-timers" in output
    assert open_task_names(file) == ["approve"]
    ended = AuditEvent.objects.for_subject(file).get(action=AuditAction.TRANSITION, name="end_publicity")
    assert ended.actor_label == "system:publicity_timer"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def login_page_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.postgres
def test_ctrl_c_stops_the_web_app_the_worker_and_beat(tmp_path):
    port = free_port()
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "config.embedded", f"127.0.0.1:{port}"], cwd=ROOT,
        env=embedded_environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        serving = wait_for(lambda: login_page_answers(f"http://127.0.0.1:{port}/accounts/login/"))
        # supervisor → worker → beat, and runserver → its reloaded server
        started = wait_for(lambda: len(descendants(supervisor.pid)) >= 4)
        children = descendants(supervisor.pid)
        supervisor.send_signal(signal.SIGINT)
        status = supervisor.wait(timeout=60)
    finally:
        output = stop_worker(supervisor)
    assert serving and started, output
    assert status == 0, output
    assert not [pid for pid in children if alive(pid)], output
