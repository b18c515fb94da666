"""Four middlewares of sign-in security (settings.MIDDLEWARE, after OTPMiddleware).

TwoFactorMiddleware: a signed-in user who has a confirmed authenticator but has not entered its
code this session reaches only the verification page; one who must have an authenticator
(superusers, TWO_FACTOR_ROLES) and has none reaches only enrolment. Signing out and switching
the language stay open to both.

TemporaryPasswordMiddleware: a signed-in user whose password an admin set must choose their own first.

IdleTimeoutMiddleware: a session's idle period starts again with each request (to the minute).

NoStoreMiddleware: every response to a signed-in user, pages and downloads alike, carries
`Cache-Control: no-store` (with Django's other never-cache headers), so no browser or proxy
keeps a copy of a case, an ID number or a document. Static files are the exception.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from cases.platform.signin.two_factor import ENROL, VERIFY, step_required

STEP_URL_NAMES = {VERIFY: "two_factor_verify", ENROL: "two_factor_enrol"}
ACTIVITY_KEY = "_uc_last_activity"


def _is_static(path: str) -> bool:
    return path.startswith("/" + settings.STATIC_URL.lstrip("/"))


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = self.step_required(request)
        if step is not None:
            target = reverse(step)
            if request.path_info != target:
                return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def step_required(request) -> str | None:
        """The URL name the user must go through first, or None."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        path = request.path_info
        if _is_static(path) or path in (reverse("logout"), reverse("set_language")):
            return None
        step = step_required(user)
        return STEP_URL_NAMES[step] if step else None


# Set at sign-in when the password is one an organisation admin set (remember_temporary_password,
# connected in workflows/apps.py): the middleware asks the database only for such sessions, not on
# every request of everyone. A reset signs the user's other sessions out (the session's password
# hash no longer matches), so the next sign-in sets it.
TEMPORARY_PASSWORD_SESSION_KEY = "unioncase_temporary_password"


def remember_temporary_password(sender, request, user, **kwargs):
    from cases.models import TemporaryPassword

    if request is not None and TemporaryPassword.objects.filter(user=user).exists():
        request.session[TEMPORARY_PASSWORD_SESSION_KEY] = True


def _still_temporary(request, user, model) -> bool:
    if model.objects.filter(user=user).exists():
        return True
    request.session.pop(TEMPORARY_PASSWORD_SESSION_KEY, None)  # changed since: stop asking
    return False


class TemporaryPasswordMiddleware:
    """A signed-in user whose password an organisation admin set (cases.models.TemporaryPassword:
    a new account, or a reset) reaches only the password change page until they have chosen
    their own; signing out and switching the language stay open. After TwoFactorMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _is_static(request.path_info):
            from cases.models import TemporaryPassword

            open_paths = (reverse("password_change"), reverse("logout"), reverse("set_language"))
            if (request.path_info not in open_paths and request.session.get(TEMPORARY_PASSWORD_SESSION_KEY)
                    and _still_temporary(request, user, TemporaryPassword)):
                from django.contrib import messages
                from django.utils.translation import gettext as _

                if request.method == "GET":
                    messages.info(request, _("您正在使用组织管理员设置的临时密码，请先设置您自己的新密码。"))
                return HttpResponseRedirect(reverse("password_change"))
        return self.get_response(request)


class RolesReadOnceMiddleware:
    """One request asks which roles its user holds over the same organisation many times (the
    page's own check, each action it offers, the door's check of the one taken): each question
    is read once per request (cases.models.access.roles_read_once; a membership saved or
    deleted meanwhile empties the memo)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from cases.models.access import roles_read_once

        with roles_read_once():
            return self.get_response(request)


class IdleTimeoutMiddleware:
    """Starts a signed-in session's idle period again (SESSION_COOKIE_AGE from now) on a request,
    at most once a minute, so that a page view is not a database write. With
    SESSION_EXPIRE_AT_BROWSER_CLOSE the cookie itself ends with the browser."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session, user = getattr(request, "session", None), getattr(request, "user", None)
        # A request signed by an API token has no session to keep alive (and must not start one).
        if session is not None and session.session_key and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(ACTIVITY_KEY, 0) >= self.REFRESH_SECONDS:
                session[ACTIVITY_KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _is_static(request.path_info):
            add_never_cache_headers(response)
        return response
