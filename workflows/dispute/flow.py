"""DisputeFlow: the work on a labour dispute case, from acceptance review to the archive.

    start (StartHandle, from code: start_dispute_flow)
      → decide_acceptance      受理审查    in-task record_consent (the respondent agrees or
                                          refuses, Art.20); outcomes accept (only after its
                                          consent) / reject; waits unclaimed in the
                                          organisation queue
      → route_acceptance       (Switch on the status the door left)
            accepted, auto-assignment on  → auto_assign_mediator (Function: least-loaded
                                             mediator, by system:auto_assign) → route_assignment
                                             (in mediation → mediate; nobody to assign → assign_mediator)
            accepted                      → assign_mediator  分配调解员  outcome assign
            rejected                      → close_case
      → mediate                调解        the case's mediator; in-task actions schedule_session,
                                          record_session, extend_mediation (leads); outcomes
                                          fail / withdraw / draft_agreement
      → route_mediation        agreement_signing → sign_agreement, else → close_case
      → sign_agreement         签署调解协议 in-task record_signature (Art.14 order),
                                          upload_signed_original (the signed paper's scan);
                                          outcomes make_agreement_effective / fail / withdraw
      → route_signing          performing → supervise_performance, else → close_case
      → supervise_performance  履行监督    in-task record_payment, apply_for_review; outcomes
                                          complete_performance / refer
      → close_case             结案        outcome close
      → archive_case           归档        outcome archive
      → end

    start_imported (StartHandle, from code: the effect dispute_flow.start_imported of a pending
                    historical case's import_history, workflows/dispute/imported.py)
      → route_imported         (Switch on the imported status)
            registered → decide_acceptance;  accepted → assign_mediator

Every step calls the transition door (cases.platform.transitions.apply) inside the task's
activation, so the FSM transition and the flow step commit or roll back together. In-task
actions are door transitions that leave the case's status (and so the task) where it was;
they run under the same flow lock. Flow nodes never set a status; the Switches only read the
status the door committed.

A case can also end outside the flow (the deadline sweep's deem_failed, a withdrawal taken
from the case page): the door then calls route_to_closing() as one of the transition's
effects, which cancels the open task and hands the case to close_case in the same
transaction, so every case ends archived through its flow. A lead's reassign moves the open
mediation task to the new mediator (follow_mediator).

Permissions: the tasks decide who may claim and execute them from the user's roles in the
case's organisation (cases.models.access.can_act), not from Django permissions; the queues
(workflows.dispute.views) are filtered the same way. See has_view_permission below for why
no Group or Permission rows need to be granted.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import path
from django.utils.translation import gettext, gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.status import PROCESS, STATUS

from cases.disputes.intake import RegistrationResult, register_dispute
from cases.models import Deadline, DeadlineState, Organisation, Role
from cases.models.access import can_act, holders, nearest_holders, roles_in, roles_read_once
from cases.models.actors import is_system, system
from cases.models.dispute.case import CASE_HANDLERS, DisputeCase, DisputeStatus
from cases.platform.effects import effect
from cases.platform.transitions import apply, conditions_met
from cases.rules.roles import READ_ONLY_ROLES
from workflows.flow_lock import activation_of, door_aware_lock, wrap_case_execute_view, wrap_case_task_view
from workflows.models import DisputeProcess
from workflows.page_scope import holds_any

# Who may see the dispute flow's pages (each page then shows only their subtrees).
DISPUTE_READERS = (Role.MEDIATOR, Role.MEDIATION_LEAD, Role.AUDITOR)
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# The tasks that are a mediator's own work on a case: they follow the case's mediator and
# count towards a mediator's load for auto-assignment.
MEDIATOR_TASKS = ("mediate", "sign_agreement", "supervise_performance")


class TaskAlreadyClaimed(PermissionDenied):
    """Someone else claimed the task first."""


def holds(task, user) -> bool:
    """Whether `user` holds `task`: viewflow's is_owner(task.owner, user) without reading the owner's row."""
    return task.owner_id is not None and isinstance(user, get_user_model()) and task.owner_id == user.pk


def case_of(task_or_process):
    """The case (or hardship file) a task or process works on: what its steps move through the door."""
    process = getattr(task_or_process, "process", task_or_process)
    return process.coerced.subject


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

    def __init__(self, view, *, outcomes, actions=(), lead_actions=(), roles=CASE_HANDLERS, **kwargs):
        super().__init__(view, **kwargs)
        self.outcomes = tuple(outcomes)  # the door transitions completing this task may take
        # Door transitions taken while the task stays open (the case keeps its status).
        self.actions = tuple(actions) + tuple(lead_actions)
        # Of those, the ones a lead takes on a task held by someone else (approving an extension).
        self.lead_actions = tuple(lead_actions)
        self.roles = tuple(roles)

    @property
    def assign_view(self):
        from workflows.dispute.views import ClaimTaskView

        return ClaimTaskView.as_view()

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            wrap_case_execute_view(self, self.view), name="execute",
        )

    @property
    def assign_path(self):
        # No permission pre-check here: the claim view makes it, so that a refusal is a
        # sentence the user can act on.
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/assign/",
            wrap_case_task_view(self, self.assign_view), name="assign",
        )

    @property
    def action_view(self):
        from workflows.dispute.views import TaskActionView

        return TaskActionView.as_view()

    @property
    def action_path(self):
        # The flow lock and a transaction wrap the POST; TaskActionView checks may_take_action.
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/action/<slug:action>/",
            wrap_case_task_view(self, self.action_view), name="action",
        )

    def get_available_actions(self, activation, user):
        """viewflow's buttons on the task page (claim, execute...), then the in-task actions
        `user` may take — so a lead finds 延期调解 on the task the mediator holds."""
        yield from super().get_available_actions(activation, user)
        from workflows.dispute.forms import ACTION_FORMS

        task = activation.task
        for name in self.actions:
            if self.may_take_action(user, task, name):
                yield ACTION_FORMS[name].title, self.reverse("action", args=[task.process_id, task.pk, name])

    def may_act(self, user, task) -> bool:
        return can_act(user, case_of(task).organisation, self.roles)

    def may_take_action(self, user, task, action: str) -> bool:
        """Whether `user` may take the in-task `action` on `task` now (the door checks the rest)."""
        if action not in self.actions or task.status not in (STATUS.ASSIGNED, STATUS.STARTED):
            return False
        if not conditions_met(case_of(task), action):  # nothing to do (every signature recorded, say)
            return False
        if action in self.lead_actions:  # a lead's approval, on the task whoever holds it
            return can_act(user, case_of(task).organisation, [Role.MEDIATION_LEAD])
        return self.can_execute(user, task)

    def can_assign(self, user, task):
        if task.owner_id or task.status != STATUS.NEW:
            return False
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return self.may_act(user, task)

    def can_execute(self, user, task):
        return (
            task.status in (STATUS.ASSIGNED, STATUS.STARTED) and task.owner_id is not None
            and holds(task, user) and self.may_act(user, task)
        )

    def can_unassign(self, user, task):
        # The case's mediator holds its mediation, signing and performance: those tasks change
        # hands when the lead reassigns the mediator, never by being released to the queue.
        if self.name in MEDIATOR_TASKS:
            return False
        return holds(task, user) and task.status == STATUS.ASSIGNED

    def refusal(self, user, task) -> str:
        """Why `user` may not claim `task`, in words; "" when they may. A task outside the user's
        subtrees gets a refusal that names nothing of it: not its organisation, not who holds it."""
        organisation = case_of(task).organisation
        held = roles_in(user, organisation)
        if not held and not (user.is_superuser and user.is_active):
            return gettext("该任务不在您所属组织的范围内。")
        if task.owner_id is not None and not holds(task, user):
            return gettext("该任务已由%(name)s领取，不能重复领取。") % {"name": person_label(task.owner)}
        if task.owner_id is not None:
            return gettext("您已领取该任务。")
        if task.status != STATUS.NEW:
            return gettext("该任务已结束（%(status)s），不能再领取。") % {"status": task.get_status_display()}
        if held and held <= READ_ONLY_ROLES:
            return gettext("审计员只能查阅，不能办理任务。")
        if not self.may_act(user, task):
            names = "、".join(str(Role(role).label) for role in self.roles)
            return gettext("只有“%(org)s”的%(roles)s可以办理此任务。") % {"org": organisation.name, "roles": names}
        return ""


def case_status(activation) -> str:
    """The case's (or file's) status as the door committed it (read afresh, never from a cached copy)."""
    subject = activation.process.subject
    return type(subject)._default_manager.values_list("status", flat=True).get(pk=subject.pk)


def person_label(user) -> str:
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def claim(activation, user) -> None:
    """Give the activation's task to `user`, or refuse with a Chinese message.

    Call it under the flow lock (activation_of(task) or the task views' wrapper): the task
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
    with roles_read_once(), activation_of(task) as activation:
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


def run_step(activation, *, by, transition: str, reason: str = "", data: dict | None = None,
             savepoint: bool = True):
    """Complete the started task of `activation` by taking `transition` through the door.

    The door's transition and the flow step (task done, next task created) share one
    savepoint: if either fails, neither happened and the task stays where it was.
    `savepoint=False` when the caller's own atomic block ends with this call (complete_task):
    nothing in between could catch an error and go on.
    """
    flow_task = activation.flow_task
    if transition not in flow_task.outcomes:
        raise ValidationError(gettext("“%(task)s”不能以“%(action)s”完成。") % {"task": flow_task, "action": transition})
    with roles_read_once(), transaction.atomic(savepoint=savepoint), flow_step(activation):
        outcome = apply(activation.process.subject, transition, by=by, reason=reason, data=data, savepoint=False)
        activation.execute()
    return outcome


def execution_refusal(task, user) -> str:
    """Why `user` may not do `task` now, in words; "" when they may (they hold it, in scope)."""
    flow_task = task.flow_task
    if flow_task.can_execute(user, task):
        return ""
    return flow_task.refusal(user, task) or gettext("只有领取了该任务的人可以办理它。")


def complete_task(task, *, by, transition: str, reason: str = "", data: dict | None = None):
    """Complete a claimed task from code, with the same checks as its page."""
    with roles_read_once(), activation_of(task) as activation:
        refusal = execution_refusal(activation.task, by)
        if refusal:
            raise PermissionDenied(refusal)
        activation.start(None)
        return run_step(activation, by=by, transition=transition, reason=reason, data=data, savepoint=False)


def run_action(activation, *, by, action: str, reason: str = "", data: dict | None = None,
               savepoint: bool = True):
    """Take the in-task `action` (a door transition) on `activation`'s open task, leaving it open.

    Call it under the flow lock (the action page's wrapper, or take_action); `savepoint` as
    for run_step.
    """
    flow_task = activation.flow_task
    if action not in flow_task.actions:
        raise ValidationError(gettext("“%(task)s”中不能办理“%(action)s”。") % {"task": flow_task, "action": action})
    with roles_read_once():
        return _run_action(activation, by=by, action=action, reason=reason, data=data, savepoint=savepoint)


def action_refusal(task, user, action: str) -> str:
    """Why `user` may not take the in-task `action` on `task` now, in words; "" when they may."""
    flow_task = task.flow_task
    if flow_task.may_take_action(user, task, action):
        return ""
    if action in flow_task.lead_actions:
        return gettext("只有调解组长可以办理此事项。")
    return gettext("只有领取了该任务的人可以办理此事项。")


def _run_action(activation, *, by, action: str, reason: str, data: dict | None, savepoint: bool):
    refusal = action_refusal(activation.task, by, action)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic(savepoint=savepoint), flow_step(activation):
        outcome = apply(activation.process.subject, action, by=by, reason=reason, data=data, savepoint=False)
        if outcome.to_state != outcome.from_state:  # an in-task action never moves the case on
            raise ValidationError(gettext("“%(action)s”会改变案件状态，须作为任务结果办理。") % {"action": action})
    return outcome


def take_action(task, *, by, action: str, reason: str = "", data: dict | None = None):
    """Take an in-task action from code, with the same checks as the task page."""
    with roles_read_once(), activation_of(task) as activation:
        return run_action(activation, by=by, action=action, reason=reason, data=data, savepoint=False)


def open_tasks_of(process):
    return process.task_set.filter(status__in=OPEN_TASK_STATUSES)


@effect("dispute_flow.route_to_closing")
def route_to_closing(case, *, by=None, today: date | None = None) -> DisputeProcess | None:
    """The case ended outside its flow (deem_failed, withdraw): cancel its open task and hand
    the case to the close_case task, so it is still closed and archived through the flow.

    Meant for the `effects` of those transitions, so it runs inside the door's transaction:
    if the transition fails, the tasks stay open. Cancels with viewflow's own cancel
    activations, under the flow lock. When called from within a flow step (flow_step) it
    leaves that step alone — the step completes and routes to close_case itself — and
    cancels only other open tasks. Safe to call twice, and for a case that has no flow.
    """
    process = DisputeProcess.objects.filter(case=case).first()
    if process is None or process.status in (PROCESS.DONE, PROCESS.CANCELED):
        return process
    current = _current_step.get()
    with DisputeFlow.lock(process.pk), transaction.atomic():
        in_step = current is not None and process.task_set.filter(pk=current).exists()
        tasks = open_tasks_of(process).exclude(pk=current) if in_step else open_tasks_of(process)
        closing = DisputeFlow.close_case
        cancelled = [
            task.flow_task.activation_class(task) for task in tasks.order_by("pk")
            if task.flow_task not in (closing, DisputeFlow.archive_case)
        ]
        for activation in cancelled:
            activation.cancel()
        if cancelled and not in_step and not open_tasks_of(process).exists():
            last = cancelled[-1]
            closing._create(last, last.task.token)
    process.refresh_from_db()
    return process


@effect("dispute_flow.follow_mediator")
def follow_mediator(case, *, by=None, today: date | None = None) -> int:
    """Door effect of reassign: the case's open mediation work moves to its new mediator.

    Idempotent; returns how many tasks moved.
    """
    process = DisputeProcess.objects.filter(case=case).first()
    if process is None or case.mediator_id is None:
        return 0
    moved = 0
    with DisputeFlow.lock(process.pk), transaction.atomic():
        nodes = [getattr(DisputeFlow, name) for name in MEDIATOR_TASKS]
        for task in open_tasks_of(process).filter(flow_task__in=nodes).exclude(owner_id=case.mediator_id):
            task.owner_id, task.status = case.mediator_id, STATUS.ASSIGNED
            task.save(update_fields=["owner", "status"])
            moved += 1
    return moved


def reassign_mediator(case, *, by, mediator, reason: str):
    """改派: a lead gives the case (and, by the transition's follow_mediator effect, its open
    mediation task) to another mediator. Takes the flow lock first, as every flow step does."""
    process = DisputeProcess.objects.get(case=case)
    with DisputeFlow.lock(process.pk), transaction.atomic():
        return apply(case, "reassign", by=by, reason=reason, data={"mediator": mediator})


# -- auto-assignment ------------------------------------------------------------------------------

def auto_assign_enabled() -> bool:
    return bool(settings.UNIONCASE.get("AUTO_ASSIGN_MEDIATOR", False))


def least_loaded_mediator(case):
    """The active mediator of the case's organisation (or an ancestor) with the fewest open
    mediate / sign / supervise tasks across all dispute cases; ties go to the username."""
    from viewflow.workflow.models import Task

    open_work = (
        Task.objects.filter(owner=OuterRef("pk"), status__in=OPEN_TASK_STATUSES,
                            flow_task__in=[getattr(DisputeFlow, name) for name in MEDIATOR_TASKS])
        .order_by().values("owner").annotate(n=Count("pk")).values("n")
    )
    return (
        holders(case.organisation, [Role.MEDIATOR])
        .annotate(load=Coalesce(Subquery(open_work, output_field=IntegerField()), Value(0)))
        .order_by("load", "username").first()
    )


def status_is(*states):
    """A Switch condition: the case's status, as the door committed it, is one of `states`."""
    def condition(activation) -> bool:
        return case_status(activation) in states

    return condition


def the_mediator(activation):
    """Who a mediator's task goes to: the case's mediator (none yet: the organisation queue)."""
    return DisputeCase.objects.select_related("mediator").get(pk=activation.process.case_id).mediator


def the_closer(activation):
    """Who closes the case: its mediator — but when the legal clock ran out (mediation deemed
    failed at breach, Art.14), the nearest mediation lead, who must look into the breach."""
    case = DisputeCase.objects.select_related("mediator").get(pk=activation.process.case_id)
    if case.status == DisputeStatus.FAILED and Deadline.objects.for_subject(case).filter(
            clock="dispute.mediation", state=DeadlineState.BREACHED).exists():
        lead = nearest_holders(case.organisation, [Role.MEDIATION_LEAD]).order_by("username").first()
        if lead is not None:
            return lead
    return case.mediator


class DisputeFlow(flow.Flow):
    """劳动争议调解

    受理审查、分配调解员、调解、签署协议、履行监督、结案、归档：每一步都通过案件的法定状态转换完成。
    """

    # viewflow would take both from the docstring, untranslated.
    process_title = _("劳动争议调解")
    process_description = _("受理审查、分配调解员、调解、签署协议、履行监督、结案、归档：每一步都通过案件的法定状态转换完成。")

    process_class = DisputeProcess
    # Row lock on the process for every step and claim: of two people claiming or executing
    # the same task at once, the second waits and then sees what the first did.
    lock_impl = door_aware_lock  # viewflow's select_for_update_lock, which the case reads (flow_lock.py)

    process_summary_template = _("{{ process.case }}（{{ process.case.get_status_display }}）")  # number and parties_title

    start = flow.StartHandle(this.start_case).Annotation(title=_("登记后启动")).Next(this.decide_acceptance)

    # A historical case imported as still pending joins the work where it was (issue 16, point 14).
    start_imported = (
        flow.StartHandle(this.start_case).Annotation(title=_("历史案件导入后启动")).Next(this.route_imported)
    )

    route_imported = (
        flow.Switch()
        .Annotation(title=_("导入时所处阶段"))
        .Case(this.decide_acceptance, status_is(DisputeStatus.REGISTERED))
        .Case(this.assign_mediator, status_is(DisputeStatus.ACCEPTED))
    )

    decide_acceptance = (
        CaseTask(this.decide_acceptance_view, outcomes=("accept", "reject"), actions=("record_consent",))
        .Annotation(title=_("受理审查"), description=_("登记对方当事人是否同意调解，审查申请，决定受理或不予受理"
                                                    "（收到申请之日起3个工作日内）。"))
        .Next(this.route_acceptance)
    )

    route_acceptance = (
        flow.Switch()
        .Annotation(title=_("是否受理"))
        .Case(this.auto_assign_mediator,
              lambda activation: auto_assign_enabled() and case_status(activation) == DisputeStatus.ACCEPTED)
        .Case(this.assign_mediator, status_is(DisputeStatus.ACCEPTED))
        .Default(this.close_case)
    )

    auto_assign_mediator = (
        flow.Function(this.auto_assign)
        .Annotation(title=_("自动分配调解员"), description=_("分配给本组织在办任务最少的调解员。"))
        .Next(this.route_assignment)
    )

    route_assignment = (
        flow.Switch()
        .Annotation(title=_("是否已分配"))
        .Case(this.mediate, status_is(DisputeStatus.IN_MEDIATION))
        .Default(this.assign_mediator)
    )

    assign_mediator = (
        CaseTask(this.assign_mediator_view, outcomes=("assign",))
        .Annotation(title=_("分配调解员"), description=_("调解组长指定调解员；调解员也可以领取本案由自己调解。"))
        .Next(this.mediate)
    )

    mediate = (
        CaseTask(this.mediate_view, outcomes=("fail", "withdraw", "draft_agreement"),
                 actions=("schedule_session", "record_session"), lead_actions=("extend_mediation",))
        .Annotation(title=_("调解"), description=_("安排调解、记录调解笔录；达成协议的起草调解协议，否则记录调解不成或撤回。"))
        .Assign(the_mediator)
        .Next(this.route_mediation)
    )

    route_mediation = (
        flow.Switch()
        .Annotation(title=_("是否达成协议"))
        .Case(this.sign_agreement, status_is(DisputeStatus.AGREEMENT_SIGNING))
        .Default(this.close_case)
    )

    sign_agreement = (
        CaseTask(this.sign_agreement_view, outcomes=("make_agreement_effective", "fail", "withdraw"),
                 actions=("record_signature", "upload_signed_original"))
        .Annotation(title=_("签署调解协议"), description=_(
            "打印调解协议书（签署稿），依次登记劳动者、用人单位签名盖章、调解员签名、调解组织盖章，"
            "上传签署原件扫描件，协议生效。"))
        .Assign(the_mediator)
        .Next(this.route_signing)
    )

    route_signing = (
        flow.Switch()
        .Annotation(title=_("协议是否生效"))
        .Case(this.supervise_performance, status_is(DisputeStatus.PERFORMING))
        .Default(this.close_case)
    )

    supervise_performance = (
        CaseTask(this.supervise_performance_view, outcomes=("complete_performance", "refer"),
                 actions=("record_payment", "apply_for_review"))
        .Annotation(title=_("履行监督"), description=_("登记履行款项；全部履行的确认履行完毕，不履行的引导申请仲裁。"))
        .Assign(the_mediator)
        .Next(this.close_case)
    )

    close_case = (
        CaseTask(this.close_case_view, outcomes=("close",))
        .Annotation(title=_("结案"), description=_("核对文书和记录，结案。"))
        .Assign(the_closer)
        .Next(this.archive_case)
    )

    archive_case = (
        CaseTask(this.archive_case_view, outcomes=("archive",))
        .Annotation(title=_("归档"), description=_("生成卷宗，归档；归档后案件只读。"))
        .Assign(the_mediator)
        .Next(this.end)
    )

    end = flow.End().Annotation(title=_("已归档"))

    # Views are resolved lazily so that importing the flow does not import the forms.
    @property
    def decide_acceptance_view(self):
        from workflows.dispute.views import DecideAcceptanceView

        return DecideAcceptanceView.as_view()

    @property
    def assign_mediator_view(self):
        from workflows.dispute.views import AssignMediatorView

        return AssignMediatorView.as_view()

    @property
    def mediate_view(self):
        from workflows.dispute.views import MediateView

        return MediateView.as_view()

    @property
    def sign_agreement_view(self):
        from workflows.dispute.views import SignAgreementView

        return SignAgreementView.as_view()

    @property
    def supervise_performance_view(self):
        from workflows.dispute.views import SupervisePerformanceView

        return SupervisePerformanceView.as_view()

    @property
    def close_case_view(self):
        from workflows.dispute.views import CloseCaseView

        return CloseCaseView.as_view()

    @property
    def archive_case_view(self):
        from workflows.dispute.views import ArchiveCaseView

        return ArchiveCaseView.as_view()

    def auto_assign(self, activation):
        """Give the accepted case to the least-loaded mediator, through the door, as the system.

        Nobody eligible: the case stays accepted and route_assignment opens assign_mediator.
        """
        case = DisputeCase.objects.get(pk=activation.process.case_id)
        mediator = least_loaded_mediator(case)
        if mediator is not None:
            apply(case, "assign", by=system("auto_assign"), data={"mediator": mediator})

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
            return holds_any(user, DISPUTE_READERS)  # read once per request (workflows/page_scope.py)
        case = case_of(obj)
        return bool(roles_in(user, case.organisation) & set(DISPUTE_READERS))

    def has_manage_permission(self, user, obj=None):
        """Nobody cancels, undoes or revives dispute tasks by hand: the case's status would no
        longer match its work. The flow ends through the door (route_to_closing)."""
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
    with roles_read_once(), transaction.atomic():
        result = register_dispute(**application)
        # What start_dispute_flow checks holds: the case was registered just now, by one who may.
        DisputeFlow.start.run(case=result.case, by=application["by"])
    return result
