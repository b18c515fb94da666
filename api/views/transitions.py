"""`POST /api/v1/disputes/{id}/transitions/{name}` and `POST /api/v1/hardship/files/{id}/transitions/{name}`:
every transition a person may take, through the same door as the pages.

The body carries the fields of the form the page uses (JSON, or multipart/form-data where a
scan is uploaded); workflows/transition_requests.py finds that form where the case stands, checks
the data with it and calls the door the page calls. The answer is the new state, the clocks the
transition opened, met and cancelled, the documents it issued (with their download addresses)
and the open tasks after it. One view class per transition, so that the schema describes each
body on its own (api/schema.py).
"""

from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.idempotency import idempotent
from api.problems import Problem
from api.schema import request_examples, request_serializer, specs_of
from api.serializers import TransitionResultSerializer, clock_of, document_of, status_of, task_ref
from api.views.common import FORBIDDEN_EXAMPLE, NOT_FOUND_EXAMPLE, StaffView, problems
from cases.documents.registry import get_kind
from cases.models import DisputeCase, HardshipFile
from cases.selectors import case_documents, file_documents, transition_labels
from workflows.dispute.flow import OPEN_TASK_STATUSES
from workflows.dispute.pages import readable_case, subject_tasks
from workflows.transition_requests import take

TASK_PARAMETER = OpenApiParameter(
    "task", int, OpenApiParameter.QUERY, required=False,
    description=_("办理这一事项的流程任务编号：只有同时有几个任务可以办理时才需要（如几项公示异议的核查）。"))

RESULT_EXAMPLE = {
    "transition": "accept", "label": "受理", "way": "step",
    "from_state": {"code": "registered", "label": "已登记"}, "state": {"code": "accepted", "label": "已受理"},
    "event": 5321,
    "clocks": {"opened": [{"clock": "dispute.mediation", "name": "调解期限", "state": "open", "starts_on": "2026-11-03",
                           "due_on": "2026-11-18", "provisional": False, "imported": False, "remaining": "",
                           "level": ""}],
               "met": [{"clock": "dispute.acceptance", "name": "受理期限", "state": "met", "starts_on": "2026-11-02",
                        "due_on": "2026-11-05", "provisional": False, "imported": False, "remaining": "", "level": ""}],
               "cancelled": []},
    "documents": [{"id": 88, "kind": "dispute.acceptance_notice", "title": "受理通知书", "variant": "劳动者", "version": 1,
                   "created_at": "2026-11-03T10:02:11+08:00", "sha256": "9f2c…", "size": 48213,
                   "download": "https://unioncase.example/api/v1/disputes/17/documents/88"}],
    "documents_pending": [],
    "open_tasks": [{"id": 415, "node": "assign_mediator", "title": "分配调解员", "status": "NEW", "owner": None}],
}
REFUSED_EXAMPLE = OpenApiExample(
    "refused", response_only=True, status_codes=["409"],
    value={"type": "urn:unioncase:problem:refused", "title": "当前不能办理此事项", "status": 409,
           "detail": "当前状态下不能执行“accept”。", "instance": "/api/v1/disputes/17/transitions/accept"})
INVALID_EXAMPLE = OpenApiExample(
    "invalid", response_only=True, status_codes=["422"],
    value={"type": "urn:unioncase:problem:invalid", "title": "提交的内容有误", "status": 422,
           "detail": "不予受理须填写理由。", "instance": "/api/v1/disputes/17/transitions/reject",
           "errors": {"reason": ["不予受理须填写理由。"]}})


def form_input(request) -> tuple[dict, dict]:
    """The body as a form's fields (an uploaded file apart), whether sent as JSON or as a form."""
    files = {name: request.FILES[name] for name in request.FILES}
    data = request.data
    if hasattr(data, "lists"):
        data = {key: values[0] if len(values) == 1 else values for key, values in data.lists() if key not in files}
    elif not isinstance(data, dict):
        raise Problem("invalid", _("请求体应为 JSON 对象，键为所办事项表单的字段名。"))
    return dict(data), files


def _task_id(request) -> int | None:
    text = request.query_params.get("task")
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise Problem("invalid", _("task 须为任务编号（整数）。"), errors={"task": [_("请填写任务编号。")]}) from None


