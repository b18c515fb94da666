"""疑似困难 (candidates): civil-affairs links waiting for a hardship caseworker.

The list shows the pending links of the organisations where the user is a hardship caseworker,
highest score first, ID numbers masked. The detail page puts the civil-affairs record and the
person on file side by side with the score and what agreed or differed, and posts the
caseworker's decision to cases.hardship.civil_affairs.links (confirm_link / reject_link). A link
outside those organisations is a 404 whether or not it exists; every view of a detail page is
journalled (it shows a person's aid category and amount).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import TemplateView

from cases.hardship.civil_affairs.links import confirm_link, reject_link
from cases.models import AuditAction, HardshipFile, Household, LinkCandidate, LinkStatus, Organisation, Role
from cases.models.hardship.states import ENDED_STATES
from cases.platform.audit.journal import append_event
from cases.rules.linkage import is_valid_resident_id
from cases.selectors import mask_resident_id, yuan
from workflows.dispute.flow import organisations_where
from workflows.page_scope import reaches_any

CASEWORKERS = [Role.HARDSHIP_CASEWORKER]
PAGE_SIZE = 30


def caseworker_organisations(user):
    return organisations_where(user, CASEWORKERS)


def may_review_candidates(user) -> bool:
    return reaches_any(user, CASEWORKERS)


def candidate_links(user):
    return LinkCandidate.objects.filter(organisation__in=caseworker_organisations(user).values("pk")).select_related(
        "civil_record", "worker", "member__household", "organisation", "decided_by", "hardship_file")


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm", gettext_lazy("确认")), ("reject", gettext_lazy("排除"))],
                               widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=gettext_lazy("确认时可填写核实方式；排除时必须填写理由。"))

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("请填写排除理由（例如：经核实不是同一人）。"))
        return data


def split_reasons(reasons: list[str]) -> dict[str, list[str]]:
    """The linkage's reasons sorted into what agreed, what differed, and what was missing."""
    groups = {"agreed": [], "differed": [], "missing": []}
    for reason in reasons:
        if reason.startswith("缺少"):
            groups["missing"].append(reason)
        elif "一致" in reason and "不一致" not in reason:
            groups["agreed"].append(reason)
        else:
            groups["differed"].append(reason)
    return groups


def _household_of(link: LinkCandidate) -> Household | None:
    if link.member_id:
        return link.member.household
    subtree = Organisation.objects.subtree_of([link.organisation]).values("pk")
    return (Household.objects.filter(organisation__in=subtree, head=link.worker).order_by("pk").first()
            or Household.objects.filter(organisation__in=subtree, members__worker=link.worker).order_by("pk").first())


def person_on_file(link: LinkCandidate) -> dict:
    """The person on file as the side-by-side table shows them."""
    household = _household_of(link)
    if link.member_id:
        member = link.member
        name, resident_id, birth = member.name, member.resident_id, member.birth_date
        role = _("%(head)s家庭成员（%(relation)s）") % {"head": link.worker.name, "relation": member.get_relation_display()}
    else:
        worker = link.worker
        name, resident_id, birth = worker.name, worker.resident_id or "", worker.birth_date
        role = _("在册职工")
    region = household.region_code if household else (resident_id[:6] if is_valid_resident_id(resident_id) else "")
    file = None
    if household is not None:
        file = (HardshipFile.objects.filter(household=household).exclude(status__in=ENDED_STATES).first()
                or HardshipFile.objects.filter(household=household).first())
    category = ""
    if file is not None:
        category = f"{file.get_category_display()}（{file.get_status_display()}）" if file.category else \
            file.get_status_display()
    return {
        "role": role, "name": name, "masked_id": mask_resident_id(resident_id), "birth_date": birth, "region": region,
        "category": category, "household_size": household.members.count() if household else None,
        "monthly_amount": yuan(file.per_capita_monthly) if file is not None and file.per_capita_monthly is not None
        else "",
    }


