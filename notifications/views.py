"""通知: the inbox (newest first, unread marked), opening one (marks it read, then follows its
link), marking all read, and 通知设置 (email and SMS per kind; in-app always on)."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .models import Notification
from .preferences import (
    EMAIL,
    SMS,
    channel_available,
    check_staff_mobile,
    preference_rows,
    save_choices,
    staff_kinds,
    staff_mobile,
)

INBOX_PAGE_SIZE = 20


class InboxView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/notifications/inbox.html"

    def get_context_data(self, **kwargs):
        mine = Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-pk")
        page = Paginator(mine, INBOX_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, notifications=page.object_list, **kwargs)


class OpenView(LoginRequiredMixin, View):
    """Mark one of the user's notifications read and go to what it is about."""

    def get(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        if notification.read_at is None:
            Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
        link = notification.link
        if not link or not url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure()):
            link = reverse("workbench:notification_inbox")
        return HttpResponseRedirect(link)


class ReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
            read_at=timezone.now())
        if count:
            messages.success(request, _("已将%(count)d条通知标为已读。") % {"count": count})
        return HttpResponseRedirect(reverse("workbench:notification_inbox"))


class PreferencesView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/notifications/preferences.html"

    def get_context_data(self, *, mobile=None, mobile_error="", **kwargs):
        user = self.request.user
        return super().get_context_data(
            rows=preference_rows(user), email_available=channel_available(EMAIL), sms_available=channel_available(SMS),
            email=user.email.strip(), mobile=staff_mobile(user) if mobile is None else mobile,
            mobile_error=mobile_error, **kwargs)

    def post(self, request):
        kinds = set(staff_kinds())
        chosen = {channel: {kind for kind in request.POST.getlist(channel) if kind in kinds} for channel in (EMAIL, SMS)}
        typed = request.POST.get("mobile", "")
        try:
            mobile = check_staff_mobile(typed)
        except ValidationError as error:
            # Nothing is saved; the page comes back with what was ticked and typed.
            context = self.get_context_data(mobile=typed, mobile_error=" ".join(error.messages))
            context["rows"] = [replace(row, email=row.kind in chosen[EMAIL], sms=row.kind in chosen[SMS])
                               for row in context["rows"]]
            return self.render_to_response(context, status=400)
        save_choices(request.user, chosen=chosen, mobile=mobile)
        messages.success(request, _("通知设置已保存。"))
        return HttpResponseRedirect(reverse("workbench:notification_preferences"))
