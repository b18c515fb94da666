"""A transition asked for by name on a dispute case or a hardship file, taken the way its pages
take it: the REST API's way in (api/transitions.py), with the pages' forms, checks and refusals.

Where a transition is taken depends on the subject's open flow tasks, as on the pages:
- an outcome of an open task: the task page's completing form (`CaseTaskView.task_form`), then
  `complete_task` — the door and the flow step in one transaction, by the task's holder only;
- an in-task action of an open task: the task page's action form (`ACTION_FORMS`), then
  `take_action`, under the same flow lock;
- otherwise an action of the case page or of the file page: its small form, then the door
  (`apply`), refused in the page's words where the page refuses it (a step the flow takes, a
  state it cannot be taken from).

The data comes as the form's fields by name (the page posts them with the action's prefix,
which is added here); the form's errors come back as `FormRefused`, the door's refusals as its
own errors (ValidationError, PermissionDenied, ConcurrentTransition).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from cases.models import DisputeCase, HardshipFile
from cases.platform.transitions import TransitionOutcome, TransitionRefused, apply, fsm_transition, transition_spec
from workflows.dispute.flow import OPEN_TASK_STATUSES, action_refusal, complete_task, execution_refusal, take_action
from workflows.dispute.forms import ACTION_FORMS as TASK_ACTION_FORMS
from workflows.dispute.pages import page_action_refusal, subject_tasks

STEP, ACTION, PAGE = "step", "action", "page"


class FormRefused(Exception):
    """The form of the transition found something to correct; `form.errors` says what."""

    def __init__(self, form):
        super().__init__(form.errors)
        self.form = form


@dataclass(frozen=True)
class Taken:
    outcome: TransitionOutcome
    way: str  # STEP, ACTION or PAGE
    task: Task | None  # the task it completed or was taken in


def task_view_class(flow_task):
    """The page class of a task node (its `forms`, `task_form`, `after_step`)."""
    view = flow_task.view
    found = getattr(view, "view_class", None)
    if found is None:  # a hardship task's page is imported on first use (workflows.hardship.flow.lazy_view)
        from workflows.hardship.views import TASK_VIEWS

        found = TASK_VIEWS[view.task_view_name]
    return found


def completing_form_class(flow_task, name: str):
    """(key, form class) of the task's completing form that takes `name`, or None."""
    forms = getattr(task_view_class(flow_task), "forms", {})
    return next(((key, form_class) for key, form_class in forms.items() if name in form_class.transitions), None)


def open_tasks_taking(subject, name: str, task_id: int | None = None) -> list[tuple[str, Task]]:
    """(STEP or ACTION, task) for each open human task of `subject` in which `name` is taken."""
    tasks = subject_tasks(subject).filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN").order_by("pk")
    if task_id is not None:
        tasks = tasks.filter(pk=task_id)
    found = []
    for task in tasks:
        flow_task = task.flow_task
        if name in getattr(flow_task, "outcomes", ()):
            found.append((STEP, task))
        elif name in getattr(flow_task, "actions", ()):
            found.append((ACTION, task))
    return found


def prefixed(values, prefix: str) -> dict:
    return {f"{prefix}-{key}": value for key, value in (values or {}).items()}


def take(subject, name: str, *, by, data: dict, files: dict | None = None, task_id: int | None = None) -> Taken:
    """Take transition `name` of `subject` (a case or a file the caller has found readable by
    `by`) with `data` as its form's fields, where the pages would take it now."""
    try:
        fsm_transition(subject, name)
    except ValueError:
        raise Http404(_("没有这项操作。")) from None
    files = files or {}
    found = open_tasks_taking(subject, name, task_id)
    if len(found) > 1:
        raise TransitionRefused(_("有多个待办任务可以办理这一事项，请指明任务编号（task）：%(ids)s。")
                                % {"ids": "、".join(str(task.pk) for _way, task in found)})
    if found:
        way, task = found[0]
        return _in_task(subject, name, way, task, by=by, data=data, files=files)
    if task_id is not None:
        raise TransitionRefused(_("该任务已结束或不办理这一事项。"))
    return _on_page(subject, name, by=by, data=data, files=files)


