"""What each programme's rule gives, computed by hand in the comments, and the rule rows admins keep."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.hardship.programmes.amounts import (
    ProgrammeTerms,
    emergency_grant,
    medical_grant,
    schooling_grant,
    spring_festival_grant,
)
from cases.models import AidProgramme, AidProgrammeRule, SchoolingStage

P = AidProgramme
STAGES = dict(SchoolingStage.choices)


def terms(programme, **values) -> ProgrammeTerms:
    return ProgrammeTerms(programme=programme, programme_label=str(P(programme).label), region_code="110108",
                          year=2026, second_approval_above=Decimal("2000.00"), document_number="京工发〔2026〕8号",
                          document_date=date(2026, 1, 10), **values)


def messages_of(error) -> str:
    return "；".join(error.value.messages)


def test_spring_festival_gives_the_rules_grant_per_household_and_cites_the_rule():
    grant = spring_festival_grant(terms(P.SPRING_FESTIVAL, standard_amount=Decimal("1000.00")),
                                  file_label="BJ-HD-KN-2026-0001，深度困难")
    assert grant.amount == Decimal("1000.00") and not grant.needs_second_approval
    assert grant.steps == [
        "依据：110108地区2026年送温暖金额标准（京工发〔2026〕8号，2026年1月10日）",
        "在档困难职工家庭（BJ-HD-KN-2026-0001，深度困难）：春节送温暖慰问金每户 ¥1,000.00",
        "核定金额 ¥1,000.00 ≤ 单人审批限额 ¥2,000.00：由一名审核人审批",
    ]


def test_autumn_schooling_pays_the_stage_amount_per_term_and_refuses_a_stage_the_rule_does_not_fund():
    rule = terms(P.AUTUMN_SCHOOLING, schooling_amounts={"junior_secondary": Decimal("800.00"),
                                                        "tertiary": Decimal("3000.00")})
    grant = schooling_grant(rule, stage="tertiary", term_label="2026年秋季学期", child="王小明", stage_labels=STAGES)
    assert grant.amount == Decimal("3000.00") and grant.needs_second_approval  # 3,000 > 2,000
    assert "王小明就读大学/高职，2026年秋季学期助学金标准 ¥3,000.00" in grant.steps
    assert grant.steps[-1] == "核定金额 ¥3,000.00 > 单人审批限额 ¥2,000.00：须两名审核人审批（审批后另一名审核人复审批）"

    with pytest.raises(ValidationError) as refused:
        schooling_grant(rule, stage="preschool", term_label="2026年秋季学期", child="王小雨", stage_labels=STAGES)
    assert messages_of(refused) == "王小雨的就学阶段为“学前”，本地区2026年金秋助学只资助初中、大学/高职阶段在读子女。"


def test_medical_relief_is_half_of_the_bills_net_of_insurance_above_the_deductible_within_the_yearly_cap():
    rule = terms(P.MEDICAL_RELIEF, share_percent=Decimal("50.00"), deductible=Decimal("2000.00"),
                 maximum_amount=Decimal("20000.00"))
    # (50,000 − 30,000 − 2,000) × 50% = 9,000
    grant = medical_grant(rule, bills_total=Decimal("50000.00"), insurance_paid=Decimal("30000.00"),
                          granted_this_year=Decimal("0.00"))
    assert grant.amount == Decimal("9000.00") and grant.needs_second_approval
    assert grant.steps[1:3] == [
        "医疗费用 ¥50,000.00 − 医保报销及保险赔付 ¥30,000.00 = 自付 ¥20,000.00",
        "（自付 ¥20,000.00 − 起付线 ¥2,000.00）× 救助比例 50% = ¥9,000.00",
    ]
    # 15,000 granted already this year: 5,000 left under the 20,000 cap
    capped = medical_grant(rule, bills_total=Decimal("50000.00"), insurance_paid=Decimal("30000.00"),
                           granted_this_year=Decimal("15000.00"))
    assert capped.amount == Decimal("5000.00")
    assert "每户年度封顶 ¥20,000.00，本年度已获 ¥15,000.00，尚可救助 ¥5,000.00：核定 ¥5,000.00" in capped.steps
    # fen rounding: (12,345.67 − 2,000) × 50% = 5,172.835 → 5,172.84
    assert medical_grant(rule, bills_total=Decimal("12345.67"), insurance_paid=Decimal("0.00"),
                         granted_this_year=Decimal("0.00")).amount == Decimal("5172.84")


def test_medical_relief_refuses_what_the_rule_does_not_cover():
    rule = terms(P.MEDICAL_RELIEF, share_percent=Decimal("50.00"), deductible=Decimal("2000.00"),
                 maximum_amount=Decimal("20000.00"))
    with pytest.raises(ValidationError) as below:
        medical_grant(rule, bills_total=Decimal("5000.00"), insurance_paid=Decimal("3500.00"),
                      granted_this_year=Decimal("0.00"))
    assert "自付医疗费用¥1,500.00未超过本地区2026年医疗救助起付线¥2,000.00，不予救助" in messages_of(below)
    with pytest.raises(ValidationError) as over:
        medical_grant(rule, bills_total=Decimal("5000.00"), insurance_paid=Decimal("6000.00"),
                      granted_this_year=Decimal("0.00"))
    assert over.value.message_dict == {"insurance_paid": ["医保报销及保险赔付¥6,000.00超过医疗费用总额¥5,000.00，请核对票据。"]}
    with pytest.raises(ValidationError) as capped:
        medical_grant(rule, bills_total=Decimal("50000.00"), insurance_paid=Decimal("0.00"),
                      granted_this_year=Decimal("20000.00"))
    assert "已获医疗救助¥20,000.00，已达每户年度封顶¥20,000.00" in messages_of(capped)


def test_emergency_aid_is_what_was_asked_up_to_the_ceiling():
    rule = terms(P.EMERGENCY, maximum_amount=Decimal("5000.00"))
    assert emergency_grant(rule, requested=Decimal("1800.00")).amount == Decimal("1800.00")
    with pytest.raises(ValidationError) as refused:
        emergency_grant(rule, requested=Decimal("5000.01"))
    assert refused.value.message_dict["requested_amount"] == [
        "申请金额¥5,000.01超过本地区2026年临时救助每次上限¥5,000.00（京工发〔2026〕8号，2026年1月10日）。"]


def test_the_stored_record_keeps_the_values_an_application_used():
    rule = terms(P.MEDICAL_RELIEF, share_percent=Decimal("50.00"), deductible=Decimal("2000.00"),
                 maximum_amount=Decimal("20000.00"), rule_id=7)
    assert rule.as_record() == {
        "rule_id": 7, "programme": "medical_relief", "region_code": "110108", "year": 2026, "standard_amount": None,
        "schooling_amounts": {}, "share_percent": "50.00", "deductible": "2000.00", "maximum_amount": "20000.00",
        "second_approval_above": "2000.00", "document_number": "京工发〔2026〕8号", "document_date": "2026-01-10",
    }


# -- the rule rows ----------------------------------------------------------------------------

def rule_row(programme, **values) -> AidProgrammeRule:
    return AidProgrammeRule(region_code="110108", year=2026, programme=programme, second_approval_above=Decimal("2000"),
                            document_number="京工发〔2026〕8号", document_date=date(2026, 1, 10), **values)


@pytest.mark.django_db
def test_each_programmes_rule_must_name_its_own_amounts():
    with pytest.raises(ValidationError) as spring:
        rule_row(P.SPRING_FESTIVAL).full_clean()
    assert spring.value.message_dict == {"standard_amount": ["送温暖须填写慰问金标准（元/户）。"]}
    with pytest.raises(ValidationError) as medical:
        rule_row(P.MEDICAL_RELIEF, share_percent=Decimal("50")).full_clean()
    assert set(medical.value.message_dict) == {"deductible", "maximum_amount"}
    for amounts in ({}, {"preschool": "100.00"}, {"tertiary": "-1"}, {"tertiary": "1.001"}, {"tertiary": "abc"}):
        with pytest.raises(ValidationError) as schooling:
            rule_row(P.AUTUMN_SCHOOLING, schooling_amounts=amounts).full_clean()
        assert "schooling_amounts" in schooling.value.message_dict, amounts


@pytest.mark.django_db
def test_the_schooling_amounts_are_kept_in_the_stages_order_as_text():
    rule = rule_row(P.AUTUMN_SCHOOLING, schooling_amounts={"tertiary": 3000, "primary": "500"})
    rule.full_clean()
    assert list(rule.schooling_amounts.items()) == [("primary", "500.00"), ("tertiary", "3000.00")]
