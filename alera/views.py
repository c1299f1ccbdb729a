"""Platform endpoints: health check, the favicon and the JSON 404 for unknown /api/ paths."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from alera.api.errors import json_error

logger = logging.getLogger(__name__)


def healthz(request):
    """200 when the database and the cache answer; 503 naming what failed otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("health: database")
        checks["database"] = "error"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception:
        logger.exception("health: cache")
        checks["cache"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"ok": healthy, **checks}, status=200 if healthy else 503)


def api_not_found(request, *args, **kwargs):
    return json_error(404, f"No API endpoint at {request.path}.")


def ping(request):
    """A constant answer: the benchmark's baseline for what Django itself costs."""
    return JsonResponse({"ok": True})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (the admin, JSON answers).

    A temporary redirect: in production the static name carries a content hash that a new
    icon changes.
    """
    return HttpResponseRedirect(static("favicon.ico"))
