"""Work the platform runs but a domain service or a flow provides, registered by name.

A transition names its effects in `custom={"effects": ["recovery.open_instalment_clocks"]}`;
the door runs each, in order, inside its transaction after the save and the clocks. A
transition whose work is a service's (an aid plan written, a new file opened) names it in
`custom={"performed_by": "aid.propose_plan"}`: the door runs it right after the
transition method, with the same arguments, and what it returns is the record the
transition made (its documents name it). A
service that opens a hardship file starts its work with `run("hardship_flow.start", file,
by=by)`. The function behind each name is registered by the layer that owns it, with
`@effect(name)`, when its app is ready (CasesConfig.ready imports the services that
register, WorkflowsConfig.ready the flows). So a model names work it must not import, and
nothing under cases/ imports workflows: the flow listens.

An effect that returns a dict has it journalled with the transition's audit event, under
`data["effects"][name]` (a flow saying where the case now waits); other results are not kept.

A name nobody registered is a configuration error: the system check unioncase.E003 reports
it at start-up, and `run` refuses it rather than skip work the law requires.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_REGISTERED: dict[str, Callable] = {}


def effect(name: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as the effect `name` (once: a second owner is an error)."""
    def register(function: Callable) -> Callable:
        known = _REGISTERED.get(name)
        if known is not None and known is not function:
            raise ImproperlyConfigured(f"effect {name!r} is registered twice: {known.__qualname__} "
                                       f"and {function.__qualname__}")
        _REGISTERED[name] = function
        return function
    return register


def run(name: str, subject, **kwargs):
    try:
        function = _REGISTERED[name]
    except KeyError:
        raise ImproperlyConfigured(f"no effect is registered as {name!r}: is the app that provides it installed?")
    return function(subject, **kwargs)


def is_registered(name: str) -> bool:
    return name in _REGISTERED
