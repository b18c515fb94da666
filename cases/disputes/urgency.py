"""A case's urgency: its nearest running legal clock, the one its queue rows sort by.

The clocks of a dispute case are its own (acceptance review, mediation period, signing...) and
those of its agreement's instalments. The nearest is the awaiting one (running, or breached at
import while its step is still to be taken: DeadlineQuerySet.awaiting) with the earliest due
date, the older clock first among equals.

Read in two index lookups whatever the number of cases: their instalments, then the awaiting
clocks of both by (subject_type, subject_id) with the ids spelled out. A correlated subquery
per case (an OR of the case's clocks and its instalments') cannot use that index and scans
every clock per case: minutes at 100,000 cases.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from cases.models import Deadline, DisputeCase
from cases.models.dispute.agreement import Instalment


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
    case_type = ContentType.objects.get_for_model(DisputeCase, for_concrete_model=False)
    instalment_type = ContentType.objects.get_for_model(Instalment, for_concrete_model=False)
    case_of_instalment = dict(Instalment.objects.filter(agreement__case_id__in=case_ids)
                              .values_list("pk", "agreement__case_id"))
    subjects = Q(subject_type=case_type, subject_id__in=[str(pk) for pk in case_ids])
    if case_of_instalment:
        subjects |= Q(subject_type=instalment_type, subject_id__in=[str(pk) for pk in case_of_instalment])
    clocks = Deadline.objects.awaiting().filter(subjects).order_by("due_on", "pk").values_list(
        "subject_type_id", "subject_id", "due_on", "provisional", "imported")
    nearest = dict.fromkeys(case_ids, NO_CLOCK)
    for subject_type, subject_id, due_on, provisional, imported in clocks:
        case_id = int(subject_id) if subject_type == case_type.pk else case_of_instalment[int(subject_id)]
        if nearest[case_id] is NO_CLOCK:  # the first is the nearest: ordered by due date, then age
            nearest[case_id] = CaseClock(due_on, provisional, imported)
    return nearest


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


def cases_of_instalments(instalment_ids) -> set[int]:
    return set(Instalment.objects.filter(pk__in=list(instalment_ids)).values_list("agreement__case_id", flat=True))
