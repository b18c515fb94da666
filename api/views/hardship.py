"""A hardship file through the API: what its page shows of its status, clocks, documents and
household (resident IDs masked as the page masks them), and what this user may do next.

Found as the page finds it (workflows.hardship.file.access.readable_file): only where the user
holds a hardship role, a file elsewhere a 404 whether or not it exists. Like every rendering of
the file page, every reading is journalled as a view of a sensitive record.
"""

from django.shortcuts import get_object_or_404
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
    StatusSerializer,
    TaskRefSerializer,
    clock_of,
    document_of,
    organisation_of,
    status_of,
)
from api.views.common import DOWNLOAD_RENDERERS, NOT_FOUND_EXAMPLE, StaffView, problems
from api.views.disputes import ChoiceSerializer, choice, open_tasks, transitions_of
from cases.models import AuditAction, Deadline
from cases.platform.audit.journal import append_event
from cases.selectors import file_documents, mask_resident_id
from workflows.dispute.pages import document_download
from workflows.hardship.file.access import readable_file


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("家庭成员编号：更正认定数据时，保留的成员带此编号（pk）"))
    name = serializers.CharField(help_text=_("姓名"))
    relation = ChoiceSerializer(help_text=_("与户主关系"))
    resident_id = serializers.CharField(allow_blank=True, help_text=_("公民身份号码，已遮盖：只显示前6位和后4位"))


class HouseholdSerializer(serializers.Serializer):
    head = serializers.CharField(help_text=_("户主（职工）姓名"))
    head_resident_id = serializers.CharField(allow_blank=True, help_text=_("户主的公民身份号码，已遮盖"))
    region_code = serializers.CharField(help_text=_("行政区划代码"))
    members = MemberSerializer(many=True, help_text=_("家庭成员"))


class HardshipFileSerializer(serializers.Serializer):
    """A hardship worker's file (困难职工档案)."""

    id = serializers.IntegerField(help_text=_("档案编号（数据库）"))
    number = serializers.CharField(allow_blank=True, help_text=_("档案编号；建档前为空"))
    status = StatusSerializer(help_text=_("档案状态"))
    organisation = OrganisationSerializer(help_text=_("负责的工会组织"))
    source = ChoiceSerializer(help_text=_("认定来源"))
    year = serializers.IntegerField(help_text=_("认定年度"))
    category = ChoiceSerializer(allow_null=True, help_text=_("困难类别；尚未认定的为空"))
    per_capita_monthly = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True,
                                                  help_text=_("月人均可支配收入（元）"))
    proposed_aid_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True,
                                                   help_text=_("拟年度帮扶金额（元）"))
    applied_on = serializers.DateField(allow_null=True, help_text=_("申请日期"))
    opened_on = serializers.DateField(allow_null=True, help_text=_("建档日期"))
    next_review_due = serializers.DateField(allow_null=True, help_text=_("下次复核日期"))
    household = HouseholdSerializer(help_text=_("家庭"))
    clocks = ClockSerializer(many=True, help_text=_("进行中的期限，最近的在前"))
    documents = DocumentSerializer(many=True, help_text=_("已生成的文书"))
    open_tasks = TaskRefSerializer(many=True, help_text=_("待办的流程任务"))
    transitions = AvailableTransitionSerializer(many=True, help_text=_("您现在可以办理的状态变更"))


def file_data(request, file) -> dict:
    household = file.household
    clocks = Deadline.objects.for_subject(file).active().by_urgency()
    return {
        "id": file.pk, "number": file.number, "status": status_of(file), "organisation": organisation_of(file.organisation),
        "source": choice(file, "source"), "year": file.year,
        "category": choice(file, "category") if file.category else None,
        "per_capita_monthly": file.per_capita_monthly, "proposed_aid_amount": file.proposed_aid_amount,
        "applied_on": file.applied_on, "opened_on": file.opened_on, "next_review_due": file.next_review_due,
        "household": {"head": household.head.name, "head_resident_id": mask_resident_id(household.head.resident_id),
                      "region_code": household.region_code,
                      "members": [{"id": member.pk, "name": member.name, "relation": choice(member, "relation"),
                                   "resident_id": mask_resident_id(member.resident_id)}
                                  for member in household.members.all()]},
        "clocks": [clock_of(deadline) for deadline in clocks],
        "documents": [document_of(request, document, url_name="api:hardship-document", subject_pk=file.pk)
                      for document in file_documents(file)],
        "open_tasks": open_tasks(file),
        "transitions": transitions_of(request, file, "api:hardship-transition"),
    }


FILE_EXAMPLE = {
    "id": 8, "number": "", "status": {"code": "home_visit", "label": "入户调查"},
    "organisation": {"id": 2, "code": "BJ-HD", "name": "海淀区总工会"},
    "source": {"code": "application", "label": "本人申请"}, "year": 2025, "category": None,
    "per_capita_monthly": None, "proposed_aid_amount": None, "applied_on": "2026-11-02", "opened_on": None,
    "next_review_due": None,
    "household": {"head": "张建国", "head_resident_id": "110108********0016", "region_code": "110108", "members": []},
    "clocks": [], "documents": [],
    "open_tasks": [{"id": 233, "node": "home_visit", "title": "入户调查", "status": "ASSIGNED",
                    "owner": {"id": 5, "name": "赵敏"}}],
    "transitions": [],
}


class HardshipFileDetail(StaffView):
    @extend_schema(
        operation_id="hardship_file_detail", tags=["hardship"], summary=_("困难职工档案"),
        description=_("档案的状态、期限、文书（下载地址）、家庭成员（公民身份号码已遮盖）、待办任务和您可以办理的状态变更。"
                      "每次查阅记入审计日志，与档案页面相同。"),
        responses={200: HardshipFileSerializer, **problems(403, 404)},
        examples=[OpenApiExample("file", response_only=True, value=FILE_EXAMPLE), NOT_FOUND_EXAMPLE],
    )
    def get(self, request, pk):
        file = readable_file(request.user, pk)
        append_event(action=AuditAction.SENSITIVE_VIEW, actor=request.user, subject=file, organisation=file.organisation,
                     name="view_hardship_file", data={"file": file.number or file.pk, "via": "api"})
        return Response(HardshipFileSerializer(file_data(request, file)).data)


class HardshipFileDocument(StaffView):
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(
        operation_id="hardship_file_document", tags=["hardship"], summary=_("下载档案文书"),
        description=_("档案文书的 PDF；每次下载记入审计日志，与档案页面的下载相同。"),
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_("PDF 文件")),
                   **problems(404)},
    )
    def get(self, request, pk, document_pk):
        file = readable_file(request.user, pk)
        document = get_object_or_404(file_documents(file), pk=document_pk)
        return document_download(document, subject=file, subject_key="file", by=request.user)

