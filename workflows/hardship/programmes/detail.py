"""One aid programme application's page (帮扶项目申请): who for, the amount with its computation
against the rule, the approvals, the payment and its receipt (领款凭证), the documents and the
timeline; and the actions this user may take now (审批同意, 复审批同意, 不予批准, 发放), each a
small form posted to ApplicationActionView, which calls the transition door and puts its refusal
back on the form. Every rendering shows the household's particulars (a patient's bills, a
child's school), so every one is journalled; so is every download.
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cases.hardship import aid
from cases.models import AidProgrammeApplication, ApplicationStatus, AuditAction, Disbursement, Document, Role
from cases.models.access import can_act
from cases.platform.audit.journal import append_event
from cases.platform.audit.readers import journal_visible_to
from cases.platform.transitions import apply, available_transitions, fsm_transition, transition_spec
from cases.selectors import events_timeline, person_name, transition_labels, yuan
from workflows.dispute.pages import DocumentDownloadView, action_label
from workflows.dispute.views import submitted_through_door
from workflows.hardship.file.access import HardshipReadersOnly, file_url, readable_files, readable_funds
from workflows.hardship.programmes.forms import action_form
from workflows.hardship.programmes.views import application_url, readable_application

ACTION_ORDER = ("approve", "approve_second", "refuse", "disburse")


def application_documents(application):
    return Document.objects.filter(
        subject_type=ContentType.objects.get_for_model(AidProgrammeApplication), subject_id=str(application.pk),
    ).select_related("created_by").order_by("created_at", "pk")


def status_label(value: str) -> str:
    try:
        return str(ApplicationStatus(value).label) if value else ""
    except ValueError:
        return value


def application_timeline(application, user, documents) -> list:
    """Every journal entry about the application, its payment and its documents that `user` may see."""
    condition = Q(subject_type=AidProgrammeApplication._meta.label_lower, subject_id=str(application.pk))
    payments = [str(pk) for pk in application.disbursements.values_list("pk", flat=True)]
    if payments:
        condition |= Q(subject_type=Disbursement._meta.label_lower, subject_id__in=payments)
    if documents:
        condition |= Q(subject_type=Document._meta.label_lower, subject_id__in=[str(d.pk) for d in documents])
    labels = {**transition_labels(AidProgrammeApplication), "created": _("登记申请")}
    entries = events_timeline(condition, documents, labels=labels, state_label=status_label,
                              visible=journal_visible_to(user, application.organisation))
    for entry in entries:
        if entry.event.action == AuditAction.SENSITIVE_VIEW:
            entry.title = _("查阅申请详情")
    return entries


def not_theirs_to_decide(application, user, name: str) -> bool:
    """Four eyes: the preparer decides nothing, the first approver not the second approval (the door
    refuses either; the page does not offer it)."""
    if name in ("approve", "approve_second", "refuse") and user.pk in application.preparers():
        return True
    return name == "approve_second" and user.pk == application.first_approved_by_id


def application_actions(application, user, *, bound=None) -> list[dict]:
    """One small form per transition `user` may take now; `bound` replaces the one posted."""
    offered = sorted((spec for spec in available_transitions(application, user)
                      if not not_theirs_to_decide(application, user, spec.name)),
                     key=lambda spec: ACTION_ORDER.index(spec.name) if spec.name in ACTION_ORDER else len(ACTION_ORDER))
    rows = []
    for spec in offered:
        form = bound if bound is not None and bound.spec.name == spec.name else action_form(
            spec, application=application, user=user)
        rows.append({"name": spec.name, "label": action_label(spec), "form": form,
                     "url": reverse("workbench:programme_application_action", args=[application.pk, spec.name])})
    if bound is not None and not any(row["form"] is bound for row in rows):
        rows.insert(0, {"name": bound.spec.name, "label": action_label(bound.spec), "form": bound,
                        "url": reverse("workbench:programme_application_action",
                                       args=[application.pk, bound.spec.name])})
    return rows


class ApplicationDetailView(HardshipReadersOnly, TemplateView):
    template_name = "workflows/hardship/programme_detail.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.application_page(readable_application(request.user, kwargs["pk"])))

    def application_page(self, application, *, bound=None):
        user = self.request.user
        append_event(action=AuditAction.SENSITIVE_VIEW, actor=user, subject=application,
                     organisation=application.organisation, name="view_programme_application",
                     data={"application": application.number})
        documents = list(application_documents(application))
        payments = [{"payment": payment, "amount": yuan(payment.amount), "by": person_name(payment.disbursed_by)}
                    for payment in application.disbursements.select_related("disbursed_by").order_by("pk")]
        file = application.file
        return self.get_context_data(
            application=application, amount=yuan(application.amount), payments=payments,
            second_approval_above=yuan(application.second_approval_above()),
            needs_second_approval=application.needs_second_approval(),
            preparer=person_name(application.prepared_by),
            first_approver=person_name(application.first_approved_by),
            second_approver=person_name(application.second_approved_by),
            refused_by=person_name(application.refused_by),
            file_url=file_url(file) if file is not None and readable_files(user).filter(pk=file.pk).exists() else "",
            fund_url=reverse("workbench:hardship_fund", args=[application.fund_id])
            if readable_funds(user).filter(pk=application.fund_id).exists() else "",
            fund_balance=yuan(aid.fund_summary(application.fund).balance),
            documents=[{"document": document, "url": reverse("workbench:programme_application_document",
                                                             args=[application.pk, document.pk])}
                       for document in documents],
            timeline=application_timeline(application, user, documents),
            actions=application_actions(application, user, bound=bound),
            read_only=not can_act(user, application.organisation, [Role.HARDSHIP_CASEWORKER, Role.REVIEWER]),
            list_url=reverse("workbench:programme_list"),
        )


class ApplicationActionView(HardshipReadersOnly, View):
    """One action of the application page: its small form, then the door; a refusal goes back on the form."""

    def post(self, request, pk, name):
        application = readable_application(request.user, pk)
        try:
            fsm_transition(application, name)
        except ValueError:
            raise Http404(_("没有这项操作。")) from None
        spec = transition_spec(application, name)
        if spec is None:
            messages.error(request, _("申请当前为“%(status)s”，不能执行这项操作。") % {
                "status": application.get_status_display()})
            return HttpResponseRedirect(application_url(application))
        form = action_form(spec, application=application, user=request.user, data=request.POST)
        if form.is_valid() and submitted_through_door(
                form, lambda: apply(application, name, by=request.user, **form.arguments())):
            messages.success(request, self.done_message(application, name))
            return HttpResponseRedirect(application_url(application))
        problems = "；".join(str(message) for errors in form.errors.values() for message in errors)
        messages.error(request, _("“%(action)s”未办理：%(problems)s") % {"action": action_label(spec), "problems": problems})
        page = ApplicationDetailView(request=request, kwargs={"pk": pk}, args=())
        return page.render_to_response(page.application_page(application, bound=form))

    def done_message(self, application, name) -> str:
        if name == "approve" and application.status == ApplicationStatus.AWAITING_SECOND_APPROVAL:
            return _("已审批同意。核定金额%(amount)s超过单人审批限额%(limit)s，还须另一名审核人复审批。") % {
                "amount": yuan(application.amount), "limit": yuan(application.second_approval_above())}
        if name in ("approve", "approve_second"):
            return _("已批准，可以发放。")
        if name == "refuse":
            return _("已决定不予批准。")
        payment = application.disbursements.order_by("-pk").first()
        return _("已发放%(amount)s，领款凭证编号%(receipt)s；“%(fund)s”余额%(balance)s。领款凭证生成后可在“文书”中下载。") % {
            "amount": yuan(payment.amount), "receipt": payment.receipt_number, "fund": application.fund.name,
            "balance": yuan(aid.fund_summary(application.fund).balance)}


class ApplicationDocumentDownloadView(HardshipReadersOnly, DocumentDownloadView):
    """A document of an application the user may read; the download is journalled."""

    subject_key = "application"

    def readable_subject(self, user, pk):
        return readable_application(user, pk)

    def subject_documents(self, subject):
        return application_documents(subject)
