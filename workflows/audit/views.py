"""审计 (issue 7): the audit log search across an auditor's subtrees, chain verification, a case's
or hardship file's complete timeline, revealing a masked ID number with a stated reason, and
the subject's history exported as PDF and JSON. Read-only: the only things written are the
journal entries these pages owe (verification, reveal, export)."""

import json

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.db.models.fields.json import KT
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases import selectors
from cases.models import (
    AuditAction,
    AuditEvent,
    DisputeCase,
    Document,
    HardshipFile,
    HouseholdMember,
    Membership,
    Organisation,
    Role,
)
from cases.platform.audit.history import (
    HOW_TO_VERIFY,
    KIND_LABELS,
    history_payload,
    mask_text,
    person_of,
    subject_events,
    timeline,
)
from cases.platform.audit.journal import append_event, verify_chain
from cases.platform.documents import render_pdf
from cases.selectors import mask_resident_id, transition_labels
from workflows.dispute.flow import organisations_where
from workflows.page_scope import reaches_any
from workflows.reports.views import OrganisationChoice

AUDIT_PAGE_SIZE = 50
SUBJECTS = {"disputes": DisputeCase, "hardship": HardshipFile}


def audit_organisations(user):
    return organisations_where(user, [Role.AUDITOR]).order_by("path")


def may_audit(user) -> bool:
    return reaches_any(user, [Role.AUDITOR])


class AuditorsOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_audit(request.user):
            raise PermissionDenied(_("只有审计员可以查看审计日志和案件完整历史。"))
        return super().dispatch(request, *args, **kwargs)


def audited_subject(user, kind: str, pk: int):
    """The case or file if it belongs to the auditor's subtrees; 404 otherwise."""
    model = SUBJECTS.get(kind)
    if model is None:
        raise PermissionDenied(_("未知的审计对象。"))
    related = ("organisation", "worker", "employer") if model is DisputeCase else ("organisation", "household__head")
    subjects = model.objects.select_related(*related).filter(organisation__in=audit_organisations(user).values("pk"))
    return get_object_or_404(subjects, pk=pk)


def subject_kind(subject) -> str:
    return "disputes" if isinstance(subject, DisputeCase) else "hardship"


# -- the audit log search ------------------------------------------------------------------


