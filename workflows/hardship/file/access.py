"""Who reads the hardship file pages and the fund pages.

Scope: a file is found only through cases.models.access.scoped, narrowed to the subtrees where the
user holds a hardship role (caseworker, reviewer, auditor), so a file elsewhere is a 404
whether or not it exists; funds likewise, for the hardship roles and organisation admins.
"""


from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from cases.hardship import aid
from cases.hardship.household import household_locked_reason
from cases.models import HardshipFile, Role
from cases.models.access import can_act, scoped
from workflows.dispute.flow import organisations_where
from workflows.page_scope import reaches_any
from workflows.hardship.flow import HARDSHIP_READERS

FUND_READERS = aid.FUND_READERS


def file_organisations(user):
    return organisations_where(user, HARDSHIP_READERS)


def may_read_files(user) -> bool:
    return reaches_any(user, HARDSHIP_READERS)


def readable_files(user):
    files = HardshipFile.objects.select_related("organisation", "household__head")
    return scoped(files, user).filter(organisation__in=file_organisations(user).values("pk"))


def readable_file(user, pk) -> HardshipFile:
    """The file if `user` reads hardship files of its organisation; 404 otherwise, whether it exists or not."""
    return get_object_or_404(readable_files(user), pk=pk)


def file_url(file) -> str:
    return reverse("workbench:hardship_file", args=[file.pk])


def may_edit_household(user, file) -> bool:
    """家庭信息维护 is for the hardship caseworkers of the file's organisation (or above)."""
    return can_act(user, file.organisation, [Role.HARDSHIP_CASEWORKER])


def household_editor_url(file, user) -> str:
    """The 维护家庭信息 link for `user`: "" unless they may edit the household now."""
    if not may_edit_household(user, file) or household_locked_reason(file):
        return ""
    return reverse("workbench:hardship_household", args=[file.pk])


def fund_organisations(user):
    return organisations_where(user, FUND_READERS)


def readable_funds(user):
    """The fund list, a fund's page and its export: the funds the user may pay from too (one rule,
    cases.hardship.aid.funds_in_reach)."""
    return aid.funds_in_reach(user).select_related("organisation")


def may_allocate(user, fund) -> bool:
    return can_act(user, fund.organisation, aid.FUND_KEEPERS)


class HardshipReadersOnly(LoginRequiredMixin):
    refusal = gettext_lazy("只有帮扶工作人员、审核人或审计员可以查阅困难职工档案。")

    def permitted(self, user) -> bool:
        return may_read_files(user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.permitted(request.user):
            raise PermissionDenied(str(self.refusal))
        return super().dispatch(request, *args, **kwargs)


class FundReadersOnly(HardshipReadersOnly):
    refusal = gettext_lazy("只有帮扶工作人员、审核人、审计员或组织管理员可以查阅帮扶资金。")

    def permitted(self, user) -> bool:
        return fund_organisations(user).exists()
