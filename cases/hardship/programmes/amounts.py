"""What each programme's rule gives, with the computation written out (核定过程).

Pure: no models are read here. The caller hands in the region's rule for the programme and year
(`ProgrammeTerms`, read off an AidProgrammeRule row by cases.hardship.programmes.applications)
and the application's figures; each function returns the amount and its steps, or raises a
ValidationError in Chinese naming the field and the rule that refuses it. The steps are the
document's wording (Chinese), like the category computation's (cases.rules.eligibility).

- 送温暖: the rule's grant per household.
- 金秋助学: the rule's grant per term for the child's schooling stage; a stage the rule names no
  amount for is not funded.
- 医疗救助: (bills − insurance and medical-insurance reimbursement − the deductible) × the
  share, rounded to the fen, within what is left of the household's yearly cap.
- 临时救助: the amount asked for, up to the rule's ceiling per grant.
Above the rule's single-approval limit, a second reviewer approves (four eyes).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


@dataclass(frozen=True)
class ProgrammeTerms:
    """One programme's rule in one region and year (AidProgrammeRule), as the computation reads it."""

    programme: str
    programme_label: str
    region_code: str
    year: int
    second_approval_above: Decimal
    document_number: str
    document_date: date | None
    standard_amount: Decimal | None = None
    schooling_amounts: dict = field(default_factory=dict)  # stage → Decimal per term
    share_percent: Decimal | None = None
    deductible: Decimal | None = None
    maximum_amount: Decimal | None = None
    rule_id: int | None = None

    def document(self) -> str:
        if self.document_date is None:
            return self.document_number
        day = self.document_date
        return f"{self.document_number}，{day.year}年{day.month}月{day.day}日"

    def as_record(self) -> dict:
        """The values as an application stores them (JSON): a later change of the rule's row never
        alters what an application made earlier rested on."""
        def text(value):
            return None if value is None else f"{value}"

        return {
            "rule_id": self.rule_id, "programme": self.programme, "region_code": self.region_code, "year": self.year,
            "standard_amount": text(self.standard_amount),
            "schooling_amounts": {stage: f"{amount}" for stage, amount in self.schooling_amounts.items()},
            "share_percent": text(self.share_percent), "deductible": text(self.deductible),
            "maximum_amount": text(self.maximum_amount), "second_approval_above": f"{self.second_approval_above}",
            "document_number": self.document_number,
            "document_date": self.document_date.isoformat() if self.document_date else None,
        }

    def basis_step(self) -> str:
        return f"依据：{self.region_code}地区{self.year}年{self.programme_label}金额标准（{self.document()}）"


@dataclass(frozen=True)
class Grant:
    amount: Decimal
    steps: list[str]
    needs_second_approval: bool


def _with_approval(terms: ProgrammeTerms, amount: Decimal, steps: list[str]) -> Grant:
    limit = terms.second_approval_above
    if amount > limit:
        steps.append(f"核定金额 {yuan(amount)} > 单人审批限额 {yuan(limit)}：须两名审核人审批（审批后另一名审核人复审批）")
    else:
        steps.append(f"核定金额 {yuan(amount)} ≤ 单人审批限额 {yuan(limit)}：由一名审核人审批")
    return Grant(amount=amount, steps=[terms.basis_step(), *steps], needs_second_approval=amount > limit)


def spring_festival_grant(terms: ProgrammeTerms, *, file_label: str) -> Grant:
    """送温暖: the rule's grant per household on file."""
    amount = terms.standard_amount
    steps = [f"在档困难职工家庭（{file_label}）：春节送温暖慰问金每户 {yuan(amount)}"]
    return _with_approval(terms, amount, steps)


