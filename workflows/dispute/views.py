"""Pages of the dispute flow: the queues sorted by legal urgency, the claim page, the task
forms and their in-task actions.

Each task form calls the transition door inside the task's activation: viewflow's view
wrapper holds the flow lock and a transaction around the POST, and the door plus
`activation.execute()` run in one savepoint within it, so the legal transition and the flow
step are saved together or not at all. In-task actions (schedule a session, record a
signature, record a payment...) post to their own small page under the same lock and take a
door transition that leaves the task open. A refusal from the door (a missing reason, a state
that moved on, a mediator who is not ours) comes back onto the form as a Chinese message.

viewflow's stock list pages read the whole Task table; every list here is filtered to the
organisations where the user holds a dispute role (mediator, lead; auditors read). 我的待办
and 待领取 sort by the nearest running legal clock of the task's case (its own clocks and its
instalments'), tasks of cases without one last, read from the tasks' stored queue rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Subquery, Sum, Value
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _, gettext_lazy
from django.views import generic
from django_filters import ChoiceFilter, FilterSet, ModelChoiceFilter, fields as filter_fields
from django_fsm import ConcurrentTransition
from viewflow.utils import viewprop
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.flow.views import filters as flow_filters
from viewflow.workflow.flow.views import mixins as flow_mixins
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import Deadline, DisputeClaim, DisputeStatus
from cases.models.dispute.case import CASE_HANDLERS
from cases.models.dispute.consent import respondent_consent
from cases.rules.calendar import add_working_days, working_days_between
from cases.rules.claims import ClaimType
from workflows.dispute.agreement_forms import signing_context
from workflows.dispute.flow import (
    DISPUTE_READERS,
    DisputeFlow,
    claim,
    organisations_where,
    person_label,
    run_action,
    run_step,
)
from workflows.dispute.forms import (
    ACTION_FORMS,
    ArchiveCaseForm,
    AssignMediatorForm,
    CloseCaseForm,
    DecideAcceptanceForm,
    DraftAgreementForm,
    MakeEffectiveForm,
    MediateForm,
    SigningEndedForm,
    SupervisePerformanceForm,
)
from workflows.dispute.schedule import views as schedule_views
from workflows import page_scope
from workflows.flow_pages import ScopedFlowAppViewset, TaskCard
from workflows.list_pages import CellsAtOnce, CountedPaginator, OwnerColumn, PinLocationOnChange, TaskAddressColumns
from workflows.models import DisputeQueueEntry

CASE_PATH = "process__disputeprocess__case"
DisputeQueueEntry._meta.get_field("organisation").register_lookup(page_scope.InIds)  # the rows' filters


# -- read side: what each user sees ---------------------------------------------------------

CASE_COLUMNS = ("process", "owner", f"{CASE_PATH}__worker", f"{CASE_PATH}__employer", f"{CASE_PATH}__organisation")


def dispute_tasks():
    return Task.objects.filter(process__flow_class=DisputeFlow).select_related(*CASE_COLUMNS)


def tasks_by_rows(row_filter: dict):
    """Open dispute tasks whose stored queue row matches `row_filter` (only open dispute tasks
    have one), filtered on the rows alone: no join to the process is needed to tell them."""
    return rows_tasks(row_filter).select_related(*CASE_COLUMNS)


def rows_tasks(row_filter: dict):
    """tasks_by_rows without the case's columns joined."""
    return Task.objects.filter(**{f"queue_entry__{name}": value for name, value in row_filter.items()})


def page_tasks(row_filter: dict):
    """A page of 我的待办 or 待领取: the tasks of `row_filter` most urgent first, with only what
    the columns show read as values (the case's number, the parties' names): five tables in the
    query, and no case, party, process or organisation object made (nor a party's field
    decrypted) for a row."""
    case = "queue_entry__case"
    return with_urgency(rows_tasks(row_filter)).annotate(
        case_number=F(f"{case}__number"), worker_name=F(f"{case}__worker__name"),
        employer_name=F(f"{case}__employer__name"),
    )


