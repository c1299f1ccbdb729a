"""Keep /api/ answers JSON even when Django itself, not DRF, produces the error."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404

from alera.api.errors import json_error

logger = logging.getLogger("alera.api")


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            too_big = self._declared_too_big(request)
            if too_big:
                return too_big
        return self.get_response(request)

    @staticmethod
    def _declared_too_big(request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return json_error(400, "Content-Length is not a number.")
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return json_error(
                413,
                f"Request body too large (at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes).",
            )
        return None

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, RequestDataTooBig):
            return json_error(413, "Request body too large.")
        if isinstance(exception, SuspiciousOperation):
            return json_error(400, "Bad request.")
        if isinstance(exception, Http404):
            return json_error(404, "Not found.")
        if isinstance(exception, PermissionDenied):
            return json_error(403, "Forbidden.")
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return json_error(500, "Something went wrong on our side; it has been logged.")
