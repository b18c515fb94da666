"""The flow lock of the dispute flow, and what is read under it.

viewflow's row lock, taken on the process's case the way the transition door locks it, so a
step finds its case read already; and a task read with its process in one query (viewflow reads
them in three), for the task pages and the code that drives the flow alike.

Every write to a case's work (a task page's POST, take_action / complete_task, a timer,
route_to_closing) takes the flow lock first and then, in the same transaction, reads the case
to check who may act and passes it to the door. The lock reads the case once, locked
(cases.platform.transitions.lock_for_door), and the door uses that copy rather than reading the
row again. Outside the lock (a page's GET) the case is read as before, unlocked.
"""

import random
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import update_wrapper

from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, transaction

from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.lock import SelectForUpdateLock

_locked_processes: ContextVar[frozenset] = ContextVar("flow_locked_processes", default=frozenset())


def holds_flow_lock(process_pk) -> bool:
    return process_pk is not None and int(process_pk) in _locked_processes.get()


# The case each held lock read (process pk → case), until the process's `subject` takes it.
_cases_read_by_lock: ContextVar[dict | None] = ContextVar("cases_read_by_flow_lock", default=None)


class DoorAwareLock(SelectForUpdateLock):
    """SelectForUpdateLock (NOWAIT, retried), remembering which processes it holds.

    Its lock is the process's case row, read as the door locks it (lock_for_door): every write
    to the flow goes through this lock and every write to the case through the door, so the case
    row serialises both, and the step finds its case already read (`case_read_by_lock`) instead
    of locking the process row and then reading the case. A process without a case yet (none
    is: a case is registered before its flow starts) falls back to the process row."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with self._locked_case(flow_class, process_pk) as case:
            held = _locked_processes.set(_locked_processes.get() | {int(process_pk)})
            read = _cases_read_by_lock.set({**(_cases_read_by_lock.get() or {}), int(process_pk): case})
            try:
                yield
            finally:
                _cases_read_by_lock.reset(read)
                _locked_processes.reset(held)

    @contextmanager
    def _locked_case(self, flow_class, process_pk):
        """viewflow's SelectForUpdateLock loop (NOWAIT, retried with back-off), locking the case."""
        from cases.models import DisputeCase
        from cases.platform.transitions import lock_for_door

        for attempt in range(self.attempts):
            with transaction.atomic():
                try:
                    case = lock_for_door(DisputeCase, nowait=self.nowait, process=process_pk)
                    if case is None:
                        flow_class.process_class._default_manager.filter(pk=process_pk).select_for_update(
                            nowait=self.nowait).exists()
                except DatabaseError:
                    if attempt == self.attempts - 1:
                        raise FlowLockFailed(f"Lock failed for {flow_class}") from None
                    time.sleep(((attempt + 1) * random.random() + 2 ** attempt) / 2.5)
                else:
                    yield case
                    break


def case_read_by_lock(process_pk, case_id):
    """The case the flow lock held on `process_pk` read, once (None after, or when it read none)."""
    read = _cases_read_by_lock.get()
    case = read.pop(int(process_pk), None) if read else None
    return case if case is not None and case.pk == case_id else None


door_aware_lock = DoorAwareLock()


# -- a task read with its process ---------------------------------------------------------------
#
# viewflow reads a task, then its Process, then the flow's process subclass (coerced): three
# queries before anything else, on every task page and every step. Read together they are one.

def task_with_process(task_pk):
    """The task, its process and the process's own row (DisputeProcess) in one query."""
    from viewflow.workflow.models import Task

    return Task._base_manager.select_related("process__disputeprocess").get(pk=task_pk)


def _adopt_fresh(task, fresh) -> None:
    """What task.refresh_from_db() does, with the process read along."""
    for field in task._meta.concrete_fields:
        setattr(task, field.attname, getattr(fresh, field.attname))
    task._state.fields_cache = {"process": fresh.process}


@contextmanager
def activation_of(task):
    """viewflow's `task.activation()` (the flow lock, the task read afresh under it), reading the
    task and its process in one query."""
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id):
        _adopt_fresh(task, task_with_process(task.pk))
        yield task.flow_task.activation_class(task)


def wrap_case_task_view(node, origin_view, permission=None):
    """viewflow.workflow.flow.utils.wrap_task_view, reading the task with its process (one query
    instead of three): the flow lock and a transaction around a POST, a 404 for a task of
    another flow, `permission` checked, TransitionNotAllowed answered 403."""
    from django.core.exceptions import ImproperlyConfigured, PermissionDenied
    from django.db import transaction
    from django.http import Http404
    from viewflow.fsm import TransitionNotAllowed

    def view(request, *args, **kwargs):
        process_pk, task_pk = kwargs.get("process_pk"), kwargs.get("task_pk")
        if process_pk is None or task_pk is None:
            raise ImproperlyConfigured("Task view URL path should contain <int:process_pk> and <int:task_pk> parameters")

        def call_with_activation():
            try:
                task = task_with_process(task_pk)
            except ObjectDoesNotExist:
                raise Http404("No task matches the given query.") from None
            if task.process.flow_class != node.flow_class:
                raise Http404("No task matches the given query.")
            request.activation = node.activation_class(task)
            if permission and not permission(request.user, task=task):
                raise PermissionDenied
            return call_view(request, task, *args, **kwargs)

        def call_view(request, task, *args, **kwargs):
            if getattr(view, "starts_activation", False):
                if not node.can_execute(request.user, task=task):
                    raise PermissionDenied
                request.activation.start(request)
            return origin_view(request, *args, **kwargs)

        try:
            if request.method == "POST":
                with node.flow_class.lock(process_pk), transaction.atomic():
                    return call_with_activation()
            return call_with_activation()
        except TransitionNotAllowed as error:
            raise PermissionDenied(",".join(error.args)) from error

    update_wrapper(view, origin_view)
    return view


def wrap_case_execute_view(node, origin_view):
    """viewflow.workflow.flow.utils.wrap_view (the execute page: may this user execute it, then
    the activation started), reading the task with its process."""
    view = wrap_case_task_view(node, origin_view)
    view.starts_activation = True
    return view