def visible_tasks(user):
    """Every task of cases in the organisations where `user` holds a dispute role."""
    return dispute_tasks().filter(**{f"{CASE_PATH}__organisation__in": organisations_where(user, DISPUTE_READERS)})


def queue_filter(user) -> dict:
    """The organisation queue: unclaimed tasks in the subtrees where `user` handles cases."""
    return {"status": STATUS.NEW, "owner__isnull": True, "organisation__in_ids": organisation_ids(user, CASE_HANDLERS)}


def inbox_filter(user) -> dict:
    """Tasks assigned to `user` and not yet done, where they hold a dispute role."""
    return {"owner": user, "status": STATUS.ASSIGNED, "organisation__in_ids": organisation_ids(user, DISPUTE_READERS)}


def organisation_ids(user, roles) -> page_scope.Ids:
    """The organisations as ids spelled out (a few hundred at most): the rows' index scan then
    checks each row as it reads it, and the planner knows how many a street or a district holds.
    As a subquery the check came after the page's joins: half a second for a street's queue.
    Read once per request (workflows/page_scope.py): the page, its count and the menu ask."""
    return page_scope.organisation_ids(user, roles)


class MenuCounts:
    """The menu's counters of 我的待办 and 待领取, once per request (menu_counts): an unfiltered
    list page shows the same number. One query, each count read from its own index alone (an
    OR of the two would visit the rows' table for thousands of rows)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def numbers(self) -> dict:
        inbox = counted("inbox", DisputeQueueEntry.objects.filter(**inbox_filter(self.user)))
        queue = counted("queue", DisputeQueueEntry.objects.filter(**queue_filter(self.user)))
        return {"inbox": 0, "queue": 0, **dict(inbox.union(queue, all=True))}

    def counter(self, name: str):
        """What the menu template reads as `{{ user_inbox.count }}`."""
        return MenuCounter(self, name)


@dataclass(frozen=True)
class MenuCounter:
    counts: MenuCounts
    name: str  # "inbox" | "queue"

    def count(self) -> int:
        return self.counts.numbers[self.name]


def counted(name: str, rows):
    """(name, how many `rows`), as a query to union with others."""
    return rows.annotate(counter=Value(name)).values("counter").annotate(rows=Count("pk")).values_list("counter", "rows")


def menu_counts(request) -> MenuCounts:
    counts = getattr(request, "_dispute_menu_counts", None)
    if counts is None:
        counts = request._dispute_menu_counts = MenuCounts(request.user)
    return counts


def queue_tasks(user):
    """The organisation queue: unclaimed human tasks `user` may claim."""
    return tasks_by_rows(queue_filter(user))


def assigned_tasks(user):
    """Tasks assigned to `user` and not yet done."""
    return tasks_by_rows(inbox_filter(user))


def claimable_tasks(user):
    """待领取: the queue, most urgent first."""
    return with_urgency(queue_tasks(user))


def inbox_tasks(user):
    """我的待办: the user's tasks, most urgent first."""
    return with_urgency(assigned_tasks(user))


def archived_tasks(user):
    return visible_tasks(user).filter(owner=user, finished__isnull=False, flow_task_type="HUMAN")


def with_urgency(tasks):
    """Annotate each queued task with its case's nearest running deadline (kept on its queue row,
    workflows/dispute/queue_entries.py) and the total claimed, and sort by that deadline (cases
    without a running clock last, oldest task first among equals): the order of the rows' index."""
    claimed = (
        DisputeClaim.objects.filter(case_id=OuterRef("queue_entry__case_id")).order_by().values("case_id")
        .annotate(total=Sum("amount_claimed")).values("total")
    )
    return tasks.annotate(
        deadline_due=F("queue_entry__due_on"),
        deadline_provisional=F("queue_entry__due_provisional"),
        deadline_imported=F("queue_entry__due_imported"),
        claimed_total=Subquery(claimed, output_field=DecimalField(max_digits=16, decimal_places=2)),
    ).order_by(F("queue_entry__due_on").asc(nulls_last=True), "queue_entry__created", "queue_entry__task_id")


