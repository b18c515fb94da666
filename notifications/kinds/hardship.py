"""Hardship notification kinds: publicity started, objection lodged, approval needed and
decided. Registered in kinds.RESOLVERS on import. Every message links to the file's page."""

from cases.models import HardshipStatus, Role
from cases.models.access import nearest_holders
from notifications.contacts import created_record
from notifications.kinds.registry import TransitionNotice, actor_name, resolver

H = HardshipStatus


def file_link(file) -> str:
    return f"/hardship/files/{file.pk}/"


def reviewers(file):
    """The reviewers responsible for the file: its organisation's, or its nearest ancestor's."""
    return list(nearest_holders(file.organisation, [Role.REVIEWER]))


def _preparer(file) -> list:
    return [file.prepared_by] if file.prepared_by_id else []


def _context(event, file, **extra) -> dict:
    return {"file": file, "family": file.household.head.name, "actor": actor_name(event), "reason": event.reason,
            **extra}


@resolver("publicity_started")
def publicity_started(event, file) -> TransitionNotice:
    """Identification or exit publicity began: the preparer, who acts when it ends."""
    context = _context(event, file, exit_stage=event.to_state == H.EXIT_PUBLICITY)
    return TransitionNotice(recipients=_preparer(file), context=context, link=file_link(file))


@resolver("objection_lodged")
def objection_lodged(event, file) -> TransitionNotice:
    """An objection during (exit) publicity: the preparer and the reviewers who will weigh it."""
    objection = file.objections.filter(stage=event.from_state).order_by("-pk").first()
    context = _context(event, file, objection=objection, exit_stage=event.to_state == H.EXIT_PUBLICITY)
    return TransitionNotice(recipients=_preparer(file) + reviewers(file), context=context, link=file_link(file))


@resolver("approval_needed")
def approval_needed(event, file) -> TransitionNotice:
    """A file awaiting (second) approval, or an aid plan proposed: the reviewers who may decide —
    never those who prepared the file, nor (for the second approval) the first approver."""
    from cases.models.hardship.funds import AidPlan

    plan = created_record(event, AidPlan) if event.name == "propose_aid_plan" else None
    if plan is None and event.to_state not in (H.AWAITING_APPROVAL, H.AWAITING_SECOND_APPROVAL):
        return TransitionNotice(recipients=[], context={})  # approved outright: nothing to ask
    excluded = set(file.preparers())
    if plan is not None and plan.prepared_by_id:
        excluded.add(plan.prepared_by_id)
    second = plan is None and event.to_state == H.AWAITING_SECOND_APPROVAL
    if second and file.first_approved_by_id:
        excluded.add(file.first_approved_by_id)
    told = [user for user in reviewers(file) if user.pk not in excluded]
    return TransitionNotice(recipients=told, context=_context(event, file, plan=plan, second=second),
                            link=file_link(file))


@resolver("approval_decided")
def approval_decided(event, file) -> TransitionNotice:
    """approve, approve_second, return_for_revision: the preparer learns the outcome;
    approve_aid_plan: whoever prepared the plan, who then pays it out."""
    if event.name == "approve_aid_plan":
        return _aid_plan_decided(event, file)
    outcome = {H.APPROVED: "approved", H.AWAITING_SECOND_APPROVAL: "second", H.RETURNED: "returned"}[event.to_state]
    return TransitionNotice(recipients=_preparer(file), context=_context(event, file, outcome=outcome),
                            link=file_link(file))


def _aid_plan_decided(event, file) -> TransitionNotice:
    from cases.models.hardship.funds import AidPlan

    plan = created_record(event, AidPlan)
    told = [plan.prepared_by] if plan is not None and plan.prepared_by_id else _preparer(file)
    return TransitionNotice(recipients=told, context=_context(event, file, outcome="plan_approved", plan=plan),
                            link=file_link(file))
