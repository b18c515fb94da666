"""Issue 17: a generated crawl. For each 海淀 role it starts at the workbench home and follows every
same-site link (and redirect) reachable from the menus and the pages they lead to (breadth first,
three links deep), and expects no page to answer 500 or refuse with 403 (issue 20: a page offers
only what its reader may open) — nor to show anything of 朝阳.

Skipped: signing out, the admin, and downloads (PDF, XLSX, JSON, BPMN): their pages have their own
tests. Links that differ only in the values of their query (another page of a list, another
filter value) are opened once per set of query names.
"""

import re
import sys
import traceback
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.signals import got_request_exception
from django.test import Client

from tests.unit.security.districts.world import ROLES, dispute_today, hardship_file_with_flow
from workflows.dispute.flow import claim_task

pytestmark = pytest.mark.django_db

DEPTH = 3
LINK = re.compile(r"<a\b[^>]*?\bhref=\"([^\"#]*)", re.IGNORECASE)
DOWNLOADS = (".pdf", ".xlsx", ".json", ".ics", ".csv")
SKIPPED = ("/accounts/logout/", "/admin/", "/static/", "/media/", "/i18n/")


@pytest.fixture
def haidian(orgs, staff):
    """Work for every 海淀 role to find: a claimed case task and one in the queue, a hardship file whose
    application waits, an objection under review, a fund and a notification."""
    from cases.models import Objection
    from cases.models.hardship.states import H
    from notifications.models import Notification
    from tests.hardship_fixtures import fund_with_budget
    from workflows.hardship.flow import ObjectionFlow

    claimed = dispute_today(orgs["hd_street"], staff["mediator"], worker="王秀英", employer="北京某科技有限公司", n=21)
    claim_task(claimed.process.task_set.get(flow_task_type="HUMAN"), staff["mediator"])
    dispute_today(orgs["hd_street"], staff["lead"], worker="张伟", employer="北京某网络有限公司", n=22)
    file = hardship_file_with_flow(orgs["hd"], staff["caseworker"], head="王建国", resident_id="110108197501010017",
                                   region="110108")
    objection = Objection.objects.create(file=file, stage=H.IN_PUBLICITY, content="申报收入不实。")
    ObjectionFlow.start.run(objection=objection)
    fund_with_budget(orgs["hd"])
    Notification.objects.create(recipient=staff["mediator"], kind="task_assigned", title="新任务：受理审查",
                                link=f"/cases/{claimed.pk}/", idempotency_key="crawl-1")


def links_of(html: str) -> list[str]:
    found = []
    for href in LINK.findall(html):
        href = href.replace("&amp;", "&")
        if not href.startswith("/") or href.startswith("//") or href.startswith(SKIPPED):
            continue
        if urlsplit(href).path.endswith(DOWNLOADS) or "format=bpmn" in href:
            continue
        found.append(href)
    return found


def shape(url: str) -> tuple:
    """A link's path and the names (not the values) of its query."""
    parts = urlsplit(url)
    return parts.path, frozenset(name for name, _ in parse_qsl(parts.query, keep_blank_values=True))


def crawl(client: Client, markers) -> tuple[list[str], int]:
    errors: dict[str, str] = {}

    def record(sender, request, **kwargs):
        errors[request.get_full_path()] = "".join(traceback.format_exception(*sys.exc_info())[-3:])

    problems, seen, queue = [], {shape("/")}, deque([("/", 0, "")])
    got_request_exception.connect(record)
    try:
        while queue:
            url, depth, came_from = queue.popleft()
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{url} (linked from {came_from or 'the start'}): {response.status_code}\n"
                                f"{errors.get(url, '')}")
                continue
            if response.status_code == 403:  # a link the page offers its reader only to refuse them
                problems.append(f"{url} (linked from {came_from or 'the start'}): 403")
                continue
            if response.status_code in (301, 302):  # where a link leads is a link too
                html = f'<a href="{response["Location"]}">'
            elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                html = response.content.decode()
            else:
                continue
            leaked = [marker for marker in markers if marker in html]
            if leaked:
                problems.append(f"{url}: shows {leaked} of 朝阳")
            if depth == DEPTH:
                continue
            for link in links_of(html):
                if shape(link) not in seen:
                    seen.add(shape(link))
                    queue.append((link, depth + 1, url))
    finally:
        got_request_exception.disconnect(record)
    return problems, len(seen)


def test_every_page_reachable_from_each_roles_menus_opens_without_error(staff, haidian, chaoyang):
    problems = []
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(staff[role])
        found, opened = crawl(client, chaoyang.markers)
        assert opened > 3, f"{role}: only {opened} pages reachable from the home page"
        problems += [f"{role}: {problem}" for problem in found]
    assert not problems, "\n".join(problems)
