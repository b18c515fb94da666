"""Benchmark: whole dispute lifecycles through the door, step by step, beside a bare viewflow flow
with the same seven human tasks measured in the same run (issue 18).

    .venv/bin/python bench/dispute_lifecycle.py [--n N] [--runs R] [--database-url URL]

Creates its own database (`unioncase_bench_lifecycle`, dropped first) on the PostgreSQL server
of --database-url (default postgres://postgres@127.0.0.1:5432/postgres), migrates it, with
DEBUG off, Celery eager (documents and notifications run in the transaction's on_commit, as
without a broker) and a temporary MEDIA_ROOT. Each lifecycle is driven from code the way the
task pages drive it (workflows.dispute.flow: open_dispute, claim_task, take_action,
complete_task — the functions tests/integration/test_dispute_flow_agreement.py uses):

    register → claim → record_consent → accept → claim (lead) → assign → schedule_session →
    record_session → draft_agreement → record_signature ×4 → upload_signed_original →
    make_agreement_effective → record_payment ×2 → complete_performance → close → archive

Per step: SQL statements (django.test.utils.CaptureQueriesContext; exact: the queries and
each transaction's BEGIN and COMMIT, for the baseline alike) and wall time, the documents the
step issued counted apart (every statement and the time of issue_document_task's eager run,
its own transaction included), and so are the transitions' notifications
(notify_transition_task's eager run, which a worker runs in production; the request does not
wait for it). Each query is also attributed to the first
frame of the stack under cases/, workflows/ or notifications/ (the line in our code that
issued it): the top 15 lines by query count are printed. The baseline (bench/bare_flow.py)
is a plain viewflow Process through seven human tasks (two claimed, five assigned on
creation) under the same select_for_update lock, with the flow lock also taken once for each
of the dispute lifecycle's ten in-task actions. --n lifecycles of each are run after one
warm-up lifecycle; times are medians over them. The machine is shared: times are noisy,
query counts are exact. Prints one JSON object; nothing here is asserted anywhere.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench_database import recreate_database, server_url

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "unioncase_bench_lifecycle"
GOAL_OVERHEAD_RATIO = 1.5
GOAL_ACTION_QUERIES = 12
GOAL_DOCUMENT_QUERIES = 5
OUR_CODE = tuple(str(ROOT / name) + os.sep for name in ("cases", "workflows", "notifications"))
DOCUMENT_TASK = str(ROOT / "cases" / "tasks" / "documents.py")
NOTIFICATION_TASK = str(ROOT / "notifications" / "tasks.py")
IN_TASK_ACTIONS = 10  # record_consent, schedule, record, 4 signatures, upload, 2 payments



def _setup_django(url: str, media: str) -> None:
    os.environ["DATABASE_URL"] = server_url(url, DATABASE)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ["MEDIA_ROOT"] = media
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    logging.getLogger("celery").setLevel(logging.WARNING)  # no line per eager task


class Recorder:
    """Every query while `step` is set: its source line in our code, and whether an issued
    document made it. Installed as a connection execute wrapper."""

    def __init__(self):
        self.step = None
        self.lines = Counter()  # source line → queries of the steps themselves
        self.document_lines = Counter()  # source line → queries made while issuing documents
        self.document_queries = Counter()  # step → queries made while issuing documents
        self.document_seconds = defaultdict(float)
        self.documents = Counter()
        self.notification_queries = Counter()  # step → queries of notify_transition_task's eager runs
        self.notification_seconds = defaultdict(float)

    def __call__(self, execute, sql, params, many, context):
        if self.step is not None:
            frame, source, in_document, in_notification = sys._getframe(1), None, False, False
            while frame is not None:
                filename = frame.f_code.co_filename
                if source is None and filename.startswith(OUR_CODE):
                    source = f"{os.path.relpath(filename, ROOT)}:{frame.f_lineno}"
                if filename == DOCUMENT_TASK:
                    in_document = True
                if filename == NOTIFICATION_TASK:
                    in_notification = True
                frame = frame.f_back
            source = source or "(viewflow / django only)"
            if in_document:
                self.document_lines[source] += 1
            elif not in_notification:
                self.lines[source] += 1
        return execute(sql, params, many, context)

    def wrap_document_task(self):
        """Time the eager run of each issued document, for the step that issued it."""
        from cases.tasks.documents import issue_document_task

        delay = issue_document_task.delay

        def timed_delay(*args, **kwargs):
            started, logged = time.perf_counter(), _logged_statements()
            try:
                return delay(*args, **kwargs)
            finally:
                self.document_seconds[self.step] += time.perf_counter() - started
                self.document_queries[self.step] += _logged_statements() - logged
                self.documents[self.step] += 1

        issue_document_task.delay = timed_delay

    def wrap_notification_task(self):
        """Time the eager run of each transition's notifications, for the step that caused it."""
        from notifications.tasks import notify_transition_task

        delay = notify_transition_task.delay

        def timed_delay(*args, **kwargs):
            started, logged = time.perf_counter(), _logged_statements()
            documents_before = self.document_queries[self.step]  # a document it issued is a document's
            try:
                return delay(*args, **kwargs)
            finally:
                self.notification_seconds[self.step] += time.perf_counter() - started
                self.notification_queries[self.step] += (
                    _logged_statements() - logged - (self.document_queries[self.step] - documents_before))

        notify_transition_task.delay = timed_delay


