"""Failed client authentications at the token endpoint, counted per client id and address, and
per address.

A token request whose client credentials fail (an unknown client id, a wrong secret: the
endpoint's 401 `invalid_client`) counts once under the client id it named from the address it
came from, and once under the address alone (the address as sign-ins count it:
cases/platform/signin/addresses.py). As sign-ins lock an account at an address, failures from
elsewhere never lock a client out. With API_TOKEN_FAILURE_LIMIT failures within the last
API_TOKEN_FAILURE_MINUTES under either, the endpoint answers that client id at that address, or
that address, a 429 problem with Retry-After before it
looks at the credentials — the right secret too — until the oldest of those failures leaves the
window. A token granted counts for nothing. The moment a count reaches the limit is journalled
as a failed sign-in's lockout is (LOGIN_FAILED, here `token_locked_out`).

The counts are REST framework's rate-limit histories in Django's cache, as the API's rate limits
(api/throttling.py): with several web processes, configure a shared cache (CACHES).
"""

import base64
import hashlib
import math
import time
from urllib.parse import unquote_plus

from django.conf import settings
from django.utils.translation import gettext
from rest_framework.throttling import SimpleRateThrottle

from api.problems import problem_json
from api.system.models import SystemClient
from cases.models import AuditAction
from cases.models.actors import system
from cases.platform.audit.journal import append_event
from cases.platform.signin.addresses import client_address

CLIENT_ID_KEPT = 100  # characters of a named client id the journal keeps (anyone may send any text)


class FailureCount(SimpleRateThrottle):
    """The failures under one key (a client id, or an address) within the window. Only failures
    are recorded (`record_failure`): a request let through adds nothing."""

    scope = "token_failures"

    def __init__(self, kind: str, ident: str):
        self.kind, self.ident = kind, ident
        super().__init__()

    def timer(self):
        return time.time()  # looked up at each call, so that a patched clock is seen

    def get_rate(self):
        return f"{settings.API_TOKEN_FAILURE_LIMIT}/{settings.API_TOKEN_FAILURE_MINUTES}"

    def parse_rate(self, rate):
        failures, minutes = rate.split("/")
        return int(failures), int(minutes) * 60

    def get_cache_key(self, request=None, view=None):
        digest = hashlib.sha256(self.ident.encode()).hexdigest()  # any text, made a safe cache key
        return self.cache_format % {"scope": f"{self.scope}_{self.kind}", "ident": digest}

    def throttle_success(self):
        return True

    def locked(self) -> bool:
        return not self.allow_request(None, None)

    def record_failure(self) -> bool:
        """Count a failure now; True when it is the one that reaches the limit."""
        self.allow_request(None, None)  # reads the history and drops what left the window
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
        return len(self.history) == self.num_requests


def client_id_of(request) -> str:
    """The client id a token request names: in HTTP Basic (its parts form-encoded, RFC 6749
    §2.3.1), or else in the body."""
    scheme, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return ""
        return unquote_plus(decoded.partition(":")[0])
    return request.POST.get("client_id", "")


class TokenFailures:
    """The counts one token request falls under: its address's and, when it names one, its client id's."""

    def __init__(self, request):
        self.request = request
        self.client_id, self.address = client_id_of(request), client_address(request)
        self.counts = [FailureCount("address", self.address)]
        if self.client_id:
            # The client id from this address, not the client id alone: a client's id is no secret,
            # and anyone failing with it elsewhere must not lock the client out of its tokens.
            self.counts.append(FailureCount("client_id", f"{self.client_id}\n{self.address}"))

    def refusal(self):
        """The 429 problem when the client id or the address is locked; None when neither is."""
        waits = [count.wait() or count.duration for count in self.counts if count.locked()]
        if not waits:
            return None
        seconds = max(1, math.ceil(max(waits)))
        detail = gettext("获取访问令牌时客户端认证失败的次数过多，请%(seconds)s秒后再试。") % {"seconds": seconds}
        return problem_json(self.request, "throttled", detail, headers={"Retry-After": str(seconds)})

    def record(self) -> None:
        """Count a failed client authentication; journal the lockout it starts, if it does."""
        reached = [count.kind for count in self.counts if count.record_failure()]
        if reached:
            self._journal_lockout(reached)

    def _journal_lockout(self, reached: list[str]) -> None:
        client = (SystemClient.objects.select_related("organisation").filter(application__client_id=self.client_id)
                  .first() if self.client_id else None)
        append_event(action=AuditAction.LOGIN_FAILED, actor=system("oauth_token"), name="token_locked_out",
                     subject=client, organisation=client.organisation if client else None,
                     data={"client_id": self.client_id[:CLIENT_ID_KEPT], "ip": self.address, "locked": reached,
                           "failures": settings.API_TOKEN_FAILURE_LIMIT,
                           "minutes": settings.API_TOKEN_FAILURE_MINUTES})
