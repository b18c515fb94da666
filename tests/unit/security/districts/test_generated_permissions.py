"""Issue 17: a generated permission test. It walks the URL resolver and, for every pattern and every
海淀 role, GETs and POSTs the pattern filled with the ids of 朝阳's records. Every answer must be a
refusal (400, 401, 403, 404, 405, 429), a redirect that leads to no 朝阳 record, or a page — never one
of a 朝阳 record — that shows nothing of 朝阳; nothing of 朝阳 may change (its case, file,
objection, tasks, match, notification, journal entries); and nothing may answer 500.

How each URL name gets its ids is written out below (PAGES, FLOWS, FLOW_PAGES, TASK_PAGES, the
admin rule) and, for the REST API and the workers' pages, in probes.py (API_PAGES, PUBLIC_PAGES,
API_TRANSITIONS). The REST API (/api/v1/) is probed both with the session and with the user's own
personal token (Authorization: Bearer), its writes posted as JSON. A pattern not covered fails
`test_every_url_pattern_says_how_it_is_probed`, naming it: add it to the table when you add a page.

One more prober is no person: a 海淀 system client (OAuth2 client credentials, 海淀's subtree, every
scope) sends its access token, and no session, on every pattern. The system endpoints may answer it
about 海淀 alone; everywhere else its token must count for nothing — no page signs it in as anyone,
and the staff API refuses it (403).
"""

import logging
import re
import sys
import traceback
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.auth import create_token
from api.system.urls import system_patterns
from cases.models import AidProgramme, Fund
from tests.programme_fixtures import programme_fund
from tests.unit.rest_api.system.conftest import register, token_answer
from tests.unit.security.districts.probes import (
    API_PAGES,
    API_TRANSITIONS,
    PUBLIC_PAGES,
    Probe,
    probe,
    transitions_of,
)
from tests.unit.security.districts.world import CY_HEAD, CY_HEAD_ID, CY_REGION, ROLES
from workflows.dispute.flow import DisputeFlow
from workflows.hardship.flow import HardshipFlow, ObjectionFlow

pytestmark = pytest.mark.django_db


def both_subjects(cy, **extra):
    return [Probe({"kind": "disputes", "pk": cy.case.pk}, **extra), Probe({"kind": "hardship", "pk": cy.file.pk}, **extra)]


def programme_apply_probes(cy):
    """新建帮扶项目申请, posted for 朝阳: its file (not on file: refused like a foreign one), and a 临时救助
    for 李秀兰 (朝阳's household, found by her ID) from 朝阳's organisation and fund line — and from 海淀's
    own (the test gives 海淀 a 临时救助 fund line), which must neither reach 朝阳's household (its cause)
    nor name its application (the once-a-year refusal). The amount is above the rule's ¥5,000 limit,
    checked after the household: the application is refused at the end, and nothing is written."""
    emergency = {"head_name": CY_HEAD, "head_resident_id": CY_HEAD_ID, "head_employment": "unemployed",
                 "region_code": CY_REGION, "cause": "disaster", "event_on": cy.application.applied_on.isoformat(),
                 "requested_amount": "6000", "reason": "越界申请"}
    funds = Fund.objects.filter(programme=AidProgramme.EMERGENCY).exclude(pk=cy.application.fund_id)
    own = [{**emergency, "organisation": fund.organisation_id, "fund": fund.pk} for fund in funds]
    return [
        *(Probe({"programme": key}, query=f"file={cy.file.pk}", ids=False, posts=({
            "file": cy.file.pk, "fund": cy.application.fund_id, "reason": "越界申请"},))
          for key in (AidProgramme.SPRING_FESTIVAL, AidProgramme.AUTUMN_SCHOOLING, AidProgramme.MEDICAL_RELIEF)),
        Probe({"programme": AidProgramme.EMERGENCY}, ids=False, posts=(
            {**emergency, "organisation": cy.application.organisation_id, "fund": cy.application.fund_id}, *own)),
    ]


