"""The error envelope: every non-2xx answer under /api/ is `{"error": "<sentence>"}`."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from alera.api.text import encodable

logger = logging.getLogger("alera.api")


class ApiError(exceptions.APIException):
    """A domain error with its status code, sentence and optional hint fields."""

    def __init__(self, status_code: int, message: str, **hints) -> None:
        super().__init__(detail=message)
        self.status_code = status_code
        self.message = message
        self.hints = hints


def bad_request(message: str, **hints) -> ApiError:
    return ApiError(status.HTTP_400_BAD_REQUEST, message, **hints)


def not_found(message: str = "Not found.") -> ApiError:
    return ApiError(status.HTTP_404_NOT_FOUND, message)


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
    if isinstance(exc, ApiError):
        return Response({"error": encodable(exc.message), **exc.hints}, status=exc.status_code)
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
