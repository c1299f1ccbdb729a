"""Per-IP, per-route rate limits on the shared cache, via django-ratelimit."""

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework import exceptions


def client_ip(group, request) -> str:
    """The caller's IP: REMOTE_ADDR, or a configured header set by our own trusted proxy.

    `X-Forwarded-For` is only read when CLIENT_IP_HEADER names it, and then the address
    CLIENT_IP_PROXY_COUNT hops from the right, which the client cannot forge.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        values = [v.strip() for v in request.META.get(header, "").split(",") if v.strip()]
        if len(values) >= settings.CLIENT_IP_PROXY_COUNT:
            return values[-settings.CLIENT_IP_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "unknown")


def enforce(request, *, group: str, rate: str) -> None:
    """Count this request against `group`; raise 429 (with Retry-After) past the rate."""
    if not settings.RATELIMIT_ENABLE:
        return
    usage = get_usage(request, group=group, key=client_ip, rate=rate, increment=True)
    if usage and usage["should_limit"]:
        raise exceptions.Throttled(wait=max(1, int(usage["time_left"])))