# Pages outside the flows, by URL name.
PAGES = {
    "set_language": probe(posts=({"language": "en", "next": "/"},)),
    "login": probe(posts=({"username": "cy_mediator", "password": "wrong"},)),
    "logout": probe(),
    "password_change": probe(),
    "password_change_done": probe(),
    "two_factor_verify": probe(),
    "two_factor_enrol": probe(),
    "index": probe(),
    "workbench:index": probe(),
    "workbench:case_register": probe(),
    "workbench:case_search": lambda cy: [Probe(query=f"q={cy.case.number}"), Probe(query="q=赵铁柱")],
    "workbench:case_detail": lambda cy: [Probe({"pk": cy.case.pk})],
    "workbench:case_action": lambda cy: [
        Probe({"pk": cy.case.pk, "name": "withdraw"}, posts=({"withdraw-reason": "申请人撤回"},))],
    "workbench:case_document": lambda cy: [Probe({"pk": cy.case.pk, "document_pk": cy.case_document.pk})],
    "workbench:case_parties": lambda cy: [Probe({"pk": cy.case.pk}, posts=(
        {"form": "workers", "workers-new_workers": "伪造劳动者 11010519491231002X 代表"},
        {"form": "agent", "agent-side": "worker", "agent-name": "伪造代理人", "agent-phone": "13801234567"}))],
    # 朝阳's case has no agent: any agent key under its case must answer 404 like the case itself.
    "workbench:case_agent_scan": lambda cy: [Probe({"pk": cy.case.pk, "agent_pk": cy.case.pk})],
    "workbench:case_service": lambda cy: [
        Probe({"pk": cy.case.pk, "document_pk": cy.case_document.pk, "party": "worker"})],
    "workbench:case_service_certificate": lambda cy: [
        Probe({"pk": cy.case.pk, "document_pk": cy.case_document.pk, "party": "worker"})],
    "workbench:case_service_consent": lambda cy: [Probe({"pk": cy.case.pk, "party": "worker"})],
    # 朝阳's case has no service record: the case's own id stands in, and the case is refused first.
    "workbench:case_service_scan": lambda cy: [Probe({"pk": cy.case.pk, "record_pk": cy.case_document.pk})],
    "workbench:candidate_list": probe(),
    "workbench:candidate_detail": lambda cy: [
        Probe({"pk": cy.candidate.pk}, posts=({"action": "confirm", "note": ""},))],
    "workbench:hardship_register": probe(),
    "workbench:hardship_assess": probe(),
    "workbench:hardship_file_list": lambda cy: [Probe(query="q=李秀兰")],
    "workbench:hardship_file": lambda cy: [Probe({"pk": cy.file.pk})],
    "workbench:hardship_household": lambda cy: [Probe({"pk": cy.file.pk})],
    "workbench:hardship_file_action": lambda cy: [
        Probe({"pk": cy.file.pk, "name": "lodge_objection"}, posts=({"lodge_objection-content": "伪造的异议"},))],
    "workbench:hardship_file_document": lambda cy: [
        Probe({"pk": cy.file.pk, "document_pk": cy.file_document.pk})],
    "workbench:hardship_file_attachment": lambda cy: [
        Probe({"pk": cy.file.pk, "attachment_pk": cy.file.attachments.get().pk})],
    "workbench:hardship_file_attachment_upload": lambda cy: [Probe({"pk": cy.file.pk}, posts=(
        {"attachment-kind": "other", "attachment-upload": SimpleUploadedFile("伪造.pdf", b"%PDF-1.7\n%%EOF\n")},))],
    "workbench:hardship_fund_list": probe(),
    "workbench:hardship_fund": lambda cy: [Probe({"pk": cy.fund.pk})],
    "workbench:hardship_fund_export": lambda cy: [Probe({"pk": cy.fund.pk})],
    "workbench:report": lambda cy: [Probe(query=f"organisation={cy.case.organisation.parent_id}")],
    "workbench:report_xlsx": lambda cy: [Probe(query=f"organisation={cy.case.organisation.parent_id}")],
    "workbench:report_pdf": lambda cy: [Probe(query=f"organisation={cy.case.organisation.parent_id}")],
    "workbench:audit_search": lambda cy: [
        Probe(query=f"organisation={cy.case.organisation.parent_id}"), Probe(query=f"case={cy.case.number}")],
    "workbench:audit_verify": probe(),
    "workbench:audit_timeline": both_subjects,
    "workbench:audit_reveal": lambda cy: both_subjects(cy, posts=(
        {"reason": "查看"}, {"reason": "查看", "member": cy.file.household.members.order_by("pk").last().pk})),
    "workbench:audit_history_json": both_subjects,
    "workbench:audit_history_pdf": both_subjects,
    "workbench:lockout_list": probe(),
    "workbench:lockout_unlock": lambda cy: [Probe({"pk": cy.mediator.pk}, posts=({"reason": "解锁"},))],
    "workbench:notification_inbox": probe(),
    "workbench:notification_open": lambda cy: [Probe({"pk": cy.notification.pk})],
    "workbench:notification_read_all": probe(),
    "workbench:notification_preferences": probe(),
    # 日程 and its PDF: every week is the user's own centre's; the feed address is the user's own.
    "dispute:schedule": lambda cy: [Probe(query="scope=centre"), Probe(query="scope=mine&week=2026-11-02")],
    "dispute:schedule_pdf": lambda cy: [Probe(query="scope=centre")],
    "dispute:schedule_feed": probe(posts=({"scope": "centre"},)),
    # The feed answers its secret token alone: one that was never issued is a 404 like any other.
    "workbench:calendar_feed": lambda cy: [Probe({"token": "never-issued-token"})],
    # 组织管理 (workflows/administration/): 朝阳's people and organisations by id, and each form posted
    # with 朝阳's organisation or region as its choice.
    "orgadmin:index": probe(),
    "orgadmin:people": lambda cy: [Probe(query=f"organisation={cy.case.organisation_id}&q=cy_")],
    "orgadmin:person_new": lambda cy: [Probe(posts=({
        "full_name": "越界账户", "username": "cy_intruder", "organisation": cy.case.organisation_id,
        "roles": ["mediator"]},))],
    "orgadmin:person": lambda cy: [Probe({"pk": cy.mediator.pk})],
    "orgadmin:person_action": lambda cy: [
        Probe({"pk": cy.mediator.pk, "action": action}, posts=({"reason": "越界", "full_name": "越界",
                                                                  "organisation": cy.case.organisation_id,
                                                                  "role": "mediator"},))
        for action in ("update", "add_role", "remove_role", "deactivate", "reactivate", "reset_password", "unlock")],
    "orgadmin:organisations": probe(),
    "orgadmin:organisation_new": lambda cy: [Probe(posts=({
        "parent": cy.case.organisation_id, "name": "越界组织", "code": "BJ-CY-INTRUDER"},))],
    "orgadmin:organisation": lambda cy: [Probe({"pk": cy.case.organisation_id})],
    "orgadmin:organisation_action": lambda cy: [
        Probe({"pk": cy.case.organisation_id, "action": action}, posts=({"reason": "越界", "name": "越界"},))
        for action in ("update", "deactivate", "reactivate")],
    "orgadmin:funds": lambda cy: [Probe(posts=({
        "organisation": cy.fund.organisation_id, "year": 2026, "aid_type": "living", "name": "越界资金",
        "budget": "1"},))],
    "orgadmin:standards": lambda cy: [Probe(posts=(
        {"form": "standard", "standard-region_code": cy.file.household.region_code, "standard-year": 2030,
         "standard-monthly_amount": "1"},))],
    "orgadmin:schedules": lambda cy: [Probe(posts=({
        "organisation": cy.case.organisation_id, "year": 2030,
        "file": SimpleUploadedFile("越界.csv", b"date,kind\n2030-01-01,holiday\n")},))],
    # 朝阳 has no holiday schedule: its case's id stands in, as for the service records above.
    "orgadmin:schedule": lambda cy: [Probe({"pk": cy.case.pk}, posts=({"decision": "reject", "reason": "越界"},))],
    # A paper 赵铁柱 sent with his online application, under 朝阳's case.
    "workbench:case_application_attachment": lambda cy: [
        Probe({"pk": cy.case.pk, "attachment_pk": cy.attachment.pk})],
    "workbench:hardship_file_cause": lambda cy: [Probe({"pk": cy.file.pk}, posts=({"cause": "illness"},))],
    # 帮扶项目 (workflows/hardship/programmes/): 朝阳's 临时救助 application, its actions and document.
    "workbench:programme_list": lambda cy: [
        Probe(query="q=李秀兰"), Probe(query=f"q={cy.application.number}"), Probe(query="programme=emergency")],
    "workbench:programme_apply": programme_apply_probes,
    "workbench:programme_application": lambda cy: [Probe({"pk": cy.application.pk})],
    "workbench:programme_application_action": lambda cy: [
        Probe({"pk": cy.application.pk, "name": name}, posts=({
            f"{name}-reason": "越界审批", f"{name}-paid_on": cy.application.applied_on.isoformat(),
            f"{name}-recipient": "李秀兰"},)) for name in ("approve", "approve_second", "refuse", "disburse")],
    "workbench:programme_application_document": lambda cy: [
        Probe({"pk": cy.application.pk, "document_pk": cy.application_document.pk})],
    **API_PAGES,
    **PUBLIC_PAGES,
}