class AuditSearchForm(forms.Form):
    person = forms.CharField(label=gettext_lazy("操作人"), required=False)
    organisation = OrganisationChoice(label=gettext_lazy("组织（含下级）"), queryset=None, required=False,
                                      empty_label=gettext_lazy("全部"),
                                      error_messages={"invalid_choice": gettext_lazy("请选择您有权审计的组织。")})
    action = forms.ChoiceField(label=gettext_lazy("操作类型"), required=False,
                               choices=[("", gettext_lazy("全部")), *AuditAction.choices])
    case = forms.CharField(label=gettext_lazy("案件或档案编号"), required=False)
    start = forms.DateField(label=gettext_lazy("开始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": gettext_lazy("请输入有效的日期，例如2026-01-05。")})
    end = forms.DateField(label=gettext_lazy("结束日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": gettext_lazy("请输入有效的日期，例如2026-01-05。")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation"].queryset = audit_organisations(user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return cleaned

    def events(self):
        organisations = audit_organisations(self.user)
        chosen = self.cleaned_data.get("organisation")
        if chosen is not None:
            organisations = Organisation.objects.subtree_of([chosen])
        events = AuditEvent.objects.select_related("organisation").order_by("-seq")
        if not (self.user.is_superuser and chosen is None):
            events = events.alias(signed_in_as=KT("data__username")).filter(
                Q(organisation__in=organisations.values("pk")) | _sign_ins_of_members(organisations))
        person = self.cleaned_data.get("person", "").strip()
        if person:
            events = events.filter(Q(actor_label__icontains=person) | Q(actor__username__iexact=person))
        if self.cleaned_data.get("action"):
            events = events.filter(action=self.cleaned_data["action"])
        number = self.cleaned_data.get("case", "").strip()
        if number:
            events = events.filter(_subject_numbered(number))
        if self.cleaned_data.get("start"):
            events = events.filter(occurred_at__date__gte=self.cleaned_data["start"])
        if self.cleaned_data.get("end"):
            events = events.filter(occurred_at__date__lte=self.cleaned_data["end"])
        return events


def _sign_ins_of_members(organisations) -> Q:
    """Sign-ins belong to no organisation: an auditor sees those of the people who are members
    of the organisations audited (a failed one by the user name typed)."""
    members = Membership.objects.filter(organisation__in=organisations.values("pk"))
    return Q(organisation__isnull=True) & (
        Q(action=AuditAction.LOGIN, actor__in=members.values("user"))
        | Q(action=AuditAction.LOGIN_FAILED, signed_in_as__in=members.values("user__username")))


def _subject_numbered(number: str) -> Q:
    match = Q(pk__in=[])
    for model in SUBJECTS.values():
        ids = [str(pk) for pk in model.objects.filter(number=number).values_list("pk", flat=True)]
        if ids:
            match |= Q(subject_type=model._meta.label_lower, subject_id__in=ids)
    return match


def last_verification():
    return AuditEvent.objects.filter(action=AuditAction.VERIFY).order_by("-seq").first()


def subject_url(event: AuditEvent) -> str:
    for kind, model in SUBJECTS.items():
        if event.subject_type == model._meta.label_lower:
            return reverse("workbench:audit_timeline", kwargs={"kind": kind, "pk": int(event.subject_id)})
    return ""


class AuditSearchView(AuditorsOnly, TemplateView):
    template_name = "workflows/audit/search.html"

    def get(self, request, *args, **kwargs):
        form = AuditSearchForm(request.GET or None, user=request.user)
        page = None
        if not form.is_bound or form.is_valid():
            if not form.is_bound:
                form = AuditSearchForm({}, user=request.user)
                form.is_valid()
            page = Paginator(form.events(), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
            page.object_list = _rows(list(page.object_list))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(self.get_context_data(
            form=form, page=page, query=query.urlencode(), verification=last_verification(),
        ), status=200 if page is not None else 400)


def _rows(events: list[AuditEvent]) -> list[dict]:
    """The page's events in words: transition labels, documents by title, cases and files by
    their numbers, other records by what they are."""
    numbers, labels = {}, {}
    for model in SUBJECTS.values():
        ids = [e.subject_id for e in events if e.subject_type == model._meta.label_lower]
        numbers.update(((model._meta.label_lower, str(pk)), number or str(pk))
                       for pk, number in model.objects.filter(pk__in=ids).values_list("pk", "number"))
        labels.update(((model._meta.label_lower, name), label) for name, label in transition_labels(model).items())
    numbers.update(_other_numbers(events))
    documents = Document.objects.in_bulk(_document_ids(events))
    return [{
        "event": event, "reason": mask_text(event.reason), "subject_url": subject_url(event),
        "action": _action_in_words(event, labels, documents),
        "subject": numbers.get((event.subject_type, event.subject_id)) or _other_subject(event, documents),
    } for event in events]


def _other_numbers(events: list[AuditEvent]) -> dict:
    """Other records that carry a number of their own (a programme application's
    BJ-HD-SNW-2026-0001), by "kind number" rather than by their database id: one query per kind."""
    found, wanted = {}, {}
    for event in events:
        if event.subject_id.isdigit() and event.subject_type not in {m._meta.label_lower for m in SUBJECTS.values()}:
            wanted.setdefault(event.subject_type, set()).add(event.subject_id)
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
            model._meta.get_field("number")
        except (LookupError, ValueError, FieldDoesNotExist):
            continue
        for pk, number in model._default_manager.filter(pk__in=ids, number__gt="").values_list("pk", "number"):
            found[(label, str(pk))] = f"{model._meta.verbose_name} {number}"
    return found


def _document_ids(events: list[AuditEvent]) -> set[int]:
    ids = {(event.data or {}).get("document_id") for event in events}
    ids |= {int(event.subject_id) for event in events
            if event.subject_type == Document._meta.label_lower and event.subject_id.isdigit()}
    return {pk for pk in ids if isinstance(pk, int)}


def _action_in_words(event: AuditEvent, labels: dict, documents: dict) -> str:
    if event.action == AuditAction.TRANSITION:
        label = labels.get((event.subject_type, event.name)) or selectors.EVENT_NAMES.get(event.name, event.name)
        return _("%(action)s：%(what)s") % {"action": event.get_action_display(), "what": label}
    title = selectors.event_title(event, {}, documents)
    display = str(event.get_action_display())
    return title if title.startswith(display) else _("%(action)s：%(what)s") % {"action": display, "what": title}


def _other_subject(event: AuditEvent, documents: dict) -> str:
    """A subject that is no case or file: a document by its title, any other by its kind and number."""
    if not event.subject_type:
        return "—"
    if event.subject_type == Document._meta.label_lower and event.subject_id.isdigit():
        document = documents.get(int(event.subject_id))
        if document is not None:
            return document.title
    try:
        kind = apps.get_model(event.subject_type)._meta.verbose_name
    except (LookupError, ValueError):
        kind = event.subject_type
    return f"{kind} #{event.subject_id}" if event.subject_id else str(kind)


class VerifyChainView(AuditorsOnly, View):
    def post(self, request):
        report = verify_chain()
        data = {"intact": report.intact, "checked": report.checked,
                "first_break": str(report.first_break) if report.first_break else ""}
        append_event(action=AuditAction.VERIFY, actor=request.user, name="verify_chain", data=data)
        if report.intact:
            messages.success(request, _("校验完成：审计链完整，已验证 %(n)d 条。") % {"n": report.checked})
        else:
            messages.error(request, _("审计链已损坏：%(problem)s") % {"problem": report.first_break})
        return HttpResponseRedirect(reverse("workbench:audit_search"))


# -- one subject's timeline ----------------------------------------------------------------


def household_members(subject) -> list[HouseholdMember]:
    """A hardship file's household members, the head's own row among them; a case has none."""
    return list(subject.household.members.all()) if isinstance(subject, HardshipFile) else []


class TimelineView(AuditorsOnly, TemplateView):
    template_name = "workflows/audit/timeline.html"

    def get(self, request, kind, pk):
        return self.timeline_response(audited_subject(request.user, kind, pk), kind)

    def timeline_response(self, subject, kind: str, *, revealed: str = "", reveal_error: str = "",
                          member: HouseholdMember | None = None, status: int = 200):
        """The page; `revealed` and `reveal_error` belong to `member`'s reveal when one is named,
        else to the worker's or head's."""
        shown = {key for key in self.request.GET.getlist("show") if key in KIND_LABELS}
        person = person_of(subject)
        for_member = member is not None
        return self.render_to_response(self.get_context_data(
            subject=subject, kind=kind, entries=timeline(subject).only(shown), shown=shown, kinds=KIND_LABELS.items(),
            masked_id=mask_resident_id(person.resident_id), person_name=person.name,
            revealed="" if for_member else revealed, reveal_error="" if for_member else reveal_error,
            members=[(m, mask_resident_id(m.resident_id)) for m in household_members(subject)],
            chosen_member=member, member_revealed=revealed if for_member else "",
            member_error=reveal_error if for_member else "",
        ), status=status)


class RevealIdView(TimelineView):
    """Shows an ID number in full once, for a stated reason, journalled as SENSITIVE_VIEW: the
    worker's or household head's, or (POST `member`) a named member of a hardship file's household."""

    def post(self, request, kind, pk):
        subject = audited_subject(request.user, kind, pk)
        member = self.named_member(subject)
        reason = request.POST.get("reason", "").strip()
        if not reason:
            return self.timeline_response(subject, kind, reveal_error=_("请填写查看完整身份证号的理由。"),
                                          member=member, status=400)
        data = {"field": "resident_id", "number": subject.number or str(subject.pk)}
        if member is not None:
            data.update(member=member.pk, member_name=member.name, relation=member.relation)
        append_event(action=AuditAction.SENSITIVE_VIEW, actor=request.user, subject=subject,
                     organisation=subject.organisation, reason=reason, data=data,
                     name="reveal_member_resident_id" if member is not None else "reveal_resident_id")
        number = (member or person_of(subject)).resident_id
        return self.timeline_response(subject, kind, revealed=number or _("（未登记身份证号）"), member=member)

    def named_member(self, subject) -> HouseholdMember | None:
        """The member named by POST `member`, of the subject's own household; 404 for any other."""
        value = self.request.POST.get("member", "").strip()
        if not value:
            return None
        if not value.isdigit():
            raise Http404(_("没有这位家庭成员。"))
        for member in household_members(subject):
            if member.pk == int(value):
                return member
        raise Http404(_("没有这位家庭成员。"))


class HistoryExportView(AuditorsOnly, View):
    file_format = ""

    def get(self, request, kind, pk):
        subject = audited_subject(request.user, kind, pk)
        payload = history_payload(subject)
        append_event(action=AuditAction.EXPORT, actor=request.user, subject=subject,
                     organisation=subject.organisation, name=f"export_history_{self.file_format}",
                     data={"number": subject.number or str(subject.pk), "events": len(payload["events"])})
        stem = f"{subject.number or subject.pk}-history"
        response = HttpResponse(self.render(subject, payload), content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{stem}.{self.file_format}"'
        return response


class HistoryJsonView(HistoryExportView):
    file_format, content_type = "json", "application/json; charset=utf-8"

    def render(self, subject, payload) -> bytes:
        return json.dumps(payload, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode("utf-8")


def events_in_words(subject, events: list[dict]) -> list[dict]:
    """The history's hashed events (history_payload's), each with its action in the audit log's
    words (`action_words`: 状态变更：受理, 生成文书：受理通知书), for the PDF's appendix: the
    canonical payload's codes (transition accept) are the JSON export's, which a verifier
    recomputes the hashes from."""
    words = {row["event"].seq: row["action"] for row in _rows(list(subject_events(subject)))}
    return [{**event, "action_words": words.get(event["seq"]) or f"{event['action']} {event['name']}".strip()}
            for event in events]


class HistoryPdfView(HistoryExportView):
    file_format, content_type = "pdf", "application/pdf"

    def render(self, subject, payload) -> bytes:
        # A document, in Chinese like every other (render_pdf), whatever language the pages are
        # read in: the timeline's words too, or an English reader's export mixed both languages.
        with translation.override(settings.LANGUAGE_CODE):
            return render_pdf(template="documents/audit/history.html", context={
                "title": _("案件完整历史"), "organisation_name": subject.organisation.name, "subject": subject,
                "entries": timeline(subject).entries, "events": events_in_words(subject, payload["events"]),
                "how_to_verify": str(HOW_TO_VERIFY), "date": timezone.localdate(),
            }).content
