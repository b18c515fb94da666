"""A mediator registers an oral application in a real browser and lands on the case page."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import DisputeCase, Document, Worker
from cases.rules.validators import resident_id_check_char
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e]

FIRST17 = "11010519900307002"
RESIDENT_ID = FIRST17 + resident_id_check_char(FIRST17)
WRONG_CHECK = FIRST17 + ("1" if RESIDENT_ID[-1] != "1" else "2")


def test_a_mediator_registers_an_oral_application_and_sees_the_case(live_server, demo, page):
    sign_in(page, live_server.url, "mediator", "demo-mediator-2026")
    page.get_by_role("link", name="登记申请").click()
    expect(page.get_by_role("heading", name="登记劳动争议调解申请")).to_be_visible()

    page.get_by_label("口头申请").check()
    page.locator("#id_worker-name").fill("王小明")
    resident_id = page.locator("#id_worker-resident_id")
    resident_id.press_sequentially(WRONG_CHECK)
    expect(page.locator("[data-hint-for='worker-resident_id']")).to_have_text("公民身份号码校验码不正确（GB 11643）。")
    expect(page.locator("#id_worker-birth_date")).to_have_value("")
    resident_id.fill("")
    resident_id.press_sequentially(RESIDENT_ID)
    expect(page.locator("#id_worker-birth_date")).to_have_value("1990年3月7日")
    expect(page.locator("#id_worker-sex")).to_have_value("女")
    expect(page.locator("#id_worker-region_code")).to_have_value("110105")

    page.locator("#id_employer-name").fill("北京某餐饮有限公司")
    page.locator("#id_claims-0-claim_type").select_option(label="拖欠劳动报酬")
    page.locator("#id_claims-0-description").fill("2026年9月至10月工资")
    page.locator("#id_claims-0-amount_claimed").fill("11598.00")
    page.get_by_role("button", name="添加一项请求").click()
    page.locator("#id_claims-1-claim_type").select_option(label="加班费")
    page.locator("#id_claims-1-amount_claimed").fill("2000")
    page.locator("#id_facts").fill("申请人口头陈述：公司拖欠两个月工资及加班费。")
    page.get_by_role("button", name="登记", exact=True).click()

    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case = DisputeCase.objects.get(worker__in=Worker.objects.with_resident_id(RESIDENT_ID))
    expect(page.locator("#case-status")).to_have_text("已登记")
    expect(page.get_by_role("heading", name=case.number)).to_be_visible()
    expect(page.locator("#total-claimed")).to_have_text("¥13,598.00")
    expect(page.locator("#case-deadlines")).to_contain_text("受理审查期限")
    expect(page.locator("#case-deadlines")).to_contain_text(re.compile(r"剩余\d+个工作日"))
    expect(page.locator("#worker-id")).to_have_text("110105********" + RESIDENT_ID[-4:])

    page.get_by_role("tab", name="文书").click()
    expect(page.locator("#tab-documents")).to_contain_text("口头申请记录")
    assert Document.objects.filter(kind="oral_application_record", subject_id=str(case.pk)).exists()
