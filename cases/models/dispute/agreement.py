"""The mediation agreement (调解协议书) and its performance: instalments and payments.

Art.14: the agreement 「由双方当事人签名或者盖章，经调解员签名并加盖调解组织印章后生效」 — it
takes effect only when both parties' signatures, the mediator's signature and the seal are
all recorded, in that order. Each record, the effect, each payment, completion and referral
is a transition of the case through the door.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models.bounds import BoundedFields
from cases.models.dispute.recusal import no_pending_recusal
from cases.models.dispute.representation import check_signing_agent
from cases.models.dispute.signed_original import SignedOriginal, latest_signed_original
from cases.models.dispute.states import S, may_handle
from cases.models.history import HistoricalRecords
from cases.rules.calendar import day_label

ZERO = Decimal("0.00")


class Signatory(models.TextChoices):
    WORKER = "worker", _("劳动者签名")
    EMPLOYER = "employer", _("用人单位签名或盖章")
    MEDIATOR = "mediator", _("调解员签名")
    SEAL = "seal", _("调解组织盖章")


# Art.14's order: the parties first, then the mediator, then the organisation's seal.
SIGNING_ORDER = (Signatory.WORKER, Signatory.EMPLOYER, Signatory.MEDIATOR, Signatory.SEAL)


class Agreement(BoundedFields, models.Model):
    case = models.OneToOneField("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                                related_name="agreement")
    terms = models.TextField(_("协议内容"))
    copies = models.PositiveSmallIntegerField(_("份数"), default=3)
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    worker_signed_at = models.DateTimeField(_("劳动者签名时间"), null=True, blank=True)
    employer_signed_at = models.DateTimeField(_("用人单位签章时间"), null=True, blank=True)
    mediator_signed_at = models.DateTimeField(_("调解员签名时间"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("盖章时间"), null=True, blank=True)
    # A party's signature made by its agent with special authority (representation.py), if so.
    worker_signed_by_agent = models.ForeignKey("cases.Agent", verbose_name=_("代劳动者签名的委托代理人"), null=True,
                                               blank=True, on_delete=models.PROTECT, related_name="+")
    employer_signed_by_agent = models.ForeignKey("cases.Agent", verbose_name=_("代用人单位签章的委托代理人"),
                                                 null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    review_applied_on = models.DateField(_("申请仲裁审查确认日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")
        indexes = [models.Index(fields=["effective_on"], name="agreement_effective_idx")]  # the reports

    def __str__(self):
        return _("%(case)s的调解协议") % {"case": self.case.number}

    def signed_at(self, signatory: str):
        return getattr(self, "sealed_at" if signatory == Signatory.SEAL else f"{signatory}_signed_at")

    def signing_agent(self, signatory: str):
        """The agent who signed for the party `signatory`, or None (the party itself, or no party)."""
        if signatory not in (Signatory.WORKER, Signatory.EMPLOYER):
            return None
        return getattr(self, f"{signatory}_signed_by_agent")

    @property
    def signed_by_both_parties(self) -> bool:
        return self.worker_signed_at is not None and self.employer_signed_at is not None

    def missing_signatures(self) -> list[str]:
        return [s for s in SIGNING_ORDER if self.signed_at(s) is None]

    @property
    def total_awarded(self) -> Decimal:
        return self.instalments.aggregate(total=Sum("amount"))["total"] or ZERO

    def first_overdue_instalment(self, today: date) -> "Instalment | None":
        """The first instalment whose due date is before `today` and that is not paid in full."""
        for instalment in self.instalments.order_by("due_on", "number"):
            if instalment.due_on < today and instalment.outstanding > ZERO:
                return instalment
        return None


class Instalment(BoundedFields, models.Model):
    agreement = models.ForeignKey(Agreement, verbose_name=_("调解协议"), on_delete=models.CASCADE,
                                  related_name="instalments")
    number = models.PositiveSmallIntegerField(_("期数"))
    due_on = models.DateField(_("履行期限"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分期履行")
        verbose_name_plural = _("分期履行")
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="one_instalment_number",
                                               violation_error_message=_("该协议已有这一期。"))]

    def __str__(self):
        return _("第%(n)s期 ¥%(amount)s（%(due)s前）") % {"n": self.number, "amount": f"{self.amount:,.2f}",
                                                       "due": day_label(self.due_on)}

    @property
    def organisation(self):
        return self.agreement.case.organisation

    @property
    def paid(self) -> Decimal:
        return self.payments.aggregate(total=Sum("amount"))["total"] or ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


class Payment(BoundedFields, models.Model):
    instalment = models.ForeignKey(Instalment, verbose_name=_("分期"), on_delete=models.PROTECT,
                                   related_name="payments")
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    paid_on = models.DateField(_("支付日期"))
    receipt_number = models.CharField(_("收据编号"), max_length=64)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履行款项")
        verbose_name_plural = _("履行款项")
        ordering = ["paid_on", "pk"]
        indexes = [models.Index(fields=["paid_on"], name="payment_paid_on_idx")]  # the reports

    def __str__(self):
        return f"¥{self.amount:,.2f} {self.paid_on} {self.receipt_number}"


def _all_signed(case) -> bool:
    agreement = getattr(case, "agreement", None)
    return agreement is not None and not agreement.missing_signatures()


def _signed_original_on_file(case) -> bool:
    return latest_signed_original(getattr(case, "agreement", None)) is not None


def _a_signature_missing(case) -> bool:
    agreement = getattr(case, "agreement", None)
    return agreement is not None and bool(agreement.missing_signatures())


def _fully_paid(case) -> bool:
    agreement = getattr(case, "agreement", None)
    if agreement is None:
        return False
    paid = Coalesce(Sum("payments__amount"), Value(ZERO), output_field=models.DecimalField())
    return not agreement.instalments.annotate(paid=paid).filter(paid__lt=F("amount")).exists()


def _not_fully_paid(case) -> bool:
    return not _fully_paid(case)


def _as_date(value) -> date | None:
    """A date as a form gives it, or as the journal gives it back (ISO text)."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationError({"refused_on": _("请填写有效的日期，例如 2026-10-10。")})
    return parsed


