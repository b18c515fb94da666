"""我的待办 and 待领取 through the API, with the pages' own queries, and 领取.

The dispute lists are the pages' (workflows.dispute.views: inbox_filter, queue_filter, page_tasks):
read from the tasks' stored queue rows, most urgent legal deadline first, cases without a
running clock last — the order of the rows' indexes, which the cursor keeps (a next page starts
after the last row's deadline, creation time and task id). The hardship lists are the hardship
pages' (oldest first). Claiming is the claim page's rule (workflows.dispute.flow.claim_task).
"""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from viewflow.workflow.status import STATUS

from api.idempotency import idempotent
from api.pagination import Key, KeysetPagination
from api.problems import Problem
from api.serializers import TaskRefSerializer, task_ref
from api.views.common import NOT_FOUND_EXAMPLE, StaffView, problems
from workflows.dispute.flow import claim_task
from workflows.dispute.pages import task_title
from workflows.dispute.views import inbox_filter, page_tasks, queue_filter, urgency, visible_tasks


class DeadlineCellSerializer(serializers.Serializer):
    due_on = serializers.DateField(help_text=_("最近的法定期限届满日"))
    provisional = serializers.BooleanField(help_text=_("暂定：该年度放假安排未公布，按法定节假日推算"))
    imported = serializers.BooleanField(help_text=_("历史导入案件带入的期限"))
    label = serializers.CharField(help_text=_("如“剩余2个工作日”“今日届满”“已超期1个工作日”"))
    level = serializers.CharField(help_text=_("normal 正常、warning 临近届满、breached 已超期"))


class DisputeTaskSerializer(serializers.Serializer):
    """A task of a dispute case in 我的待办 or 待领取."""

    id = serializers.IntegerField(help_text=_("任务编号"))
    node = serializers.CharField(help_text=_("流程节点代码，如 decide_acceptance"))
    title = serializers.CharField(help_text=_("阶段（任务名称）"))
    status = serializers.CharField(help_text=_("任务状态：NEW 待领取、ASSIGNED 已领取"))
    case_id = serializers.IntegerField(help_text=_("案件编号（数据库）"))
    case_number = serializers.CharField(help_text=_("案件编号"))
    worker = serializers.CharField(help_text=_("劳动者姓名"))
    employer = serializers.CharField(help_text=_("用人单位名称"))
    claimed_total = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("请求金额合计（元）"))
    deadline = DeadlineCellSerializer(allow_null=True, help_text=_("最近的法定期限；无进行中的期限时为空"))
    case = serializers.URLField(help_text=_("案件详情的接口地址"))
    claim = serializers.URLField(allow_null=True, help_text=_("领取地址（POST）；只出现在待领取中"))


TASK_EXAMPLE = {
    "id": 412, "node": "decide_acceptance", "title": "受理审查", "status": "NEW", "case_id": 17,
    "case_number": "BJ-HD-ZGC-2026-0017", "worker": "王秀英", "employer": "北京某科技有限公司",
    "claimed_total": "30000.00",
    "deadline": {"due_on": "2026-11-05", "provisional": False, "imported": False, "label": "剩余2个工作日",
                 "level": "normal"},
    "case": "https://unioncase.example/api/v1/disputes/17",
    "claim": "https://unioncase.example/api/v1/disputes/tasks/412/claim",
}