# Pages that sign the user out: the probe signs them in again afterwards.
SIGN_OUT = {"logout", "admin:logout"}
# Pages that journal their own use (a chain check, a report export, a failed sign-in — the system client,
# signed in nowhere, fails the sign-in page's — a token endpoint's lockout): the journal may grow there,
# by an entry about no 朝阳 record (entries about 朝阳 are counted apart, and may not).
JOURNALS_OWN_USE = {"workbench:audit_verify", "workbench:report_xlsx", "workbench:report_pdf", "admin:login",
                    "dispute:schedule_pdf", "dispute:schedule_feed", "api_tokens", "api:oauth-token", "login"}


# The flow applications, by namespace: the flow, and which 朝阳 task stands for its work.
FLOWS = {"dispute": (DisputeFlow, "case_task"), "hardship": (HardshipFlow, "file_task"),
         "objection": (ObjectionFlow, "objection_task")}


def bulk(task_of):
    """The bulk pages get every 朝阳 task, of every flow: to show, to confirm, and "select all"."""
    def build(cy):
        ids = [cy.case_task.pk, cy.file_task.pk, cy.objection_task.pk]
        return [Probe(posts=({"pk": ids}, {"pk": ids, "_confirm": "1"}, {"select_all": "1", "_confirm": "1"}))]
    return build


