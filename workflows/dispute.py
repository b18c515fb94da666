"""DisputeFlow: the work on a labour dispute case, from acceptance review to the end of mediation.

    start (StartHandle, from code: start_dispute_flow)
      → decide_acceptance   受理审查   mediators and mediation leads of the case's organisation
                                       subtree; sits in the organisation queue until claimed
      → route_acceptance    (Switch on the case status the door left)
            accepted → assign_mediator  分配调解员  leads choose a mediator; a mediator may take
                                                   the case for themselves
                         → mediate      调解        assigned to the case's mediator
                         → end
            rejected → rejected (End)

Every task view calls the transition door (cases.services.transitions.apply) inside the
task's activation, so the FSM transition and the flow step commit or roll back together.
Flow nodes never set a status; the Switch only reads the status the door set.

A case can also end outside the flow (the deadline sweep's deem_failed, a withdrawal taken
from the case page): the door then calls cancel_open_tasks() as one of the transition's
effects, which cancels the open tasks and the process in the same transaction.

Permissions: the tasks decide who may claim and execute them from the user's roles in the
case's organisation (cases.access.can_act), not from Django permissions; the queues
(workflows.dispute_views) are filtered the same way. See has_view_permission below for why
no Group or Permission rows need to be granted.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.utils import is_owner
from viewflow.workflow import flow, lock
from viewflow.workflow.status import PROCESS, STATUS

from cases.access import can_act, roles_in
from cases.models import Organisation, Role
from cases.models.dispute import CASE_HANDLERS, DisputeCase, DisputeStatus
from cases.models.orgs import READ_ONLY_ROLES
from cases.services.actors import is_system
from cases.services.intake import RegistrationResult, register_dispute
from cases.services.transitions import apply

from .models import DisputeProcess

# Who may see the dispute flow's pages (each page then shows only their subtrees).
DISPUTE_READERS = (Role.MEDIATOR, Role.MEDIATION_LEAD, Role.AUDITOR)
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class TaskAlreadyClaimed(PermissionDenied):
    """Someone else claimed the task first."""


def case_of(task_or_process):
    process = getattr(task_or_process, "process", task_or_process)
    return process.coerced.case


def organisations_where(user, roles):
    """Organisations in the subtrees where `user` holds one of `roles` (never read-only ones)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Organisation.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    roots = list(Organisation.objects.filter(memberships__user=user, memberships__role__in=list(roles)).distinct())
    return Organisation.objects.subtree_of(roots)


class CaseTask(flow.View):
    """A human task on a case: who may claim and execute it follows their roles in its organisation.

    Claiming goes through dispute_views.ClaimTaskView, which explains in Chinese why a claim
    is refused (already claimed by someone, out of scope, read-only role) instead of
    viewflow's bare 403.
    """

    def __init__(self, view, *, outcomes, roles=CASE_HANDLERS, **kwargs):
        super().__init__(view, **kwargs)
        self.outcomes = tuple(outcomes)  # the door transitions completing this task may take
        self.roles = tuple(roles)

    @property
    def assign_view(self):
        from .dispute_views import ClaimTaskView

        return ClaimTaskView.as_view()

    @property
    def assign_path(self):
        from viewflow.workflow.flow import utils

        # No permission pre-check here: the claim view makes it, so that a refusal is a
        # sentence the user can act on.
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/assign/",
            utils.wrap_task_view(self, self.assign_view), name="assign",
        )

    def may_act(self, user, task) -> bool:
        return can_act(user, case_of(task).organisation, self.roles)

    def can_assign(self, user, task):
        if task.owner_id or task.status != STATUS.NEW:
            return False
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return self.may_act(user, task)

    def can_execute(self, user, task):
        return (
            task.status in (STATUS.ASSIGNED, STATUS.STARTED) and task.owner_id is not None
            and is_owner(task.owner, user) and self.may_act(user, task)
        )

    def can_unassign(self, user, task):
        return task.owner_id is not None and is_owner(task.owner, user) and task.status == STATUS.ASSIGNED

    def refusal(self, user, task) -> str:
        """Why `user` may not claim `task`, in words; "" when they may."""
        if task.owner_id is not None and not is_owner(task.owner, user):
            return gettext("该任务已由%(name)s领取，不能重复领取。") % {"name": person_label(task.owner)}
        if task.owner_id is not None:
            return gettext("您已领取该任务。")
        if task.status != STATUS.NEW:
            return gettext("该任务已结束（%(status)s），不能再领取。") % {"status": task.get_status_display()}
        organisation = case_of(task).organisation
        held = roles_in(user, organisation)
        if held and held <= READ_ONLY_ROLES:
            return gettext("审计员只能查阅，不能办理任务。")
        if not self.may_act(user, task):
            names = "、".join(str(Role(role).label) for role in self.roles)
            return gettext("只有“%(org)s”的%(roles)s可以办理此任务。") % {"org": organisation.name, "roles": names}
        return ""


