"""Case pages of the workbench: registration (登记申请), the case page, its actions and documents
(search: workflows.dispute.case_search).

Scope: a case is found only through cases.models.access.scoped, so a case outside the user's subtrees
is a 404 whether or not it exists. Writes go through the services only: registration through
workflows.dispute.flow.open_dispute (register + start the flow in one transaction), every action
through the transition door (cases.platform.transitions.apply). Transitions that are outcomes
of one of the case's open flow tasks are done on the task page, not here, so the flow and the
status never disagree.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.disputes.intake_review import check_application, readable_organisation_ids
from cases.models import AuditAction, DisputeCase, HardshipFile
from cases.models.access import can_act, scoped
from cases.models.dispute.case import CASE_HANDLERS
from cases.platform.audit.journal import append_event
from cases.platform.audit.readers import journal_visible_to
from cases.platform.transitions import apply, available_transitions, fsm_transition, transition_spec
from cases.rules.validators import parse_resident_id
from cases.selectors import (
    case_documents,
    case_timeline,
    case_totals,
    cn_day,
    instalment_rows,
    mask_resident_id,
    open_deadlines,
    person_name,
    variant_label,
    yuan,
)
from workflows.dispute.agreement_forms import signed_original_summary
from workflows.dispute.flow import DISPUTE_READERS, OPEN_TASK_STATUSES, open_dispute
from workflows.page_scope import reaches_any
from workflows.dispute.page_forms import (
    ApplicationErrors,
    ClaimFormSet,
    EmployerForm,
    RegistrationForm,
    WorkerForm,
    action_form,
    warnings_digest,
)
from workflows.dispute.views import put_errors_on_form

CASE_TABS = (
    ("timeline", _("时间线")),
    ("documents", _("文书")),
    ("parties", _("当事人")),
    ("claims", _("请求事项")),
    ("sessions", _("调解记录")),
    ("performance", _("履行情况")),
)


def case_url(case) -> str:
    return reverse("workbench:case_detail", args=[case.pk])


def readable_case(user, pk) -> DisputeCase:
    """The case if `user` may read its organisation; 404 otherwise, whether it exists or not."""
    cases = scoped(DisputeCase.objects.select_related("organisation", "worker", "employer", "mediator"), user)
    return get_object_or_404(cases, pk=pk)


def may_register(user) -> bool:
    return reaches_any(user, CASE_HANDLERS)


def may_search(user) -> bool:
    return reaches_any(user, DISPUTE_READERS)


# -- registration ----------------------------------------------------------------------------------

def _fill_from_resident_id(data):
    """What the browser fills from the resident ID, filled again here: the page without JS agrees."""
    try:
        info = parse_resident_id(data.get("worker-resident_id", ""))
    except ValidationError:
        for name in ("birth_date", "sex", "region_code"):
            data[f"worker-{name}"] = ""
        return data
    data["worker-birth_date"] = cn_day(info.birth_date)
    data["worker-sex"] = _("男") if info.sex == "M" else _("女")
    data["worker-region_code"] = info.region_code
    return data


class RegistrationForms(ApplicationErrors):
    """The four forms of the page and how check_application's keys map onto them."""

    def __init__(self, user, data=None):
        self.main = RegistrationForm(data, user=user)
        self.worker = WorkerForm(data, prefix="worker")
        self.employer = EmployerForm(data, prefix="employer")
        self.claims = ClaimFormSet(data, prefix="claims")
        self.claim_errors: list[str] = []
        self.claim_rows: list[int] = []  # formset index of each claim sent to the service

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), self.worker.is_valid(), self.employer.is_valid(), self.claims.is_valid()]
        return all(results)

    def reviewable(self) -> bool:
        """check_application can run: the organisation and the dates it reads are understood."""
        needed = ("organisation", "received_on", "infringement_known_on", "employment_start", "employment_end")
        return not any(name in self.main.errors for name in needed)

    def submitted_claims(self):
        rows = [(index, form) for index, form in enumerate(self.claims.forms) if form.has_changed()]
        self.claim_rows = [index for index, _form in rows]
        return [form.as_input() for _index, form in rows]

    def application(self) -> dict:
        cleaned = {name: self.main.cleaned_data.get(name) for name in self.main.fields}
        return {
            "organisation": cleaned["organisation"], "worker": self.worker.as_input(),
            "employer": self.employer.as_input(), "claims": self.submitted_claims(),
            "received_on": cleaned["received_on"], "infringement_known_on": cleaned["infringement_known_on"],
            "employment_start": cleaned["employment_start"], "employment_end": cleaned["employment_end"],
            "late_entry_reason": cleaned.get("late_entry_reason") or "",
        }

    def all_errors(self) -> bool:
        return bool(
            self.main.errors or self.worker.errors or self.employer.errors or self.claim_errors
            or any(form.errors for form in self.claims.forms) or self.claims.non_form_errors()
        )


