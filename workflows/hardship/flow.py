"""HardshipFlow: identifying a household in hardship, approving it, and caring for the file.

    start (StartHandle, from code: start_hardship_flow)
      → take_application     登记申请      caseworkers' queue; take_application / reject
      → home_visit           入户调查      the preparer; record_home_visit / reject
      → civil_check          民政核对      record_civil_check / reject
      → democratic_review    民主评议      record_democratic_review / reject
      → publicise            公示          start_publicity / reject
      → wait_publicity       (Timer: the day after the publicity's last day)
      → end_clear_publicity  (Function: end_publicity as the system when no objection is
                              pending or upheld; the file goes straight to approve)
      → conclude_publicity   公示结果      otherwise: end_publicity / reject
      → approve              审批          reviewers' queue, never a preparer; approve /
                                          return_for_revision / reject
            above the second-approval amount → second_approval 复审批 (another reviewer)
            returned                         → revise 补正 (the preparer) → approve
      → open_file            建档          open_file
      → wait_review          (Timer: 30 days before the yearly review falls due)
      → yearly_review        年度复核      complete_yearly_review (→ wait_review) / begin_exit
      → wait_exit_publicity  (Timer: the day after the exit publicity's last day)
      → conclude_exit        退档          exit_file (→ end) / cancel_exit (→ wait_review)

Each step calls the transition door inside the task's activation (workflows.dispute.flow.run_step),
so status and work move together. Objections lodged during a publicity each open their own
review task (ObjectionFlow). A transition taken outside the flow — not identified, an exit
begun mid-year from the file's page, a correction of the frozen figures (back to
democratic_review) — moves the flow with it (follow_file).
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from cases.models import HardshipFile, HardshipStatus, Objection, Role
from cases.models.access import can_act, roles_in
from cases.models.actors import is_system, system
from cases.models.hardship.file import publicity_end
from cases.models.hardship.states import H
from cases.platform.deadlines import due_dates_changed
from cases.platform.effects import effect
from cases.platform.transitions import apply, conditions_met
from workflows.dispute.flow import CaseTask, _current_step, case_of, status_is
from workflows.hardship.objections import ObjectionReviewTask
from workflows.models import HardshipProcess, ObjectionProcess
from workflows.page_scope import holds_any

CASEWORKERS = (Role.HARDSHIP_CASEWORKER,)
REVIEWERS = (Role.REVIEWER,)
HARDSHIP_READERS = (Role.HARDSHIP_CASEWORKER, Role.REVIEWER, Role.AUDITOR)


class ApprovalTask(CaseTask):
    """A reviewer's approval: nobody who prepared the file (or approved it first) may take it."""

    def __init__(self, view, **kwargs):
        super().__init__(view, roles=REVIEWERS, **kwargs)

    def excluded(self, user, task) -> bool:
        file = case_of(task)
        first = file.first_approved_by_id if file.status == H.AWAITING_SECOND_APPROVAL else None
        return user.pk in file.preparers() or (first is not None and user.pk == first)

    def may_act(self, user, task) -> bool:
        return super().may_act(user, task) and not self.excluded(user, task)

    def refusal(self, user, task) -> str:
        if self.excluded(user, task) and super().may_act(user, task):
            return gettext("您经办或已审批过本档案，不能审批（双人审核），请由其他审核人办理。")
        return super().refusal(user, task)


def the_preparer(activation):
    return HardshipFile.objects.get(pk=activation.process.file_id).prepared_by


def _start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def publicity_over_at(activation):
    """When the publicity is over: the instant end_publicity and exit_file test against
    (HardshipFile.publicity_ends_at), so the timer and the conditions keep one clock."""
    file = HardshipFile.objects.get(pk=activation.process.file_id)
    return file.publicity_ends_at() or timezone.now()


# A publicity clock → the timer that waits for it.
PUBLICITY_TIMERS = {"hardship.publicity": "wait_publicity", "hardship.exit_publicity": "wait_exit_publicity"}


@receiver(due_dates_changed, dispatch_uid="hardship_publicity_timers_follow_their_clocks")
def publicity_timers_follow_their_clocks(sender, deadlines, **kwargs) -> None:
    """A publicity clock moved (an official holiday schedule approved while it ran on a
    provisional calendar): its armed timer moves with it, in the same transaction, so it
    neither fires before the period is over nor waits after it."""
    for deadline in deadlines:
        node = PUBLICITY_TIMERS.get(deadline.clock)
        if node is None or not deadline.is_active or deadline.subject_type.model_class() is not HardshipFile:
            continue
        Task.objects.filter(
            process__hardshipprocess__file_id=deadline.subject_id, flow_task=getattr(HardshipFlow, node),
            status=STATUS.SCHEDULED,
        ).exclude(scheduled=publicity_end(deadline)).update(scheduled=publicity_end(deadline))