def schooling_grant(terms: ProgrammeTerms, *, stage: str, term_label: str, child: str,
                    stage_labels: dict[str, str]) -> Grant:
    """金秋助学: the grant per term for the child's schooling stage (`stage_labels`: each stage's name)."""
    amount = terms.schooling_amounts.get(stage)
    stage_label = str(stage_labels.get(stage, stage))
    if amount is None:
        funded = "、".join(str(stage_labels.get(funded, funded)) for funded in terms.schooling_amounts)
        raise ValidationError({"member": _(
            "%(child)s的就学阶段为“%(stage)s”，本地区%(year)s年金秋助学只资助%(funded)s阶段在读子女。") % {
            "child": child, "stage": stage_label, "year": terms.year, "funded": funded or "—"}})
    steps = [f"{child}就读{stage_label}，{term_label}助学金标准 {yuan(amount)}"]
    return _with_approval(terms, amount, steps)


def medical_grant(terms: ProgrammeTerms, *, bills_total: Decimal, insurance_paid: Decimal,
                  granted_this_year: Decimal) -> Grant:
    """医疗救助: (bills − insurance − deductible) × share, within what is left of the yearly cap."""
    if bills_total <= ZERO:
        raise ValidationError({"bills_total": _("请填写医疗费用总额（元，须大于零）。")})
    if insurance_paid < ZERO:
        raise ValidationError({"insurance_paid": _("医保报销及保险赔付不能为负数。")})
    if insurance_paid > bills_total:
        raise ValidationError({"insurance_paid": _("医保报销及保险赔付%(paid)s超过医疗费用总额%(bills)s，请核对票据。")
                               % {"paid": yuan(insurance_paid), "bills": yuan(bills_total)}})
    net = bills_total - insurance_paid
    deductible, share, cap = terms.deductible, terms.share_percent, terms.maximum_amount
    steps = [f"医疗费用 {yuan(bills_total)} − 医保报销及保险赔付 {yuan(insurance_paid)} = 自付 {yuan(net)}"]
    if net <= deductible:
        raise ValidationError({"bills_total": _(
            "自付医疗费用%(net)s未超过本地区%(year)s年医疗救助起付线%(deductible)s，不予救助（%(document)s）。")
            % {"net": yuan(net), "year": terms.year, "deductible": yuan(deductible), "document": terms.document()}})
    computed = ((net - deductible) * share / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)
    steps.append(f"（自付 {yuan(net)} − 起付线 {yuan(deductible)}）× 救助比例 {share.normalize():f}% = {yuan(computed)}")
    room = cap - granted_this_year
    if room <= ZERO:
        raise ValidationError({"bills_total": _(
            "该家庭%(year)s年已获医疗救助%(granted)s，已达每户年度封顶%(cap)s，不能再予救助。")
            % {"year": terms.year, "granted": yuan(granted_this_year), "cap": yuan(cap)}})
    amount = min(computed, room)
    if amount < computed:
        steps.append(f"每户年度封顶 {yuan(cap)}，本年度已获 {yuan(granted_this_year)}，尚可救助 {yuan(room)}："
                     f"核定 {yuan(amount)}")
    else:
        steps.append(f"每户年度封顶 {yuan(cap)}，本年度已获 {yuan(granted_this_year)}：核定 {yuan(amount)}")
    return _with_approval(terms, amount, steps)


def emergency_grant(terms: ProgrammeTerms, *, requested: Decimal) -> Grant:
    """临时救助: the amount asked for, up to the rule's ceiling per grant."""
    ceiling = terms.maximum_amount
    if requested <= ZERO:
        raise ValidationError({"requested_amount": _("请填写申请金额（元，须大于零）。")})
    if requested > ceiling:
        raise ValidationError({"requested_amount": _(
            "申请金额%(requested)s超过本地区%(year)s年临时救助每次上限%(ceiling)s（%(document)s）。")
            % {"requested": yuan(requested), "year": terms.year, "ceiling": yuan(ceiling),
               "document": terms.document()}})
    steps = [f"申请金额 {yuan(requested)} ≤ 临时救助每次上限 {yuan(ceiling)}：核定 {yuan(requested)}"]
    return _with_approval(terms, requested, steps)
