"""Rate limits over a sliding 60-second window that every web process shares.

django-ratelimit (which this replaced) counts in fixed windows: a counter per clock minute,
so a client can spend its limit at 0:59 and again at 1:00, twice the limit within seconds
(9 sign-in links in 9 s against 5/min). Here a request is allowed only if fewer than `limit`
were allowed in the 60 seconds before it, whenever it comes.

In production (django-redis) each (route, client) is a Redis sorted set of the times of its
allowed requests; one Lua script drops the ones older than the window, counts, and adds the
new one only if it fits, atomically, so concurrent processes never over-admit. A refusal
isn't recorded, so `Retry-After` is exact: when the oldest allowed request leaves the window.
Without Redis (`make run`, most tests) the same log lives in the local-memory cache under a
process lock, which is all one process needs.

A Redis outage fails open, with a log line: a short outage must not take the API down, and
rate limits are abuse protection, not correctness (every write is still authorised and
guarded in the database).
"""

import hashlib
import logging
import math
import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600}

# KEYS[1]: the sorted set; ARGV: now (ms), window (ms), limit, a unique member.
# Returns {allowed (1/0), requests in the window, ms until the oldest leaves it}.
_SLIDING_WINDOW_LUA = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, count + 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, count, tonumber(oldest[2]) + window - now}
"""

_local_lock = threading.Lock()
_outage_logged_at = 0.0
OUTAGE_LOG_EVERY_SECONDS = 10.0


@dataclass(frozen=True)
class Usage:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # whole seconds until a request would be allowed; 0 when allowed


def parse_rate(rate: str) -> tuple[int, int]:
    """`"10/m"` → (10, 60): a limit and its window in seconds."""
    count, _, unit = rate.partition("/")
    return int(count), _UNITS[unit]


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


def hit(key: str, *, limit: int, window: int) -> Usage:
    """Count one request under `key` if it fits in the sliding window; say whether it did."""
    now = time.time()
    cache_key = cache.make_key(f"rl:sw:{key}")
    redis = _redis_client()
    if redis is None:
        return _hit_local(cache_key, now=now, limit=limit, window=window)
    try:
        allowed, count, wait_ms = redis.register_script(_SLIDING_WINDOW_LUA)(
            keys=[cache_key],
            args=[int(now * 1000), window * 1000, limit, f"{now:.6f}-{uuid.uuid4().hex[:8]}"],
        )
    except Exception:  # redis.RedisError, OSError: whatever the outage looks like
        _log_outage()
        return Usage(allowed=True, count=0, limit=limit, retry_after=0)
    return Usage(bool(allowed), int(count), limit, _seconds(int(wait_ms) / 1000))


def rate_limited(request, *, group: str, rate: str, key: str | None = None) -> Usage | None:
    """Count `request` against `rate` for `group`, per client IP (or per `key`); the usage,
    or None when rate limits are off (RATELIMIT_ENABLE=false, benchmarks only)."""
    if not settings.RATELIMIT_ENABLE:
        return None
    limit, window = parse_rate(rate)
    who = key if key is not None else client_ip(group, request)
    digest = hashlib.sha256(f"{group}\0{who}".encode("utf-8", "surrogatepass")).hexdigest()
    return hit(digest[:32], limit=limit, window=window)


def enforce(request, *, group: str, rate: str) -> None:
    """Count this request against `group`; raise 429 (with Retry-After) past the rate."""
    usage = rate_limited(request, group=group, rate=rate)
    if usage is not None and not usage.allowed:
        raise exceptions.Throttled(wait=usage.retry_after)


def _seconds(wait: float) -> int:
    """Retry-After in whole seconds, rounded up (at 0.2 s left, 1: never a too-early retry)."""
    return max(1, math.ceil(wait - 1e-9))


def _redis_client():
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis."):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _hit_local(cache_key: str, *, now: float, limit: int, window: int) -> Usage:
    with _local_lock:
        stamps = [t for t in cache.get(cache_key, []) if t > now - window]
        if len(stamps) < limit:
            stamps.append(now)
            cache.set(cache_key, stamps, window + 1)
            return Usage(allowed=True, count=len(stamps), limit=limit, retry_after=0)
        return Usage(False, len(stamps), limit, _seconds(stamps[0] + window - now))


def _log_outage() -> None:
    """One line per process every few seconds while Redis is away, not one per request."""
    global _outage_logged_at
    now = time.monotonic()
    if now - _outage_logged_at >= OUTAGE_LOG_EVERY_SECONDS:
        _outage_logged_at = now
        logger.warning("rate-limit store unavailable: allowing requests", exc_info=True)
