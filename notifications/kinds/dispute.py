"""Dispute notification kinds: who is told when a case is assigned, accepted or rejected, a
session scheduled and an agreement takes effect. Registered in kinds.RESOLVERS on import.
Parties are reached at their recorded contacts (notifications/contacts.py)."""

from notifications.contacts import case_link, created_record, party_contacts, progress_link
from notifications.kinds.registry import TransitionNotice, actor_name, resolver


def _case_context(event, case) -> dict:
    return {"case": case, "organisation": case.organisation, "actor": actor_name(event), "reason": event.reason}


@resolver("task_assigned")
def task_assigned(event, case) -> TransitionNotice:
    """assign, reassign and a granted recusal: the mediator the case now belongs to — unless
    they took it themselves (a refused recusal moves nothing, so tells nobody)."""
    mediator = case.mediator
    told = [mediator] if mediator is not None and mediator.pk != event.actor_id else []
    if event.name == "decide_recusal" and (event.data or {}).get("input", {}).get("decision") != "granted":
        told = []
    context = {**_case_context(event, case), "reassigned": event.name in ("reassign", "decide_recusal")}
    return TransitionNotice(recipients=told, context=context, link=case_link(case))


@resolver("case_accepted")
def case_accepted(event, case) -> TransitionNotice:
    """受理: a legal notice to both parties; the staff member who registered the case in-app."""
    staff = [case.registered_by] if case.registered_by_id else []
    return TransitionNotice(recipients=staff, context=_case_context(event, case), link=case_link(case),
                            parties=party_contacts(case),
                            party_link=progress_link(case), legal_notice=True)


@resolver("case_rejected")
def case_rejected(event, case) -> TransitionNotice:
    """不予受理: a legal notice with the reason to both parties; the registering staff in-app."""
    staff = [case.registered_by] if case.registered_by_id else []
    return TransitionNotice(recipients=staff, context=_case_context(event, case), link=case_link(case),
                            parties=party_contacts(case),
                            party_link=progress_link(case), legal_notice=True)


@resolver("session_scheduled")
def session_scheduled(event, case) -> TransitionNotice:
    """安排调解: the parties, with the time and place (the day before, session_reminder follows)."""
    from cases.models.dispute.mediation import MediationSession

    session = created_record(event, MediationSession)
    return TransitionNotice(recipients=[], context={**_case_context(event, case), "session": session},
                            link=case_link(case), parties=party_contacts(case),
                            party_link=progress_link(case))


@resolver("agreement_effective")
def agreement_effective(event, case) -> TransitionNotice:
    """协议生效: both parties, with the instalments to pay, and the case's mediator in-app."""
    agreement = case.agreement
    staff = [case.mediator] if case.mediator_id else []
    context = {**_case_context(event, case), "agreement": agreement,
               "instalments": list(agreement.instalments.order_by("number"))}
    return TransitionNotice(recipients=staff, context=context, link=case_link(case), parties=party_contacts(case),
                            party_link=progress_link(case))
