"""Registering and deactivating system clients, and what the token endpoint grants them.

A system client is an OAuth2 application of the client-credentials grant (django-oauth-toolkit)
with a `SystemClient` beside it: the organisation whose subtree it may read and write, and its
scopes. `register_client` makes both and answers the client secret, which is stored hashed
and never shown again; `deactivate_client` stops the client and revokes its tokens. Both are
journalled.

The token endpoint (/api/v1/oauth/token/) grants a token only to an active system client, by the
client-credentials grant only, and only for scopes the client holds (all of them when it asks
for none): `SystemClientValidator` and `SystemClientScopes`, named in settings.OAUTH2_PROVIDER.
Its failed client authentications are limited per client id and per address (token_failures.py).
"""

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.views import TokenView

from api.system.models import SCOPES, SystemClient
from api.system.token_failures import TokenFailures
from cases.models import AuditAction, Organisation
from cases.models.actors import system
from cases.platform.audit.journal import append_event


@transaction.atomic
def register_client(*, name: str, organisation: Organisation, scopes: list[str], by) -> tuple[SystemClient, str]:
    """A new system client; returns it with its client secret (shown once, stored hashed)."""
    Application = get_application_model()
    secret = generate_client_secret()
    application = Application(
        name=name.strip()[:255], user=None, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=secret,
        hash_client_secret=True, redirect_uris="", skip_authorization=True)
    application.save()
    client = SystemClient(application=application, name=name.strip(), organisation=organisation,
                          scopes=" ".join(dict.fromkeys(scopes)))
    client.full_clean()
    client.save()
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=client, organisation=organisation,
                 name="system_client_registered",
                 data={"client_id": application.client_id, "name": client.name, "organisation": organisation.code,
                       "scopes": sorted(client.scope_set)})
    return client, secret


@transaction.atomic
def deactivate_client(client: SystemClient, *, by, reason: str = "") -> bool:
    """Stop `client` now: no new token, and its tokens revoked. False when it was stopped already."""
    client = SystemClient.objects.select_for_update().select_related("application", "organisation").get(pk=client.pk)
    if not client.active:
        return False
    client.active, client.deactivated_at = False, timezone.now()
    client.save(update_fields=["active", "deactivated_at"])
    revoked, _by_model = get_access_token_model().objects.filter(application=client.application).delete()
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=client, organisation=client.organisation,
                 name="system_client_deactivated", reason=reason.strip(),
                 data={"client_id": client.application.client_id, "name": client.name, "tokens_revoked": revoked})
    return True


def actor_of(client: SystemClient):
    """Who a client's writes are journalled as: the system, under the client's principal."""
    return system(client.principal)


def client_of(application) -> SystemClient | None:
    """The system client of an OAuth2 application, if it is one."""
    if application is None:
        return None
    cached = getattr(application, "_system_client", None)
    if cached is None:
        cached = SystemClient.objects.select_related("organisation").filter(application=application).first()
        application._system_client = cached
    return cached


class SystemClientScopes(BaseScopes):
    """The scopes there are (SCOPES), and those a client may be granted: its own, while active."""

    def get_all_scopes(self):
        return {scope: str(text) for scope, text in SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = client_of(application)
        return sorted(client.scope_set) if client is not None and client.active else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)


class SystemClientValidator(OAuth2Validator):
    """Tokens for active system clients by the client-credentials grant, and nothing else."""

    def validate_user(self, username, password, client, request, *args, **kwargs):
        return False  # no person signs in here: the password grant is never allowed

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type != "client_credentials":
            return False
        system_client = client_of(request.client)
        if system_client is None or not system_client.active:
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)


class SystemTokenView(TokenView):
    """/api/v1/oauth/token/: the client-credentials grant only. A client id or an address with too
    many failed client authentications lately is refused first (api/system/token_failures.py);
    any other grant is refused before anything else is looked at (no person's password is ever
    checked here)."""

    def post(self, request, *args, **kwargs):
        failures = TokenFailures(request)
        refusal = failures.refusal()
        if refusal is not None:
            return refusal
        if request.POST.get("grant_type") != "client_credentials":
            return JsonResponse({"error": "unsupported_grant_type",
                                 "error_description": gettext("只支持 client_credentials（客户端凭证）方式。")}, status=400,
                                headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
        response = super().post(request, *args, **kwargs)
        if response.status_code == 401:  # invalid_client: the client id or its secret is wrong
            failures.record()
        return response
