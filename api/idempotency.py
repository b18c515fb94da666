"""`Idempotency-Key` on every POST: a repeat gets the first answer, never a second action.

The first request with a key (per caller) stores a record before it is answered; its answer
(status, body, content type) is kept with it once made, for API_IDEMPOTENCY_HOURS hours. A
repeat with the same key and the same request (method, path with query, body and uploaded
files' contents) gets that answer again, marked `Idempotent-Replayed: true`; with a different
request, a 422 problem; while the first is still being answered, a 409 problem. An answer
that is a server error (5xx) is not kept: the request may be sent again with the same key.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from api.auth import principal
from api.models import IdempotencyRecord
from api.problems import Problem

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEPT_HEADERS = ("Location",)  # the content type is the response's own (not yet rendered here)


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= 255 and all(33 <= ord(ch) <= 126 for ch in key)


def _file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _canonical(data):
    if hasattr(data, "lists"):  # a QueryDict (form or multipart body)
        return {key: [_canonical(value) for value in values] for key, values in data.lists()}
    if hasattr(data, "chunks"):  # an uploaded file: its content counts, not its temporary name
        return {"file": getattr(data, "name", ""), "sha256": _file_digest(data)}
    if isinstance(data, dict):
        return {str(key): _canonical(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_canonical(value) for value in data]
    return data


def fingerprint(request) -> str:
    content = {"method": request.method, "path": request.get_full_path(), "data": _canonical(request.data)}
    return hashlib.sha256(json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()


def _claim(who: str, key: str, request, digest: str) -> tuple[IdempotencyRecord, bool]:
    """The record of (who, key): a new one (True) or the one already there (False)."""
    oldest = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    IdempotencyRecord.objects.filter(principal=who, created_at__lt=oldest).delete()  # the caller's expired keys
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                principal=who, key=key, method=request.method, path=request.get_full_path()[:500],
                request_hash=digest), True
    except IntegrityError:
        return IdempotencyRecord.objects.get(principal=who, key=key), False


def _replay(record: IdempotencyRecord) -> Response:
    headers = {name: value for name, value in record.response_headers.items() if name != "Content-Type"}
    headers[REPLAYED] = "true"
    return Response(record.response_body, status=record.status_code, headers=headers,
                    content_type=record.response_headers.get("Content-Type"))


def _keep(record: IdempotencyRecord, response) -> None:
    body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)) if response.data is not None else None
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    if response.content_type:
        headers["Content-Type"] = response.content_type
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=response.status_code, response_body=body,
                                                          response_headers=headers)


def idempotent(handler):
    """Wrap an APIView's `post` (after authentication, permissions and rate limits) so that it
    honours Idempotency-Key; its errors are made problem responses here, so they are kept too."""

    @functools.wraps(handler)
    def post(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not _valid_key(key):
            raise Problem("invalid", _("Idempotency-Key 须为1至255个可见ASCII字符（建议使用UUID）。"),
                          errors={HEADER: [_("幂等键格式不正确。")]})
        digest = fingerprint(request)
        record, first = _claim(principal(request), key, request, digest)
        if not first:
            if record.request_hash != digest:
                raise Problem("idempotency-key-reused", _("该幂等键已用于内容不同的另一请求；新的请求请使用新的幂等键。"))
            if record.status_code is None:
                raise Problem("idempotency-in-progress", _("使用该幂等键的请求正在处理，请稍后以同一幂等键重试以取得结果。"))
            return _replay(record)
        try:
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception as exc:  # made a problem response here, so that it is kept with the key
                response = view.handle_exception(exc)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500:
            record.delete()
        else:
            _keep(record, response)
        return response

    return post