@dataclass(frozen=True)
class Urgency:
    """How a deadline reads in a queue row: "剩余2个工作日", its colour level, and "暂定"."""

    label: str
    level: str  # "normal" | "warning" | "breached"
    provisional: bool


NORMAL, WARNING, BREACHED = "normal", "warning", "breached"


def urgency(due_on: date | None, *, provisional: bool = False, today: date | None = None) -> Urgency | None:
    """Working days left (or overdue) until `due_on`; warning at one working day or less."""
    if due_on is None:
        return None
    today = today or timezone.localdate()
    if due_on < today:
        late = working_days_between(due_on, today)
        if late:
            label = _("已超期%(n)s个工作日") % {"n": late}
        else:  # due on a rest day that has passed; no working day lost yet
            label = _("已超期%(n)s天") % {"n": (today - due_on).days}
        return Urgency(label, BREACHED, provisional)
    if due_on == today:
        return Urgency(_("今日届满"), WARNING, provisional)
    left = working_days_between(today, due_on)
    return Urgency(_("剩余%(n)s个工作日") % {"n": left}, WARNING if left <= 1 else NORMAL, provisional)


def warning_until(today: date) -> date:
    """The last due date that still reads as a warning: one working day left or less."""
    return add_working_days(today, 2) - timedelta(days=1)


class DeadlineStatus:
    CHOICES = (
        (NORMAL, gettext_lazy("正常")), (WARNING, gettext_lazy("临近届满")), (BREACHED, gettext_lazy("已超期")),
        ("none", gettext_lazy("无进行中的期限")),
    )


class CaseTaskFilter(FilterSet):
    """Filters of 我的待办 and 待领取: claim type, case status, deadline status."""

    claim_type = ChoiceFilter(label=gettext_lazy("争议事项"), choices=ClaimType.choices, method="filter_claim_type")
    case_status = ChoiceFilter(label=gettext_lazy("案件状态"), choices=DisputeStatus.choices,
                               field_name=f"{CASE_PATH}__status")
    deadline = ChoiceFilter(label=gettext_lazy("期限状态"), choices=DeadlineStatus.CHOICES, method="filter_deadline")

    class Meta:
        model = Task
        fields = ("claim_type", "case_status", "deadline")

    def filter_claim_type(self, queryset, name, value):
        claims = DisputeClaim.objects.filter(case_id=OuterRef(CASE_PATH), claim_type=value)
        return queryset.filter(Exists(claims))

    def filter_deadline(self, queryset, name, value):
        today = timezone.localdate()
        if value == "none":
            return queryset.filter(deadline_due__isnull=True)
        if value == BREACHED:
            return queryset.filter(deadline_due__lt=today)
        if value == WARNING:
            return queryset.filter(deadline_due__gte=today, deadline_due__lte=warning_until(today))
        return queryset.filter(deadline_due__gt=warning_until(today))


class CaseColumns(TaskAddressColumns):
    """Columns that name the case a task belongs to (tasks read with their case, worker and
    employer: CASE_COLUMNS). The case's number links to the task, where viewflow's "#2/4" did."""

    def case_number(self, task):
        return format_html('<a href="{}">{}</a>', self.task_address(task, "index"),
                           task.process.disputeprocess.case.number)

    case_number.short_description = gettext_lazy("案件编号")

    def parties(self, task):
        return task.process.disputeprocess.case.parties_title  # 王秀英 诉 北京某科技有限公司, as a case is titled

    parties.short_description = gettext_lazy("当事人")

    def worker(self, task):
        return task.process.disputeprocess.case.worker.name

    worker.short_description = gettext_lazy("劳动者")

    def employer(self, task):
        return task.process.disputeprocess.case.employer.name

    employer.short_description = gettext_lazy("用人单位")

    def task_title(self, task):
        return task.title

    task_title.short_description = gettext_lazy("阶段")


