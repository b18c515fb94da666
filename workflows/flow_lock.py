"""The flow lock of the dispute flow: viewflow's row lock on the process, which also lets the
process read its case the way the transition door locks it.

Every write to a case's work (a task page's POST, take_action / complete_task, a timer,
route_to_closing) takes the flow lock first and then, in the same transaction, reads the case
to check who may act and passes it to the door. Read under this lock, the case is read once,
locked (cases.platform.transitions.lock_for_door), and the door uses that copy rather than
reading the row again. Outside the lock (a page's GET) the case is read as before, unlocked.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from viewflow.workflow.lock import SelectForUpdateLock

_locked_processes: ContextVar[frozenset] = ContextVar("flow_locked_processes", default=frozenset())


def holds_flow_lock(process_pk) -> bool:
    return process_pk is not None and int(process_pk) in _locked_processes.get()


class DoorAwareLock(SelectForUpdateLock):
    """SelectForUpdateLock (NOWAIT, retried), remembering which processes it holds."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with super().__call__(flow_class, process_pk):
            token = _locked_processes.set(_locked_processes.get() | {int(process_pk)})
            try:
                yield
            finally:
                _locked_processes.reset(token)


door_aware_lock = DoorAwareLock()
