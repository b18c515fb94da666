"""资金与预算: the aid funds of the admin's subtree, and a new fund with its first year's budget.
A fund's ledger and later budget allocations are on its own page (workflows/hardship/funds.py),
where organisation admins allocate too; both journal through cases.hardship.aid."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cases.hardship import aid
from cases.models import Fund
from cases.platform.administration.scope import administered
from cases.selectors import yuan
from workflows.administration.access import OrgAdminsOnly
from workflows.administration.forms import FundForm
from workflows.dispute.views import put_errors_on_form


def fund_organisations(user):
    """Where a new fund may be opened: organisations of the admin's subtree in use that do hardship work."""
    return administered(user).active().doing_hardship_work().order_by("path")


class FundsView(OrgAdminsOnly, TemplateView):
    template_name = "workflows/administration/funds.html"

    def rows(self):
        funds = (Fund.objects.filter(organisation__in=administered(self.request.user).values("pk"))
                 .select_related("organisation").order_by("-year", "organisation__path", "aid_type", "pk"))
        rows = []
        for fund in funds:
            summary = aid.fund_summary(fund)
            rows.append({"fund": fund, "budget": yuan(summary.budget), "paid": yuan(summary.paid),
                         "balance": yuan(summary.balance),
                         "url": reverse("workbench:hardship_fund", args=[fund.pk])})
        return rows

    def get(self, request, *args, **kwargs):
        form = FundForm(organisations=fund_organisations(request.user))
        return self.render_to_response(self.get_context_data(form=form, rows=self.rows()))

    def post(self, request, *args, **kwargs):
        form = FundForm(request.POST, organisations=fund_organisations(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                fund = aid.open_fund(organisation=data["organisation"], year=data["year"], aid_type=data["aid_type"],
                                     name=data["name"], budget=data["budget"], by=request.user)
            except ValidationError as error:
                put_errors_on_form(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已设立“%(name)s”，年度预算%(budget)s。") % {
                    "name": fund.name, "budget": yuan(data["budget"])})
                return HttpResponseRedirect(reverse("workbench:hardship_fund", args=[fund.pk]))
        messages.error(request, _("资金未设立：请按提示修改，已填写的内容都保留着。"))
        return self.render_to_response(self.get_context_data(form=form, rows=self.rows()))
