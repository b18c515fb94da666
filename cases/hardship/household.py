"""家庭信息维护: correcting the household of an existing hardship file — its members and one
year's income items, rigid expenses and hardship costs — before its democratic review or for a
yearly review (record_yearly_review assesses the household on the year's figures).

From the democratic review on, the figures the assessment rests on are frozen
(cases.hardship.assessment_basis): a change of them is refused, naming the step the file is at,
unless it is submitted as a correction with a reason — then, in the same transaction, the file
takes correct_assessment through the door (recomputed, back to the democratic review, publicised
again), journalled with the figures before and after.

The rows are checked by the same functions as registration (hardship_intake.check_household_rows,
check_place, check_year); errors come back together, keyed like the page's fields, in Chinese,
and nothing is written then. Members keep their rows (and pks) when edited, so their
simple_history shows before and after; the year's items are replaced. One transaction, one
audit event on the file (name "household_updated") saying what changed.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.hardship.assessment_basis import assessment_basis, frozen_refusal, may_correct, year_totals
from cases.hardship.intake import Errors, add_error, check_household_rows, check_place, check_year, member_row
from cases.models import AuditAction, HardshipFile, HouseholdMember, Relation, Role, Worker
from cases.models.access import require_can_act
from cases.models.actors import is_system
from cases.models.hardship.states import ENDED_STATES
from cases.platform.audit.journal import append_event
from cases.platform.transitions import TransitionOutcome, apply

MEMBER_FIELDS = ("name", "relation", "resident_id", "birth_date", "health", "employment", "schooling")
HEAD_FIELDS = ("health", "employment", "schooling")
HOUSEHOLD_UPDATED = "household_updated"


def household_locked_reason(file: HardshipFile) -> str:
    """Why the household of `file` may not change now, in Chinese; "" when it may."""
    if file.status in ENDED_STATES:
        return _("档案已是“%(status)s”状态，家庭信息不能再修改；家庭情况有变化的，请办理重新纳入帮扶。") % {
            "status": file.get_status_display()}
    return ""


def head_member_of(household) -> HouseholdMember | None:
    members = list(household.members.all())
    return (next((m for m in members if m.relation == Relation.SELF), None)
            or next((m for m in members if m.worker_id and m.worker_id == household.head_id), None))


def year_figures(household, year: int) -> dict:
    """The household's size and the year's totals, as the yearly review would sum them."""
    return {"household_size": household.members.count(), **year_totals(household, year)}


def _pk(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _copy_onto(stored: HouseholdMember, checked: HouseholdMember, fields) -> list[str]:
    changed = []
    for name in fields:
        if getattr(stored, name) != getattr(checked, name):
            setattr(stored, name, getattr(checked, name))
            changed.append(name)
    return changed


def _split_members(errors: Errors, members: list[dict], stored: dict, head: HouseholdMember | None):
    """The head's row (found by its pk) apart from the others, which keep their list positions as keys."""
    head_row, others, keys, seen = None, [], [], set()
    for index, row in enumerate(members):
        pk = _pk(row.get("pk"))
        if head is not None and pk == head.pk:
            head_row = row
            continue
        key = f"members-{index}"
        if pk is not None and (pk not in stored or pk in seen):
            add_error(errors, f"{key}-name", _("该家庭成员不在本户或重复出现，请刷新页面后重新填写。"))
        seen.add(pk)
        others.append(row)
        keys.append(key)
    if head is not None and head_row is None:
        add_error(errors, "__all__", _("户主本人（%(name)s）不能从家庭成员中移除。") % {"name": head.name})
    return head_row or {}, others, keys


@dataclass
class _Plan:
    """The rows to write, built and checked before anything is written."""

    year: int | None
    region_code: str
    address: str
    head: HouseholdMember | None
    checked_head: HouseholdMember
    stored: dict
    others: list[dict]
    member_rows: list[HouseholdMember]
    items: list


def _plan(file, *, year, members, incomes, expenses, hardship_costs, region_code, address) -> tuple[_Plan, Errors]:
    household = file.household
    errors: Errors = {}
    year = check_year(errors, year)
    region_code, address = check_place(errors, household.organisation, region_code, address, year)
    stored = {member.pk: member for member in household.members.all()}
    head = head_member_of(household)
    head_row, others, keys = _split_members(errors, members, stored, head)
    source = head or HouseholdMember(name=household.head.name, resident_id=household.head.resident_id or "",
                                     birth_date=household.head.birth_date)
    checked_head = member_row(errors, "head", {
        "name": source.name, "resident_id": source.resident_id, "birth_date": source.birth_date,
        **{name: head_row.get(name, getattr(source, name, "")) for name in HEAD_FIELDS},
    }, relation=Relation.SELF, check_id=False)
    member_rows, items = check_household_rows(
        errors, year=year, head_member=checked_head, members=others, incomes=incomes, expenses=expenses,
        hardship_costs=hardship_costs, member_keys=keys)
    plan = _Plan(year=year, region_code=region_code, address=address, head=head, checked_head=checked_head,
                 stored=stored, others=others, member_rows=member_rows, items=items)
    return plan, errors


def check_household_update(*, file: HardshipFile, year, members: list[dict], incomes: list[dict],
                           expenses: list[dict], hardship_costs: list[dict], region_code: str,
                           address: str = "") -> Errors:
    """What update_household would refuse in the rows, keyed by field; writes nothing."""
    return _plan(file, year=year, members=members, incomes=incomes, expenses=expenses,
                 hardship_costs=hardship_costs, region_code=region_code, address=address)[1]


