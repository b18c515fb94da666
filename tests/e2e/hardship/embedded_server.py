"""`python -m config.embedded` for a browser test, with the server's clock where the test wants it.

    python -m tests.e2e.hardship.embedded_server HOST:PORT SCHEDULE_FOLDER

The same supervisor (config.embedded.Supervisor) runs the same web app (runserver) and the same
Celery worker with beat embedded (config.embedded's commands), on the filesystem broker the
environment names; only beat's schedule file lives in a folder of the test's own, not in the
repository's var/ that a developer's `make run` uses.

The clock: a test that needs the server to live at another time (a publicity's last minutes)
puts a generated sitecustomize.py on the server processes' PYTHONPATH (write_sitecustomize) and
sets `environment(at)`. Each Python process then starts freezegun, ticking, on one shared clock:
`at` plus the real time elapsed since the test set it, so the web app, the worker and beat agree
to the second whatever the moment each one started. Only the clock is replaced: the database,
the broker and every process are real; the test process keeps the real time.
"""

import os
import signal
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

CLOCK = "UNIONCASE_TEST_SERVER_CLOCK"  # "<fake epoch seconds>,<real epoch seconds>" of one instant


def environment(at: datetime) -> dict[str, str]:
    """The variable for server processes whose clock reads `at` (an aware datetime) now."""
    return {CLOCK: f"{at.timestamp()},{time.time()}"}


def write_sitecustomize(folder: Path) -> Path:
    """A sitecustomize.py in `folder` that starts the clock in every Python process started with
    `folder` (and the repository) on PYTHONPATH."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sitecustomize.py"
    path.write_text("from tests.e2e.hardship.embedded_server import start_clock_from_environment\n\n"
                    "start_clock_from_environment()\n")
    return path


def start_clock_from_environment() -> None:
    value = os.environ.get(CLOCK)
    if not value:
        return
    from freezegun import freeze_time

    fake, real = (float(part) for part in value.split(","))
    freeze_time(datetime.fromtimestamp(fake + (time.time() - real), timezone.utc), tick=True).start()


def main(argv: list[str]) -> int:
    from config.embedded import Supervisor, web_command, worker_command

    address, folder = argv
    supervisor = Supervisor()
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    supervisor.start("worker", worker_command(schedule=Path(folder) / "celerybeat-schedule"), dict(os.environ))
    supervisor.start("web", web_command(address), dict(os.environ))
    return supervisor.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
