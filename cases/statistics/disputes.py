"""Dispute figures for an organisation's subtree over a period (DOMAIN.md, "The figures the
federation reports"), read from their running totals (cases/models/rollup.py, kept by
rollup.py), so a report does not grow with the history. DEFINITIONS below is the wording printed
beside the figures (report page, PDF, XLSX, `dispute_stats`).

- accepted (受理): cases whose `accepted_on` falls in the period. Rejected cases are never
  accepted, so they never count; a case received before the period and accepted in it does.
  A collective dispute (Art.7: ten or more workers with a common claim) is one case; beside the
  count stand the workers those cases involve (涉及劳动者人数, `DisputeCase.worker_count`) and how
  many of them are collective disputes.
- mediated successfully (调解成功): cases whose agreement took effect (`effective_on`) in the
  period, whenever they were accepted. Accepted and mediated successfully are two different
  cohorts (a case accepted in December may settle in January): their quotient is no rate.
- mediation ended (本期调解终结): the cases whose mediation came to its end in the period, each
  by the date it ended: those whose agreement took effect in it (the successes above) and the
  accepted cases that ended in it without an effective agreement (`ended_on`: failed, deemed
  failed, or withdrawn after acceptance). Rejections and withdrawals before acceptance are no
  mediation and do not count.
- success rate (调解成功率): mediated successfully ÷ mediation ended, one cohort whose part the
  numerator is, so never above 100%; none when no mediation ended.
- recovered (挽回经济损失): the amounts awarded per claim by the agreements that took effect
  in the period.
- paid (履行到位金额): payments made under agreements in the period, whatever period the
  agreement took effect in. Never added to "recovered".
- legal-deadline breaches: clocks on dispute cases that fell due in the period and ended
  breached.
- closed (已办结): cases that went through 结案 (the `close` transition, to CLOSED, later maybe
  ARCHIVED) in the period, by their closing date (`closed_on`, set by `close`; `ended_on` is the
  end of mediation or performance).
- average days to closing (平均办结天数): calendar days from receipt (`received_on`) to that
  closing, over the closed cases that had been accepted. Rejections are left out: they are
  decided within three working days and would flatter the mediators' figure.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Deadline,
    DeadlineState,
    DisputeCase,
    DisputeClaim,
    Organisation,
    Payment,
)
from cases.models.rollup import ROLLUP_COUNTERS, DisputeRollup, RollupSpan
from cases.models.dispute.states import Channel
from cases.rules.claims import ClaimType
from cases.rules.deadlines import clock as clock_rule

from .period import Period, next_month

ZERO = Decimal("0.00")

SUCCESS_RATE_LABEL = _("调解成功率（本期调解终结案件中达成协议的比例）")

# What each figure counts, keyed as in DisputeFigures.as_json(); printed beside the figures.
DEFINITIONS = {
    "accepted": _("受理：受理日期在统计期间内的案件（不予受理的案件不计）。集体劳动争议（劳动者一方十人以上并有共同请求）"
                  "计为一件。"),
    "accepted_workers": _("受理案件涉及劳动者人数：受理的案件中劳动者一方的人数之和，集体劳动争议按其全部劳动者计。"),
    "accepted_collective": _("其中集体劳动争议：受理的案件中劳动者一方在十人以上并有共同请求的案件（《劳动争议调解仲裁法》第七条）。"),
    "mediated_successfully": _("调解成功：调解协议生效日期在统计期间内的案件，不论何时受理。受理和调解成功各按自己的日期统计，"
                               "是两批不同的案件，二者相除不是成功率。"),
    "mediation_ended": _("本期调解终结：调解协议在统计期间内生效的案件（即调解成功），以及已受理、在统计期间内因调解不成"
                         "（含期满视为调解不成）或申请人撤回申请而终结调解的案件；不予受理和受理前撤回的案件不计。"),
    "mediation_success_rate_percent": _(
        "调解成功率（本期调解终结案件中达成协议的比例）＝调解成功件数÷本期调解终结件数。本期调解终结的案件包括调解协议"
        "在统计期间内生效的案件，以及已受理、在统计期间内调解不成（含期满视为调解不成）或撤回申请的案件；"
        "调解成功是其中一部分，成功率不会超过100%。"),
    "recovered_yuan": _("挽回经济损失：在统计期间内生效的调解协议确定的各请求事项金额之和。"),
    "paid_yuan": _("履行到位金额：统计期间内实际支付的协议款项，与挽回经济损失分列、不相加。"),
    "deadline_breaches_total": _("法定时限超期：届满日在统计期间内且已超期的案件时限。"),
    "closed": _("已办结：统计期间内办理“结案”的案件（结案后状态为已结案，其后可能已归档），以结案日期为准；"
                "含不予受理后结案的案件。"),
    "average_days_from_receipt_to_closing": _(
        "平均办结天数：统计期间内已办结的案件中已受理的案件，自收到申请之日至结案之日的自然日平均数"
        "（不予受理的案件不计）。"),
}


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
    accepted_workers: int  # the workers the accepted cases involve (a collective case: all of them)
    accepted_collective: int  # accepted cases that are collective disputes (Art.7)
    mediated_successfully: int
    recovered: Decimal
    paid: Decimal
    by_claim_type: list[ClaimTypeFigures]
    by_channel: list[ChannelFigures]
    breaches: list[BreachFigures]
    # accepted cases whose mediation ended in the period without an effective agreement
    mediation_ended_without_agreement: int
    closed: int  # cases closed (结案) in the period
    closed_after_acceptance: int  # of those, the ones that had been accepted
    total_days_to_closing: int  # receipt to closing, summed over closed_after_acceptance

    @property
    def mediation_ended(self) -> int:
        """本期调解终结: the success rate's cohort, of which the successes are part."""
        return self.mediated_successfully + self.mediation_ended_without_agreement

    @property
    def mediation_success_rate(self) -> Decimal | None:
        """Percent with one decimal, or None when no mediation ended in the period."""
        if not self.mediation_ended:
            return None
        return percent(self.mediated_successfully, self.mediation_ended)

    @property
    def breaches_total(self) -> int:
        return sum(row.count for row in self.breaches)

    @property
    def average_days_to_closing(self) -> Decimal | None:
        if not self.closed_after_acceptance:
            return None
        return (Decimal(self.total_days_to_closing) / self.closed_after_acceptance).quantize(Decimal("0.1"),
                                                                                              ROUND_HALF_UP)

    def as_json(self) -> dict:
        """Amounts as decimal strings with two places, so no float ever rounds a yuan."""
        return {
            "organisation": self.organisation.code,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "accepted": self.accepted,
            "accepted_workers": self.accepted_workers,
            "accepted_collective": self.accepted_collective,
            "mediated_successfully": self.mediated_successfully,
            "mediation_ended": self.mediation_ended,
            "mediation_ended_without_agreement": self.mediation_ended_without_agreement,
            "mediation_success_rate_percent": _text(self.mediation_success_rate),
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
            "closed": self.closed,
            "closed_after_acceptance": self.closed_after_acceptance,
            "average_days_from_receipt_to_closing": _text(self.average_days_to_closing),
            "definitions": {key: str(text) for key, text in DEFINITIONS.items()},
        }


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def subtree_ids(organisation: Organisation) -> list[int] | None:
    """The subtree's organisation keys; None when it is every organisation there is (a city
    federation's report), so the queries need no organisation filter and no join for one."""
    return _subtree(organisation)[1]


