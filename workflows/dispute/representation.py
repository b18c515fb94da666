"""The representation page of a case (当事人与代理人): who applied, the workers of a case with
several (count, the elected representatives first) and the agents of each party with their
authority and power of attorney; the forms recording an agent, revoking one and recording the
workers and their representatives; and the download of a kept power of attorney.

Scope as on the case page: a case outside the user's subtrees is a 404 whether or not it
exists. Everyone who reads the case sees the page; only the case's handlers (mediators and
leads of the organisation) write, and every write goes through the door (record_agent,
revoke_agent, record_workers).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition

from cases.models import PartySide
from cases.models.access import can_act
from cases.models.dispute.representation import (
    REPRESENTABLE_STATES,
    REPRESENTATIVE_STATES,
    WORKER_LIST_STATES,
    case_workers,
    party_role_label,
)
from cases.models.dispute.states import CASE_HANDLERS
from cases.platform.transitions import TransitionOutcome, apply
from cases.selectors import mask_resident_id, person_name
from workflows.dispute.pages import case_url, readable_case
from workflows.dispute.representation_forms import RecordAgentForm, RevokeAgentForm, WorkersForm
from workflows.dispute.scan_downloads import kept_scan_response

FORMS = {"agent": (RecordAgentForm, "record_agent"), "revoke": (RevokeAgentForm, "revoke_agent"),
         "workers": (WorkersForm, "record_workers")}
# The door's error keys that name another field of these forms.
DOOR_FIELDS = {"workers": "new_workers", "revocation_reason": "reason"}
DONE = {"agent": _("已登记委托代理人。"), "revoke": _("已登记解除委托。"), "workers": _("已登记劳动者和推举代表。")}


def put_door_errors(form, error) -> None:
    """The door's refusal under the field it names (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages_ in error.message_dict.items():
        field = DOOR_FIELDS.get(key, key)
        form.add_error(field if field in form.fields else None, messages_)


def parties_url(case) -> str:
    return reverse("workbench:case_parties", args=[case.pk])


def may_represent(user, case) -> bool:
    return case.status in REPRESENTABLE_STATES and can_act(user, case.organisation, CASE_HANDLERS)


def require_may_represent(user, case) -> None:
    if not may_represent(user, case):
        raise PermissionDenied(_("只有本组织的调解员或调解组长可以登记委托代理人和劳动者；审计员只能查阅。"))


def representation_forms(case, bound: str = "", data=None, files=None) -> dict:
    """The page's forms the case takes now, by key (FORMS); the one named `bound` bound to `data`."""
    found = {}
    if case.status in REPRESENTABLE_STATES:
        found["agent"] = RecordAgentForm(data if bound == "agent" else None, files if bound == "agent" else None,
                                         case=case, prefix="agent")
        if case.agents.filter(revoked_on__isnull=True).exists() or bound == "revoke":
            found["revoke"] = RevokeAgentForm(data if bound == "revoke" else None, case=case, prefix="revoke")
    if case.status in REPRESENTATIVE_STATES:
        found["workers"] = WorkersForm(data if bound == "workers" else None, case=case, prefix="workers")
    return found


def unavailable_refusal(case) -> str:
    """The page's answer to a form it does not show in the case's state."""
    return _("案件当前为“%(status)s”，不能办理这项登记。") % {"status": case.get_status_display()}


def submit_representation(case, which: str, form, *, by) -> TransitionOutcome | None:
    """The bound form `which` through the door (FORMS names its transition); None with what to
    correct on the form. The door's PermissionDenied and ConcurrentTransition are the caller's."""
    if not form.is_valid():
        return None
    try:
        return apply(case, FORMS[which][1], by=by, **form.arguments())
    except ValidationError as error:
        put_door_errors(form, error)
        return None


def _agent_row(case, agent) -> dict:
    return {
        "agent": agent, "role": party_role_label(case, agent.side), "side": agent.get_side_display(),
        "worker": agent.worker.name if agent.worker_id else "", "kind": agent.get_kind_display(),
        "authority": agent.get_authority_display(), "powers": agent.powers_text(),
        "may_settle": agent.may_settle, "active": agent.revoked_on is None,
        "masked_id": mask_resident_id(agent.id_number) if agent.id_number else "",
        "recorder": person_name(agent.recorded_by),
        "scan_url": reverse("workbench:case_agent_scan", args=[case.pk, agent.pk]),
    }


def representation_panel(case, user) -> dict:
    """What the case page and the representation page show: the applicant, the workers
    (representatives first), each party's agents."""
    rows = case_workers(case)
    workers = sorted(rows, key=lambda row: (not row.is_representative, row.position))
    agents = [_agent_row(case, agent) for agent in case.agents.select_related("worker", "recorded_by")
              .order_by("side", "valid_from", "pk")]
    return {
        "applicant": PartySide(case.applicant_side).label,
        "worker_role": party_role_label(case, PartySide.WORKER),
        "employer_role": party_role_label(case, PartySide.EMPLOYER),
        "count": case.worker_count, "collective": case.collective,
        "workers": [{"name": row.worker.name, "position": row.position, "representative": row.is_representative,
                     "masked_id": mask_resident_id(row.worker.resident_id)} for row in workers],
        "representatives": [row.worker.name for row in rows if row.is_representative],
        "agents": agents, "active_agents": [row for row in agents if row["active"]],
        "url": parties_url(case), "may_edit": may_represent(user, case),
    }


class RepresentationView(LoginRequiredMixin, TemplateView):
    """当事人与代理人: the panel, and for the case's handlers the three forms."""

    template_name = "workflows/case/parties.html"

    def forms(self, bound: str = "", data=None, files=None) -> dict:
        return representation_forms(self.case, bound, data, files)

    def get(self, request, pk):
        self.case = readable_case(request.user, pk)
        return self.render_to_response(self.page_context(self.forms() if may_represent(request.user, self.case)
                                                         else {}))

    def post(self, request, pk):
        self.case = readable_case(request.user, pk)
        require_may_represent(request.user, self.case)
        which = request.POST.get("form", "")
        forms = self.forms(which, request.POST, request.FILES)
        if which not in forms:
            messages.error(request, unavailable_refusal(self.case))
            return HttpResponseRedirect(parties_url(self.case))
        form = forms[which]
        try:
            outcome = submit_representation(self.case, which, form, by=request.user)
        except (PermissionDenied, ConcurrentTransition) as error:
            form.add_error(None, str(error))
        else:
            if outcome is not None:
                messages.success(request, DONE[which])
                return HttpResponseRedirect(parties_url(self.case))
        messages.error(request, _("未登记：请按页面上的提示修改后再提交，已填写的内容都保留着。"))
        return self.render_to_response(self.page_context(forms))

    def page_context(self, forms: dict):
        return self.get_context_data(
            case=self.case, panel=representation_panel(self.case, self.request.user), forms=forms,
            case_url=case_url(self.case), worker_list_open=self.case.status in WORKER_LIST_STATES,
        )


class AgentScanView(LoginRequiredMixin, View):
    """The kept power of attorney of an agent, to those who read the case; the download is journalled."""

    def get(self, request, pk, agent_pk):
        case = readable_case(request.user, pk)
        agent = get_object_or_404(case.agents.all(), pk=agent_pk)
        return kept_scan_response(request, case, scan=agent.scan, kind=agent.scan_kind, sha256=agent.scan_sha256,
                                  title="授权委托书", event="download_power_of_attorney",
                                  record=("agent_id", agent.pk))
