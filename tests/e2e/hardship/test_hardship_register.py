"""A caseworker registers a hardship application in a real browser: the head's resident ID fills
the birth date, sex and region; a member is added; the 计算结果 panel follows the income as it
is typed (相对困难, then 深度困难 with the numbers); saving lands on the file's 登记申请 task."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import HardshipFile, Worker
from cases.rules.validators import resident_id_check_char
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e]

HEAD_FIRST17 = "11010819800101003"
HEAD_ID = HEAD_FIRST17 + resident_id_check_char(HEAD_FIRST17)
WRONG_CHECK = HEAD_FIRST17 + ("1" if HEAD_ID[-1] != "1" else "2")
CHILD_FIRST17 = "11010820100615002"
CHILD_ID = CHILD_FIRST17 + resident_id_check_char(CHILD_FIRST17)


def test_a_caseworker_registers_a_household_and_watches_the_category(live_server, demo, page):
    sign_in(page, live_server.url, "caseworker", "demo-caseworker-2026")
    page.get_by_role("link", name="登记困难职工申请").click()
    expect(page.get_by_role("heading", name="登记困难职工申请").first).to_be_visible()

    page.locator("#id_year").fill("2025")
    page.locator("#id_head-name").fill("陈立新")
    resident_id = page.locator("#id_head-resident_id")
    resident_id.press_sequentially(WRONG_CHECK)
    expect(page.locator("[data-hint-for='head-resident_id']")).to_have_text("公民身份号码校验码不正确（GB 11643）。")
    resident_id.fill("")
    resident_id.press_sequentially(HEAD_ID)
    expect(page.locator("#id_head-birth_date")).to_have_value("1980年1月1日")
    expect(page.locator("#id_head-sex")).to_have_value("男")
    expect(page.locator("#id_region_code")).to_have_value("110108")
    page.locator("#id_head-employment").select_option(label="不充分就业")
    page.locator("#id_address").fill("北京市海淀区学院路20号")

    page.locator("#id_members-0-name").fill("林秀英")
    page.locator("#id_members-0-relation").select_option(label="配偶")
    page.locator("#id_members-0-birth_date").fill("1982-04-05")
    page.locator("#id_members-0-employment").select_option(label="失业")
    page.get_by_role("button", name="添加家庭成员").click()
    page.locator("#id_members-1-name").fill("陈小川")
    page.locator("#id_members-1-relation").select_option(label="子女")
    page.locator("#id_members-1-resident_id").press_sequentially(CHILD_ID)
    expect(page.locator("#id_members-1-birth_date")).to_have_value("2010年6月15日")
    page.locator("#id_members-1-employment").select_option(label="非劳动年龄")

    panel = page.locator("#assessment")
    page.locator("#id_incomes-0-amount").press_sequentially("60000")
    expect(panel.locator(".uc-assessment__category")).to_have_text("相对困难")
    expect(panel).to_contain_text("÷ 12 ÷ 3人 = ¥1,666.67/人·月")
    page.locator("#id_incomes-0-amount").fill("")
    page.locator("#id_incomes-0-amount").press_sequentially("36000")
    expect(panel.locator(".uc-assessment__category")).to_have_text("深度困难")
    expect(panel).to_contain_text("家庭年可支配收入 ¥36,000.00 − 刚性支出 ¥0.00 = ¥36,000.00；÷ 12 ÷ 3人 = ¥1,000.00/人·月")
    expect(panel).to_contain_text("¥1,000.00 < ¥1,450.00 → 深度困难")
    expect(panel).to_contain_text("110108地区2025年低保标准 ¥1,450.00/人·月")

    page.get_by_role("button", name="登记", exact=True).click()
    expect(page).to_have_url(re.compile(r"/hardship/\d+/take_application/\d+/"))
    expect(page.get_by_role("button", name="领取", exact=True)).to_be_visible()  # viewflow's claim, right here
    expect(page.get_by_text("已登记陈立新家庭（110108）的困难职工申请（职工申请），请在“登记申请”任务中领取并办理。")).to_be_visible()
    file = HardshipFile.objects.get(household__head__in=Worker.objects.with_resident_id(HEAD_ID))
    assert file.household.members.count() == 3
    assert file.year == 2025 and file.status == "identified"
