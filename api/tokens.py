"""接口令牌: the signed-in user's personal API tokens on their account pages — make one (shown
once), see when each was last used, revoke one. Making and revoking are journalled."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from api.auth import create_token, revoke_token
from api.models import PersonalToken

LIFETIMES = [("30", gettext_lazy("30天")), ("90", gettext_lazy("90天")), ("365", gettext_lazy("一年"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途"), max_length=100,
        help_text=gettext_lazy("写明令牌用在哪里，如“调解员手机应用”，便于以后辨认和撤销。"),
        error_messages={"required": gettext_lazy("请填写令牌的用途。"),
                        "max_length": gettext_lazy("用途不能超过100个字。")})
    days = forms.ChoiceField(label=gettext_lazy("有效期"), choices=LIFETIMES, initial="90",
                             error_messages={"required": gettext_lazy("请选择有效期。"),
                                             "invalid_choice": gettext_lazy("请从列表中选择有效期。")})


class TokensView(LoginRequiredMixin, TemplateView):
    """The user's tokens and a form to make one; a new token is shown on the answer to its POST only."""

    template_name = "workflows/accounts/api_tokens.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=TokenForm()))

    def post(self, request, *args, **kwargs):
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        token, text = create_token(user=request.user, name=form.cleaned_data["name"],
                                   days=int(form.cleaned_data["days"]))
        return self.render_to_response(self.get_context_data(form=TokenForm(), new_token=text, new_token_row=token))

    def get_context_data(self, **kwargs):
        tokens = PersonalToken.objects.filter(user=self.request.user)
        return super().get_context_data(tokens=tokens, docs_url=reverse("api:docs"),
                                        schema_url=reverse("api:schema"), **kwargs)


class RevokeTokenView(LoginRequiredMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(PersonalToken, pk=pk, user=request.user)  # another's token: 404
        revoke_token(token, by=request.user)
        messages.success(request, _("已撤销令牌“%(name)s”（%(prefix)s…），使用它的请求将被拒绝。") % {
            "name": token.name, "prefix": token.prefix})
        return HttpResponseRedirect(reverse("api_tokens"))
