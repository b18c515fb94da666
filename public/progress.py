"""案件进度查询 (/public/progress/): case number + identity number + SMS code, then the party's
own view of the case (cases/disputes/progress.py) and the notices addressed to it.

No enumeration: whatever the case number and the identity number, the lookup answers the same
sentence and asks for a code; a lookup that matched nothing is kept as a code nobody was told
(cases/platform/phone_codes.record_unmatched_lookup), so it counts against the sender's address
and its "code" fails with the same words as a wrong one. Only the sender's own throttle (too
many lookups from one address) is said as such: it does not depend on the case.
"""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.disputes.progress import find_party, open_notice, party_phone, progress
from cases.models import CodePurpose, DisputeCase, PhoneCode
from cases.platform import phone_codes
from public.phone import CONFIRM, CodeForm, client_of, confirmation, confirmed_key, forget, sent_key
from workflows.dispute.pages import download_name

PURPOSE = CodePurpose.PROGRESS
LOOKUP = "lookup"


class LookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("案件编号"), max_length=48,
                             help_text=gettext_lazy("受理通知书或短信里的编号，例如 BJ-HD-ZGC-2026-0001。"),
                             error_messages={"required": gettext_lazy("请填写案件编号。")})
    identity = forms.CharField(
        label=gettext_lazy("公民身份号码或统一社会信用代码"), max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("劳动者填写本人身份证号码；用人单位填写统一社会信用代码。"),
        error_messages={"required": gettext_lazy("请填写公民身份号码或统一社会信用代码。")})


def _earlier_code(case: DisputeCase, party: str) -> PhoneCode | None:
    """A code sent a moment ago for the same case and party and still good (a second lookup
    within the minute): the page carries on with it rather than saying the number was throttled."""
    return (PhoneCode.objects.filter(purpose=PURPOSE, case=case, party=party, confirmed_at__isnull=True,
                                      expires_at__gt=timezone.now()).order_by("-created_at").first())


def lookup(request, number: str, identity: str) -> PhoneCode:
    """Send the code for a matching case and party, or keep the lookup as matching nothing.
    Raises CodeRefused only for the sender's own throttle."""
    client = client_of(request)
    phone_codes.check_client(client)
    found = find_party(number, identity)
    phone = party_phone(*found) if found else ""
    if found and phone:
        case, party = found
        try:
            return phone_codes.send_code(purpose=PURPOSE, phone=phone, client=client, case=case, party=party)
        except phone_codes.CodeRefused as refusal:
            if refusal.code == "client_throttled":
                raise
            earlier = _earlier_code(case, party)
            if earlier is not None:
                return earlier
    return phone_codes.record_unmatched_lookup(client=client)


class ProgressLookupView(TemplateView):
    template_name = "public/progress.html"

    def get(self, request, *args, **kwargs):
        form = LookupForm(initial={"number": request.GET.get("case", "")[:48]})
        return self.render_to_response(self.get_context_data(form=form, code_form=CodeForm()))

    def post(self, request, *args, **kwargs):
        step = request.POST.get("step")
        if step == LOOKUP:
            form = LookupForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form, code_form=CodeForm()))
            try:
                row = lookup(request, form.cleaned_data["number"], form.cleaned_data["identity"])
            except phone_codes.CodeRefused as refusal:
                return self.render_to_response(
                    self.get_context_data(form=form, code_form=CodeForm(), refused=refusal.messages[0]), status=429)
            request.session[sent_key(PURPOSE)] = row.pk
            request.session.pop(confirmed_key(PURPOSE), None)
            messages.info(request, _("如果案件编号和证件号码无误，验证码已发送到该案件登记的手机号码，%(minutes)s分钟内有效。")
                          % {"minutes": phone_codes.code_minutes()})
            return HttpResponseRedirect(request.path)
        if step == CONFIRM:
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                try:
                    row = phone_codes.confirm_code(code_id=request.session.get(sent_key(PURPOSE)), purpose=PURPOSE,
                                                   code=code_form.cleaned_data["code"])
                except phone_codes.CodeNotConfirmed as failure:
                    code_form.add_error("code", failure.messages[0])
                else:
                    request.session.cycle_key()  # a confirmed session under a new key: none fixed beforehand
                    request.session[confirmed_key(PURPOSE)] = row.pk
                    request.session.pop(sent_key(PURPOSE), None)
                    return HttpResponseRedirect(reverse("public:progress_case"))
            return self.render_to_response(self.get_context_data(form=LookupForm(), code_form=code_form))
        return HttpResponseRedirect(request.path)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("sent", bool(self.request.session.get(sent_key(PURPOSE))))
        return super().get_context_data(**kwargs)


def confirmed_party(request) -> tuple[DisputeCase, str] | None:
    row = confirmation(request, PURPOSE, unspent=False)
    if row is None or row.case_id is None:
        return None
    case = DisputeCase.objects.select_related("organisation", "worker", "employer").get(pk=row.case_id)
    return case, row.party


class ProgressView(TemplateView):
    template_name = "public/progress_case.html"

    def get(self, request, *args, **kwargs):
        found = confirmed_party(request)
        if found is None:
            messages.info(request, _("请输入案件编号和证件号码，验证手机号码后查看进度。"))
            return HttpResponseRedirect(reverse("public:progress"))
        return self.render_to_response(self.get_context_data(progress=progress(*found)))


class NoticeDownloadView(View):
    """Opens a notice addressed to the party: opening it serves it, when it was not served yet
    and the party consented to electronic service (cases.disputes.progress.open_notice)."""

    def get(self, request, document_pk):
        found = confirmed_party(request)
        if found is None:
            return HttpResponseRedirect(reverse("public:progress"))
        case, party = found
        document = open_notice(case, party, document_pk)
        if document is None:
            raise Http404(_("没有找到这份文书。"))
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("文书文件暂时无法打开，请联系调解组织。")) from None
        return FileResponse(handle, as_attachment=True, filename=download_name(case.number, document),
                            content_type="application/pdf")


class LeaveView(View):
    http_method_names = ["post"]

    def post(self, request):
        forget(request, PURPOSE)
        return HttpResponseRedirect(reverse("public:progress"))
