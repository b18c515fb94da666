"""The matters a labor dispute may be about (争议事项), with what the law attaches to each.

`payment_order`: Art.16 of the Labor Dispute Mediation and Arbitration Law lets the worker
apply to the people's court for a payment order (支付令) when the employer does not perform
an agreement on 「拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金」.
`wage_arrears`: Art.27 para.4 — arrears of pay during employment are not limited by the
one-year period, but must be claimed within one year after the employment ends.
`imported_only`: 未注明 is what a historical spreadsheet's empty cell says (the matter is
unknown): only the import gives it; staff registering a case choose a real matter.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

ART16_CITATION = _("《劳动争议调解仲裁法》第十六条：因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，"
                   "用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令")


class ClaimType(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("拖欠劳动报酬")
    OVERTIME_PAY = "overtime_pay", _("加班费")
    ECONOMIC_COMPENSATION = "economic_compensation", _("经济补偿")
    DAMAGES = "damages", _("赔偿金")
    WORK_INJURY_MEDICAL = "work_injury_medical", _("工伤医疗费")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    CONTRACT_TERMINATION = "contract_termination", _("解除或终止劳动合同")
    WORKING_HOURS_LEAVE = "working_hours_leave", _("工作时间和休息休假")
    OTHER = "other", _("其他")
    # Historical imports only: the spreadsheet did not say (an empty cell means unknown).
    UNSPECIFIED = "unspecified", _("未注明")


@dataclass(frozen=True)
class ClaimRules:
    payment_order: bool = False
    wage_arrears: bool = False
    monetary: bool = True
    imported_only: bool = False


CLAIM_RULES: dict[str, ClaimRules] = {
    ClaimType.WAGE_ARREARS: ClaimRules(payment_order=True, wage_arrears=True),
    # Overtime pay is remuneration for labour (劳动报酬) as well.
    ClaimType.OVERTIME_PAY: ClaimRules(payment_order=True, wage_arrears=True),
    ClaimType.ECONOMIC_COMPENSATION: ClaimRules(payment_order=True),
    ClaimType.DAMAGES: ClaimRules(payment_order=True),
    ClaimType.WORK_INJURY_MEDICAL: ClaimRules(payment_order=True),
    ClaimType.SOCIAL_INSURANCE: ClaimRules(),
    ClaimType.CONTRACT_TERMINATION: ClaimRules(monetary=False),
    ClaimType.WORKING_HOURS_LEAVE: ClaimRules(monetary=False),
    ClaimType.OTHER: ClaimRules(),
    # Unknown: no payment order and no wage rule can be assumed for it.
    ClaimType.UNSPECIFIED: ClaimRules(imported_only=True),
}


def rules_for(claim_type: str) -> ClaimRules:
    return CLAIM_RULES[ClaimType(claim_type)]


def live_claim_types() -> list[str]:
    """The matters a live registration may name (not 未注明, which only the import gives)."""
    return [claim_type for claim_type in ClaimType.values if not rules_for(claim_type).imported_only]


def live_claim_choices() -> list[tuple[str, str]]:
    return [(value, label) for value, label in ClaimType.choices if not rules_for(value).imported_only]


def qualifies_for_payment_order(claim_type: str) -> bool:
    return rules_for(claim_type).payment_order
