"""Who is calling a system endpoint, and what it may do there.

- `SystemClientAuthentication`: `Authorization: Bearer <access token>` from the token endpoint
  (django-oauth-toolkit). The request's `auth` is then the client's `ClientCredentials` (its
  principal "client:<id>" names it for rate limits and idempotency keys), its `user` nobody.
  A bearer token that is a staff member's personal token (`uc_…`) is left to the classes that
  know it, so that it can be told it has no business here.
- `SystemScope`: a system endpoint answers system clients only (a staff member, by session or
  personal token, gets a 403 problem), and only those holding the endpoint's scope — its
  `read_scope` for GET, its `write_scope` for POST — both in the token and in the client's
  registration now (a scope withdrawn after the token was issued is withdrawn at once).
- `RefuseSystemClient`: on the staff endpoints, a system client's valid token gets a 403 problem
  rather than a bare 401.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.auth import TOKEN_PREFIX, PersonalTokenAuthentication, StaffSessionAuthentication
from api.system.clients import client_of
from api.system.models import SCOPES

TOKEN_URL = "/api/v1/oauth/token/"


class ClientCredentials:
    """A system client's request: the client, its token and the scopes it holds now."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    @property
    def principal(self) -> str:
        return self.client.principal

    @property
    def scopes(self) -> set[str]:
        return set((self.token.scope or "").split()) & self.client.scope_set


def _bearer(request) -> bytes | None:
    parts = get_authorization_header(request).split()
    if len(parts) == 2 and parts[0].lower() == b"bearer":
        return parts[1]
    return None


class SystemClientAuthentication(OAuth2Authentication):
    """A system client's OAuth2 access token (client credentials)."""

    def authenticate(self, request):
        token_text = _bearer(request)
        if token_text is None or token_text.startswith(TOKEN_PREFIX.encode()):
            return None
        found = super().authenticate(request)
        if found is None:
            raise exceptions.AuthenticationFailed(_("访问令牌无效或已过期：请向 %(url)s 重新获取。") % {"url": TOKEN_URL})
        _user, token = found
        client = client_of(token.application)
        if token.user_id is not None or client is None or not client.active:
            raise exceptions.AuthenticationFailed(_("该系统客户端已停用或未登记，访问令牌不再有效。"))
        return AnonymousUser(), ClientCredentials(client, token)


class RefuseSystemClient(BaseAuthentication):
    """Last of a staff endpoint's ways in: a system client's valid token is refused (403)."""

    def authenticate(self, request):
        try:
            found = SystemClientAuthentication().authenticate(request)
        except exceptions.AuthenticationFailed:
            return None  # not a system client's token: the staff endpoint's own 401 says what to send
        if found is not None:
            raise exceptions.PermissionDenied(_("系统客户端不能调用工作人员接口：请使用 /api/v1/applications/、"
                                                "/api/v1/civil-affairs/、/api/v1/statistics/ 下的系统接口。"))
        return None


class StaffTokenOnSystemEndpoint(PersonalTokenAuthentication):
    """A personal token recognised on a system endpoint, so that SystemScope refuses it by name."""


class StaffSessionOnSystemEndpoint(StaffSessionAuthentication):
    """A staff session recognised on a system endpoint, so that SystemScope refuses it by name."""


SYSTEM_AUTHENTICATION = [SystemClientAuthentication, StaffTokenOnSystemEndpoint, StaffSessionOnSystemEndpoint]


def required_scope(view, method: str) -> str:
    return view.read_scope if method in SAFE_METHODS else view.write_scope


class SystemScope(BasePermission):
    def has_permission(self, request, view):
        credentials = request.auth
        if not isinstance(credentials, ClientCredentials):
            if request.user is not None and request.user.is_authenticated:
                raise exceptions.PermissionDenied(_("该接口只供系统客户端调用（OAuth2客户端凭证）；工作人员的会话和个人接口令牌"
                                                    "不能调用系统接口。"))
            raise exceptions.NotAuthenticated(_("请提供系统客户端的访问令牌（Authorization: Bearer 令牌）；令牌以客户端凭证"
                                                "向 %(url)s 获取。") % {"url": TOKEN_URL})
        scope = required_scope(view, request.method)
        if scope not in credentials.scopes:
            raise exceptions.PermissionDenied(_("本客户端没有“%(scope)s”权限范围（%(what)s），不能调用该接口。")
                                              % {"scope": scope, "what": SCOPES[scope]})
        return True


class SystemClientScheme(OpenApiAuthenticationExtension):
    target_class = SystemClientAuthentication
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": str(_("系统客户端：以登记时得到的客户端编号和密钥（HTTP Basic），按 client_credentials 方式向令牌地址"
                                 "获取访问令牌，再以“Authorization: Bearer 令牌”调用。客户端只能访问其登记的组织及下级组织的数据，"
                                 "只能调用其权限范围内的接口。")),
            "flows": {"clientCredentials": {"tokenUrl": TOKEN_URL,
                                            "scopes": {scope: str(text) for scope, text in SCOPES.items()}}},
        }

    def get_security_requirement(self, auto_schema):
        return {self.name: [required_scope(auto_schema.view, auto_schema.method)]}