def review_reminder_at(activation):
    """Thirty days before the yearly review falls due (or now, when that has passed)."""
    file = HardshipFile.objects.get(pk=activation.process.file_id)
    due = file.next_review_due
    if due is None:
        return timezone.now()
    return max(_start_of_day(due - timedelta(days=30)), timezone.now())


def lazy_view(name: str):
    """The task page `name` of hardship_views, imported on first request (the views import this module)."""
    def view(request, *args, **kwargs):
        from workflows.hardship.views import TASK_VIEWS

        return TASK_VIEWS[name].as_view()(request, *args, **kwargs)

    view.__name__ = f"hardship_{name}_view"
    view.task_view_name = name  # workflows.transition_requests finds the page's forms by it
    return view


def file_task(view_name: str, *, outcomes, title, description, roles=CASEWORKERS, assign_preparer=True):
    task = CaseTask(lazy_view(view_name), outcomes=outcomes, roles=roles)
    task = task.Annotation(title=title, description=description)
    return task.Assign(the_preparer) if assign_preparer else task


def not_identified_or(node, title):
    """A Switch that goes on to `node` unless the file was found not in hardship."""
    return (flow.Switch().Annotation(title=title)
            .Case(this.not_identified, status_is(H.NOT_IDENTIFIED)).Default(node))