class UrgencyColumns(PinLocationOnChange, CellsAtOnce, CaseColumns):
    """The columns of the queues sorted by legal urgency (tasks from page_tasks), their rows'
    cells written at once (workflows/list_pages.py). A row starts with its case's number, linking
    to the task (as the home's lists do), and the parties beside it; no "#2/4"."""

    filterset_class = CaseTaskFilter
    columns = ("case_number", "worker", "employer", "total_claimed", "task_title", "deadline")
    template_name = "workflows/dispute/dispute/urgency_tasks_list.html"

    row_filter: dict  # the page's rows: inbox_filter or queue_filter of the user
    counter: str  # the menu's counter of the same rows: "inbox" or "queue"

    @viewprop
    def queryset(self):
        return page_tasks(self.row_filter)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        if any(self.request.GET.get(name) for name in CaseTaskFilter.base_filters):
            return super().get_paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)
        counter = menu_counts(self.request).counter(self.counter)
        return CountedPaginator(queryset, per_page, count=counter.count, orphans=orphans,
                                allow_empty_first_page=allow_empty_first_page, **kwargs)

    def case_number(self, task):
        return format_html('<a href="{}">{}</a>', self.task_address(task, "index"), task.case_number)

    case_number.short_description = CaseColumns.case_number.short_description

    def worker(self, task):
        return task.worker_name

    worker.short_description = CaseColumns.worker.short_description

    def employer(self, task):
        return task.employer_name

    employer.short_description = CaseColumns.employer.short_description

    def total_claimed(self, task):
        return f"¥{task.claimed_total or 0:,.2f}"

    total_claimed.short_description = gettext_lazy("请求金额")

    def deadline(self, task):
        key = (task.deadline_due, bool(task.deadline_provisional), bool(task.deadline_imported))
        if key not in self.deadline_cells:  # rows of a page share a few due dates
            self.deadline_cells[key] = deadline_cell(*key, today=self.today)
        return self.deadline_cells[key]

    deadline.short_description = gettext_lazy("法定期限")

    @cached_property
    def deadline_cells(self) -> dict:
        return {}

    @cached_property
    def today(self):
        return timezone.localdate()


def deadline_cell(due_on, provisional: bool, imported: bool, *, today):
    """The 法定期限 cell: the urgency's words in its colour, with 暂定 and 历史导入 marks."""
    reading = urgency(due_on, provisional=provisional, today=today)
    if reading is None:
        return _("无进行中的期限")
    provisional = format_html(' <span class="uc-deadline__provisional">{}</span>', _("暂定")) \
        if reading.provisional else ""
    imported = format_html(' <span class="uc-deadline__imported">{}</span>', _("历史导入")) if imported else ""
    return format_html('<span class="uc-deadline uc-deadline--{}" title="{}">{}</span>{}{}',
                       reading.level, due_on.strftime("%Y年%m月%d日").replace("年0", "年").replace("月0", "月"),
                       reading.label, provisional, imported)


class InboxView(UrgencyColumns, flow_views.FlowInboxListView):
    title = gettext_lazy("我的待办")
    counter = "inbox"

    @viewprop
    def row_filter(self):
        return inbox_filter(self.request.user)


class ClaimLinkColumn(TaskAddressColumns):
    """The 领取 button of a queue: the task's assign page (dispute and hardship queues alike). A
    task the user may not take because of four eyes (a flow node's `excluded`: they prepared the
    file, or approved it first) gets a disabled button saying why (the hardship queue's 说明
    column says it too), never a link that answers 403."""

    def claim_link(self, task):
        refusal = self.four_eyes_refusal(task)
        if refusal:
            return format_html('<button class="mdc-button" type="button" disabled title="{}" aria-label="{}">{}</button>',
                               refusal, refusal, _("领取"))
        return format_html('<a class="mdc-button" href="{}">{}</a>', self.task_address(task, "assign"), _("领取"))

    def four_eyes_refusal(self, task) -> str:
        excluded = getattr(task.flow_task, "excluded", None)
        if excluded is None or not excluded(self.request.user, task):
            return ""
        return task.flow_task.refusal(self.request.user, task)

    claim_link.short_description = gettext_lazy("操作")


