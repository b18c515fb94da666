"""`make run`'s set-up in a browser: a publicity period ends while the embedded server runs,
nobody touches the file, and the reviewer finds its approval waiting.

The file is identified and its publicity posted on Tuesday 3 March 2026: five working days, the
last one Tuesday 10 March. The web app and the Celery worker with beat (config.embedded's supervisor
and commands, tests/e2e/hardship/embedded_server.py) then start at 23:58:30 on 10 March by their clock
(freezegun in the server processes only, one shared ticking clock).
Beat's every-minute sweep at 23:59 finds the publicity still running; the one at midnight fires the
flow's timer and the file moves to the reviewers' approval, as the system. The reviewer then signs
in, finds it in the queue and opens it. The database (PostgreSQL) and the broker (kombu's
filesystem transport) are real; the server processes read this test's database.
"""

import os
import signal
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from playwright.sync_api import expect

from cases.models import AuditAction, AuditEvent, HardshipFile, HardshipStatus, Membership, Role
from config.embedded import GRACE_SECONDS, embedded_broker_environment
from tests.e2e.hardship.embedded_server import environment as clock_at, write_sitecustomize
from tests.e2e.conftest import sign_in
from tests.integration.celery_worker import ROOT, database_url_of_this_test, wait_for
from tests.integration.hardship.test_hardship_flow import identify_until_publicity, open_task_names
from tests.integration.test_embedded_run import free_port, login_page_answers

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
SERVER_STARTS_AT = datetime(2026, 3, 10, 23, 58, 30, tzinfo=SHANGHAI)  # the publicity's last day
PUBLICITY_OVER_AT = datetime(2026, 3, 11, 0, 0, tzinfo=SHANGHAI)


def with_a_password_the_server_checks(user, password):
    """The test suite hashes with MD5 for speed; the server processes keep the project's hashers."""
    user.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def file_in_publicity(orgs, people):
    Membership.objects.create(user=people["caseworker"], organisation=orgs["hd"], role=Role.REVIEWER)
    reviewer = with_a_password_the_server_checks(people["reviewer"], "pw-hd_reviewer")
    reviewer.last_name, reviewer.first_name = "钱", "立新"
    reviewer.save(update_fields=["last_name", "first_name"])
    file = identify_until_publicity(orgs, {"caseworker": people["caseworker"], "reviewer": reviewer})
    assert file.status == HardshipStatus.IN_PUBLICITY and open_task_names(file) == ["wait_publicity"]
    return file


@pytest.fixture
def embedded_server(tmp_path, file_in_publicity):
    """The embedded set-up on a free port, its clock at SERVER_STARTS_AT; yields its address."""
    port = free_port()
    sitecustomize = write_sitecustomize(tmp_path / "clock")
    env = {
        **os.environ, "DATABASE_URL": database_url_of_this_test(), "MEDIA_ROOT": str(tmp_path / "media"),
        "AUDIT_ANCHOR_PATH": str(tmp_path / "audit-anchors.jsonl"),
        "PYTHONPATH": os.pathsep.join([str(sitecustomize.parent), str(ROOT)]),
        **embedded_broker_environment(tmp_path / "celery"), **clock_at(SERVER_STARTS_AT),
    }
    log = tmp_path / "embedded.log"  # a file, not a pipe nobody reads while the server runs
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.hardship.embedded_server", f"127.0.0.1:{port}", str(tmp_path)], cwd=ROOT,
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    server.log = log
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: login_page_answers(f"{url}/accounts/login/"), seconds=90), stopped(server)
        yield url, server
    finally:
        stopped(server)  # the supervisor stops the web app, the worker and beat


def stopped(server) -> str:
    """Stop the embedded server (if running) as Ctrl-C would, giving its supervisor the time it
    gives its children, and return the end of what it printed."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=GRACE_SECONDS + 30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return server.log.read_text(errors="replace")[-4000:]


def test_the_publicity_ends_unattended_and_the_reviewer_finds_the_approval(file_in_publicity, embedded_server, page):
    url, server = embedded_server
    file = file_in_publicity

    # Nobody touches the file: beat's sweeps run, and the one after midnight fires the timer.
    reached = wait_for(lambda: HardshipFile.objects.get(pk=file.pk).status == HardshipStatus.AWAITING_APPROVAL,
                       seconds=240)
    assert reached, "the publicity did not end: " + stopped(server)
    assert open_task_names(file) == ["approve"]
    ended = AuditEvent.objects.for_subject(file).get(action=AuditAction.TRANSITION, name="end_publicity")
    assert ended.actor_label == "system:publicity_timer"
    assert PUBLICITY_OVER_AT <= ended.occurred_at < PUBLICITY_OVER_AT.replace(minute=2)  # at the end, not before

    # The reviewer finds the approval in the queue and opens it.
    sign_in(page, url, "hd_reviewer", "pw-hd_reviewer")
    page.goto(url + "/hardship/queue/")
    row = page.locator("tr", has_text="王建国")
    expect(row).to_contain_text("审批")
    row.get_by_role("link", name="领取").click()
    page.get_by_role("button", name="领取", exact=True).click()  # the claim's confirmation
    expect(page.locator(".uc-computation")).to_contain_text("¥1,000.00 < ¥1,400.00 → 深度困难")
    expect(page.locator(".uc-file-panel")).to_contain_text("公示期内未收到异议")
    expect(page.get_by_label("同意")).to_be_visible()
    assert server.poll() is None, "the embedded server stopped"
