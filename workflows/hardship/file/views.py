"""The hardship file pages: 档案查询 (the file list) and 档案详情 (one file with its actions and
documents). The fund pages (帮扶资金) are workflows.hardship.funds; who may read either
is workflows.hardship.file.access.

Scope: a file is found only through cases.models.access.scoped, narrowed to the subtrees where the
user holds a hardship role (caseworker, reviewer, auditor), so a file elsewhere is a 404
whether or not it exists. Lists mask resident IDs and show no incomes or illnesses; the full
record is on the file page, and every view of it is journalled (AuditAction.SENSITIVE_VIEW).

Actions reuse the case page's machinery (workflows.dispute.pages): the door's list of what this
user may take now, minus what the file's flow does in its tasks — the outcomes of its open
tasks, and every transition that only a flow task takes (a transition the flow follows when
taken elsewhere declares the effect workflows.hardship.flow.follow_file: not identified, an exit
begun mid-year, an exit cancelled); which actions the page offers is
workflows.hardship.file.actions. Each action posts its small form to one view that calls
cases.platform.transitions.apply and puts the door's refusal on the form.
"""


from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.hardship import aid
from cases.hardship.household import HOUSEHOLD_UPDATED
from cases.models import (
    AidPlan,
    AuditAction,
    Disbursement,
    HardshipFile,
)
from cases.models.access import can_act
from cases.models.encrypted import blind_index
from cases.models.hardship.states import HOME_VISIT_CHECKLIST
from cases.platform.audit.journal import append_event
from cases.platform.audit.readers import journal_visible_to
from cases.platform.transitions import apply, fsm_transition, transition_spec
from cases.rules.eligibility import Category
from cases.rules.validators import normalise_resident_id
from cases.selectors import (
    events_timeline,
    file_documents,
    file_related_subjects,
    hardship_status_label,
    mask_resident_id,
    person_name,
    transition_labels,
    yuan,
)
from workflows.dispute.pages import DocumentDownloadView, action_label, open_flow_tasks
from workflows.dispute.views import submitted_through_door
from workflows.hardship.file.access import (
    HardshipReadersOnly,
    file_url,
    household_editor_url,
    readable_file,
    readable_files,
    readable_funds,
)
from workflows.hardship.file.actions import AID_ACTIONS, file_action_refusal, file_actions, posted_action_form
from workflows.hardship.file.attachments import attachment_form_for, attachment_rows
from workflows.hardship.file.forms import FileSearchForm
from workflows.hardship.programmes.views import file_programmes
from workflows.hardship.views import HANDLERS, file_context

PAGE_SIZE = 20
FILE_TABS = (
    ("household", gettext_lazy("家庭情况")),
    ("computation", gettext_lazy("计算过程")),
    ("identification", gettext_lazy("认定过程")),
    ("aid", gettext_lazy("帮扶计划与发放")),
    ("documents", gettext_lazy("文书")),
    ("timeline", gettext_lazy("时间线")),
)


# -- 档案查询 ----------------------------------------------------------------------------------

def search_files(user, query="", *, status="", category=""):
    """Files in `user`'s hardship subtrees: a file number or the head's name in part, the head's
    resident ID only in full (nobody fishes for ID numbers digit by digit)."""
    files = readable_files(user)
    query = (query or "").strip()
    if query:
        files = files.filter(Q(number__icontains=query) | Q(household__head__name__icontains=query)
                             | Q(household__head__resident_id_index=blind_index("resident_id", normalise_resident_id(query))))
    if status:
        files = files.filter(status=status)
    if category:
        files = files.filter(category=category)
    return files.order_by("-created_at", "-pk")