def _in_task(subject, name: str, way: str, task, *, by, data: dict, files: dict) -> Taken:
    if way == STEP:
        refusal = execution_refusal(task, by)
        if refusal:
            raise PermissionDenied(refusal)
        view_class = task_view_class(task.flow_task)
        key, form_class = completing_form_class(task.flow_task, name)
        form = view_class.task_form(key, process=task.process.coerced, case=subject, user=by,
                                    data={**data, **form_class.selecting(name)}, files=files)
        chosen, reason, form_data = _cleaned(form, name)
        outcome = complete_task(task, by=by, transition=name, reason=reason, data=form_data)
        view_class.after_step(subject, files, by=by)
        return Taken(outcome, STEP, task)
    refusal = action_refusal(task, by, name)
    if refusal:
        raise PermissionDenied(refusal)
    form = TASK_ACTION_FORMS[name](case=subject, user=by, prefix=name, data=prefixed(data, name),
                                   files=prefixed(files, name))
    chosen, reason, form_data = _cleaned(form, name)
    return Taken(take_action(task, by=by, action=name, reason=reason, data=form_data), ACTION, task)


def _cleaned(form, name: str) -> tuple[str, str, dict]:
    if not form.is_valid():
        raise FormRefused(form)
    chosen, reason, data = form.transition()
    if chosen != name:  # e.g. 同意 asked as approve on a file that awaits its second approval
        raise TransitionRefused(_("所填内容办理的是“%(chosen)s”，不是所请求的“%(name)s”。") % {"chosen": chosen, "name": name})
    return chosen, reason, data


def _on_page(subject, name: str, *, by, data: dict, files: dict) -> Taken:
    if isinstance(subject, DisputeCase):
        from workflows.dispute.page_forms import action_form

        refusal = page_action_refusal(subject, name)
        _refuse_own_form(subject, name, refusal)
        form = action_form(transition_spec(subject, name), case=subject, user=by, data=prefixed(data, name),
                           files=prefixed(files, name))
    elif isinstance(subject, HardshipFile):
        from workflows.hardship.file.actions import file_action_refusal, posted_action_form

        refusal = file_action_refusal(subject, name)
        _refuse_own_form(subject, name, refusal)
        form, _key = posted_action_form(subject, transition_spec(subject, name), user=by, data=prefixed(data, name))
    else:
        raise ValueError(f"no pages take transitions of {type(subject).__name__}")
    if not form.is_valid():
        raise FormRefused(form)
    return Taken(apply(subject, name, by=by, **form.arguments()), PAGE, None)


def _refuse_own_form(subject, name: str, refusal: str) -> None:
    if refusal:
        raise TransitionRefused(refusal)
    spec = transition_spec(subject, name)
    if spec.custom.get("own_form"):  # a notice's service, an agent: a page of its own, with its own form
        raise TransitionRefused(_("“%(action)s”须在其专门页面办理，接口暂不提供。")
                                % {"action": spec.custom.get("label") or name})


@dataclass(frozen=True)
class Offered:
    name: str
    label: str
    way: str
    task: Task | None


def offered(subject, user) -> list[Offered]:
    """What `user` may take on `subject` now, where the pages offer it: the outcomes of the open
    tasks they hold, the in-task actions they may take, and the case or file page's actions."""
    from cases.selectors import transition_labels

    labels = transition_labels(type(subject))
    rows = []
    tasks = subject_tasks(subject).filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN").order_by("pk")
    for task in tasks.select_related("process"):
        flow_task = task.flow_task
        if not execution_refusal(task, user):
            rows += [Offered(name, labels.get(name, name), STEP, task) for name in getattr(flow_task, "outcomes", ())]
        rows += [Offered(name, labels.get(name, name), ACTION, task) for name in getattr(flow_task, "actions", ())
                 if not action_refusal(task, user, name)]
    if isinstance(subject, DisputeCase):
        from workflows.dispute.pages import case_actions

        page = case_actions(subject, user)
    else:
        from workflows.hardship.file.actions import page_transitions

        page = page_transitions(subject, user)
    rows += [Offered(spec.name, labels.get(spec.name, spec.name), PAGE, None) for spec in page]
    return rows
