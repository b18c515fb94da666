"""The probes of the generated permission test (test_generated_permissions.py): how a page is
called, and the tables of the REST API (/api/v1/: the staff API by session and by personal token,
the system clients' endpoints, the API's transitions) and of the workers' pages (/public/).
"""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.unit.security.districts.world import CY_HEAD, CY_HEAD_ID, CY_REGION, CY_WORKER


@dataclass(frozen=True)
class Probe:
    """One way to call a page: URL arguments and query from 朝阳's records, and what to POST.

    `json`: the posts are sent as application/json (the API's writes). `bearer`: every request is
    sent a second time with the user's own personal API token and no session (the API's way in).
    `ids`: whether the URL arguments name 朝阳's records, so that only a refusal will do (by default,
    when there are any; not so for a programme's key)."""

    kwargs: dict = field(default_factory=dict)
    query: str = ""
    posts: tuple = ({},)
    json: bool = False
    bearer: bool = False
    ids: bool | None = None


def probe(**kwargs):
    return lambda cy: [Probe(**kwargs)]


def api(**kwargs):
    """An API call: JSON posts, and once more with the user's personal token."""
    return lambda cy: [Probe(json=True, bearer=True, **kwargs)]


API_PAGES = {
    # 接口令牌: the user's own tokens (making one journals it, about no 朝阳 record); 朝阳's token by id.
    "api_tokens": probe(posts=({"name": "越界脚本", "days": "30"},)),
    "api_token_revoke": lambda cy: [Probe({"pk": cy.token.pk})],
    # The REST API (api/): 朝阳's case, file, documents and tasks by id; the lists and the schema.
    "api:schema": api(posts=()),
    "api:docs": api(posts=()),
    "api:dispute-tasks-mine": api(posts=()),
    "api:dispute-tasks-queue": api(posts=()),
    "api:hardship-tasks-mine": api(posts=()),
    "api:hardship-tasks-queue": api(posts=()),
    # 朝阳's claimed dispute task, and its hardship tasks waiting to be claimed (and each through the other door).
    "api:dispute-task-claim": lambda cy: [Probe({"task_id": task.pk}, json=True, bearer=True)
                                          for task in (cy.case_task, cy.file_task)],
    "api:hardship-task-claim": lambda cy: [Probe({"task_id": task.pk}, json=True, bearer=True)
                                           for task in (cy.file_task, cy.objection_task, cy.case_task)],
    "api:dispute-detail": lambda cy: [Probe({"pk": cy.case.pk}, posts=(), bearer=True)],
    "api:dispute-document": lambda cy: [
        Probe({"pk": cy.case.pk, "document_pk": cy.case_document.pk}, posts=(), bearer=True)],
    "api:hardship-detail": lambda cy: [Probe({"pk": cy.file.pk}, posts=(), bearer=True)],
    "api:hardship-document": lambda cy: [
        Probe({"pk": cy.file.pk, "document_pk": cy.file_document.pk}, posts=(), bearer=True)],
    # The system clients' endpoints (api/system/) answer OAuth2 client tokens only: a staff member, by
    # session or personal token, is refused whatever the request names — here 朝阳's case, file and
    # organisations. The 海淀 system client (every scope) is refused 朝阳's case, file and organisations
    # too: the bodies are complete, so that only their organisation, 朝阳's, is wrong with them.
    "api:oauth-token": lambda cy: [Probe(posts=(
        {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "wrong"},))],
    "api:application-organisations": api(posts=()),
    "api:application-disputes": api(ids=True, posts=({
        "organisation": "BJ-CY-JSW", "facts": "越界申请", "employer": {"name": "越界单位"},
        "worker": {"name": "越界", "resident_id": CY_HEAD_ID, "phone": "13801230008"},
        "claims": [{"claim_type": "wage_arrears", "amount_claimed": "1000"}], "acknowledge_warnings": True},)),
    "api:application-dispute": lambda cy: [Probe({"pk": cy.case.pk}, posts=(), bearer=True)],
    "api:application-dispute-notice": lambda cy: [
        Probe({"pk": cy.case.pk, "document_pk": cy.case_document.pk}, posts=(), bearer=True)],
    "api:application-hardships": api(ids=True, posts=({
        "organisation": "BJ-CY", "reason": "越界申请", "address": "越界住址",
        "head": {"name": CY_HEAD, "resident_id": CY_HEAD_ID, "phone": "13801230008", "employment": "unemployed"},
        "authorisation": {"name": "授权书.pdf", "content": "JVBERi0xLjcKJSVFT0YK"}},)),
    "api:application-hardship": lambda cy: [Probe({"pk": cy.file.pk}, posts=(), bearer=True)],
    "api:civil-affairs-batches": api(ids=True, posts=({"batch_id": "MZ-CY-01", "organisation": "BJ-CY", "records": [
        {"ref": "MZ-CY-1", "name": CY_HEAD, "id_number": CY_HEAD_ID, "region": CY_REGION, "category": "低保"}]},)),
    # 朝阳 has pushed no batch: any batch id is refused before it is looked up (tests/unit/rest_api/system/
    # test_reach.py has 朝阳's own client push one, and 海淀's ask for it).
    "api:civil-affairs-batch": lambda cy: [Probe({"batch_id": "MZ-CY-01"}, posts=(), bearer=True)],
    "api:civil-affairs-batch-records": lambda cy: [Probe({"batch_id": "MZ-CY-01"}, posts=(), bearer=True)],
    # 朝阳's figures by its code, and the client's own (海淀's), which must name nothing of 朝阳.
    "api:statistics-disputes": lambda cy: [Probe(query="organisation=BJ-CY", posts=(), bearer=True, ids=True),
                                           Probe(query="from=2026-01-01&to=2026-12-31", posts=(), bearer=True)],
    "api:statistics-hardship": lambda cy: [Probe(query="organisation=BJ-CY", posts=(), bearer=True, ids=True),
                                           Probe(query="from=2026-01-01&to=2026-12-31", posts=(), bearer=True)],
}

