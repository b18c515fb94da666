"""Dispute documents issued through the transition door, read back from the PDF: the oral
application record, the acceptance notices (one per party), the non-acceptance notice and
the termination notices with the right to arbitration and the limitation date."""

import io
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from cases.documents.dispute.intake import cn_money
from cases.documents.registry import cn_date, get_kind
from cases.models import (
    AuditAction,
    Channel,
    Deadline,
    DisputeCase,
    DisputeClaim,
    DisputeStatus,
    Document,
    Employer,
    MediationSession,
    Sex,
    Worker,
)
from cases.models.actors import system
from cases.models.dispute.mediation import SessionStatus
from cases.platform.audit.journal import append_event
from cases.platform.deadlines import apply_trigger, extend_deadline
from cases.platform.transitions import apply
from cases.rules.claims import ClaimType
from cases.rules.limitation import limitation_end
from cases.tasks.documents import issue_document_task
from tests.consent import consent_recorded

DISPUTE_KINDS = ("oral_application_record", "acceptance_notice", "non_acceptance_notice", "termination_notice")
WORKER, EMPLOYER = "王秀英", "北京启明星辰餐饮管理有限公司"
NUMBER = "京海中调〔2026〕第0042号"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def saved(instance):
    instance.full_clean()
    instance.save()
    return instance


@pytest.fixture
def recorder(people):
    mediator = people["mediator"]
    mediator.last_name, mediator.first_name = "李", "明"
    mediator.save()
    return mediator


@pytest.fixture
def make_case(orgs, recorder):
    """A case received 2026-09-30 at 14:05 Beijing time, its clocks opened as at intake."""

    def _make(*, claims=None, employment_end=date(2026, 8, 31), infringement_known_on=date(2026, 8, 31)):
        worker = saved(Worker(
            name=WORKER, sex=Sex.FEMALE, birth_date=date(1988, 3, 12), resident_id="110108198803120021",
            phone="13801234567", address="北京市海淀区清华东路17号院3号楼502室",
        ))
        employer = saved(Employer(
            name=EMPLOYER, uscc="91110108MA01ABCD1E", legal_representative="赵立新",
            address="北京市海淀区中关村大街27号1106室", contact_name="孙丽", contact_phone="010-62781234",
        ))
        case = saved(DisputeCase(
            organisation=orgs["hd_street"], year=2026, sequence=42, number=NUMBER, worker=worker,
            employer=employer, employment_start=date(2024, 3, 1), employment_end=employment_end,
            channel=Channel.ORAL, received_on=date(2026, 9, 30),
            received_at=datetime(2026, 9, 30, 14, 5, tzinfo=SHANGHAI),
            facts="申请人2024年3月1日入职被申请人处任厨师，月工资8000元。\n2026年7月起被申请人未支付工资，申请人于8月31日解除劳动合同。",
            infringement_known_on=infringement_known_on, registered_by=recorder,
        ))
        for claim_type, description, amount in claims or [
            (ClaimType.WAGE_ARREARS, "支付2026年7月至8月工资", "12345.67"),
            (ClaimType.ECONOMIC_COMPENSATION, "支付解除劳动合同经济补偿", "24000.00"),
        ]:
            saved(DisputeClaim(case=case, claim_type=claim_type, description=description,
                               amount_claimed=Decimal(amount)))
        apply_trigger(case, "created", organisation=case.organisation)
        return case

    return _make


def issued(event, kind):
    return {document.variant: document for document in Document.objects.filter(transition_event=event, kind=kind)}


def texts(event, kind):
    return {variant: pdf_text(document.file.read()) for variant, document in issued(event, kind).items()}


def today_cn():
    return cn_date(timezone.localdate())


# -- 口头申请记录 ---------------------------------------------------------------------------------

