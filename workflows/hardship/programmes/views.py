"""The aid programme pages (帮扶项目): the applications list and the application form of each
programme (送温暖, 金秋助学, 医疗救助, 临时救助). One application's page, its actions and its
documents are workflows.hardship.programmes.detail.

Who: the hardship roles read (caseworkers, reviewers, auditors, in their subtrees, as the file
pages: a foreign application is a 404); caseworkers apply. The rules are
cases.hardship.programmes'; the forms put its refusals back under the fields they name, with
everything typed kept.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.hardship.programmes.applications import ON_FILE_PROGRAMMES, apply_for_programme
from cases.hardship.programmes.households import emergency_household, record_cause
from cases.models import AidProgramme, AidProgrammeApplication, ApplicationStatus, HardshipCause, Role
from cases.models.access import can_act, scoped
from cases.models.hardship.states import ON_FILE_STATES
from cases.selectors import yuan
from workflows.dispute.flow import organisations_where
from workflows.dispute.views import submitted_through_door
from workflows.hardship.file.access import (
    HardshipReadersOnly,
    file_organisations,
    file_url,
    readable_file,
    readable_files,
)
from workflows.hardship.objections import PREPARER_FIELDS
from workflows.hardship.programmes.forms import ApplicationForm, CauseForm, FilePickForm, ProgrammeSearchForm

PAGE_SIZE = 20
P = AidProgramme
# What each programme is for, shown above its form and on the list.
PURPOSES = {
    P.SPRING_FESTIVAL: gettext_lazy("春节前走访慰问在档困难职工家庭，按户发放慰问金。"),
    P.AUTUMN_SCHOOLING: gettext_lazy("资助在档困难职工家庭在读的子女，按学期、按就学阶段发放助学金。"),
    P.MEDICAL_RELIEF: gettext_lazy("在档困难职工家庭成员患大病，医疗费用扣除医保报销和保险赔付后，按比例救助，每户每年封顶。"),
    P.EMERGENCY: gettext_lazy("尚未建档的职工家庭遭遇意外事故或突发事件，一次性临时救助；限额以内由一名审核人审批。"),
}


def readable_applications(user):
    applications = AidProgrammeApplication.objects.select_related("organisation", "household__head", "file", "fund")
    return scoped(applications, user).filter(organisation__in=file_organisations(user).values("pk"))


def prepared_by_them(user) -> Q:
    """Applications `user` prepared, or whose file they prepared (AidProgrammeApplication.preparers,
    as a query): none of them is theirs to approve."""
    prepared = Q(prepared_by=user)
    for field in PREPARER_FIELDS:
        prepared |= Q(**{f"file__{field}": user})
    return prepared


def applications_to_approve(user):
    """Applications awaiting `user`'s approval, first or second, in their reviewer subtrees: not
    those they or the file prepared, nor a second approval after their own first one (four eyes,
    as the application's page offers its actions: detail.not_theirs_to_decide)."""
    return (readable_applications(user)
            .filter(organisation__in=organisations_where(user, [Role.REVIEWER]).values("pk"),
                    status__in=[ApplicationStatus.APPLIED, ApplicationStatus.AWAITING_SECOND_APPROVAL])
            .exclude(prepared_by_them(user))
            .exclude(status=ApplicationStatus.AWAITING_SECOND_APPROVAL, first_approved_by=user))


def applications_to_pay(user):
    """Approved applications not yet paid, in `user`'s caseworker subtrees."""
    return (readable_applications(user)
            .filter(organisation__in=organisations_where(user, [Role.HARDSHIP_CASEWORKER]).values("pk"),
                    status=ApplicationStatus.APPROVED))


# The work lists of the list page (ProgrammeSearchForm.work), those the home counts and links to.
WORK = {"approve": applications_to_approve, "pay": applications_to_pay}


def readable_application(user, pk) -> AidProgrammeApplication:
    """The application if `user` reads hardship work of its organisation; 404 otherwise, whether it exists or not."""
    return get_object_or_404(readable_applications(user), pk=pk)


def application_url(application) -> str:
    return reverse("workbench:programme_application", args=[application.pk])


def may_apply(user) -> bool:
    return organisations_where(user, [Role.HARDSHIP_CASEWORKER]).exists()


def files_to_apply_for(user):
    """Files on file in the user's caseworker subtrees: the households 送温暖, 金秋助学 and 医疗救助 are for."""
    organisations = organisations_where(user, [Role.HARDSHIP_CASEWORKER]).values("pk")
    return (readable_files(user).filter(status__in=ON_FILE_STATES, organisation__in=organisations)
            .order_by("number"))


def search_applications(user, query="", *, programme="", status="", work=""):
    """The applications `user` reads matching the search; `work` ("approve", "pay"): only those
    waiting for them (WORK), the longest waiting first."""
    applications = WORK[work](user) if work in WORK else readable_applications(user)
    query = (query or "").strip()
    if query:
        applications = applications.filter(Q(number__icontains=query) | Q(beneficiary__icontains=query)
                                           | Q(household__head__name__icontains=query))
    if programme:
        applications = applications.filter(programme=programme)
    if status:
        applications = applications.filter(status=status)
    if work in WORK:
        return applications.order_by("created_at", "pk")
    return applications.order_by("-created_at", "-pk")


class ProgrammeListView(HardshipReadersOnly, TemplateView):
    template_name = "workflows/hardship/programme_list.html"

    def get_context_data(self, **kwargs):
        form = ProgrammeSearchForm(self.request.GET or None)
        query = programme = status = work = ""
        if form.is_bound and form.is_valid():
            query, programme, status, work = (form.cleaned_data[name] for name in ("q", "programme", "status", "work"))
        found = search_applications(self.request.user, query, programme=programme, status=status, work=work)
        page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [{"application": application, "url": application_url(application), "amount": yuan(application.amount)}
                for application in page.object_list]
        params = self.request.GET.copy()
        params.pop("page", None)
        programmes = [{"key": key, "label": label, "purpose": PURPOSES[key],
                       "url": reverse("workbench:programme_apply", args=[key])} for key, label in P.choices]
        return super().get_context_data(form=form, page=page, rows=rows, query_string=params.urlencode(),
                                        programmes=programmes, may_apply=may_apply(self.request.user), **kwargs)


class ProgrammeApplyView(HardshipReadersOnly, TemplateView):
    """新建申请: for a programme of households on file, first the household (?file=), then the form."""

    template_name = "workflows/hardship/programme_apply.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["programme"] not in P.values:
            raise Http404(_("没有这个帮扶项目。"))
        if request.user.is_authenticated and not may_apply(request.user):
            raise PermissionDenied(_("只有帮扶工作人员可以登记帮扶项目申请。"))
        return super().dispatch(request, *args, **kwargs)

    @property
    def programme(self) -> str:
        return self.kwargs["programme"]

    def chosen_file(self, data):
        """The file the form is for, from `data`; (file, pick form) with the pick form bound when none is valid."""
        if self.programme not in ON_FILE_PROGRAMMES:
            return None, None
        files = files_to_apply_for(self.request.user).select_related("household__head")
        pick = FilePickForm(data if data.get("file") else None, files=files)
        if pick.is_bound and pick.is_valid():
            return pick.cleaned_data["file"], pick
        return None, pick

    def page(self, *, form=None, pick=None, file=None):
        return self.get_context_data(
            programme=self.programme, programme_label=P(self.programme).label, purpose=PURPOSES[self.programme],
            form=form, pick=pick, file=file, list_url=reverse("workbench:programme_list"))

    def get(self, request, *args, **kwargs):
        file, pick = self.chosen_file(request.GET)
        if self.programme in ON_FILE_PROGRAMMES and file is None:
            return self.render_to_response(self.page(pick=pick))
        form = ApplicationForm(programme=self.programme, user=request.user, file=file)
        return self.render_to_response(self.page(form=form, pick=pick, file=file))

    def post(self, request, *args, **kwargs):
        file, pick = self.chosen_file(request.POST)
        if self.programme in ON_FILE_PROGRAMMES and file is None:
            return self.render_to_response(self.page(pick=pick), status=400)
        form = ApplicationForm(request.POST, programme=self.programme, user=request.user, file=file)
        if form.is_valid():
            application = self.apply(form, file)
            if application is not None:
                messages.success(request, _("已登记%(programme)s申请%(number)s，核定金额%(amount)s，待审核人审批。") % {
                    "programme": application.get_programme_display(), "number": application.number,
                    "amount": yuan(application.amount)})
                return HttpResponseRedirect(application_url(application))
        messages.error(request, _("申请未登记：请按提示修改，已填写的内容都保留着。"))
        return self.render_to_response(self.page(form=form, pick=pick, file=file), status=400)

    def apply(self, form, file):
        """The application through cases.hardship.programmes, or None with the refusal on the form."""
        values = form.application_input()
        try:
            with transaction.atomic():  # a 临时救助 household registered here goes if the application is refused
                if file is not None:
                    household = file.household
                else:
                    household = emergency_household(**form.household_input())
                return apply_for_programme(programme=self.programme, by=self.request.user, household=household,
                                           **values)
        except ValidationError as error:
            form.put_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        return None


# -- on the file page: the household's cause and its programme applications -----------------------

def file_programmes(file, user) -> dict:
    """What the file page shows of the programmes: the household's applications this user may read,
    the programmes a caseworker may apply to for it (on file), and the cause of hardship form."""
    applications = readable_applications(user).filter(household=file.household).order_by("-created_at", "-pk")
    caseworker = can_act(user, file.organisation, [Role.HARDSHIP_CASEWORKER])
    on_file = file.status in ON_FILE_STATES
    return {
        "programme_applications": [{"application": application, "url": application_url(application),
                                    "amount": yuan(application.amount)} for application in applications],
        "programme_links": [{"label": label, "url": f"{reverse('workbench:programme_apply', args=[key])}?file={file.pk}"}
                            for key, label in P.choices if key in ON_FILE_PROGRAMMES] if caseworker and on_file else [],
        "cause_form": CauseForm(initial={"cause": file.household.cause}) if caseworker else None,
        "cause_url": reverse("workbench:hardship_file_cause", args=[file.pk]),
    }


class RecordCauseView(HardshipReadersOnly, View):
    """登记致困原因 from the file page's household tab (a caseworker of the file's organisation)."""

    def post(self, request, pk):
        file = readable_file(request.user, pk)
        form = CauseForm(request.POST)
        if form.is_valid() and submitted_through_door(
                form, lambda: record_cause(file=file, by=request.user, cause=form.cleaned_data["cause"])):
            messages.success(request, _("已登记致困原因：%(cause)s。") % {
                "cause": HardshipCause(form.cleaned_data["cause"]).label})
        else:
            problems = "；".join(str(message) for errors in form.errors.values() for message in errors)
            messages.error(request, _("致困原因未登记：%(problems)s") % {"problems": problems})
        return HttpResponseRedirect(file_url(file))
