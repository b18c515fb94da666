"""Rate limits per caller (a staff member, or a system client), reads and writes apart.

The rates are settings (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: API_READ_RATE, API_WRITE_RATE)
and the counts live in Django's cache: with several web processes, configure a shared cache
(CACHES) or each process counts on its own.
"""

import time

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.auth import principal

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class PrincipalThrottle(SimpleRateThrottle):
    methods: tuple[str, ...] = ()

    def timer(self):
        return time.time()  # looked up at each call (a class attribute would bind a patched clock as a method)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read now: settings may change (tests)

    def allow_request(self, request, view):
        if (request.method in SAFE_METHODS) != (self.methods == SAFE_METHODS):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated) and request.auth is None:
            return None  # refused before: no caller to count
        return self.cache_format % {"scope": self.scope, "ident": principal(request)}


class ReadThrottle(PrincipalThrottle):
    scope = "read"
    methods = SAFE_METHODS


class WriteThrottle(PrincipalThrottle):
    scope = "write"
    methods = ("POST", "PUT", "PATCH", "DELETE")
