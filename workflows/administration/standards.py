"""低保标准与认定参数: the regions' minimum-living standards and hardship assessment parameters the
admin keeps (the regions of their organisations), and a new row of either. Rows are added, not
edited: an assessment keeps the values it used, so a new row affects later assessments only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cases.models import HardshipParameters, MinimumLivingStandard
from cases.platform.administration import standards as service
from cases.platform.administration.scope import admin_region_codes, region_filter
from cases.rules.eligibility import ExpenseKind
from cases.selectors import yuan
from workflows.administration.access import OrgAdminsOnly
from workflows.administration.forms import HardshipParametersForm, MinimumStandardForm
from workflows.dispute.views import put_errors_on_form

FORMS = {"standard": MinimumStandardForm, "parameters": HardshipParametersForm}


def kinds_in_words(kinds) -> str:
    labels = dict(ExpenseKind.choices)
    return _("、").join(str(labels.get(kind, kind)) for kind in kinds) or _("不扣除任何刚性支出")


class StandardsView(OrgAdminsOnly, TemplateView):
    template_name = "workflows/administration/standards.html"

    def page(self, **forms):
        user = self.request.user
        standards = MinimumLivingStandard.objects.filter(region_filter(user)).order_by("region_code", "-year")
        parameters = HardshipParameters.objects.filter(region_filter(user)).order_by("region_code", "-year")
        return self.get_context_data(
            regions=admin_region_codes(user), superuser=user.is_superuser,
            standards=[{"row": row, "amount": yuan(row.monthly_amount)} for row in standards],
            parameters=[{"row": row, "kinds": kinds_in_words(row.counted_expense_kinds)} for row in parameters],
            standard_form=forms.get("standard") or MinimumStandardForm(prefix="standard"),
            parameters_form=forms.get("parameters") or HardshipParametersForm(prefix="parameters"),
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.page())

    def post(self, request, *args, **kwargs):
        which = request.POST.get("form")
        if which not in FORMS:
            return HttpResponseRedirect(reverse("orgadmin:standards"))
        form = FORMS[which](request.POST, prefix=which)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "standard":
                    service.add_minimum_standard(by=request.user, **data)
                else:
                    service.add_hardship_parameters(by=request.user, **data)
            except ValidationError as error:
                put_errors_on_form(form, error)
            except PermissionDenied as error:
                form.add_error("region_code", str(error))
            else:
                messages.success(request, _("已录入%(region)s地区%(year)s年的%(what)s，此后的认定按其计算。") % {
                    "region": data["region_code"], "year": data["year"],
                    "what": _("低保标准") if which == "standard" else _("困难职工认定参数")})
                return HttpResponseRedirect(reverse("orgadmin:standards") + f"#{which}")
        messages.error(request, _("未录入：请按提示修改，已填写的内容都保留着。"))
        return self.render_to_response(self.page(**{which: form}))
