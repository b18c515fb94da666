"""日程 (/dispute/schedule/): the week's mediation sessions, the signed-in mediator's own (我的) or
their centre's (本中心: every case in the subtrees where they are a mediator or a lead), with the
previous and next weeks a click away; the same week as a PDF to print; and the user's secret
calendar address, which they may replace (the old address then answers nothing).

Mediators and leads only: leads open on their centre, mediators on their own sessions. Auditors,
caseworkers, reviewers and organisation admins are refused.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cases.disputes.schedule import issue_feed, monday_of, week_days, week_entries
from cases.models import AuditAction, CalendarFeed, Organisation, Role
from cases.models.dispute.states import CASE_HANDLERS
from cases.platform.audit.journal import append_event
from cases.platform.documents import render_pdf
from cases.selectors import cn_day, person_name
from workflows.dispute.flow import organisations_where
from workflows.page_scope import holds_any

MINE, CENTRE = "mine", "centre"
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a week asked for outside these years opens this week


def may_see_schedule(user) -> bool:
    """Mediators and leads (and superusers); read once per request for the menu."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_superuser or holds_any(user, CASE_HANDLERS)


def leads(user) -> bool:
    return user.is_superuser or holds_any(user, [Role.MEDIATION_LEAD])


def centre_names(user) -> str:
    """The organisations whose subtrees make up the user's centre, as the page names them."""
    if user.is_superuser:
        return _("全部组织")
    roots = (Organisation.objects.filter(memberships__user=user, memberships__role__in=CASE_HANDLERS)
             .distinct().order_by("path").values_list("name", flat=True))
    return "、".join(roots)


def schedule_query(*, week: date, scope: str) -> str:
    return urlencode({"week": week.isoformat(), "scope": scope})


class ScheduleAccess(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_schedule(request.user):
            raise PermissionDenied(_("日程只对调解员和调解组长开放。"))
        return super().dispatch(request, *args, **kwargs)

    def week_and_scope(self, params=None) -> tuple[date, str]:
        """The Monday of the week asked for (this week when none, or none readable) and the scope."""
        params = self.request.GET if params is None else params
        try:
            day = date.fromisoformat(params.get("week", ""))
        except ValueError:
            day = None
        if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
            day = timezone.localdate()
        scope = params.get("scope", "")
        if scope not in (MINE, CENTRE):
            scope = CENTRE if leads(self.request.user) else MINE
        return monday_of(day), scope

    def week(self, monday: date, scope: str) -> dict:
        user = self.request.user
        organisations = organisations_where(user, CASE_HANDLERS)
        entries = week_entries(organisations=organisations, monday=monday, mediator=user if scope == MINE else None)
        sunday = monday + timedelta(days=6)
        scope_label = _("我的日程") if scope == MINE else _("本中心日程（%(centre)s）") % {"centre": centre_names(user)}
        return {"monday": monday, "sunday": sunday, "scope": scope, "scope_label": scope_label,
                "days": week_days(monday, entries), "count": len(entries),
                "week_label": _("%(first)s至%(last)s") % {"first": date_format(monday, _("Y年n月j日")),
                                                          "last": date_format(sunday, _("Y年n月j日"))}}


class ScheduleView(ScheduleAccess, TemplateView):
    template_name = "workflows/dispute/schedule.html"

    def get_context_data(self, **kwargs):
        monday, scope = self.week_and_scope()
        page = reverse("dispute:schedule")
        week = timedelta(days=7)
        feed = CalendarFeed.objects.filter(user=self.request.user).first()
        feed_url = self.request.build_absolute_uri(reverse("workbench:calendar_feed", args=[feed.token])) \
            if feed else ""
        return super().get_context_data(
            **self.week(monday, scope), **kwargs,
            this_week=monday == monday_of(timezone.localdate()),
            previous_url=f"{page}?{schedule_query(week=monday - week, scope=scope)}",
            next_url=f"{page}?{schedule_query(week=monday + week, scope=scope)}",
            current_url=f"{page}?{schedule_query(week=monday_of(timezone.localdate()), scope=scope)}",
            mine_url=f"{page}?{schedule_query(week=monday, scope=MINE)}",
            centre_url=f"{page}?{schedule_query(week=monday, scope=CENTRE)}",
            pdf_url=f"{reverse('dispute:schedule_pdf')}?{schedule_query(week=monday, scope=scope)}",
            feed=feed, feed_url=feed_url, feed_action=reverse("dispute:schedule_feed"),
        )


class SchedulePdfView(ScheduleAccess, View):
    """The week as an A4 landscape PDF to print; journalled as an export (it names the parties)."""

    def get(self, request):
        monday, scope = self.week_and_scope()
        with translation.override(settings.LANGUAGE_CODE):  # a document is Chinese, as every PDF here
            week = self.week(monday, scope)
        organisation = Organisation.objects.filter(memberships__user=request.user).order_by("path").first()
        pdf = render_pdf(template="documents/schedule/week.html", context={
            **week, "title": _("调解日程"), "organisation_name": organisation.name if organisation else "",
            "printed_by": person_name(request.user), "date": cn_day(timezone.localdate()),
        })
        append_event(action=AuditAction.EXPORT, actor=request.user, organisation=organisation,
                     name="export_schedule_pdf",
                     data={"week": monday.isoformat(), "scope": scope, "sessions": week["count"]})
        response = HttpResponse(pdf.content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            False, _("调解日程-%(week)s.pdf") % {"week": monday.isoformat()})
        return response


class FeedAddressView(ScheduleAccess, View):
    """生成 or 重新生成 the user's secret calendar address (POST); journalled."""

    def post(self, request):
        replaced = CalendarFeed.objects.filter(user=request.user).exists()
        issue_feed(user=request.user, by=request.user)
        messages.success(request, _("已重新生成日历订阅地址，原地址已作废，请在手机日历中改用新地址订阅。")
                         if replaced else _("已生成日历订阅地址，请复制到手机日历中订阅。"))
        monday, scope = self.week_and_scope(request.POST)
        return HttpResponseRedirect(f"{reverse('dispute:schedule')}?{schedule_query(week=monday, scope=scope)}")