class FileListView(HardshipReadersOnly, TemplateView):
    template_name = "workflows/hardship/file_list.html"

    def get_context_data(self, **kwargs):
        form = FileSearchForm(self.request.GET or None)
        query = status = category = ""
        if form.is_bound and form.is_valid():
            query, status, category = (form.cleaned_data[name] for name in ("q", "status", "category"))
        files = search_files(self.request.user, query, status=status, category=category)
        page = Paginator(files, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [{"file": file, "url": file_url(file), "masked_id": mask_resident_id(file.household.head.resident_id)}
                for file in page.object_list]
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(form=form, page=page, rows=rows, query_string=params.urlencode(), **kwargs)


# -- 档案详情 ----------------------------------------------------------------------------------

def file_timeline(file, user) -> list:
    """Every audit event about the file and its records (objections, reviews, plans, payments,
    attachments, documents) that `user` may see, oldest first, in words: the auditors' own
    entries only to auditors (cases.platform.audit.readers)."""
    documents = list(file_documents(file))
    condition = file_related_subjects(file, documents)
    entries = events_timeline(condition, documents, labels=transition_labels(HardshipFile),
                              state_label=hardship_status_label, visible=journal_visible_to(user, file.organisation))
    for entry in entries:
        if entry.event.action == AuditAction.SENSITIVE_VIEW:
            entry.title = {"view_household_editor": _("查阅家庭信息"), "reveal_resident_id": _("显示户主完整身份证号"),
                           "reveal_member_resident_id": _("显示家庭成员完整身份证号")}.get(entry.event.name, _("查阅档案详情"))
        elif entry.event.name == HOUSEHOLD_UPDATED:
            entry.title = _("维护家庭信息（%(year)s年度）") % {"year": (entry.event.data or {}).get("year", "")}
    return entries


def money_rows(items, amount=lambda item: item.amount):
    rows = [{"item": item, "amount": yuan(amount(item))} for item in items]
    total = sum((amount(item) for item in items), aid.ZERO)
    return rows, yuan(total)


def aid_rows(file, user) -> list[dict]:
    plans = AidPlan.objects.filter(file=file).select_related("fund__organisation", "prepared_by", "approved_by")
    rows = []
    for plan in plans.order_by("pk"):
        payments = list(plan.disbursements.select_related("disbursed_by").order_by("paid_on", "pk"))
        paid = sum((payment.amount for payment in payments), aid.ZERO)
        rows.append({
            "plan": plan, "amount": yuan(plan.amount), "paid": yuan(paid), "left": yuan(plan.amount - paid),
            "preparer": person_name(plan.prepared_by), "approver": person_name(plan.approved_by),
            "fund_url": reverse("workbench:hardship_fund", args=[plan.fund_id])
            if readable_funds(user).filter(pk=plan.fund_id).exists() else "",
            "payments": [{"payment": payment, "amount": yuan(payment.amount),
                          "by": person_name(payment.disbursed_by)} for payment in payments],
        })
    return rows


class FileDetailView(HardshipReadersOnly, TemplateView):
    template_name = "workflows/hardship/file_detail.html"

    def get(self, request, *args, **kwargs):
        file = readable_file(request.user, kwargs["pk"])
        return self.render_to_response(self.file_page(file))

    def file_page(self, file, *, bound=None, bound_key=""):
        """The page's context; every rendering shows the full record, so every one is journalled."""
        user = self.request.user
        append_event(action=AuditAction.SENSITIVE_VIEW, actor=user, subject=file, organisation=file.organisation,
                     name="view_hardship_file", data={"file": file.number or file.pk})
        household, year = file.household, file.year
        incomes, income_total = money_rows(list(household.income_items.filter(year=year)))
        expenses, expense_total = money_rows(list(household.rigid_expenses.filter(year=year)))
        costs, cost_total = money_rows(list(household.hardship_costs.filter(year=year)),
                                       amount=lambda item: item.net_amount)
        tab = "actions" if bound is not None else self.request.GET.get("tab") or "household"
        if tab not in dict(FILE_TABS) and tab != "actions":
            tab = "household"
        documents = [{"document": document,
                      "url": reverse("workbench:hardship_file_document", args=[file.pk, document.pk])}
                     for document in file_documents(file)]
        readable = readable_files(user)
        summary = file_context(file)
        live = summary["assessment"]
        return self.get_context_data(
            **summary, live_category=str(Category(live.category).label) if live is not None else "",
            head_masked_id=mask_resident_id(household.head.resident_id),
            incomes=incomes, income_total=income_total, expenses=expenses, expense_total=expense_total,
            costs=costs, cost_total=cost_total, file_documents=documents,
            second_approver_name=person_name(file.second_approved_by), per_capita=yuan(file.per_capita_monthly),
            yearly_reviews=list(file.yearly_reviews.select_related("reviewed_by")),
            attachments=attachment_rows(file), attachment_form=attachment_form_for(file, user),
            aid=aid_rows(file, user), timeline=file_timeline(file, user), flow_tasks=open_flow_tasks(file, user),
            actions=file_actions(file, user, bound=bound, bound_key=bound_key),
            read_only=not can_act(user, file.organisation, HANDLERS), tabs=FILE_TABS, tab=tab,
            household_edit_url=household_editor_url(file, user), **file_programmes(file, user),
            previous_file=readable.filter(pk=file.previous_file_id).first() if file.previous_file_id else None,
            re_entries=list(readable.filter(previous_file=file)),
            checklist=[(label, file.visit_checklist.get(key)) for key, label in HOME_VISIT_CHECKLIST]
            if file.visit_checklist else [],
        )


class FileActionView(HardshipReadersOnly, View):
    """One action of the file page: its small form, then the door; a refusal goes back on the form."""

    def post(self, request, pk, name):
        file = readable_file(request.user, pk)
        try:
            fsm_transition(file, name)
        except ValueError:
            raise Http404(_("没有这项操作。")) from None
        refusal = file_action_refusal(file, name)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(file_url(file))
        spec = transition_spec(file, name)
        form, key = posted_action_form(file, spec, user=request.user, data=request.POST)
        outcome = []
        if form.is_valid() and submitted_through_door(
                form, lambda: outcome.append(apply(file, name, by=request.user, **form.arguments()))):
            messages.success(request, self.done_message(file, spec, outcome[0]))
            return HttpResponseRedirect(file_url(file) + ("?tab=aid" if name in AID_ACTIONS else ""))
        problems = "；".join(str(message) for errors in form.errors.values() for message in errors)
        messages.error(request, _("“%(action)s”未办理：%(problems)s") % {"action": action_label(spec), "problems": problems})
        page = FileDetailView(request=request, kwargs={"pk": pk}, args=())
        return page.render_to_response(page.file_page(file, bound=form, bound_key=key))

    def done_message(self, file, spec, outcome) -> str:
        created = (outcome.event.data or {}).get("created") or {}
        if spec.name == "disburse" and created.get("pk"):
            payment = Disbursement.objects.select_related("plan__fund").get(pk=created["pk"])
            fund = payment.plan.fund
            return _("已发放%(amount)s，领款凭证编号%(receipt)s；“%(fund)s”余额%(balance)s。") % {
                "amount": yuan(payment.amount), "receipt": payment.receipt_number, "fund": fund.name,
                "balance": yuan(aid.fund_summary(fund).balance)}
        if spec.name == "propose_aid_plan":
            return _("已制定帮扶计划，待审核人审批后方可发放。")
        if spec.name == "approve_aid_plan":
            plan = AidPlan.objects.select_related("fund").filter(pk=created.get("pk")).first()
            available = aid.available_balance(plan.fund) if plan is not None else aid.ZERO
            if available < aid.ZERO:
                return _("已批准帮扶计划。“%(fund)s”可用余额不足，尚差%(missing)s，须待预算拨入后才能足额发放。") % {
                    "fund": plan.fund.name, "missing": yuan(-available)}
            return _("已批准帮扶计划，可以发放。")
        return _("已办理“%(action)s”。档案状态：%(status)s。") % {
            "action": action_label(spec), "status": file.get_status_display()}



class FileDocumentDownloadView(HardshipReadersOnly, DocumentDownloadView):
    """A document of a file the user may read; the download is journalled like a case's."""

    subject_key = "file"

    def readable_subject(self, user, pk):
        return readable_file(user, pk)

    def subject_documents(self, subject):
        return file_documents(subject)

