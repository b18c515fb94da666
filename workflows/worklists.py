"""The work on the workbench home (workflows/home.py): the first rows of each role's lists and
the counts that lead to them, each count a link to the page that shows exactly those items.

- a mediator's 我的待办 and 待领取 (the dispute flow's inbox and queue, most urgent first: the
  same rows as those pages, page_tasks of workflows/dispute/views.py);
- a lead's team board: per mediator of their organisations, the tasks held, those near and past
  their legal deadline, each a link to 任务列表 filtered so (TeamTaskFilter);
- a caseworker's and a reviewer's 我的待办 and 待领取 of the hardship flows;
- a reviewer's programme applications to approve and a caseworker's to pay (programme_work_list).

Every list reads a fixed number of queries whatever its number of rows: its rows (the case's
number and parties read as values or joined), its count, and one query for the nearest legal
clocks of a hardship list.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from cases.models import AidPlan, ApplicationStatus, PlanStatus, Role
from cases.selectors import day_label, yuan
from workflows.dispute.flow import DISPUTE_READERS, DisputeFlow
from workflows.dispute.views import (
    BREACHED,
    WARNING,
    MenuCounts,
    deadline_cell,
    inbox_filter,
    page_tasks,
    person_label,
    queue_filter,
    warning_until,
)
from workflows.hardship.file.access import file_url
from workflows.hardship.flow import HardshipFlow
from workflows.hardship.objections import PREPARER_FIELDS
from workflows.hardship.programmes.views import application_url, search_applications
from workflows.hardship.views import (
    file_deadline_cell,
    file_label,
    file_of_task,
    hardship_inbox,
    hardship_queue,
    nearest_file_clocks,
)
from workflows.list_pages import TaskAddresses
from workflows.models import DisputeQueueEntry
from workflows.page_scope import organisation_ids

HOME_ROWS = 10  # the rows a home list shows; the link under it leads to the rest


@dataclass
class WorkRow:
    cells: list[SafeString]  # each cell's HTML
    css: str = ""  # a class for the row ("uc-team--breached")


@dataclass
class WorkList:
    """A table of work on the home: its title, header and rows, how many items the list holds in
    all and the page that shows them."""

    key: str  # the table's id on the page: "inbox", "queue", "team", "hardship-inbox" ...
    title: str
    headers: list[str]
    rows: list[WorkRow]
    count: int
    url: str
    empty: str
    more_label: str = ""

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


def link(url: str, text) -> SafeString:
    return format_html('<a href="{}">{}</a>', url, text)


def claim_button(url: str) -> SafeString:
    return format_html('<a class="mdc-button mdc-button--outlined" href="{}">{}</a>', url, _("领取"))


# -- the mediator's lists --------------------------------------------------------------------

def dispute_list(user, key: str) -> WorkList:
    """我的待办 (`key` "inbox") or 待领取 ("queue") of the dispute flow: its first rows, most
    urgent first, with the case's number, worker, employer, total claimed, stage and the legal
    deadline left in its colour, as the list page writes them."""
    row_filter = inbox_filter(user) if key == "inbox" else queue_filter(user)
    tasks = list(page_tasks(row_filter)[:HOME_ROWS])
    count = MenuCounts(user).numbers[key]  # the pages' and the menu's own count, one query for both
    addresses, today, rows = TaskAddresses(), timezone.localdate(), []
    for task in tasks:
        cells = [
            link(addresses(task, "index"), task.case_number),
            format_html("{}", task.worker_name),
            format_html("{}", task.employer_name),
            format_html("¥{}", f"{task.claimed_total or 0:,.2f}"),
            format_html("{}", task.title),
            deadline_cell(task.deadline_due, bool(task.deadline_provisional), bool(task.deadline_imported),
                          today=today),
        ]
        if key == "queue":
            cells.append(claim_button(addresses(task, "assign")))
        rows.append(WorkRow(cells))
    headers = [_("案件编号"), _("劳动者"), _("用人单位"), _("请求金额"), _("阶段"), _("法定期限")]
    if key == "queue":
        headers.append(_("操作"))
    return WorkList(
        key=key, title=_("我的待办") if key == "inbox" else _("待领取"), headers=headers, rows=rows, count=count,
        url=DisputeFlow.instance.reverse(key),
        empty=_("暂无待办任务") if key == "inbox" else _("暂无待领取任务"),
        more_label=_("查看全部 %(count)s 项") % {"count": count},
    )


# -- the lead's team board -------------------------------------------------------------------

@dataclass
class TeamRow:
    """One mediator on the team board: the tasks they hold, and those near and past their deadline."""

    name: str
    held: int
    warning: int
    breached: int
    urls: dict


def team_list(user, organisations) -> WorkList:
    """The team board: each mediator of `organisations` (the lead's subtrees) with the open tasks
    they hold, those whose legal deadline is near (one working day or less) and those past it,
    each number a link to 任务列表 filtered to exactly those tasks. Counted on the tasks' queue
    rows, in the organisations whose cases the lead reads (what 任务列表 lists), in one query."""
    mediators = list(get_user_model().objects.filter(
        memberships__organisation__in=organisations, memberships__role=Role.MEDIATOR, is_active=True,
    ).distinct().order_by("last_name", "first_name", "username"))
    today = timezone.localdate()
    counts = {
        row["owner"]: row for row in DisputeQueueEntry.objects.filter(
            organisation__in_ids=organisation_ids(user, DISPUTE_READERS), status=STATUS.ASSIGNED,
            owner__in=[mediator.pk for mediator in mediators],
        ).values("owner").annotate(
            held=Count("pk"),
            warning=Count("pk", filter=Q(due_on__gte=today, due_on__lte=warning_until(today))),
            breached=Count("pk", filter=Q(due_on__lt=today)),
        )
    }

    def filtered(mediator, deadline=None) -> str:
        extra = {"deadline": deadline} if deadline else {}
        return task_list_url(owner=mediator.pk, status=STATUS.ASSIGNED, **extra)

    rows = []
    for mediator in mediators:
        numbers = counts.get(mediator.pk, {"held": 0, "warning": 0, "breached": 0})
        rows.append(WorkRow([
            format_html("{}", person_label(mediator)),
            link(filtered(mediator), numbers["held"]),
            link(filtered(mediator, WARNING), numbers["warning"]),
            link(filtered(mediator, BREACHED), numbers["breached"]),
        ], css="uc-team--breached" if numbers["breached"] else ""))
    return WorkList(
        key="team", title=_("调解员"), headers=[_("调解员"), _("在办任务"), _("临近届满"), _("已超期")], rows=rows,
        count=len(rows), url=task_list_url(), empty=_("本团队暂无调解员"),
    )


def open_tasks_counts(user) -> dict:
    """The lead's figures above the board, as 任务列表 counts them (the organisations whose cases
    they read): open tasks held by someone, and open tasks past their legal deadline."""
    today = timezone.localdate()
    return DisputeQueueEntry.objects.filter(organisation__in_ids=organisation_ids(user, DISPUTE_READERS)).aggregate(
        held=Count("pk", filter=Q(status=STATUS.ASSIGNED)),
        breached=Count("pk", filter=Q(due_on__lt=today)),
    )


def task_list_url(**query) -> str:
    """任务列表 of the dispute flow, filtered by `query` (TeamTaskFilter's fields)."""
    url = DisputeFlow.instance.reverse("task_list")
    return f"{url}?{urlencode(query)}" if query else url


# -- the caseworker's and the reviewer's lists -----------------------------------------------

def hardship_list(user, key: str) -> WorkList:
    """我的待办 (`key` "inbox") or 待领取 ("queue") of the hardship flows (the pages' own lists):
    the file, the household's head, the stage, the file's nearest legal deadline, and a note on
    an approval the user may not take (a file they prepared); 领取 where they may."""
    tasks_of = hardship_inbox if key == "inbox" else hardship_queue
    tasks = list(tasks_of(user)[:HOME_ROWS])
    count = tasks_of(user).count()
    files = {task.pk: file_of_task(task) for task in tasks}
    clocks = nearest_file_clocks({file.pk for file in files.values()})
    addresses, today, rows = TaskAddresses(), timezone.localdate(), []
    for task in tasks:
        file = files[task.pk]
        excluded = hasattr(task.flow_task, "excluded") and task.flow_task.excluded(user, task)
        cells = [
            link(addresses(task, "index"), file_label(file)),
            format_html("{}", file.household.head.name),
            format_html("{}", task.title),
            file_deadline_cell(clocks.get(file.pk), today=today),
            format_html("{}", _("本人经办，不能审批") if excluded else ""),
        ]
        if key == "queue":
            cells.append(mark_safe("") if excluded else claim_button(addresses(task, "assign")))
        rows.append(WorkRow(cells))
    headers = [_("档案"), _("户主"), _("阶段"), _("法定期限"), _("说明")]
    if key == "queue":
        headers.append(_("操作"))
    return WorkList(
        key=f"hardship-{key}", title=_("我的待办") if key == "inbox" else _("待领取"), headers=headers, rows=rows,
        count=count, url=HardshipFlow.instance.reverse(key),
        empty=_("暂无帮扶待办") if key == "inbox" else _("暂无待领取的帮扶任务"),
        more_label=_("查看全部 %(count)s 项") % {"count": count},
    )


def programme_work_list(user, work: str) -> WorkList:
    """待审批的帮扶项目申请 (`work` "approve": the reviewer's, first or second approval, not those
    they prepared) or 待发放的帮扶项目 ("pay": the caseworker's, approved and not yet paid), as
    the 帮扶项目 page lists them with that filter (workflows.hardship.programmes.views.WORK, its
    scope): the longest waiting first, each a link to the application's action on its page."""
    found = search_applications(user, work=work)
    applications = list(found[:HOME_ROWS])
    count = found.count()
    rows = []
    for application in applications:
        action = "disburse" if work == "pay" else (
            "approve_second" if application.status == ApplicationStatus.AWAITING_SECOND_APPROVAL else "approve")
        cells = [
            link(f"{application_url(application)}#action-{action}", application.number),
            format_html("{}", application.get_programme_display()),
            format_html("{}", application.household.head.name),
            format_html("{}", yuan(application.amount)),
            format_html("{}", day_label(application.applied_on)),
        ]
        if work == "approve":
            cells.append(format_html("{}", application.get_status_display()))
        rows.append(WorkRow(cells))
    headers = [_("申请编号"), _("帮扶项目"), _("户主"), _("核定金额"), _("申请日期")]
    if work == "approve":
        headers.append(_("状态"))
    return WorkList(
        key=f"programmes-{work}",
        title=_("待审批的帮扶项目申请") if work == "approve" else _("待发放的帮扶项目"),
        headers=headers, rows=rows, count=count,
        url=f"{reverse('workbench:programme_list')}?{urlencode({'work': work})}#applications",
        empty=_("暂无待审批的帮扶项目申请") if work == "approve" else _("暂无待发放的帮扶项目"),
        more_label=_("查看全部 %(count)s 项") % {"count": count},
    )


def plans_awaiting_approval(user, organisations):
    """Proposed aid plans in `organisations` that `user` may approve: not the ones they prepared,
    nor those of files they prepared (cases.hardship.aid.approve_plan refuses both)."""
    prepared = Q()
    for field in PREPARER_FIELDS:
        prepared |= Q(**{f"file__{field}": user})
    return AidPlan.objects.filter(file__organisation__in=organisations, status=PlanStatus.PROPOSED) \
        .exclude(prepared_by=user).exclude(prepared)


def plan_approval_url(plan) -> str:
    """The plan's approval on its file's page (plans are approved there, not in a queue)."""
    return f"{file_url(plan.file)}?tab=aid#action-approve_aid_plan-{plan.pk}"


def plan_list(user, organisations) -> WorkList:
    """The aid plans waiting for the reviewer's approval (in `organisations`, the reviewer's
    subtrees), each a link to its file's page, where it is approved; the first rows, oldest first."""
    plans = plans_awaiting_approval(user, organisations)
    rows = [WorkRow([
        link(plan_approval_url(plan), file_label(plan.file)),
        format_html("{}", plan.file.household.head.name),
        format_html("{}", plan.get_aid_type_display()),
        format_html("{}", yuan(plan.amount)),
    ]) for plan in plans.select_related("file__household__head").order_by("pk")[:HOME_ROWS]]
    count = plans.count()
    return WorkList(
        key="plans", title=_("待审批的帮扶计划"), headers=[_("档案"), _("户主"), _("帮扶类型"), _("计划金额")], rows=rows, count=count,
        url=reverse("workbench:hardship_file_list"), empty=_("暂无待审批的帮扶计划"),
        more_label=_("另有 %(count)s 项，请在档案查询中查找") % {"count": count - len(rows)},
    )
