"""The address a request comes from, as login throttling and the audit journal record it.

Behind reverse proxies the peer (REMOTE_ADDR) is the nearest proxy, so every client would
share one address. With TRUSTED_PROXY_COUNT = N, each of the N proxies appends the address it
received from to X-Forwarded-For; the client is the N-th entry from the right. Entries further
left were written by the client itself and are never trusted.
"""

from django.conf import settings


def client_address(request) -> str:
    peer = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return peer
    return forwarded[-proxies]