class DisputeTaskList(StaffView):
    pagination_class = KeysetPagination
    cursor_keys = (
        Key("queue_entry__due_on", "deadline_due", "date", nullable=True),
        Key("queue_entry__created", "cursor_created", "datetime"),
        Key("queue_entry__task_id", "pk"),
    )
    queue = False

    def row_filter(self, user) -> dict:
        return queue_filter(user) if self.queue else inbox_filter(user)

    def get(self, request):
        tasks = page_tasks(self.row_filter(request.user)).annotate(
            cursor_created=F("queue_entry__created"), case_pk=F("queue_entry__case_id"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(tasks, request, view=self)
        today = timezone.localdate()
        rows = [self.row(request, task, today) for task in page]
        return paginator.get_paginated_response(DisputeTaskSerializer(rows, many=True).data)

    def row(self, request, task, today) -> dict:
        reading = urgency(task.deadline_due, provisional=bool(task.deadline_provisional), today=today)
        deadline = None if reading is None else {
            "due_on": task.deadline_due, "provisional": bool(task.deadline_provisional),
            "imported": bool(task.deadline_imported), "label": reading.label, "level": reading.level}
        claim = reverse("api:dispute-task-claim", args=[task.pk]) if self.queue else None
        return {"id": task.pk, "node": task.flow_task.name, "title": task_title(task), "status": task.status,
                "case_id": task.case_pk, "case_number": task.case_number, "worker": task.worker_name,
                "employer": task.employer_name, "claimed_total": task.claimed_total or 0, "deadline": deadline,
                "case": request.build_absolute_uri(reverse("api:dispute-detail", args=[task.case_pk])),
                "claim": request.build_absolute_uri(claim) if claim else None}


class MyDisputeTasks(DisputeTaskList):
    @extend_schema(
        operation_id="dispute_tasks_mine", tags=["worklists"], summary=_("我的待办（劳动争议）"),
        description=_("已领取、尚未办理的劳动争议任务，按最近的法定期限排序（无期限的在后）；与“我的待办”页面相同。"),
        responses={200: DisputeTaskSerializer(many=True), **problems(422)},
        examples=[OpenApiExample("mine", response_only=True, value=[{**TASK_EXAMPLE, "status": "ASSIGNED", "claim": None}])],
    )
    def get(self, request):
        return super().get(request)


class DisputeQueue(DisputeTaskList):
    queue = True

    @extend_schema(
        operation_id="dispute_tasks_queue", tags=["worklists"], summary=_("待领取（劳动争议）"),
        description=_("本组织及下级组织尚未领取的劳动争议任务，按最近的法定期限排序（无期限的在后）；与“待领取”页面相同。"),
        responses={200: DisputeTaskSerializer(many=True), **problems(422)},
        examples=[OpenApiExample("queue", response_only=True, value=[TASK_EXAMPLE])],
    )
    def get(self, request):
        return super().get(request)


class ClaimedSerializer(serializers.Serializer):
    task = TaskRefSerializer(help_text=_("领取后的任务"))
    subject = serializers.URLField(help_text=_("案件或档案详情的接口地址：可办理的状态变更列在其中"))


class ClaimView(StaffView):
    """领取: the claim page's rule and refusals."""

    subject_url = ""

    def visible(self, user):
        raise NotImplementedError

    def subject_pk(self, task) -> int:
        raise NotImplementedError

    def claim(self, request, task_id):
        # Only a person's step can be claimed: a start, a gateway or a job's task is not found.
        task = self.visible(request.user).filter(pk=task_id, flow_task_type="HUMAN").first()
        if task is None:
            raise Problem("not-found", _("未找到该任务，或它不在您所属组织的范围内。"))
        if not (task.owner_id == request.user.pk and task.status == STATUS.ASSIGNED):  # one's own: as the page, done
            claim_task(task, request.user)
            task.refresh_from_db()
        url = request.build_absolute_uri(reverse(self.subject_url, args=[self.subject_pk(task)]))
        return Response(ClaimedSerializer({"task": task_ref(task), "subject": url}).data)


CLAIM_SCHEMA = dict(
    tags=["worklists"], request=None,
    responses={200: ClaimedSerializer, **problems(403, 404, 409, 422)},
    examples=[NOT_FOUND_EXAMPLE, OpenApiExample(
        "claimed-by-another", response_only=True, status_codes=["403"],
        value={"type": "urn:unioncase:problem:forbidden", "title": "没有权限", "status": 403,
               "detail": "该任务已由李明领取，不能重复领取。", "instance": "/api/v1/disputes/tasks/412/claim"})],
)


class ClaimDisputeTask(ClaimView):
    subject_url = "api:dispute-detail"

    def visible(self, user):
        return visible_tasks(user)

    def subject_pk(self, task) -> int:
        return task.process.disputeprocess.case_id

    @extend_schema(operation_id="dispute_task_claim", summary=_("领取劳动争议任务"),
                   description=_("从待领取中领取任务；规则和拒绝的提示与领取页面相同。可带 Idempotency-Key。"),
                   **CLAIM_SCHEMA)
    @idempotent
    def post(self, request, task_id):
        return self.claim(request, task_id)


class HardshipTaskSerializer(serializers.Serializer):
    """A task of a hardship file (or of an objection to its publicity)."""

    id = serializers.IntegerField(help_text=_("任务编号"))
    node = serializers.CharField(help_text=_("流程节点代码，如 home_visit"))
    title = serializers.CharField(help_text=_("阶段（任务名称）"))
    status = serializers.CharField(help_text=_("任务状态：NEW 待领取、ASSIGNED 已领取"))
    created = serializers.DateTimeField(help_text=_("任务产生时间"))
    file_id = serializers.IntegerField(help_text=_("档案编号（数据库）"))
    file_number = serializers.CharField(allow_blank=True, help_text=_("档案编号；建档前为空"))
    head = serializers.CharField(help_text=_("户主姓名"))
    note = serializers.CharField(allow_blank=True, help_text=_("说明，如“本人经办，不能审批”"))
    file = serializers.URLField(help_text=_("档案详情的接口地址"))
    claim = serializers.URLField(allow_null=True, help_text=_("领取地址（POST）；只出现在待领取中"))


class HardshipTaskList(StaffView):
    pagination_class = KeysetPagination
    cursor_keys = (Key("created", "created", "datetime"), Key("pk", "pk"))
    queue = False

    def get(self, request):
        from workflows.hardship.views import hardship_inbox, hardship_queue

        tasks = (hardship_queue if self.queue else hardship_inbox)(request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(tasks, request, view=self)
        return paginator.get_paginated_response(HardshipTaskSerializer([self.row(request, t) for t in page],
                                                                       many=True).data)

    def row(self, request, task) -> dict:
        file = task.process.coerced.subject
        flow_task = task.flow_task
        excluded = hasattr(flow_task, "excluded") and flow_task.excluded(request.user, task)
        claim = reverse("api:hardship-task-claim", args=[task.pk]) if self.queue else None
        return {"id": task.pk, "node": flow_task.name, "title": task_title(task), "status": task.status,
                "created": task.created, "file_id": file.pk, "file_number": file.number,
                "head": file.household.head.name, "note": str(_("本人经办，不能审批")) if excluded else "",
                "file": request.build_absolute_uri(reverse("api:hardship-detail", args=[file.pk])),
                "claim": request.build_absolute_uri(claim) if claim else None}


HARDSHIP_TASK_EXAMPLE = {
    "id": 233, "node": "home_visit", "title": "入户调查", "status": "ASSIGNED", "created": "2026-11-02T10:15:00+08:00",
    "file_id": 8, "file_number": "", "head": "张建国", "note": "",
    "file": "https://unioncase.example/api/v1/hardship/files/8", "claim": None,
}


class MyHardshipTasks(HardshipTaskList):
    @extend_schema(
        operation_id="hardship_tasks_mine", tags=["worklists"], summary=_("我的待办（困难职工帮扶）"),
        description=_("已领取、尚未办理的帮扶和异议核查任务，先产生的在前；与帮扶流程的“我的待办”页面相同。"),
        responses={200: HardshipTaskSerializer(many=True), **problems(422)},
        examples=[OpenApiExample("mine", response_only=True, value=[HARDSHIP_TASK_EXAMPLE])],
    )
    def get(self, request):
        return super().get(request)


class HardshipQueue(HardshipTaskList):
    queue = True

    @extend_schema(
        operation_id="hardship_tasks_queue", tags=["worklists"], summary=_("待领取（困难职工帮扶）"),
        description=_("本组织及下级组织尚未领取的帮扶和异议核查任务（不含本人经办档案的异议核查），先产生的在前。"),
        responses={200: HardshipTaskSerializer(many=True), **problems(422)},
        examples=[OpenApiExample("queue", response_only=True, value=[
            {**HARDSHIP_TASK_EXAMPLE, "status": "NEW", "claim": "https://unioncase.example/api/v1/hardship/tasks/233/claim"}])],
    )
    def get(self, request):
        return super().get(request)


class ClaimHardshipTask(ClaimView):
    subject_url = "api:hardship-detail"

    def visible(self, user):
        from workflows.hardship.views import visible_hardship_tasks

        return visible_hardship_tasks(user)

    def subject_pk(self, task) -> int:
        return task.process.coerced.subject.pk

    @extend_schema(operation_id="hardship_task_claim", summary=_("领取帮扶任务"),
                   description=_("从待领取中领取任务；规则和拒绝的提示与领取页面相同。可带 Idempotency-Key。"),
                   **CLAIM_SCHEMA)
    @idempotent
    def post(self, request, task_id):
        return self.claim(request, task_id)
