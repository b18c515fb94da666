"""Linking civil-affairs records to the people on file (民政数据比对, issue 5), and the
caseworker's decision on each link in the 疑似困难 queue.

- `link_civil_records(...)`: people on file in the organisation's subtree against its records
  (cases.rules.linkage); "match" is confirmed at once and becomes a candidate hardship file,
  "review" waits for a caseworker.
- `confirm_link` / `reject_link`: the caseworker's decision, journalled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.hardship.identification import START_HARDSHIP_FLOW, open_hardship_file
from cases.models import (
    AuditAction,
    CivilAffairsImport,
    CivilAffairsRecord,
    DisputeCase,
    EmploymentStatus,
    HardshipFile,
    Household,
    HouseholdMember,
    LinkCandidate,
    LinkDecision,
    LinkStatus,
    Organisation,
    Relation,
    Role,
    Worker,
)
from cases.models.access import require_can_act
from cases.models.actors import system
from cases.models.hardship.states import ENDED_STATES, IdentificationSource
from cases.platform import effects
from cases.platform.audit.journal import append_event
from cases.rules.calendar import moment_label
from cases.rules.linkage import MATCH, REVIEW, PersonRecord, is_valid_resident_id, link
from cases.rules.validators import normalise_resident_id

# The system actor of the civil-affairs exchange: automatic links, and imports run without a user.
ACTOR_NAME = "import_civil_affairs"
BATCH_SIZE = 1000
NOTE_LENGTH = LinkCandidate._meta.get_field("decision_note").max_length


@dataclass
class LinkSummary:
    records: int = 0
    people: int = 0
    matched: int = 0  # new links confirmed automatically
    review: int = 0  # new links waiting in the queue
    files_opened: int = 0
    already_known: int = 0  # links found again (pending, confirmed or rejected): left as they were
    unmatched: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Person:
    ref: str
    worker_id: int
    member_id: int | None
    organisation_id: int
    record: PersonRecord


def _id_region(number: str | None) -> str | None:
    return normalise_resident_id(number)[:6] if number and is_valid_resident_id(number) else None


def people_on_file(organisation: Organisation) -> dict[str, _Person]:
    """Workers heading or belonging to households in the subtree, workers of its dispute cases,
    and household members without a worker record (linked through their household's head)."""
    subtree = Organisation.objects.subtree_of([organisation]).values("pk")
    people: dict[str, _Person] = {}
    worker_org: dict[int, int] = {}
    worker_region: dict[int, str] = {}
    households = list(Household.objects.filter(organisation__in=subtree).values_list(
        "pk", "head_id", "organisation_id", "region_code"))
    household_info = {pk: (head_id, org_id, region) for pk, head_id, org_id, region in households}
    for _pk, head_id, org_id, region in households:
        worker_org.setdefault(head_id, org_id)
        worker_region.setdefault(head_id, region)
    members = list(HouseholdMember.objects.filter(household__organisation__in=subtree).values_list(
        "pk", "household_id", "worker_id", "name", "relation", "resident_id", "birth_date"))
    for _pk, household_id, worker_id, *_rest in members:
        if worker_id:
            _head, org_id, region = household_info[household_id]
            worker_org.setdefault(worker_id, org_id)
            worker_region.setdefault(worker_id, region)
    for worker_id, org_id in DisputeCase.objects.filter(organisation__in=subtree).order_by(
            "-pk").values_list("worker_id", "organisation_id"):
        worker_org.setdefault(worker_id, org_id)
    worker_ids = set()
    for worker in Worker.objects.filter(pk__in=list(worker_org)).values("pk", "name", "resident_id", "birth_date"):
        worker_ids.add(normalise_resident_id(worker["resident_id"]) if worker["resident_id"] else None)
        ref = f"w:{worker['pk']}"
        people[ref] = _Person(ref, worker["pk"], None, worker_org[worker["pk"]], PersonRecord(
            ref, worker["name"], worker["resident_id"] or None, worker["birth_date"],
            worker_region.get(worker["pk"]) or _id_region(worker["resident_id"])))
    for pk, household_id, worker_id, name, relation, resident_id, birth in members:
        if worker_id or relation == Relation.SELF:
            continue  # a worker on file already, or the head (who is)
        if resident_id and normalise_resident_id(resident_id) in worker_ids:
            continue  # the same person as a worker on file
        head_id, org_id, region = household_info[household_id]
        ref = f"m:{pk}"
        people[ref] = _Person(ref, head_id, pk, org_id, PersonRecord(ref, name, resident_id or None, birth, region))
    return people


def _thresholds() -> tuple[float, float]:
    return (float(settings.UNIONCASE["LINKAGE_MATCH_THRESHOLD"]),
            float(settings.UNIONCASE["LINKAGE_REVIEW_THRESHOLD"]))


def link_civil_records(*, organisation: Organisation, records=None,
                       import_run: CivilAffairsImport | None = None) -> LinkSummary:
    """Link `records` (default: all the organisation's) to the people on file in its subtree.

    New "match" links are confirmed at once (by the system) and open a candidate hardship
    file; new "review" links wait in the 疑似困难 queue. A record and person already linked (in
    any status) are left as they are: a rejected link is never brought back. Records with a
    confirmed link are settled and not linked again. Journalled as one event when anything new
    was found."""
    actor = system(ACTOR_NAME)
    if records is None:
        records = CivilAffairsRecord.objects.filter(organisation=organisation)
    if hasattr(records, "exclude"):
        records = list(records.exclude(links__status=LinkStatus.CONFIRMED).distinct())
    else:
        settled = set(LinkCandidate.objects.filter(civil_record__in=[r.pk for r in records],
                                                   status=LinkStatus.CONFIRMED).values_list("civil_record_id", flat=True))
        records = [record for record in records if record.pk not in settled]
    summary = LinkSummary(records=len(records))
    if not records:
        return summary
    people = people_on_file(organisation)
    summary.people = len(people)
    if not people:
        summary.unmatched = len(records)
        CivilAffairsRecord.objects.filter(pk__in=[r.pk for r in records]).update(linked_at=timezone.now())
        return summary
    match_threshold, review_threshold = _thresholds()
    record_ids = [record.pk for record in records]
    results = link(
        [PersonRecord(str(record.pk), record.name, record.id_number or None, record.birth_date, record.region or None)
         for record in records],
        [person.record for person in people.values()],
        match_threshold=match_threshold, review_threshold=review_threshold,
    )
    known = set()
    for start in range(0, len(record_ids), BATCH_SIZE):
        for record_id, worker_id, member_id in LinkCandidate.objects.filter(
                civil_record__in=record_ids[start:start + BATCH_SIZE]).values_list(
                "civil_record_id", "worker_id", "member_id"):
            known.add((record_id, f"m:{member_id}" if member_id else f"w:{worker_id}"))
    now = timezone.now()
    new_links: list[LinkCandidate] = []
    for result in results:
        if result.decision not in (MATCH, REVIEW):
            summary.unmatched += 1
            continue
        if (int(result.civil_ref), result.worker_ref) in known:
            summary.already_known += 1
            continue
        person = people[result.worker_ref]
        matched = result.decision == MATCH
        new_links.append(LinkCandidate(
            civil_record_id=int(result.civil_ref), worker_id=person.worker_id, member_id=person.member_id,
            organisation_id=person.organisation_id, score=Decimal(str(round(result.score, 4))),
            decision=LinkDecision.MATCH if matched else LinkDecision.REVIEW, reasons=list(result.reasons),
            status=LinkStatus.CONFIRMED if matched else LinkStatus.PENDING, decided_at=now if matched else None,
            decision_note=_auto_note(result.reasons) if matched else "",
        ))
    opened, confirmed, demoted = [], [], []
    with transaction.atomic():
        created: list[LinkCandidate] = []
        for start in range(0, len(new_links), BATCH_SIZE):
            created.extend(LinkCandidate.objects.bulk_create(new_links[start:start + BATCH_SIZE]))
        matched_pks = [candidate.pk for candidate in created if candidate.status == LinkStatus.CONFIRMED]
        for candidate in LinkCandidate.objects.filter(pk__in=matched_pks).select_related(
                "civil_record", "worker", "member__household", "organisation"):
            try:
                with transaction.atomic():
                    file = _candidate_file(candidate, by=actor)
            except ValidationError as error:
                # Matched, but no file can be opened without a person: the caseworker decides.
                _demote(candidate, error)
                demoted.append(candidate.pk)
                continue
            confirmed.append(candidate.pk)
            if file is not None:
                opened.append(file.pk)
        CivilAffairsRecord.objects.filter(pk__in=record_ids).update(linked_at=now)
        summary.matched = len(confirmed)
        summary.review = len(new_links) - len(confirmed)
        summary.files_opened = len(opened)
        if new_links:
            append_event(
                action=AuditAction.IMPORT, actor=actor, subject=import_run, organisation=organisation,
                name="link_civil_records",
                data={**summary.as_dict(), "import": getattr(import_run, "pk", None),
                      "confirmed_links": confirmed, "demoted_to_review": demoted, "files_opened": opened},
            )
    return summary


def _auto_note(reasons: list[str]) -> str:
    return (_("自动匹配：%(reasons)s") % {"reasons": "；".join(reasons)})[:NOTE_LENGTH]


def _demote(candidate: LinkCandidate, error: ValidationError) -> None:
    problem = "；".join(error.messages)
    candidate.status, candidate.decided_at, candidate.decision_note = LinkStatus.PENDING, None, ""
    candidate.reasons = [*candidate.reasons, _("无法自动建档：%(problem)s") % {"problem": problem}]
    candidate.save(update_fields=["status", "decided_at", "decision_note", "reasons"])


# -- a confirmed link becomes a candidate file ----------------------------------------------------------

def _birth_of(worker: Worker, civil: CivilAffairsRecord) -> date | None:
    from cases.rules.validators import parse_resident_id

    if worker.birth_date:
        return worker.birth_date
    for number in (worker.resident_id, civil.id_number):
        if number and is_valid_resident_id(number):
            return parse_resident_id(number).birth_date
    return civil.birth_date


def household_for(candidate: LinkCandidate, *, create: bool = True) -> Household | None:
    """The household a confirmed link is about: the member's, else one the worker heads or
    belongs to in the link's organisation subtree, else (with `create`) a new one headed by
    the worker, in the civil record's region, with the worker as its 本人 member."""
    if candidate.member_id:
        return candidate.member.household
    subtree = Organisation.objects.subtree_of([candidate.organisation]).values("pk")
    household = (Household.objects.filter(organisation__in=subtree, head=candidate.worker).order_by("pk").first()
                 or Household.objects.filter(organisation__in=subtree, members__worker=candidate.worker)
                 .order_by("pk").first())
    if household is not None or not create:
        return household
    worker, civil = candidate.worker, candidate.civil_record
    region = civil.region or _id_region(worker.resident_id) or _id_region(civil.id_number)
    if not region:
        raise ValidationError(_("无法确定该家庭的行政区划：民政记录未填区域，身份证号也无法识别。请先登记家庭后再确认。"))
    birth = _birth_of(worker, civil)
    if birth is None:
        raise ValidationError(_("无法确定%(name)s的出生日期：请先在劳动者信息中补充出生日期后再确认。") % {"name": worker.name})
    household = Household(organisation=candidate.organisation, head=worker, region_code=region)
    household.full_clean()
    household.save()
    # Employment is not in the civil-affairs data: recorded as employed (a worker on file) and
    # verified at the home visit.
    member = HouseholdMember(household=household, worker=worker, name=worker.name, relation=Relation.SELF,
                             resident_id=worker.resident_id or "", birth_date=birth,
                             employment=EmploymentStatus.EMPLOYED)
    member.full_clean()
    member.save()
    return household


def _candidate_file(candidate: LinkCandidate, *, by) -> HardshipFile | None:
    """Open the candidate hardship file of a confirmed link (file + flow in one transaction),
    unless the household already has an active file: then the link points at that one."""
    with transaction.atomic():
        household = household_for(candidate)
        active = HardshipFile.objects.filter(household=household).exclude(status__in=ENDED_STATES).first()
        file = None
        if active is None:
            file = _open_file(household, candidate, by=by)
            effects.run(START_HARDSHIP_FLOW, file, by=by)
        candidate.hardship_file = file or active
        candidate.save(update_fields=["hardship_file"])
    return file


def _open_file(household: Household, candidate: LinkCandidate, *, by) -> HardshipFile:
    return open_hardship_file(household=household, by=by, source=IdentificationSource.CIVIL_AFFAIRS,
                              civil_record=candidate.civil_record)


# -- the caseworker's decision --------------------------------------------------------------------------

def _locked_pending(candidate: LinkCandidate) -> LinkCandidate:
    # Lock the link's own row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer joins (member, decided_by) select_related would add.
    locked = LinkCandidate.objects.select_for_update(of=("self",)).select_related(
        "civil_record", "worker", "member__household", "organisation", "decided_by").get(pk=candidate.pk)
    if locked.status != LinkStatus.PENDING:
        who = locked.decided_by.get_username() if locked.decided_by else _("系统自动匹配")
        when = moment_label(locked.decided_at)
        raise ValidationError(_("该比对结果已于%(when)s由%(who)s%(status)s，不能重复处理。")
                              % {"when": when, "who": who, "status": locked.get_status_display()})
    return locked


def confirm_link(candidate: LinkCandidate, *, by, note: str = "") -> LinkCandidate:
    """The caseworker confirms: this civil-affairs record is this person. The household is
    registered if need be and a candidate hardship file opened with its flow."""
    require_can_act(by, candidate.organisation, [Role.HARDSHIP_CASEWORKER])
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": _("确认说明不能超过%(n)d个字。") % {"n": NOTE_LENGTH}})
    with transaction.atomic():
        locked = _locked_pending(candidate)
        locked.status, locked.decided_by, locked.decided_at = LinkStatus.CONFIRMED, by, timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        file = _candidate_file(locked, by=by)
        append_event(
            action=AuditAction.TRANSITION, actor=by, subject=locked, organisation=locked.organisation,
            name="confirm_link", from_state=LinkStatus.PENDING, to_state=LinkStatus.CONFIRMED, reason=note,
            data={"civil_record": locked.civil_record_id, "worker": locked.worker_id, "member": locked.member_id,
                  "score": str(locked.score), "hardship_file": locked.hardship_file_id,
                  "file_opened": file is not None},
        )
    return locked


def reject_link(candidate: LinkCandidate, *, by, note: str) -> LinkCandidate:
    """The caseworker rejects: not the same person. Never proposed again."""
    require_can_act(by, candidate.organisation, [Role.HARDSHIP_CASEWORKER])
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写排除理由（例如：经核实不是同一人）。")})
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": _("排除理由不能超过%(n)d个字。") % {"n": NOTE_LENGTH}})
    with transaction.atomic():
        locked = _locked_pending(candidate)
        locked.status, locked.decided_by, locked.decided_at = LinkStatus.REJECTED, by, timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        append_event(
            action=AuditAction.TRANSITION, actor=by, subject=locked, organisation=locked.organisation,
            name="reject_link", from_state=LinkStatus.PENDING, to_state=LinkStatus.REJECTED, reason=note,
            data={"civil_record": locked.civil_record_id, "worker": locked.worker_id, "member": locked.member_id,
                  "score": str(locked.score)},
        )
    return locked
