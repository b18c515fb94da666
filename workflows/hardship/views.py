"""Pages of the hardship flow: scoped queues, the task pages (the file and its computation
beside the form) and the objection review.

Task forms go through the same door-and-step machinery as the dispute tasks
(workflows.dispute.flow.run_step inside viewflow's task wrapper). The reviewer's page shows the
category computation step by step against the 低保 standard, the home visit, the civil-affairs
check, the democratic review and the publicity with its objections (UX.md, Reviewer).
"""


from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _, gettext_lazy
from viewflow.utils import viewprop
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.hardship.attachments import keep_attachment
from cases.models import Deadline, Document, HardshipFile
from cases.models.hardship.file import second_approval_threshold
from cases.models.hardship.household import assess_household
from cases.models.hardship.records import AttachmentKind
from cases.models.hardship.states import H
from cases.selectors import mask_resident_id, yuan
from workflows.dispute.flow import organisations_where
from workflows.dispute.views import CaseTaskView, ClaimLinkColumn, deadline_cell, person_label
from workflows.flow_pages import ScopedFlowAppViewset, TaskCard
from workflows.hardship import forms as f
from workflows.hardship.file.access import household_editor_url
from workflows.hardship.flow import CASEWORKERS, HARDSHIP_READERS, REVIEWERS, HardshipFlow, ObjectionFlow
from workflows.hardship.objections import PREPARER_FIELDS, prepared_by_user
from workflows.list_pages import OwnerColumn, TaskAddressColumns

FILE_PATH = "process__hardshipprocess__file"
OBJECTION_FILE_PATH = "process__objectionprocess__objection__file"
HANDLERS = CASEWORKERS + REVIEWERS


def file_context(file) -> dict:
    """What every hardship task page shows beside its form."""
    household = file.household
    try:
        live = assess_household(household, year=file.year)
        live_error = ""
    except ValidationError as error:
        live, live_error = None, "；".join(error.messages)
    return {
        "file": file, "household": household,
        "members": [(member, mask_resident_id(member.resident_id)) for member in household.members.all()],
        "assessment": live, "assessment_error": live_error,
        "preparer_name": person_label(file.prepared_by) if file.prepared_by_id else "",
        "visitor_name": person_label(file.visited_by) if file.visited_by_id else "",
        "second_visitor_name": person_label(file.second_visitor) if file.second_visitor_id else "",
        "recorder_name": person_label(file.reviewed_by) if file.reviewed_by_id else "",
        "first_approver_name": person_label(file.first_approved_by) if file.first_approved_by_id else "",
        "objections": list(file.objections.all()),
        "deadlines": list(Deadline.objects.for_subject(file).active().by_urgency()),
        "documents": list(Document.objects.filter(
            subject_type=ContentType.objects.get_for_model(HardshipFile), subject_id=str(file.pk)).order_by("pk")),
        "plans": list(file.aid_plans.select_related("fund")),
    }


class HardshipTaskView(CaseTaskView):
    """A hardship task: its forms, and the file with its computation beside them."""

    template_name = "workflows/hardship/task.html"

    @property
    def case(self):
        return self.request.activation.process.subject

    def case_context(self):
        return {**file_context(self.case), "household_edit_url": household_editor_url(self.case, self.request.user)}

    @classmethod
    def after_step(cls, case, files, *, by) -> None:
        """The scans the step's form carried are kept on the file once the step is done."""
        for field, kind in TASK_SCANS.items():
            if field in files:
                keep_attachment(case, files[field], kind, by=by)


# Scans a task form may carry (the home visit's signed authorisation and separate consent).
TASK_SCANS = {"authorisation_scan": AttachmentKind.AUTHORISATION,
              "sensitive_consent_scan": AttachmentKind.SENSITIVE_CONSENT}


class ApprovalTaskView(HardshipTaskView):
    """审批 and 复审批: before deciding, the second approver reads the first approver's own
    opinion, and the first is told when the amount needs another reviewer's second approval."""

    def case_context(self):
        return {**super().case_context(), **approval_notes(self.case)}


def approval_notes(file) -> dict:
    opinions = [{"role": _("复审批人") if opinion["stage"] == "second" else _("审批人"),
                 "name": person_label(opinion["approver"]), "at": opinion["at"], "comment": opinion["comment"]}
                for opinion in file.approval_opinions()]
    warning = ""
    if file.status == H.AWAITING_APPROVAL and file.needs_second_approval():
        warning = _("拟年度帮扶金额%(amount)s超过%(threshold)s：您同意后，还须由另一名审核人复审批，"
                    "复审批同意后方可建档。") % {"amount": yuan(file.proposed_aid_amount),
                                          "threshold": yuan(second_approval_threshold())}
    return {"approval_opinions": opinions, "second_approval_warning": warning}


