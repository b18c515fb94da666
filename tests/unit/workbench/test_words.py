"""Issue 20, "Pages speak in words" and "Small things": amounts as ¥8,000.00 on every page and in
every document through one formatter; the registration form's e-mail inputs styled like every
other field; a refused request (403) logged once, as one warning naming the user, the path and
the reason."""

import logging
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.documents.dispute.intake import cn_money
from cases.hardship import aid
from cases.models import HardshipStatus
from cases.rules import eligibility
from cases.rules.money import yuan
from cases import selectors
from tests.hardship_fixtures import file_in_state, household_in_hardship
from workflows.dispute.flow import claim_task
from workflows.hardship.flow import HardshipFlow
from workflows.models import HardshipProcess

UNGROUPED = re.compile(r"(?<![\d,])\d{4,}\.\d{2}(?!\d)")  # 8000.00, never 8,000.00


def words_of(html: str) -> str:
    """What a page says, without its tags and their attributes (a form's typed values are no amounts shown)."""
    body = html.split("<body", 1)[-1]
    return re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", body, flags=re.S)


# -- one formatter ---------------------------------------------------------------------------

@pytest.mark.parametrize("amount, shown", [
    (Decimal("8000"), "¥8,000.00"), (Decimal("23196.005"), "¥23,196.01"), (Decimal("-1000"), "−¥1,000.00"),
    (Decimal("0"), "¥0.00"), (None, "—"), ("", "—"), (1234567, "¥1,234,567.00"), ("8000.5", "¥8,000.50"),
])
def test_one_formatter_writes_every_amount(amount, shown):
    assert yuan(amount) == shown


def test_the_pages_the_documents_the_rules_and_the_filter_share_it():
    assert selectors.yuan is yuan and eligibility.yuan is yuan and aid.yuan is yuan
    assert cn_money(Decimal("19345.67")) == yuan(Decimal("19345.67")) == "¥19,345.67"
    with pytest.raises(TypeError):
        cn_money(19345.67)  # documents take Decimal, never a float
    rendered = Template("{% load money %}¥{{ a|money }} {{ a|yuan }} {{ none|yuan }} {{ text|money }}").render(
        Context({"a": Decimal("8000"), "none": None, "text": "待定"}))
    assert rendered == "¥8,000.00 ¥8,000.00 — 待定"


# -- the hardship pages --------------------------------------------------------------------------