PUBLIC_PAGES = {
    # The workers' pages (public/) take no staff login: a 海淀 staff session is anyone there. The
    # progress pages must ask it, as anyone, for 朝阳's case number, 赵铁柱's ID and the SMS code sent
    # to 赵铁柱's phone — a wrong code shows nothing, and the case page and 朝阳's notice send it back
    # to the lookup. The application pages concern no existing 朝阳 record: they are probed for
    # asking the session's phone to be confirmed before they take an application to 朝阳's centre
    # or federation (none is made: 朝阳's journal would gain its entries), and for showing nothing of 朝阳.
    "public:index": probe(),
    "public:apply": lambda cy: [Probe(posts=(
        {"step": "confirm_code", "code": "000000"},
        {"organisation": cy.case.organisation_id, "facts": "拖欠工资。", "worker-name": "越界申请人",
         "worker-resident_id": CY_HEAD_ID, "employer-name": "越界单位", "acknowledge_warnings": "on",
         "claims-TOTAL_FORMS": "1", "claims-INITIAL_FORMS": "0", "claims-0-claim_type": "wage_arrears",
         "claims-0-amount_claimed": "1000"}))],
    "public:applied": probe(posts=()),
    "public:progress": lambda cy: [Probe(query=f"case={cy.case.number}", posts=(
        {"step": "lookup", "number": cy.case.number, "identity": cy.case.worker.resident_id},
        {"step": "confirm_code", "code": "000000"}))],
    "public:progress_case": probe(posts=()),
    "public:notice": lambda cy: [Probe({"document_pk": cy.case_document.pk}, posts=())],
    "public:progress_leave": probe(),
    "public:hardship": lambda cy: [Probe(posts=(
        {"step": "confirm_code", "code": "000000"},
        {"organisation": cy.file.organisation_id, "address": "越界住址", "reason": "越界申请",
         "head-name": CY_HEAD, "head-resident_id": CY_HEAD_ID}))],
    "public:hardship_applied": probe(posts=()),
    # 帮扶申请进度查询, as the case's progress pages: 朝阳's file by its application number and 李秀兰's ID,
    # a wrong code; the file's page sends the session back to the lookup.
    "public:hardship_progress": lambda cy: [Probe(query=f"number={cy.file.pk}", posts=(
        {"step": "lookup", "number": cy.file.pk, "identity": CY_HEAD_ID},
        {"step": "confirm_code", "code": "000000"}))],
    "public:hardship_progress_file": probe(posts=()),
    "public:hardship_progress_leave": probe(),
}

