"""The actions of the hardship file page (档案详情): which ones it offers, one small form each.

They reuse the case page's machinery (workflows.dispute.pages): the door's list of what this
user may take now, minus what the file's flow does in its tasks — the outcomes of its open
tasks, and every transition that only a flow task takes (a transition the flow follows when
taken elsewhere declares the effect workflows.hardship.flow.follow_file: not identified, an exit
begun mid-year, an exit cancelled). Each action posts its small form to
workflows.hardship.file.views.FileActionView, which calls cases.platform.transitions.apply
and puts the door's refusal on the form.
"""

import functools

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.hardship import aid
from cases.models import PlanStatus
from cases.platform.transitions import available_transitions, transition_spec
from cases.selectors import person_name
from workflows.dispute.pages import action_label, flow_step_transitions
from workflows.hardship.file.forms import file_action_form, payable_plans, plans_of
from workflows.hardship.flow import HardshipFlow, ObjectionFlow

FOLLOWED_BY_FLOW = "hardship_flow.follow_file"


@functools.cache
def flow_only_transitions() -> frozenset[str]:
    """Transitions some task of the hardship flows takes (their outcomes and in-task actions)."""
    names = set()
    for flow_class in (HardshipFlow, ObjectionFlow):
        for node in flow_class.instance.nodes():
            names.update(getattr(node, "outcomes", ()) or ())
            names.update(getattr(node, "actions", ()) or ())
    return frozenset(names)


def done_in_flow(file, spec, steps: dict[str, str]) -> bool:
    if spec.name in steps:
        return True
    return spec.name in flow_only_transitions() and FOLLOWED_BY_FLOW not in spec.custom.get("effects", ())


# The order of the page's actions: the everyday ones first, the file's end last.
ACTION_ORDER = ("lodge_objection", "propose_aid_plan", "approve_aid_plan", "disburse", "cancel_exit", "begin_exit",
                "reject", "re_enter")


def page_transitions(file, user) -> list:
    """The transitions `user` may take now from the file's page."""
    steps = flow_step_transitions(file)
    offered = [spec for spec in available_transitions(file, user) if not done_in_flow(file, spec, steps)]
    return sorted(offered, key=lambda spec: ACTION_ORDER.index(spec.name) if spec.name in ACTION_ORDER
                  else len(ACTION_ORDER))


def action_key(name: str, plan=None) -> str:
    return f"{name}-{plan.pk}" if plan is not None else name


def file_actions(file, user, *, bound=None, bound_key="") -> list[dict]:
    """One small form per action (per proposed plan for approvals); `bound` replaces the one posted."""
    rows = []
    for spec in page_transitions(file, user):
        url = reverse("workbench:hardship_file_action", args=[file.pk, spec.name])
        label = action_label(spec)
        if spec.name == "approve_aid_plan":
            for plan in plans_of(file, PlanStatus.PROPOSED):
                key = action_key(spec.name, plan)
                form = bound if bound_key == key else file_action_form(spec, file=file, user=user, plan=plan)
                rows.append({"key": key, "name": spec.name, "label": label, "form": form, "url": url, "plan": plan,
                             "preparer": person_name(plan.prepared_by), "warning": aid.shortfall_warning(plan)})
            continue
        if spec.name == "disburse" and not payable_plans(file, user).exists():
            continue
        form = bound if bound_key == spec.name else file_action_form(spec, file=file, user=user)
        rows.append({"key": spec.name, "name": spec.name, "label": label, "form": form, "url": url})
    if bound is not None and not any(row["form"] is bound for row in rows):
        spec = bound.spec
        rows.insert(0, {"key": bound_key, "name": spec.name, "label": action_label(spec), "form": bound,
                        "url": reverse("workbench:hardship_file_action", args=[file.pk, spec.name])})
    return rows



AID_ACTIONS = ("propose_aid_plan", "approve_aid_plan", "disburse")


def file_action_refusal(file, name: str) -> str:
    """Why the file page does not take transition `name` of `file` now ("" when it does): a state
    it cannot be taken from, or a step the flow takes. The door checks the rest."""
    spec = transition_spec(file, name)
    if spec is None:
        return _("档案当前为“%(status)s”，不能执行这项操作。") % {"status": file.get_status_display()}
    steps = flow_step_transitions(file)
    if done_in_flow(file, spec, steps):
        return _("“%(action)s”请在流程任务“%(task)s”中办理。") % {
            "action": action_label(spec), "task": steps.get(name) or _("帮扶流程")}
    return ""


def posted_action_form(file, spec, *, user, data) -> tuple:
    """The file page's form of action `spec` bound to `data` (keys prefixed with the action's
    name), with the proposed plan an approval names; and the key of its row on the page."""
    plan = None
    if spec.name == "approve_aid_plan":
        plan = plans_of(file, PlanStatus.PROPOSED).filter(pk=_int(data.get(f"{spec.name}-plan"))).first()
    return file_action_form(spec, file=file, user=user, data=data, plan=plan), action_key(spec.name, plan)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
