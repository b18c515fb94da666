"""Errors as RFC 9457 problem details (`application/problem+json`), in the pages' own words.

Every error the API answers is one object: `type` (a URN naming the kind of problem), `title`
(the kind in words), `status`, `detail` (the Chinese message the page would show: the door's
refusal, the form's error, the scope's 404), `instance` (the request's path) and, for a form's
or a body's errors, `errors`: each field's messages by the field's name (`non_field_errors` for
the form as a whole).
"""

from urllib.parse import unquote_plus

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from django.utils.translation import gettext, gettext_lazy as _
from django_fsm import ConcurrentTransition
from rest_framework import exceptions
from rest_framework.response import Response

from cases.platform.transitions import TransitionRefused
from workflows.transition_requests import FormRefused

PROBLEM_CONTENT_TYPE = "application/problem+json"
NON_FIELD = "non_field_errors"

# kind → (status, title)
KINDS = {
    "invalid": (422, _("提交的内容有误")),
    "refused": (409, _("当前不能办理此事项")),
    "conflict": (409, _("该事项已被他人处理")),
    "forbidden": (403, _("没有权限")),
    "not-found": (404, _("未找到")),
    "not-authenticated": (401, _("未登录或令牌无效")),
    "throttled": (429, _("请求过于频繁")),
    "bad-request": (400, _("请求格式不正确")),
    "method-not-allowed": (405, _("不支持该请求方法")),
    "unsupported-media-type": (415, _("不支持该内容类型")),
    "not-acceptable": (406, _("无法按所要求的格式应答")),
    "idempotency-key-reused": (422, _("幂等键已用于另一请求")),
    "idempotency-in-progress": (409, _("同一幂等键的请求正在处理")),
    # System clients (api/system/)
    "warnings-unacknowledged": (422, _("申请有须经申请人确认的提示")),
    "batch-id-reused": (422, _("批次编号已用于内容不同的另一批数据")),
    "batch-in-progress": (409, _("同一批次正在导入")),
}


def problem_type(kind: str) -> str:
    return f"urn:unioncase:problem:{kind}"


class Problem(exceptions.APIException):
    """A problem raised by the API's own code: its kind, the Chinese message, field errors."""

    def __init__(self, kind: str, detail: str, *, errors: dict | None = None, headers: dict | None = None):
        self.kind, self.errors, self.headers = kind, errors, headers or {}
        self.status_code = KINDS[kind][0]
        super().__init__(detail)


def problem_response(request, kind: str, detail: str, *, errors: dict | None = None,
                     headers: dict | None = None) -> Response:
    status_code, title = KINDS[kind]
    body = {"type": problem_type(kind), "title": str(title), "status": status_code, "detail": str(detail),
            "instance": request.get_full_path() if request is not None else ""}
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _messages(error: ValidationError) -> tuple[str, dict | None]:
    if hasattr(error, "error_dict"):
        errors = {(NON_FIELD if field == "__all__" else field): [str(m) for m in messages]
                  for field, messages in error.message_dict.items()}
        return "；".join(m for messages in errors.values() for m in messages), errors
    return "；".join(str(m) for m in error.messages), None


