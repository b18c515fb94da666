"""A case's urgency: its nearest running legal clock, the one its queue rows sort by.

The clocks of a dispute case are its own (acceptance review, mediation period, signing...) and
those of its agreement's instalments. The nearest is the awaiting one (running, or breached at
import while its step is still to be taken: DeadlineQuerySet.awaiting) with the earliest due
date, the older clock first among equals.

`nearest_clock` is the definition, as a subquery on a case reference, so the queue's stored due
dates (workflows/dispute/queue_entries.py) are computed by the same SQL that checks them.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from cases.models import Deadline, DisputeCase
from cases.models.dispute.agreement import Instalment


@dataclass(frozen=True)
class CaseClock:
    """What a queue row shows of a case's nearest clock."""

    due_on: date | None
    provisional: bool
    imported: bool


NO_CLOCK = CaseClock(None, False, False)


def nearest_clock(case_ref: OuterRef):
    """The awaiting clocks of the case `case_ref` points at (its id), nearest first."""
    case_type = ContentType.objects.get_for_model(DisputeCase, for_concrete_model=False)
    instalment_type = ContentType.objects.get_for_model(Instalment, for_concrete_model=False)
    instalment_keys = (
        Instalment.objects.filter(agreement__case_id=OuterRef(case_ref))
        .annotate(key=Cast("pk", CharField())).values("key")
    )
    return Deadline.objects.awaiting().filter(
        Q(subject_type=case_type, subject_id=Cast(case_ref, CharField()))
        | Q(subject_type=instalment_type, subject_id__in=instalment_keys)
    ).order_by("due_on", "pk")


def clock_annotations(case_path: str) -> dict:
    """Annotations (due_on, due_provisional, due_imported) of the nearest clock of the case at
    `case_path` from the annotated model, for .annotate() or .update()."""
    nearest = nearest_clock(OuterRef(case_path))
    return {
        "due_on": Subquery(nearest.values("due_on")[:1]),
        "due_provisional": Coalesce(Subquery(nearest.values("provisional")[:1]), Value(False)),
        "due_imported": Coalesce(Subquery(nearest.values("imported")[:1]), Value(False)),
    }


def nearest_clocks(case_ids) -> dict[int, CaseClock]:
    """Each case's nearest clock (NO_CLOCK when none runs), in one query."""
    rows = DisputeCase.objects.filter(pk__in=list(case_ids)).annotate(**clock_annotations("pk")).values_list(
        "pk", "due_on", "due_provisional", "due_imported",
    )
    return {pk: CaseClock(due, provisional, imported) for pk, due, provisional, imported in rows}


def case_clock_subjects(deadlines) -> tuple[set[int], set[int]]:
    """(case ids, instalment ids) among the subjects of `deadlines`: the clocks a case's urgency
    is made of. Other subjects (hardship files, schedules) are left out."""
    case_type = ContentType.objects.get_for_model(DisputeCase, for_concrete_model=False)
    instalment_type = ContentType.objects.get_for_model(Instalment, for_concrete_model=False)
    cases, instalments = set(), set()
    for deadline in deadlines:
        if deadline.subject_type_id == case_type.pk:
            cases.add(int(deadline.subject_id))
        elif deadline.subject_type_id == instalment_type.pk:
            instalments.add(int(deadline.subject_id))
    return cases, instalments