def task_view(*forms, base=HardshipTaskView):
    attrs = {"forms": {form.__name__.removesuffix("Form").lower(): form for form in forms}}
    return type(f"{forms[0].__name__.removesuffix('Form')}TaskView", (base,), attrs)


TASK_VIEWS = {
    "application": task_view(f.ApplicationForm, f.NotIdentifiedForm),
    "home_visit": task_view(f.HomeVisitForm, f.NotIdentifiedForm),
    "civil_check": task_view(f.CivilCheckForm, f.NotIdentifiedForm),
    "democratic_review": task_view(f.DemocraticReviewForm, f.NotIdentifiedForm),
    "publicise": task_view(f.PublicityForm, f.NotIdentifiedForm),
    "conclude_publicity": task_view(f.ConcludePublicityForm, f.NotIdentifiedForm),
    "approve": task_view(f.ApprovalForm, f.NotIdentifiedForm, base=ApprovalTaskView),
    "revise": task_view(f.ReviseForm, f.NotIdentifiedForm),
    "open_file": task_view(f.OpenFileForm),
    "yearly_review": task_view(f.YearlyReviewForm, f.BeginExitForm),
    "conclude_exit": task_view(f.ConcludeExitForm),
}


class ReviewObjectionView(HardshipTaskView):
    forms = {"finding": f.ObjectionFindingForm}

    @classmethod
    def task_form(cls, key, *, process, case, user, data=None, files=None):
        return f.ObjectionFindingForm(case=case, user=user, objection=process.objection, data=data)

    def case_context(self):
        objection = self.request.activation.process.objection
        return {**super().case_context(), "objection": objection,
                "objection_recorder": person_label(objection.recorded_by) if objection.recorded_by_id else ""}


# -- queues -----------------------------------------------------------------------------------

def hardship_tasks():
    return Task.objects.filter(process__flow_class__in=[HardshipFlow, ObjectionFlow]).select_related(
        "process", "owner", f"{FILE_PATH}__household__head", f"{OBJECTION_FILE_PATH}__household__head",
    )


def in_organisations(tasks, organisations):
    return tasks.filter(in_organisations_q(organisations))


def visible_hardship_tasks(user):
    return in_organisations(hardship_tasks(), organisations_where(user, HARDSHIP_READERS))


def hardship_inbox(user):
    return visible_hardship_tasks(user).filter(
        owner=user, status=STATUS.ASSIGNED, flow_task_type="HUMAN").order_by("created", "pk")


def in_organisations_q(organisations) -> Q:
    return Q(**{f"{FILE_PATH}__organisation__in": organisations}) \
        | Q(**{f"{OBJECTION_FILE_PATH}__organisation__in": organisations})


def nodes_for(role) -> list:
    """The human steps of the hardship and objection flows that `role` takes (their `roles`)."""
    return [node for flow_class in (HardshipFlow, ObjectionFlow) for node in flow_class.instance.nodes()
            if role in getattr(node, "roles", ())]


def hardship_queue(user):
    """Unclaimed work the user's roles take, each in the subtrees where they hold it: a reviewer's
    queue holds the approvals, a caseworker's the application, the home visit and the rest
    (a task of another role's step is not theirs to claim). Objection reviews of files they
    prepared are not theirs either; an approval of a file they prepared shows, marked."""
    mine = Q(pk__in=[])
    for role in HANDLERS:
        mine |= Q(flow_task__in=nodes_for(role)) & in_organisations_q(organisations_where(user, [role]))
    return hardship_tasks().filter(mine).filter(
        flow_task_type="HUMAN", status=STATUS.NEW, owner__isnull=True).exclude(
        prepared_by_user(user)).order_by("created", "pk")


def file_of_task(task):
    """The file a hardship or objection task works on, read with the task (hardship_tasks)."""
    process = getattr(task.process, "hardshipprocess", None)
    if process is not None:
        return process.file
    return task.process.objectionprocess.objection.file


def file_label(file) -> str:
    return file.number or _("待建档（%(status)s）") % {"status": file.get_status_display()}


def nearest_file_clocks(file_ids) -> dict:
    """{file id: its nearest awaiting legal clock (a Deadline)} in one query; files without one are left out."""
    clocks = Deadline.objects.awaiting().filter(
        subject_type=ContentType.objects.get_for_model(HardshipFile),
        subject_id__in=[str(pk) for pk in file_ids]).order_by("due_on", "pk")
    nearest = {}
    for clock in clocks:
        nearest.setdefault(int(clock.subject_id), clock)
    return nearest


def file_deadline_cell(clock, *, today) -> str:
    return deadline_cell(clock.due_on, clock.provisional, clock.imported, today=today) if clock else ""


