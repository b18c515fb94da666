"""What the API keeps: staff members' personal tokens, and the first answer to each POST sent
with an Idempotency-Key."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonalTokenQuerySet(models.QuerySet):
    def usable(self):
        """Neither revoked nor expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class PersonalToken(models.Model):
    """A staff member's token for the API: acts as that member, with their roles and scope.

    Only the token's SHA-256 is stored; the token itself is shown once, when it is made. Its
    first characters (`prefix`) name it on the account page and in the audit journal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("令牌开头"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)  # sha256 hex of the whole token
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = PersonalTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人接口令牌")
        verbose_name_plural = _("个人接口令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an Idempotency-Key, by the one who sent it.

    `principal` names who sent it: "user:<id>" for a staff member, "client:<id>" for a system
    client. While the first request is still being answered the record has no
    status; a repeat then waits for nothing and is told so (409)."""

    principal = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("幂等请求记录")
        verbose_name_plural = _("幂等请求记录")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="one_answer_per_idempotency_key"),
        ]

    def __str__(self):
        return f"{self.principal} {self.method} {self.path} [{self.key}]"


# The system clients' models live beside their code (api/system/); imported here so that Django finds them.
from api.system.models import (  # noqa: E402,F401
    CivilAffairsBatch,
    CivilAffairsBatchRecord,
    SubmittedApplication,
    SystemClient,
)
