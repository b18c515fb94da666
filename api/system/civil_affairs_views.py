"""The civil-affairs department's endpoints: push a batch (civil_affairs:write), read a batch's
summary and each record's outcome (civil_affairs:read). See api/system/civil_affairs.py."""

from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from api.idempotency import idempotent
from api.pagination import Key, KeysetPagination
from api.problems import Problem
from api.system.civil_affairs import (
    BatchRequestSerializer,
    BatchSerializer,
    RecordOutcomeSerializer,
    batch_rows,
    batch_summary,
    push_batch,
    record_outcome,
)
from api.system.fields import SystemView, checked
from api.system.models import CivilAffairsBatch
from api.system.schema import FORBIDDEN_SCOPE, OUTSIDE_REACH, problems
from api.system.scoping import in_reach, organisation_named

BATCH_EXAMPLE = {
    "batch_id": "MZ-2026-11-03-01", "organisation": "BJ-HD", "purpose": "困难职工精准识别与帮扶", "all_or_nothing": False,
    "records": [
        {"ref": "MZ0001", "name": "张建国", "id_number": "110108197503020016", "birth_date": "1975-03-02",
         "region": "110108", "category": "低保", "household_size": 3, "monthly_amount": "1500.00", "since": "2025-01-01"},
        {"ref": "MZ0002", "name": "李桂兰", "id_number": "", "birth_date": "1962-08-15", "region": "110108",
         "category": "低边", "household_size": 2, "monthly_amount": None, "since": "2024-07-01"},
    ],
}
SUMMARY_EXAMPLE = {
    "batch_id": "MZ-2026-11-03-01", "organisation": {"id": 2, "code": "BJ-HD", "name": "海淀区总工会"},
    "received_at": "2026-11-03T10:02:11+08:00", "purpose": "困难职工精准识别与帮扶", "applied": True,
    "rows": {"total": 2, "created": 1, "updated": 0, "unchanged": 0, "rejected": 1},
    "errors": [{"position": 2, "ref": "MZ0002", "reason": "区域“1101”应为6位行政区划代码"}],
    "outcomes": {"linked": 1, "awaiting_review": 0, "excluded": 0, "no_match": 0, "not_compared": 0},
    "records": "https://unioncase.example/api/v1/civil-affairs/batches/MZ-2026-11-03-01/records",
}
RECORD_EXAMPLE = {
    "position": 1, "ref": "MZ0001", "result": {"code": "created", "label": "新增"}, "reason": "",
    "outcome": {"code": "linked", "label": "已确认为在册人员"},
    "hardship_file": {"number": "", "status": {"code": "identified", "label": "待申请"}},
}
REUSED_EXAMPLE = OpenApiExample(
    "batch-id-reused", response_only=True, status_codes=["422"],
    value={"type": "urn:unioncase:problem:batch-id-reused", "title": "批次编号已用于内容不同的另一批数据", "status": 422,
           "detail": "批次编号“MZ-2026-11-03-01”已用于内容不同的另一批数据（2026-11-03 10:02接收）；新的批次请使用新的编号。",
           "instance": "/api/v1/civil-affairs/batches"})


def _batch(client, batch_id: str) -> CivilAffairsBatch:
    batch = (in_reach(CivilAffairsBatch.objects.filter(client=client, batch_id=batch_id), client)
             .select_related("organisation", "run").first())
    if batch is None:
        raise Problem("not-found", _("未找到批次“%(id)s”：本客户端没有发送过这一批次。") % {"id": batch_id})
    if batch.status_code is None:
        raise Problem("batch-in-progress", _("批次“%(id)s”正在导入，请稍后再查询。") % {"id": batch_id})
    return batch


class CivilAffairsBatches(SystemView):
    read_scope = write_scope = "civil_affairs:write"

    @extend_schema(
        operation_id="civil_affairs_batch_push", tags=["civil-affairs"], summary=gettext_lazy("推送民政数据批次"),
        description=gettext_lazy(
            "民政部门推送救助人员记录。逐条校验、导入和比对，与 import_civil_affairs 命令导入文件相同：有误的记录列出原因并跳过"
            "（全部或全不时整批不导入，应答422）；新增和变化的记录与在册人员比对，确认匹配的建立困难职工候选档案，疑似的进入"
            "“疑似困难”待工作人员确认。按批次编号幂等：同一批次重复发送得到第一次的应答（Idempotent-Replayed: true），同一编号"
            "配不同内容的应答422。也可带 Idempotency-Key。"),
        request=BatchRequestSerializer,
        responses={201: BatchSerializer, **problems(403, 409, 422)},
        examples=[OpenApiExample("batch", request_only=True, value=BATCH_EXAMPLE),
                  OpenApiExample("summary", response_only=True, status_codes=["201"], value=SUMMARY_EXAMPLE),
                  REUSED_EXAMPLE, OUTSIDE_REACH, FORBIDDEN_SCOPE],
    )
    @idempotent
    def post(self, request):
        data = checked(BatchRequestSerializer, request.data)
        organisation = organisation_named(self.client, data.get("organisation"))
        return push_batch(request, self.client, data, organisation, request.data)


class CivilAffairsBatchDetail(SystemView):
    read_scope = write_scope = "civil_affairs:read"

    @extend_schema(
        operation_id="civil_affairs_batch", tags=["civil-affairs"], summary=gettext_lazy("民政数据批次的结果"),
        description=gettext_lazy("本客户端发送的批次：导入的条数、有误的记录和原因，以及已导入记录当前的比对结果。"),
        responses={200: BatchSerializer, **problems(403, 404, 409)},
        examples=[OpenApiExample("summary", response_only=True, value=SUMMARY_EXAMPLE), FORBIDDEN_SCOPE],
    )
    def get(self, request, batch_id):
        return Response(BatchSerializer(batch_summary(request, _batch(self.client, batch_id))).data)


class CivilAffairsBatchRecords(SystemView):
    read_scope = write_scope = "civil_affairs:read"
    pagination_class = KeysetPagination
    cursor_keys = (Key("position", "position"),)

    @extend_schema(
        operation_id="civil_affairs_batch_records", tags=["civil-affairs"], summary=gettext_lazy("批次中每条记录的结果"),
        description=gettext_lazy("按序号排列的逐条结果：导入结果（新增、更新、未变、有误），以及当前的比对结果——尚未比对、"
                                 "未匹配、待工作人员确认、已确认为在册人员（附困难职工档案的编号和状态）或经核实排除。"),
        responses={200: RecordOutcomeSerializer(many=True), **problems(403, 404, 409)},
        examples=[OpenApiExample("records", response_only=True, value=[RECORD_EXAMPLE]), FORBIDDEN_SCOPE],
    )
    def get(self, request, batch_id):
        batch = _batch(self.client, batch_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(batch_rows(batch), request, view=self)
        rows = [record_outcome(row, batch.run.applied) for row in page]
        return paginator.get_paginated_response(RecordOutcomeSerializer(rows, many=True).data)