def _pending(subject, declared: list[str], issued: set[str]) -> list[str]:
    pending = []
    for kind in declared:
        try:
            declared_kind = get_kind(kind)
        except LookupError:
            continue
        if kind not in issued and (declared_kind.applies is None or declared_kind.applies(subject)):
            pending.append(kind)
    return pending


class TransitionView(StaffView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    model = None
    name = ""
    url_name = ""
    document_url = ""

    def readable(self, user, pk):
        raise NotImplementedError

    def documents(self, subject):
        raise NotImplementedError

    def take(self, request, pk):
        subject = self.readable(request.user, pk)
        data, files = form_input(request)
        taken = take(subject, self.name, by=request.user, data=data, files=files, task_id=_task_id(request))
        fresh = self.readable(request.user, pk)
        return Response(TransitionResultSerializer(self.result(request, fresh, taken)).data)

    def result(self, request, subject, taken) -> dict:
        outcome, changes = taken.outcome, taken.outcome.deadlines
        statuses = dict(self.model._meta.get_field("status").choices)
        issued = list(self.documents(subject).filter(transition_event=outcome.event))
        tasks = subject_tasks(subject).filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
        return {
            "transition": self.name, "label": transition_labels(self.model).get(self.name, self.name), "way": taken.way,
            "from_state": {"code": outcome.from_state, "label": str(statuses.get(outcome.from_state, outcome.from_state))},
            "state": status_of(subject), "event": outcome.event.seq,
            "clocks": {"opened": [clock_of(d) for d in changes.opened], "met": [clock_of(d) for d in changes.met],
                       "cancelled": [clock_of(d) for d in changes.cancelled]},
            "documents": [document_of(request, d, url_name=self.document_url, subject_pk=subject.pk) for d in issued],
            "documents_pending": _pending(subject, (outcome.event.data or {}).get("documents", []),
                                          {d.kind for d in issued}),
            "open_tasks": [task_ref(task) for task in tasks.select_related("owner").order_by("pk")],
        }


class DisputeTransition(TransitionView):
    model, url_name, document_url = DisputeCase, "api:dispute-transition", "api:dispute-document"

    def readable(self, user, pk):
        return readable_case(user, pk)

    def documents(self, subject):
        return case_documents(subject)


class HardshipTransition(TransitionView):
    model, url_name, document_url = HardshipFile, "api:hardship-transition", "api:hardship-document"

    def readable(self, user, pk):
        from workflows.hardship.file.access import readable_file

        return readable_file(user, pk)

    def documents(self, subject):
        return file_documents(subject)


def _view_for(base, spec):
    name = spec.name
    body = request_serializer(base.model, name, spec)
    media = ("multipart/form-data",) if body.has_files else ("application/json", "multipart/form-data")
    label = spec.custom.get("label") or name
    tag = "disputes" if base is DisputeTransition else "hardship"

    @extend_schema(
        operation_id=f"{tag}_transition_{name}", tags=[tag], summary=format_lazy(_("{label}（{name}）"), label=label, name=name),
        description=format_lazy("{}\n\n{}", body.__doc__ or "", _(
            "与页面相同的表单校验、同一状态变更入口和同样的拒绝提示。可带 Idempotency-Key：重复提交得到第一次的应答。")),
        request={media_type: body for media_type in media}, parameters=[TASK_PARAMETER],
        responses={200: TransitionResultSerializer, **problems(403, 404, 409, 422)},
        examples=[*request_examples(name), OpenApiExample(f"{name}-result", response_only=True,
                                                                  value={**RESULT_EXAMPLE, "transition": name,
                                                                         "label": str(label)}),
                  REFUSED_EXAMPLE, INVALID_EXAMPLE, FORBIDDEN_EXAMPLE, NOT_FOUND_EXAMPLE],
    )
    @idempotent
    def post(self, request, pk, name):
        return self.take(request, pk)

    return type(f"{base.__name__}_{name}", (base,), {"name": name, "post": post})


def transition_paths(base, prefix: str, url_name: str) -> list:
    """One path per transition of `base.model` that a person may ask for by name."""
    return [path(f"{prefix}/<int:pk>/transitions/{name}", _view_for(base, spec).as_view(), name=url_name,
                 kwargs={"name": name}) for name, spec in specs_of(base.model).items()]