def case_status(activation) -> str:
    """The case's status as the door committed it (read afresh, never from a cached copy)."""
    return DisputeCase.objects.values_list("status", flat=True).get(pk=activation.process.case_id)


def person_label(user) -> str:
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def claim(activation, user) -> None:
    """Give the activation's task to `user`, or refuse with a Chinese message.

    Call it under the flow lock (task.activation() or viewflow's task view wrapper): the task
    has been re-read under the lock, so of two people claiming at once exactly one finds it
    unclaimed.
    """
    task = activation.task
    flow_task = task.flow_task
    message = flow_task.refusal(user, task)
    if message:
        raise (TaskAlreadyClaimed if task.owner_id else PermissionDenied)(message)
    activation.assign(user)


def claim_task(task, user) -> None:
    """Claim `task` for `user` from code (same rules and messages as the claim page)."""
    with task.activation() as activation:
        claim(activation, user)


# -- steps run inside a task's activation --------------------------------------------------

_current_step: ContextVar[int | None] = ContextVar("dispute_flow_current_step", default=None)


@contextmanager
def flow_step(activation):
    """Mark `activation`'s task as the flow step now calling the door.

    A transition that ends the case (fail, withdraw) taken from inside a flow step must not
    cancel that very step: the step completes and routes to an End node itself.
    """
    token = _current_step.set(activation.task.pk)
    try:
        yield
    finally:
        _current_step.reset(token)


def run_step(activation, *, by, transition: str, reason: str = "", data: dict | None = None):
    """Complete the started task of `activation` by taking `transition` through the door.

    The door's transition and the flow step (task done, next task created) share one
    savepoint: if either fails, neither happened and the task stays where it was.
    """
    flow_task = activation.flow_task
    if transition not in flow_task.outcomes:
        raise ValidationError(gettext("“%(task)s”不能以“%(action)s”完成。") % {"task": flow_task, "action": transition})
    with transaction.atomic(), flow_step(activation):
        outcome = apply(activation.process.case, transition, by=by, reason=reason, data=data)
        activation.execute()
    return outcome


def complete_task(task, *, by, transition: str, reason: str = "", data: dict | None = None):
    """Complete a claimed task from code, with the same checks as its page."""
    with task.activation() as activation:
        if not activation.flow_task.can_execute(by, activation.task):
            refusal = activation.flow_task.refusal(by, activation.task)
            raise PermissionDenied(refusal or gettext("只有领取了该任务的人可以办理它。"))
        activation.start(None)
        return run_step(activation, by=by, transition=transition, reason=reason, data=data)


def cancel_open_tasks(case, *, by=None, today: date | None = None) -> DisputeProcess | None:
    """End the case's flow because the case ended outside it (deem_failed, withdraw).

    Meant for the `effects` of those transitions, so it runs inside the door's transaction:
    if the transition fails, the tasks stay open. Cancels every open task and marks the
    process cancelled, with viewflow's own cancel activations (Flow.cancel, under the flow
    lock). When called from within a flow step (flow_step) it leaves that step and the process
    alone — the step completes and the flow reaches its End — and cancels only other open
    tasks. Safe to call twice, and for a case that has no flow.
    """
    process = DisputeProcess.objects.filter(case=case).first()
    if process is None or process.status in (PROCESS.DONE, PROCESS.CANCELED):
        return process
    current = _current_step.get()
    with transaction.atomic():
        if current is not None and process.task_set.filter(pk=current).exists():
            for task in process.task_set.filter(status__in=OPEN_TASK_STATUSES).exclude(pk=current):
                task.flow_task.activation_class(task).cancel()
        else:
            DisputeFlow.instance.cancel(process)
    process.refresh_from_db()
    return process