def _logged_statements() -> int:
    """Statements the connection has logged so far in this step (CaptureQueriesContext's count):
    the queries, and the BEGIN and COMMIT of each transaction, which pass no execute wrapper.
    An eager task's own transaction is its own, not the step's."""
    from django.db import connection

    return len(connection.queries_log)


def _measured(recorder, results, step, action):
    """Run `action` as `step`: queries and milliseconds, documents apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    recorder.step = step
    documents_before = (recorder.document_queries[step], recorder.document_seconds[step], recorder.documents[step])
    notifications_before = (recorder.notification_queries[step], recorder.notification_seconds[step])
    connection.queries_log.clear()  # CaptureQueriesContext counts in a log of at most 9,000 queries
    started = time.perf_counter()
    try:
        with CaptureQueriesContext(connection) as captured:
            value = action()
    finally:
        recorder.step = None
    elapsed = time.perf_counter() - started
    document_queries = recorder.document_queries[step] - documents_before[0]
    document_seconds = recorder.document_seconds[step] - documents_before[1]
    notification_queries = recorder.notification_queries[step] - notifications_before[0]
    notification_seconds = recorder.notification_seconds[step] - notifications_before[1]
    results[step].append({
        "queries": len(captured.captured_queries) - document_queries - notification_queries,
        "ms": (elapsed - document_seconds - notification_seconds) * 1000,
        "notification_queries": notification_queries,
        "notification_ms": notification_seconds * 1000,
        "documents": recorder.documents[step] - documents_before[2],
        "document_queries": document_queries,
        "document_ms": document_seconds * 1000,
    })
    return value


def _fixtures():
    from django.contrib.auth import get_user_model

    from cases.models import Membership, Organisation, OrganisationKind, Role

    def make(code, name, kind, parent=None):
        organisation = Organisation(code=code, name=name, kind=kind, parent=parent)
        organisation.full_clean()
        organisation.save()
        return organisation

    city = make("BJ", "北京市总工会", OrganisationKind.CITY_FEDERATION)
    district = make("BJ-HD", "海淀区总工会", OrganisationKind.DISTRICT_FEDERATION, city)
    street = make("BJ-HD-ZGC", "中关村街道调解中心", OrganisationKind.STREET_CENTRE, district)
    users = get_user_model().objects
    mediator = users.create_user(username="bench_mediator", password="bench-mediator-pw", last_name="王",
                                 first_name="明")
    lead = users.create_user(username="bench_lead", password="bench-lead-pw", last_name="李", first_name="强")
    Membership.objects.create(user=mediator, organisation=street, role=Role.MEDIATOR)
    Membership.objects.create(user=lead, organisation=street, role=Role.MEDIATION_LEAD)
    return street, mediator, lead


def _lifecycle(number, street, mediator, lead, recorder, results):
    """One dispute from registration to the archive, each step measured."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
    from cases.rules.claims import ClaimType
    from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute, take_action

    def task(name):
        case.refresh_from_db()
        return case.process.task_set.get(flow_task=getattr(DisputeFlow, name), finished__isnull=True)

    def step(name, action):
        return _measured(recorder, results, name, action)

    now = timezone.now()
    today = timezone.localdate()
    case = step("register", lambda: open_dispute(
        acknowledge_warnings=True, organisation=street, by=mediator, channel="walk_in_written",
        received_on=today, received_at=now - timedelta(minutes=5), facts="用人单位拖欠工资三个月，多次催要未果。",
        worker=WorkerInput(name=f"职工{number}"),
        employer=EmployerInput(name=f"北京某科技有限公司{number}", address="北京市海淀区"),
        claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("23196.00"))],
    ).case)

    decide = task("decide_acceptance")
    step("claim_decide_acceptance", lambda: claim_task(decide, mediator))
    step("record_consent", lambda: take_action(decide, by=mediator, action="record_consent", data={
        "decision": "consented", "consent_method": "written", "decided_on": today, "given_by": "法定代表人"}))
    step("accept", lambda: complete_task(decide, by=mediator, transition="accept"))
    assign = task("assign_mediator")
    step("claim_assign_mediator", lambda: claim_task(assign, lead))
    step("assign", lambda: complete_task(assign, by=lead, transition="assign", data={"mediator": mediator}))

    mediate = task("mediate")
    starts_at = timezone.now() + timedelta(milliseconds=300)
    step("schedule_session", lambda: take_action(mediate, by=mediator, action="schedule_session", data={
        "starts_at": starts_at, "place": "中关村街道调解室", "to_bring": "劳动合同、工资条"}))
    time.sleep(max(0.0, (starts_at - timezone.now()).total_seconds()) + 0.01)  # the session's time comes
    session = case.sessions.get()
    step("record_session", lambda: take_action(mediate, by=mediator, action="record_session", data={
        "session": session, "attendees": "申请人；被申请人代理人；调解员",
        "statements": "申请人：要求支付拖欠工资。被申请人：确认拖欠，同意分两期支付。", "proposals": "分两期支付",
        "rights_explained": True, "recusal_answer": "双方均不申请回避。", "note_taker": "张华", "outcome": "达成协议"}))
    claim = case.claims.get()
    step("draft_agreement", lambda: complete_task(mediate, by=mediator, transition="draft_agreement", data={
        "terms": "被申请人分两期支付申请人拖欠工资共计23,196.00元。", "awards": {claim.pk: Decimal("23196.00")},
        "instalments": [(today + timedelta(days=20), Decimal("12000.00")),
                        (today + timedelta(days=40), Decimal("11196.00"))]}))

    sign = task("sign_agreement")
    for signatory in ("worker", "employer", "mediator", "seal"):
        step(f"record_signature_{signatory}", lambda signatory=signatory: take_action(
            sign, by=mediator, action="record_signature", data={"signatory": signatory}))
    scan = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    step("upload_signed_original", lambda: take_action(sign, by=mediator, action="upload_signed_original", data={
        "scan": ContentFile(scan, name="调解协议书签署原件.pdf")}))
    step("make_agreement_effective", lambda: complete_task(sign, by=mediator, transition="make_agreement_effective"))

    supervise = task("supervise_performance")
    for number_, amount in ((1, "12000.00"), (2, "11196.00")):
        instalment = case.agreement.instalments.get(number=number_)
        step(f"record_payment_{number_}", lambda instalment=instalment, amount=amount, n=number_: take_action(
            supervise, by=mediator, action="record_payment", data={
                "instalment": instalment, "amount": Decimal(amount), "paid_on": today,
                "receipt_number": f"HDZGC-{number}-{n}"}))
    step("complete_performance", lambda: complete_task(supervise, by=mediator, transition="complete_performance"))
    close = task("close_case")
    step("close", lambda: complete_task(close, by=mediator, transition="close", reason="协议履行情况已核实"))
    archive = task("archive_case")
    step("archive", lambda: complete_task(archive, by=mediator, transition="archive"))
    case.refresh_from_db()
    return case.status == "archived"


