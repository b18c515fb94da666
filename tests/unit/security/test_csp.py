"""Issue 17 point 3: a Content-Security-Policy that runs no inline script, and templates that
need none (the browser tests, tests/e2e, check that no page trips the policy)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_point_3_pages_carry_a_policy_without_inline_script(client, people, signed_in):
    if signed_in:
        client.force_login(people["mediator"])

    policy = directives(client.get("/" if signed_in else "/accounts/login/"))

    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


def template_problems(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (EVENT_HANDLER, "on… handler"),
                              (JAVASCRIPT_URL, "javascript: URL")):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(folder)}:{line}: {what}")
    return found


def test_point_3_our_templates_hold_no_inline_script_nor_event_handler():
    assert template_problems(ROOT / "templates") == []


def test_point_3_the_template_scan_finds_what_it_looks_for(tmp_path):
    (tmp_path / "page.html").write_text(
        '<script>alert(1)</script>\n<script src="/static/ok.js"></script>\n'
        '<a class="x" onclick="go()">x</a>\n<a href="javascript:go()">y</a>\n', encoding="utf-8")

    assert template_problems(tmp_path) == [
        "page.html:1: inline <script>", "page.html:3: on… handler", "page.html:4: javascript: URL"]
