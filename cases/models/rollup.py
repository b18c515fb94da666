"""The dispute figures kept as running totals, so the federation's report reads a few thousand
rows whatever the history (cases/statistics/disputes.py), not the cases themselves.

One row per organisation, span (a day, or the calendar month that day falls in: both are kept,
so a half-year reads six months and only the period's ragged edges read days) and dimension:
- a channel row (`channel` set): cases accepted that day by that channel, with their workers
  and the collective ones; agreements that took effect that day and what they awarded;
- a claim-type row (`claim_type` set): accepted cases with a claim of that type and what it
  claimed; cases whose agreement took effect with an awarded claim of that type, and the award;
- a clock row (`clock` set): dispute clocks breached whose due date was that day;
- the plain row (no dimension): mediations ended without agreement, payments made, cases
  closed (those accepted, and their days from receipt to closing).

Amounts are whole fen, exact on every database. The door, the deadline sweep and the imports
add to them in the same transaction as the change they count (cases/statistics/rollup.py);
`manage.py reconcile_stats` recomputes them from the cases and fails on any difference.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .orgs import Organisation


class RollupSpan(models.TextChoices):
    DAY = "day", _("日")
    MONTH = "month", _("月")


# The counters, in the order the upsert writes them.
ROLLUP_COUNTERS = (
    "accepted", "accepted_workers", "accepted_collective", "mediated_successfully", "recovered_fen",
    "claimed_cases", "claimed_fen", "won_cases", "ended_without_agreement", "paid_fen", "breaches",
    "closed", "closed_accepted", "days_to_closing",
)
ROLLUP_KEY = ("span", "starts_on", "organisation_id", "channel", "claim_type", "clock")


class DisputeRollup(models.Model):
    span = models.CharField(_("统计跨度"), max_length=8, choices=RollupSpan.choices)
    starts_on = models.DateField(_("起始日期"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    channel = models.CharField(_("申请方式"), max_length=32, blank=True, default="")
    claim_type = models.CharField(_("请求事项类型"), max_length=40, blank=True, default="")
    clock = models.CharField(_("法定时限"), max_length=64, blank=True, default="")

    accepted = models.IntegerField(default=0)
    accepted_workers = models.IntegerField(default=0)
    accepted_collective = models.IntegerField(default=0)
    mediated_successfully = models.IntegerField(default=0)
    recovered_fen = models.BigIntegerField(default=0)
    claimed_cases = models.IntegerField(default=0)
    claimed_fen = models.BigIntegerField(default=0)
    won_cases = models.IntegerField(default=0)
    ended_without_agreement = models.IntegerField(default=0)
    paid_fen = models.BigIntegerField(default=0)
    breaches = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_accepted = models.IntegerField(default=0)
    days_to_closing = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("争议统计累计")
        verbose_name_plural = _("争议统计累计")
        constraints = [
            # Also the report's index: span and dates first, then the subtree's organisations.
            models.UniqueConstraint(fields=["span", "starts_on", "organisation", "channel", "claim_type", "clock"],
                                    name="dispute_rollup_key"),
        ]

    def __str__(self):
        return f"{self.span} {self.starts_on} {self.organisation_id} {self.channel}{self.claim_type}{self.clock}"
