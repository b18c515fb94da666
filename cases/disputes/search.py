"""Case search (案件查询), read-only: cases in the user's subtrees matching what was typed, newest first.

Shaped for hundreds of thousands of cases (issue 18, point 3):
- the organisation scope is resolved once, through cases.models.access.scoped, to a list of ids,
  and filtered once;
- what was typed is first looked up through the indexes (the trigram indexes of migration 0027 on
  PostgreSQL), scope included, for at most COUNT_CAP + 1 cases. When that finds them all, the page
  is read by their ids and their number is known. When there are more, matches are common enough
  that walking the index of the default order (-received_on, -pk) meets a page of them soon, and
  the page says "1000+" instead of counting on;
- the claimed amount is a correlated subquery: only the rows of the page are summed.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum

from cases.models import DisputeCase, DisputeClaim, Employer, Organisation, Worker
from cases.models.access import scoped
from cases.models.encrypted import blind_index
from cases.rules.validators import normalise_resident_id, normalise_uscc

COUNT_CAP = 1000  # 50 pages of 20: past them a narrower query serves better than counting on


@dataclass(frozen=True)
class Found:
    """A search's cases (newest first, each with its `claimed` total) and how many there are,
    counted no further than COUNT_CAP + 1."""

    cases: QuerySet[DisputeCase]
    counted: int

    @property
    def capped(self) -> bool:
        return self.counted > COUNT_CAP


def search_scope(user) -> list[int]:
    """The ids of the organisations whose cases `user` searches: their subtrees."""
    return list(scoped(Organisation.objects.all(), user, via="self").values_list("pk", flat=True))


def search_cases(user, query: str = "", *, status: str = "", organisation_ids=None) -> Found:
    """Cases in `user`'s subtrees matching `query`, newest first.

    A case number, a worker's or employer's name match in part; a resident ID or a unified
    social credit code only in full, so that nobody can fish for identity numbers digit by digit.
    `organisation_ids`: the organisations to search, which the caller has already resolved
    within the user's subtrees (the search page, from what the request read once), as they are.
    """
    scope = list(organisation_ids) if organisation_ids is not None else search_scope(user)
    cases = DisputeCase.objects.filter(organisation_id__in=scope)
    if status:
        cases = cases.filter(status=status)
    query = (query or "").strip()
    if not query:
        return Found(_listed(cases), capped_count(cases, COUNT_CAP))
    matched = _matching_ids(cases, query)
    if len(matched) <= COUNT_CAP:
        return Found(_listed(cases.filter(pk__in=matched)), len(matched))
    return Found(_listed(cases.filter(_matches(query))), len(matched))


def capped_count(cases: QuerySet, cap: int) -> int:
    """How many rows `cases` has, counting no further than `cap` + 1. (In the default order: on
    PostgreSQL the same index walk as the page's.)"""
    return cases.order_by("-received_on", "-pk").values("pk")[: cap + 1].count()


def _parties(query: str) -> tuple[QuerySet, QuerySet]:
    """The workers and the employers `query` names: in part by name, in full by ID or credit code."""
    resident_id = blind_index("resident_id", normalise_resident_id(query))
    workers = Worker.objects.filter(Q(name__icontains=query) | Q(resident_id_index=resident_id))
    employers = Employer.objects.filter(Q(name__icontains=query) | Q(uscc=normalise_uscc(query)))
    return workers.values("pk"), employers.values("pk")


def _matches(query: str) -> Q:
    """The same condition as _matching_ids', through joins: cheap row by row along an index walk."""
    return (
        Q(number__icontains=query) | Q(worker__name__icontains=query) | Q(employer__name__icontains=query)
        | Q(worker__resident_id_index=blind_index("resident_id", normalise_resident_id(query)))
        | Q(employer__uscc=normalise_uscc(query))
    )


def _matching_ids(cases: QuerySet, query: str) -> list[int]:
    """Ids of up to COUNT_CAP + 1 of `cases` matching `query`, each found through an index: by
    number, else by worker, else by employer (disjoint, so that no case is counted twice)."""
    workers, employers = _parties(query)
    number = Q(number__icontains=query)
    by_number = cases.filter(number)
    by_worker = cases.filter(worker__in=workers).exclude(number)
    by_employer = cases.filter(employer__in=employers).exclude(number).exclude(worker__in=workers)
    branches = [branch.order_by().values_list("pk", flat=True) for branch in (by_number, by_worker, by_employer)]
    return list(branches[0].union(*branches[1:], all=True)[: COUNT_CAP + 1])


def _listed(cases: QuerySet) -> QuerySet[DisputeCase]:
    claimed = (DisputeClaim.objects.filter(case=OuterRef("pk")).order_by().values("case")
               .annotate(total=Sum("amount_claimed")).values("total"))
    return (cases.select_related("worker", "employer", "organisation")
            .annotate(claimed=Subquery(claimed)).order_by("-received_on", "-pk"))