def _subtree(organisation: Organisation) -> tuple[list[int], list[int] | None]:
    """The subtree's organisation keys, and subtree_ids()' answer."""
    ids = list(Organisation.objects.subtree_of([organisation]).values_list("pk", flat=True))
    return ids, None if len(ids) == Organisation.objects.count() else ids


def in_subtree(queryset, org_ids: list[int] | None, *, via: str = "organisation"):
    return queryset if org_ids is None else queryset.filter(**{f"{via}_id__in": org_ids})


def dispute_figures(*, organisation: Organisation, period: Period) -> DisputeFigures:
    """One query of the running totals (cases/models/rollup.py): the period's whole months
    read a month's row each, its ragged edges their days' rows."""
    _all_ids, org_ids = _subtree(organisation)
    totals = {(channel, claim_type, clock): counters for channel, claim_type, clock, *counters in
              in_subtree(DisputeRollup.objects, org_ids).filter(_rows_covering(period))
              .values_list("channel", "claim_type", "clock").annotate(*(Sum(name) for name in ROLLUP_COUNTERS))}
    rows = {key: dict(zip(ROLLUP_COUNTERS, (value or 0 for value in counters), strict=True))
            for key, counters in totals.items()}
    by_channel = {key[0]: row for key, row in rows.items() if key[0]}
    by_claim = {key[1]: row for key, row in rows.items() if key[1]}
    plain = rows.get(("", "", ""), dict.fromkeys(ROLLUP_COUNTERS, 0))
    return DisputeFigures(
        organisation=organisation,
        period=period,
        accepted=sum(row["accepted"] for row in by_channel.values()),
        accepted_workers=sum(row["accepted_workers"] for row in by_channel.values()),
        accepted_collective=sum(row["accepted_collective"] for row in by_channel.values()),
        mediated_successfully=sum(row["mediated_successfully"] for row in by_channel.values()),
        recovered=_yuan(sum(row["recovered_fen"] for row in by_claim.values())),
        paid=_yuan(plain["paid_fen"]),
        by_claim_type=[
            ClaimTypeFigures(claim_type=claim_type, label=str(label), accepted_cases=row["claimed_cases"],
                             claimed=_yuan(row["claimed_fen"]), successful_cases=row["won_cases"],
                             recovered=_yuan(row["recovered_fen"]))
            for claim_type, label in ClaimType.choices
            if (row := by_claim.get(claim_type)) and (row["claimed_cases"] or row["won_cases"])
        ],
        by_channel=[
            ChannelFigures(channel=channel, label=str(label), accepted=row["accepted"],
                           mediated_successfully=row["mediated_successfully"], recovered=_yuan(row["recovered_fen"]))
            for channel, label in Channel.choices
            if (row := by_channel.get(channel)) and (row["accepted"] or row["mediated_successfully"])
        ],
        breaches=[BreachFigures(clock=key[2], label=str(clock_rule(key[2]).name), count=row["breaches"])
                  for key, row in sorted(rows.items(), key=lambda item: item[0][2])
                  if key[2] and row["breaches"]],
        mediation_ended_without_agreement=plain["ended_without_agreement"],
        closed=plain["closed"],
        closed_after_acceptance=plain["closed_accepted"],
        total_days_to_closing=plain["days_to_closing"],
    )