class HardshipFlow(flow.Flow):
    """困难职工帮扶

    申请、入户调查、民政核对、民主评议、公示、审批、建档、帮扶、年度复核、退档：每一步都通过档案的状态转换完成。
    """

    # viewflow would take both from the docstring, untranslated.
    process_title = _("困难职工帮扶")
    process_description = _("申请、入户调查、民政核对、民主评议、公示、审批、建档、帮扶、年度复核、退档：每一步都通过档案的状态转换完成。")

    process_class = HardshipProcess
    lock_impl = lock.select_for_update_lock
    process_summary_template = _("{{ process.file }}")

    start = flow.StartHandle(this.start_file).Annotation(title=_("建立档案后启动")).Next(this.take_application)

    take_application = file_task(
        "application", outcomes=("take_application", "reject"), assign_preparer=False,
        title=_("登记申请"), description=_("核实身份，登记申请理由；经核实不属困难的不予认定。"),
    ).Next(this.after_application)
    after_application = not_identified_or(this.home_visit, _("是否受理申请"))

    home_visit = file_task(
        "home_visit", outcomes=("record_home_visit", "reject"),
        title=_("入户调查"), description=_("入户逐项核查，取得家庭签署的信息核对授权书。"),
    ).Next(this.after_home_visit)
    after_home_visit = not_identified_or(this.civil_check, _("入户调查后是否继续"))

    civil_check = file_task(
        "civil_check", outcomes=("record_civil_check", "reject"),
        title=_("民政核对"), description=_("凭家庭授权向民政部门核对收入、救助等信息。"),
    ).Next(this.after_civil_check)
    after_civil_check = not_identified_or(this.democratic_review, _("民政核对后是否继续"))

    democratic_review = file_task(
        "democratic_review", outcomes=("record_democratic_review", "reject"),
        title=_("民主评议"), description=_("组织民主评议，记录票数与意见，提出拟帮扶金额。"),
    ).Next(this.after_democratic_review)
    after_democratic_review = not_identified_or(this.publicise, _("民主评议是否通过"))

    publicise = file_task(
        "publicise", outcomes=("start_publicity", "reject"),
        title=_("公示"), description=_("张贴公示（姓名部分隐去），公示期内受理异议。"),
    ).Next(this.after_publicise)
    after_publicise = not_identified_or(this.wait_publicity, _("是否开始公示"))

    wait_publicity = (
        flow.Timer(publicity_over_at).Annotation(title=_("公示期")).Next(this.end_clear_publicity)
    )

    end_clear_publicity = (
        flow.Function(this.end_publicity_if_clear)
        .Annotation(title=_("公示期满无异议，自动提交审批"))
        .Next(this.after_publicity_period)
    )
    after_publicity_period = (
        flow.Switch().Annotation(title=_("公示期满是否已提交审批"))
        .Case(this.approve, status_is(H.AWAITING_APPROVAL)).Default(this.conclude_publicity)
    )

    conclude_publicity = file_task(
        "conclude_publicity", outcomes=("end_publicity", "reject"),
        title=_("公示结果"), description=_("公示期满且无未处理或成立的异议的，提交审批；异议成立的不予认定。"),
    ).Next(this.after_publicity)
    after_publicity = not_identified_or(this.approve, _("公示后是否提交审批"))

    approve = (
        ApprovalTask(lazy_view("approve"), outcomes=("approve", "return_for_revision", "reject"))
        .Annotation(title=_("审批"), description=_("审核计算过程、入户调查、民政核对、评议和公示，同意或退回。"))
        .Next(this.after_approval)
    )
    after_approval = (
        flow.Switch().Annotation(title=_("审批结果"))
        .Case(this.open_file, status_is(H.APPROVED))
        .Case(this.second_approval, status_is(H.AWAITING_SECOND_APPROVAL))
        .Case(this.revise, status_is(H.RETURNED))
        .Default(this.not_identified)
    )

    second_approval = (
        ApprovalTask(lazy_view("approve"), outcomes=("approve_second", "return_for_revision", "reject"))
        .Annotation(title=_("复审批"), description=_("拟帮扶金额超过规定额度，须另一名审核人复审批。"))
        .Next(this.after_approval)
    )

    revise = file_task(
        "revise", outcomes=("resubmit", "reject"),
        title=_("补正"), description=_("按审批意见补正家庭信息后重新提交。"),
    ).Next(this.after_revision)
    after_revision = not_identified_or(this.approve, _("补正后是否重新提交"))

    open_file = file_task(
        "open_file", outcomes=("open_file",), title=_("建档"), description=_("编制档案编号，建立困难职工档案。"),
    ).Next(this.wait_review)

    wait_review = flow.Timer(review_reminder_at).Annotation(title=_("等待年度复核")).Next(this.yearly_review)

    yearly_review = file_task(
        "yearly_review", outcomes=("complete_yearly_review", "begin_exit"),
        title=_("年度复核"), description=_("入户复核家庭收支，重新计算困难类别；已脱困等情形启动退档公示。"),
    ).Next(this.after_review)
    after_review = (
        flow.Switch().Annotation(title=_("复核后是否退档"))
        .Case(this.wait_exit_publicity, status_is(H.EXIT_PUBLICITY))
        .Default(this.wait_review)
    )

    wait_exit_publicity = (
        flow.Timer(publicity_over_at).Annotation(title=_("退档公示期")).Next(this.conclude_exit)
    )

    conclude_exit = file_task(
        "conclude_exit", outcomes=("exit_file", "cancel_exit"),
        title=_("退档"), description=_("退档公示期满无成立异议的退档；异议成立的中止退档。"),
    ).Next(this.after_exit)
    after_exit = (flow.Switch().Annotation(title=_("是否退档"))
                  .Case(this.exited, status_is(H.EXITED)).Default(this.wait_review))

    not_identified = flow.End().Annotation(title=_("未予认定"))
    exited = flow.End().Annotation(title=_("已退档"))

    def end_publicity_if_clear(self, activation):
        """The publicity ran out with no objection pending or upheld: submit the file for
        approval as the system, so nobody has to. Otherwise conclude_publicity waits for a caseworker."""
        file = HardshipFile.objects.get(pk=activation.process.file_id)
        if file.status == H.IN_PUBLICITY and conditions_met(file, "end_publicity"):
            apply(file, "end_publicity", by=system("publicity_timer"))

    def start_file(self, activation, file, by=None):
        activation.process.file = file
        if by is not None and not is_system(by):
            activation.task.owner = by
        return activation.process

    def has_view_permission(self, user, obj=None):
        """Caseworkers, reviewers and auditors see the flow's pages; an object only in their subtrees."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.is_superuser:
            return True
        if obj is None:
            return holds_any(user, HARDSHIP_READERS)  # read once per request (workflows/page_scope.py)
        return bool(roles_in(user, case_of(obj).organisation) & set(HARDSHIP_READERS))

    def has_manage_permission(self, user, obj=None):
        return False


class ObjectionFlow(flow.Flow):
    """公示异议核查

    每一条公示异议都由审核人或帮扶工作人员核查，认定成立或不成立。
    """

    # viewflow would take both from the docstring, untranslated.
    process_title = _("公示异议核查")
    process_description = _("每一条公示异议都由审核人或帮扶工作人员核查，认定成立或不成立。")

    process_class = ObjectionProcess
    lock_impl = lock.select_for_update_lock
    process_summary_template = _("{{ process.objection.file }}：{{ process.objection.content|truncatechars:30 }}")

    start = flow.StartHandle(this.start_objection).Annotation(title=_("提出公示异议后启动")).Next(this.review_objection)
    review_objection = (
        ObjectionReviewTask(this.review_view, outcomes=("resolve_objection",))  # never the file's preparers
        .Annotation(title=_("核查公示异议"), description=_("核查异议内容，认定异议成立或不成立并说明理由。"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("已核查"))

    @property
    def review_view(self):
        from workflows.hardship.views import ReviewObjectionView

        return ReviewObjectionView.as_view()

    def start_objection(self, activation, objection):
        activation.process.objection = objection
        return activation.process

    has_view_permission = HardshipFlow.has_view_permission
    has_manage_permission = HardshipFlow.has_manage_permission


# -- starting and following -------------------------------------------------------------------

@effect("hardship_flow.start")
def start_hardship_flow(file: HardshipFile, *, by) -> HardshipProcess:
    """Open the flow of a file just created (identified): its application task goes to the
    caseworkers' queue. Call it in the transaction that created the file."""
    if file.status != H.IDENTIFIED:
        raise ValidationError(gettext("只有待申请的档案可以启动帮扶流程（当前状态：%(status)s）。")
                              % {"status": file.get_status_display()})
    if not is_system(by) and not can_act(by, file.organisation, CASEWORKERS):
        raise PermissionDenied(gettext("只有本组织的帮扶工作人员可以启动帮扶流程。"))
    with transaction.atomic():
        if HardshipProcess.objects.filter(file=file).exists():
            raise ValidationError(gettext("该档案的帮扶流程已经启动。"))
        return HardshipFlow.start.run(file=file, by=by)