# The API's transitions (api/views/transitions.py): one pattern per transition, its name a default
# argument of the pattern. Each is posted on 朝阳's case or file, as JSON, with the fields of the form
# that takes it there (what the page would post); and again naming 朝阳's open task that takes it (?task=).
SCAN = b"%PDF-1.7\n%%EOF\n"
DISPUTE_BODIES = {
    "accept": {}, "reject": {"rejection_ground": "not_labour_dispute", "reason": "越界不予受理"},
    "apply_for_review": {"applied_on": "2026-11-03"}, "archive": {"confirm": True, "reason": "越界归档"},
    "assign": {"mediator": "{mediator}", "reason": "越界分配"}, "close": {"reason": "越界结案"},
    "complete_performance": {"reason": "越界"}, "refer": {"reason": "越界"},
    "decide_recusal": {"decision": "granted", "reason": "越界", "mediator": "{mediator}"},
    "draft_agreement": {"terms": "越界协议", "copies": 3},
    "extend_mediation": {"days": 15, "worker_consented_on": "2026-11-03", "worker_consent_method": "phone",
                         "worker_consent_by": CY_WORKER, "employer_consented_on": "2026-11-03",
                         "employer_consent_method": "phone", "employer_consent_by": "越界", "reason": "越界延期"},
    "fail": {"reason": "越界调解不成"}, "withdraw": {"reason": "越界撤回"},
    "make_agreement_effective": {"confirm": True}, "reassign": {"reason": "越界", "mediator": "{mediator}"},
    "record_consent": {"decision": "consented", "consent_method": "phone", "decided_on": "2026-11-03",
                       "given_by": "越界"},
    "record_payment": {"instalment": 1, "amount": 1, "paid_on": "2026-11-03", "receipt_number": "越界"},
    "record_session": {"outcome": "越界", "session": 1, "attendees": "越界", "statements": "越界"},
    "record_signature": {"signatory": "越界"}, "request_recusal": {"reason": "越界回避", "requested_by": "worker"},
    "schedule_session": {"starts_at": "2030-11-09T09:30", "place": "越界调解室"},
    "upload_signed_original": {"scan": "{scan}"},
    # The transitions with a page of their own (the 送达 pages, 当事人与代理人).
    "record_service": {"document": "{document}", "party": "worker", "service_method": "postal",
                       "served_on": "2026-11-03", "recipient": "越界", "postal_number": "1123456789012"},
    "record_electronic_consent": {"party": "worker", "channel": "sms", "address": "13801230008",
                                  "consent_method": "phone", "given_on": "2026-11-03", "given_by": "越界"},
    "record_agent": {"side": "worker", "name": "越界", "phone": "13801230008", "kind": "lawyer",
                     "authority": "general", "valid_from": "2026-11-03", "scan": "{scan}"},
    "revoke_agent": {"agent": 1, "revoked_on": "2026-11-03", "reason": "越界解除"},
    "record_workers": {"new_workers": "越界", "collective": False},
}
HARDSHIP_BODIES = {
    "approve": {"reason": "越界同意"}, "approve_second": {"reason": "越界同意"}, "approve_aid_plan": {"plan": 1},
    "begin_exit": {"exit_reason": "recovered", "place": "越界", "reason": "越界退出"},
    "cancel_exit": {}, "complete_yearly_review": {"findings": "越界"}, "end_publicity": {}, "exit_file": {},
    "disburse": {"plan": 1, "amount": 1, "paid_on": "2026-11-03", "recipient": CY_HEAD},
    "lodge_objection": {"lodged_by": "越界", "content": "越界异议"}, "open_file": {},
    "propose_aid_plan": {"aid_type": "living", "fund": "{fund}", "amount": 1, "instalments": 1,
                         "first_payment_on": "2030-11-03", "purpose": "越界"},
    "re_enter": {"reason": "越界"}, "record_civil_check": {"result": "consistent", "checked_on": "2026-11-03"},
    "record_democratic_review": {"held_on": "2026-11-03", "participants": "越界", "votes_for": 5,
                                 "votes_against": 0, "votes_abstain": 0, "opinion": "越界"},
    "record_home_visit": {"visited_on": "2026-11-03", "findings": "越界"}, "reject": {"reason": "越界不予认定"},
    "resolve_objection": {"upheld": "no", "reason": "越界核查"}, "resubmit": {}, "return_for_revision": {},
    "start_publicity": {"place": "越界"},
    "take_application": {"applied_on": "2026-11-02", "application_reason": "越界受理"},
    "correct_assessment": {"incomes": [{"kind": "wages", "amount": "1"}], "correction_reason": "越界更正"},
}


def transition_probes(subject_of, bodies, tasks_of):
    """`name` → the probes of transition `name`: JSON (a scan as multipart, and then not by token)."""
    def for_name(name):
        def body(cy):
            fill = {"{fund}": cy.fund.pk, "{mediator}": cy.mediator.pk, "{document}": cy.case_document.pk}
            posted = {key: fill.get(value, value) if isinstance(value, str) else value
                      for key, value in bodies[name].items()}
            if "{scan}" in posted.values():
                return {key: SimpleUploadedFile("越界.pdf", SCAN) if value == "{scan}" else value
                        for key, value in posted.items()}
            return posted

        def build(cy):
            scan = "{scan}" in bodies[name].values()
            taking = [task for task in tasks_of(cy)
                      if name in (*getattr(task.flow_task, "outcomes", ()), *getattr(task.flow_task, "actions", ()))]
            return [Probe({"pk": subject_of(cy).pk}, query=query, posts=(body(cy),), json=not scan, bearer=not scan)
                    for query in ("", *(f"task={task.pk}" for task in taking))]
        return build
    return for_name


BODIES = {"api:dispute-transition": DISPUTE_BODIES, "api:hardship-transition": HARDSHIP_BODIES}
API_TRANSITIONS = {
    "api:dispute-transition": transition_probes(lambda cy: cy.case, DISPUTE_BODIES, lambda cy: [cy.case_task]),
    "api:hardship-transition": transition_probes(lambda cy: cy.file, HARDSHIP_BODIES,
                                                 lambda cy: [cy.file_task, cy.objection_task]),
}


def transitions_of(pattern_name: str, defaults: dict):
    """The probes of an API transition pattern, whose transition `defaults` names; None for a
    transition with no body in the table (the coverage test then names the pattern)."""
    name = defaults.get("name")
    return API_TRANSITIONS[pattern_name](name) if name in BODIES[pattern_name] else None