class QueueView(ClaimLinkColumn, UrgencyColumns, flow_views.FlowQueueListView):
    title = gettext_lazy("待领取")
    columns = UrgencyColumns.columns + ("claim_link",)
    counter = "queue"

    @viewprop
    def row_filter(self):
        return queue_filter(self.request.user)


class ArchiveView(CaseColumns, flow_views.FlowArchiveListView):
    columns = ("case_number", "parties", "task_title", "created", "finished")

    @viewprop
    def queryset(self):
        return archived_tasks(self.request.user).order_by("-finished")


def team_members(request):
    """Whose tasks 任务列表 offers to filter by: the mediators and leads of the organisations whose
    cases the user reads (the team board's links name them)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        memberships__organisation__in=organisations_where(request.user, DISPUTE_READERS),
        memberships__role__in=list(CASE_HANDLERS),
    ).distinct().order_by("last_name", "first_name", "username")


class PersonChoiceField(filter_fields.ModelChoiceField):
    def label_from_instance(self, user):
        return person_label(user)


class MemberChoiceFilter(ModelChoiceFilter):
    field_class = PersonChoiceField


class TeamTaskFilter(flow_filters.DashboardTaskListViewFilter):
    """任务列表's filters and the team board's (workflows/worklists.py): whose task, its deadline."""

    owner = MemberChoiceFilter(label=gettext_lazy("办理人"), queryset=team_members)
    deadline = ChoiceFilter(label=gettext_lazy("期限状态"), choices=DeadlineStatus.CHOICES, method="filter_deadline")
    filter_deadline = CaseTaskFilter.filter_deadline

    class Meta(flow_filters.DashboardTaskListViewFilter.Meta):
        fields = ["flow_task", "status", "owner", "deadline", "created", "finished"]


class TaskListView(OwnerColumn, CaseColumns, flow_views.DashboardTaskListView):
    """任务列表: every task of cases the user reads, newest first, its holder by name (OwnerColumn:
    read with the tasks, CASE_COLUMNS); an open task with its case's nearest legal deadline (its
    queue row's), which the team board's links filter by."""

    columns = ("case_number", "parties", "task_title", "created", "owner", "deadline")
    filterset_class = TeamTaskFilter

    @viewprop
    def queryset(self):
        return visible_tasks(self.request.user).annotate(
            deadline_due=F("queue_entry__due_on"), deadline_provisional=F("queue_entry__due_provisional"),
            deadline_imported=F("queue_entry__due_imported"),
        ).order_by("-created")

    def deadline(self, task):
        if task.deadline_due is None:
            return ""
        return deadline_cell(task.deadline_due, bool(task.deadline_provisional), bool(task.deadline_imported),
                             today=timezone.localdate())

    deadline.short_description = gettext_lazy("法定期限")


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

def put_errors_on_form(form, error: ValidationError) -> None:
    """The door's refusal, under the field it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def submitted_through_door(form, take) -> bool:
    """Call `take()` (a door call) for a valid `form`; what the door refuses goes on the form."""
    try:
        take()
    except ValidationError as error:
        put_errors_on_form(form, error)
    except (PermissionDenied, ConcurrentTransition) as error:
        form.add_error(None, str(error))
    else:
        return True
    return False