def of_process(task_of):
    return lambda cy: [Probe({"process_pk": getattr(cy, task_of).process_id})]


# The pages of each flow application, by name within its namespace.
FLOW_PAGES = {
    "index": lambda task_of: probe(), "process_list": lambda task_of: probe(),
    "task_list": lambda task_of: probe(), "chart": lambda task_of: probe(),
    "inbox": lambda task_of: probe(), "queue": lambda task_of: probe(), "archive": lambda task_of: probe(),
    "tasks_assign": bulk, "tasks_unassign": bulk,
    "process_detail": of_process, "process_cancel": of_process, "process_chart": of_process,
}
# The pages of each task of a flow (<namespace>:<node>:<page>): filled with 朝阳's task of that node,
# or else 朝阳's open task of the flow.
TASK_PAGES = {"assign", "unassign", "execute", "index", "detail", "action", "cancel", "undo", "revive"}


def task_probes(flow_class, node_name, page, task_of):
    def build(cy):
        task = getattr(cy, task_of)
        node = getattr(flow_class, node_name)
        task = task.process.task_set.filter(flow_task=node).first() or task
        kwargs = {"process_pk": task.process_id, "task_pk": task.pk}
        if page == "action":
            kwargs["action"] = (getattr(node, "actions", ()) or ("none",))[0]
        return [Probe(kwargs)]
    return build


