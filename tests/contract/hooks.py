"""schemathesis hooks of the contract run (loaded by `st` through SCHEMATHESIS_HOOKS).

Reads the fixture file that tests/contract/fixtures.py wrote (CONTRACT_FIXTURES names it):

- authentication per operation, from the security the schema declares for it: an operation for
  staff (`personalToken`) is sent with the mediator's token, or with the caseworker's under
  /api/v1/hardship/; an operation for system clients (an `oauth2` scheme) with a token the
  fixture client (海淀, every scope) gets from the token endpoint by its client credentials, as a
  real client does; an operation without security with none. An operation added to the schema
  is picked up by the same rule.
- path parameters: most generated ids are replaced by ids of records that exist (cases, files,
  tasks, documents), so that the requests reach real records — and the forms behind them — as
  well as missing ones.
- reach: a system client's `organisation` (in the query or at the top of a JSON body) often
  names an organisation of its own subtree (海淀) or of another district's (朝阳); the check
  `system_client_stays_in_its_district` fails any 2xx answer to the client that names one of
  朝阳's organisations or cases — a client of 海淀 reads and writes nothing of 朝阳's through
  any endpoint.
"""

import json
import os
import random
import re
import time

import requests
import schemathesis
from hypothesis import strategies as st

FIXTURES = os.environ.get("CONTRACT_FIXTURES", "")
BASE_URL = os.environ.get("CONTRACT_BASE_URL", "")
TOKEN_PATH = "/api/v1/oauth/token/"
STAFF_SCHEME = "personalToken"

# (path pattern, path parameter) → the fixture ids it is drawn from.
KNOWN_IDS = [
    (r"^/api/v1/disputes/tasks/", "task_id", "dispute_task"),
    (r"^/api/v1/hardship/tasks/", "task_id", "hardship_task"),
    (r"^/api/v1/disputes/\{id\}", "id", "dispute"),
    (r"^/api/v1/disputes/\{id\}/documents/", "document_pk", "dispute_document"),
    (r"^/api/v1/hardship/files/\{id\}", "id", "hardship_file"),
    (r"^/api/v1/hardship/files/\{id\}/documents/", "document_pk", "hardship_document"),
    (r"^/api/v1/applications/disputes/\{id\}", "id", "application_dispute"),
    (r"^/api/v1/applications/hardship/\{id\}", "id", "application_hardship"),
]


def _load() -> dict:
    if not FIXTURES:
        return {"principals": {}, "ids": {}, "reach": {"own_codes": [], "foreign_codes": [], "foreign_numbers": []}}
    with open(FIXTURES) as data:
        return json.load(data)


DATA = _load()


def _schemes(operation) -> tuple[set[str], dict]:
    raw = operation.schema.raw_schema
    security = operation.definition.raw.get("security", raw.get("security", []))
    names = {name for requirement in security for name in requirement}
    return names, raw.get("components", {}).get("securitySchemes", {})


def principal_for(path: str, names: set[str], schemes: dict) -> str | None:
    """Which fixture principal makes requests to `path`, given its security scheme names."""
    if STAFF_SCHEME in names:
        return "hardship" if path.startswith("/api/v1/hardship/") else "staff"
    if any(schemes.get(name, {}).get("type") in ("oauth2", "openIdConnect") for name in names):
        return "system"
    return None  # a public operation


_TOKENS: dict[str, tuple[str, float]] = {}  # client id → (access token, when to get a new one)
TOKEN_REUSE_SECONDS = 600  # tokens live an hour (API_CLIENT_TOKEN_SECONDS)


def client_token(credentials: dict) -> str:
    """An access token of the fixture system client, by the client-credentials grant (HTTP Basic)."""
    token, renew_at = _TOKENS.get(credentials["client_id"], ("", 0.0))
    if time.monotonic() < renew_at:
        return token
    answer = requests.post(BASE_URL + TOKEN_PATH, data={"grant_type": "client_credentials"},
                           auth=(credentials["client_id"], credentials["client_secret"]), timeout=30)
    answer.raise_for_status()
    token = answer.json()["access_token"]
    _TOKENS[credentials["client_id"]] = (token, time.monotonic() + TOKEN_REUSE_SECONDS)
    return token


@schemathesis.auth(refresh_interval=None)
class FixturePrincipal:
    def get(self, case, context):
        names, schemes = _schemes(context.operation)
        who = principal_for(context.operation.path, names, schemes)
        if who == "system":
            return client_token(DATA["principals"]["system"]) if DATA["principals"].get("system") else None
        return DATA["principals"].get(who) if who else None

    def set(self, case, token, context):
        if token:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