class RegisterView(LoginRequiredMixin, TemplateView):
    """登记申请: walk-in, oral and phone applications in one form."""

    template_name = "workflows/case/register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_register(request.user):
            raise PermissionDenied(_("只有调解员或调解组长可以登记申请。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(forms=RegistrationForms(request.user)))

    def post(self, request, *args, **kwargs):
        forms = RegistrationForms(request.user, _fill_from_resident_id(request.POST.copy()))
        review = None
        valid = forms.is_valid()
        if forms.reviewable():
            application = forms.application()
            review = check_application(**application, by=request.user,
                                       visible_organisation_ids=readable_organisation_ids(request.user))
            forms.put_errors(review.errors)
            if valid and not review.errors:
                digest = warnings_digest(review.warnings)
                acknowledged = (forms.main.cleaned_data["acknowledge_warnings"]
                                and forms.main.cleaned_data["warnings_digest"] == digest)
                if not review.warnings or acknowledged:
                    response = self.register(forms, application, acknowledge=bool(review.warnings))
                    if response is not None:
                        return response
                elif forms.main.cleaned_data["warnings_digest"] == digest:
                    forms.main.add_error(None, _("如需继续登记，请阅读下方提示并勾选“我已知悉上述提示，继续登记”。"))
        if forms.all_errors():
            messages.error(request, _("登记未完成：请按页面上的提示修改后再提交，已填写的内容都保留着。"))
        return self.render_to_response(self.get_context_data(forms=forms, review=review))

    def register(self, forms, application, *, acknowledge):
        main = forms.main.cleaned_data
        try:
            result = open_dispute(
                **application, by=self.request.user, channel=main["channel"], facts=main["facts"],
                applicant_side=main["applicant_side"],
                received_at=forms.main.received_moment(), acknowledge_warnings=acknowledge,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "warnings_unacknowledged":
                # Something changed between the review and the save (another registration, say).
                forms.main.add_error(None, _("提示内容已有变化，请阅读后重新确认。"))
            elif hasattr(error, "error_dict"):
                forms.put_errors(error.message_dict)
            else:
                forms.main.add_error(None, error.messages)
            return None
        except PermissionDenied as error:
            forms.main.add_error(None, str(error))
            return None
        case = result.case
        messages.success(self.request, _("已登记案件%(number)s（%(title)s），受理审查已进入待领取。") % {
            "number": case.number, "title": case.parties_title})
        return HttpResponseRedirect(case_url(case))

    def get_context_data(self, *, forms, review=None, **kwargs):
        warnings = review.warnings if review is not None and not review.errors else []
        return super().get_context_data(
            forms=forms, form=forms.main, worker_form=forms.worker, employer_form=forms.employer,
            late_entry_field=forms.main["late_entry_reason"] if "late_entry_reason" in forms.main.fields else None,
            claims=forms.claims, claim_errors=forms.claim_errors, review_warnings=warnings,
            warnings_digest=warnings_digest(warnings) if warnings else "",
            duplicates=readable_duplicates(review.duplicates, self.request.user) if warnings else [],
            limitation=review.limitation if review is not None else None, **kwargs,
        )


def readable_duplicates(duplicates, user) -> list:
    """The possible duplicates the user may open, each with its link; the warning names only the
    organisation of the others (cases.disputes.intake_review._duplicate_warning)."""
    readable = readable_organisation_ids(user)
    return [(case, case_url(case)) for case in duplicates if readable is None or case.organisation_id in readable]


# -- the case page --------------------------------------------------------------------------------

def task_title(task) -> str:
    return str(getattr(task.flow_task, "task_title", "") or task.flow_task)


# Where the flow tasks about a subject are found: the processes that point at it.
TASK_SUBJECT_PATHS = {
    DisputeCase: ("process__disputeprocess__case",),
    HardshipFile: ("process__hardshipprocess__file", "process__objectionprocess__objection__file"),
}


def subject_tasks(subject):
    """The flow tasks about `subject` (a dispute case; a hardship file and its objections)."""
    condition = Q()
    for path in TASK_SUBJECT_PATHS[type(subject)]:
        condition |= Q(**{path: subject})
    return Task.objects.filter(condition)


def open_tasks(subject) -> list:
    """The subject's open flow tasks, oldest first, with their owners and processes."""
    return list(subject_tasks(subject).filter(status__in=OPEN_TASK_STATUSES)
                .select_related("owner", "process").order_by("created", "pk"))


def flow_step_transitions(case, *, tasks: list | None = None) -> dict[str, str]:
    """Transitions done in the case's open flow tasks (their outcomes and in-task actions): name → task
    title; `tasks` are its open_tasks when the caller has read them."""
    steps = {}
    if tasks is None:
        tasks = subject_tasks(case).filter(status__in=OPEN_TASK_STATUSES)
    for task in tasks:
        flow_task = task.flow_task
        for name in (*getattr(flow_task, "outcomes", ()), *getattr(flow_task, "actions", ())):
            steps[name] = task_title(task)
    return steps


def _task_link(task, user) -> tuple[str, str]:
    """Where this user goes for `task`: do it (their own), claim it, or look at it."""
    flow_task = task.flow_task
    args = [task.process_id, task.pk]
    if task.owner_id == user.pk and task.status in (STATUS.ASSIGNED, STATUS.STARTED):
        view, label = "execute", _("去办理")
    elif task.status == STATUS.NEW and not task.owner_id and flow_task.can_assign(user, task):
        view, label = "assign", _("领取")
    else:
        view, label = "detail", _("查看")
    try:
        return flow_task.reverse(view, args=args), label
    except NoReverseMatch:
        return "", ""


def open_flow_tasks(case, user, *, tasks: list | None = None) -> list[dict]:
    """The case's open human tasks, who has each, and a link for this user; `tasks` are its
    open_tasks when the caller has read them."""
    rows = []
    tasks = open_tasks(case) if tasks is None else tasks
    for task in (task for task in tasks if task.flow_task_type == "HUMAN"):
        url, label = _task_link(task, user)
        rows.append({"title": task_title(task), "owner": person_name(task.owner) if task.owner_id else "",
                     "url": url, "link_label": label})
    return rows


def case_actions(case, user, *, tasks: list | None = None) -> list:
    """The transitions `user` may take now from this page: the door's list minus the flow's steps."""
    steps = flow_step_transitions(case, tasks=tasks)
    return [spec for spec in available_transitions(case, user) if spec.name not in steps]


def action_label(spec) -> str:
    return str(spec.custom.get("label") or spec.name)


class CaseDetailView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/case/detail.html"

    def get(self, request, *args, **kwargs):
        case = readable_case(request.user, kwargs["pk"])
        return self.render_to_response(self.case_context(case))

    def case_context(self, case, *, bound=None, status=200):
        user = self.request.user
        tasks = open_tasks(case)
        actions = []
        for spec in case_actions(case, user, tasks=tasks):
            form = bound if bound is not None and bound.spec.name == spec.name else action_form(spec, case=case, user=user)
            actions.append({"name": spec.name, "label": action_label(spec), "form": form,
                            "url": reverse("workbench:case_action", args=[case.pk, spec.name])})
        tab = self.request.GET.get("tab") or "timeline"
        if bound is not None:
            tab = "actions"
        if tab not in dict(CASE_TABS) and tab != "actions":
            tab = "timeline"
        claims = list(case.claims.all())
        issued = list(case_documents(case).select_related("created_by"))
        documents = [{"document": document, "variant": variant_label(document.variant),
                      "url": reverse("workbench:case_document", args=[case.pk, document.pk])}
                     for document in issued]
        instalments = instalment_rows(case)
        agreement = getattr(case, "agreement", None)
        from workflows.dispute.representation import representation_panel  # they read cases through this module
        from workflows.dispute.service import service_panel

        return self.get_context_data(
            case=case, masked_resident_id=mask_resident_id(case.worker.resident_id), totals=case_totals(case, instalments=instalments),
            deadlines=open_deadlines(case, instalments=instalments), documents=documents,
            timeline=case_timeline(case, visible=journal_visible_to(user, case.organisation), documents=issued),
            claims=[{"claim": claim, "claimed": yuan(claim.amount_claimed), "awarded": yuan(claim.amount_awarded)}
                    for claim in claims],
            sessions=list(case.sessions.select_related("mediator")), extensions=list(case.extensions.all()),
            agreement=agreement, signed_original=signed_original_summary(agreement),
            instalments=instalments, actions=actions,
            read_only=not can_act(user, case.organisation, CASE_HANDLERS), flow_tasks=open_flow_tasks(case, user, tasks=tasks),
            tabs=CASE_TABS, tab=tab, mediator_name=person_name(case.mediator),
            related_cases=list(scoped(case.related_cases.all(), user)),
            service=service_panel(case, user, documents=issued), representation=representation_panel(case, user),
        )


def page_action_refusal(case, name: str) -> str:
    """Why the case page does not take transition `name` of `case` now ("" when it does): a step
    of the case's open flow task, or a state it cannot be taken from. The door checks the rest."""
    steps = flow_step_transitions(case)
    spec = transition_spec(case, name)
    if name in steps:
        return _("“%(action)s”请在流程任务“%(task)s”中办理。") % {
            "action": action_label(spec) if spec else name, "task": steps[name]}
    if spec is None:
        return _("案件当前为“%(status)s”，不能执行这项操作。") % {"status": case.get_status_display()}
    return ""


class CaseActionView(LoginRequiredMixin, View):
    """One action of the case page: its small form, then the door."""

    def post(self, request, pk, name):
        case = readable_case(request.user, pk)
        try:
            fsm_transition(case, name)
        except ValueError:
            raise Http404(_("没有这项操作。")) from None
        refusal = page_action_refusal(case, name)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(case_url(case))
        spec = transition_spec(case, name)
        form = action_form(spec, case=case, user=request.user, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                apply(case, name, by=request.user, **form.arguments())
            except (PermissionDenied, ConcurrentTransition) as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(case_url(case))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    put_errors_on_form(form, error)
                else:
                    messages.error(request, "；".join(error.messages))
                    return HttpResponseRedirect(case_url(case))
            else:
                messages.success(request, _("已办理“%(action)s”。案件状态：%(status)s。") % {
                    "action": action_label(spec), "status": case.get_status_display()})
                return HttpResponseRedirect(case_url(case))
        problems = "；".join(str(message) for errors in form.errors.values() for message in errors)
        messages.error(request, _("“%(action)s”未办理：%(problems)s") % {"action": action_label(spec), "problems": problems})
        page = CaseDetailView(request=request, kwargs={"pk": pk}, args=())
        return page.render_to_response(page.case_context(case, bound=form))


class DocumentDownloadView(LoginRequiredMixin, View):
    """Streams a stored document of a subject the user may read (a case here; subclasses name
    another subject through the three hooks below); the download is journalled."""

    subject_key = "case"  # how the journal names the subject's number

    def readable_subject(self, user, pk):
        return readable_case(user, pk)

    def subject_documents(self, subject):
        return case_documents(subject)

    def get(self, request, pk, document_pk):
        subject = self.readable_subject(request.user, pk)
        document = get_object_or_404(self.subject_documents(subject), pk=document_pk)
        return document_download(document, subject=subject, subject_key=self.subject_key, by=request.user)


def document_download(document, *, subject, subject_key: str, by) -> FileResponse:
    """The stored PDF of `document` (of `subject`, which `by` may read), its download journalled:
    the pages' downloads and the API's."""
    number = subject.number or str(subject.pk)
    response = pdf_response(document, number, missing=_("文书文件不存在，请联系系统管理员。"))
    append_event(
        action=AuditAction.EXPORT, actor=by, subject=document, organisation=document.organisation,
        name="download_document",
        data={"document_id": document.pk, subject_key: number, "sha256": document.sha256},
    )
    return response


def pdf_response(document, number: str, *, missing: str) -> FileResponse:
    """The stored PDF of `document`, downloaded under its name (`download_name`); a 404 saying
    `missing` when the file is not there."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    return FileResponse(handle, as_attachment=True, filename=download_name(number, document),
                        content_type="application/pdf")


def menu_flags(user) -> dict:
    """Which case links and hardship links (疑似困难 for caseworkers; 档案查询 and 帮扶资金 for every
    hardship role) the workbench menu shows this user."""
    if not getattr(user, "is_authenticated", False):
        return {"register": False, "search": False, "candidates": False, "hardship": False, "reports": False,
                "audit": False}
    from workflows.audit.views import may_audit
    from workflows.hardship.candidates import may_review_candidates
    from workflows.hardship.file.access import may_read_files
    from workflows.reports.views import may_see_reports

    return {"register": may_register(user), "search": may_search(user), "candidates": may_review_candidates(user),
            "hardship": may_read_files(user), "reports": may_see_reports(user), "audit": may_audit(user)}


def download_name(number: str, document) -> str:
    """The file name a document downloads under, distinct for two documents of one title (the
    认定审批表 of the first and of the second approval; the notices to each party): the party
    it is for, and when it was issued."""
    party = f"（{variant_label(document.variant)}）" if document.variant else ""
    issued = timezone.localtime(document.created_at).strftime("%Y%m%d-%H%M%S")
    return f"{number}-{document.title}{party}-{issued}-v{document.version}.pdf"
