"""案件进度查询 (/public/progress/): case number + identity number + SMS code, then the party's
own view of the case (cases/disputes/progress.py) and the notices addressed to it; and
帮扶申请进度查询 (/public/hardship/progress/): application or file number + the head's resident
ID + SMS code, then the household's view of its hardship file (cases/hardship/progress.py).

No enumeration: whatever the case number and the identity number, the lookup answers the same
sentence and asks for a code; a lookup that matched nothing is kept as a code nobody was told
(cases/platform/phone_codes.record_unmatched_lookup), so it counts against the sender's address
and its "code" fails with the same words as a wrong one. Only the sender's own throttle (too
many lookups from one address) is said as such: it does not depend on the case. Both lookups
are `LookupView`, each code naming what it opens (the case and party, or the hardship file).
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.disputes.progress import NoticeFileMissing, find_party, open_notice, party_phone, progress
from cases.hardship.progress import find_file, head_phone, progress as hardship_progress
from cases.models import CodePurpose, DisputeCase, HardshipFile, PhoneCode
from cases.platform import phone_codes
from public.phone import CONFIRM, CodeForm, client_of, confirm_typed, confirmation, forget, remember_sent, sent_key
from workflows.dispute.pages import pdf_response

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


def earlier_code(purpose: str, subject: dict) -> PhoneCode | None:
    """A code sent a moment ago for the same lookup (`subject`: its case and party, or its
    hardship file) and still good (a second lookup within the minute): the page carries on with
    it rather than saying the number was throttled."""
    return (PhoneCode.objects.filter(purpose=purpose, confirmed_at__isnull=True, expires_at__gt=timezone.now(),
                                      **subject).order_by("-created_at").first())


def send_lookup_code(request, purpose: str, phone: str, subject: dict) -> PhoneCode:
    """Send the code of a lookup that matched `subject` to `phone`, or keep the lookup as matching
    nothing (no `phone`). Raises CodeRefused only for the sender's own throttle."""
    client = client_of(request)
    if phone:
        try:
            return phone_codes.send_code(purpose=purpose, phone=phone, client=client, **subject)
        except phone_codes.CodeRefused as refusal:
            if refusal.code == "client_throttled":
                raise
            earlier = earlier_code(purpose, subject)
            if earlier is not None:
                return earlier
    return phone_codes.record_unmatched_lookup(client=client, purpose=purpose)


class LookupView(TemplateView):
    """The lookup of a progress page: a number and an identity number, then the code sent to the
    phone on record, whatever was typed answered alike. A subclass says what is looked up
    (`matched`: the phone and the code's subject, or "" and none) and where the confirmed code
    leads (`found_url`)."""

    purpose = ""
    form_class = None
    found_url = ""
    sent_message = ""  # said whatever was typed, with the code's lifetime (%(minutes)s)

    def matched(self, cleaned: dict) -> tuple[str, dict]:
        raise NotImplementedError

    def initial(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        form = self.form_class(initial=self.initial())
        return self.render_to_response(self.get_context_data(form=form, code_form=CodeForm()))

    def post(self, request, *args, **kwargs):
        step = request.POST.get("step")
        if step == LOOKUP:
            return self.look_up(self.form_class(request.POST))
        if step == CONFIRM:
            code_form = CodeForm(request.POST)
            if confirm_typed(request, self.purpose, code_form) is not None:
                return HttpResponseRedirect(reverse(self.found_url))
            return self.render_to_response(self.get_context_data(form=self.form_class(), code_form=code_form))
        return HttpResponseRedirect(request.path)

    def look_up(self, form):
        request = self.request
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, code_form=CodeForm()))
        try:
            phone_codes.check_client(client_of(request))  # before anything is looked up
            row = send_lookup_code(request, self.purpose, *self.matched(form.cleaned_data))
        except phone_codes.CodeRefused as refusal:
            return self.render_to_response(
                self.get_context_data(form=form, code_form=CodeForm(), refused=refusal.messages[0]), status=429)
        remember_sent(request, self.purpose, row)
        messages.info(request, self.sent_message % {"minutes": phone_codes.code_minutes()})
        return HttpResponseRedirect(request.path)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("sent", bool(self.request.session.get(sent_key(self.purpose))))
        return super().get_context_data(**kwargs)


class ProgressLookupView(LookupView):
    template_name = "public/progress.html"
    purpose = PURPOSE
    form_class = LookupForm
    found_url = "public:progress_case"
    sent_message = gettext_lazy("如果案件编号和证件号码无误，验证码已发送到该案件登记的手机号码，%(minutes)s分钟内有效。")

    def initial(self) -> dict:
        return {"number": self.request.GET.get("case", "")[:48]}

    def matched(self, cleaned: dict) -> tuple[str, dict]:
        found = find_party(cleaned["number"], cleaned["identity"])
        phone = party_phone(*found) if found else ""
        return phone, ({"case": found[0], "party": found[1]} if phone else {})


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
        try:
            document = open_notice(case, party, document_pk)
        except NoticeFileMissing:
            raise Http404(_("文书文件暂时无法打开，请联系调解组织。")) from None
        if document is None:
            raise Http404(_("没有找到这份文书。"))
        return pdf_response(document, case.number, missing=_("文书文件暂时无法打开，请联系调解组织。"))


class LeaveView(View):
    http_method_names = ["post"]
    purpose = PURPOSE
    lookup_url = "public:progress"

    def post(self, request):
        forget(request, self.purpose)
        return HttpResponseRedirect(reverse(self.lookup_url))


# -- 帮扶申请进度查询 (/public/hardship/progress/): the same lookup for a hardship application ------

class HardshipLookupForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("申请编号或档案编号"), max_length=48,
        help_text=gettext_lazy("提交申请后页面上显示的申请编号；已建档的也可以填档案编号，例如 BJ-HD-KN-2026-0001。"),
        error_messages={"required": gettext_lazy("请填写申请编号或档案编号。")})
    identity = forms.CharField(
        label=gettext_lazy("申请人（户主）的公民身份号码"), max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": gettext_lazy("请填写申请人的公民身份号码。")})


class HardshipLookupView(LookupView):
    template_name = "public/hardship_progress.html"
    purpose = CodePurpose.HARDSHIP_PROGRESS
    form_class = HardshipLookupForm
    found_url = "public:hardship_progress_file"
    sent_message = gettext_lazy("如果申请编号和身份证号码无误，验证码已发送到申请时登记的手机号码，%(minutes)s分钟内有效。")

    def initial(self) -> dict:
        return {"number": self.request.GET.get("number", "")[:48]}

    def matched(self, cleaned: dict) -> tuple[str, dict]:
        file = find_file(cleaned["number"], cleaned["identity"])
        phone = head_phone(file) if file else ""
        return phone, ({"hardship_file": file} if phone else {})


class HardshipProgressView(TemplateView):
    template_name = "public/hardship_progress_file.html"

    def get(self, request, *args, **kwargs):
        row = confirmation(request, CodePurpose.HARDSHIP_PROGRESS, unspent=False)
        if row is None or row.hardship_file_id is None:
            messages.info(request, _("请输入申请编号和身份证号码，验证手机号码后查看进度。"))
            return HttpResponseRedirect(reverse("public:hardship_progress"))
        file = HardshipFile.objects.select_related("organisation", "household__head").get(pk=row.hardship_file_id)
        return self.render_to_response(self.get_context_data(progress=hardship_progress(file)))


class HardshipLeaveView(LeaveView):
    purpose = CodePurpose.HARDSHIP_PROGRESS
    lookup_url = "public:hardship_progress"