def update_household(*, file: HardshipFile, by, year, members: list[dict], incomes: list[dict],
                     expenses: list[dict], hardship_costs: list[dict], region_code: str,
                     address: str = "", correction_reason: str = "") -> HardshipFile:
    """Set the household of `file`: its members and `year`'s figures, as the editor shows them.

    `members`: every member to keep or add, the head's own row included (found by its "pk";
    only its health, employment and schooling change here — the head's name and ID are the
    worker's). A row with "pk" edits that member; one without adds a member; a member left
    out is removed. `incomes`, `expenses`, `hardship_costs`: that year's rows, as registration
    takes them; they replace what was on file for the year. `correction_reason`: the change
    of frozen figures is a correction (see the module's docstring); refused when it changes none.

    Raises PermissionDenied unless `by` is a hardship caseworker of the file's organisation,
    and ValidationError (keyed by field, in Chinese) for anything wrong or a file whose
    household may not change; nothing is written then.
    """
    return write_household(file=file, by=by, year=year, members=members, incomes=incomes, expenses=expenses,
                           hardship_costs=hardship_costs, region_code=region_code, address=address,
                           correction_reason=correction_reason).file


@dataclass(frozen=True)
class HouseholdWritten:
    file: HardshipFile
    correction: TransitionOutcome | None  # correct_assessment's, when the change was a correction


def write_household(*, file: HardshipFile, by, year, members: list[dict], incomes: list[dict],
                    expenses: list[dict], hardship_costs: list[dict], region_code: str,
                    address: str = "", correction_reason: str = "") -> HouseholdWritten:
    """update_household, answering also the outcome of the correction it took through the door."""
    if not is_system(by):
        require_can_act(by, file.organisation, [Role.HARDSHIP_CASEWORKER])
    refusal = household_locked_reason(file)
    if refusal:
        raise ValidationError({"__all__": [refusal]})
    plan, errors = _plan(file, year=year, members=members, incomes=incomes, expenses=expenses,
                         hardship_costs=hardship_costs, region_code=region_code, address=address)
    if errors:
        raise ValidationError(errors)
    household, year, head, checked_head = file.household, plan.year, plan.head, plan.checked_head
    stored, region_code, address = plan.stored, plan.region_code, plan.address

    with transaction.atomic():
        locked = HardshipFile.objects.select_for_update().get(pk=file.pk)
        refusal = household_locked_reason(locked)
        if refusal:  # exited or not identified a moment ago
            raise ValidationError({"__all__": [refusal]})
        locked.household = household  # the basis is read from the rows written below
        basis_before = assessment_basis(locked)
        before = year_figures(household, year)
        added, removed, changed = [], [], []
        kept = {head.pk} if head is not None else set()
        if head is not None:
            fields = _copy_onto(head, checked_head, HEAD_FIELDS)
            if fields:
                head.full_clean()
                head.save()
                changed.append({"pk": head.pk, "name": head.name, "fields": fields})
        for row, member in zip(plan.others, plan.member_rows, strict=True):
            pk = _pk(row.get("pk"))
            target, fields = member, []
            if pk is not None:
                target = stored[pk]
                kept.add(pk)
                fields = _copy_onto(target, member, MEMBER_FIELDS)
                if not fields:
                    continue
            target.household = household
            if pk is None or "resident_id" in fields:
                target.worker = Worker.objects.with_resident_id(target.resident_id).first() if target.resident_id else None
            target.full_clean()
            target.save()
            if pk is None:
                added.append({"pk": target.pk, "name": target.name, "relation": target.relation})
            else:
                changed.append({"pk": target.pk, "name": target.name, "fields": fields})
        for pk, member in stored.items():
            if pk not in kept:
                removed.append({"pk": pk, "name": member.name, "relation": member.relation})
                member.delete()
        place = {}
        if (household.region_code, household.address) != (region_code, address):
            place = {"before": {"region_code": household.region_code, "address": household.address},
                     "after": {"region_code": region_code, "address": address}}
            household.region_code, household.address = region_code, address
            household.full_clean()
            household.save()
        for related in (household.income_items, household.rigid_expenses, household.hardship_costs):
            for item in related.filter(year=year):
                item.delete()  # one by one: each deletion is in the item's history
        for item in plan.items:
            item.household, item.year = household, year
            item.full_clean()
            item.save()
        append_event(
            action=AuditAction.RECORD_CHANGED, actor=by, subject=locked, organisation=locked.organisation,
            name=HOUSEHOLD_UPDATED,
            data={"year": year, "members": {"added": added, "removed": removed, "changed": changed},
                  "place": place, "before": before, "after": year_figures(household, year)},
        )
        correction = _settle_frozen_figures(locked, by, basis_before, correction_reason.strip())
    return HouseholdWritten(locked, correction)


def _settle_frozen_figures(file: HardshipFile, by, before: dict, correction_reason: str) -> TransitionOutcome | None:
    """After the rows are written, inside their transaction: refuse (and so undo) a change of
    frozen figures, or take it as the correction asked for."""
    after = assessment_basis(file)
    if not correction_reason:
        if after != before:
            raise ValidationError({"__all__": [frozen_refusal(file)]})
        return None
    if not may_correct(file):
        raise ValidationError({"__all__": [_("档案当前处于“%(status)s”阶段，不能更正认定数据。") % {
            "status": file.get_status_display()}]})
    if after == before:
        raise ValidationError({"__all__": [_(
            "本次没有修改认定所依据的%(year)s年家庭收支、家庭人口或所在地区，不需要更正，请直接保存。") % {"year": file.year}]})
    return apply(file, "correct_assessment", by=by, reason=correction_reason, data={"before": before, "after": after},
                 savepoint=False)