def admin_probes(cy):
    """Django's admin is for superusers (is_staff) only: its one gate (admin_view) sends everyone else
    to its login whatever the method, so its pages are read once; its login and logout are posted to."""
    return [Probe(posts=())]


ADMIN_POSTED = {"admin:login": [Probe(posts=({"username": "nobody", "password": "wrong"},))],
                "admin:logout": [Probe()]}


# -- walking the resolver ------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or "namespace:?route" for an unnamed pattern
    route: str  # the full route, "cases/<int:pk>/"
    defaults: tuple = ()  # the pattern's default arguments, as (name, value) pairs


def url_patterns(resolver=None, prefix="", namespace=()) -> list[Pattern]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + ((entry.namespace,) if entry.namespace else ())
            found += url_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or "?" + route
            found.append(Pattern(":".join(namespace + (name,)), route, tuple(sorted(entry.default_args.items()))))
    return found


def how_to_probe(pattern: Pattern):
    """The table's answer for `pattern`: a function of 朝阳's records giving its probes, or None."""
    if pattern.name in PAGES:
        return PAGES[pattern.name]
    if pattern.name in API_TRANSITIONS:
        return transitions_of(pattern.name, dict(pattern.defaults))
    parts = pattern.name.split(":")
    if parts[0] == "admin":
        return (lambda cy: ADMIN_POSTED[pattern.name]) if pattern.name in ADMIN_POSTED else admin_probes
    if parts[0] in FLOWS and len(parts) == 2 and parts[1] in FLOW_PAGES:
        return FLOW_PAGES[parts[1]](FLOWS[parts[0]][1])
    if parts[0] in FLOWS and len(parts) == 3 and parts[2] in TASK_PAGES:
        flow_class, task_of = FLOWS[parts[0]]
        if hasattr(flow_class, parts[1]):
            return task_probes(flow_class, parts[1], parts[2], task_of)
    return None


ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
ADMIN_FILLERS = {"app_label": "cases", "url": "nothing/", "content_type_id": "1"}


def url_of(pattern: Pattern, probe_: Probe, cy) -> str:
    def argument(match):
        name = match.group(1) or match.group(2)
        if name in probe_.kwargs:
            return str(probe_.kwargs[name])
        if pattern.name.startswith("admin:"):  # any id: the admin refuses before it looks
            return ADMIN_FILLERS.get(name, str(cy.case.pk))
        raise AssertionError(f"{pattern.name}: the table gives no value for <{name}> in {pattern.route}")

    path = "/" + ARGUMENT.sub(argument, pattern.route).replace("^", "").replace("$", "")
    return path + (f"?{probe_.query}" if probe_.query else "")


# -- the checks ------------------------------------------------------------------------------------

def foreign_paths(cy) -> list[str]:
    """Pages of 朝阳's records that no redirect may lead a 海淀 user to."""
    return [f"/cases/{cy.case.pk}/", f"/hardship/files/{cy.file.pk}/", f"/hardship/candidates/{cy.candidate.pk}/",
            f"/hardship/funds/{cy.fund.pk}/", f"/dispute/{cy.case_task.process_id}/",
            f"/hardship/{cy.file_task.process_id}/", f"/objection/{cy.objection_task.process_id}/"]


def body_of(response) -> str:
    kind = response.get("Content-Type", "")  # a page, JSON, or the API's problem+json
    readable = kind.startswith("text/") or (kind.startswith("application/") and "json" in kind)
    if getattr(response, "streaming", False) or not readable:
        return ""  # a download (PDF, XLSX) is judged by its status: a 朝阳 one may not be served at all
    return response.content.decode("utf-8", "replace")


class Writes:
    """Which tables the requests write to (sessions aside): where nothing is written, nothing changed."""

    # At the start, or after a WITH (the journal's append on PostgreSQL: WITH head AS (UPDATE …) INSERT …).
    TABLE = re.compile(r'^\s*(?:WITH\s+\w+\s+AS\s+\(\s*)?(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)',
                       re.IGNORECASE)

    def __init__(self):
        self.seen: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        written = self.TABLE.match(sql)
        if written and written.group(1) != "django_session":
            self.seen.add(written.group(1))
        return execute(sql, params, many, context)


