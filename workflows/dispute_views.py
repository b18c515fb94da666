"""Pages of the dispute flow: its task forms, the claim page, and queues scoped to the user's subtrees.

Each task form calls the transition door inside the task's activation: viewflow's view
wrapper holds the flow lock and a transaction around the POST, and the door plus
`activation.execute()` run in one savepoint within it, so the legal transition and the flow
step are saved together or not at all. A refusal from the door (a missing reason, a state
that moved on, a mediator who is not ours) comes back onto the form as a Chinese message.

viewflow's stock list pages read the whole Task table; every list here is filtered to the
organisations where the user holds a dispute role (mediator, lead; auditors read).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django_fsm import ConcurrentTransition
from viewflow.utils import viewprop
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.flow.views import mixins as flow_mixins
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models.dispute import CASE_HANDLERS

from .dispute import DISPUTE_READERS, DisputeFlow, claim, organisations_where, person_label, run_step
from .dispute_forms import AssignMediatorForm, DecideAcceptanceForm, MediateForm

CASE_PATH = "process__disputeprocess__case"


# -- read side: what each user sees ---------------------------------------------------------

def dispute_tasks():
    return Task.objects.filter(process__flow_class=DisputeFlow).select_related(
        "process", "owner", f"{CASE_PATH}__worker", f"{CASE_PATH}__employer", f"{CASE_PATH}__organisation",
    )


def visible_tasks(user):
    """Every task of cases in the organisations where `user` holds a dispute role."""
    return dispute_tasks().filter(**{f"{CASE_PATH}__organisation__in": organisations_where(user, DISPUTE_READERS)})


def claimable_tasks(user):
    """The organisation queue: unclaimed human tasks `user` may claim (待领取)."""
    return dispute_tasks().filter(
        flow_task_type="HUMAN", status=STATUS.NEW, owner__isnull=True,
        **{f"{CASE_PATH}__organisation__in": organisations_where(user, CASE_HANDLERS)},
    )


def inbox_tasks(user):
    """Tasks assigned to `user` and not yet done (我的待办)."""
    return visible_tasks(user).filter(owner=user, status=STATUS.ASSIGNED, flow_task_type="HUMAN")


def archived_tasks(user):
    return visible_tasks(user).filter(owner=user, finished__isnull=False, flow_task_type="HUMAN")


def visible_processes(user):
    return DisputeFlow.process_class.objects.filter(
        case__organisation__in=organisations_where(user, DISPUTE_READERS),
    ).select_related("case", "case__worker", "case__employer")


class CaseColumns:
    """Columns that name the case a task belongs to."""

    def case_number(self, task):
        return task.process.disputeprocess.case.number

    case_number.short_description = gettext_lazy("案件编号")

    def worker(self, task):
        return task.process.disputeprocess.case.worker.name

    worker.short_description = gettext_lazy("劳动者")

    def employer(self, task):
        return task.process.disputeprocess.case.employer.name

    employer.short_description = gettext_lazy("用人单位")

    def task_title(self, task):
        return task.title

    task_title.short_description = gettext_lazy("任务")


class InboxView(CaseColumns, flow_views.FlowInboxListView):
    columns = ("task_id", "case_number", "worker", "employer", "task_title", "created")

    @viewprop
    def queryset(self):
        return inbox_tasks(self.request.user).order_by("created")


class QueueView(CaseColumns, flow_views.FlowQueueListView):
    columns = ("task_id", "case_number", "worker", "employer", "task_title", "created")

    @viewprop
    def queryset(self):
        return claimable_tasks(self.request.user).order_by("created")


class ArchiveView(CaseColumns, flow_views.FlowArchiveListView):
    columns = ("task_id", "case_number", "task_title", "created", "finished")

    @viewprop
    def queryset(self):
        return archived_tasks(self.request.user).order_by("-finished")


class TaskListView(CaseColumns, flow_views.DashboardTaskListView):
    columns = ("task_id", "case_number", "flow_task", "created", "owner")

    @viewprop
    def queryset(self):
        return visible_tasks(self.request.user).order_by("-created")


class ProcessListView(flow_views.DashboardProcessListView):
    def get_queryset(self):
        visible = visible_processes(self.request.user).values("pk")
        return super().get_queryset().filter(pk__in=visible).order_by("-created")


class DashboardView(flow_views.DashboardView):
    """viewflow's kanban board, counting only the user's subtrees."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = visible_tasks(self.request.user)
        for column in context["columns"]:
            column["tasks"] = visible.filter(
                Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=column["node"],
            )[: self.MAX_ROWS]
        context["finished"] = visible.filter(
            finished__isnull=False, flow_task__in=context["end_nodes"],
        )[: self.MAX_ROWS]
        return context