@pytest.fixture
def awaiting_approval(orgs, people):
    household = household_in_hardship(orgs["hd"], annual_income=Decimal("36000.00"))
    return file_in_state(household, HardshipStatus.AWAITING_APPROVAL, prepared_by=people["caseworker"],
                         proposed_aid_amount=Decimal("8000.00"), per_capita_monthly=Decimal("1000.00"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["caseworker", "reviewer", "auditor"])
def test_the_file_page_groups_every_amount(client, people, awaiting_approval, role):
    client.force_login(people[role])
    response = client.get(f"/hardship/files/{awaiting_approval.pk}/")
    assert response.status_code == 200
    shown = words_of(response.content.decode())
    assert "¥8,000.00" in shown and "¥36,000.00" in shown
    assert UNGROUPED.findall(shown) == []


@pytest.mark.django_db
def test_the_approval_task_page_groups_the_proposed_amount(client, people, awaiting_approval):
    process = HardshipProcess.objects.create(flow_class=HardshipFlow, file=awaiting_approval)
    task = Task.objects.create(process=process, flow_task=HardshipFlow.approve, flow_task_type="HUMAN",
                               status=STATUS.NEW)
    claim_task(task, people["reviewer"])
    client.force_login(people["reviewer"])
    response = client.get(f"/hardship/{process.pk}/approve/{task.pk}/execute/")
    assert response.status_code == 200
    shown = words_of(response.content.decode())
    assert "拟年度帮扶金额" in shown and "¥8,000.00" in shown
    assert UNGROUPED.findall(shown) == []


# -- the registration form's e-mail inputs -------------------------------------------------------

FIELD_RULE = re.compile(r"\.uc-field input\[type=text\].*?\{", re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["mediator", "lead"])
def test_every_input_of_the_registration_form_is_styled_like_the_others(client, people, role):
    client.force_login(people[role])
    response = client.get("/cases/register/")
    assert response.status_code == 200
    types = set(re.findall(r'<input[^>]*type="([a-z-]+)"', response.content.decode()))
    assert "email" in types
    css = (Path(settings.BASE_DIR) / "workflows/static/workflows/case.css").read_text()
    styled = FIELD_RULE.search(css).group(0)
    for kind in types - {"hidden", "checkbox", "radio", "submit", "button", "file"}:
        assert f".uc-field input[type={kind}]" in styled, kind


# -- a refused request, logged once --------------------------------------------------------------

@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="tests.unit.workbench.test_site")
def test_a_refused_request_is_one_warning_with_the_user_the_path_and_the_reason(client, people, caplog):
    client.force_login(people["mediator"])
    with caplog.at_level(logging.INFO):
        response = client.get("/test-forbidden/")
    assert response.status_code == 403
    [record] = [record for record in caplog.records if record.name.startswith("django")]
    assert record.name == "django.request" and record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"Forbidden: user=hd_mediator (#{people['mediator'].pk}) path=/test-forbidden/ "
        "reason=您在“朝阳区总工会”没有执行此操作所需的角色（需要：调解员）。")
    assert record.exc_info is None and record.exc_text is None


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="tests.unit.workbench.test_site")
def test_an_anonymous_refusal_names_no_one(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/test-forbidden/")
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.getMessage().startswith("Forbidden: user=anonymous path=/test-forbidden/ reason=")


def configured_handlers(name: str) -> list:
    """The handlers settings.LOGGING gave logger `name` (pytest's own capturing ones left out)."""
    return [handler for handler in logging.getLogger(name).handlers
            if not type(handler).__module__.startswith("_pytest")]


def test_djangos_records_reach_one_handler_only():
    """Django's own DEBUG console handler wrote each of its records a second time beside the root's."""
    from django.utils.log import ServerFormatter

    assert configured_handlers("django") == [] and configured_handlers("django.request") == []
    assert logging.getLogger("django.request").propagate and logging.getLogger("django").propagate
    [server] = configured_handlers("django.server")  # runserver's access line keeps its own, and stops there
    assert isinstance(server.formatter, ServerFormatter) and not logging.getLogger("django.server").propagate


def test_the_refusal_line_survives_a_second_copy_of_its_filter():
    """logging configured twice (dictConfig keeps a logger's filters) runs the filter twice: the
    second pass must not read the reason again from the traceback the first one dropped."""
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from config.refusals import RefusalLine

    try:
        raise PermissionDenied("不在您的组织范围内。")
    except PermissionDenied:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",), exc_info)
    record.status_code, record.request = 403, RequestFactory().get("/x/")
    for _copy in range(2):
        assert RefusalLine().filter(record)
    assert record.getMessage() == "Forbidden: user=anonymous path=/x/ reason=不在您的组织范围内。"


def test_a_refusal_without_a_message_says_where_it_was_raised():
    """viewflow refuses an application a user has no role for with a bare PermissionDenied: the line
    names the refusing code instead of an empty reason."""
    import sys

    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from config.refusals import RefusalLine

    def process_view():
        raise PermissionDenied

    try:
        process_view()
    except PermissionDenied:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/orgadmin/",), exc_info)
    record.status_code, record.request = 403, RequestFactory().get("/orgadmin/")
    assert RefusalLine().filter(record)
    assert record.getMessage() == ("Forbidden: user=anonymous path=/orgadmin/ reason=(no message) raised in "
                                   f"{__name__}.process_view")
    assert record.exc_info is None