def _bare_lifecycle(owner, recorder, results):
    """The baseline: the same seven human tasks on bare viewflow, the same lock and claims."""
    from bare_flow import BareFlow

    def step(name, action):
        return _measured(recorder, results, name, action)

    process = step("start", lambda: BareFlow.start.run(owner=owner))
    for name in BareFlow.HUMAN:
        task = process.task_set.get(flow_task=getattr(BareFlow, name), finished__isnull=True)
        if name in BareFlow.CLAIMED:
            def claim(task=task):
                with task.activation() as activation:
                    activation.assign(owner)
            step(f"claim_{name}", claim)

        def in_task_lock(task=task):
            with task.activation():
                pass
        actions = {"decide_acceptance": 1, "mediate": 2, "sign_agreement": 5, "supervise_performance": 2}
        for index in range(actions.get(name, 0)):
            step(f"lock_{name}_{index + 1}", in_task_lock)

        def complete(task=task):
            with task.activation() as activation:
                activation.start(None)
                activation.execute()
        step(f"complete_{name}", complete)
    process.refresh_from_db()
    return process.status == "DONE"


def _summary(results: dict) -> dict:
    steps = {}
    for name, runs in results.items():
        steps[name] = {
            "queries": max(run["queries"] for run in runs),
            "queries_min": min(run["queries"] for run in runs),
            "ms_p50": round(statistics.median(run["ms"] for run in runs), 1),
        }
        if any(run["documents"] for run in runs):
            steps[name]["documents"] = max(run["documents"] for run in runs)
            steps[name]["document_queries"] = max(run["document_queries"] for run in runs)
            steps[name]["document_ms_p50"] = round(statistics.median(run["document_ms"] for run in runs), 1)
    return steps