def comparison_rows(link: LinkCandidate, person: dict) -> list[dict]:
    record = link.civil_record
    civil = {
        "name": record.name, "masked_id": mask_resident_id(record.id_number), "birth_date": record.birth_date,
        "region": record.region, "category": record.category, "household_size": record.household_size,
        "monthly_amount": yuan(record.monthly_amount) if record.monthly_amount is not None else "",
    }
    labels = (
        ("name", _("姓名")), ("masked_id", _("公民身份号码")), ("birth_date", _("出生日期")), ("region", _("区域")),
        ("category", _("救助类别 / 档案情况")), ("household_size", _("家庭人口")),
        ("monthly_amount", _("月保障金额 / 人均月收入")),
    )
    compared = {"name", "masked_id", "birth_date", "region", "household_size"}
    rows = []
    for key, label in labels:
        left, right = civil[key], person[key]
        same = None
        if key in compared and left not in (None, "") and right not in (None, ""):
            same = left == right
        rows.append({"key": key, "label": label, "civil": left, "file": right, "same": same})
    return rows


class CaseworkerOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_review_candidates(request.user):
            raise PermissionDenied(_("只有帮扶工作人员可以查看疑似困难职工名单。"))
        return super().dispatch(request, *args, **kwargs)


class CandidateListView(CaseworkerOnly, TemplateView):
    template_name = "workflows/hardship/candidate_list.html"

    def get_context_data(self, **kwargs):
        links = candidate_links(self.request.user).filter(status=LinkStatus.PENDING).order_by("-score", "found_at", "pk")
        page = Paginator(links, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [{
            "link": link, "url": reverse("workbench:candidate_detail", args=[link.pk]),
            "civil_masked_id": mask_resident_id(link.civil_record.id_number),
            "person_name": link.member.name if link.member_id else link.worker.name,
            "person_masked_id": mask_resident_id(link.member.resident_id if link.member_id else link.worker.resident_id),
            "score_percent": f"{link.score * 100:.1f}%",
        } for link in page.object_list]
        return super().get_context_data(page=page, rows=rows, **kwargs)


class CandidateDetailView(CaseworkerOnly, TemplateView):
    template_name = "workflows/hardship/candidate_detail.html"

    def get(self, request, *args, **kwargs):
        link = get_object_or_404(candidate_links(request.user), pk=kwargs["pk"])
        append_event(action=AuditAction.SENSITIVE_VIEW, actor=request.user, subject=link,
                     organisation=link.organisation, name="view_civil_link",
                     data={"civil_record": link.civil_record_id, "worker": link.worker_id, "member": link.member_id})
        return self.render_to_response(self.link_context(link, DecisionForm(initial={"action": "confirm"}),
                                                         DecisionForm(initial={"action": "reject"})))

    def post(self, request, *args, **kwargs):
        link = get_object_or_404(candidate_links(request.user), pk=kwargs["pk"])
        form = DecisionForm(request.POST)
        action = request.POST.get("action")
        if form.is_valid():
            try:
                if form.cleaned_data["action"] == "confirm":
                    link = confirm_link(link, by=request.user, note=form.cleaned_data["note"])
                else:
                    link = reject_link(link, by=request.user, note=form.cleaned_data["note"])
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, "；".join(error.messages))
            else:
                if link.status == LinkStatus.CONFIRMED:
                    file = link.hardship_file
                    messages.success(request, _("已确认%(name)s为民政救助对象。困难职工档案：%(file)s，"
                                                "请在待办中登记申请。") % {"name": link.civil_record.name, "file": file})
                else:
                    messages.success(request, _("已排除：%(name)s与在册人员不是同一人。") % {"name": link.civil_record.name})
                return HttpResponseRedirect(reverse("workbench:candidate_list"))
        link.refresh_from_db()
        confirm_form = form if action == "confirm" else DecisionForm(initial={"action": "confirm"})
        reject_form = form if action != "confirm" else DecisionForm(initial={"action": "reject"})
        context = self.link_context(link, confirm_form, reject_form, decision_errors=form.non_field_errors())
        return self.render_to_response(context, status=400)

    def link_context(self, link, confirm_form, reject_form, decision_errors=()):
        person = person_on_file(link)
        return self.get_context_data(
            link=link, person=person, rows=comparison_rows(link, person), reasons=split_reasons(link.reasons),
            score_percent=f"{link.score * 100:.1f}%", confirm_form=confirm_form, reject_form=reject_form,
            pending=link.status == LinkStatus.PENDING, decision_errors=decision_errors,
        )