class CaseContextMixin:
    """The case beside a task's form, and the in-task actions this user may take on it."""

    @property
    def case(self):
        return self.request.activation.process.case

    def action_forms(self, bound=None):
        """(name, url, form) for each in-task action `user` may take now; `bound` replaces one."""
        activation, user = self.request.activation, self.request.user
        flow_task, task = activation.flow_task, activation.task
        found = []
        for name in flow_task.actions:
            if not flow_task.may_take_action(user, task, name):
                continue
            if bound is not None and bound.prefix == name:
                form = bound
            else:
                form = ACTION_FORMS[name](case=self.case, user=user, prefix=name)
            url = flow_task.reverse("action", args=[task.process_id, task.pk, name])
            found.append((name, url, form))
        return found

    def case_context(self):
        case = self.case
        agreement = getattr(case, "agreement", None)
        return {
            "case": case, "claims": list(case.claims.all()), "activation": self.request.activation,
            "mediator_name": person_label(case.mediator) if case.mediator_id else "",
            "sessions": list(case.sessions.all()),
            "consent": respondent_consent(case),
            "agreement": agreement,
            **signing_context(case),
            "instalments": list(agreement.instalments.all()) if agreement else [],
            "deadlines": list(Deadline.objects.for_subject(case).awaiting().by_urgency()),
        }


class CaseTaskView(CaseContextMixin, generic.TemplateView):
    """A task page: the case beside it, the completing forms, and the in-task actions.

    Each completing form posts with `_form=<its key>`; the door is called on submit and its
    refusal comes back onto that form, the others shown unbound beside it.
    """

    template_name = "workflows/dispute/task.html"
    forms: dict = {}  # key -> CaseForm class completing the task

    def build_forms(self, posted: str | None = None):
        """The task's completing forms, `posted` bound to the request's data and uploads. Their
        field names do not overlap within a task, so they need no prefix (`_form` tells them apart)."""
        process = self.request.activation.process
        return {
            key: self.task_form(key, process=process, case=self.case, user=self.request.user,
                                data=self.request.POST if key == posted else None,
                                files=self.request.FILES if key == posted else None)
            for key in self.forms
        }

    @classmethod
    def task_form(cls, key: str, *, process, case, user, data=None, files=None):
        """The completing form `key` of this task (the page's, and the API's: transition_requests)."""
        return cls.forms[key](case=case, user=user, data=data, files=files)

    @classmethod
    def after_step(cls, case, files, *, by) -> None:
        """What the page keeps after the step is done (nothing here; a hardship task keeps its scans)."""

    def get_context_data(self, **kwargs):
        forms = kwargs.pop("forms", None) or self.build_forms()
        return super().get_context_data(
            forms=list(forms.items()), action_forms=self.action_forms(), **self.case_context(), **kwargs,
        )

    def get_success_message(self, name) -> str:
        return _("“%(task)s”已完成。") % {"task": self.request.activation.task.title}

    def post(self, request, *args, **kwargs):
        key = request.POST.get("_form") or next(iter(self.forms))  # no key: the task's first form
        if key not in self.forms:
            raise Http404(_("该任务没有这一项。"))
        forms = self.build_forms(posted=key)
        form = forms[key]
        if form.is_valid():
            name, reason, data = form.transition()
            if submitted_through_door(form, lambda: run_step(
                    request.activation, by=request.user, transition=name, reason=reason, data=data)):
                self.after_step(self.case, request.FILES, by=request.user)
                messages.success(request, self.get_success_message(name))
                return HttpResponseRedirect(request.resolver_match.flow_viewset.get_success_url(request))
        return self.render_to_response(self.get_context_data(forms=forms))


class DecideAcceptanceView(CaseTaskView):
    forms = {"decide": DecideAcceptanceForm}


class AssignMediatorView(CaseTaskView):
    forms = {"assign": AssignMediatorForm}

    def get_success_message(self, name):
        return _("已分配调解员：%(name)s。") % {"name": person_label(self.case.mediator)}


class MediateView(CaseTaskView):
    forms = {"end": MediateForm, "agreement": DraftAgreementForm}


class SignAgreementView(CaseTaskView):
    forms = {"effective": MakeEffectiveForm, "ended": SigningEndedForm}


class SupervisePerformanceView(CaseTaskView):
    forms = {"outcome": SupervisePerformanceForm}


class CloseCaseView(CaseTaskView):
    forms = {"close": CloseCaseForm}