def test_the_oral_record_carries_the_applicant_the_claims_the_reasons_and_the_time(make_case, recorder, orgs):
    case = make_case()
    event = append_event(action=AuditAction.TRANSITION, actor=recorder, subject=case, organisation=case.organisation,
                         name="register", to_state=DisputeStatus.REGISTERED)

    document = Document.objects.get(pk=issue_document_task.delay(
        kind="oral_application_record", transition_event_id=event.pk, by=recorder.pk).get())

    assert (document.subject, document.variant, document.title) == (case, "", "口头申请记录")
    text = pdf_text(document.file.read())
    assert "口头申请记录" in text and f"案号：{NUMBER}" in text
    assert "2026年9月30日14时05分" in text and "口头申请" in text and "第十二条" in text
    for particular in (WORKER, "女", "1988年3月12日", "110108198803120021", "13801234567", "2024年3月1日",
                       EMPLOYER, "91110108MA01ABCD1E", "赵立新"):
        assert particular in text
    assert "拖欠劳动报酬" in text and "支付2026年7月至8月工资" in text and "¥12,345.67" in text
    assert "经济补偿" in text and "¥24,000.00" in text and "合计¥36,345.67" in text
    assert "2026年7月起被申请人未支付工资" in text
    assert "以上记录经本人核对无误。申请人（签名）：" in text and "记录人：李明" in text
    assert f"{orgs['hd_street'].name}（印章）" in text and today_cn() in text


# -- 受理通知书 ---------------------------------------------------------------------------------

def test_acceptance_issues_one_notice_per_party_with_the_mediation_end_date_and_rights(
    make_case, recorder, django_capture_on_commit_callbacks,
):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        consent_recorded(case, recorder)
        outcome = apply(case, "accept", by=recorder, data={"accepted_on": date(2026, 10, 9)})

    documents = issued(outcome.event, "acceptance_notice")
    assert sorted(documents) == ["employer", "worker"]
    assert all(document.subject == case and document.created_by == recorder for document in documents.values())
    notices = texts(outcome.event, "acceptance_notice")
    assert f"{WORKER}：你与{EMPLOYER}之间的劳动争议调解申请" in notices["worker"]
    assert f"{EMPLOYER}：{WORKER}与你单位之间的劳动争议调解申请" in notices["employer"]
    for text in notices.values():
        assert "受理通知书" in text and f"案号：{NUMBER}" in text
        assert "于2026年9月30日收到" in text and "决定于2026年10月9日予以受理" in text
        assert "本案调解员：另行指定" in text
        # The organisation's period runs from acceptance: 2026-10-09 + 15 is Saturday 10-24, so
        # it ends on Monday 10-26; Art.14's fifteen days run from receipt.
        assert "本案调解期限自受理之日起15日，至2026年10月26日届满" in text and "第二十六条" in text
        assert "自本中心收到调解申请之日起15日内（至2026年10月15日）未达成调解协议的，当事人可以依法申请仲裁" in text
        assert "第十四条：自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议的" in text
        assert "自愿" in text and "可以申请其回避" in text and "如实陈述" in text and "遵守调解秩序" in text
        assert "可以随时要求终止调解，依法向劳动人事争议仲裁委员会申请仲裁" in text
        assert "¥12,345.67" in text and today_cn() in text


def test_the_acceptance_notice_names_the_assigned_mediator_and_an_extended_end_date(
    make_case, recorder, people,
):
    case = make_case()
    consent_recorded(case, recorder)
    apply(case, "accept", by=recorder, data={"accepted_on": date(2026, 10, 9)})
    outcome = apply(case, "assign", by=recorder, data={"mediator": recorder})
    clock = Deadline.objects.for_subject(case).get(clock="dispute.mediation")
    extend_deadline(deadline=clock, days=10, by=people["lead"], reason="双方当事人同意延长调解期限")

    context = get_kind("acceptance_notice").build_context(case, outcome.event, variant="worker")

    assert context["mediator"] == "李明" and context["addressee"] == WORKER
    assert context["mediation"]["ends_on"] == "2026年11月3日" and context["mediation"]["extended_days"] == 10
    with pytest.raises(ValueError):
        get_kind("acceptance_notice").build_context(case, outcome.event, variant="")


def test_an_acceptance_notice_needs_the_mediation_clock(orgs, recorder, make_case):
    case = make_case()
    consent_recorded(case, recorder)
    apply(case, "accept", by=recorder)
    Deadline.objects.for_subject(case).filter(clock="dispute.mediation").delete()

    with pytest.raises(ValueError, match="dispute.mediation"):
        get_kind("acceptance_notice").build_context(case, None, variant="worker")


# -- 不予受理通知书 -------------------------------------------------------------------------------

