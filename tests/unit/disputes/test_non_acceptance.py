"""Issue 16, point 4: the 不予受理通知书 by reason. Its advice follows the ground of the
non-acceptance (企业劳动争议协商调解规定 第二十条): no arbitration advice for a matter that is
not a labour dispute, none for one already before arbitration or a court; arbitration with
the limitation date, restarting on the day of the non-acceptance (Art.27 para.2; the case
was never mediated), when the other party refuses or the matter is outside the remit."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time
from pypdf import PdfReader

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.documents.registry import cn_date, get_kind
from cases.models import DisputeCase, DisputeStatus, Document
from cases.models.dispute.states import RejectionGround
from cases.platform.documents import render_html
from cases.platform.transitions import apply, transition_spec
from cases.rules.claims import ClaimType
from cases.rules.limitation import limitation_after_non_acceptance, limitation_end
from tests.consent import consent_recorded
from tests.dispute_cases import at
from workflows.dispute.forms import DecideAcceptanceForm
from workflows.dispute.page_forms import RejectForm, action_form

pytestmark = pytest.mark.django_db
RECEIVED, REJECTED = date(2026, 9, 30), date(2026, 10, 9)
VENUE_ADVICE = "你可以直接向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请仲裁"


@pytest.fixture
def case(orgs, people):
    """Received 2026-09-30: unpaid wages and economic compensation after the employment ended
    on 2026-08-31 (both limited: one year from 2026-08-31, Art.27 paras. 1 and 4)."""
    with freeze_time(at(RECEIVED, 9)):
        return register_dispute(
            acknowledge_warnings=True, organisation=orgs["hd_street"], by=people["mediator"],
            channel="walk_in_written", received_on=RECEIVED, received_at=at(RECEIVED, 9),
            facts="被申请人拖欠2026年7月至8月工资，申请人于8月31日解除劳动合同。",
            worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
            employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43"),
            claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("16000.00")),
                    ClaimInput(ClaimType.ECONOMIC_COMPENSATION, Decimal("24000.00"))],
            employment_start=date(2024, 3, 1), employment_end=date(2026, 8, 31),
            infringement_known_on=date(2026, 8, 31),
        ).case


def rejected(case, people, django_capture_on_commit_callbacks, *, ground, reason):
    """Not accepted on 2026-10-09; the notice issued (PDF) and read back as text."""
    with freeze_time(at(REJECTED)), django_capture_on_commit_callbacks(execute=True):
        outcome = apply(case, "reject", by=people["mediator"], reason=reason, data={"rejection_ground": ground})
    document = Document.objects.get(transition_event=outcome.event, kind="non_acceptance_notice")
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(document.file.read())).pages]
    return outcome, "".join(re.sub(r"—\d+—$", "", page) for page in pages)  # without the page numbers


def restarted() -> date:
    """One year from the non-acceptance, the last day moved off a rest day (民法典第二百零三条)."""
    return limitation_end(REJECTED)


def test_point_4_non_acceptance_of_a_matter_that_is_not_a_labour_dispute_gives_no_arbitration_advice(
    case, people, django_capture_on_commit_callbacks,
):
    outcome, text = rejected(case, people, django_capture_on_commit_callbacks,
                             ground=RejectionGround.NOT_A_LABOUR_DISPUTE,
                             reason="申请人与被申请人之间系装修承揽合同关系")

    assert "经审查，因申请人与被申请人之间系装修承揽合同关系，本中心决定不予受理" in text
    assert "你申请调解的事项不属于劳动争议，可以向有权处理的有关部门反映；属于民事纠纷的，可以依法向人民法院提起诉讼" in text
    assert "申请仲裁" not in text and "仲裁委员会" not in text
    assert "时效" not in text and "届满" not in text and "调解终结之日" not in text
    context = get_kind("non_acceptance_notice").build_context(case, outcome.event, variant="")
    assert context["limitation"] is None and not context["advises_arbitration"]


def test_point_4_non_acceptance_because_already_before_arbitration_gives_no_advice(
    case, people, django_capture_on_commit_callbacks,
):
    reason = "申请人已于2026年9月25日就同一争议向海淀区劳动人事争议仲裁委员会申请仲裁"
    outcome, text = rejected(case, people, django_capture_on_commit_callbacks,
                             ground=RejectionGround.BEFORE_ARBITRATION_OR_COURT, reason=reason)

    assert f"经审查，因{reason}，本中心决定不予受理" in text
    assert "你已就本争议申请仲裁或者向人民法院起诉，本争议依照仲裁或者诉讼程序处理" in text
    assert "你可以" not in text and "第五条" not in text
    assert "时效" not in text and "届满" not in text and "调解终结之日" not in text
    assert get_kind("non_acceptance_notice").build_context(case, outcome.event, variant="")["limitation"] is None


def test_point_4_refusal_of_the_other_party_advises_arbitration_with_the_limitation_restarting_on_the_rejection_date(
    case, people, django_capture_on_commit_callbacks,
):
    outcome, text = rejected(case, people, django_capture_on_commit_callbacks,
                             ground=RejectionGround.OTHER_PARTY_REFUSES,
                             reason="被申请人于2026年10月8日书面表示不同意调解")
    case.refresh_from_db()
    assert case.rejection_ground == RejectionGround.OTHER_PARTY_REFUSES and case.ended_on == REJECTED
    assert outcome.event.data["input"]["rejection_ground"] == "other_party_refuses"

    assert f"{VENUE_ADVICE}。依据：《劳动争议调解仲裁法》第五条" in text
    assert f"本案争议事项申请仲裁的时效期间至{cn_date(restarted())}届满，请在此之前申请仲裁" in text
    assert ("申请调解（2026年9月30日收到申请）使仲裁时效中断，自不予受理之日（2026年10月9日）起重新计算一年，"
            f"至{cn_date(restarted())}届满，依据《劳动争议调解仲裁法》第二十七条第二款") in text
    assert "调解终结之日" not in text and "调解尚未终结" not in text


def test_point_4_outside_the_remit_refers_the_applicant(case, people, django_capture_on_commit_callbacks):
    _outcome, text = rejected(case, people, django_capture_on_commit_callbacks,
                              ground=RejectionGround.OUTSIDE_REMIT,
                              reason="用人单位所在地和劳动合同履行地均不在中关村街道")

    assert "本争议不属于本中心的受理范围" in text
    assert ("你可以向用人单位的企业劳动争议调解委员会，或者用人单位所在地、劳动合同履行地的乡镇（街道）"
            "劳动争议调解组织、基层人民调解组织申请调解。依据：《劳动争议调解仲裁法》第十条") in text
    assert "你也可以直接向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请仲裁" in text
    assert f"申请仲裁的时效期间至{cn_date(restarted())}届满" in text and "自不予受理之日（2026年10月9日）" in text
    assert "调解终结之日" not in text


def test_point_4_a_case_rejected_before_the_ground_was_recorded_restarts_from_the_rejection_date(
    case, people, django_capture_on_commit_callbacks,
):
    outcome, _text = rejected(case, people, django_capture_on_commit_callbacks,
                              ground=RejectionGround.OTHER_PARTY_REFUSES, reason="被申请人不同意调解")
    DisputeCase.objects.filter(pk=case.pk).update(rejection_ground="")  # as an old row reads
    case.refresh_from_db()

    kind = get_kind("non_acceptance_notice")
    context = kind.build_context(case, outcome.event, variant="")
    html = re.sub(r"\s+", "", render_html(template=kind.template, context=context))
    assert context["ground"] == "" and context["advises_arbitration"]
    assert f"{VENUE_ADVICE}。依据：《劳动争议调解仲裁法》第五条" in html
    assert f"本案争议事项申请仲裁的时效期间至{cn_date(restarted())}届满" in html
    assert "自不予受理之日（2026年10月9日）起重新计算一年" in html and "调解终结之日" not in html


def test_point_4_the_rule_restarts_the_year_on_the_day_of_non_acceptance():
    result = limitation_after_non_acceptance(
        received_on=RECEIVED, rejected_on=REJECTED, infringement_known_on=date(2026, 8, 31),
        employment_end=date(2026, 8, 31), claim_types=[ClaimType.ECONOMIC_COMPENSATION],
    )
    assert result.limitation_date == restarted() and not result.time_barred_at_receipt
    assert result.basis == ("申请调解（2026年9月30日收到申请）使仲裁时效中断，自不予受理之日（2026年10月9日）起"
                            f"重新计算一年，至{cn_date(restarted())}届满，依据《劳动争议调解仲裁法》第二十七条第二款")
    barred = limitation_after_non_acceptance(
        received_on=RECEIVED, rejected_on=REJECTED, infringement_known_on=date(2025, 6, 1), employment_end=None,
        claim_types=[ClaimType.DAMAGES],
    )
    assert barred.time_barred_at_receipt and barred.limitation_date == date(2026, 6, 1)  # not revived


def test_point_4_the_sample_notice_is_the_refusal_with_the_restart_on_the_rejection_date():
    context = get_kind("non_acceptance_notice").sample_context()
    assert context["ground"] == RejectionGround.OTHER_PARTY_REFUSES and context["advises_arbitration"]
    assert "不同意调解" in context["reason"]
    assert "自不予受理之日（2026年10月9日）起重新计算一年" in context["limitation"]["basis"]
    assert "调解终结之日" not in context["limitation"]["basis"]


# -- the ground is required -------------------------------------------------------------------

def test_point_4_the_ground_is_required_on_the_acceptance_decision_form(case, people):
    data = {"decision": "reject", "reason": "被申请人不同意调解"}
    form = DecideAcceptanceForm(data=data, case=case, user=people["mediator"])
    assert not form.is_valid()
    assert form.errors["rejection_ground"] == ["不予受理须选择不予受理的情形。"]

    chosen = DecideAcceptanceForm(data={**data, "rejection_ground": "other_party_refuses"}, case=case,
                                  user=people["mediator"])
    assert chosen.is_valid(), chosen.errors
    assert chosen.transition() == ("reject", "被申请人不同意调解", {"rejection_ground": "other_party_refuses"})
    with freeze_time(at(REJECTED)):
        consent_recorded(case, people["mediator"])
    accepted = DecideAcceptanceForm(data={"decision": "accept", "reason": ""}, case=case, user=people["mediator"])
    assert accepted.is_valid() and accepted.transition() == ("accept", "", {})


def test_point_4_the_ground_is_required_on_the_case_page_and_by_the_door(case, people):
    spec = transition_spec(case, "reject")
    form = action_form(spec, case=case, user=people["mediator"], data={"reject-reason": "被申请人不同意调解"})
    assert isinstance(form, RejectForm) and not form.is_valid()
    assert form.errors["rejection_ground"] == ["不予受理须选择不予受理的情形。"]

    with pytest.raises(ValidationError) as refused:
        apply(case, "reject", by=people["mediator"], reason="被申请人不同意调解")
    assert "请选择不予受理的情形" in refused.value.message_dict["rejection_ground"][0]
    with pytest.raises(ValidationError) as unknown:
        apply(case, "reject", by=people["mediator"], reason="被申请人不同意调解", data={"rejection_ground": "other"})
    assert "rejection_ground" in unknown.value.message_dict
    case.refresh_from_db()
    assert case.status == DisputeStatus.REGISTERED and case.rejection_ground == ""
