"""viewflow's generic pages of a flow application — the kanban dashboard, the process list, the
bulk assign / unassign pages and every page of a process or its tasks — scoped like the queues
(issue 17, point 1).

viewflow builds these over the whole Task and Process tables, filtered only by the flow class or
by the ids a form posts: a 海淀 mediator posting the id of a 朝阳 task to the bulk assign page got
a confirmation page naming the 朝阳 case, its worker and its employer, and a chart answered for
any process id. Here each of them starts from the application's own scoped querysets:

- `visible_processes(user)`: the flow's processes whose case or file lies in the organisations
  where the user holds one of the application's `readers` roles;
- `visible_tasks(user)`: their tasks;
- `assignable_tasks(user)`: the user's queue (待领取) of this flow;
- `unassignable_tasks(user)`: the user's inbox (我的待办) of this flow.

A posted id outside these is ignored and never named; every page of a process outside them (its
detail, its chart, any page of its tasks) is a 404 whether or not it exists, like any other record
the user may not read.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import URLResolver
from django.utils.html import format_html
from django.utils.translation import gettext as _, gettext_lazy
from viewflow.workflow.flow import FlowAppViewset, views as flow_views
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.dispute.flow import organisations_where


@dataclass(frozen=True)
class TaskCard:
    """What a kanban card says of its task in words (the application's `task_cards`): the case's
    or file's number, its parties, who holds the task, and the legal deadline left."""

    number: str
    parties: str
    owner: str = ""
    deadline: str = ""  # the HTML of workflows.dispute.views.deadline_cell, or ""


class DashboardView(flow_views.DashboardView):
    """viewflow's kanban board, counting only the tasks the user reads, each card naming its case
    or file, the parties and the deadline left (templates/workflows/kanban.html) instead of
    "#2/4"; its claim button says 领取, as everywhere else."""

    template_name = "workflows/kanban.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = self.viewset.of_this_flow(self.viewset.visible_tasks(self.request.user))
        for column in context["columns"]:
            column["tasks"] = list(visible.filter(
                Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=column["node"],
            )[: self.MAX_ROWS])
        context["finished"] = list(visible.filter(
            finished__isnull=False, flow_task__in=context["end_nodes"],
        )[: self.MAX_ROWS])
        shown = [task for column in context["columns"] for task in column["tasks"]] + context["finished"]
        cards = self.viewset.task_cards(shown)
        for task in shown:
            task.card = cards.get(task.pk)
        return context


class ProcessListView(flow_views.DashboardProcessListView):
    """流程列表: the flow's processes in the user's subtrees, newest first, each named by its
    brief (the case's number and parties, or the file's) linking to its page, where viewflow showed
    the process id; viewflow's own headers ("Process id", "Brief", "Active tasks") were never
    translatable (made from the attributes' names), so each column says its own."""

    viewset = None
    columns = ("process_brief", "created", "finished", "active_tasks")

    def process_brief(self, process):
        address = self.request.resolver_match.flow_viewset.reverse("process_detail", args=[process.pk])
        return format_html('<a href="{}">{}</a>', address, process.brief)

    process_brief.short_description = gettext_lazy("摘要")

    def active_tasks(self, process):
        return process.active_tasks_count

    active_tasks.short_description = gettext_lazy("未完成任务")

    def get_queryset(self):
        visible = self.viewset.visible_processes(self.request.user).values("pk")
        return super().get_queryset().filter(pk__in=visible).select_related(
            *getattr(self.model, "brief_reads", ())).order_by("-created")  # the briefs, read with the rows


class ProcessDetailView(flow_views.DetailProcessView):
    """A process's page (templates/viewflow/workflow/process_detail.html): its tasks read with their
    holders, whom the page names (viewflow read each holder in a query of its own)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["task_list"] = context["task_list"].select_related("owner")
        return context


class ScopedBulkMixin(LoginRequiredMixin):
    """A bulk page over the posted tasks that lie in the subclass's `scope(user)`; any other id is
    ignored, so the page (and the form it posts back) names only the user's own tasks of this flow."""

    def scoped(self):
        return self.viewset.of_this_flow(self.scope(self.request.user)).order_by("created", "pk")

    def get_queryset(self):
        tasks = self.scoped()
        if not self.request.POST.get("select_all"):  # nothing posted is nothing, never "all"
            tasks = tasks.filter(pk__in=[pk for pk in self.request.POST.getlist("pk") if pk.isdigit()])
        self.object_list = tasks
        return tasks

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "data" in kwargs:
            data = kwargs["data"].copy()
            data.setlist("pk", [str(pk) for pk in self.get_queryset().values_list("pk", flat=True)])
            kwargs["data"] = data
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["pk"].queryset = self.scoped()
        return form

    def get(self, request, *args, **kwargs):  # the page is reached by posting a selection
        messages.info(request, _("请先在列表中勾选任务。"))
        return HttpResponseRedirect(self.get_success_url())

    def post(self, request, *args, **kwargs):
        if not self.get_queryset().exists():
            messages.warning(request, _("所选任务中没有您可以办理的任务。"))
            return HttpResponseRedirect(self.get_success_url())
        return super().post(request, *args, **kwargs)


class BulkAssignView(ScopedBulkMixin, flow_views.BulkAssignTasksActionView):
    """领取 several tasks at once, from the user's queue of this flow only."""

    def scope(self, user):
        return self.viewset.assignable_tasks(user)

    def get_success_url(self):
        return self.viewset.reverse("queue")

    def message_user(self):
        messages.success(self.request, _("已领取所选任务。"), fail_silently=True)


class BulkUnassignView(ScopedBulkMixin, flow_views.BulkUnassignTasksActionView):
    """退回 several of the user's own tasks of this flow to the queue."""

    def scope(self, user):
        return self.viewset.unassignable_tasks(user)

    def get_success_url(self):
        return self.viewset.reverse("inbox")

    def message_user(self):
        messages.success(self.request, _("所选任务已退回待领取队列。"), fail_silently=True)


def in_scope(view, viewset):
    """`view`, refused with a 404 for a process (and task) outside the signed-in user's scope."""

    @wraps(view)
    def scoped_view(request, *args, **kwargs):
        if request.user.is_authenticated:
            process_pk, task_pk = kwargs["process_pk"], kwargs.get("task_pk")
            if not viewset.visible_processes(request.user).filter(pk=process_pk).exists():
                raise Http404(_("没有找到该流程。"))
            if task_pk is not None and not Task.objects.filter(pk=task_pk, process_id=process_pk).exists():
                raise Http404(_("没有找到该任务。"))
        return view(request, *args, **kwargs)

    return scoped_view


class ScopedFlowAppViewset(FlowAppViewset):
    """A flow application whose generic pages show only what the user may read. A subclass names the
    `readers` roles and gives `visible_tasks(user)`, `assignable_tasks(user)` and
    `unassignable_tasks(user)` (see the module's docstring)."""

    readers: tuple = ()  # the roles that read this flow's pages, each over its own subtree
    dashboard_view_class = DashboardView
    process_list_view_class = ProcessListView
    process_detail_view_class = ProcessDetailView
    tasks_assign_view_class = BulkAssignView
    tasks_unassign_view_class = BulkUnassignView

    def visible_processes(self, user):
        process_class = self._flow_class.process_class
        organisations = organisations_where(user, self.readers)
        return process_class._default_manager.filter(
            flow_class=self._flow_class, **{f"{process_class.organisation_lookup}__in": organisations.values("pk")},
        )

    def of_this_flow(self, tasks):
        return tasks.filter(process__flow_class=self._flow_class)

    def task_cards(self, tasks) -> dict:
        """{task pk: TaskCard} for the kanban's `tasks` (of visible_tasks), in a constant number of
        queries; a task left out shows viewflow's own card."""
        return {}

    def _get_urls(self):
        """Every page of a process or of one of its tasks (a <process_pk> in its path) answers 404
        to a signed-in user who does not read that process, or when the task is not the process's:
        viewflow's own pages (a task's index redirect, the chart, the process detail) would otherwise
        answer for any id, and tell the node a foreign task waits at."""
        patterns = super()._get_urls()
        for entry in patterns:
            self._scope_process_pages(entry)
        return patterns

    def _scope_process_pages(self, entry):
        if isinstance(entry, URLResolver):
            for inner in entry.url_patterns:
                self._scope_process_pages(inner)
        elif "process_pk" in getattr(entry.pattern, "converters", {}):
            entry.callback = in_scope(entry.callback, self)
