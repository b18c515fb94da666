"""人员与角色: the people of an admin's subtree, a new account, and one person's page (details,
roles, deactivate / reactivate, a temporary password, unlocking after failed sign-ins).

A person is found only among the admin's people (scope.people): anyone else is a 404. A
temporary password is shown once, in the response to the request that set it, and never again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases import selectors
from cases.models import AuditEvent, Deadline, Membership, TemporaryPassword
from cases.platform.administration import people as service
from cases.platform.administration.scope import account_refusal, administered, people
from cases.platform.signin.throttling import account_lockouts, unlock_account
from workflows.administration.access import OrgAdminsOnly
from workflows.administration.forms import PersonDetailsForm, PersonForm, ReasonForm, RoleForm
from workflows.dispute.views import put_errors_on_form

PAGE_SIZE = 50
STATUSES = {"active": Q(is_active=True), "inactive": Q(is_active=False)}


def person_url(user) -> str:
    return reverse("orgadmin:person", args=[user.pk])


def memberships_in_scope(actor, user):
    return (Membership.objects.filter(user=user, organisation__in=administered(actor).values("pk"))
            .select_related("organisation").order_by("organisation__path", "role"))


class PeopleListView(OrgAdminsOnly, TemplateView):
    template_name = "workflows/administration/people.html"

    def get_context_data(self, **kwargs):
        actor, query = self.request.user, self.request.GET
        found = people(actor).order_by("username")
        text = query.get("q", "").strip()
        if text:
            found = found.filter(Q(username__icontains=text) | Q(first_name__icontains=text)
                                 | Q(last_name__icontains=text))
        chosen = query.get("organisation", "")
        organisation = administered(actor).filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if organisation is not None:
            found = found.filter(memberships__organisation=organisation).distinct()
        if query.get("status") in STATUSES:
            found = found.filter(STATUSES[query["status"]])
        page = Paginator(found, PAGE_SIZE).get_page(query.get("page"))
        users = list(page.object_list)
        locked = {lockout.username for lockout in account_lockouts([user.username for user in users])}
        temporary = set(TemporaryPassword.objects.filter(user__in=users).values_list("user_id", flat=True))
        roles: dict[int, list[Membership]] = {}
        scope = administered(actor).values("pk")
        for membership in (Membership.objects.filter(user__in=users, organisation__in=scope)
                           .select_related("organisation").order_by("organisation__path", "role")):
            roles.setdefault(membership.user_id, []).append(membership)
        page.object_list = [{
            "user": user, "name": selectors.person_name(user), "url": person_url(user),
            "memberships": roles.get(user.pk, []), "locked": user.username in locked,
            "temporary": user.pk in temporary,
        } for user in users]
        filters = query.copy()
        filters.pop("page", None)
        return super().get_context_data(
            page=page, q=text, organisations=administered(actor).order_by("path"),
            chosen_organisation=organisation, status=query.get("status", ""), query=filters.urlencode(), **kwargs)


class PersonCreateView(OrgAdminsOnly, View):
    template_name = "workflows/administration/person_new.html"

    def organisations(self):
        return administered(self.request.user).active().order_by("path")

    def get(self, request):
        initial = {}
        if request.GET.get("organisation", "").isdigit():
            initial["organisation"] = request.GET["organisation"]
        form = PersonForm(organisations=self.organisations(), initial=initial)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = PersonForm(request.POST, organisations=self.organisations())
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, password = service.create_account(
                    by=request.user, username=data["username"], full_name=data["full_name"],
                    organisation=data["organisation"], roles=data["roles"], email=data["email"],
                    mobile=data["mobile"])
            except ValidationError as error:
                put_errors_on_form(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return render(request, "workflows/administration/password_issued.html", {
                    "person": user, "name": selectors.person_name(user), "password": password, "created": True,
                    "person_url": person_url(user)})
        messages.error(request, _("账户未建立：请按提示修改，已填写的内容都保留着。"))
        return render(request, self.template_name, {"form": form})


class PersonDetailView(OrgAdminsOnly, View):
    template_name = "workflows/administration/person.html"

    def get(self, request, pk):
        person = get_object_or_404(people(request.user), pk=pk)
        return render(request, self.template_name, person_page(request.user, person))


def person_page(actor, person, **forms) -> dict:
    mobile = service.staff_mobile(person)
    details = forms.get("details") or PersonDetailsForm(initial={
        "full_name": selectors.person_name(person) if (person.first_name or person.last_name) else "",
        "email": person.email, "mobile": mobile})
    events = AuditEvent.objects.for_subject(person).select_related("actor").order_by("-seq")[:20]
    return {
        "person": person, "name": selectors.person_name(person), "mobile": mobile,
        "memberships": memberships_in_scope(actor, person),
        "details_form": details,
        "role_form": forms.get("role") or RoleForm(organisations=administered(actor).active().order_by("path")),
        "reason_form": forms.get("reason") or ReasonForm(),
        "refusal": account_refusal(actor, person),
        "is_self": actor.pk == person.pk,
        "lockouts": account_lockouts([person.username]),
        "temporary": TemporaryPassword.objects.filter(user=person).select_related("issued_by").first(),
        "open_tasks": Task.objects.filter(owner=person, status=STATUS.ASSIGNED, flow_task_type="HUMAN").count(),
        "open_deadlines": Deadline.objects.active().filter(assignee=person).count(),
        "events": [{"event": event, "title": selectors.event_title(event, {}, {}),
                    "actor": selectors.person_name(event.actor) if event.actor_id else event.actor_label}
                   for event in events],
    }


class PersonActionView(OrgAdminsOnly, View):
    """One change to a person, posted from their page; a refusal comes back onto that page."""

    done = {
        "update": gettext_lazy("已保存“%(name)s”的资料。"),
        "add_role": gettext_lazy("已为“%(name)s”分配角色。"),
        "remove_role": gettext_lazy("已撤销“%(name)s”的角色。"),
        "deactivate": gettext_lazy("已停用“%(name)s”的账户：该用户不能再登录，其角色和办理记录保留。"),
        "reactivate": gettext_lazy("已启用“%(name)s”的账户。"),
        "unlock": gettext_lazy("已解锁“%(name)s”的账户，该用户现在可以重新登录。"),
    }

    def post(self, request, pk, action):
        actor = request.user
        person = get_object_or_404(people(actor), pk=pk)
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            return HttpResponseRedirect(person_url(person))
        form, response = handler(actor, person)
        if response is not None:
            return response
        if form is None:
            messages.success(request, str(self.done[action]) % {"name": selectors.person_name(person)})
            return HttpResponseRedirect(person_url(person))
        messages.error(request, _("未保存：请按提示修改。"))
        key = {"update": "details", "add_role": "role"}.get(action, "reason")
        return render(request, PersonDetailView.template_name, person_page(actor, person, **{key: form}))

    @staticmethod
    def _through(form, take):
        """(None, result) when `take()` succeeded; (form with the refusal, None) otherwise."""
        try:
            return None, take()
        except ValidationError as error:
            put_errors_on_form(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        return form, None

    def do_update(self, actor, person):
        form = PersonDetailsForm(self.request.POST)
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
        form, _result = self._through(form, lambda: service.update_account(
            by=actor, user=person, full_name=data["full_name"], email=data["email"], mobile=data["mobile"]))
        return form, None

    def do_add_role(self, actor, person):
        form = RoleForm(self.request.POST, organisations=administered(actor).active().order_by("path"))
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
        form, _result = self._through(form, lambda: service.add_role(
            by=actor, user=person, organisation=data["organisation"], role=data["role"]))
        return form, None

    def _reason_form(self):
        form = ReasonForm(self.request.POST)
        return form, (form.cleaned_data["reason"] if form.is_valid() else None)

    def do_remove_role(self, actor, person):
        form, reason = self._reason_form()
        if reason is None:
            return form, None
        membership = get_object_or_404(memberships_in_scope(actor, person), pk=self.request.POST.get("membership") or 0)
        form, _result = self._through(form, lambda: service.remove_role(by=actor, membership=membership, reason=reason))
        return form, None

    def do_deactivate(self, actor, person):
        form, reason = self._reason_form()
        if reason is None:
            return form, None
        form, _result = self._through(form, lambda: service.set_active(by=actor, user=person, active=False,
                                                                        reason=reason))
        return form, None

    def do_reactivate(self, actor, person):
        form, reason = self._reason_form()
        if reason is None:
            return form, None
        form, _result = self._through(form, lambda: service.set_active(by=actor, user=person, active=True,
                                                                        reason=reason))
        return form, None

    def do_reset_password(self, actor, person):
        form, reason = self._reason_form()
        if reason is None:
            return form, None
        form, password = self._through(form, lambda: service.reset_password(by=actor, user=person, reason=reason))
        if form is not None:
            return form, None
        return None, render(self.request, "workflows/administration/password_issued.html", {
            "person": person, "name": selectors.person_name(person), "password": password, "created": False,
            "person_url": person_url(person)})

    def do_unlock(self, actor, person):
        form, reason = self._reason_form()
        if reason is None:
            return form, None
        unlock_account(user=person, by=actor, reason=reason)
        return None, None
