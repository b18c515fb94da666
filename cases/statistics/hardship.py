"""Hardship figures for an organisation's subtree over a period, aggregated in the database.

- open files (在档): files opened on or before the period's last day and not exited by
  then — the register as it stood at the end of the period — counted by category.
- newly identified households (新认定): households whose file was opened in the period.
- coverage (帮扶覆盖率): of the households on file at the end of the period, the share that
  received at least one disbursement in the period. ../shared/DOMAIN.md names coverage
  without defining it; this is the definition the report uses and prints beside the figure.
- aid paid (帮扶资金发放): disbursements paid in the period — under aid plans of the subtree's
  files and to the subtree's aid programme applications (送温暖, 金秋助学, 医疗救助, 临时救助) —
  by aid type (a programme's payment counts as its fund line's type), by fund, by programme
  (帮扶计划 beside each programme) and by the household's cause of hardship (致困原因; a
  household with none recorded counts as 未登记). Coverage counts a household on file aided
  by a plan or a programme alike.
- files due for yearly review (待年度复核): files open now whose next review falls on or
  before the period's last day (动态管理, at least yearly).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.models import Disbursement, HardshipFile, HardshipStatus, Organisation
from cases.models.hardship.household import HardshipCause
from cases.models.hardship.states import AidProgramme, AidType
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
class AidByGroup:
    """Aid paid to one group: a programme (or the aid plans), or a cause of hardship."""

    key: str
    label: str
    disbursements: int
    households: int
    amount: Decimal


PLANS = "plan"  # the aid plans' payments, beside the programmes'
PLANS_LABEL = _("帮扶计划（个性化帮扶）")
UNRECORDED = "unrecorded"
UNRECORDED_LABEL = _("未登记致困原因")


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
    aid_by_programme: list[AidByGroup]
    aid_by_cause: list[AidByGroup]

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
            "aid_by_programme": {row.key: f"{row.amount:.2f}" for row in self.aid_by_programme},
            "aid_by_cause": {row.key: f"{row.amount:.2f}" for row in self.aid_by_cause},
        }


def on_file_at(files, day):
    """Files opened by `day` and not exited by then."""
    return files.filter(opened_on__lte=day).filter(Q(exited_on__isnull=True) | Q(exited_on__gt=day))


def paid_in(org_ids: list[int] | None, period: Period):
    """Disbursements paid in the period under the subtree's plans and programme applications, each
    with its household, its aid type (the plan's, or the programme fund line's) and its programme."""
    paid = Disbursement.objects.filter(paid_on__range=(period.start, period.end))
    if org_ids is not None:
        paid = paid.filter(Q(plan__file__organisation_id__in=org_ids)
                           | Q(application__organisation_id__in=org_ids))
    return paid.annotate(
        household_id=Coalesce(F("plan__file__household"), F("application__household")),
        kind_of_aid=Coalesce(F("plan__aid_type"), F("entry__fund__aid_type")),
        programme=Coalesce(F("application__programme"), Value(PLANS), output_field=CharField()),
        cause=Coalesce(F("plan__file__household__cause"), F("application__household__cause")),
    )


def hardship_figures(*, organisation: Organisation, period: Period) -> HardshipFigures:
    org_ids = subtree_ids(organisation)
    files = in_subtree(HardshipFile.objects.all(), org_ids)
    on_file = on_file_at(files, period.end)
    paid = paid_in(org_ids, period)
    return HardshipFigures(
        organisation=organisation,
        period=period,
        open_by_category=_open_by_category(on_file),
        newly_identified=files.filter(opened_on__range=(period.start, period.end))
        .values("household").distinct().count(),
        aided_households=on_file.filter(household__in=paid.values("household_id")).values("household")
        .distinct().count(),
        aid_by_type=_aid_by_type(paid),
        aid_by_fund=_aid_by_fund(paid),
        due_for_review=files.filter(status=HardshipStatus.OPEN, next_review_due__lte=period.end).count(),
        aid_by_programme=_aid_by_programme(paid),
        aid_by_cause=_aid_by_cause(paid),
    )


def _open_by_category(on_file) -> list[CountByLabel]:
    counts = dict(on_file.values_list("category").annotate(n=Count("pk")))
    return [CountByLabel(key, str(label), counts[key]) for key, label in Category.choices if counts.get(key)]


def _grouped(paid, key: str) -> dict[str, dict]:
    """Payments, households and amount per value of the annotation `key`."""
    return {
        row[key]: row
        for row in paid.values(key).annotate(
            n=Count("pk"), households=Count("household_id", distinct=True), amount=Sum("amount"),
        ).order_by(key)
    }


def _aid_by_type(paid) -> list[AidByType]:
    rows = _grouped(paid, "kind_of_aid")
    return [
        AidByType(key, str(label), rows[key]["n"], rows[key]["households"], rows[key]["amount"])
        for key, label in AidType.choices if key in rows
    ]


def _aid_by_fund(paid) -> list[AidByFund]:
    rows = (paid.values("entry__fund", "entry__fund__name", "entry__fund__aid_type")
            .annotate(n=Count("pk"), amount=Sum("amount")).order_by("entry__fund__name", "entry__fund"))
    return [
        AidByFund(row["entry__fund"], row["entry__fund__name"], row["entry__fund__aid_type"], row["n"], row["amount"])
        for row in rows
    ]


def _aid_by_programme(paid) -> list[AidByGroup]:
    """The aid plans first, then each programme, in the order of the programmes' list."""
    rows = _grouped(paid, "programme")
    groups = [(PLANS, PLANS_LABEL), *AidProgramme.choices]
    return [AidByGroup(key, str(label), rows[key]["n"], rows[key]["households"], rows[key]["amount"])
            for key, label in groups if key in rows]


def _aid_by_cause(paid) -> list[AidByGroup]:
    """By the household's cause of hardship, in the causes' order; households with none recorded last."""
    rows = _grouped(paid, "cause")
    groups = [*HardshipCause.choices, ("", UNRECORDED_LABEL)]
    return [AidByGroup(key or UNRECORDED, str(label), rows[key]["n"], rows[key]["households"], rows[key]["amount"])
            for key, label in groups if key in rows]
