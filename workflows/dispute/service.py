"""The service (送达) pages of a case: the panel on the case page listing every notice addressed to
a party with its service state, the page recording one notice's service on one party, the
page recording a party's consent to electronic service, the 送达回证 to print, and the
download of a kept scan.

Scope as on the case page: a case outside the user's subtrees is a 404 whether or not it
exists. Everyone who reads the case sees the panel and the records; only the case's handlers
(mediators and leads of the organisation) record service, print certificates and record
consent, and every write goes through the door (record_service, record_electronic_consent)
or the document service.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition

from cases.documents.registry import shown_title
from cases.disputes.service import (
    NoticeService,
    case_notices,
    certificates,
    issue_certificate,
    may_serve,
    notices_to_serve,
)
from cases.documents.registry import addressees_of
from cases.models import ServiceParty
from cases.platform.transitions import TransitionOutcome, apply
from cases.selectors import person_name, variant_label
from workflows.dispute.pages import case_url, readable_case
from workflows.dispute.scan_downloads import kept_scan_response
from workflows.dispute.service_forms import (
    CertificateForm,
    ElectronicConsentForm,
    RecordServiceForm,
    put_door_errors,
)


def service_url(case, document, party) -> str:
    return reverse("workbench:case_service", args=[case.pk, document.pk, party])


def consent_url(case, party) -> str:
    return reverse("workbench:case_service_consent", args=[case.pk, party])


def _consents(case) -> dict[str, list]:
    found = {party: [] for party in ServiceParty.values}
    for consent in case.electronic_service_consents.select_related("recorded_by").order_by("given_on", "pk"):
        found[consent.party].append(consent)
    return found


def _row(case, row: NoticeService, printed: dict) -> dict:
    certificate = printed.get((row.document.pk, row.party))
    return {
        "notice": row, "title": shown_title(row.document), "version": row.document.version,
        "variant": variant_label(row.document.variant), "party": row.party_label, "addressee": row.addressee,
        "record": row.record, "corrections": len(row.corrected),
        "url": service_url(case, row.document, row.party),
        "certificate_url": (reverse("workbench:case_document", args=[case.pk, certificate.pk])
                            if certificate is not None else ""),
        "certificate_action": reverse("workbench:case_service_certificate",
                                      args=[case.pk, row.document.pk, row.party]),
    }


def service_panel(case, user, *, documents=None) -> dict:
    """What the case page shows about service: every notice and addressee, unserved ones first
    marked, with the links this user may follow; `documents` are the case's when the page has them."""
    printed = certificates(case, documents=documents)
    rows = [_row(case, row, printed) for row in notices_to_serve(case, documents=documents)]
    consents = _consents(case)
    return {
        "rows": rows, "unserved": sum(1 for row in rows if row["record"] is None), "may_serve": may_serve(user, case),
        "certificate_form": CertificateForm(),
        "consents": [{"party": ServiceParty(party).label, "consents": found, "url": consent_url(case, party)}
                     for party, found in consents.items()],
    }


def _notice(case, document_pk, party):
    """The case's current notice `document_pk` if `party` is one of its addressees; 404 otherwise."""
    document = get_object_or_404(case_notices(case), pk=document_pk)
    if party not in addressees_of(document.kind, document.variant):
        raise Http404(_("该文书不送达这一方当事人。"))
    return document


def require_may_serve(user, case, *, consent: bool = False) -> None:
    """The service pages' refusal of whoever may only read the case."""
    if not may_serve(user, case):
        raise PermissionDenied(_("只有本组织的调解员或调解组长可以登记电子送达同意；审计员只能查阅。") if consent
                               else _("只有本组织的调解员或调解组长可以登记送达；审计员只能查阅。"))


def notice_row(case, document, party) -> NoticeService:
    return next(row for row in notices_to_serve(case) if row.document.pk == document.pk and row.party == party)


def latest_consent(case, party):
    return case.electronic_service_consents.filter(party=party).order_by("-given_on", "-pk").first()


def service_form(case, document, party, data=None, files=None, *, row=None) -> RecordServiceForm:
    """登记送达's form for `document` served on `party`: a correction once a record counts."""
    row = row or notice_row(case, document, party)
    return RecordServiceForm(data, files, correcting=row.record, consent=latest_consent(case, party),
                             addressee=row.addressee)


def submit_service(case, document, party, form, *, by) -> TransitionOutcome | None:
    """The bound 登记送达 form through the door (record_service); None with what to correct on
    the form. The door's PermissionDenied and ConcurrentTransition are the caller's to show."""
    if not form.is_valid():
        return None
    try:
        return apply(case, "record_service", by=by, **form.arguments(document=document, party=party))
    except ValidationError as error:
        put_door_errors(form, error)
        return None


def submit_consent(case, form, *, by) -> TransitionOutcome | None:
    """The bound 登记电子送达同意 form through the door (record_electronic_consent), as submit_service."""
    if not form.is_valid():
        return None
    try:
        return apply(case, "record_electronic_consent", by=by, **form.arguments())
    except ValidationError as error:
        put_door_errors(form, error)
        return None