def barred_by_four_eyes(user) -> Q:
    """The approval tasks `user` may not take (ApprovalTask.excluded as a filter): files they
    prepared, or approved first. They stay in the queue, marked, but are never claimable."""
    file = f"{FILE_PATH}__"
    prepared = Q()
    for field in PREPARER_FIELDS:
        prepared |= Q(**{file + field: user})
    approved_first = Q(flow_task=HardshipFlow.second_approval, **{f"{file}first_approved_by": user})
    return Q(flow_task__in=[HardshipFlow.approve, HardshipFlow.second_approval]) & (prepared | approved_first)


def claimable_hardship_tasks(user):
    """The queue's tasks `user` may claim: what 领取 (one or several at once) may take."""
    return hardship_queue(user).exclude(barred_by_four_eyes(user))


def household_label(file) -> str:
    """The household as the hardship pages name a file's (the kanban's cards): 王建国家庭."""
    return _("%(head)s家庭") % {"head": file.household.head.name}


class FileColumns(TaskAddressColumns):
    """The columns of the hardship and objection task lists (tasks read with their file's
    household and its head: hardship_tasks). A row starts with its file's number (or 待建档),
    linking to the task where viewflow's "#3/5" did, and the household beside it."""

    columns = ("file_label", "household", "task_title", "note")

    def file_of(self, task):
        return task.process.coerced.subject

    def file_label(self, task):
        return format_html('<a href="{}">{}</a>', self.task_address(task, "index"), file_label(self.file_of(task)))

    file_label.short_description = gettext_lazy("档案")

    def household(self, task):
        return household_label(self.file_of(task))

    household.short_description = gettext_lazy("家庭")

    def task_title(self, task):
        return task.title

    task_title.short_description = gettext_lazy("阶段")

    def note(self, task):
        flow_task = task.flow_task
        if hasattr(flow_task, "excluded") and flow_task.excluded(self.request.user, task):
            return _("本人经办，不能审批")
        return ""

    note.short_description = gettext_lazy("说明")


class HardshipInboxView(FileColumns, flow_views.FlowInboxListView):
    title = gettext_lazy("我的待办")

    @viewprop
    def queryset(self):
        return hardship_inbox(self.request.user)


class HardshipQueueView(ClaimLinkColumn, FileColumns, flow_views.FlowQueueListView):
    title = gettext_lazy("待领取")
    columns = FileColumns.columns + ("claim_link",)

    @viewprop
    def queryset(self):
        return hardship_queue(self.request.user)


class HardshipArchiveView(FileColumns, flow_views.FlowArchiveListView):
    @viewprop
    def queryset(self):
        return visible_hardship_tasks(self.request.user).filter(
            owner=self.request.user, finished__isnull=False, flow_task_type="HUMAN").order_by("-finished")


class HardshipTaskListView(OwnerColumn, FileColumns, flow_views.DashboardTaskListView):
    """任务列表 of one flow (帮扶 or 异议核查): its tasks in the user's subtrees, each with who holds
    it by name (read with the tasks: hardship_tasks)."""

    columns = ("file_label", "household", "task_title", "owner", "note")

    @viewprop
    def queryset(self):
        return visible_hardship_tasks(self.request.user).filter(process__flow_class=self.flow_class) \
            .order_by("-created")


class HardshipAppViewset(ScopedFlowAppViewset):
    """The hardship flow or the objection flow as an application, every page scoped (flow_pages).
    Their inbox and queue show the work of both flows, as the home page counts it."""

    readers = HARDSHIP_READERS
    inbox_view_class = HardshipInboxView
    queue_view_class = HardshipQueueView
    archive_view_class = HardshipArchiveView
    task_list_view_class = HardshipTaskListView

    def visible_tasks(self, user):
        return visible_hardship_tasks(user)

    def assignable_tasks(self, user):
        return claimable_hardship_tasks(user)

    def unassignable_tasks(self, user):
        return hardship_inbox(user)

    def task_cards(self, tasks):
        """The kanban's cards: the file's number and household (read with the tasks), the holder,
        and the file's nearest legal deadline (one query for the board)."""
        files = {task.pk: file_of_task(task) for task in tasks}
        clocks = nearest_file_clocks({file.pk for file in files.values()})
        today = timezone.localdate()
        return {task.pk: TaskCard(
            number=file_label(files[task.pk]),
            parties=household_label(files[task.pk]),
            owner=person_label(task.owner) if task.owner_id else "",
            deadline=file_deadline_cell(clocks.get(files[task.pk].pk), today=today) if task.finished is None else "",
        ) for task in tasks}

    def get_context_data(self, request):
        return {"user_inbox": hardship_inbox(request.user), "user_queue": hardship_queue(request.user)}
