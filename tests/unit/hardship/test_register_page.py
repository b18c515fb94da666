"""登记困难职工申请: the page (GET, inline Chinese errors that keep what was typed, a valid POST
that lands on the file's 登记申请 task), the 计算 button without a script, and the assess
endpoint (the steps as JSON; caseworkers only)."""

import pytest

from cases.models import HardshipFile, Household, Role
from cases.rules.validators import resident_id_check_char
from tests.hardship_fixtures import minimum_living_standard
from workflows.hardship.flow import HardshipFlow

pytestmark = pytest.mark.django_db

PAGE = "/hardship/register/"
ASSESS = "/hardship/assess/"
HEAD_ID = "11010819780506001" + resident_id_check_char("11010819780506001")
CHILD_ID = "11010820090301002" + resident_id_check_char("11010820090301002")


def management(prefix, total):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "30"}


def posted(orgs, **changes):
    data = {
        "source": "application", "referred_by": "", "organisation": str(orgs["hd"].pk), "year": "2025",
        "region_code": "110108", "address": "北京市海淀区学院路30号",
        "head-name": "周建华", "head-resident_id": HEAD_ID, "head-phone": "13800138123", "head-health": "healthy",
        "head-employment": "under_employed", "head-schooling": "none",
        **management("members", 2),
        "members-0-name": "周小雨", "members-0-relation": "child", "members-0-resident_id": CHILD_ID,
        "members-0-birth_date": "", "members-0-health": "healthy", "members-0-employment": "not_of_working_age",
        "members-0-schooling": "senior_secondary",
        # An untouched extra row, as the page sends it.
        "members-1-name": "", "members-1-relation": "", "members-1-resident_id": "", "members-1-birth_date": "",
        "members-1-health": "healthy", "members-1-employment": "", "members-1-schooling": "none",
        **management("incomes", 1), "incomes-0-kind": "wages", "incomes-0-amount": "24,000",
        **management("expenses", 1), "expenses-0-kind": "medical", "expenses-0-amount": "", "expenses-0-note": "",
        **management("hardship_costs", 1), "hardship_costs-0-event": "", "hardship_costs-0-gross_amount": "",
        "hardship_costs-0-compensation": "", "hardship_costs-0-note": "",
        "action": "register",
    }
    data.update(changes)
    return data


@pytest.fixture
def caseworker(client, people):
    client.force_login(people["caseworker"])
    return people["caseworker"]


def test_the_page_offers_the_form_with_defaults_and_the_menu_link(client, orgs, caseworker):
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "登记困难职工申请" in page and "计算结果" in page
    form = response.context["form"]
    assert form["source"].value() == "application"
    assert form["organisation"].value() == orgs["hd"].pk
    assert int(form["year"].value()) == response.context["form"].initial["year"]
    assert 'href="/hardship/register/"' in page  # the menu link
    assert "data-resident-id" in page and "registration.js" in page
    for prefix in ("members", "incomes", "expenses", "hardship_costs"):
        assert f'id="{prefix}-template"' in page


def test_errors_are_inline_in_chinese_and_what_was_typed_stays(client, orgs, caseworker):
    minimum_living_standard(2025, region="110108")
    bad_id = HEAD_ID[:-1] + ("1" if HEAD_ID[-1] != "1" else "2")
    response = client.post(PAGE, posted(orgs, **{
        "head-resident_id": bad_id, "source": "referral", "incomes-0-amount": "两万",
        "members-1-name": "吴秀兰", "members-1-birth_date": "1980年13月1日",
    }))
    assert response.status_code == 200
    page = response.content.decode()
    assert "登记未完成：请按页面上的提示修改后再提交，已填写的内容都保留着。" in page
    assert "公民身份号码校验码不正确（GB 11643）。" in page
    assert "基层工会推荐的，请填写推荐单位。" in page
    assert "收入金额“两万”不是有效的金额" in page
    assert "请选择与户主的关系。" in page and "请填写有效的出生日期，例如 2009-03-01。" in page
    # Typed values are kept, rows included.
    for value in (bad_id, "周建华", "13800138123", "两万", "吴秀兰", "周小雨", CHILD_ID, "北京市海淀区学院路30号"):
        assert f'value="{value}"' in page
    members = response.context["members"]
    assert members.forms[1].errors["relation"] == ["请选择与户主的关系。"]
    assert response.context["incomes"].forms[0].errors["amount"][0].startswith("收入金额“两万”")
    assert not Household.objects.exists() and not HardshipFile.objects.exists()


def test_a_missing_standard_is_said_on_the_region_field(client, orgs, caseworker):
    response = client.post(PAGE, posted(orgs))
    assert response.context["form"].errors["region_code"] == [
        "缺少110108地区2025年的低保标准，无法计算困难类别，请先由管理员录入。"]
    assert not HardshipFile.objects.exists()


