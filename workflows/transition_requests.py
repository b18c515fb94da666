"""A transition asked for by name on a dispute case or a hardship file, taken the way its pages
take it: the REST API's way in (api/transitions.py), with the pages' forms, checks and refusals.

Where a transition is taken depends on the subject's open flow tasks, as on the pages:
- an outcome of an open task: the task page's completing form (`CaseTaskView.task_form`), then
  `complete_task` — the door and the flow step in one transaction, by the task's holder only;
- an in-task action of an open task: the task page's action form (`ACTION_FORMS`), then
  `take_action`, under the same flow lock;
- otherwise an action of the case page or of the file page: its small form, then the door
  (`apply`), refused in the page's words where the page refuses it (a step the flow takes, a
  state it cannot be taken from);
- a transition with a page of its own (`own_form`: a notice's service and a party's consent to
  electronic service, the 当事人与代理人 page's agents and workers, the household editor's
  correction): that page's form, checks and refusals, and its call into the door (OWN_FORMS).

The data comes as the form's fields by name (the page posts them with the action's prefix,
which is added here); the form's errors come back as `FormRefused`, the door's refusals as its
own errors (ValidationError, PermissionDenied, ConcurrentTransition).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.datastructures import MultiValueDict
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

        _refuse(page_action_refusal(subject, name))
        if name in OWN_FORMS:
            return Taken(OWN_FORMS[name](subject, by=by, data=data, files=files), PAGE, None)
        form = action_form(transition_spec(subject, name), case=subject, user=by, data=prefixed(data, name),
                           files=prefixed(files, name))
    elif isinstance(subject, HardshipFile):
        from workflows.hardship.file.actions import file_action_refusal, posted_action_form

        _refuse(file_action_refusal(subject, name))
        if name in OWN_FORMS:
            return Taken(OWN_FORMS[name](subject, by=by, data=data, files=files), PAGE, None)
        form, _key = posted_action_form(subject, transition_spec(subject, name), user=by, data=prefixed(data, name))
    else:
        raise ValueError(f"no pages take transitions of {type(subject).__name__}")
    if not form.is_valid():
        raise FormRefused(form)
    return Taken(apply(subject, name, by=by, **form.arguments()), PAGE, None)


def _refuse(refusal: str) -> None:
    if refusal:
        raise TransitionRefused(refusal)


# -- transitions with a page of their own ---------------------------------------------------------
# Each: (subject, by, data, files) → the door's outcome, by the page's own form and call; the
# page's refusals raised as it raises them, what to correct as FormRefused. What the page has in
# its address (the notice and the party served) comes in the body, checked by a form of its own.

def _as_posted(values: dict) -> MultiValueDict:
    """A body as a browser posts it: a list is a field's several values (checkboxes)."""
    return MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in values.items()})


def _checked(form):
    if not form.is_valid():
        raise FormRefused(form)
    return form.cleaned_data


def _taken(outcome, form):
    if outcome is None:
        raise FormRefused(form)
    return outcome


def _record_service(case, *, by, data: dict, files: dict):
    from workflows.dispute.service import require_may_serve, service_form, submit_service
    from workflows.dispute.service_forms import NoticeAddresseeForm

    require_may_serve(by, case)
    data = _as_posted(data)
    target = _checked(NoticeAddresseeForm(data, case=case))
    document, party = target["document"], target["party"]
    form = service_form(case, document, party, data, MultiValueDict({key: [f] for key, f in files.items()}))
    return _taken(submit_service(case, document, party, form, by=by), form)


def _record_electronic_consent(case, *, by, data: dict, files: dict):
    from workflows.dispute.service import require_may_serve, submit_consent
    from workflows.dispute.service_forms import ElectronicConsentForm, ServicePartyForm

    require_may_serve(by, case, consent=True)
    data = _as_posted(data)
    party = _checked(ServicePartyForm(data, case=case))["party"]
    form = ElectronicConsentForm(data, case=case, party=party)
    return _taken(submit_consent(case, form, by=by), form)


def _representation(which: str):
    """The 当事人与代理人 page's form `which` (workflows.dispute.representation.FORMS)."""

    def take_on_page(case, *, by, data: dict, files: dict):
        from workflows.dispute.representation import (
            representation_forms,
            require_may_represent,
            submit_representation,
            unavailable_refusal,
        )

        require_may_represent(by, case)
        posted = MultiValueDict({f"{which}-{key}": values for key, values in _as_posted(data).lists()})
        forms = representation_forms(case, which, posted, MultiValueDict({f"{which}-{key}": [f]
                                                                          for key, f in files.items()}))
        if which not in forms:
            raise TransitionRefused(unavailable_refusal(case))
        return _taken(submit_representation(case, which, forms[which], by=by), forms[which])

    return take_on_page


@dataclass(frozen=True)
class FieldErrors:
    """The errors of a page of several forms, by the field's name as the page posts it (FormRefused's form)."""

    errors: dict


def _correct_assessment(file, *, by, data: dict, files: dict):
    from cases.hardship.household import household_locked_reason
    from workflows.hardship.household import form_errors, posted_fields, require_household_editor, submit_household

    require_household_editor(by, file)
    _refuse(household_locked_reason(file))
    reason = str(data.get("correction_reason") or "").strip()
    submitted = submit_household(file, by, posted_fields(file, by, data), correcting=True, correction_reason=reason)
    if submitted.denied is not None:
        raise submitted.denied
    if submitted.written is None:
        raise FormRefused(FieldErrors(form_errors(submitted.forms)))
    return submitted.written.correction


OWN_FORMS = {
    "record_service": _record_service,
    "record_electronic_consent": _record_electronic_consent,
    "record_agent": _representation("agent"),
    "revoke_agent": _representation("revoke"),
    "record_workers": _representation("workers"),
    "correct_assessment": _correct_assessment,
}


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

        page = [spec.name for spec in case_actions(subject, user)] + _case_pages_offer(subject, user)
    else:
        from workflows.hardship.file.actions import page_transitions

        page = [spec.name for spec in page_transitions(subject, user)] + _file_pages_offer(subject, user)
    rows += [Offered(name, labels.get(name, name), PAGE, None) for name in page]
    return rows


def _case_pages_offer(case, user) -> list[str]:
    """The own-form transitions the case's pages offer `user`: the service panel's links to record
    a notice's service (when there is a notice) and a consent, the 当事人与代理人 page's forms."""
    from cases.disputes.service import may_serve, notices_to_serve
    from workflows.dispute.representation import FORMS, may_represent, representation_forms

    names = []
    if may_serve(user, case):
        names += ["record_service"] if notices_to_serve(case) else []
        names.append("record_electronic_consent")
    if may_represent(user, case):
        names += [FORMS[key][1] for key in representation_forms(case)]
    return names


def _file_pages_offer(file, user) -> list[str]:
    """更正并退回民主评议: the household editor offers it where the figures are frozen and correctable."""
    from cases.hardship.assessment_basis import assessed_years, may_correct
    from workflows.hardship.file.access import household_editor_url

    if household_editor_url(file, user) and assessed_years(file) and may_correct(file):
        return ["correct_assessment"]
    return []
