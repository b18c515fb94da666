"""The simulated staff of bench/load.py: a locust file, not run alone. bench/load.py writes the
plan (UNIONCASE_LOAD_PLAN: a JSON file) and starts `locust -f bench/load_staff.py` with it.

Each locust user signs in as one account of the plan (its session cookie, 2FA already passed)
and, between think times, opens 我的待办, 待领取, a case page of a case it may read, a case search
(a case number or a worker's name), and now and then takes a transition: claims a task the plan
set aside for it from 待领取 (mediators and leads), or schedules a session on a mediation it
holds (安排调解: the 调解通知书 and the notices go to the Celery worker). A page counts as an error
unless it answers 200 (a redirect to sign-in or to 2FA would be one), a transition unless it
answers with the redirect of success.
"""

import itertools
import json
import os
import random
import re
from datetime import date, timedelta
from pathlib import Path

import gevent
from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["UNIONCASE_LOAD_PLAN"]).read_text())
THINK_MIN, THINK_MAX = PLAN["think_seconds"]
_next_account = itertools.count()
ERROR_TEXT = re.compile(r'class="errorlist[^"]*"[^>]*>(.{0,200})', re.S)
# As the README's proxy in front of gunicorn does: a connection per request. (Kept alive across a
# think time, a connection gunicorn closes after its 2 s keep-alive races the next request.)
HEADERS = {"Connection": "close"}


def _failure(response) -> str:
    """The status and where it redirects; a connection error's own text (locust's status 0)."""
    if response.status_code == 0:
        return f"0 {getattr(response, 'error', '')!r}"[:300]
    return f"{response.status_code} {response.headers.get('Location', '')}".strip()


class Staff(HttpUser):
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self):
        self.account = PLAN["accounts"][next(_next_account) % len(PLAN["accounts"])]
        self.claims = list(self.account["claims"])
        self.client.cookies.set(PLAN["session_cookie"], self.account["session"])
        self.client.cookies.set(PLAN["csrf_cookie"], PLAN["csrf"])
        # Staff do not all click in the same second: each starts a think time in, not at once.
        gevent.sleep(random.uniform(0, THINK_MAX))

    def page(self, url: str, kind: str, params: dict | None = None) -> None:
        with self.client.get(url, params=params, name=kind, headers=HEADERS, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(_failure(response))

    def post(self, url: str, kind: str, data: dict) -> None:
        headers = {**HEADERS, "X-CSRFToken": PLAN["csrf"]}
        with self.client.post(url, data=data, headers=headers, name=kind, allow_redirects=False,
                              catch_response=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/accounts/" in location or location.endswith("/queue/"):
                found = ERROR_TEXT.search(response.text or "")
                detail = re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""
                response.failure(f"{_failure(response)} {detail}".strip())

    @task(3)
    def inbox(self):
        self.page("/dispute/inbox/", "inbox")

    @task(3)
    def queue(self):
        self.page("/dispute/queue/", "queue")

    @task(4)
    def case(self):
        self.page(f"/cases/{random.choice(self.account['cases'])}/", "case")

    @task(2)
    def search(self):
        self.page("/cases/search/", "search", {"q": random.choice(self.account["searches"])})

    @task(1)
    def transition(self):
        schedules = self.account["schedules"]
        if schedules and (not self.claims or random.random() < 0.5):
            self.schedule_session(random.choice(schedules))
        elif self.claims:
            self.post(self.claims.pop(), "claim", {})
        else:
            self.queue()

    def schedule_session(self, url: str) -> None:
        day = date.today() + timedelta(days=random.randint(3, 20))
        self.post(url, "schedule_session", {
            "schedule_session-starts_at": f"{day:%Y-%m-%d} 09:30",
            "schedule_session-place": f"第{random.randint(1, 5)}调解室",
            "schedule_session-to_bring": "身份证、劳动合同",
        })
