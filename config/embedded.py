"""`make run`: the web app and the periodic work of a single server, under one process.

    python -m config.embedded [HOST:PORT]

It starts two children and supervises them:

- the web app (Django's runserver). Without CELERY_BROKER_URL its tasks run inline, as on the
  embedded default;
- one Celery worker with beat embedded (`-B`). Beat sends the periodic tasks of config/celery.py
  (viewflow timers, deadline checks, deferred deliveries, reminders, digests, audit anchors,
  expired API tokens) to the worker through kombu's filesystem transport: message files under
  var/celery/, so no Redis or RabbitMQ is needed. The worker runs them one at a time (SQLite
  serialises writers).

Beat keeps when each entry last ran in var/celerybeat-schedule: after a restart an entry that
fell due meanwhile (the 08:00 digest, say) runs at once, and every sweep takes all that is past
due. Ctrl-C or SIGTERM stops both children and waits for them; if one exits, the other is
stopped too. With CELERY_BROKER_URL set, the worker and the web app use that broker instead.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 20


def embedded_broker_environment(folder: Path) -> dict[str, str]:
    """Environment that points Celery at a filesystem broker in `folder` (created if missing)."""
    messages, control = folder / "messages", folder / "control"
    messages.mkdir(parents=True, exist_ok=True)
    control.mkdir(parents=True, exist_ok=True)
    options = {"data_folder_in": str(messages), "data_folder_out": str(messages), "control_folder": str(control)}
    return {"CELERY_BROKER_URL": "filesystem://localhost/", "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(options)}


def worker_command(*, schedule: Path) -> list[str]:
    """One worker, tasks run in its own process (solo pool), with beat as its child (`-B`)."""
    return [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-B", f"--schedule={schedule}",
        "--pool=solo", "--concurrency=1", "--without-mingle", "--without-gossip",
        "--hostname=embedded@%h", "--loglevel=INFO",
    ]


def web_command(address: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "runserver", address]


def broker_configured() -> bool:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    return not settings.CELERY_TASK_ALWAYS_EAGER


class Supervisor:
    """Runs named commands, each in its own process group so that the terminal's Ctrl-C reaches
    only this process, which then stops them in an orderly way."""

    def __init__(self):
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.children[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                               start_new_session=True)

    def request_stop(self, signum, frame) -> None:
        self.stopping = True

    def wait(self) -> int:
        """Until a signal or a child's exit; then stop all. Returns the exit status."""
        while not self.stopping:
            exited = {name: child.returncode for name, child in self.children.items() if child.poll() is not None}
            if exited:
                print(f"embedded: {', '.join(exited)} exited ({exited}); stopping the rest", file=sys.stderr)
                self.stop_all()
                return 1
            time.sleep(0.5)
        self.stop_all()
        return 0

    def stop_all(self) -> None:
        # SIGTERM to each child itself: the worker then finishes its task and stops beat, which
        # saves its schedule; runserver's reloader takes its own server child down.
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for child in self.children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for child in self.children.values():
            kill_what_is_left(child.pid)


def kill_what_is_left(group: int) -> None:
    """Anything still in a child's process group once the child itself is gone."""
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main(argv: list[str]) -> int:
    address = argv[0] if argv else "127.0.0.1:8000"
    var = ROOT / "var"
    worker_env = dict(os.environ)
    if not broker_configured():
        worker_env.update(embedded_broker_environment(var / "celery"))
    supervisor = Supervisor()
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    supervisor.start("worker", worker_command(schedule=var / "celerybeat-schedule"), worker_env)
    supervisor.start("web", web_command(address), dict(os.environ))
    return supervisor.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
