"""Issue 16 in a real browser: mediation as a centre practises it, on paper.

1. A mediator registers an application, records the employer's consent to mediate, accepts,
   takes the case, drafts the agreement, prints the 调解协议书（签署稿）, records the four
   signatures, uploads the scan of the signed paper, records the service of the 受理通知书 on
   the employer by post (EMS number), and the agreement takes effect.
2. A party asks that the mediator step aside; the lead grants it and gives the case to another
   mediator, whose inbox now holds the work while the first mediator's no longer does.

Real time, as the other browser tests (the live server answers from another thread): dates the
pages show are today's in Beijing.
"""

import hashlib
import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader
from weasyprint import HTML

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import Channel, DisputeCase, DisputeStatus, Document, Membership, Organisation, Role, Worker
from cases.rules.validators import resident_id_check_char
from tests.consent import consent_recorded_in_task
from tests.e2e.conftest import sign_in, watch_csp
from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute

pytestmark = [pytest.mark.e2e]

FIRST17 = "11010819850612003"
RESIDENT_ID = FIRST17 + resident_id_check_char(FIRST17)
EMS_NUMBER = "1187654321098"  # a domestic EMS waybill: 13 digits
DRAFT_FILENAME = re.compile(r"^BJ-HD-ZGC-\d{4}-\d{4}-调解协议书（签署稿）-\d{8}-\d{6}-v1\.pdf$")  # number, title, issued, version


def cn_day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def choose(scope, name: str, option: str) -> None:
    """Pick `option` in a Material select (the task pages' <vf-field-select>)."""
    field = scope.locator(f"vf-field-select[name='{name}']")
    field.locator(".mdc-select__anchor").click()
    field.locator("li[role=option]", has_text=option).click()


def open_action(page, title: str):
    """Unfold the task page's in-task action `title` and return it."""
    action = page.locator("details.uc-task-action", has=page.locator("summary", has_text=title))
    action.locator("summary").click()
    return action


def panel_item(page, label: str):
    """The line of the task page's case panel that starts with `label`."""
    return page.locator(".vf-card li", has_text=f"{label}：")


def mediator_shown(page):
    """The 调解员 the case page's header names."""
    return page.locator("#case-header .uc-facts div", has=page.locator("dt", has_text="调解员")).locator("dd")


def signed_in_elsewhere(browser, base_url, username, password):
    """A second person at another browser, whose pages are watched for CSP violations too."""
    context = browser.new_context(locale="zh-CN")
    other = context.new_page()
    other.set_default_timeout(15_000)
    violations = watch_csp(other)
    sign_in(other, base_url, username, password)
    return context, other, violations


def signed_scan() -> bytes:
    """What a scanner saves: a real (one-page) PDF."""
    return HTML(string="<p>调解协议书（已签名盖章）扫描件</p>").write_pdf()


def register_on_the_page(page, base_url) -> None:
    page.get_by_role("link", name="登记申请").click()
    page.locator("#id_worker-name").fill("陈春梅")
    page.locator("#id_worker-resident_id").fill(RESIDENT_ID)
    page.locator("#id_employer-name").fill("北京某物流有限公司")
    page.locator("#id_employer-legal_representative").fill("周建国")
    page.locator("#id_employer-address").fill("北京市海淀区中关村大街1号")
    page.locator("#id_claims-0-claim_type").select_option(label="拖欠劳动报酬")
    page.locator("#id_claims-0-amount_claimed").fill("9000")
    page.locator("#id_facts").fill("公司拖欠2026年10月、11月工资共9000元，经催要未果。")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/cases/\d+/$"))


def claim_from_case_page(page, task_title: str) -> None:
    """领取 the case's open task `task_title` from the case page, confirming on viewflow's page."""
    page.locator("li", has_text=f"{task_title}（待领取）").get_by_role("link", name="领取").click()
    expect(page).to_have_url(re.compile(r"/assign/$"))
    page.get_by_role("button", name="领取", exact=True).click()
    expect(page).to_have_url(re.compile(r"/execute/$"))