def test_a_valid_post_registers_and_lands_on_the_application_task(client, orgs, caseworker):
    minimum_living_standard(2025, region="110108")
    response = client.post(PAGE, posted(orgs))
    file = HardshipFile.objects.get()
    task = file.process.task_set.get(flow_task=HardshipFlow.take_application, finished__isnull=True)
    assert response.status_code == 302
    assert response.url == f"/hardship/{task.process_id}/take_application/{task.pk}/"
    assert {member.name for member in file.household.members.all()} == {"周建华", "周小雨"}  # the blank row ignored
    assert file.household.income_items.get().amount == 24000
    assert not file.household.rigid_expenses.exists()
    followed = client.get(response.url, follow=True)
    page = followed.content.decode()
    assert "已登记周建华家庭（110108）的困难职工申请（职工申请），请在“登记申请”任务中领取并办理。" in page


def test_a_removed_row_is_not_saved(client, orgs, caseworker):
    minimum_living_standard(2025, region="110108")
    client.post(PAGE, posted(orgs, **{"members-1-name": "吴秀兰", "members-1-relation": "spouse",
                                      "members-1-DELETE": "on"}))
    assert {member.name for member in HardshipFile.objects.get().household.members.all()} == {"周建华", "周小雨"}


def test_the_compute_button_shows_the_panel_without_saving_or_judging(client, orgs, caseworker):
    minimum_living_standard(2025, region="110108")
    response = client.post(PAGE, posted(orgs, **{"action": "assess", "head-name": ""}))
    page = response.content.decode()
    assert response.context["result"]["category"] == "deep"
    assert "24,000.00 − 刚性支出 ¥0.00 = ¥24,000.00；÷ 12 ÷ 2人 = ¥1,000.00/人·月" in page
    assert "¥1,000.00 &lt; ¥1,400.00 → 深度困难" in page
    assert "请填写申请人（户主）姓名。" not in page  # computing is not submitting
    assert not HardshipFile.objects.exists()


def test_the_assess_endpoint_returns_the_category_and_steps(client, orgs, caseworker):
    minimum_living_standard(2025, region="110108")
    data = posted(orgs, **{"incomes-0-amount": "48000", "expenses-0-amount": "12000"})
    result = client.post(ASSESS, data).json()
    assert result["ok"] is True
    assert (result["category"], result["category_label"], result["household_size"]) == ("relative", "相对困难", 2)
    assert "京工发〔2024〕12号" in result["steps"][0]  # the parameters and their policy document first
    assert result["steps"][1] == "家庭年可支配收入 ¥48,000.00 − 刚性支出 ¥12,000.00 = ¥36,000.00；÷ 12 ÷ 2人 = ¥1,500.00/人·月"
    assert result["steps"][-1] == "结论：相对困难"
    assert "110108地区2025年低保标准 ¥1,400.00/人·月" in result["standard"]

    missing = client.post(ASSESS, {**data, "year": "2024"}).json()
    assert missing == {"ok": False, "notes": [],
                       "message": "缺少110108地区2024年的低保标准，无法计算困难类别，请先由管理员录入。"}
    unreadable = client.post(ASSESS, {**data, "incomes-0-amount": "abc"}).json()
    assert unreadable["notes"] == ["第1项收入“abc”不是有效的金额，未计入。"]
    assert client.post(ASSESS, {**data, "region_code": "1101"}).json()["message"].startswith("请先填写家庭所在地")


def test_the_endpoint_needs_the_csrf_token(orgs, caseworker):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(caseworker)
    assert strict.post(ASSESS, posted(orgs)).status_code == 403


def test_only_caseworkers_get_the_page_and_the_endpoint(client, orgs, people, make_user):
    client.force_login(people["mediator"])
    assert client.get(PAGE).status_code == 403
    refused = client.post(ASSESS, posted(orgs))
    assert refused.status_code == 403
    assert refused.json() == {"ok": False, "message": "只有帮扶工作人员可以登记困难职工申请。"}
    assert 'href="/hardship/register/"' not in client.get("/").content.decode()
    client.logout()
    assert client.post(ASSESS, posted(orgs)).status_code == 302  # to sign in


def test_a_chaoyang_caseworker_cannot_pick_haidian(client, orgs, make_user):
    minimum_living_standard(2025, region="110108")
    client.force_login(make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER))
    response = client.post(PAGE, posted(orgs))
    assert response.context["form"].errors["organisation"] == ["所选组织不在您可以登记的范围内，请重新选择。"]
    assert not HardshipFile.objects.exists()
