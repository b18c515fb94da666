"""Who is told what when a transition happens: one entry per notification kind.

Each resolver takes the transition's audit event and its subject and returns the
recipients and the template context. Issues 4–6 register the dispute and hardship kinds.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TransitionNotice:
    recipients: list
    context: dict
    link: str = ""


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
        context={"schedule": schedule, "actor": event.actor_label, "reason": event.reason},
        link=f"/admin/cases/holidayschedule/{schedule.pk}/change/",
    )
