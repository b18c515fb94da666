"""Dispute figures for an organisation's subtree over a period (DOMAIN.md, "The figures the
federation reports"), all aggregated in the database.

- accepted (受理): cases whose `accepted_on` falls in the period. Rejected cases are never
  accepted, so they never count; a case received before the period and accepted in it does.
- mediated successfully (调解成功): cases whose agreement took effect (`effective_on`) in the
  period, whenever they were accepted.
- success rate: mediated successfully ÷ accepted, both of the period, as the federation's
  half-year report sets 3,094 beside 7,756.
- recovered (挽回经济损失): the amounts awarded per claim by the agreements that took effect
  in the period.
- paid (履行到位金额): payments made under agreements in the period, whatever period the
  agreement took effect in. Never added to "recovered".
- legal-deadline breaches: clocks on dispute cases that fell due in the period and ended
  breached.
- average days to close: calendar days from receipt (`received_on`) to the end of the case
  (`ended_on`, 办结日期: rejection, failure, withdrawal, performance or referral), over the
  accepted cases that ended in the period. Rejections are left out: they are decided
  within three working days and would flatter the mediators' figure.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum

from cases.models import Deadline, DeadlineState, DisputeCase, DisputeClaim, Organisation, Payment
from cases.models.dispute.states import Channel
from cases.rules.claims import ClaimType
from cases.rules.deadlines import clock as clock_rule

from .period import Period

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ClaimTypeFigures:
    claim_type: str
    label: str
    accepted_cases: int  # accepted cases with a claim of this type
    claimed: Decimal  # what those claims asked for
    successful_cases: int
    recovered: Decimal


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    label: str
    accepted: int
    mediated_successfully: int
    recovered: Decimal


@dataclass(frozen=True)
class BreachFigures:
    clock: str
    label: str
    count: int


@dataclass(frozen=True)
class DisputeFigures:
    organisation: Organisation
    period: Period
    accepted: int
    mediated_successfully: int
    recovered: Decimal
    paid: Decimal
    by_claim_type: list[ClaimTypeFigures]
    by_channel: list[ChannelFigures]
    breaches: list[BreachFigures]
    cases_ended: int  # accepted cases that ended in the period
    total_days_to_close: int

    @property
    def success_rate(self) -> Decimal | None:
        """Percent with one decimal, or None when nothing was accepted."""
        if not self.accepted:
            return None
        return percent(self.mediated_successfully, self.accepted)

    @property
    def breaches_total(self) -> int:
        return sum(row.count for row in self.breaches)

    @property
    def average_days_to_close(self) -> Decimal | None:
        if not self.cases_ended:
            return None
        return (Decimal(self.total_days_to_close) / self.cases_ended).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def as_json(self) -> dict:
        """Amounts as decimal strings with two places, so no float ever rounds a yuan."""
        return {
            "organisation": self.organisation.code,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "accepted": self.accepted,
            "mediated_successfully": self.mediated_successfully,
            "success_rate_percent": _text(self.success_rate),
            "recovered_yuan": f"{self.recovered:.2f}",
            "paid_yuan": f"{self.paid:.2f}",
            "by_claim_type": [
                {"claim_type": row.claim_type, "accepted_cases": row.accepted_cases,
                 "claimed_yuan": f"{row.claimed:.2f}", "successful_cases": row.successful_cases,
                 "recovered_yuan": f"{row.recovered:.2f}"}
                for row in self.by_claim_type
            ],
            "by_channel": [
                {"channel": row.channel, "accepted": row.accepted,
                 "mediated_successfully": row.mediated_successfully, "recovered_yuan": f"{row.recovered:.2f}"}
                for row in self.by_channel
            ],
            "deadline_breaches": {row.clock: row.count for row in self.breaches},
            "deadline_breaches_total": self.breaches_total,
            "cases_ended": self.cases_ended,
            "average_days_to_close": _text(self.average_days_to_close),
        }


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def subtree_ids(organisation: Organisation) -> list[int] | None:
    """The subtree's organisation keys; None when it is every organisation there is (a city
    federation's report), so the queries need no organisation filter and no join for one."""
    ids = list(Organisation.objects.subtree_of([organisation]).values_list("pk", flat=True))
    return None if len(ids) == Organisation.objects.count() else ids


def in_subtree(queryset, org_ids: list[int] | None, *, via: str = "organisation"):
    return queryset if org_ids is None else queryset.filter(**{f"{via}_id__in": org_ids})