class Prober:
    """One 海淀 user's pass over every pattern; `problems` says what went wrong, request by request."""

    def __init__(self, cy, user, role):
        self.cy, self.user, self.role = cy, user, role
        self.client = Client(raise_request_exception=False)
        _token, text = create_token(user=user, name="越界探测", days=30)  # journalled: before the state is read
        self.token_client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {text}"})
        self.errors: dict[str, str] = {}
        self.problems: list[str] = []
        self.client.force_login(user)
        self.state = cy.state()
        self.writes = Writes()

    def led_to(self, response) -> str:
        """Where a redirect leads."""
        return response["Location"]

    def record_error(self, sender, request, **kwargs):
        self.errors[request.path] = "".join(traceback.format_exception(*sys.exc_info())[-3:])

    def check(self, pattern: Pattern, method: str, url: str, response, has_ids: bool, posted=None):
        where = f"{self.role} {method} {url} ({pattern.name})"
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{where}: {status}\n{self.errors.get(url.split('?')[0], '')}")
        # 401: the OAuth2 token endpoint to unknown client credentials; 429: too many failed sign-ins
        elif status not in (200, 301, 302, 400, 401, 403, 404, 405, 429):
            self.problems.append(f"{where}: unexpected status {status}")
        if status in (301, 302) and any(path in self.led_to(response) for path in foreign_paths(self.cy)):
            self.problems.append(f"{where}: redirects to 朝阳's record {response['Location']}")
        if has_ids and 200 <= status < 300:
            self.problems.append(f"{where}: {status} for 朝阳's records (expected 403 or 404)")
        # A search page or a form shows back what was typed or posted: not a finding.
        typed = unquote(url.partition("?")[2]) + "".join(map(str, (posted or {}).values()))
        leaked = [marker for marker in self.cy.markers if marker in body_of(response) and marker not in typed]
        if leaked:
            self.problems.append(f"{where}: shows {leaked}")
        if not self.writes.seen:  # nothing was written: nothing can have changed
            return
        self.writes.seen.clear()
        after, before = self.cy.state(), self.state
        self.state = after
        if pattern.name in JOURNALS_OWN_USE:  # the user's own entry, about no 朝阳 record
            before, after = {**before, "journal": None}, {**after, "journal": None}
        if after != before:
            changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
            self.problems.append(f"{where}: changed {changed}")

    def send(self, pattern: Pattern, probe_: Probe, url: str, has_ids: bool):
        """The probe's requests by session, and again by personal token where the probe says so."""
        self.check(pattern, "GET", url, self.client.get(url), has_ids)
        if probe_.bearer:
            self.check(pattern, "GET by token", url, self.token_client.get(url), has_ids)
        for data in probe_.posts:
            sent = {"content_type": "application/json"} if probe_.json else {}
            self.check(pattern, "POST", url, self.client.post(url, data, **sent), has_ids, data)
            if probe_.bearer:
                self.check(pattern, "POST by token", url, self.token_client.post(url, data, **sent), has_ids, data)
            if pattern.name in SIGN_OUT:
                self.client.force_login(self.user)
                self.state = self.cy.state()
                self.writes.seen.clear()

    def run(self, patterns):
        quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
        for logger in quiet:  # thousands of expected 403s and 404s, each logged with its traceback
            logger.disabled = True
        got_request_exception.connect(self.record_error)
        chaoyang_journal = self.cy.journal_of_chaoyang()
        watching = connection.execute_wrapper(self.writes)
        watching.__enter__()
        try:
            for pattern in patterns:
                probes = how_to_probe(pattern)  # one not in the table fails the test above
                for probe_ in probes(self.cy) if probes else ():
                    url = url_of(pattern, probe_, self.cy)
                    has_ids = bool(probe_.kwargs) if probe_.ids is None else probe_.ids
                    has_ids = has_ids and not pattern.name.startswith("admin:")
                    self.send(pattern, probe_, url, has_ids)
        finally:
            watching.__exit__(None, None, None)
            got_request_exception.disconnect(self.record_error)
            for logger in quiet:
                logger.disabled = False
        if self.cy.journal_of_chaoyang() != chaoyang_journal:
            self.problems.append(f"{self.role}: the journal gained entries about 朝阳")
        return self.problems


