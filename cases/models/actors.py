"""Who did it: a person, or the system itself (beat tasks, imports, management commands).

System actions pass permission checks (whoever can run them already controls the server)
but are still journalled, under the name of what ran them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    name: str
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    pk: None = None

    def __str__(self):
        return f"system:{self.name}"


def system(name: str) -> SystemActor:
    return SystemActor(name=name)


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def person(actor):
    """The user behind `actor`, or None for the system actor (or nobody): what a
    `…_by` foreign key stores."""
    return None if actor is None or is_system(actor) or not getattr(actor, "pk", None) else actor


def actor_label(actor) -> str:
    if actor is None:
        return "anonymous"
    if is_system(actor):
        return str(actor)
    return actor.get_username()