def _check_refusal(agreement: Agreement, today: date, refused_on: date | None, refusal_note: str) -> None:
    """A referral needs a non-performance: an instalment overdue, or the obligor's recorded refusal."""
    errors = {}
    if refused_on is not None:
        if refused_on > today:
            errors["refused_on"] = _("被申请人表示不履行的日期不能晚于今天。")
        elif agreement.effective_on and refused_on < agreement.effective_on:
            errors["refused_on"] = _("被申请人表示不履行的日期不能早于调解协议生效日期（%(date)s）。") % {
                "date": day_label(agreement.effective_on)}
        if not refusal_note:
            errors["refusal_note"] = _("请写明被申请人以何种方式表示不履行（如书面函件、电话告知调解员）。")
    elif refusal_note:
        errors["refused_on"] = _("请填写被申请人明确表示不履行的日期。")
    elif agreement.first_overdue_instalment(today) is None:
        errors["refused_on"] = _(
            "尚无逾期未付清的款项：在协议约定的履行期限届满前引导申请仲裁，须登记被申请人明确表示不履行的日期和方式。")
    if errors:
        raise ValidationError(errors)


_all_signed.message = _("调解协议须经双方当事人签名或盖章、调解员签名并加盖调解组织印章后方能生效（《劳动争议调解仲裁法》第十四条）。")
_signed_original_on_file.message = _(
    "尚未上传经双方当事人签名或盖章、调解员签名并加盖调解组织印章的调解协议书原件扫描件，协议不能生效"
    "（《劳动争议调解仲裁法》第十四条）：请先在“上传签署原件”中上传扫描件。")
SIGNING_INCOMPLETE_FOR_SCAN = _(
    "签署原件扫描件应为签署完毕的协议书：须先登记双方当事人签名或盖章、调解员签名和调解组织盖章"
    "（《劳动争议调解仲裁法》第十四条），再上传扫描件。尚未登记：%(missing)s。")