def test_issue_16_consent_accept_sign_on_paper_serve_and_take_effect(live_server, demo, page):
    today = timezone.localdate()
    sign_in(page, live_server.url, "mediator", "demo-mediator-2026")
    register_on_the_page(page, live_server.url)
    case_url = page.url
    expect(page.locator("#case-status")).to_have_text("已登记")

    # 受理审查: the employer's consent first (Art.20), then the acceptance.
    claim_from_case_page(page, "受理审查")
    expect(page.locator(".vf-card dd", has_text="尚未登记")).to_be_visible()
    consent = open_action(page, "登记对方当事人意见")
    consent.get_by_label("同意调解", exact=True).check()
    choose(consent, "record_consent-consent_method", "书面同意")
    consent.get_by_label("表示日期").fill(today.isoformat())
    consent.get_by_label("表示意见的人").fill("周建国（法定代表人）")
    consent.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".vf-card dd", has_text="同意调解")).to_have_text(
        f"同意调解（{cn_day(today)}，书面同意，周建国（法定代表人））")
    page.get_by_label("受理", exact=True).check()
    page.get_by_role("button", name="提交审查结论").click()
    expect(page.get_by_text("“受理审查”已完成。")).to_be_visible()

    # 分配调解员: the mediator takes the case.
    page.goto(case_url)
    expect(page.locator("#case-status")).to_have_text("已受理")
    claim_from_case_page(page, "分配调解员")
    page.get_by_role("button", name="分配", exact=True).click()
    expect(page.get_by_text("已分配调解员：李调解。")).to_be_visible()

    # 调解 → the parties agree: the agreement is drafted.
    page.goto(case_url)
    expect(page.locator("#case-status")).to_have_text("调解中")
    page.locator("li", has_text="调解（由李调解办理）").get_by_role("link", name="去办理").click()
    page.get_by_label("协议内容").fill("被申请人于约定期限内一次性支付申请人2026年10月、11月工资共计人民币9000元。")
    page.get_by_label("拖欠劳动报酬 ¥9,000.00 协议金额（元）").fill("9000")
    page.get_by_label("第1期履行期限").fill((today + timedelta(days=20)).isoformat())
    page.get_by_label("第1期金额（元）").fill("9000")
    page.get_by_role("button", name="起草调解协议").click()
    expect(page.get_by_text("“调解”已完成。")).to_be_visible()

    # 签署调解协议: print the 签署稿, record who signed and sealed, upload the signed paper's scan.
    page.goto(case_url)
    expect(page.locator("#case-status")).to_have_text("协议签署中")
    page.locator("li", has_text="签署调解协议（由李调解办理）").get_by_role("link", name="去办理").click()
    expect(page).to_have_url(re.compile(r"/sign_agreement/\d+/execute/$"))
    signing_url = page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="打印调解协议书（签署稿）").click()
    assert DRAFT_FILENAME.match(download.value.suggested_filename), download.value.suggested_filename
    with open(download.value.path(), "rb") as handle:
        draft = handle.read()
    assert draft.startswith(b"%PDF-")
    draft_text = "".join(p.extract_text() for p in PdfReader(BytesIO(draft)).pages)
    for line in ("申请人（签名）：", "被申请人（签名或盖章）：", "调解员（签名）："):
        assert line in draft_text

    for signatory in ("劳动者签名", "用人单位签名或盖章", "调解员签名", "调解组织盖章"):
        expect(panel_item(page, signatory)).to_contain_text("未登记")
        signature = open_action(page, "登记签名盖章")
        signature.get_by_label(signatory, exact=True).check()
        signature.get_by_role("button", name="登记", exact=True).click()
        expect(page.get_by_label(signatory, exact=True)).to_have_count(0)  # the page came back
        expect(panel_item(page, signatory)).to_contain_text(cn_day(today))

    scan = signed_scan()
    expect(panel_item(page, "签署原件扫描件")).to_have_text("签署原件扫描件：尚未上传")
    upload = open_action(page, "上传签署原件")
    upload.locator("input[type=file]").set_input_files(
        {"name": "调解协议书签署原件.pdf", "mimeType": "application/pdf", "buffer": scan})
    upload.get_by_role("button", name="上传", exact=True).click()
    on_file = panel_item(page, "签署原件扫描件")
    expect(on_file).to_contain_text("由李调解上传“调解协议书签署原件.pdf”")
    expect(on_file).to_contain_text(f"（SHA-256 {hashlib.sha256(scan).hexdigest()[:16]}…）")

    # 送达: the 受理通知书 reached the employer by EMS.
    page.goto(case_url)
    row = page.locator("#service-table tr", has_text="受理通知书").filter(has_text="用人单位：北京某物流有限公司")
    expect(row.locator(".uc-unserved-badge")).to_have_text("未送达")
    row.get_by_role("link", name="登记送达").click()
    expect(page.locator("#service-notice h1")).to_have_text("《受理通知书》送达用人单位北京某物流有限公司")
    page.get_by_label("邮寄送达", exact=True).check()
    page.get_by_label("送达日期").fill(today.isoformat())
    page.get_by_label("签收人").fill("周建国")
    page.get_by_label("邮件号码").fill(EMS_NUMBER)
    page.locator("#service-form").get_by_role("button", name="登记送达").click()
    expect(page).to_have_url(re.compile(re.escape(case_url) + "(#case-service)?$"))
    row = page.locator("#service-table tr", has_text="受理通知书").filter(has_text="用人单位：北京某物流有限公司")
    expect(row.locator("td").nth(2)).to_have_text(f"已送达：邮寄送达，{cn_day(today)}，签收人周建国，邮件号码{EMS_NUMBER}")
    worker_row = page.locator("#service-table tr", has_text="受理通知书").filter(has_text="劳动者：陈春梅")
    expect(worker_row.locator(".uc-unserved-badge")).to_have_text("未送达")
    row.get_by_role("link", name="查看或更正").click()
    expect(page.locator("#service-records")).to_contain_text(f"邮件号码：{EMS_NUMBER}")

    # 协议生效.
    page.goto(signing_url)
    page.get_by_label(re.compile("^已核对")).check()
    page.get_by_role("button", name="确认协议生效").click()
    expect(page.get_by_text("“签署调解协议”已完成。")).to_be_visible()

    page.goto(case_url)
    expect(page.locator("#case-status")).to_have_text("履行中")
    expect(page.locator("#total-awarded")).to_have_text("¥9,000.00")
    expect(page.locator("li", has_text="履行监督")).to_have_text(re.compile(r"^履行监督（由李调解办理） 去办理$"))
    page.get_by_role("tab", name="履行情况").click()
    performance = page.locator("#tab-performance")
    expect(performance).to_contain_text(f"调解协议：已于{cn_day(today)}生效")
    expect(performance).to_contain_text("签署原件扫描件：")
    expect(performance).to_contain_text("由李调解上传“调解协议书签署原件.pdf”")
    page.get_by_role("tab", name="时间线").click()
    timeline = page.locator("#tab-timeline")
    expect(timeline).to_contain_text("协议生效：协议签署中 → 履行中")
    # The print link is an ordinary download: fetched (and journalled) once per click.
    expect(timeline.get_by_text("下载文书：调解协议书（签署稿）")).to_have_count(1)

    case = DisputeCase.objects.get(worker__in=Worker.objects.with_resident_id(RESIDENT_ID))
    assert case.status == DisputeStatus.PERFORMING
    assert case.agreement.effective_on == today
    assert Document.objects.filter(kind="mediation_agreement_draft", subject_id=str(case.pk)).count() == 1


