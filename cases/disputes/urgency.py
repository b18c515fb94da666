"""A case's urgency: its nearest running legal clock, the one its queue rows sort by.

The clocks of a dispute case are its own (acceptance review, mediation period, signing...) and
those of its agreement's instalments; each carries the case it counts in (Deadline.dispute_case,
set when it opens). The nearest is the awaiting one (running, or breached at import while its
step is still to be taken: DeadlineQuerySet.awaiting) with the earliest due date, the older
clock first among equals: one lookup on the (dispute_case, due_on) index, for one case or
thousands.
"""

from dataclasses import dataclass
from datetime import date

from cases.models import Deadline


@dataclass(frozen=True)
class CaseClock:
    """What a queue row shows of a case's nearest clock."""

    due_on: date | None
    provisional: bool
    imported: bool


NO_CLOCK = CaseClock(None, False, False)


def nearest_clocks(case_ids) -> dict[int, CaseClock]:
    """Each case's nearest awaiting clock (NO_CLOCK when none runs)."""
    case_ids = list(case_ids)
    if not case_ids:
        return {}
    clocks = nearest_first().filter(dispute_case_id__in=case_ids).values_list(
        "dispute_case_id", "due_on", "provisional", "imported")
    nearest = dict.fromkeys(case_ids, NO_CLOCK)
    for case_id, due_on, provisional, imported in clocks:
        if nearest[case_id] is NO_CLOCK:  # the first is the nearest: ordered by due date, then age
            nearest[case_id] = CaseClock(due_on, provisional, imported)
    return nearest


def nearest_first():
    """Awaiting clocks, the nearest first: what a case's urgency is read from."""
    return Deadline.objects.awaiting().order_by("due_on", "pk")


def cases_of_clocks(deadlines) -> set[int]:
    """The dispute cases whose urgency `deadlines` count in (other subjects' clocks left out)."""
    return {deadline.dispute_case_id for deadline in deadlines if deadline.dispute_case_id is not None}


def clocks_counted_elsewhere() -> list[str]:
    """Clocks whose dispute_case is not the case their subject belongs to, one line each: the
    case of a case's own clock is the case; of an instalment's, its agreement's case."""
    return [f"clock {deadline_id}: counted in case {stored}, its subject belongs to case {derived}"
            for deadline_id, stored, derived in _miscounted()]


def recount_clock_cases() -> int:
    """Give every clock the case its subject belongs to; returns how many were wrong."""
    wrong = list(_miscounted())
    for deadline_id, _stored, derived in wrong:
        Deadline.objects.filter(pk=deadline_id).update(dispute_case_id=derived)
    return len(wrong)


def _miscounted():
    rows = _clock_cases().values_list("pk", "dispute_case_id", "derived").order_by("pk")
    return ((pk, stored, derived) for pk, stored, derived in rows.iterator(chunk_size=5000) if stored != derived)


def _clock_cases():
    """Every clock with `derived`, the case its subject belongs to (None for other subjects),
    worked out from the subject, not from dispute_case."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Case, IntegerField, OuterRef, Subquery, When
    from django.db.models.functions import Cast

    from cases.models import DisputeCase
    from cases.models.dispute.agreement import Instalment

    case_type = ContentType.objects.get_for_model(DisputeCase, for_concrete_model=False)
    instalment_type = ContentType.objects.get_for_model(Instalment, for_concrete_model=False)
    subject_key = Cast(OuterRef("subject_id"), IntegerField())
    case_of_instalment = Instalment.objects.filter(pk=subject_key).values("agreement__case_id")[:1]
    return Deadline.objects.annotate(derived=Case(
        When(subject_type=case_type, then=Cast("subject_id", IntegerField())),
        When(subject_type=instalment_type, then=Subquery(case_of_instalment)),
        default=None, output_field=IntegerField(),
    ))
