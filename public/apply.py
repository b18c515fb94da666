"""在线申请调解 (/public/apply/): the phone step, then the application form; the case number and
what happens next once it is in the organisation's acceptance queue.

The form is reviewed by the intake's own checks before anything is written; its warnings (the
limitation, a possible repeat application) are said in plain words and confirmed with a tick
box, as the staff registration page asks its user to (a changed warning must be seen again).
The application goes through cases.disputes.online.apply_online with the staff registration's
starter, workflows.dispute.flow.open_dispute.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import TemplateView

from cases.disputes.online import apply_online, decision_due, plain_warnings, review_application
from cases.models import CodePurpose, DisputeCase
from cases.platform.phone_codes import CodeNotConfirmed
from public.forms import ApplicationForms
from public.phone import PhoneStep, forget
from workflows.dispute.flow import open_dispute
from workflows.dispute.page_forms import warnings_digest

APPLIED_KEY = "public:applied_case"


class ApplyView(PhoneStep, TemplateView):
    purpose = CodePurpose.DISPUTE_APPLICATION
    page_title = gettext_lazy("在线申请调解")
    template_name = "public/apply.html"
    forms_class = ApplicationForms

    def submit_confirmed(self, confirmed, forms):
        request = self.request
        valid = forms.is_valid()
        warnings, digest = [], ""
        if forms.reviewable():
            application = forms.application(confirmed.phone)
            review = review_application(application, phone=confirmed.phone)
            forms.put_errors(review.errors)
            warnings = plain_warnings(review) if not review.errors else []
            digest = warnings_digest(review.warnings) if warnings else ""
            if valid and not review.errors:
                main = forms.main.cleaned_data
                acknowledged = main["acknowledge_warnings"] and main["warnings_digest"] == digest
                if not review.warnings or acknowledged:
                    response = self.submit(forms, application, confirmed, acknowledge=bool(review.warnings))
                    if response is not None:
                        return response
                elif main["warnings_digest"] == digest:
                    forms.main.add_error("acknowledge_warnings", _("请阅读上面的提示，勾选“我已了解上面的提示，仍然提交申请”后再提交。"))
        if forms.any_errors():
            messages.error(request, _("申请还没有提交：请按页面上的提示修改。附件需要重新选择。"))
        elif warnings:
            messages.warning(request, _("请阅读下面的提示，确认后再提交。附件需要重新选择。"))
        return self.render_to_response(self.get_context_data(forms=forms, confirmed=confirmed, warnings=warnings,
                                                             digest=digest))

    def submit(self, forms, application, confirmed, *, acknowledge):
        main = forms.main.cleaned_data
        try:
            result = apply_online(application=application, confirmation=confirmed, attachments=main["attachments"],
                                  electronic_service=main["electronic_service"], acknowledge_warnings=acknowledge,
                                  opener=open_dispute)
        except CodeNotConfirmed as error:
            forms.main.add_error(None, error.messages)
            return None
        except ValidationError as error:
            if getattr(error, "code", None) == "warnings_unacknowledged":
                forms.main.add_error(None, _("提示内容有变化，请重新阅读后确认。"))
            elif hasattr(error, "error_dict"):
                forms.put_errors(error.message_dict)
            else:
                forms.main.add_error(None, error.messages)
            return None
        except PermissionDenied as error:
            forms.main.add_error(None, str(error))
            return None
        forget(self.request, self.purpose)
        self.request.session[APPLIED_KEY] = result.case.pk
        return HttpResponseRedirect(reverse("public:applied"))

    def get_context_data(self, **kwargs):
        forms = kwargs.get("forms")
        if forms is not None:
            kwargs.update(form=forms.main, worker_form=forms.worker, employer_form=forms.employer, claims=forms.claims,
                          claim_errors=forms.claim_errors)
        return super().get_context_data(**kwargs)


class AppliedView(TemplateView):
    """The case number, where the application went and what happens next (this browser only)."""

    template_name = "public/applied.html"

    def get(self, request, *args, **kwargs):
        case = DisputeCase.objects.select_related("organisation").filter(pk=request.session.get(APPLIED_KEY)).first()
        if case is None:
            return HttpResponseRedirect(reverse("public:apply"))
        return self.render_to_response(self.get_context_data(case=case, decision_due=decision_due(case),
                                                             progress_url=reverse("public:progress")))