def _per_lifecycle(results: dict, key: str, n: int) -> float:
    return sum(run[key] for runs in results.values() for run in runs) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="lifecycles of each kind after one warm-up")
    parser.add_argument("--runs", type=int, default=None, help="alias of --n")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    options = parser.parse_args()
    n = options.runs or options.n

    media = tempfile.mkdtemp(prefix="unioncase-bench-media-")
    recreate_database(options.database_url, DATABASE)
    _setup_django(options.database_url, media)
    from django.db import connection

    street, mediator, lead = _fixtures()
    recorder = Recorder()
    recorder.wrap_document_task()
    recorder.wrap_notification_task()

    with connection.execute_wrapper(recorder):
        _lifecycle(0, street, mediator, lead, recorder, defaultdict(list))  # warm-up
        _bare_lifecycle(mediator, recorder, defaultdict(list))
        recorder.lines.clear()
        recorder.document_lines.clear()
        dispute, bare, completed, bare_completed = defaultdict(list), defaultdict(list), 0, 0
        wall = []
        for number in range(1, n + 1):
            started = time.perf_counter()
            completed += _lifecycle(number, street, mediator, lead, recorder, dispute)
            wall.append(time.perf_counter() - started)
        lines, document_lines = recorder.lines.copy(), recorder.document_lines.copy()
        for _ in range(n):
            bare_completed += _bare_lifecycle(mediator, recorder, bare)

    steps, bare_steps = _summary(dispute), _summary(bare)
    queries = _per_lifecycle(dispute, "queries", n)
    bare_queries = _per_lifecycle(bare, "queries", n)
    lifecycle_ms = statistics.median(
        sum(runs[i]["ms"] for runs in dispute.values()) for i in range(n))
    bare_ms = statistics.median(sum(runs[i]["ms"] for runs in bare.values()) for i in range(n))
    document_count = _per_lifecycle(dispute, "documents", n)
    document_queries = _per_lifecycle(dispute, "document_queries", n)
    document_ms = statistics.median(sum(runs[i]["document_ms"] for runs in dispute.values()) for i in range(n))
    notification_queries = _per_lifecycle(dispute, "notification_queries", n)
    notification_ms = statistics.median(
        sum(runs[i]["notification_ms"] for runs in dispute.values()) for i in range(n))
    transitions = len(dispute)
    actions = [name for name in steps if name.startswith(("record_", "schedule_", "upload_"))]
    print(json.dumps({
        "benchmark": "dispute lifecycle through the door vs bare viewflow (PostgreSQL)",
        "lifecycles": n,
        "completed": completed,
        "baseline_completed": bare_completed,
        "transitions_per_lifecycle": transitions,
        "transitions_per_s": round(transitions / (lifecycle_ms / 1000), 1),
        "queries_per_lifecycle": round(queries, 1),
        "baseline_queries_per_lifecycle": round(bare_queries, 1),
        "query_ratio": round(queries / bare_queries, 2),
        "lifecycle_ms_p50": round(lifecycle_ms, 1),
        "baseline_lifecycle_ms_p50": round(bare_ms, 1),
        "overhead_ratio": round(lifecycle_ms / bare_ms, 2),
        "goal_overhead_ratio": GOAL_OVERHEAD_RATIO,
        "meets_goal": lifecycle_ms / bare_ms <= GOAL_OVERHEAD_RATIO and queries / bare_queries <= GOAL_OVERHEAD_RATIO,
        "in_task_action_queries_max": max(steps[name]["queries"] for name in actions),
        "goal_in_task_action_queries": GOAL_ACTION_QUERIES,
        "documents": {
            "per_lifecycle": round(document_count, 1),
            "queries_per_document": round(document_queries / document_count, 1) if document_count else None,
            "ms_per_document_p50": round(document_ms / document_count, 1) if document_count else None,
            "ms_per_lifecycle_p50": round(document_ms, 1),
            "goal_queries_per_document": GOAL_DOCUMENT_QUERIES,
            "top_source_lines": [{"line": line, "queries_per_lifecycle": round(count / n, 1)}
                                 for line, count in document_lines.most_common(5)],
        },
        "notifications": {
            "queries_per_lifecycle": round(notification_queries, 1),
            "ms_per_lifecycle_p50": round(notification_ms, 1),
        },
        "queries_per_lifecycle_with_notifications": round(queries + notification_queries, 1),
        "query_ratio_with_notifications": round((queries + notification_queries) / bare_queries, 2),
        "lifecycle_wall_ms_p50_with_documents": round(statistics.median(wall) * 1000, 1),
        "steps": steps,
        "baseline_steps": bare_steps,
        "top_source_lines": [{"line": line, "queries_per_lifecycle": round(count / n, 1)}
                             for line, count in lines.most_common(15)],
        "note": ("shared 2-core machine: times are noisy, query counts exact; documents and transition "
                 "notifications (Celery tasks a worker runs in production, eager here) counted apart"),
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