def known_choices(path: str) -> dict[str, list[int]]:
    choices = {}
    for pattern, parameter, key in KNOWN_IDS:
        ids = DATA["ids"].get(key) or []
        if ids and re.search(pattern, path):
            choices[parameter] = ids
    return choices


REAL_SHARE = 0.75  # of the generated ids, the share replaced by ids of records that exist
_random = random.Random(2126)  # a single-worker run draws the same ids each time


def _phase(case) -> str:
    phase = getattr(getattr(case, "meta", None), "phase", None)
    return str(getattr(getattr(phase, "name", None), "value", getattr(phase, "name", "")))


def _aims_at_path(case) -> bool:
    """A negative case that tests a path parameter itself: its value is left as generated."""
    meta = getattr(case, "meta", None)
    data = getattr(getattr(meta, "phase", None), "data", None)
    location = getattr(data, "parameter_location", None)
    mode = getattr(getattr(getattr(meta, "generation", None), "mode", None), "value", "")
    return mode == "negative" and str(getattr(location, "value", location)) == "path"


@schemathesis.hook
def map_case(context, case):
    """Most ids of the coverage phase's cases (which are not drawn by hypothesis) name records that
    exist, and a system client's `organisation` often one of 海淀 or 朝阳; the fuzzing phase draws
    them in the flatmap hooks, the stateful phase follows the schema's links to real ids."""
    if context.operation is None or _phase(case) != "coverage":
        return case
    _name_organisations(case)
    parameters = case.path_parameters
    if not parameters or _aims_at_path(case):
        return case
    for name, ids in known_choices(context.operation.path).items():
        value = parameters.get(name)  # the coverage phase writes its ids as text: "17"
        if (isinstance(value, int) or (isinstance(value, str) and value.isdigit())) and _random.random() < REAL_SHARE:
            chosen = _random.choice(ids)
            parameters[name] = str(chosen) if isinstance(value, str) else chosen
    return case


def _name_organisations(case):
    """The coverage phase's counterpart of flatmap_query and flatmap_body."""
    if _codes() and principal_of(case.operation) == "system" and not _aims_at_organisation(case):
        for container in (case.query, case.body):
            if isinstance(container, dict) and "organisation" in container and _random.random() < 0.5:
                container["organisation"] = _random.choice(_codes())
    return case


def _aims_at_organisation(case) -> bool:
    data = getattr(getattr(getattr(case, "meta", None), "phase", None), "data", None)
    return getattr(data, "parameter", None) == "organisation"


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    """The fuzzing phase's ids: most of them name records that exist, drawn by hypothesis."""
    if not path_parameters or context.operation is None:
        return st.just(path_parameters)
    real = {name: st.sampled_from(ids) for name, ids in known_choices(context.operation.path).items()
            if isinstance(path_parameters.get(name), int)}
    if not real:
        return st.just(path_parameters)
    known = st.fixed_dictionaries(real).map(lambda values: {**path_parameters, **values})
    return st.sampled_from((False, True, True, True)).flatmap(lambda use: known if use else st.just(path_parameters))


def principal_of(operation) -> str | None:
    names, schemes = _schemes(operation)
    return principal_for(operation.path, names, schemes)


def _codes() -> list[str]:
    return DATA["reach"]["own_codes"] + DATA["reach"]["foreign_codes"]


def _with_organisation(container, code):
    return {**container, "organisation": code}


@schemathesis.hook
def flatmap_query(context, query):
    """A system client's `organisation` query: often a code of its own district or of another's."""
    if not isinstance(query, dict) or "organisation" not in query or context.operation is None \
            or principal_of(context.operation) != "system" or not _codes():
        return st.just(query)
    return st.one_of(st.just(query), st.sampled_from(_codes()).map(lambda code: _with_organisation(query, code)))


@schemathesis.hook
def flatmap_body(context, body):
    """A system client's body naming an `organisation`: often one of its own district or of another's."""
    if not isinstance(body, dict) or "organisation" not in body or context.operation is None \
            or principal_of(context.operation) != "system" or not _codes():
        return st.just(body)
    return st.one_of(st.just(body), st.sampled_from(_codes()).map(lambda code: _with_organisation(body, code)))


@schemathesis.check
def system_client_stays_in_its_district(ctx, response, case):
    """No answer that a system client of 海淀 is given (2xx) names 朝阳's organisations or cases."""
    if not 200 <= response.status_code < 300 or principal_of(case.operation) != "system":
        return None
    text = response.content.decode("utf-8", errors="replace")
    seen = [marker for marker in DATA["reach"]["foreign_codes"] + DATA["reach"]["foreign_numbers"] if marker in text]
    if seen:
        raise AssertionError(f"a system client of 海淀 was given 朝阳's data: {', '.join(seen)}")
    return None
