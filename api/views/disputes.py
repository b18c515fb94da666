"""A dispute case through the API: what its page shows (status, clocks, documents, parties with
the resident ID masked as the page masks it) and what this user may do next.

Found as the page finds it (workflows.dispute.pages.readable_case): a case outside the user's
subtrees is a 404 whether or not it exists. A document downloads as on the page, journalled.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.serializers import (
    AvailableTransitionSerializer,
    ClockSerializer,
    DocumentSerializer,
    OrganisationSerializer,
    PersonSerializer,
    StatusSerializer,
    TaskRefSerializer,
    clock_of,
    document_of,
    organisation_of,
    person_of,
    status_of,
    task_ref,
)
from api.views.common import DOWNLOAD_RENDERERS, NOT_FOUND_EXAMPLE, StaffView, problems
from cases.models.dispute.representation import case_workers
from cases.selectors import case_documents, case_totals, mask_resident_id, open_deadlines
from workflows.dispute.flow import OPEN_TASK_STATUSES
from workflows.dispute.pages import document_download, readable_case, subject_tasks
from workflows.transition_requests import offered


class ChoiceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("代码"))
    label = serializers.CharField(help_text=_("名称（按请求的语言）"))


def choice(instance, field: str) -> dict:
    return {"code": getattr(instance, field), "label": str(getattr(instance, f"get_{field}_display")())}


class WorkerSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("劳动者姓名（集体争议为劳动者一方的称呼）"))
    resident_id = serializers.CharField(allow_blank=True, help_text=_("公民身份号码，已遮盖：只显示前6位和后4位"))
    phone = serializers.CharField(allow_blank=True, help_text=_("手机号码"))
    address = serializers.CharField(allow_blank=True, help_text=_("住址"))


class CaseWorkerSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("劳动者编号：登记劳动者和推举代表时以此指明推举代表和移除的劳动者"))
    name = serializers.CharField(help_text=_("劳动者姓名"))
    resident_id = serializers.CharField(allow_blank=True, help_text=_("公民身份号码，已遮盖：只显示前6位和后4位"))
    representative = serializers.BooleanField(help_text=_("是否为推举代表"))


class AgentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("委托代理人编号：解除委托时以此指明代理人"))
    side = ChoiceSerializer(help_text=_("委托人一方"))
    name = serializers.CharField(help_text=_("代理人姓名"))
    kind = ChoiceSerializer(help_text=_("代理人身份"))
    authority = ChoiceSerializer(help_text=_("代理权限"))
    special_powers = serializers.ListField(child=serializers.CharField(), help_text=_("特别授权事项的代码"))
    valid_from = serializers.DateField(help_text=_("委托日期"))
    revoked_on = serializers.DateField(allow_null=True, help_text=_("解除委托日期；委托仍有效的为空"))


class EmployerSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("用人单位名称"))
    uscc = serializers.CharField(allow_blank=True, help_text=_("统一社会信用代码"))
    address = serializers.CharField(allow_blank=True, help_text=_("地址"))
    legal_representative = serializers.CharField(allow_blank=True, help_text=_("法定代表人"))
    contact_name = serializers.CharField(allow_blank=True, help_text=_("联系人"))
    contact_phone = serializers.CharField(allow_blank=True, help_text=_("联系电话"))


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("请求事项编号"))
    claim_type = ChoiceSerializer(help_text=_("争议事项"))
    description = serializers.CharField(allow_blank=True, help_text=_("具体请求"))
    amount_claimed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                              help_text=_("请求金额（元）"))
    amount_awarded = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                              help_text=_("协议金额（元）；尚未达成协议的为空"))


class TotalsSerializer(serializers.Serializer):
    claimed = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("请求金额合计（元）"))
    awarded = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True,
                                       help_text=_("协议金额合计（元）；尚未达成协议的为空"))
    paid = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("已履行金额合计（元）"))


class DisputeSerializer(serializers.Serializer):
    """A labour dispute case (劳动争议案件)."""

    id = serializers.IntegerField(help_text=_("案件编号（数据库）"))
    number = serializers.CharField(help_text=_("案件编号"))
    status = StatusSerializer(help_text=_("案件状态"))
    organisation = OrganisationSerializer(help_text=_("受理的调解组织"))
    channel = ChoiceSerializer(help_text=_("申请方式"))
    applicant_side = ChoiceSerializer(help_text=_("申请人一方"))
    collective = serializers.BooleanField(help_text=_("集体劳动争议"))
    worker_count = serializers.IntegerField(help_text=_("劳动者人数"))
    received_on = serializers.DateField(help_text=_("收到申请日期"))
    accepted_on = serializers.DateField(allow_null=True, help_text=_("受理日期"))
    ended_on = serializers.DateField(allow_null=True, help_text=_("调解终结日期"))
    closed_on = serializers.DateField(allow_null=True, help_text=_("结案日期"))
    facts = serializers.CharField(help_text=_("争议事实与理由"))
    worker = WorkerSerializer(help_text=_("劳动者"))
    employer = EmployerSerializer(help_text=_("用人单位"))
    workers = CaseWorkerSerializer(many=True, help_text=_("劳动者一方的各劳动者，第一列名的在前"))
    agents = AgentSerializer(many=True, help_text=_("双方的委托代理人（含已解除委托的）"))
    mediator = PersonSerializer(allow_null=True, help_text=_("调解员；尚未分配的为空"))
    claims = ClaimSerializer(many=True, help_text=_("请求事项"))
    totals = TotalsSerializer(help_text=_("金额合计"))
    clocks = ClockSerializer(many=True, help_text=_("进行中的法定期限（含分期履行的期限），最近的在前"))
    documents = DocumentSerializer(many=True, help_text=_("已生成的文书"))
    open_tasks = TaskRefSerializer(many=True, help_text=_("待办的流程任务"))
    transitions = AvailableTransitionSerializer(many=True, help_text=_("您现在可以办理的状态变更"))


def transitions_of(request, subject, url_name: str) -> list[dict]:
    rows = []
    for row in offered(subject, request.user):
        url = reverse(url_name, kwargs={"pk": subject.pk, "name": row.name})
        if row.task is not None:
            url += f"?task={row.task.pk}"
        rows.append({"name": row.name, "label": row.label, "way": row.way,
                     "task": row.task.pk if row.task is not None else None, "url": request.build_absolute_uri(url)})
    return rows


def open_tasks(subject) -> list[dict]:
    tasks = subject_tasks(subject).filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
    return [task_ref(task) for task in tasks.select_related("owner").order_by("pk")]


def workers_of(case) -> list[dict]:
    """The workers as the 当事人与代理人 page lists them (the first-named alone when there is no list)."""
    rows = [(row.worker, row.is_representative) for row in case_workers(case)] or [(case.worker, False)]
    return [{"id": worker.pk, "name": worker.name, "resident_id": mask_resident_id(worker.resident_id),
             "representative": representative} for worker, representative in rows]


def agents_of(case) -> list[dict]:
    return [{"id": agent.pk, "side": choice(agent, "side"), "name": agent.name, "kind": choice(agent, "kind"),
             "authority": choice(agent, "authority"), "special_powers": list(agent.special_powers or []),
             "valid_from": agent.valid_from, "revoked_on": agent.revoked_on}
            for agent in case.agents.order_by("side", "valid_from", "pk")]


def dispute_data(request, case) -> dict:
    worker, employer, totals = case.worker, case.employer, case_totals(case)
    return {
        "id": case.pk, "number": case.number, "status": status_of(case), "organisation": organisation_of(case.organisation),
        "channel": choice(case, "channel"), "applicant_side": choice(case, "applicant_side"),
        "collective": case.collective, "worker_count": case.worker_count, "received_on": case.received_on,
        "accepted_on": case.accepted_on, "ended_on": case.ended_on, "closed_on": case.closed_on, "facts": case.facts,
        "worker": {"name": case.workers_label, "resident_id": mask_resident_id(worker.resident_id),
                   "phone": worker.phone or "", "address": worker.address},
        "employer": {"name": employer.name, "uscc": employer.uscc or "", "address": employer.address,
                     "legal_representative": employer.legal_representative, "contact_name": employer.contact_name,
                     "contact_phone": employer.contact_phone or ""},
        "workers": workers_of(case), "agents": agents_of(case),
        "mediator": person_of(case.mediator) if case.mediator_id else None,
        "claims": [{"id": claim.pk, "claim_type": choice(claim, "claim_type"), "description": claim.description,
                    "amount_claimed": claim.amount_claimed, "amount_awarded": claim.amount_awarded}
                   for claim in case.claims.all()],
        "totals": {"claimed": totals.claimed, "awarded": totals.awarded, "paid": totals.paid},
        "clocks": [clock_of(row.deadline, remaining=row.remaining, level=row.level) for row in open_deadlines(case)],
        "documents": [document_of(request, document, url_name="api:dispute-document", subject_pk=case.pk)
                      for document in case_documents(case)],
        "open_tasks": open_tasks(case),
        "transitions": transitions_of(request, case, "api:dispute-transition"),
    }


DISPUTE_EXAMPLE = {
    "id": 17, "number": "BJ-HD-ZGC-2026-0017", "status": {"code": "registered", "label": "已登记"},
    "organisation": {"id": 4, "code": "BJ-HD-ZGC", "name": "中关村街道调解中心"},
    "channel": {"code": "walk_in_written", "label": "来访书面申请"},
    "applicant_side": {"code": "worker", "label": "劳动者"}, "collective": False, "worker_count": 1,
    "received_on": "2026-11-02", "accepted_on": None, "ended_on": None, "closed_on": None, "facts": "拖欠工资三个月。",
    "worker": {"name": "王秀英", "resident_id": "110105********002X", "phone": "13800138000", "address": ""},
    "employer": {"name": "北京某科技有限公司", "uscc": "91350100M000100Y43", "address": "", "legal_representative": "李四",
                 "contact_name": "", "contact_phone": ""},
    "workers": [{"id": 52, "name": "王秀英", "resident_id": "110105********002X", "representative": False}],
    "agents": [],
    "mediator": None,
    "claims": [{"id": 31, "claim_type": {"code": "wage_arrears", "label": "拖欠劳动报酬"}, "description": "",
                "amount_claimed": "30000.00", "amount_awarded": None}],
    "totals": {"claimed": "30000.00", "awarded": None, "paid": "0.00"},
    "clocks": [{"clock": "dispute.acceptance", "name": "受理期限", "state": "open", "starts_on": "2026-11-02",
                "due_on": "2026-11-05", "provisional": False, "imported": False, "remaining": "剩余3个工作日",
                "level": "normal"}],
    "documents": [],
    "open_tasks": [{"id": 412, "node": "decide_acceptance", "title": "受理审查", "status": "NEW", "owner": None}],
    "transitions": [],
}


class DisputeDetail(StaffView):
    @extend_schema(
        operation_id="dispute_detail", tags=["disputes"], summary=_("劳动争议案件"),
        description=_("案件的状态、法定期限、文书（下载地址）、当事人（公民身份号码已遮盖）、待办任务和您可以办理的状态变更。"),
        responses={200: DisputeSerializer, **problems(404)},
        examples=[OpenApiExample("case", response_only=True, value=DISPUTE_EXAMPLE), NOT_FOUND_EXAMPLE],
    )
    def get(self, request, pk):
        case = readable_case(request.user, pk)
        return Response(DisputeSerializer(dispute_data(request, case)).data)


class DisputeDocument(StaffView):
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(
        operation_id="dispute_document", tags=["disputes"], summary=_("下载案件文书"),
        description=_("案件文书的 PDF；每次下载记入审计日志，与案件页面的下载相同。"),
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_("PDF 文件")),
                   **problems(404)},
    )
    def get(self, request, pk, document_pk):
        case = readable_case(request.user, pk)
        document = get_object_or_404(case_documents(case), pk=document_pk)
        return document_download(document, subject=case, subject_key="case", by=request.user)
