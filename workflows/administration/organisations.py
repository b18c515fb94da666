"""组织: the admin's subtree as a tree, a new organisation under one of theirs, and one
organisation's page (rename and contacts, region, deactivate / reactivate, its people)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cases import selectors
from cases.models import Membership, OrganisationKind
from cases.platform.administration import organisations as service
from cases.platform.administration.scope import administered
from workflows.administration.access import OrgAdminsOnly
from workflows.administration.forms import OrganisationDetailsForm, OrganisationForm, ReasonForm
from workflows.dispute.views import put_errors_on_form


def organisation_url(organisation) -> str:
    return reverse("orgadmin:organisation", args=[organisation.pk])


def tree_rows(organisations) -> list[dict]:
    rows = list(organisations.annotate(member_count=Count("memberships__user", distinct=True)).order_by("path"))
    top = min((len(row.lineage_ids) for row in rows), default=1)
    return [{"organisation": row, "depth": len(row.lineage_ids) - top, "members": row.member_count,
             "url": organisation_url(row)} for row in rows]


class OrganisationListView(OrgAdminsOnly, TemplateView):
    template_name = "workflows/administration/organisations.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=tree_rows(administered(self.request.user)), **kwargs)


class OrganisationCreateView(OrgAdminsOnly, View):
    template_name = "workflows/administration/organisation_new.html"

    def parents(self):
        return administered(self.request.user).active().exclude(kind=OrganisationKind.ENTERPRISE_COMMITTEE).order_by("path")

    def get(self, request):
        initial = {"parent": request.GET["parent"]} if request.GET.get("parent", "").isdigit() else {}
        return render(request, self.template_name, {"form": OrganisationForm(parents=self.parents(), initial=initial)})

    def post(self, request):
        form = OrganisationForm(request.POST, parents=self.parents())
        if form.is_valid():
            data = form.cleaned_data
            try:
                organisation = service.create_organisation(
                    by=request.user, parent=data["parent"], code=data["code"], name=data["name"],
                    address=data["address"], phone=data["phone"], region_code=data["region_code"])
            except ValidationError as error:
                put_errors_on_form(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已建立“%(name)s”（%(kind)s）。") % {
                    "name": organisation.name, "kind": organisation.get_kind_display()})
                return HttpResponseRedirect(organisation_url(organisation))
        messages.error(request, _("组织未建立：请按提示修改，已填写的内容都保留着。"))
        return render(request, self.template_name, {"form": form})


def organisation_page(actor, organisation, **forms) -> dict:
    disputes, files = service.open_work(organisation)
    members = (Membership.objects.filter(organisation=organisation).select_related("user")
               .order_by("user__username", "role"))
    by_person: dict[int, dict] = {}
    for membership in members:
        row = by_person.setdefault(membership.user_id, {
            "user": membership.user, "name": selectors.person_name(membership.user),
            "url": reverse("orgadmin:person", args=[membership.user_id]), "roles": []})
        row["roles"].append(membership.get_role_display())
    return {
        "organisation": organisation,
        "details_form": forms.get("details") or OrganisationDetailsForm(initial={
            "name": organisation.name, "address": organisation.address, "phone": organisation.phone,
            "region_code": organisation.region_code}),
        "reason_form": forms.get("reason") or ReasonForm(),
        "open_disputes": disputes, "open_files": files,
        "refusal": service.deactivation_refusal(actor, organisation) if organisation.is_active else "",
        "children": tree_rows(organisation.children.all()),
        "child_kind": service.child_kind(organisation),
        "members": list(by_person.values()),
    }


class OrganisationDetailView(OrgAdminsOnly, View):
    template_name = "workflows/administration/organisation.html"

    def get(self, request, pk):
        organisation = get_object_or_404(administered(request.user), pk=pk)
        return render(request, self.template_name, organisation_page(request.user, organisation))


class OrganisationActionView(OrgAdminsOnly, View):
    """One change to an organisation, posted from its page; a refusal comes back onto that page."""

    def post(self, request, pk, action):
        actor = request.user
        organisation = get_object_or_404(administered(actor), pk=pk)
        if action == "update":
            form, key = OrganisationDetailsForm(request.POST), "details"
        elif action in ("deactivate", "reactivate"):
            form, key = ReasonForm(request.POST), "reason"
        else:
            return HttpResponseRedirect(organisation_url(organisation))
        if form.is_valid():
            try:
                done = self.take(action, actor, organisation, form.cleaned_data)
            except ValidationError as error:
                put_errors_on_form(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                organisation.refresh_from_db()
                messages.success(request, done % {"name": organisation.name})
                return HttpResponseRedirect(organisation_url(organisation))
        messages.error(request, _("未保存：请按提示修改。"))
        organisation.refresh_from_db()
        return render(request, OrganisationDetailView.template_name,
                      organisation_page(actor, organisation, **{key: form}))

    @staticmethod
    def take(action, actor, organisation, data) -> str:
        """Make the change; returns what to tell the admin."""
        if action == "update":
            service.update_organisation(by=actor, organisation=organisation, name=data["name"],
                                        address=data["address"], phone=data["phone"], region_code=data["region_code"])
            return _("已保存“%(name)s”的信息。")
        service.set_organisation_active(by=actor, organisation=organisation, active=action == "reactivate",
                                        reason=data["reason"])
        if action == "reactivate":
            return _("已启用“%(name)s”。")
        return _("已停用“%(name)s”：不再办理新的业务，历史记录保留。")