def form_errors(form) -> dict:
    return {(NON_FIELD if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in form.errors.items()}


def _drf_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {field: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
                for field, messages in detail.items()}
    return {NON_FIELD: [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def _classify(exc) -> tuple[str, str, dict | None, dict]:
    """(kind, detail, errors, headers) of an exception."""
    if isinstance(exc, Problem):
        return exc.kind, str(exc.detail), exc.errors, exc.headers
    if isinstance(exc, FormRefused):
        errors = form_errors(exc.form)
        return "invalid", "；".join(m for messages in errors.values() for m in messages), errors, {}
    if isinstance(exc, TransitionRefused):
        detail, _errors = _messages(exc)
        return "refused", detail, None, {}
    if isinstance(exc, ValidationError):
        detail, errors = _messages(exc)
        return "invalid", detail, errors, {}
    if isinstance(exc, ConcurrentTransition):
        return "conflict", str(exc) or gettext("该事项已被他人处理，请刷新后查看最新状态。"), None, {}
    if isinstance(exc, PermissionDenied):
        return "forbidden", str(exc) or gettext("您没有执行此操作的权限。"), None, {}
    if isinstance(exc, Http404):
        message = str(exc)  # ours are Chinese; get_object_or_404's English names the model
        return "not-found", message if _has_chinese(message) else gettext(
            "未找到该记录，或它不在您所属组织的范围内。"), None, {}
    return _classify_drf(exc)


def _classify_drf(exc) -> tuple[str, str, dict | None, dict]:
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        return "throttled", gettext("请求过于频繁，请%(seconds)s秒后再试。") % {"seconds": wait}, None, \
            {"Retry-After": str(wait)}
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        detail = str(exc.detail)
        if isinstance(exc, exceptions.NotAuthenticated) and detail == str(exceptions.NotAuthenticated.default_detail):
            detail = gettext("请先登录工作台，或在请求头中提供个人接口令牌（Authorization: Bearer 令牌）。")
        return "not-authenticated", detail, None, {}
    if isinstance(exc, exceptions.PermissionDenied):
        detail = str(exc.detail)
        if not _has_chinese(detail):  # DRF's own words, e.g. a missing CSRF token
            detail = gettext("没有权限：%(reason)s") % {"reason": detail}
        return "forbidden", detail, None, {}
    if isinstance(exc, exceptions.NotFound):
        return "not-found", gettext("未找到该记录，或它不在您所属组织的范围内。"), None, {}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method-not-allowed", gettext("该地址不支持这种请求方法。"), None, {}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "unsupported-media-type", gettext("请以 JSON 或 multipart/form-data 提交。"), None, {}
    if isinstance(exc, exceptions.NotAcceptable):
        return "not-acceptable", gettext("本接口以 JSON 应答。"), None, {}
    if isinstance(exc, exceptions.ParseError):
        return "bad-request", gettext("请求内容无法解析：请提交有效的 JSON。"), None, {}
    if isinstance(exc, exceptions.ValidationError):
        errors = _drf_errors(exc.detail)
        return "invalid", "；".join(m for messages in errors.values() for m in messages), errors, {}
    return "bad-request", str(getattr(exc, "detail", exc)), None, {}


HANDLED = (Problem, FormRefused, ValidationError, ConcurrentTransition, PermissionDenied, Http404,
           exceptions.APIException)


def problem_handler(exc, context):
    """REST framework's EXCEPTION_HANDLER: every error we can name as a problem; others raise (500)."""
    if not isinstance(exc, HANDLED):
        return None
    kind, detail, errors, headers = _classify(exc)
    response = problem_response(context.get("request"), kind, detail, errors=errors, headers=headers)
    auth_header = getattr(exc, "auth_header", None)  # set by REST framework for a 401
    if auth_header:
        response["WWW-Authenticate"] = auth_header
    return response


def problem_json(request, kind: str, detail: str, *, headers: dict | None = None) -> JsonResponse:
    """A problem answered outside REST framework (no view of its reached): the same body, as JSON."""
    status_code, title = KINDS[kind]
    body = {"type": problem_type(kind), "title": str(title), "status": status_code, "detail": detail,
            "instance": request.get_full_path()}
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE, headers=headers,
                        json_dumps_params={"ensure_ascii": False})


def not_found(request, exception=None):
    """The site's handler404: an address under /api/ that names no endpoint (an unknown path, an id
    that is not a number) answers a 404 problem like the API's own, not the pages' HTML."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    return problem_json(request, "not-found",
                        gettext("接口中没有这个地址：请对照接口文档（/api/v1/docs/）检查路径和其中的编号。"))


class NulInAddress:
    """Middleware: a request under /api/ whose path or query holds a NUL character is a 400 problem
    before any view reads it. No code, id or batch number holds one, and PostgreSQL refuses to
    compare text that does (a 500 wherever a path or query value reached a query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and (
                "\x00" in request.path or "\x00" in unquote_plus(request.META.get("QUERY_STRING", ""))):
            return problem_json(request, "bad-request", gettext("请求地址中含有不允许的字符（NUL）：请检查路径和查询参数。"))
        return self.get_response(request)