@effect("hardship_flow.open_objection_review")
def open_objection_review(file: HardshipFile, *, by=None, today=None) -> list[ObjectionProcess]:
    """Door effect of lodge_objection: every pending objection without a review gets one."""
    started = []
    for objection in Objection.objects.filter(file=file, process__isnull=True).order_by("pk"):
        started.append(ObjectionFlow.start.run(objection=objection))
    return started


@effect("hardship_flow.start_re_entry_flow")
def start_re_entry_flow(file: HardshipFile, *, by=None, today=None) -> HardshipProcess | None:
    """Door effect of re_enter: the household's new file starts its identification."""
    new_file = file.re_entries.filter(status=H.IDENTIFIED, process__isnull=True).order_by("-pk").first()
    return start_hardship_flow(new_file, by=by) if new_file else None


@effect("hardship_flow.close_objection_reviews")
def close_objection_reviews(file: HardshipFile, *, by=None, today=None) -> int:
    """Door effect of reject and cancel_exit: the publicity is over, so reviews of objections
    still pending are cancelled (their objections stay recorded as lodged, unresolved)."""
    closed = 0
    for process in ObjectionProcess.objects.filter(objection__file=file, status=PROCESS.NEW):
        with ObjectionFlow.lock(process.pk), transaction.atomic():
            for task in process.task_set.filter(finished__isnull=True):
                task.flow_task.activation_class(task).cancel()
            process.status, process.finished = PROCESS.CANCELED, timezone.now()
            process.save(update_fields=["status", "finished"])
            closed += 1
    return closed


# Where the flow resumes when the file's status changed outside it.
RESUME_AT = {
    H.NOT_IDENTIFIED: "not_identified",
    H.CIVIL_CHECKED: "democratic_review",  # the figures were corrected (correct_assessment)
    H.EXIT_PUBLICITY: "wait_exit_publicity",
    H.OPEN: "wait_review",
}


@effect("hardship_flow.follow_file")
def follow_file(file: HardshipFile, *, by=None, today=None) -> HardshipProcess | None:
    """Door effect of transitions that may be taken from the file's page (not identified, an
    exit begun mid-year, an exit cancelled, a correction of the figures): cancel the open work and resume the flow where
    the new status belongs. Inside a flow step it does nothing — the step routes itself."""
    process = HardshipProcess.objects.filter(file=file).first()
    if process is None or process.status in (PROCESS.DONE, PROCESS.CANCELED):
        return process
    current = _current_step.get()
    if current is not None and process.task_set.filter(pk=current).exists():
        return process
    node = getattr(HardshipFlow, RESUME_AT.get(HardshipStatus(file.status), ""), None)
    with HardshipFlow.lock(process.pk), transaction.atomic():
        # Unfinished tasks, armed timers included (they are SCHEDULED, not open work).
        unfinished = process.task_set.filter(finished__isnull=True).order_by("pk")
        cancelled = [task.flow_task.activation_class(task) for task in unfinished]
        for activation in cancelled:
            activation.cancel()
        if cancelled and node is not None:
            last = cancelled[-1]
            last._activate_next({node._create(last, last.task.token)})
    process.refresh_from_db()
    return process
