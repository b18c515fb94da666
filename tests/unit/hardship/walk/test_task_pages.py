"""The approval and objection task pages and the queues, as the walk found them:

- the second approver reads the first approver's own opinion before deciding, and the approval
  form (审批表) prints each approver's opinion with a line to sign on;
- the first approver is told, before approving, that the amount needs a second approval;
- the objection review shows the objection: its text, who lodged it and when;
- a queue never offers a 领取 that four eyes refuses (403 "本人经办，不能审批");
- a plan waiting for approval links to its approval on the file page, where plans are approved."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import get_resolver
from freezegun import freeze_time
from pypdf import PdfReader
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from cases.models import AidPlan, Document, HardshipFile, HardshipStatus, Objection
from cases.platform.transitions import apply
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship
from tests.unit.hardship.walk.flow_steps import at, do, identify_until_publicity, open_task, staff_of
from workflows.dispute.flow import claim_task

pytestmark = pytest.mark.django_db

QUEUE = "/hardship/queue/"


@pytest.fixture
def staff(orgs, people, make_user):
    return staff_of(orgs, people, make_user)


def named(user, last, first):
    user.last_name, user.first_name = last, first
    user.save()
    return user


def awaiting_approval(orgs, staff, proposed="3000.00") -> HardshipFile:
    file = identify_until_publicity(orgs, staff, proposed=Decimal(proposed))
    with freeze_time(at("2026-03-11", 9)):
        fire_due_timers()
    file.refresh_from_db()
    assert file.status == HardshipStatus.AWAITING_APPROVAL
    return file


@pytest.fixture(autouse=True)
def urls_loaded():
    """The flows' URL namespaces exist once the URLconf is read (a task's address is reversed here)."""
    get_resolver().url_patterns  # noqa: B018


def task_page(client, user, task) -> str:
    if task.owner_id is None:
        claim_task(task, user)
        task.refresh_from_db()
    client.force_login(user)
    response = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def approval_text(file) -> str:
    document = Document.objects.filter(kind="hardship_approval", subject_id=str(file.pk),
                                       subject_type=ContentType.objects.get_for_model(HardshipFile)).latest("pk")
    with document.file.open("rb") as handle:
        return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages))


# -- approvals ----------------------------------------------------------------------------------

def test_the_first_approver_is_warned_that_the_amount_needs_a_second_approval(client, orgs, staff):
    file = awaiting_approval(orgs, staff, proposed="8000.00")
    with freeze_time(at("2026-03-11", 10)):
        body = task_page(client, staff["reviewer"], open_task(file, "approve"))
    assert 'id="second-approval-warning"' in body
    assert "拟年度帮扶金额¥8,000.00超过¥5,000.00：您同意后，还须由另一名审核人复审批" in body
    assert body.index('id="second-approval-warning"') < body.index('name="decision"')  # before the decision


def test_below_the_amount_no_second_approval_is_announced(client, orgs, staff):
    file = awaiting_approval(orgs, staff, proposed="3000.00")
    with freeze_time(at("2026-03-11", 10)):
        body = task_page(client, staff["reviewer"], open_task(file, "approve"))
    assert 'id="second-approval-warning"' not in body and 'id="approval-opinions"' not in body


def test_the_second_approver_reads_the_first_opinion_and_the_form_prints_both_with_signature_lines(
        client, orgs, staff, django_capture_on_commit_callbacks):
    named(staff["reviewer"], "钱", "立新")
    named(staff["reviewer2"], "陈", "志远")
    file = awaiting_approval(orgs, staff, proposed="8000.00")
    with freeze_time(at("2026-03-11", 10, 15)), django_capture_on_commit_callbacks(execute=True):
        do(file, "approve", staff["reviewer"], "approve", reason="入户核实属实，配偶大病票据齐全，同意；金额较大，请复审批。")
    assert file.status == HardshipStatus.AWAITING_SECOND_APPROVAL
    pending = approval_text(file)
    assert "审批人意见：入户核实属实，配偶大病票据齐全，同意；金额较大，请复审批。审批人（签名）：__________钱立新" in pending
    assert "复审批人（签名）：__________年月日" in pending and "审批结果：审批人已同意，待复审批" in pending

    with freeze_time(at("2026-03-12", 9, 40)):
        body = task_page(client, staff["reviewer2"], open_task(file, "second_approval"))
    opinions = re.search(r'<section[^>]*id="approval-opinions".*?</section>', body, re.S).group(0)
    assert "审批人 钱立新" in opinions and "2026年3月11日 10:15" in opinions
    assert "入户核实属实，配偶大病票据齐全，同意；金额较大，请复审批。" in opinions
    assert 'id="second-approval-warning"' not in body

    with freeze_time(at("2026-03-12", 9, 40)), django_capture_on_commit_callbacks(execute=True):
        do(file, "second_approval", staff["reviewer2"], "approve_second", reason="同意，按年度预算安排。")
    approved = approval_text(file)
    assert "审批人意见：入户核实属实，配偶大病票据齐全，同意；金额较大，请复审批。" in approved
    assert "审批人（签名）：__________钱立新2026年3月11日10时15分" in approved
    assert "复审批人意见：同意，按年度预算安排。复审批人（签名）：__________陈志远2026年3月12日9时40分" in approved
    assert "审批结果：同意认定王建国家庭为深度困难职工家庭" in approved


# -- the objection review -------------------------------------------------------------------------

def test_the_objection_review_shows_the_objection_who_lodged_it_and_when(client, orgs, people, staff):
    named(staff["caseworker"], "赵", "敏")
    file = identify_until_publicity(orgs, staff)
    with freeze_time(at("2026-03-05", 9, 30)):
        apply(file, "lodge_objection", by=staff["caseworker"],
              data={"lodged_by": "张某（同单位职工）", "contact": "13912345678", "content": "该户家中有经营性收入未申报。"})
    objection = Objection.objects.get(file=file)
    task = objection.process.task_set.get(flow_task_type="HUMAN", finished__isnull=True)
    with freeze_time(at("2026-03-05", 10)):
        body = task_page(client, staff["reviewer"], task)
    shown = re.search(r'<section[^>]*id="objection-under-review".*?</section>', body, re.S).group(0)
    assert "该户家中有经营性收入未申报。" in shown
    assert "张某（同单位职工）" in shown and "13912345678" in shown
    assert "2026年3月5日 09:30" in shown and "由赵敏登记" in shown
    assert shown and body.index('id="objection-under-review"') < body.index('name="upheld"')


def test_an_anonymous_objection_says_so(client, orgs, staff):
    file = identify_until_publicity(orgs, staff)
    with freeze_time(at("2026-03-05", 9)):
        apply(file, "lodge_objection", by=staff["caseworker"], data={"content": "收入不实。"})
    task = Objection.objects.get(file=file).process.task_set.get(flow_task_type="HUMAN", finished__isnull=True)
    with freeze_time(at("2026-03-05", 10)):
        shown = re.search(r'id="objection-under-review".*?</section>', task_page(client, staff["reviewer"], task),
                          re.S).group(0)
    assert "收入不实。" in shown and "匿名" in shown


# -- the queue ------------------------------------------------------------------------------------

def test_the_queue_offers_no_claim_that_four_eyes_refuses(client, orgs, staff):
    file = awaiting_approval(orgs, staff)
    task = open_task(file, "approve")
    assign = task.flow_task.reverse("assign", args=[task.process_id, task.pk])

    client.force_login(staff["caseworker"])  # prepared the file, holds the reviewer role too
    body = client.get(QUEUE).content.decode()
    row = re.search(rf'<tr[^>]*data-row-id="{task.pk}".*?</tr>', body, re.S).group(0)
    assert f'href="{assign}"' not in row
    assert re.search(r'<button class="mdc-button" type="button" disabled title="您经办或已审批过本档案，不能审批', row)
    assert "本人经办，不能审批" in row
    # Nor through 领取 of several at once: the task is left out, with a message, not a 403.
    response = client.post(f"{QUEUE}assign/", {"pk": [task.pk], "_confirm": "1"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    task.refresh_from_db()
    assert task.owner_id is None and task.status == STATUS.NEW

    client.force_login(staff["reviewer"])
    row = re.search(rf'<tr[^>]*data-row-id="{task.pk}".*?</tr>', client.get(QUEUE).content.decode(), re.S).group(0)
    assert f'href="{assign}"' in row and "disabled" not in row


def test_the_first_approver_is_not_offered_the_second_approval(client, orgs, staff):
    file = awaiting_approval(orgs, staff, proposed="8000.00")
    with freeze_time(at("2026-03-11", 10)):
        do(file, "approve", staff["reviewer"], "approve", reason="同意。")
    task = open_task(file, "second_approval")
    client.force_login(staff["reviewer"])
    row = re.search(rf'<tr[^>]*data-row-id="{task.pk}".*?</tr>', client.get(QUEUE).content.decode(), re.S).group(0)
    assert "assign/" not in row and "disabled" in row
    client.force_login(staff["reviewer2"])
    row = re.search(rf'<tr[^>]*data-row-id="{task.pk}".*?</tr>', client.get(QUEUE).content.decode(), re.S).group(0)
    assert "assign/" in row and "disabled" not in row


# -- a plan waiting for approval ----------------------------------------------------------------------

def test_a_waiting_plan_links_to_its_approval_on_the_file_page(client, orgs, people):
    from datetime import date

    file = file_in_state(household_in_hardship(orgs["hd"]), prepared_by=people["caseworker"])
    plan = AidPlan.objects.create(file=file, aid_type="living", fund=fund_with_budget(orgs["hd"]),
                                  amount=Decimal("800.00"), first_payment_on=date(2026, 6, 1), purpose="生活救助",
                                  prepared_by=people["caseworker"])
    client.force_login(people["reviewer"])
    home = client.get("/").content.decode()
    url = f"/hardship/files/{file.pk}/?tab=aid#action-approve_aid_plan-{plan.pk}"
    assert f'href="{url}"' in home  # not the approval queue: plans are approved on the file page
    page = client.get(url.split("#")[0]).content.decode()
    assert f'id="action-approve_aid_plan-{plan.pk}"' in page  # the anchor is the plan's approval form
