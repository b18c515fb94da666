"""案件查询 (/cases/search/): by number, worker name or ID, employer name or credit code, in the user's
subtrees (cases.disputes.search), 20 to a page; past 1,000 cases the page says "1000+" and offers
the first 50 pages instead of counting every match."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cases.disputes.search import COUNT_CAP, Found, search_cases
from cases.models import Role
from cases.selectors import mask_resident_id, yuan
from workflows.dispute.page_forms import CaseSearchForm
from workflows.dispute.flow import DISPUTE_READERS
from workflows.dispute.pages import case_url
from workflows.page_scope import organisation_ids

SEARCH_PAGE_SIZE = 20


class CappedPaginator(Paginator):
    """Pages of a search whose count is already known, up to COUNT_CAP + 1. Past the cap, `count`
    stays at the cap (the pages offered) and `capped` is true."""

    def __init__(self, found: Found, per_page: int):
        super().__init__(found.cases, per_page)
        self.capped = found.capped
        self.count = min(found.counted, COUNT_CAP)  # shadows Paginator's cached_property: no COUNT query


def why_no_case_search(user) -> str:
    """The true reason a signed-in user has no dispute cases to search, in their own terms."""
    roles = sorted({membership.role for membership in user.memberships.all()})
    if not roles:
        return _("您尚未加入任何组织，没有可查询的案件。")
    reason = _("案件查询用于劳动争议调解；您的角色（%(roles)s）不办理劳动争议案件。") % {
        "roles": "、".join(str(Role(role).label) for role in roles)}
    if set(roles) & {Role.HARDSHIP_CASEWORKER, Role.REVIEWER}:
        reason += _("困难职工档案请在“档案查询”中查找。")
    return reason


class CaseSearchView(LoginRequiredMixin, TemplateView):
    """案件查询: by number, worker name or ID, employer name or credit code, in the user's subtrees."""

    template_name = "workflows/case/search.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # The subtrees where the user holds a dispute role (auditors included), from the
            # memberships the request read once.
            self.scope = organisation_ids(request.user, DISPUTE_READERS)
            if not self.scope.values:
                raise PermissionDenied(why_no_case_search(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = CaseSearchForm(self.request.GET or None)
        query, status = "", ""
        if form.is_bound and form.is_valid():
            query, status = form.cleaned_data["q"], form.cleaned_data["status"]
        searched = form.is_bound
        page = None
        rows = []
        if searched:
            found = search_cases(self.request.user, query, status=status, organisation_ids=self.scope.values)
            page = CappedPaginator(found, SEARCH_PAGE_SIZE).get_page(self.request.GET.get("page"))
            rows = [{"case": case, "url": case_url(case), "masked_id": mask_resident_id(case.worker.resident_id),
                     "claimed": yuan(case.claimed)} for case in page.object_list]
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(form=form, page=page, rows=rows, searched=searched,
                                        query_string=params.urlencode(), **kwargs)