# The system clients' endpoints, and the API's document and its reference page: anyone's. The rest of
# the REST API is the staff's, which refuses a system client's token (403) whatever the request names.
NOT_STAFF_API = {f"api:{pattern.name}" for pattern in system_patterns} | {"api:schema", "api:docs"}


class SystemClientProber(Prober):
    """海淀's system client over every pattern, its access token in each request and no session."""

    def __init__(self, cy, organisation):
        self.cy, self.user, self.role = cy, None, "system client"
        client, secret = register(organisation, name="海淀区工会App")  # journalled: before the state is read
        token = token_answer(client, secret).json()["access_token"]
        self.client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})
        self.errors: dict[str, str] = {}
        self.problems: list[str] = []
        self.state = cy.state()
        self.writes = Writes()

    def led_to(self, response) -> str:
        """A sign-in page's `next` names the page that was refused, not where the redirect leads."""
        location = urlsplit(response["Location"])
        sign_in = (django_settings.LOGIN_URL, reverse("admin:login"))
        return location.path if location.path in sign_in else response["Location"]

    def send(self, pattern: Pattern, probe_: Probe, url: str, has_ids: bool):
        self.check(pattern, "GET by system token", url, self.client.get(url), has_ids)
        sent = {"content_type": "application/json"} if probe_.json else {}
        for data in probe_.posts:
            self.check(pattern, "POST by system token", url, self.client.post(url, data, **sent), has_ids, data)

    def check(self, pattern: Pattern, method: str, url: str, response, has_ids: bool, posted=None):
        super().check(pattern, method, url, response, has_ids, posted)
        where = f"{self.role} {method} {url} ({pattern.name})"
        user = getattr(response.wsgi_request, "user", None)
        if user is not None and user.is_authenticated:
            self.problems.append(f"{where}: the system client's token signed in {user}")
        if pattern.name.startswith("api:") and pattern.name not in NOT_STAFF_API and response.status_code != 403:
            self.problems.append(f"{where}: the staff API answered a system client {response.status_code}, not 403")


def test_every_url_pattern_says_how_it_is_probed():
    missing = sorted({p.name for p in url_patterns() if how_to_probe(p) is None})
    assert not missing, (
        "These URL patterns are not covered by the generated permission test: add each to PAGES (or "
        "FLOW_PAGES / TASK_PAGES / FLOWS) in tests/unit/security/districts/test_generated_permissions.py, or "
        "to API_PAGES / PUBLIC_PAGES / the transition bodies in tests/unit/security/districts/probes.py, saying "
        "which 朝阳 record fills its ids:\n  " + "\n  ".join(missing))
    stale = sorted(set(PAGES) - {p.name for p in url_patterns()})
    assert not stale, f"PAGES names URL patterns that no longer exist: {stale}"


def test_no_role_of_haidian_reaches_or_changes_anything_of_chaoyang(staff, chaoyang, settings, orgs):
    # Every API request must reach its view: no rate limit answers 429 in its place (and counts are per test).
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"read": "100000/min", "write": "100000/min"}}
    cache.clear()  # and the token endpoint's failed authentications (each prober posts one) are this test's
    programme_fund(orgs["hd"], AidProgramme.EMERGENCY, year=chaoyang.application.year)  # 海淀's own (programme_apply)
    patterns = url_patterns()
    problems = []
    for role in ROLES:
        problems += Prober(chaoyang, staff[role], role).run(patterns)
    problems += SystemClientProber(chaoyang, orgs["hd"]).run(patterns)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
