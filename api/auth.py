"""Who is calling the API: a staff member by their session (CSRF checked) or by a personal token.

A personal token (`Authorization: Bearer uc_…`) acts as its owner, with the same roles and
organisation scope as their pages. Only its SHA-256 is stored; it is shown once when made, and
making and revoking it are journalled. A bearer token that is not a personal token (no `uc_`
prefix) is left to the next authentication class: system clients' OAuth2 tokens are read by
api/system/auth.py.

`principal(request)` names the caller for throttling and idempotency: "user:<id>" for a staff
member, "client:<id>" for a system client (through `request.auth.principal`).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header

from api.models import PersonalToken
from cases.models import AuditAction
from cases.platform.audit.journal import append_event

TOKEN_PREFIX = "uc_"
SHOWN_CHARS = 10  # the token's first characters kept to name it: "uc_" and 7 more
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_token(*, user, name: str, days: int | None) -> tuple[PersonalToken, str]:
    """A new personal token for `user`; returns it with the token text, which is never stored."""
    while True:
        text = TOKEN_PREFIX + secrets.token_urlsafe(32)
        if not PersonalToken.objects.filter(prefix=text[:SHOWN_CHARS]).exists():
            break
    now = timezone.now()
    token = PersonalToken(user=user, name=name.strip(), prefix=text[:SHOWN_CHARS], digest=digest_of(text),
                          created_at=now, expires_at=now + timedelta(days=days) if days else None)
    token.full_clean()
    token.save()
    append_event(action=AuditAction.RECORD_CHANGED, actor=user, subject=token, name="api_token_created",
                 data={"token": token.prefix, "purpose": token.name,
                       "expires_at": token.expires_at.isoformat() if token.expires_at else None})
    return token, text


@transaction.atomic
def revoke_token(token: PersonalToken, *, by) -> None:
    """Revoke `token` now (revoking twice changes nothing)."""
    token = PersonalToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=token, name="api_token_revoked",
                 data={"token": token.prefix, "purpose": token.name})


class PersonalTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer uc_…`: a staff member's personal token."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确：请求头应为“Authorization: Bearer 令牌”。"))
        try:
            text = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确：请求头应为“Authorization: Bearer 令牌”。")) from None
        if not text.startswith(TOKEN_PREFIX):
            return None  # another kind of bearer token (a system client's), for another class
        token = PersonalToken.objects.usable().select_related("user").filter(digest=digest_of(text)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被撤销。"))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class StaffSessionAuthentication(SessionAuthentication):
    """The workbench's own session; writes need the CSRF token (X-CSRFToken) as the pages do."""


def principal(request) -> str:
    """Who is calling, for rate limits and idempotency keys."""
    named = getattr(request.auth, "principal", None)  # a system client's token, when there are any
    if named:
        return str(named)
    return f"user:{request.user.pk}"


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "uc_…",
                "description": str(_("个人接口令牌：在“接口令牌”页面创建，只显示一次。"))}


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = StaffSessionAuthentication
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": str(_("工作台登录后的会话；POST 须带 X-CSRFToken 请求头。"))}
