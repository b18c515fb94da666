"""The iCalendar feed at /calendar/<token>.ics: no sign-in, the secret token is the credential.

The user's own sessions (as their mediator) in the organisations where they are still a mediator
or a lead, from 30 days ago to 180 days ahead (cases/disputes/schedule.py). An address that was
replaced, never issued, or whose user is deactivated answers 404, the same for each.
"""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from cases.disputes.schedule import feed_for_token, feed_text
from cases.models.dispute.states import CASE_HANDLERS
from workflows.dispute.flow import organisations_where
from workflows.dispute.pages import case_url


def calendar_feed(request, token: str):
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    feed = feed_for_token(token)
    if feed is None:
        raise Http404(_("没有找到该日历订阅地址。"))
    user = feed.user
    text = feed_text(user=user, organisations=organisations_where(user, CASE_HANDLERS),
                     link=lambda case: request.build_absolute_uri(case_url(case)))
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="unioncase-schedule.ics"'
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
