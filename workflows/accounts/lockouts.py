"""登录锁定: the accounts of an organisation admin's subtree that are locked after failed
sign-ins, with a button to unlock each (journalled). Superusers see every account and also
unlock with `manage.py unlock_login`."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.models import Membership
from cases.platform.signin.throttling import account_lockouts, may_unlock, unlock_account, unlockable_users


class LockoutAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_unlock(request.user):
            raise PermissionDenied(_("只有组织管理员可以查看和解锁被锁定的账户。"))
        return super().dispatch(request, *args, **kwargs)


class UnlockForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("解锁理由"), max_length=200, required=False)


class LockoutListView(LockoutAccessMixin, TemplateView):
    template_name = "workflows/accounts/lockouts.html"

    def get_context_data(self, **kwargs):
        users = unlockable_users(self.request.user)
        lockouts = account_lockouts(users.values("username"))
        by_username = {user.username: user for user in users.filter(username__in=[lo.username for lo in lockouts])}
        organisations = {}
        for membership in (Membership.objects.filter(user__in=by_username.values()).select_related("organisation")
                           .order_by("organisation__path")):
            organisations.setdefault(membership.user_id, [])
            if membership.organisation.name not in organisations[membership.user_id]:
                organisations[membership.user_id].append(membership.organisation.name)
        rows = []
        for lockout in lockouts:
            user = by_username.get(lockout.username)
            if user is None:
                continue
            rows.append({"user": user, "lockout": lockout, "organisations": "、".join(organisations.get(user.pk, []))})
        return super().get_context_data(
            rows=rows, failure_limit=settings.AXES_FAILURE_LIMIT,
            lockout_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), **kwargs)


class UnlockView(LockoutAccessMixin, View):
    def post(self, request, pk):
        target = get_object_or_404(unlockable_users(request.user), pk=pk)
        form = UnlockForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        unlock_account(user=target, by=request.user, reason=reason)
        messages.success(request, _("已解锁账户“%(name)s”，该用户现在可以重新登录。") % {
            "name": target.get_full_name() or target.get_username()})
        return HttpResponseRedirect(reverse("workbench:lockout_list"))