# -- recusal ------------------------------------------------------------------------------------

@pytest.fixture
def in_mediation_with_li(demo):
    """A case of 中关村 in mediation with the demo mediator 李调解, and a second mediator there."""
    users = get_user_model().objects
    mediator, lead = users.get(username="mediator"), users.get(username="lead")
    other = users.create_user(username="mediator_b", password="pw-mediator_b", first_name="周调解")
    Membership.objects.create(user=other, organisation=Organisation.objects.get(code="BJ-HD-ZGC"), role=Role.MEDIATOR)
    first17 = "11010819790405002"
    case = open_dispute(
        organisation=Organisation.objects.get(code="BJ-HD-ZGC"), by=mediator, channel=Channel.WALK_IN_WRITTEN,
        received_on=timezone.localdate(), facts="公司未支付2026年11月加班费。", acknowledge_warnings=True,
        worker=WorkerInput(name="孙丽", resident_id=first17 + resident_id_check_char(first17)),
        employer=EmployerInput(name="北京某餐饮管理有限公司", legal_representative="郑强"),
        claims=[ClaimInput(claim_type="overtime_pay", amount_claimed="3200")],
    ).case
    process = case.process
    decide = process.task_set.get(flow_task=DisputeFlow.decide_acceptance)
    claim_task(decide, mediator)
    consent_recorded_in_task(decide, mediator)
    complete_task(decide, by=mediator, transition="accept")
    assign = process.task_set.get(flow_task=DisputeFlow.assign_mediator)
    claim_task(assign, lead)
    complete_task(assign, by=lead, transition="assign", data={"mediator": mediator})
    case.refresh_from_db()
    assert case.status == DisputeStatus.IN_MEDIATION and case.mediator == mediator
    return case


