"""Staff accounts as organisation admins keep them: a password an admin set (a new account's
first password, or a reset) is temporary, and its holder must choose their own at the next
sign-in before doing anything else (workflows/accounts/middleware.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TemporaryPassword(models.Model):
    """The account's current password was set by an admin: it must be replaced at sign-in.

    The row never holds the password itself; it is removed the moment the account's password
    is changed by anyone other than an admin issuing another temporary one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        related_name="temporary_password",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    issued_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("临时密码")
        verbose_name_plural = _("临时密码")

    def __str__(self):
        return f"{self.user} · {self.issued_at:%Y-%m-%d %H:%M}"
