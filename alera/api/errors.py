"""The error envelope: every non-2xx answer under /api/ is `{"error": "<sentence>"}`.

`STATUS_FOR` is the one place a domain error becomes an HTTP status: services raise
`alera.errors.DomainError` subclasses and know nothing of HTTP; the API's exception handler
and the pages that show an error with its status (portal, dashboard) ask `status_for`.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from alera import errors
from alera.api.text import encodable

logger = logging.getLogger("alera.api")

# Each family of domain errors answers one status (the contract's table in docs/api.md).
STATUS_FOR: dict[type[errors.DomainError], int] = {
    errors.InvalidRequest: status.HTTP_400_BAD_REQUEST,
    errors.NotAuthenticated: status.HTTP_401_UNAUTHORIZED,
    errors.Forbidden: status.HTTP_403_FORBIDDEN,
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.Conflict: status.HTTP_409_CONFLICT,
    errors.Gone: status.HTTP_410_GONE,
    errors.NotReady: status.HTTP_412_PRECONDITION_FAILED,
    errors.UpstreamFailed: status.HTTP_502_BAD_GATEWAY,
    errors.Busy: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def status_for(exc: errors.DomainError) -> int:
    """The status of a domain error: its nearest family in STATUS_FOR (400 if none)."""
    for klass in type(exc).__mro__:
        if klass in STATUS_FOR:
            return STATUS_FOR[klass]
    return status.HTTP_400_BAD_REQUEST


def domain_error_response(exc: errors.DomainError) -> Response:
    response = Response({"error": encodable(exc.message), **exc.hints}, status=status_for(exc))
    if isinstance(exc, errors.Busy):
        response["Retry-After"] = "1"
    return response


def first_message(detail) -> str:
    """Flatten DRF's nested validation detail into one readable sentence."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner = first_message(value)
            if field in ("non_field_errors", "__all__", "detail"):  # not a field's name
                return inner
            return f"{field}: {inner}"
        return "Invalid request."
    if isinstance(detail, list | tuple):
        return first_message(detail[0]) if detail else "Invalid request."
    return str(detail)


def exception_handler(exc, context):
    """DRF's handler, re-shaped into the envelope; Django's own errors mapped too."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, errors.DomainError):
        return domain_error_response(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        message = f"Too many requests; retry in {int(exc.wait or 60)} seconds."
    elif isinstance(exc, exceptions.ParseError):
        message = f"Malformed request body: {first_message(response.data)}"
    elif isinstance(exc, Http404):
        message = "Not found."
    elif isinstance(exc, DjangoPermissionDenied):
        message = "Forbidden."
    else:
        message = first_message(response.data)
    response.data = {"error": encodable(message)}
    return response


def json_error(status_code: int, message: str, **hints) -> JsonResponse:
    return JsonResponse({"error": message, **hints}, status=status_code)