def test_issue_16_recusal_request_changes_mediator(live_server, in_mediation_with_li, page, browser):
    case = in_mediation_with_li
    case_url = f"{live_server.url}/cases/{case.pk}/"

    # 李调解 holds the mediation; the employer asks that he step aside, and he records it.
    sign_in(page, live_server.url, "mediator", "demo-mediator-2026")
    page.goto(live_server.url + "/dispute/inbox/")
    expect(page.locator("main")).to_contain_text(case.number)
    page.goto(case_url)
    expect(mediator_shown(page)).to_have_text("李调解")
    request = page.locator("#action-request_recusal")
    request.get_by_label("用人单位", exact=True).check()
    request.get_by_label("理由").fill("被申请人称调解员李调解与申请人系同村邻居，可能影响公正调解。")
    request.get_by_role("button", name="申请回避").click()
    expect(page.get_by_text("已办理“申请回避”。案件状态：调解中。")).to_be_visible()
    expect(page.locator("#action-decide_recusal")).to_have_count(0)  # a lead decides, not the mediator

    # The lead grants it and gives the case to 周调解.
    lead_context, lead, lead_violations = signed_in_elsewhere(browser, live_server.url, "lead", "demo-lead-2026")
    lead.goto(case_url)
    decide = lead.locator("#action-decide_recusal")
    decide.get_by_label("准予回避", exact=True).check()
    decide.get_by_label("改派给").select_option(label="周调解（mediator_b）")
    decide.get_by_label("理由").fill("申请理由属实，为保证调解公正，准予回避，改由周调解调解。")
    decide.get_by_role("button", name="决定回避").click()
    expect(lead.get_by_text("已办理“决定回避”。案件状态：调解中。")).to_be_visible()
    expect(mediator_shown(lead)).to_have_text("周调解")
    expect(lead.locator("#case-header li", has_text="调解（")).to_have_text(re.compile(r"^调解（由周调解办理）"))
    expect(lead.locator("#tab-timeline")).to_contain_text("决定回避：调解中 → 调解中")
    lead_context.close()
    assert lead_violations == [], "Content-Security-Policy violations"

    # 李调解's inbox no longer holds the case; his case page offers only a look at the task.
    page.goto(live_server.url + "/dispute/inbox/")
    expect(page.locator("main")).not_to_contain_text(case.number)
    page.goto(case_url)
    expect(mediator_shown(page)).to_have_text("周调解")
    expect(page.locator("#case-header li", has_text="调解（")).to_have_text("调解（由周调解办理） 查看")

    # 周调解 finds it in his.
    other_context, other, other_violations = signed_in_elsewhere(browser, live_server.url, "mediator_b",
                                                                 "pw-mediator_b")
    other.goto(live_server.url + "/dispute/inbox/")
    expect(other.locator("main")).to_contain_text(case.number)
    other_context.close()
    assert other_violations == [], "Content-Security-Policy violations"

    case.refresh_from_db()
    assert case.mediator.username == "mediator_b"
    request = case.recusal_requests.get()
    assert (request.requested_by, request.mediator.username, request.decision, request.decided_by.username) == (
        "employer", "mediator", "granted", "lead")
