"""The lockout page (django-axes' AXES_LOCKOUT_CALLABLE), two-factor verification after the
password, and enrolment of an authenticator app (QR code and the key to type in)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import FormView
from django_otp import login as otp_login

from cases.models import AuditAction
from cases.models.actors import system
from cases.platform.audit.journal import append_event
from cases.platform.signin.addresses import client_address
from cases.platform.signin.throttling import lockout_for
from cases.platform.signin.two_factor import (
    CodeRefused,
    check_code,
    confirm_enrolment,
    confirmed_device,
    manual_key,
    pending_device,
    qr_svg,
    requires_two_factor,
)


def lockout_response(request, original_response=None, credentials=None):
    """The page a refused sign-in gets: why, for how long, and who can unlock it (HTTP 429)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    lockout = lockout_for(username=username, address=address)
    minutes = lockout.minutes_left if lockout else int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if lockout is not None and not lockout.username:
        message = _("此网络地址登录失败次数过多，已暂时锁定，请于%(minutes)s分钟后重试或联系系统管理员解锁。")
    else:
        message = _("登录失败次数过多，账户已暂时锁定，请于%(minutes)s分钟后重试或联系组织管理员解锁。")
    return render(request, "registration/locked_out.html", {"message": message % {"minutes": minutes}}, status=429)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"), max_length=10,
        error_messages={"required": gettext_lazy("请输入验证码：身份验证器中当前显示的6位数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "leading-icon": "pin"}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


class VerifyView(LoginRequiredMixin, FormView):
    """After the password: the current code of the user's authenticator."""

    template_name = "registration/two_factor_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = confirmed_device(request.user)
            if request.user.is_verified() or self.device is None:
                return HttpResponseRedirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        try:
            check_code(self.device, form.cleaned_data["code"])
        except CodeRefused as refused:
            append_event(action=AuditAction.LOGIN_FAILED, actor=system("login"), name="two_factor",
                         data={"username": self.request.user.get_username(), "ip": client_address(self.request)})
            form.add_error("code", str(refused))
            return self.form_invalid(form)
        otp_login(self.request, self.device)
        return HttpResponseRedirect(_next_url(self.request))


class EnrolView(LoginRequiredMixin, FormView):
    """Add an authenticator app: scan the QR code (or type the key), then enter its first code.

    Replacing an authenticator needs the current one's code first: a user who has one and has
    not entered it this session is sent to verification by the middleware and here."""

    template_name = "registration/two_factor_enrol.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_verified() and confirmed_device(request.user):
            return HttpResponseRedirect(f"{reverse('two_factor_verify')}?next={request.path}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        device = pending_device(user)
        return super().get_context_data(
            next=_next_url(self.request), manual_key=manual_key(device), qr_svg=mark_safe(qr_svg(device)),
            required=requires_two_factor(user), enrolled=confirmed_device(user) is not None,
            issuer=settings.OTP_TOTP_ISSUER, **kwargs)

    def form_valid(self, form):
        device = pending_device(self.request.user)
        try:
            confirm_enrolment(device=device, code=form.cleaned_data["code"], by=self.request.user)
        except CodeRefused as refused:
            form.add_error("code", str(refused))
            return self.form_invalid(form)
        otp_login(self.request, device)
        messages.success(self.request, _("两步验证已启用：以后登录时，输入密码后还需输入身份验证器中的验证码。"))
        return HttpResponseRedirect(_next_url(self.request))
