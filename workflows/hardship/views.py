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
from django.utils.translation import gettext as _, gettext_lazy
from viewflow.utils import viewprop
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.hardship.attachments import keep_attachment
from cases.models import Deadline, Document, HardshipFile
from cases.models.hardship.household import assess_household
from cases.models.hardship.records import AttachmentKind
from cases.selectors import mask_resident_id
from workflows.dispute.flow import organisations_where
from workflows.dispute.views import CaseTaskView, ClaimLinkColumn, person_label
from workflows.flow_pages import ScopedFlowAppViewset
from workflows.hardship import forms as f
from workflows.hardship.file.access import household_editor_url
from workflows.hardship.flow import CASEWORKERS, HARDSHIP_READERS, REVIEWERS, HardshipFlow, ObjectionFlow
from workflows.hardship.objections import prepared_by_user

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

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:
            for field, kind in TASK_SCANS.items():
                if field in request.FILES:
                    keep_attachment(self.case, request.FILES[field], kind, by=request.user)
        return response


# Scans a task form may carry (the home visit's signed authorisation and separate consent).
TASK_SCANS = {"authorisation_scan": AttachmentKind.AUTHORISATION,
              "sensitive_consent_scan": AttachmentKind.SENSITIVE_CONSENT}


def task_view(*forms, title=None):
    attrs = {"forms": {form.__name__.removesuffix("Form").lower(): form for form in forms}}
    return type(f"{forms[0].__name__.removesuffix('Form')}TaskView", (HardshipTaskView,), attrs)


TASK_VIEWS = {
    "application": task_view(f.ApplicationForm, f.NotIdentifiedForm),
    "home_visit": task_view(f.HomeVisitForm, f.NotIdentifiedForm),
    "civil_check": task_view(f.CivilCheckForm, f.NotIdentifiedForm),
    "democratic_review": task_view(f.DemocraticReviewForm, f.NotIdentifiedForm),
    "publicise": task_view(f.PublicityForm, f.NotIdentifiedForm),
    "conclude_publicity": task_view(f.ConcludePublicityForm, f.NotIdentifiedForm),
    "approve": task_view(f.ApprovalForm, f.NotIdentifiedForm),
    "revise": task_view(f.ReviseForm, f.NotIdentifiedForm),
    "open_file": task_view(f.OpenFileForm),
    "yearly_review": task_view(f.YearlyReviewForm, f.BeginExitForm),
    "conclude_exit": task_view(f.ConcludeExitForm),
}


class ReviewObjectionView(HardshipTaskView):
    forms = {"finding": f.ObjectionFindingForm}

    def build_forms(self, posted=None):
        objection = self.request.activation.process.objection
        return {"finding": f.ObjectionFindingForm(
            case=self.case, user=self.request.user, objection=objection,
            data=self.request.POST if posted else None)}

    def case_context(self):
        return {**file_context(self.case), "objection": self.request.activation.process.objection}


# -- queues -----------------------------------------------------------------------------------

def hardship_tasks():
    return Task.objects.filter(process__flow_class__in=[HardshipFlow, ObjectionFlow]).select_related(
        "process", "owner", f"{FILE_PATH}__household__head", f"{OBJECTION_FILE_PATH}__household__head",
    )


def in_organisations(tasks, organisations):
    return tasks.filter(Q(**{f"{FILE_PATH}__organisation__in": organisations})
                        | Q(**{f"{OBJECTION_FILE_PATH}__organisation__in": organisations}))


def visible_hardship_tasks(user):
    return in_organisations(hardship_tasks(), organisations_where(user, HARDSHIP_READERS))


def hardship_inbox(user):
    return visible_hardship_tasks(user).filter(
        owner=user, status=STATUS.ASSIGNED, flow_task_type="HUMAN").order_by("created", "pk")


def hardship_queue(user):
    """Unclaimed work in the user's subtrees; objection reviews of files they prepared are not theirs to take."""
    return in_organisations(hardship_tasks(), organisations_where(user, HANDLERS)).filter(
        flow_task_type="HUMAN", status=STATUS.NEW, owner__isnull=True).exclude(
        prepared_by_user(user)).order_by("created", "pk")


class FileColumns:
    columns = ("task_id", "file_label", "head", "task_title", "note")

    def file_of(self, task):
        return task.process.coerced.subject

    def file_label(self, task):
        file = self.file_of(task)
        return file.number or _("待建档（%(status)s）") % {"status": file.get_status_display()}

    file_label.short_description = gettext_lazy("档案")

    def head(self, task):
        return self.file_of(task).household.head.name

    head.short_description = gettext_lazy("户主")

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


class HardshipTaskListView(FileColumns, flow_views.DashboardTaskListView):
    """任务列表 of one flow (帮扶 or 异议核查): its tasks in the user's subtrees."""

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
        return hardship_queue(user)

    def unassignable_tasks(self, user):
        return hardship_inbox(user)

    def get_context_data(self, request):
        return {"user_inbox": hardship_inbox(request.user), "user_queue": hardship_queue(request.user)}
