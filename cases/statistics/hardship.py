"""Hardship figures for an organisation's subtree over a period, aggregated in the database.

- open files (在档): files opened on or before the period's last day and not exited by
  then — the register as it stood at the end of the period — counted by category.
- newly identified households (新认定): households whose file was opened in the period.
- coverage (帮扶覆盖率): of the households on file at the end of the period, the share that
  received at least one disbursement in the period. ../shared/DOMAIN.md names coverage
  without defining it; this is the definition the report uses and prints beside the figure.
- aid paid (帮扶资金发放): disbursements paid in the period, by aid type and by fund.
- files due for yearly review (待年度复核): files open now whose next review falls on or
  before the period's last day (动态管理, at least yearly).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from cases.models import Disbursement, HardshipFile, HardshipStatus, Organisation
from cases.models.hardship.states import AidType
from cases.rules.eligibility import Category

from .disputes import in_subtree, percent, subtree_ids
from .period import Period

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CountByLabel:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class AidByType:
    aid_type: str
    label: str
    disbursements: int
    households: int
    amount: Decimal


@dataclass(frozen=True)
class AidByFund:
    fund_id: int
    fund: str
    aid_type: str
    disbursements: int
    amount: Decimal


@dataclass(frozen=True)
class HardshipFigures:
    organisation: Organisation
    period: Period
    open_by_category: list[CountByLabel]
    newly_identified: int
    aided_households: int  # households on file at the end of the period that received aid in it
    aid_by_type: list[AidByType]
    aid_by_fund: list[AidByFund]
    due_for_review: int

    @property
    def open_files(self) -> int:
        return sum(row.count for row in self.open_by_category)

    @property
    def coverage(self) -> Decimal | None:
        """Percent with one decimal, or None when no household is on file."""
        if not self.open_files:
            return None
        return percent(self.aided_households, self.open_files)

    @property
    def aid_paid(self) -> Decimal:
        return sum((row.amount for row in self.aid_by_type), ZERO)

    def as_json(self) -> dict:
        return {
            "organisation": self.organisation.code,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "open_files": self.open_files,
            "open_by_category": {row.key: row.count for row in self.open_by_category},
            "newly_identified": self.newly_identified,
            "aided_households": self.aided_households,
            "coverage_percent": None if self.coverage is None else str(self.coverage),
            "aid_paid_yuan": f"{self.aid_paid:.2f}",
            "aid_by_type": {row.aid_type: f"{row.amount:.2f}" for row in self.aid_by_type},
            "aid_by_fund": [{"fund": row.fund, "aid_type": row.aid_type, "disbursements": row.disbursements,
                             "amount_yuan": f"{row.amount:.2f}"} for row in self.aid_by_fund],
            "due_for_review": self.due_for_review,
        }


def on_file_at(files, day):
    """Files opened by `day` and not exited by then."""
    return files.filter(opened_on__lte=day).filter(Q(exited_on__isnull=True) | Q(exited_on__gt=day))


def hardship_figures(*, organisation: Organisation, period: Period) -> HardshipFigures:
    files = in_subtree(HardshipFile.objects.all(), subtree_ids(organisation))
    on_file = on_file_at(files, period.end)
    paid = Disbursement.objects.filter(plan__file__in=files, paid_on__range=(period.start, period.end))
    return HardshipFigures(
        organisation=organisation,
        period=period,
        open_by_category=_open_by_category(on_file),
        newly_identified=files.filter(opened_on__range=(period.start, period.end))
        .values("household").distinct().count(),
        aided_households=on_file.filter(aid_plans__disbursements__in=paid).values("household").distinct().count(),
        aid_by_type=_aid_by_type(paid),
        aid_by_fund=_aid_by_fund(paid),
        due_for_review=files.filter(status=HardshipStatus.OPEN, next_review_due__lte=period.end).count(),
    )


def _open_by_category(on_file) -> list[CountByLabel]:
    counts = dict(on_file.values_list("category").annotate(n=Count("pk")))
    return [CountByLabel(key, str(label), counts[key]) for key, label in Category.choices if counts.get(key)]


def _aid_by_type(paid) -> list[AidByType]:
    rows = {
        row["plan__aid_type"]: row
        for row in paid.values("plan__aid_type").annotate(
            n=Count("pk"), households=Count("plan__file__household", distinct=True), amount=Sum("amount"),
        )
    }
    return [
        AidByType(key, str(label), rows[key]["n"], rows[key]["households"], rows[key]["amount"])
        for key, label in AidType.choices if key in rows
    ]


def _aid_by_fund(paid) -> list[AidByFund]:
    rows = (paid.values("plan__fund", "plan__fund__name", "plan__fund__aid_type")
            .annotate(n=Count("pk"), amount=Sum("amount")).order_by("plan__fund__name", "plan__fund"))
    return [
        AidByFund(row["plan__fund"], row["plan__fund__name"], row["plan__fund__aid_type"], row["n"], row["amount"])
        for row in rows
    ]