# -- claiming ---------------------------------------------------------------------------------

class ClaimTaskView(flow_mixins.TaskViewTemplateNames, generic.FormView):
    """领取: confirm, then take the task from the organisation queue.

    Runs under viewflow's task wrapper (flow lock, fresh task). Of two people claiming the
    same task, the second is sent back to the queue with the name of the one who has it.
    """

    template_filename = "task_assign.html"

    def get_form_class(self):
        from django import forms

        return forms.Form

    def dispatch(self, request, *args, **kwargs):
        activation = request.activation
        task = activation.task
        refusal = task.flow_task.refusal(request.user, task)
        if refusal:
            if task.owner_id and task.owner_id == request.user.pk and task.status == STATUS.ASSIGNED:
                return HttpResponseRedirect(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))
            if task.owner_id:
                messages.error(request, refusal)
                return HttpResponseRedirect(request.resolver_match.flow_viewset.reverse("queue"))
            raise PermissionDenied(refusal)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        activation = self.request.activation
        claim(activation, self.request.user)
        task = activation.task
        messages.success(self.request, _("已领取任务“%(task)s”。") % {"task": task.title})
        return HttpResponseRedirect(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))


# -- task forms -------------------------------------------------------------------------------

def _put_on_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class CaseTaskView(generic.FormView):
    """A task form: the case beside it, the door called on submit."""

    template_name = "workflows/dispute/task.html"

    @property
    def case(self):
        return self.request.activation.process.case

    def get_context_data(self, **kwargs):
        case = self.case
        return super().get_context_data(
            case=case, claims=list(case.claims.all()), activation=self.request.activation,
            mediator_name=person_label(case.mediator) if case.mediator_id else "", **kwargs,
        )

    def transition(self, form) -> tuple[str, dict]:
        """The door transition this submission takes, and its keyword arguments."""
        raise NotImplementedError

    def get_success_message(self) -> str:
        return _("“%(task)s”已完成。") % {"task": self.request.activation.task.title}

    def form_valid(self, form):
        activation = self.request.activation
        try:
            name, arguments = self.transition(form)
            run_step(activation, by=self.request.user, transition=name, **arguments)
        except ValidationError as error:
            _put_on_form(form, error)
            return self.form_invalid(form)
        except (PermissionDenied, ConcurrentTransition) as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.request.resolver_match.flow_viewset.get_success_url(self.request))


class DecideAcceptanceView(CaseTaskView):
    form_class = DecideAcceptanceForm

    def transition(self, form):
        return form.cleaned_data["decision"], {"reason": form.cleaned_data["reason"]}


class AssignMediatorView(CaseTaskView):
    form_class = AssignMediatorForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case, "user": self.request.user}

    def transition(self, form):
        return "assign", {"data": {"mediator": form.cleaned_data["mediator"]}}

    def get_success_message(self):
        return _("已分配调解员：%(name)s。") % {"name": person_label(self.case.mediator)}


class MediateView(CaseTaskView):
    form_class = MediateForm

    def transition(self, form):
        return form.cleaned_data["outcome"], {"reason": form.cleaned_data["reason"]}


class DisputeAppViewset(FlowAppViewset):
    """The dispute flow as an application of the Material site, with scoped lists."""

    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    task_list_view_class = TaskListView
    process_list_view_class = ProcessListView
    dashboard_view_class = DashboardView

    def get_context_data(self, request):
        # The menu's counters: the same scoped lists as the pages.
        return {"user_inbox": inbox_tasks(request.user), "user_queue": claimable_tasks(request.user)}
