"""Which browser origins may call the API: those some live API key allows.

django-cors-headers asks its `check_request_enabled` signal whether a request may have CORS
headers; `cors_request_allowed` answers yes only for `/api/` paths whose `Origin` is in the
set of origins of non-revoked keys. The set is read from the database at most once per
`CORS_ORIGINS_CACHE_SECONDS` (shared cache, so every process agrees) and dropped whenever a
key is minted or revoked. CORS only lets a browser read the answer: every API call is still
authorised per key, so another key's origin still gets a 403.
"""

import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import ApiKey
from accounts.origins import normalize_origin

CACHE_KEY = "cors:allowed-origins:v1"

logger = logging.getLogger(__name__)


def cors_allowed_origins() -> frozenset[str]:
    """Normalised origins of every live key, from the cache when it holds them.

    A cache that errors is a miss (the set is read from the database), never an error: this
    runs on the way out of every /api/ call, after the view has done its work (issue 21).
    """
    try:
        cached = cache.get(CACHE_KEY)
    except Exception:
        logger.warning("CORS origins cache unreadable: reading the database", exc_info=True)
        cached = None
    if cached is not None:
        return frozenset(cached)
    origins: set[str] = set()
    for allowed in ApiKey.objects.filter(revoked_at__isnull=True).values_list(
        "allowed_origins", flat=True
    ):
        origins.update(allowed or [])
    try:
        cache.set(CACHE_KEY, sorted(origins), settings.CORS_ORIGINS_CACHE_SECONDS)
    except Exception:
        logger.warning("CORS origins cache unwritable", exc_info=True)
    return frozenset(origins)


def cors_origins_invalidate() -> None:
    """Forget the cached set now and again once the caller's transaction commits.

    The second delete closes the window in which another request could re-cache the old
    set between our write and its commit.
    """
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY), robust=True)


def cors_request_allowed(sender=None, *, request, **kwargs) -> bool:
    """`check_request_enabled` receiver: an /api/ request from a live key's origin."""
    origin = request.headers.get("Origin")
    if not origin or not re.match(settings.CORS_URLS_REGEX, request.path_info):
        return False
    try:
        normalized = normalize_origin(origin)
    except ValidationError:
        return False
    return normalized in cors_allowed_origins()