def _rows_covering(period: Period) -> Q:
    """The month rows of the months the period covers whole, the day rows of the rest."""
    months = [start for start in _month_starts(period.start, period.end)
              if start >= period.start and next_month(start) <= period.end + timedelta(days=1)]
    if not months:
        return Q(span=RollupSpan.DAY, starts_on__range=(period.start, period.end))
    covering = Q(span=RollupSpan.MONTH, starts_on__in=months)
    if period.start < months[0]:
        covering |= Q(span=RollupSpan.DAY, starts_on__range=(period.start, months[0] - timedelta(days=1)))
    after_months = next_month(months[-1])
    if after_months <= period.end:
        covering |= Q(span=RollupSpan.DAY, starts_on__range=(after_months, period.end))
    return covering


def _month_starts(start: date, end: date) -> list[date]:
    starts, day = [], start.replace(day=1)
    while day <= end:
        starts.append(day)
        day = next_month(day)
    return starts


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def dispute_figures_from_cases(*, organisation: Organisation, period: Period) -> DisputeFigures:
    """The same figures aggregated from the cases themselves (what the running totals were
    checked against; its time grows with the history). Eight aggregate queries; each grouped
    one feeds several figures (a total is its groups' sum): the accepted cases by channel also
    give the workers they involve and the collective ones."""
    all_ids, org_ids = _subtree(organisation)
    dates = (period.start, period.end)
    cases = in_subtree(DisputeCase.objects.all(), org_ids)
    accepted_rows = list(cases.filter(accepted_on__range=dates).values_list("channel").annotate(
        n=Count("pk"), workers=Sum("worker_count"), collective=Count("pk", filter=Q(collective=True))))
    accepted_by_channel = {channel: n for channel, n, _workers, _collective in accepted_rows}
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
    # The successes end their mediation by taking effect; the others by `ended_on`.
    ended_without_agreement = cases.filter(accepted_on__isnull=False, ended_on__range=dates,
                                           agreement__effective_on__isnull=True).count()
    closed, closed_accepted, total_days = _closings(all_ids, period)
    return DisputeFigures(
        organisation=organisation,
        period=period,
        accepted=sum(accepted_by_channel.values()),
        accepted_workers=sum(workers or 0 for *_keys, workers, _collective in accepted_rows),
        accepted_collective=sum(collective for *_keys, collective in accepted_rows),
        mediated_successfully=sum(agreed_by_channel.values()),
        recovered=sum((recovered for *_keys, recovered in won), ZERO),
        paid=_sum(in_subtree(Payment.objects, org_ids, via="instalment__agreement__case__organisation")
                  .filter(paid_on__range=dates), "amount"),
        by_claim_type=_by_claim_type(asked, won),
        by_channel=_by_channel(accepted_by_channel, agreed_by_channel, won),
        breaches=_breaches(org_ids, period),
        mediation_ended_without_agreement=ended_without_agreement,
        closed=closed,
        closed_after_acceptance=closed_accepted,
        total_days_to_closing=total_days,
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


def _closings(org_ids: list[int], period: Period) -> tuple[int, int, int]:
    """Cases closed (结案) in the period by their closing date, those of them accepted, and their
    days from receipt to closing; read from the (closed_on, organisation) index."""
    dates = (period.start, period.end)
    closed = DisputeCase.objects.filter(organisation_id__in=org_ids, closed_on__range=dates)
    days = ExpressionWrapper(F("closed_on") - F("received_on"), output_field=DurationField())
    totals = closed.aggregate(cases=Count("pk"), accepted=Count("pk", filter=Q(accepted_on__isnull=False)),
                              duration=Sum(days, filter=Q(accepted_on__isnull=False)))
    duration = totals["duration"] or timedelta(0)
    return totals["cases"], totals["accepted"], duration.days