def dispute_figures(*, organisation: Organisation, period: Period) -> DisputeFigures:
    """Seven aggregate queries; each grouped one feeds several figures (a total is its groups' sum)."""
    org_ids = subtree_ids(organisation)
    dates = (period.start, period.end)
    cases = in_subtree(DisputeCase.objects.all(), org_ids)
    accepted_by_channel = dict(cases.filter(accepted_on__range=dates).values_list("channel").annotate(n=Count("pk")))
    agreed_by_channel = dict(cases.filter(agreement__effective_on__range=dates).values_list("channel")
                             .annotate(n=Count("pk")))
    won = list(
        in_subtree(DisputeClaim.objects, org_ids, via="case__organisation")
        .filter(case__agreement__effective_on__range=dates, amount_awarded__isnull=False)
        .values_list("claim_type", "case__channel").annotate(cases=Count("case", distinct=True),
                                                             recovered=Sum("amount_awarded"))
    )
    asked = {
        claim_type: (n, claimed)
        for claim_type, n, claimed in in_subtree(DisputeClaim.objects, org_ids, via="case__organisation")
        .filter(case__accepted_on__range=dates).values_list("claim_type").annotate(cases=Count("case", distinct=True), claimed=Sum("amount_claimed"))
    }
    ended, total_days = _closing(cases.filter(ended_on__range=dates, accepted_on__isnull=False))
    return DisputeFigures(
        organisation=organisation,
        period=period,
        accepted=sum(accepted_by_channel.values()),
        mediated_successfully=sum(agreed_by_channel.values()),
        recovered=sum((recovered for *_keys, recovered in won), ZERO),
        paid=_sum(in_subtree(Payment.objects, org_ids, via="instalment__agreement__case__organisation")
                  .filter(paid_on__range=dates), "amount"),
        by_claim_type=_by_claim_type(asked, won),
        by_channel=_by_channel(accepted_by_channel, agreed_by_channel, won),
        breaches=_breaches(org_ids, period),
        cases_ended=ended,
        total_days_to_close=total_days,
    )


def _sum(queryset, field: str) -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


Won = list[tuple[str, str, int, Decimal]]  # claim type, channel, cases, recovered


def _by_claim_type(asked: dict[str, tuple[int, Decimal]], won: Won) -> list[ClaimTypeFigures]:
    won_cases: dict[str, int] = {}
    recovered: dict[str, Decimal] = {}
    for claim_type, _channel, cases, amount in won:  # a case has one channel: its cases add up
        won_cases[claim_type] = won_cases.get(claim_type, 0) + cases
        recovered[claim_type] = recovered.get(claim_type, ZERO) + amount
    return [
        ClaimTypeFigures(
            claim_type=claim_type, label=str(label),
            accepted_cases=asked.get(claim_type, (0, ZERO))[0], claimed=asked.get(claim_type, (0, ZERO))[1] or ZERO,
            successful_cases=won_cases.get(claim_type, 0), recovered=recovered.get(claim_type, ZERO),
        )
        for claim_type, label in ClaimType.choices
        if claim_type in asked or claim_type in won_cases
    ]


def _by_channel(accepted: dict[str, int], agreed: dict[str, int], won: Won) -> list[ChannelFigures]:
    recovered: dict[str, Decimal] = {}
    for _claim_type, channel, _cases, amount in won:
        recovered[channel] = recovered.get(channel, ZERO) + amount
    return [
        ChannelFigures(
            channel=channel, label=str(label), accepted=accepted.get(channel, 0),
            mediated_successfully=agreed.get(channel, 0), recovered=recovered.get(channel, ZERO),
        )
        for channel, label in Channel.choices
        if channel in accepted or channel in agreed
    ]


def _breaches(org_ids: list[int] | None, period: Period) -> list[BreachFigures]:
    counts = (
        in_subtree(Deadline.objects, org_ids).filter(
            state=DeadlineState.BREACHED,
            subject_type=ContentType.objects.get_for_model(DisputeCase), due_on__range=(period.start, period.end),
        )
        .values_list("clock").annotate(n=Count("pk")).order_by("clock")
    )
    return [BreachFigures(clock=name, label=str(clock_rule(name).name), count=n) for name, n in counts]


def _closing(ended) -> tuple[int, int]:
    days = ExpressionWrapper(F("ended_on") - F("received_on"), output_field=DurationField())
    totals = ended.aggregate(cases=Count("pk"), duration=Sum(days))
    duration = totals["duration"] or timedelta(0)
    return totals["cases"], duration.days
