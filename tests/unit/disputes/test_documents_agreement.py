"""Dispute documents from the first session to the archive, issued through the transition
door and read back from the PDFs: session notices (one per party), the session record, the
extension confirmation, the mediation agreement with its four signature records, the
payment record, the performance confirmation, the arbitration guidance, the payment-order
guide (Art.16 claims only) and the case file with its contents and every earlier document."""

import hashlib
import io
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time
from pypdf import PdfReader

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.documents.dispute.intake import cn_money
from cases.documents.registry import cn_date, cn_weekday, get_kind
from cases.models import Channel, DisputeStatus, Document, Signatory
from cases.platform.documents import assemble_pdf, pdf_page_count
from cases.platform.transitions import apply
from cases.rules.claims import ClaimType
from cases.rules.deadlines import clock
from tests.consent import consent_recorded
from tests.dispute_cases import signed_original_uploaded

SHANGHAI = ZoneInfo("Asia/Shanghai")
WORKER, EMPLOYER = "王秀英", "北京启明星辰餐饮管理有限公司"
PLACE = "海淀区中关村大街1号街道综合服务中心三楼调解室"
WAGES, COMPENSATION = Decimal("12345.67"), Decimal("20000.00")
NEW_KINDS = ("session_notice", "session_record", "extension_confirmation", "mediation_agreement", "payment_record",
             "performance_confirmation", "arbitration_guidance", "payment_order_guide", "case_file")