_a_signature_missing.message = _("双方当事人、调解员的签名和调解组织的印章均已登记。")
_fully_paid.message = _("尚有未履行完毕的款项。")
_not_fully_paid.message = _("协议已全部履行，无需引导申请仲裁。")


class AgreementTransitions(models.Model):
    """Transitions from mediation to an effective agreement and its performance."""

    class Meta:
        abstract = True

    @transition(field="status", source=S.IN_MEDIATION, target=S.AGREEMENT_SIGNING, permission=may_handle,
                conditions=[no_pending_recusal],
                custom={"label": _("起草调解协议"), "documents": ["mediation_agreement_draft"]})
    def draft_agreement(self, *, by, reason="", terms="", awards=None, instalments=None, copies=3, **data):
        """awards: {claim pk: Decimal awarded}; instalments: [(due_on, Decimal amount), ...]."""
        awards, instalments = awards or {}, instalments or []
        if not terms.strip():
            raise ValidationError({"terms": _("请填写协议内容。")})
        self._record_awards(awards)
        total = sum(awards.values(), ZERO)
        if total > ZERO and sum((amount for _due, amount in instalments), ZERO) != total:
            raise ValidationError({"instalments": _("各期金额之和（¥%(paid)s）应等于协议金额合计（¥%(total)s）。") % {
                "paid": f"{sum((a for _d, a in instalments), ZERO):,.2f}", "total": f"{total:,.2f}"}})
        agreement = Agreement(case=self, terms=terms.strip(), copies=copies)
        agreement.full_clean()
        agreement.save()
        for number, (due_on, amount) in enumerate(sorted(instalments), start=1):
            instalment = Instalment(agreement=agreement, number=number, due_on=due_on, amount=amount)
            instalment.full_clean()
            instalment.save()
        return agreement

    def _record_awards(self, awards):
        claims = {claim.pk: claim for claim in self.claims.all()}
        unknown = set(awards) - set(claims)
        if unknown:
            raise ValidationError({"awards": _("协议金额对应的请求事项不属于本案。")})
        for pk, amount in awards.items():
            claims[pk].amount_awarded = amount
            claims[pk].full_clean()
            claims[pk].save(update_fields=["amount_awarded"])

    @transition(field="status", source=S.AGREEMENT_SIGNING, target=S.AGREEMENT_SIGNING, permission=may_handle,
                conditions=[_a_signature_missing], custom={"label": _("登记签名盖章")})
    def record_signature(self, *, by, reason="", signatory="", signed_by_agent=None, **data):
        """`signed_by_agent`: the party's agent who signed for it; only one with special
        authority to reach and sign the agreement may (representation.check_signing_agent)."""
        agreement = self.agreement
        if signatory not in Signatory.values:
            raise ValidationError({"signatory": _("请选择签名或盖章的一方。")})
        agent = check_signing_agent(self, signatory, signed_by_agent, timezone.localdate())
        if agreement.signed_at(signatory) is not None:
            raise ValidationError({"signatory": _("%(who)s已经登记。") % {"who": Signatory(signatory).label}})
        earlier = SIGNING_ORDER[:SIGNING_ORDER.index(signatory)]
        missing = [Signatory(s).label for s in earlier if agreement.signed_at(s) is None]
        if signatory in (Signatory.MEDIATOR, Signatory.SEAL) and missing:
            raise ValidationError({"signatory": _("须先完成：%(missing)s（《劳动争议调解仲裁法》第十四条）。") % {
                "missing": "、".join(str(m) for m in missing)}})
        field = "sealed_at" if signatory == Signatory.SEAL else f"{signatory}_signed_at"
        setattr(agreement, field, timezone.now())
        fields = [field]
        if agent is not None:
            setattr(agreement, f"{signatory}_signed_by_agent", agent)
            fields.append(f"{signatory}_signed_by_agent")
        agreement.save(update_fields=fields)

    @transition(field="status", source=S.AGREEMENT_SIGNING, target=S.AGREEMENT_SIGNING, permission=may_handle,
                custom={"label": _("上传签署原件")})
    def upload_signed_original(self, *, by, reason="", scan=None, **data):
        """The scan of the paper signed by both parties, signed by the mediator and sealed: kept
        with its SHA-256 (SignedOriginal.keep). The scan is of the finished paper, so every
        signature and the seal must be recorded first."""
        agreement = self.agreement
        missing = agreement.missing_signatures()
        if missing:
            raise ValidationError({"scan": SIGNING_INCOMPLETE_FOR_SCAN % {
                "missing": "、".join(str(Signatory(s).label) for s in missing)}})
        return SignedOriginal.keep(agreement=agreement, upload=scan, by=by)

    @transition(field="status", source=S.AGREEMENT_SIGNING, target=S.PERFORMING, permission=may_handle,
                conditions=[_all_signed, _signed_original_on_file],
                custom={"label": _("协议生效"), "documents": ["mediation_agreement"],
                        "effects": ["recovery.open_instalment_clocks"],
                        "notifications": ["agreement_effective"]})
    def make_agreement_effective(self, *, by, reason="", **data):
        self.agreement.effective_on = timezone.localdate()
        self.agreement.save(update_fields=["effective_on"])

    @transition(field="status", source=S.PERFORMING, target=S.PERFORMING, permission=may_handle,
                custom={"label": _("登记履行款项"), "documents": ["payment_record"],
                        "effects": ["recovery.meet_paid_instalments"]})
    def record_payment(self, *, by, reason="", instalment=None, amount=None, paid_on=None, receipt_number="",
                       **data):
        if instalment is None or instalment.agreement.case_id != self.pk:
            raise ValidationError({"instalment": _("请选择本案协议中的一期。")})
        if amount is None or amount > instalment.outstanding:
            raise ValidationError({"amount": _("本期尚欠¥%(due)s，登记金额不能超过它。") % {
                "due": f"{instalment.outstanding:,.2f}"}})
        if paid_on is None or paid_on > timezone.localdate():
            raise ValidationError({"paid_on": _("支付日期不能晚于今天。")})
        payment = Payment(instalment=instalment, amount=amount, paid_on=paid_on, receipt_number=receipt_number.strip())
        payment.full_clean()
        payment.save()
        return payment

    @transition(field="status", source=S.PERFORMING, target=S.PERFORMING, permission=may_handle,
                custom={"label": _("申请仲裁审查确认")})
    def apply_for_review(self, *, by, reason="", applied_on=None, **data):
        agreement = self.agreement
        if agreement.review_applied_on:
            raise ValidationError({"applied_on": _("已经登记过仲裁审查确认申请。")})
        agreement.review_applied_on = applied_on or timezone.localdate()
        agreement.save(update_fields=["review_applied_on"])

    @transition(field="status", source=S.PERFORMING, target=S.PERFORMED, permission=may_handle,
                conditions=[_fully_paid], custom={"label": _("履行完毕"), "documents": ["performance_confirmation"]})
    def complete_performance(self, *, by, reason="", **data):
        self.ended_on = timezone.localdate()

    @transition(field="status", source=S.PERFORMING, target=S.REFERRED, permission=may_handle,
                conditions=[_not_fully_paid],
                custom={"label": _("不履行，引导申请仲裁或支付令"), "reason_required": True,
                        "documents": ["arbitration_guidance", "payment_order_guide"],
                        "effects": ["recovery.cancel_instalment_clocks"]})
    def refer(self, *, by, reason="", refused_on=None, refusal_note="", **data):
        """Art.15/16: the agreement is not performed. Before any instalment is overdue, that is
        known only from the obligor's declared refusal, recorded with the referral: `refused_on`
        (a date, not after today) and `refusal_note` (how it was declared); both are journalled
        in the audit event's input and the notice's limitation date runs from the earlier of
        the two (cases.rules.limitation.limitation_after_non_performance)."""
        today = timezone.localdate()
        _check_refusal(self.agreement, today, _as_date(refused_on), (refusal_note or "").strip())
        self.ended_on = today
        self.end_reason = reason