class DisputeFlow(flow.Flow):
    """劳动争议调解

    受理审查、分配调解员、调解：每一步都通过案件的法定状态转换完成。
    """

    process_class = DisputeProcess
    # Row lock on the process for every step and claim: of two people claiming or executing
    # the same task at once, the second waits and then sees what the first did.
    lock_impl = lock.select_for_update_lock

    process_summary_template = _("{{ process.case.number }} {{ process.case.worker }} 诉 {{ process.case.employer }}（{{ process.case.get_status_display }}）")

    start = flow.StartHandle(this.start_case).Annotation(title=_("登记后启动")).Next(this.decide_acceptance)

    decide_acceptance = (
        CaseTask(this.decide_acceptance_view, outcomes=("accept", "reject"))
        .Annotation(title=_("受理审查"), description=_("审查申请，决定受理或不予受理（收到申请之日起3个工作日内）。"))
        .Next(this.route_acceptance)
    )

    route_acceptance = (
        flow.Switch()
        .Annotation(title=_("是否受理"))
        .Case(this.assign_mediator, lambda activation: case_status(activation) == DisputeStatus.ACCEPTED)
        .Case(this.rejected, lambda activation: case_status(activation) == DisputeStatus.REJECTED)
    )

    assign_mediator = (
        CaseTask(this.assign_mediator_view, outcomes=("assign",))
        .Annotation(title=_("分配调解员"), description=_("调解组长指定调解员；调解员也可以领取本案由自己调解。"))
        .Next(this.mediate)
    )

    mediate = (
        CaseTask(this.mediate_view, outcomes=("fail", "withdraw"))
        .Annotation(title=_("调解"), description=_("主持调解，记录调解结果。"))
        .Assign(lambda activation: activation.process.case.mediator)
        .Next(this.end)
    )

    rejected = flow.End().Annotation(title=_("不予受理"))
    end = flow.End().Annotation(title=_("调解结束"))

    # Views are resolved lazily so that importing the flow does not import the forms.
    @property
    def decide_acceptance_view(self):
        from .dispute_views import DecideAcceptanceView

        return DecideAcceptanceView.as_view()

    @property
    def assign_mediator_view(self):
        from .dispute_views import AssignMediatorView

        return AssignMediatorView.as_view()

    @property
    def mediate_view(self):
        from .dispute_views import MediateView

        return MediateView.as_view()

    def start_case(self, activation, case, by=None):
        activation.process.case = case
        if by is not None and not is_system(by):
            activation.task.owner = by
        return activation.process

    # -- who sees what ---------------------------------------------------------------------

    def has_view_permission(self, user, obj=None):
        """Mediators, leads and auditors see the flow's pages; an object only in their subtrees.

        viewflow's queues and pages ask for `workflows.view_disputeprocess`; roles here live in
        Memberships per organisation, so the flow answers from them instead of from Django
        permissions: nothing has to be granted to a Group, and a new member works at once.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.is_superuser:
            return True
        if obj is None:
            return user.memberships.filter(role__in=list(DISPUTE_READERS)).exists()
        case = case_of(obj)
        return bool(roles_in(user, case.organisation) & set(DISPUTE_READERS))

    def has_manage_permission(self, user, obj=None):
        """Nobody cancels, undoes or revives dispute tasks by hand: the case's status would no
        longer match its work. The flow ends through the door (cancel_open_tasks)."""
        return False


def start_dispute_flow(case, *, by) -> DisputeProcess:
    """Open the flow for a case just registered: its acceptance review goes to the queue.

    Call it in the same transaction as the registration (intake), so a case never exists
    without its work.
    """
    if case.status != DisputeStatus.REGISTERED:
        raise ValidationError(gettext("只有已登记的案件可以启动调解流程（当前状态：%(status)s）。")
                              % {"status": case.get_status_display()})
    if not is_system(by) and not can_act(by, case.organisation, CASE_HANDLERS):
        raise PermissionDenied(gettext("只有本组织的调解员或调解组长可以为此案件启动调解流程。"))
    with transaction.atomic():
        if DisputeProcess.objects.filter(case=case).exists():
            raise ValidationError(gettext("案件%(number)s的调解流程已经启动。") % {"number": case.number})
        return DisputeFlow.start.run(case=case, by=by)


def open_dispute(**application) -> RegistrationResult:
    """Register a dispute and open its flow in one transaction: a case never exists without its work.

    Takes register_dispute's keyword arguments. Historical imports call register_dispute alone.
    """
    with transaction.atomic():
        result = register_dispute(**application)
        start_dispute_flow(result.case, by=application["by"])
    return result
