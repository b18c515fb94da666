"""Celery tasks of the cases app; Celery's autodiscovery imports this package."""

from . import audit, documents  # noqa

try:
    from . import deadlines  # noqa
except ModuleNotFoundError as exc:
    if exc.name != f"{__name__}.deadlines":
        raise

try:
    from . import timers  # noqa
except ModuleNotFoundError as exc:
    if exc.name != f"{__name__}.timers":
        raise
