"""The phone step of the public application pages: the worker's mobile number confirmed by a
one-time SMS code (cases/platform/phone_codes.py) before the form is shown. The progress lookups
keep and confirm their codes in the session the same way (`remember_sent`, `confirm_typed`).

The session holds only the id of the code sent and, once confirmed, of the confirmation; the
code itself is never kept. Every step is a plain form post, so it works without a script.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _, gettext_lazy

from cases.models import PhoneCode
from cases.platform import phone_codes
from cases.platform.signin.addresses import client_address
from cases.rules.masking import mask_phone
from cases.rules.validators import normalise_mobile, validate_mobile

# What the step buttons post as "step".
SEND, CONFIRM, CHANGE = "send_code", "confirm_code", "change_phone"


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("手机号码"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "13801234567"}),
        help_text=gettext_lazy("我们会向这个号码发送短信验证码，以后的通知也发到这个号码。"),
        error_messages={"required": gettext_lazy("请填写您的手机号码。")},
    )

    def clean_phone(self):
        number = normalise_mobile(self.cleaned_data["phone"])
        validate_mobile(number)
        return number


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("短信验证码"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}),
        error_messages={"required": gettext_lazy("请输入短信中的6位验证码。"),
                        "min_length": gettext_lazy("验证码是6位数字。"), "max_length": gettext_lazy("验证码是6位数字。")},
    )


def client_of(request) -> str:
    return phone_codes.client_index(client_address(request))


def sent_key(purpose: str) -> str:
    return f"public:{purpose}:sent"


def confirmed_key(purpose: str) -> str:
    return f"public:{purpose}:confirmed"


def confirmation(request, purpose: str, *, unspent: bool = True) -> PhoneCode | None:
    return phone_codes.confirmed(request.session.get(confirmed_key(purpose)), purpose, unspent=unspent)


def pending(request, purpose: str) -> PhoneCode | None:
    """The code sent and not yet confirmed, for the page to say where it went."""
    code_id = request.session.get(sent_key(purpose))
    return PhoneCode.objects.filter(pk=code_id, purpose=purpose, confirmed_at__isnull=True).first() if code_id else None


def forget(request, purpose: str) -> None:
    request.session.pop(sent_key(purpose), None)
    request.session.pop(confirmed_key(purpose), None)


def masked(row: PhoneCode | None) -> str:
    return mask_phone(row.phone) if row is not None and row.phone else ""


def remember_sent(request, purpose: str, row: PhoneCode) -> None:
    """The code just sent (or the lookup just kept) is the one the next code typed is checked against."""
    request.session[sent_key(purpose)] = row.pk
    request.session.pop(confirmed_key(purpose), None)


def confirm_typed(request, purpose: str, form: CodeForm) -> PhoneCode | None:
    """The code typed in `form` checked against the one sent for `purpose`: the confirmation,
    kept in the session under a new key; None, the reason said on the form, when it is wrong."""
    if not form.is_valid():
        return None
    try:
        row = phone_codes.confirm_code(code_id=request.session.get(sent_key(purpose)), purpose=purpose,
                                       code=form.cleaned_data["code"])
    except phone_codes.CodeNotConfirmed as failure:
        form.add_error("code", failure.messages[0])
        return None
    request.session.cycle_key()  # a confirmed session under a new key: none fixed beforehand
    request.session[confirmed_key(purpose)] = row.pk
    request.session.pop(sent_key(purpose), None)
    return row


class PhoneStep:
    """Mixin of an application page behind the phone step: until the number is confirmed the page
    is the phone step (`handle_phone_step` answers its posts); then a GET shows `forms_class()`,
    and a POST hands the confirmation and the posted forms to `submit_confirmed`."""

    purpose = ""
    page_title = ""
    phone_template = "public/phone.html"
    forms_class = None
    expired_message = gettext_lazy("手机号码验证已过期，请重新获取验证码。您填写的内容需要重新填写。")

    def get(self, request, *args, **kwargs):
        confirmed = confirmation(request, self.purpose)
        if confirmed is None:
            return self.render_phone_step()
        return self.render_to_response(self.get_context_data(forms=self.forms_class(), confirmed=confirmed))

    def post(self, request, *args, **kwargs):
        handled = self.handle_phone_step(request.POST.get("step", ""))
        if handled is not None:
            return handled
        confirmed = confirmation(request, self.purpose)
        if confirmed is None:
            messages.error(request, self.expired_message)
            return self.render_phone_step()
        return self.submit_confirmed(confirmed, self.forms_class(request.POST, request.FILES))

    def submit_confirmed(self, confirmed: PhoneCode, forms):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        if kwargs.get("confirmed") is not None:
            kwargs["phone"] = masked(kwargs["confirmed"])
        return super().get_context_data(**kwargs)

    def phone_context(self, *, phone_form=None, code_form=None, refused: str = "") -> dict:
        sent = pending(self.request, self.purpose)
        return {"phone_form": phone_form or PhoneForm(), "code_form": code_form or CodeForm(), "sent": sent,
                "sent_to": masked(sent), "refused": refused, "purpose_title": self.page_title}

    def render_phone_step(self, status=200, **kwargs):
        context = self.get_context_data(**self.phone_context(**kwargs))
        return self.response_class(request=self.request, template=[self.phone_template], context=context,
                                   using=self.template_engine, status=status)

    def handle_phone_step(self, step: str):
        request = self.request
        if step == CHANGE:
            forget(request, self.purpose)
            return HttpResponseRedirect(request.path)
        if step == SEND:
            form = PhoneForm(request.POST)
            if not form.is_valid():
                return self.render_phone_step(phone_form=form)
            try:
                row = phone_codes.send_code(purpose=self.purpose, phone=form.cleaned_data["phone"],
                                            client=client_of(request))
            except phone_codes.CodeRefused as refusal:
                return self.render_phone_step(phone_form=form, refused=refusal.messages[0], status=429)
            remember_sent(request, self.purpose, row)
            messages.info(request, _("验证码已发送到%(phone)s，%(minutes)s分钟内有效。") % {
                "phone": mask_phone(row.phone), "minutes": phone_codes.code_minutes()})
            return HttpResponseRedirect(request.path)
        if step == CONFIRM:
            form = CodeForm(request.POST)
            if confirm_typed(request, self.purpose, form) is None:
                return self.render_phone_step(code_form=form)
            return HttpResponseRedirect(request.path)
        return None