class ArchiveCaseView(CaseTaskView):
    forms = {"archive": ArchiveCaseForm}


class TaskActionView(CaseContextMixin, generic.TemplateView):
    """One in-task action (e.g. 安排调解): a door transition on an open task, which stays open.

    Runs under viewflow's task wrapper (flow lock and transaction around the POST). The task's
    holder may take its actions; a lead may also approve what only leads approve (an
    extension) on a task held by the mediator.
    """

    template_name = "workflows/dispute/task_action.html"

    def dispatch(self, request, *args, action, **kwargs):
        activation = request.activation
        if action not in activation.flow_task.actions:
            raise Http404(_("该任务没有这一事项。"))
        if not activation.flow_task.may_take_action(request.user, activation.task, action):
            raise PermissionDenied(_("只有领取了该任务的人可以办理此事项。"))
        self.action = action
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None, files=None):
        return ACTION_FORMS[self.action](case=self.case, user=self.request.user, prefix=self.action, data=data,
                                         files=files)

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or self.make_form()
        return super().get_context_data(form=form, action=self.action, **self.case_context(), **kwargs)

    def back_url(self):
        activation = self.request.activation
        task, flow_task = activation.task, activation.flow_task
        view = "execute" if flow_task.can_execute(self.request.user, task) else "detail"
        return flow_task.reverse(view, args=[task.process_id, task.pk])

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            name, reason, data = form.transition()
            if submitted_through_door(form, lambda: run_action(
                    request.activation, by=request.user, action=name, reason=reason, data=data)):
                messages.success(request, _("已办理：%(action)s。") % {"action": form.title})
                return HttpResponseRedirect(self.back_url())
        return self.render_to_response(self.get_context_data(form=form))


class DisputeAppViewset(ScopedFlowAppViewset):
    """The dispute flow as an application of the Material site, every page scoped (flow_pages)."""

    readers = DISPUTE_READERS
    # The flow's own menu, plus 日程 for mediators and leads (workflows/dispute/schedule/).
    menu_template_name = "workflows/dispute/menu.html"
    schedule_path = path("schedule/", schedule_views.ScheduleView.as_view(), name="schedule")
    schedule_pdf_path = path("schedule/week.pdf", schedule_views.SchedulePdfView.as_view(), name="schedule_pdf")
    schedule_feed_path = path("schedule/feed/", schedule_views.FeedAddressView.as_view(), name="schedule_feed")
    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    task_list_view_class = TaskListView

    def visible_tasks(self, user):
        return visible_tasks(user)

    def assignable_tasks(self, user):
        return queue_tasks(user)

    def unassignable_tasks(self, user):
        return assigned_tasks(user)

    def task_cards(self, tasks):
        """The kanban's cards: the case's number and parties (read with the tasks), the holder, and
        the nearest legal deadline of an open task (its queue row's, all in one query)."""
        rows = DisputeQueueEntry.objects.filter(task_id__in=[task.pk for task in tasks]).values_list(
            "task_id", "due_on", "due_provisional", "due_imported")
        clocks = {task_id: clock for task_id, *clock in rows}
        today = timezone.localdate()
        cards = {}
        for task in tasks:
            case = task.process.disputeprocess.case
            due_on, provisional, imported = clocks.get(task.pk, (None, False, False))
            cards[task.pk] = TaskCard(
                number=case.number,
                parties=_("%(worker)s 与 %(employer)s") % {"worker": case.worker.name, "employer": case.employer.name},
                owner=person_label(task.owner) if task.owner_id else "",
                deadline=deadline_cell(due_on, provisional, imported, today=today) if due_on else "",
            )
        return cards

    def get_context_data(self, request):
        # The menu's counters: the same scoped lists as the pages, counted on their stored rows
        # in one query, which an unfiltered 我的待办 or 待领取 has already made for its own count.
        counts = menu_counts(request)
        return {"user_inbox": counts.counter("inbox"), "user_queue": counts.counter("queue"),
                "schedule_menu": schedule_views.may_see_schedule(request.user)}
