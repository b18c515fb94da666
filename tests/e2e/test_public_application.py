"""Issue 21, point 2, on a phone-sized screen: a worker applies for mediation online with the SMS
code (the recording SMS backend supplies it), a mediator accepts the application from the
organisation's queue, and the worker then sees 已受理 and opens the served acceptance notice.

Real time, as the other browser tests (the live server answers from another thread).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Channel, DisputeCase, Document, ServiceRecord, Worker
from cases.rules.validators import resident_id_check_char
from tests.e2e.conftest import sign_in, watch_csp
from tests.public_pages import sms_code

pytestmark = [pytest.mark.e2e]

PHONE = "13987654321"
FIRST17 = "11010819920815002"
RESIDENT_ID = FIRST17 + resident_id_check_char(FIRST17)
PHONE_SCREEN = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
                "has_touch": True, "locale": "zh-CN"}
# A photo of the pay slip, as a phone's camera saves it (a JPEG is told by its first bytes).
PAY_SLIP = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 256 + b"\xff\xd9"


def cn_day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def choose(scope, name: str, option: str) -> None:
    """Pick `option` in a Material select (the task pages' <vf-field-select>)."""
    field = scope.locator(f"vf-field-select[name='{name}']")
    field.locator(".mdc-select__anchor").click()
    field.locator("li[role=option]", has_text=option).click()


@pytest.fixture
def phone(browser):
    """A phone's browser: a narrow touch screen, its pages watched for CSP violations."""
    context = browser.new_context(**PHONE_SCREEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = watch_csp(page)
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations"


def confirm_phone(page, number: str) -> None:
    page.get_by_label("手机号码").fill(number)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送到 139****4321")).to_be_visible()
    page.get_by_label("短信验证码").fill(sms_code(number))
    page.get_by_role("button", name="验证", exact=True).click()


def apply_online(page, base_url) -> str:
    page.goto(base_url + "/public/")
    page.get_by_role("link", name="在线申请调解").click()
    confirm_phone(page, PHONE)
    expect(page.get_by_text("手机号码 139****4321 已验证")).to_be_visible()
    page.get_by_label("您的姓名").fill("赵晓燕")
    page.get_by_label("公民身份号码").fill(RESIDENT_ID)
    page.get_by_label("用人单位名称").fill("北京某快递服务有限公司")
    page.locator("#id_claims-0-claim_type").select_option(label="拖欠劳动报酬")
    page.locator("#id_claims-0-description").fill("2026年10月、11月工资")
    page.locator("#id_claims-0-amount_claimed").fill("12000")
    page.get_by_label("向哪个调解组织申请").select_option(label="中关村街道劳动争议调解中心")
    page.get_by_label("发生了什么").fill("我在公司做快递员，公司拖欠10月、11月工资共12000元，多次催要未果。")
    page.get_by_label("证据材料（可以不传）").set_input_files(
        {"name": "工资条.jpg", "mimeType": "image/jpeg", "buffer": PAY_SLIP})
    page.get_by_label(re.compile("我同意调解组织通过手机短信向我送达")).check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = page.locator("#case-number").inner_text().strip()
    expect(page.locator("body")).to_contain_text("决定是否受理")
    return number


def accept_from_the_queue(page, base_url, number: str) -> None:
    today = timezone.localdate()
    sign_in(page, base_url, "mediator", "demo-mediator-2026")
    page.goto(base_url + "/dispute/queue/")
    page.locator("tr", has_text=number).get_by_role("link", name="领取").click()
    page.get_by_role("button", name="领取并继续").click()  # viewflow's claim page: claim, then the task
    expect(page).to_have_url(re.compile(r"/execute/$"))
    consent = page.locator("details.uc-task-action", has=page.locator("summary", has_text="登记对方当事人意见"))
    consent.locator("summary").click()
    consent.get_by_label("同意调解", exact=True).check()
    choose(consent, "record_consent-consent_method", "书面同意")
    consent.get_by_label("表示日期").fill(today.isoformat())
    consent.get_by_label("表示意见的人").fill("钱经理（委托代理人）")
    consent.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".vf-card dd", has_text="同意调解")).to_contain_text(cn_day(today))
    page.get_by_label("受理", exact=True).check()
    page.get_by_role("button", name="提交审查结论").click()
    expect(page.get_by_text("“受理审查”已完成。")).to_be_visible()


def test_issue_21_a_worker_applies_by_phone_is_accepted_and_opens_the_served_notice(live_server, demo, phone,
                                                                                   browser):
    number = apply_online(phone, live_server.url)
    case = DisputeCase.objects.get(number=number)
    assert case.channel == Channel.ONLINE and case.worker == Worker.objects.with_resident_id(RESIDENT_ID).get()
    assert Document.objects.filter(kind="online_application", subject_id=str(case.pk)).exists()

    # The mediator, at the centre's desk, takes the application from the queue and accepts it.
    desk = browser.new_context(locale="zh-CN")
    mediator = desk.new_page()
    mediator.set_default_timeout(15_000)
    desk_violations = watch_csp(mediator)
    accept_from_the_queue(mediator, live_server.url, number)
    desk.close()
    assert desk_violations == []

    # The worker follows the case: case number + ID number + the SMS code.
    phone.get_by_role("link", name="查询进度").click()
    expect(phone.get_by_label("案件编号")).to_have_value(number)
    phone.get_by_label("公民身份号码或统一社会信用代码").fill(RESIDENT_ID)
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_text("如果案件编号和证件号码无误")).to_be_visible()
    phone.get_by_label("短信验证码").fill(sms_code(PHONE))
    phone.get_by_role("button", name="查看进度").click()
    expect(phone.locator("#case-stage")).to_have_text("已受理")
    notices = phone.locator("#notices")
    expect(notices).to_contain_text("尚未打开：打开即送达")
    with phone.expect_download() as opened:
        notices.get_by_role("link", name="受理通知书").click()
    assert opened.value.suggested_filename.startswith(f"{number}-受理通知书（劳动者）")
    phone.reload()
    expect(notices).to_contain_text(f"已送达（电子送达，{cn_day(timezone.localdate())}）")

    record = ServiceRecord.objects.get(case=case)
    assert (record.party, record.method, record.electronic_address) == ("worker", "electronic", PHONE)
