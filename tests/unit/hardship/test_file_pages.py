"""The hardship file pages: 档案查询 (scoped, masked), 档案详情 with its computation, its actions
(offered only to who may take them, refusals on the form), documents, and 帮扶资金 (balances,
the ledger, budget allocation, the XLSX export)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.utils.html import escape
from openpyxl import load_workbook
from viewflow.workflow.status import STATUS

from cases.models import (
    AidPlan,
    AuditAction,
    AuditEvent,
    Disbursement,
    Document,
    FundEntry,
    HardshipStatus,
    Membership,
    Objection,
    PlanStatus,
    Role,
)
from cases.platform.transitions import apply
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship

pytestmark = pytest.mark.django_db

FILES = "/hardship/files/"
FUNDS = "/hardship/funds/"
WANG_ID = "110108197501010017"


def text(response) -> str:
    return response.content.decode()


def page(file) -> str:
    return f"{FILES}{file.pk}/"


def action(file, name) -> str:
    return f"{FILES}{file.pk}/actions/{name}/"


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def file(orgs, people):
    household = household_in_hardship(orgs["hd"], resident_id=WANG_ID)
    return file_in_state(household, prepared_by=people["caseworker"], proposed_aid_amount=Decimal("3000.00"),
                         assessment_steps=["家庭年可支配收入 ¥36,000.00 ÷ 12 ÷ 3人 = ¥1,000.00/人·月"],
                         per_capita_monthly=Decimal("1000.00"))


@pytest.fixture
def chaoyang_file(orgs, people):
    household = household_in_hardship(orgs["cy"], name="李秀兰", resident_id="110105198003030028", region="110105")
    return file_in_state(household)


@pytest.fixture
def fund(orgs, today):
    return fund_with_budget(orgs["hd"], year=today.year, budget=Decimal("10000.00"))


@pytest.fixture
def both(orgs, make_user):
    """A caseworker who is also a reviewer in Haidian: may propose and approve, never both for one plan."""
    user = make_user("hd_both", orgs["hd"], Role.HARDSHIP_CASEWORKER)
    Membership.objects.create(user=user, organisation=orgs["hd"], role=Role.REVIEWER)
    return user


@pytest.fixture
def cy_caseworker(orgs, make_user):
    return make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)


def plan_form(fund, today, amount="1000.00", **changes):
    data = {"propose_aid_plan-aid_type": fund.aid_type, "propose_aid_plan-fund": str(fund.pk),
            "propose_aid_plan-amount": amount, "propose_aid_plan-instalments": "2",
            "propose_aid_plan-first_payment_on": today.isoformat(),
            "propose_aid_plan-purpose": "春节前生活救助，分两次发放"}
    data.update(changes)
    return data


def propose(client, user, file, fund, today, amount="1000.00") -> AidPlan:
    client.force_login(user)
    response = client.post(action(file, "propose_aid_plan"), plan_form(fund, today, amount))
    assert response.status_code == 302, response.context and [a["form"].errors for a in response.context["actions"]]
    return AidPlan.objects.filter(file=file).latest("pk")


def approve(client, user, file, plan):
    client.force_login(user)
    return client.post(action(file, "approve_aid_plan"), {"approve_aid_plan-plan": str(plan.pk)})


def approved_plan(client, people, file, fund, today, amount="1000.00") -> AidPlan:
    plan = propose(client, people["caseworker"], file, fund, today, amount)
    assert approve(client, people["reviewer"], file, plan).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    return plan


def disburse_form(plan, today, amount, recipient="王建国"):
    return {"disburse-plan": str(plan.pk), "disburse-amount": amount, "disburse-paid_on": today.isoformat(),
            "disburse-recipient": recipient}


def action_names(response) -> list[str]:
    return [row["key"] for row in response.context["actions"]] if not response.context["read_only"] else []


# -- 档案查询 ---------------------------------------------------------------------------------

def test_the_list_is_scoped_masked_and_filters(client, people, file, chaoyang_file):
    client.force_login(people["caseworker"])
    response = client.get(FILES)
    assert response.status_code == 200
    body = text(response)
    assert "王建国" in body and file.number in body
    assert "110108********0017" in body and WANG_ID not in body
    assert "李秀兰" not in body and chaoyang_file.number not in body
    assert "档案查询" in body and "帮扶资金" in body  # the menu links
    assert "¥36,000" not in body  # no incomes in lists

    assert "王建国" in text(client.get(FILES, {"q": "建国"}))
    assert "王建国" in text(client.get(FILES, {"q": WANG_ID}))
    assert "王建国" not in text(client.get(FILES, {"q": WANG_ID[:10]}))  # an ID only in full
    assert "王建国" not in text(client.get(FILES, {"status": HardshipStatus.EXITED}))
    assert "王建国" in text(client.get(FILES, {"category": "deep", "status": HardshipStatus.OPEN}))
    assert "王建国" not in text(client.get(FILES, {"category": "relative"}))


def test_only_hardship_roles_read_files(client, people, file):
    client.force_login(people["mediator"])
    assert client.get(FILES).status_code == 403
    assert "档案查询" not in text(client.get("/"))
    client.force_login(people["auditor"])
    assert client.get(FILES).status_code == 200
    assert "档案查询" in text(client.get("/"))


# -- 档案详情 ---------------------------------------------------------------------------------

def test_the_page_shows_the_household_and_the_computation_and_is_journalled(client, people, file):
    client.force_login(people["reviewer"])
    response = client.get(page(file))
    assert response.status_code == 200
    body = text(response)
    assert file.number in body and "在档帮扶" in body and "深度困难" in body and "海淀区总工会" in body
    assert "110108********0017" in body and WANG_ID not in body
    assert "¥36,000.00" in body  # the year's wages on the full record
    assert "家庭年可支配收入 ¥36,000.00 ÷ 12 ÷ 3人 = ¥1,000.00/人·月" in body  # the stored step
    assert response.context["assessment"].steps and all(escape(step) in body for step in response.context["assessment"].steps)
    assert "低保标准 ¥1,400.00" in body  # the live computation against the 低保 standard
    logged = AuditEvent.objects.get(action=AuditAction.SENSITIVE_VIEW, name="view_hardship_file")
    assert logged.actor == people["reviewer"] and logged.subject_id == str(file.pk)
    timeline = client.get(page(file)).context["timeline"]
    assert [entry.title for entry in timeline] == ["查阅档案详情", "查阅档案详情"]


def test_a_chaoyang_user_gets_404_for_the_page_its_actions_and_documents(client, cy_caseworker, file, fund, today):
    client.force_login(cy_caseworker)
    assert client.get(page(file)).status_code == 404
    assert client.post(action(file, "propose_aid_plan"), plan_form(fund, today)).status_code == 404
    assert client.get(f"{FILES}{file.pk}/documents/1/").status_code == 404
    assert not AidPlan.objects.exists()


def test_each_action_is_offered_only_to_who_may_take_it(client, people, file, fund, today):
    client.force_login(people["caseworker"])
    assert action_names(client.get(page(file))) == ["propose_aid_plan", "begin_exit"]  # nothing approved to pay yet
    plan = propose(client, people["caseworker"], file, fund, today)

    client.force_login(people["reviewer"])
    response = client.get(page(file))
    assert action_names(response) == [f"approve_aid_plan-{plan.pk}"]
    assert "complete_yearly_review" not in text(response)  # a flow step, never a page action

    client.force_login(people["auditor"])
    response = client.get(page(file))
    assert response.context["read_only"] and "您对本档案只有查阅权限" in text(response)
    assert 'action="/hardship/files/' not in text(response)


def test_the_auditor_can_change_nothing(client, people, file, fund, today):
    plan = propose(client, people["caseworker"], file, fund, today)
    client.force_login(people["auditor"])
    response = client.post(action(file, "approve_aid_plan"), {"approve_aid_plan-plan": str(plan.pk)})
    assert "审计员只能查阅，不能修改任何内容。" in text(response)
    response = client.post(action(file, "propose_aid_plan"), plan_form(fund, today, "500.00"))
    assert "审计员只能查阅" in text(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED and AidPlan.objects.count() == 1


def test_an_objection_is_lodged_in_the_publicity_window_and_opens_its_review(client, orgs, people):
    household = household_in_hardship(orgs["hd"])
    file = file_in_state(household, HardshipStatus.REVIEWED, prepared_by=people["caseworker"],
                         reviewed_by=people["caseworker"])
    apply(file, "start_publicity", by=people["caseworker"], data={"place": "社区公告栏"})
    client.force_login(people["caseworker"])
    response = client.get(page(file))
    assert "lodge_objection" in action_names(response)
    assert "reject" in action_names(response)  # no task open while the publicity runs: the flow follows it

    response = client.post(action(file, "lodge_objection"), {"lodge_objection-content": ""})
    assert response.status_code == 200 and "请填写异议内容。" in text(response)
    response = client.post(action(file, "lodge_objection"), {
        "lodge_objection-lodged_by": "邻居张某", "lodge_objection-contact": "13900000000",
        "lodge_objection-content": "该户另有一套出租住房，收入未如实申报。"})
    assert response.status_code == 302
    objection = Objection.objects.get(file=file)
    assert objection.lodged_by == "邻居张某" and objection.recorded_by == people["caseworker"]
    response = client.get(page(file) + "?tab=identification")
    body = text(response)
    assert "该户另有一套出租住房" in body and "待处理" in body
    assert [task["title"] for task in response.context["flow_tasks"]] == ["核查公示异议"]
    assert "resolve_objection" not in action_names(response)  # done in its review task


def test_propose_approve_not_by_the_preparer_and_disburse_with_the_receipt(client, people, both, file, fund, today):
    plan = propose(client, both, file, fund, today, "2000.00")
    assert plan.prepared_by == both and plan.instalments == 2

    response = approve(client, both, file, plan)
    assert response.status_code == 200
    bound = next(row["form"] for row in response.context["actions"] if row["key"] == f"approve_aid_plan-{plan.pk}")
    assert "不能审批（双人审核" in " ".join(bound.non_field_errors())
    assert "不能审批（双人审核" in text(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED

    assert approve(client, people["reviewer"], file, plan).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == people["reviewer"]

    client.force_login(people["caseworker"])
    assert "disburse" in action_names(client.get(page(file)))
    response = client.post(action(file, "disburse"), disburse_form(plan, today, "1200.00"), follow=True)
    payment = Disbursement.objects.get()
    assert payment.receipt_number == f"BJ-HD-LK-{today.year}-000001"
    body = text(response)
    assert f"领款凭证编号{payment.receipt_number}" in body and "余额¥8,800.00" in body
    assert response.context["tab"] == "aid" and "¥1,200.00 / ¥2,000.00" in body


def test_an_overdraw_is_refused_on_the_form_keeping_what_was_typed(client, people, orgs, file, today):
    small = fund_with_budget(orgs["hd"], year=today.year, budget=Decimal("500.00"))
    plan = approved_plan(client, people, file, small, today, "1000.00")
    client.force_login(people["caseworker"])
    response = client.post(action(file, "disburse"), disburse_form(plan, today, "800.00", recipient="王小明"))
    assert response.status_code == 200
    form = next(row["form"] for row in response.context["actions"] if row["key"] == "disburse")
    assert "资金不能透支" in " ".join(form.errors["amount"])
    body = text(response)
    assert 'value="800.00"' in body and 'value="王小明"' in body
    assert not Disbursement.objects.exists() and FundEntry.objects.filter(fund=small).count() == 1


def test_a_wrong_fund_type_is_said_under_the_fund(client, people, orgs, file, fund, today):
    client.force_login(people["caseworker"])
    response = client.post(action(file, "propose_aid_plan"),
                           plan_form(fund, today, **{"propose_aid_plan-aid_type": "medical"}))
    form = next(row["form"] for row in response.context["actions"] if row["key"] == "propose_aid_plan")
    assert "只能用于生活救助" in " ".join(form.errors["fund"])
    response = client.post(action(file, "propose_aid_plan"), plan_form(fund, today, "5000.00"))
    form = next(row["form"] for row in response.context["actions"] if row["key"] == "propose_aid_plan")
    assert "超过审批确定的年度帮扶金额" in " ".join(form.errors["amount"])
    assert not AidPlan.objects.exists()


def test_a_document_download_is_journalled(client, people, file, fund, today, django_capture_on_commit_callbacks):
    plan = propose(client, people["caseworker"], file, fund, today)
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(client, people["reviewer"], file, plan).status_code == 302
    document = Document.objects.get(subject_id=str(file.pk), kind="aid_decision_notice")
    client.force_login(people["auditor"])
    response = client.get(page(file) + "?tab=documents")
    assert document.sha256[:12] in text(response)
    download = client.get(f"{FILES}{file.pk}/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:4] == b"%PDF"
    logged = AuditEvent.objects.get(action=AuditAction.EXPORT, name="download_document")
    assert logged.actor == people["auditor"] and logged.data["file"] == file.number
    assert logged.data["document_id"] == document.pk


def test_the_file_page_lists_the_flow_tasks_and_leaves_their_steps_to_them(client, orgs, people):
    from workflows.hardship.flow import start_hardship_flow

    file = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.IDENTIFIED)
    start_hardship_flow(file, by=people["caseworker"])
    client.force_login(people["caseworker"])
    response = client.get(page(file))
    assert [task["title"] for task in response.context["flow_tasks"]] == ["登记申请"]
    assert response.context["flow_tasks"][0]["link_label"] == "领取"
    assert action_names(response) == []  # take_application and reject belong to the task

    task = file.process.task_set.get(flow_task_type="HUMAN", status=STATUS.NEW)
    task.owner, task.status = people["caseworker"], STATUS.ASSIGNED
    task.save()
    task_page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))
    assert task_page.status_code == 200 and f'href="{page(file)}"' in text(task_page)


# -- 帮扶资金 ---------------------------------------------------------------------------------

def test_the_funds_page_shows_balances_and_the_ledger(client, people, orgs, file, fund, today):
    plan = approved_plan(client, people, file, fund, today, "2000.00")
    client.force_login(people["caseworker"])
    client.post(action(file, "disburse"), disburse_form(plan, today, "1200.00"))
    fund_with_budget(orgs["cy"], year=today.year, budget=Decimal("777.00"))

    response = client.get(FUNDS)
    assert response.status_code == 200
    body = text(response)
    assert fund.name in body and "¥10,000.00" in body and "¥1,200.00" in body and "¥8,800.00" in body
    assert "朝阳区总工会" not in body and "¥777.00" not in body

    response = client.get(f"{FUNDS}{fund.pk}/")
    ledger = response.context["ledger"]
    assert [row["balance"] for row in ledger] == ["¥10,000.00", "¥8,800.00"]
    payment = Disbursement.objects.get()
    assert ledger[1]["payment"] == payment and ledger[1]["approver"] == "hd_reviewer"
    body = text(response)
    assert payment.receipt_number in body and f'href="{page(file)}?tab=aid"' in body
    assert not response.context["may_allocate"] and 'id="allocate"' not in body


def test_a_reviewer_allocates_budget_and_a_caseworker_cannot(client, people, fund):
    client.force_login(people["reviewer"])
    response = client.post(f"{FUNDS}{fund.pk}/", {"amount": "", "note": "京工发〔2026〕3号"})
    assert response.status_code == 200 and "请填写金额。" in text(response) and "京工发〔2026〕3号" in text(response)
    response = client.post(f"{FUNDS}{fund.pk}/", {"amount": "5000.00", "note": "京工发〔2026〕3号追加"}, follow=True)
    assert "余额¥15,000.00" in text(response)
    assert fund.entries.count() == 2 and fund.balance() == Decimal("15000.00")

    client.force_login(people["caseworker"])
    response = client.post(f"{FUNDS}{fund.pk}/", {"amount": "100.00", "note": "试图拨入"})
    assert "需要：组织管理员、审核人" in text(response)
    assert fund.entries.count() == 2


def test_the_ledger_exports_to_xlsx_and_the_export_is_journalled(client, people, file, fund, today):
    plan = approved_plan(client, people, file, fund, today, "2000.00")
    client.force_login(people["caseworker"])
    client.post(action(file, "disburse"), disburse_form(plan, today, "1200.00"))
    client.force_login(people["auditor"])
    response = client.get(f"{FUNDS}{fund.pk}/ledger.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:6] == ("预算合计", 10000, "已发放", 1200, "余额", 8800)
    assert rows[2][:7] == ("序号", "记账时间", "类别", "摘要", "拨入（元）", "支出（元）", "余额（元）")
    assert rows[3][2] == "预算拨入" and rows[3][4] == 10000 and rows[3][6] == 10000
    payment = Disbursement.objects.get()
    assert rows[4][2] == "帮扶支出" and rows[4][5] == 1200 and rows[4][6] == 8800
    assert rows[4][7] == file.number and rows[4][9] == "hd_reviewer" and rows[4][10] == payment.receipt_number
    assert rows[4][12] == "王建国"
    logged = AuditEvent.objects.get(action=AuditAction.EXPORT, name="export_fund_ledger")
    assert logged.actor == people["auditor"] and logged.data["rows"] == 2