class ServiceView(LoginRequiredMixin, TemplateView):
    """登记送达: one notice, one addressee: its records (with corrections), and the form."""

    template_name = "workflows/case/service.html"

    def setup_notice(self, request, pk, document_pk, party):
        self.case = readable_case(request.user, pk)
        self.document = _notice(self.case, document_pk, party)
        self.party = party
        self.row = notice_row(self.case, self.document, party)
        self.consent = latest_consent(self.case, party)

    def form(self, data=None, files=None):
        return service_form(self.case, self.document, self.party, data, files, row=self.row)

    def get(self, request, pk, document_pk, party):
        self.setup_notice(request, pk, document_pk, party)
        form = self.form() if may_serve(request.user, self.case) else None
        return self.render_to_response(self.page_context(form))

    def post(self, request, pk, document_pk, party):
        self.setup_notice(request, pk, document_pk, party)
        require_may_serve(request.user, self.case)
        form = self.form(request.POST, request.FILES)
        try:
            outcome = submit_service(self.case, self.document, party, form, by=request.user)
        except (PermissionDenied, ConcurrentTransition) as error:
            form.add_error(None, str(error))
        else:
            if outcome is not None:
                messages.success(request, _("已登记《%(title)s》向%(party)s%(addressee)s的送达。") % {
                    "title": shown_title(self.document), "party": self.row.party_label, "addressee": self.row.addressee})
                return HttpResponseRedirect(case_url(self.case) + "#case-service")
        messages.error(request, _("送达未登记：请按页面上的提示修改后再提交。"))
        return self.render_to_response(self.page_context(form))

    def page_context(self, form):
        printed = certificates(self.case).get((self.document.pk, self.party))
        return self.get_context_data(
            case=self.case, document=self.document, row=self.row, form=form, consent=self.consent,
            consent_url=consent_url(self.case, self.party) + "?next=" + service_url(self.case, self.document,
                                                                                     self.party),
            certificate_url=reverse("workbench:case_document", args=[self.case.pk, printed.pk]) if printed else "",
            certificate_action=reverse("workbench:case_service_certificate",
                                       args=[self.case.pk, self.document.pk, self.party]),
            certificate_form=CertificateForm(), document_url=reverse("workbench:case_document",
                                                                     args=[self.case.pk, self.document.pk]),
            records=[{"record": record, "current": record == self.row.record, "recorder": person_name(record.recorded_by)}
                     for record in [*self.row.corrected, *([self.row.record] if self.row.record else [])]],
            may_serve=form is not None, case_url=case_url(self.case),
        )


class CertificateView(LoginRequiredMixin, View):
    """生成送达回证, then download it: made once per notice, addressee and method."""

    def post(self, request, pk, document_pk, party):
        case = readable_case(request.user, pk)
        document = _notice(case, document_pk, party)
        form = CertificateForm(request.POST)
        back = service_url(case, document, party)
        if not form.is_valid():
            messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
            return HttpResponseRedirect(back)
        try:
            certificate = issue_certificate(case=case, document=document, party=party,
                                            method=form.cleaned_data["method"], by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return HttpResponseRedirect(back)
        messages.success(request, _("已生成《%(title)s》的送达回证，请打印后送达时由签收人签名，再将扫描件随送达记录上传。") % {
            "title": shown_title(document)})
        return HttpResponseRedirect(reverse("workbench:case_document", args=[case.pk, certificate.pk]))


class ElectronicConsentView(LoginRequiredMixin, TemplateView):
    """登记电子送达同意: a party's consent to electronic service at one address."""

    template_name = "workflows/case/service_consent.html"

    def setup_party(self, request, pk, party):
        self.case = readable_case(request.user, pk)
        if party not in ServiceParty.values:
            raise Http404(_("没有这一方当事人。"))
        self.party = party

    def back(self):
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return case_url(self.case) + "#case-service"

    def get(self, request, pk, party):
        self.setup_party(request, pk, party)
        form = ElectronicConsentForm(case=self.case, party=party) if may_serve(request.user, self.case) else None
        return self.render_to_response(self.page_context(form))

    def post(self, request, pk, party):
        self.setup_party(request, pk, party)
        require_may_serve(request.user, self.case, consent=True)
        form = ElectronicConsentForm(request.POST, case=self.case, party=party)
        try:
            outcome = submit_consent(self.case, form, by=request.user)
        except (PermissionDenied, ConcurrentTransition) as error:
            form.add_error(None, str(error))
        else:
            if outcome is not None:
                messages.success(request, _("已登记%(party)s同意电子送达。") % {"party": ServiceParty(party).label})
                return HttpResponseRedirect(self.back())
        messages.error(request, _("电子送达同意未登记：请按页面上的提示修改后再提交。"))
        return self.render_to_response(self.page_context(form))

    def page_context(self, form):
        return self.get_context_data(
            case=self.case, party_label=ServiceParty(self.party).label, form=form, next=self.back(),
            consents=_consents(self.case)[self.party], case_url=case_url(self.case),
        )


class ScanDownloadView(LoginRequiredMixin, View):
    """The kept scan of a signed 送达回证, to those who read the case; the download is journalled."""

    def get(self, request, pk, record_pk):
        case = readable_case(request.user, pk)
        record = get_object_or_404(case.service_records.exclude(scan=""), pk=record_pk)
        return kept_scan_response(request, case, scan=record.scan, kind=record.scan_kind, sha256=record.scan_sha256,
                                  title="送达回证", event="download_service_scan",
                                  record=("service_record_id", record.pk))