def test_the_non_acceptance_notice_gives_the_reason_the_right_to_arbitrate_and_the_limitation_date(
    make_case, recorder, django_capture_on_commit_callbacks,
):
    case = make_case()
    reason = "被申请人书面表示不同意调解"
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "reject", by=recorder, reason=reason, data={"rejection_ground": "other_party_refuses"})

    assert list(issued(outcome.event, "non_acceptance_notice")) == [""]
    text = texts(outcome.event, "non_acceptance_notice")[""]
    assert "不予受理通知书" in text and f"{WORKER}：" in text and f"案号：{NUMBER}" in text
    assert f"经审查，因{reason}，本中心决定不予受理" in text
    assert "你可以直接向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请仲裁" in text
    # The application interrupted the period; it runs a year again from the rejection (today).
    restarted = cn_date(limitation_end(timezone.localdate()))
    assert f"申请仲裁的时效期间至{restarted}届满" in text
    assert "使仲裁时效中断" in text and "第二十七条第二款" in text
    assert "¥12,345.67" in text and today_cn() in text


def test_a_claim_time_barred_at_receipt_is_stated_as_such_not_as_a_date_to_meet(
    make_case, recorder, django_capture_on_commit_callbacks,
):
    case = make_case(infringement_known_on=date(2025, 6, 1),
                     claims=[(ClaimType.DAMAGES, "违法解除劳动合同赔偿金", "48000.00")])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "reject", by=recorder, reason="被申请人不同意调解",
                        data={"rejection_ground": "other_party_refuses"})

    text = texts(outcome.event, "non_acceptance_notice")[""]
    assert "本中心收到调解申请时，本案争议事项申请仲裁的时效期间已于2026年6月1日届满" in text
    assert "不因申请调解而中断或重新计算" in text
    assert "请在此之前申请仲裁" not in text
    assert "由劳动人事争议仲裁委员会依法认定" in text


def test_wage_arrears_in_a_continuing_employment_are_stated_as_not_limited(
    make_case, recorder, django_capture_on_commit_callbacks,
):
    case = make_case(employment_end=None, claims=[(ClaimType.WAGE_ARREARS, "支付2026年8月工资", "8000.00")])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "reject", by=recorder, reason="用人单位所在地和劳动合同履行地均不在本街道",
                        data={"rejection_ground": "outside_remit"})

    text = texts(outcome.event, "non_acceptance_notice")[""]
    assert "不受一年仲裁时效期间的限制" in text
    assert "第二十七条第四款规定：劳动关系存续期间因拖欠劳动报酬发生争议的" in text
    assert "届满，请在此之前申请仲裁" not in text


# -- 调解终止通知书（仲裁权利告知书） --------------------------------------------------------------

def test_deemed_failure_after_fifteen_days_cites_art14_and_the_limitation_date_for_each_party(
    make_case, recorder, django_capture_on_commit_callbacks,
):
    case = make_case()
    consent_recorded(case, recorder)
    apply(case, "accept", by=recorder, data={"accepted_on": date(2026, 10, 9)})
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "deem_failed", by=system("check_deadlines"), reason="调解期限届满未完成")

    documents = issued(outcome.event, "termination_notice")
    assert sorted(documents) == ["employer", "worker"]
    assert all(document.created_by is None for document in documents.values())
    notices = texts(outcome.event, "termination_notice")
    assert notices["worker"].startswith("中关村街道调解中心调解终止通知书（仲裁权利告知书）")
    assert f"{WORKER}：申请人{WORKER}与被申请人{EMPLOYER}" in notices["worker"]
    assert f"{EMPLOYER}：申请人{WORKER}" in notices["employer"]
    assert "你可以依法向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请仲裁" in notices["worker"]
    assert "你单位可以依法向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请仲裁" in notices["employer"]
    restarted = cn_date(limitation_end(timezone.localdate()))
    for text in notices.values():
        assert "本中心于2026年10月9日受理本案" in text
        assert "至2026年10月26日期限届满，双方当事人未达成调解协议，视为调解不成" in text
        assert "第二十六条：调解委员会调解劳动争议，应当自受理调解申请之日起15日内结束" in text
        assert f"本中心于{today_cn()}终止调解" in text
        assert f"申请仲裁的时效期间至{restarted}届满" in text and "第二十七条第二款" in text
        assert "¥24,000.00" in text