def pages_text(content: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def text_of(document: Document) -> str:
    with document.file.open("rb") as handle:
        return "".join(pages_text(handle.read()))


def issued(event, kind) -> dict[str, Document]:
    return {d.variant: d for d in Document.objects.filter(transition_event=event, kind=kind)}


@pytest.fixture
def staff(people):
    mediator, lead = people["mediator"], people["lead"]
    mediator.last_name, mediator.first_name = "李", "明"
    mediator.save()
    lead.last_name, lead.first_name = "周", "建华"
    lead.save()
    return {"mediator": mediator, "lead": lead}


@pytest.fixture
def in_mediation(orgs, staff, django_capture_on_commit_callbacks):
    """A case registered orally today (so it has an oral record), accepted and assigned."""

    def _make(claims):
        with django_capture_on_commit_callbacks(execute=True):
            case = register_dispute(
                organisation=orgs["hd_street"], by=staff["mediator"], channel=Channel.ORAL,
                received_on=timezone.localdate(), facts="被申请人自2026年7月起拖欠工资，申请人解除劳动合同。",
                worker=WorkerInput(name=WORKER, resident_id="11010519491231002X", phone="13800138000",
                                   address="北京市海淀区清华东路17号院3号楼502室"),
                employer=EmployerInput(name=EMPLOYER, uscc="91350100M000100Y43", legal_representative="赵立新",
                                       address="北京市海淀区中关村大街27号1106室"),
                claims=[ClaimInput(claim_type=t, amount_claimed=Decimal(a), description=d) for t, d, a in claims],
                employment_start=date(2024, 3, 1), employment_end=timezone.localdate() - timedelta(days=30),
                infringement_known_on=timezone.localdate() - timedelta(days=30), acknowledge_warnings=True,
            ).case
            consent_recorded(case, staff["mediator"])
            apply(case, "accept", by=staff["mediator"])
            apply(case, "assign", by=staff["lead"], data={"mediator": staff["mediator"]})
        case.refresh_from_db()
        assert case.status == DisputeStatus.IN_MEDIATION
        return case

    return _make


def agree(case, staff, awards, instalments):
    """draft_agreement, the four Art.14 records in order, the signed original's scan, then the
    agreement takes effect."""
    mediator = staff["mediator"]
    apply(case, "draft_agreement", by=mediator, data={
        "terms": "被申请人同意支付申请人工资及经济补偿，分两期支付至申请人银行账户。\n申请人收到全部款项后，双方就本案争议再无其他纠纷。",
        "awards": awards, "instalments": instalments,
    })
    for signatory in Signatory.values:
        apply(case, "record_signature", by=mediator, data={"signatory": signatory})
    signed_original_uploaded(case, mediator)
    return apply(case, "make_agreement_effective", by=mediator).event


@pytest.fixture
def on_monday_2_november_2026():
    """The lifecycle's "today", so that the dates its documents compute can be written out."""
    with freeze_time(datetime(2026, 11, 2, 10, tzinfo=SHANGHAI), tick=True):
        yield date(2026, 11, 2)


@pytest.fixture
def lifecycle(on_monday_2_november_2026, in_mediation, staff, django_capture_on_commit_callbacks):
    """The whole life of a wage-arrears case, received, accepted and mediated from Monday
    2 November 2026: sessions, an extension, an agreement in two instalments, the first paid,
    the second not: referred, closed and archived."""
    case = in_mediation([
        (ClaimType.WAGE_ARREARS, "支付2026年7月至8月工资", "12345.67"),
        (ClaimType.ECONOMIC_COMPENSATION, "支付解除劳动合同经济补偿", "24000.00"),
    ])
    mediator, lead, today = staff["mediator"], staff["lead"], timezone.localdate()
    session_day = today + timedelta(days=3)
    wages, compensation = case.claims.order_by("pk")
    events = {}
    with django_capture_on_commit_callbacks(execute=True):
        events["schedule"] = apply(case, "schedule_session", by=mediator, data={
            "starts_at": datetime.combine(session_day, time(14, 30), tzinfo=SHANGHAI), "place": PLACE,
        }).event
        session = case.sessions.get()
        with freeze_time(session.starts_at + timedelta(hours=2), tick=True):  # minutes once it was held
            events["record"] = apply(case, "record_session", by=mediator, data={
                "session": session, "attendees": "申请人王秀英；被申请人委托代理人孙丽；调解员李明。",
                "statements": "申请人：被申请人拖欠两个月工资。\n被申请人：确认拖欠属实，资金周转困难。",
                "proposals": "调解员建议被申请人分两期支付。",
                "rights_explained": True, "recusal_answer": "双方均不申请回避。", "note_taker": "张华",
                "outcome": "达成协议",
            }).event
        events["extend"] = apply(case, "extend_mediation", by=lead, reason="双方同意继续协商", data={
            "days": 10, "worker_consented_on": today, "employer_consented_on": today,
            "worker_consent_method": "written", "worker_consent_by": "王秀英",
            "employer_consent_method": "phone", "employer_consent_by": "孙丽（委托代理人）",
        }).event
        events["effective"] = agree(case, staff, {wages.pk: WAGES, compensation.pk: COMPENSATION}, [
            (today + timedelta(days=10), Decimal("20000.00")), (today + timedelta(days=40), Decimal("12345.67")),
        ])
        first = case.agreement.instalments.get(number=1)
        events["payment"] = apply(case, "record_payment", by=mediator, data={
            "instalment": first, "amount": Decimal("20000.00"), "paid_on": today, "receipt_number": "HDZGC-2026-0178",
        }).event
        # The second instalment is not yet due: the referral records the obligor's refusal (point 5).
        events["refer"] = apply(case, "refer", by=mediator, reason="被申请人明确表示无力支付第2期款项", data={
            "refused_on": today, "refusal_note": "法定代表人赵立新电话告知调解员李明"}).event
        apply(case, "close", by=mediator)
        events["archive"] = apply(case, "archive", by=lead).event
    case.refresh_from_db()
    return {"case": case, "events": events, "session_day": session_day, "today": today}


# -- Sessions and the extension --------------------------------------------------------------

def test_the_session_notice_gives_each_party_the_time_place_mediator_and_what_to_bring(lifecycle):
    notices = {variant: text_of(d) for variant, d in issued(lifecycle["events"]["schedule"], "session_notice").items()}
    day = lifecycle["session_day"]

    assert sorted(notices) == ["employer", "worker"]
    assert f"{WORKER}：你与{EMPLOYER}之间的劳动争议调解申请" in notices["worker"]
    assert f"{EMPLOYER}：{WORKER}与你单位之间的劳动争议调解申请" in notices["employer"]
    assert "本人居民身份证" in notices["worker"] and "营业执照副本复印件" in notices["employer"]
    for text in notices.values():
        assert "调解通知书" in text and f"案号：{lifecycle['case'].number}" in text
        assert f"调解时间{cn_date(day)}14时30分（{cn_weekday(day)}）" in text
        assert f"调解地点{PLACE}" in text and "调解员李明" in text
        assert "第1次调解" in text and "可以视为不愿调解" in text and "按照调解工作的通常做法" in text
        assert "联系人：调解员李明" in text and "中关村街道调解中心（印章）" in text


def test_the_session_record_and_the_extension_confirmation(lifecycle):
    events, case = lifecycle["events"], lifecycle["case"]
    record = text_of(issued(events["record"], "session_record")[""])
    assert "调解笔录" in record and f"{cn_date(lifecycle['session_day'])}14时30分" in record
    assert "申请人王秀英；被申请人委托代理人孙丽；调解员李明。" in record
    assert "被申请人：确认拖欠属实，资金周转困难。" in record and "调解员建议被申请人分两期支付。" in record
    for line in ("申请人（签名）", "被申请人（签名或盖章）", "调解员（签名）", "记录人（签名）"):
        assert line in record

    extension = text_of(issued(events["extend"], "extension_confirmation")[""])
    rule = clock("dispute.mediation")
    today = cn_date(lifecycle["today"])
    assert case.accepted_on == date(2026, 11, 2)  # fifteen days, the day of acceptance not counted
    assert "延期调解确认书" in extension
    assert "本案调解期限自受理之日起15日，原至2026年11月17日届满" in extension
    assert str(rule.citation) in extension
    assert (f"因双方同意继续协商，申请人一方（王秀英）于{today}以书面形式、被申请人一方（孙丽（委托代理人））于{today}"
            "通过电话（已记录），分别表示同意延长调解期限") in extension
    assert "本案调解期限延长10日，至2026年11月27日届满" in extension
    assert "不影响这一权利" in extension and "第十四条" in extension
    assert case.extensions.get().new_due_on == date(2026, 11, 27)
    assert "批准人：周建华" in extension and "被申请人（签名或盖章）" in extension


# -- The agreement and its performance -------------------------------------------------------

def test_the_agreement_carries_the_amounts_the_instalments_the_four_signatures_and_its_effect(lifecycle):
    case, today = lifecycle["case"], lifecycle["today"]
    document = issued(lifecycle["events"]["effective"], "mediation_agreement")[""]
    text = text_of(document)
    agreement = case.agreement

    assert document.title == "调解协议书" and f"案号：{case.number}" in text
    assert "11010519491231002X" in text and "91350100M000100Y43" in text and "赵立新" in text
    assert "拖欠劳动报酬¥12,345.67¥12,345.67" in text and "经济补偿¥24,000.00¥20,000.00" in text
    assert "协议金额合计¥32,345.67" in text
    assert "被申请人同意支付申请人工资及经济补偿" in text
    assert f"第1期{cn_date(today + timedelta(days=10))}前¥20,000.00" in text
    assert f"第2期{cn_date(today + timedelta(days=40))}前¥12,345.67" in text and "合计¥32,345.67" in text
    for line, name, field in [("申请人（签名）", WORKER, "worker_signed_at"),
                              ("被申请人（签名或盖章）", EMPLOYER, "employer_signed_at"),
                              ("调解员（签名）", "李明", "mediator_signed_at"),
                              ("调解组织（印章）", "中关村街道调解中心", "sealed_at")]:
        moment = timezone.localtime(getattr(agreement, field), SHANGHAI)
        assert f"{line}{name}{cn_date(moment.date())}{moment.hour}时{moment.minute:02d}分" in text
    assert agreement.effective_on == today
    assert f"于{cn_date(today)}生效" in text and f"生效日期：{cn_date(today)}" in text
    assert "对双方当事人具有约束力，当事人应当履行" in text and "本协议书一式三份" in text
    review = clock("dispute.agreement_review")
    assert "自本协议生效之日起十五日内（至2026年11月17日）共同向" in text
    assert str(review.citation) in text


def test_the_payment_record_shows_the_payment_and_each_instalment_paid_and_outstanding(lifecycle):
    text = text_of(issued(lifecycle["events"]["payment"], "payment_record")[""])
    today = cn_date(lifecycle["today"])
    assert "履行情况登记表" in text
    assert "所属期数第1期" in text and "支付金额¥20,000.00" in text and f"支付日期{today}" in text
    assert "收据编号HDZGC-2026-0178" in text
    assert "¥20,000.00¥20,000.00¥0.00已付清" in text and "¥12,345.67¥0.00¥12,345.67未支付" in text
    assert "合计¥32,345.67¥20,000.00¥12,345.67" in text and "登记人：李明" in text


def test_referral_guides_the_worker_to_arbitration_and_to_a_payment_order_for_wage_arrears(lifecycle):
    event = lifecycle["events"]["refer"]
    guidance = text_of(issued(event, "arbitration_guidance")[""])
    today = cn_date(lifecycle["today"])
    assert f"{WORKER}：" in guidance and "不履行的情况：被申请人明确表示无力支付第2期款项。" in guidance
    assert f"被申请人于{today}明确表示不履行调解协议（法定代表人赵立新电话告知调解员李明）" in guidance
    assert "¥12,345.67¥0.00¥12,345.67" in guidance and "尚未支付¥12,345.67" in guidance
    assert "第十五条：达成调解协议后，一方当事人在协议约定期限内不履行调解协议的，另一方当事人可以依法申请仲裁" in guidance
    assert "劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请仲裁" in guidance
    assert "仲裁申请书" in guidance and "《支付令申请指引》" in guidance
    # Refused on the day the agreement took effect: one year, the day itself not counted.
    assert "本案争议事项申请仲裁的时效期间至2027年11月2日届满" in guidance and "第二十七条第一款、第二款" in guidance
    assert f"仲裁时效自被申请人明确表示不履行之日（{today}）起计算一年" in guidance

    guide = text_of(issued(event, "payment_order_guide")[""])
    assert "支付令申请指引" in guide and f"{WORKER}：" in guide
    assert "拖欠劳动报酬支付2026年7月至8月工资¥12,345.67" in guide and "经济补偿支付解除劳动合同经济补偿¥20,000.00" in guide
    assert "属于上述可以申请支付令事项的未付金额为¥12,345.67" in guide
    assert "向有管辖权的基层人民法院申请支付令" in guide and "住所地的基层人民法院管辖" in guide
    assert "第十六条：因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议" in guide
    assert "调解协议书原件及复印件" in guide and "申请人身份证明" in guide and "未在协议约定期限内履行的证据" in guide
    assert "目前协议约定的履行期限尚未届满：第2期款项的履行期限" in guide  # a payment order only for money due


def test_no_payment_order_guide_when_the_only_claim_is_social_insurance(
    in_mediation, staff, django_capture_on_commit_callbacks,
):
    case = in_mediation([(ClaimType.SOCIAL_INSURANCE, "补缴2026年社会保险费", "3000.00")])
    claim = case.claims.get()
    with django_capture_on_commit_callbacks(execute=True):
        agree(case, staff, {claim.pk: Decimal("3000.00")}, [(timezone.localdate() + timedelta(days=5),
                                                               Decimal("3000.00"))])
        event = apply(case, "refer", by=staff["mediator"], reason="被申请人拒绝补缴", data={
            "refused_on": timezone.localdate(), "refusal_note": "书面函件"}).event

    assert list(issued(event, "arbitration_guidance")) == [""]
    assert issued(event, "payment_order_guide") == {}
    assert "《支付令申请指引》" not in text_of(issued(event, "arbitration_guidance")[""])
    with pytest.raises(ValueError, match="Art.16"):
        get_kind("payment_order_guide").build_context(case, event, variant="")


def test_mixed_awards_state_the_unpaid_art16_amount_as_bounds(in_mediation, staff, django_capture_on_commit_callbacks):
    case = in_mediation([(ClaimType.WAGE_ARREARS, "支付工资", "5000.00"),
                         (ClaimType.SOCIAL_INSURANCE, "补缴社会保险费", "3000.00")])
    wages, insurance = case.claims.order_by("pk")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        agree(case, staff, {wages.pk: Decimal("5000.00"), insurance.pk: Decimal("3000.00")},
              [(today + timedelta(days=5), Decimal("4000.00")), (today + timedelta(days=35), Decimal("4000.00"))])
        apply(case, "record_payment", by=staff["mediator"], data={
            "instalment": case.agreement.instalments.get(number=1), "amount": Decimal("4000.00"),
            "paid_on": today, "receipt_number": "R-1"})
        event = apply(case, "refer", by=staff["mediator"], reason="第2期未付", data={
            "refused_on": today, "refusal_note": "书面函件"}).event

    guide = text_of(issued(event, "payment_order_guide")[""])
    assert "另有社会保险等事项的协议金额¥3,000.00，不属于可以申请支付令的事项" in guide
    assert "未付金额在¥1,000.00至¥4,000.00之间" in guide


def test_full_payment_is_confirmed_with_every_payment(in_mediation, staff, django_capture_on_commit_callbacks):
    case = in_mediation([(ClaimType.WAGE_ARREARS, "支付工资", "23196.00")])
    claim, today = case.claims.get(), timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        agree(case, staff, {claim.pk: Decimal("23196.00")},
              [(today + timedelta(days=5), Decimal("13196.00")), (today + timedelta(days=20), Decimal("10000.00"))])
        for number, amount, receipt in [(1, "13196.00", "R-1"), (2, "10000.00", "R-2")]:
            apply(case, "record_payment", by=staff["mediator"], data={
                "instalment": case.agreement.instalments.get(number=number), "amount": Decimal(amount),
                "paid_on": today, "receipt_number": receipt})
        event = apply(case, "complete_performance", by=staff["mediator"]).event

    text = text_of(issued(event, "performance_confirmation")[""])
    assert f"调解协议于{cn_date(today)}生效，协议金额合计¥23,196.00" in text
    assert f"1{cn_date(today)}第1期¥13,196.00R-1" in text and f"2{cn_date(today)}第2期¥10,000.00R-2" in text
    assert "合计¥23,196.00" in text and "上述调解协议已全部履行完毕" in text


# -- The case file --------------------------------------------------------------------------

def test_the_case_file_has_a_cover_a_contents_with_right_page_numbers_and_every_earlier_document(lifecycle, staff):
    case, events = lifecycle["case"], lifecycle["events"]
    case_file = issued(events["archive"], "case_file")[""]
    earlier = list(Document.objects.filter(subject_id=str(case.pk)).exclude(kind="case_file").order_by("created_at", "pk"))
    with case_file.file.open("rb") as handle:
        content = handle.read()
    pages = pages_text(content)

    assert [d.kind for d in earlier] == [
        "oral_application_record", "acceptance_notice", "acceptance_notice", "session_notice", "session_notice",
        "session_record", "extension_confirmation", "mediation_agreement_draft", "mediation_agreement",
        "payment_record",
        "arbitration_guidance", "payment_order_guide",
    ]
    front = case_file.pages - sum(d.pages for d in earlier)
    assert front >= 2 and len(pages) == case_file.pages == pdf_page_count(content)
    assert case_file.sha256 == hashlib.sha256(content).hexdigest()

    cover = pages[0]
    assert "卷宗" in cover and f"案号：{case.number}" in cover
    assert f"申请人{WORKER}" in cover and f"被申请人{EMPLOYER}" in cover and "争议事项拖欠劳动报酬、经济补偿" in cover
    assert f"收到申请日期{cn_date(case.received_on)}" in cover and f"结案日期{cn_date(lifecycle['today'])}" in cover
    assert "办理结果已引导仲裁" in cover and "保管期限长期" in cover and "立卷人周建华" in cover
    assert "中关村街道调解中心（印章）" in cover

    contents = "".join(pages[1:front])
    first = front + 1
    for number, document in enumerate(earlier, start=1):
        last = first + document.pages - 1
        span = str(first) if first == last else f"{first}–{last}"
        variant = {"worker": "致劳动者", "employer": "致用人单位"}.get(document.variant, "—")
        assert f"{number}{document.title}{variant}{cn_date(timezone.localdate(document.created_at))}{span}" in contents
        # The appended pages are the document's own pages, where the contents says they are.
        assert pages[first - 1:last] == pages_text(document.file.open("rb").read())
        first = last + 1
    assert first - 1 == case_file.pages
    assert "调解协议书" in "".join(pages[front:]) and "HDZGC-2026-0178" in "".join(pages[front:])


def test_a_case_file_refuses_a_stored_document_that_was_altered(lifecycle):
    case = lifecycle["case"]
    document = Document.objects.filter(subject_id=str(case.pk), kind="session_record").get()
    with open(document.file.path, "ab") as handle:
        handle.write(b"%tampered")
    with pytest.raises(ValueError, match="fingerprint"):
        get_kind("case_file").append_pdfs(case)


def test_assembling_numbers_a_contents_that_runs_over_several_pages(lifecycle):
    """A long contents pushes the appended files back; every printed range follows."""
    case = lifecycle["case"]
    kind = get_kind("case_file")
    context = kind.build_context(case, lifecycle["events"]["archive"], variant="")
    one = kind.append_pdfs(case)[0]
    size, count = pdf_page_count(one), 40
    entry = context["contents"][0]
    context = {**context, "organisation_name": case.organisation.name, "title": "卷宗",
               "contents": [dict(entry) for _ in range(count)]}

    rendered = assemble_pdf(template=kind.template, context=context, appended=[one] * count)

    pages = pages_text(rendered.content)
    front = rendered.pages - count * size
    assert front >= 3 and len(pages) == rendered.pages
    contents = "".join(pages[1:front])
    for number in range(1, count + 1):
        first = front + (number - 1) * size + 1
        span = str(first) if size == 1 else f"{first}–{first + size - 1}"
        assert f"{number}{entry['title']}—{entry['date']}{span}" in contents
        assert pages[first - 1] == pages_text(one)[0]


@pytest.mark.django_db
def test_render_sample_documents_renders_the_new_kinds(tmp_path):
    call_command("render_sample_documents", out=tmp_path, stdout=io.StringIO(), skip_checks=True)
    for code in NEW_KINDS:
        text = "".join(pages_text((tmp_path / f"{code}.pdf").read_bytes()))
        kind = get_kind(code)
        assert str(kind.title) in text and "（印章）" in text and "案号：" in text and kind.build_context is not None
    assert get_kind("session_notice").variants == ("worker", "employer")
    assert get_kind("payment_order_guide").applies is not None and get_kind("case_file").append_pdfs is not None
    assert cn_money(Decimal("23196")) == "¥23,196.00"
