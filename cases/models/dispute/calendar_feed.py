"""A user's secret calendar address: the token in the URL of their iCalendar feed of mediation
sessions (cases/disputes/schedule.py). The token is the feed's only credential, so it is long
and random, one per user, and replaced (never edited) when the user regenerates it: the old
address then answers nothing. No field history: a history table would keep every old token."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_BYTES = 32  # 256 random bits; token_urlsafe writes them as 43 characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarFeed(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="calendar_feed")
    token = models.CharField(_("订阅令牌"), max_length=64, unique=True, default=new_token, editable=False)
    issued_at = models.DateTimeField(_("生成时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("日历订阅地址")
        verbose_name_plural = _("日历订阅地址")

    def __str__(self):
        return _("%(user)s的日历订阅地址") % {"user": self.user}
