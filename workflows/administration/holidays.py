"""节假日安排: where each coming year's working days come from, the schedules proposed and decided
in the admin's subtree, uploading a year's schedule (CSV or XLSX), and a schedule's page: its
days, the provisional deadlines approving it would move (before → after), and the decision.

A schedule is decided by an organisation admin other than the one who uploaded it (the
schedule's own rule, cases/models/calendar.py); the uploader sees the same preview and who may
decide it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition, has_transition_perm

from cases import selectors
from cases.models import DayKind, ScheduleStatus
from cases.platform.administration import schedules as service
from cases.platform.administration.scope import admin_roots, administered
from cases.platform.uploads import TABLES, detect_kind
from cases.rules.calendar import year_source
from workflows.administration.access import OrgAdminsOnly
from workflows.administration.forms import DecisionForm, ScheduleUploadForm
from workflows.dispute.views import put_errors_on_form

YEARS_AHEAD = 2


def schedule_url(schedule) -> str:
    return reverse("orgadmin:schedule", args=[schedule.pk])


def upload_organisations(user):
    """Where a schedule is filed: the admin's own organisations (every organisation for a superuser)."""
    if user.is_superuser:
        return administered(user).order_by("path")
    return administered(user).filter(pk__in=[root.pk for root in admin_roots(user)]).order_by("path")


class ScheduleListView(OrgAdminsOnly, TemplateView):
    template_name = "workflows/administration/schedules.html"

    def page(self, form):
        user = self.request.user
        this_year = timezone.localdate().year
        years = [{"year": year, "source": year_source(year).label, "provisional": year_source(year) == "provisional"}
                 for year in range(this_year, this_year + YEARS_AHEAD + 1)]
        schedules = [{"schedule": schedule, "url": schedule_url(schedule),
                      "proposed_by": selectors.person_name(schedule.proposed_by) or _("系统"),
                      "decided_by": selectors.person_name(schedule.decided_by)}
                     for schedule in service.visible_schedules(user)]
        return self.get_context_data(form=form, years=years, schedules=schedules)

    def get(self, request, *args, **kwargs):
        form = ScheduleUploadForm(organisations=upload_organisations(request.user),
                                  initial={"year": timezone.localdate().year + 1})
        return self.render_to_response(self.page(form))

    def post(self, request, *args, **kwargs):
        form = ScheduleUploadForm(request.POST, request.FILES, organisations=upload_organisations(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                schedule = service.upload_schedule(
                    by=request.user, organisation=data["organisation"], year=data["year"], upload=data["file"],
                    kind=detect_kind(data["file"], TABLES), source=data["source"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    put_errors_on_form(form, error)
                else:  # the file's lines, each with what is wrong with it
                    form.add_error("file", error.messages)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已上传%(year)s年节假日安排，待另一位组织管理员审批后生效。") % {
                    "year": schedule.year})
                return HttpResponseRedirect(schedule_url(schedule))
        messages.error(request, _("节假日安排未上传：请按提示修改文件后重新上传。"))
        return self.render_to_response(self.page(form))


class ScheduleDetailView(OrgAdminsOnly, TemplateView):
    template_name = "workflows/administration/schedule.html"

    def schedule(self):
        return get_object_or_404(service.visible_schedules(self.request.user), pk=self.kwargs["pk"])

    def page(self, schedule, form):
        user = self.request.user
        days = list(schedule.days.all())
        may_decide = schedule.status == ScheduleStatus.PROPOSED and has_transition_perm(schedule.approve, user)
        preview = service.preview_approval(schedule, user=user)
        return self.get_context_data(
            schedule=schedule, days=days, form=form, may_decide=may_decide, preview=preview,
            moves=[{"move": move, "subject": _subject_label(move.deadline), "clock": move.deadline.rule.name,
                    "assignee": selectors.person_name(move.deadline.assignee),
                    "old": selectors.day_label(move.old_due), "new": selectors.day_label(move.new_due)}
                   for move in preview.moves],
            holidays=sum(1 for day in days if day.kind == DayKind.HOLIDAY),
            workdays=sum(1 for day in days if day.kind == DayKind.WORKDAY),
            proposed_by=selectors.person_name(schedule.proposed_by) or _("系统"),
            is_proposer=schedule.proposed_by_id == user.pk,
            decided_by=selectors.person_name(schedule.decided_by),
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.page(self.schedule(), DecisionForm()))

    def post(self, request, *args, **kwargs):
        schedule = self.schedule()
        form = DecisionForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                service.decide_schedule(by=request.user, schedule=schedule, approve=approve,
                                        reason=form.cleaned_data["reason"])
            except ValidationError as error:
                put_errors_on_form(form, error)
            except (PermissionDenied, ConcurrentTransition) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(year)s年节假日安排已批准生效，暂定的期限已按其重新计算。") % {
                    "year": schedule.year} if approve else _("%(year)s年节假日安排已驳回。") % {"year": schedule.year})
                return HttpResponseRedirect(schedule_url(schedule))
        messages.error(request, _("未能作出决定：请按提示修改。"))
        schedule.refresh_from_db()
        return self.render_to_response(self.page(schedule, form))


def _subject_label(deadline) -> str:
    subject = deadline.subject
    number = getattr(subject, "number", "")
    if number:
        return f"{subject._meta.verbose_name} {number}"
    return str(subject) if subject is not None else ""