def test_a_deemed_failure_after_an_agreed_extension_says_so(
    make_case, recorder, people, django_capture_on_commit_callbacks,
):
    case = make_case()
    consent_recorded(case, recorder)
    apply(case, "accept", by=recorder, data={"accepted_on": date(2026, 10, 9)})
    clock = Deadline.objects.for_subject(case).get(clock="dispute.mediation")
    extend_deadline(deadline=clock, days=10, by=people["lead"], reason="双方当事人同意延长调解期限")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "deem_failed", by=system("check_deadlines"))

    text = texts(outcome.event, "termination_notice")["worker"]
    assert "（经双方当事人同意延长10日），至2026年11月3日期限届满" in text


def test_failure_by_refusal_states_the_reason_and_not_the_fifteen_days(
    make_case, recorder, django_capture_on_commit_callbacks,
):
    case = make_case()
    consent_recorded(case, recorder)
    apply(case, "accept", by=recorder)
    apply(case, "assign", by=recorder, data={"mediator": recorder})
    MediationSession.objects.create(case=case, number=1, starts_at=timezone.now(), place="调解室", mediator=recorder,
                                    status=SessionStatus.HELD, attendees="双方当事人", statements="各自陈述")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "fail", by=recorder, reason="被申请人不同意支付经济补偿，拒绝继续调解。")

    text = texts(outcome.event, "termination_notice")["employer"]
    assert "经调解，因被申请人不同意支付经济补偿，拒绝继续调解，双方当事人未能达成调解协议，调解不成" in text
    assert "视为调解不成" not in text and "第十四条" not in text
    assert "你单位可以依法向" in text


def test_withdrawal_states_that_the_applicant_withdrew(make_case, recorder, django_capture_on_commit_callbacks):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "withdraw", by=recorder, reason="双方已自行和解")

    notices = texts(outcome.event, "termination_notice")
    assert sorted(notices) == ["employer", "worker"]
    assert f"申请人于{today_cn()}撤回调解申请（双方已自行和解），本中心终止调解" in notices["worker"]
    assert "申请仲裁的时效期间至" in notices["worker"]


def test_contexts_are_built_in_the_documents_language_whatever_the_caller_speaks(
    make_case, recorder, monkeypatch,
):
    from cases.documents.dispute import intake as document_kinds_dispute

    case = make_case()
    apply(case, "reject", by=recorder, reason="被申请人不同意调解", data={"rejection_ground": "other_party_refuses"})
    seen = []
    real = document_kinds_dispute.limitation_after_non_acceptance
    monkeypatch.setattr(document_kinds_dispute, "limitation_after_non_acceptance",
                        lambda **dates: seen.append(translation.get_language()) or real(**dates))

    with translation.override("en"):
        context = get_kind("non_acceptance_notice").build_context(case, None, variant="")
        assert translation.get_language() == "en"

    assert seen == ["zh-hans"] and context["claims"][0]["type"] == "拖欠劳动报酬"


def test_a_termination_notice_needs_mediation_to_have_ended(make_case):
    case = make_case()
    with pytest.raises(ValueError, match="has not ended"):
        get_kind("termination_notice").build_context(case, None, variant="worker")


# -- Samples and formatting -------------------------------------------------------------------

@pytest.mark.django_db
def test_render_sample_documents_renders_every_dispute_kind(tmp_path):
    out = io.StringIO()
    call_command("render_sample_documents", out=tmp_path, stdout=out)

    for code in DISPUTE_KINDS:
        text = pdf_text((tmp_path / f"{code}.pdf").read_bytes())
        kind = get_kind(code)
        assert str(kind.title) in text and "（印章）" in text and "案号：" in text
        assert kind.build_context is not None and f"{code}.pdf" in out.getvalue()
    assert get_kind("acceptance_notice").variants == get_kind("termination_notice").variants == ("worker", "employer")
    assert not Document.objects.exists()


@pytest.mark.parametrize("amount, shown", [
    (Decimal("12345.67"), "¥12,345.67"),
    (Decimal("23196"), "¥23,196.00"),
    (Decimal("1234567.5"), "¥1,234,567.50"),
    (Decimal("0.00"), "¥0.00"),
])
def test_amounts_are_yuan_with_separators_and_fen(amount, shown):
    assert cn_money(amount) == shown


def test_amounts_must_be_decimal():
    with pytest.raises(TypeError):
        cn_money(12345.67)
