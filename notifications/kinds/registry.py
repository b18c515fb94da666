"""Who is told what when a transition happens: one entry per notification kind.

Each resolver takes the transition's audit event and its subject and returns the staff
recipients, the parties (worker, employer) to reach at their recorded contacts, and the
template context. The dispute kinds are in dispute.py, the hardship kinds in hardship.py;
the package imports both, so every kind is registered whenever any part of it is imported.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TransitionNotice:
    recipients: list
    context: dict
    link: str = ""
    # PartyContacts told by SMS and email (notify_parties); legal notices ignore opt-outs.
    parties: list = field(default_factory=list)
    legal_notice: bool = False
    # What the parties' messages link to: a public page (contacts.progress_link), never `link`.
    party_link: str = ""


def actor_name(event) -> str:
    """Who took the step, as a notice names them: a person by name (王明, not their login), the
    system as 系统."""
    from django.utils.translation import gettext

    from cases.selectors import person_name

    if event.actor_id:
        return person_name(event.actor)
    return gettext("系统") if event.actor_label.startswith("system:") else event.actor_label


Resolver = Callable[[object, object], TransitionNotice]
RESOLVERS: dict[str, Resolver] = {}


def resolver(kind: str):
    def register(function: Resolver) -> Resolver:
        RESOLVERS[kind] = function
        return function

    return register


@resolver("holiday_schedule_decided")
def holiday_schedule_decided(event, schedule) -> TransitionNotice:
    recipients = [schedule.proposed_by] if schedule.proposed_by_id else []
    return TransitionNotice(
        recipients=recipients,
        context={"schedule": schedule, "actor": actor_name(event), "reason": event.reason},
        link=f"/admin/cases/holidayschedule/{schedule.pk}/change/",
    )
