"""Request plumbing: oversized page bodies and NUL characters stopped at the door, and /api/
answers kept JSON even when Django itself, not DRF, produces the error."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponse, HttpResponseBadRequest

from alera.api.errors import json_error

logger = logging.getLogger("alera.api")


def _declared_length(request) -> int | None:
    """The body length the client declared (0 when none); None when it isn't a number."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        too_big = self._declared_too_big(request)
        if too_big:
            return too_big
        return self._enveloped(request, self.get_response(request))

    @staticmethod
    def _enveloped(request, response):
        """An error Django produced in HTML or as an empty body (a plain view's 405, the 400
        for a Host not in ALLOWED_HOSTS) re-shaped into the envelope, its headers kept."""
        content_type = response.get("Content-Type", "")
        if response.status_code < 400 or content_type.startswith("application/json"):
            return response
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            message = f"Method {request.method} is not allowed here (allowed: {allowed})."
        else:
            message = f"{response.reason_phrase}."
        enveloped = json_error(response.status_code, message)
        for header in ("Allow", "Retry-After"):
            if header in response:
                enveloped[header] = response[header]
        return enveloped

    @staticmethod
    def _declared_too_big(request):
        length = _declared_length(request)
        if length is None:
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


VIEW_RESPONSE_ATTR = "_alera_view_response"


class ApiResponseGuardMiddleware:
    """Outermost: nothing that runs after an /api/ view may turn its answer into an error.

    `ApiViewResponseMiddleware` (innermost) keeps the view's own response on the request. If
    a later step fails on the way out (a middleware reading a cache that is down, a header
    it can't build), Django turns that exception into an HTML 500 at the layer that raised;
    here such a 5xx is replaced by the view's answer when the view had answered below 500,
    so a committed booking is reported as booked, and any other error is the JSON envelope.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        # Django wraps every middleware so an exception below arrives as a 500 response.
        response = self.get_response(request)
        answered = getattr(request, VIEW_RESPONSE_ATTR, None)
        if response.status_code >= 500 and answered is not None and answered.status_code < 500:
            logger.error(
                "%s %s: a step after the view failed (%s); sending the view's %s",
                request.method,
                request.path,
                response.status_code,
                answered.status_code,
            )
            return answered
        return ApiErrorMiddleware._enveloped(request, response)


class ApiViewResponseMiddleware:
    """Innermost: remember what the /api/ view answered, for `ApiResponseGuardMiddleware`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            setattr(request, VIEW_RESPONSE_ATTR, response)
        return response


class PageBodyLimitMiddleware:
    """A page request (dashboard, portal, admin) whose declared body is over
    `PAGE_BODY_MAX_BYTES` is a 413 before anything reads it.

    Django caps form fields (`DATA_UPLOAD_MAX_MEMORY_SIZE`) but not uploaded files, and the
    body is parsed before any view runs (the CSRF and NUL checks read `request.POST`), so
    without this anyone could make a worker spool gigabytes to disk. The largest honest body
    is an avatar upload (5 MB) with its form. /api/ has its own, smaller limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        length = _declared_length(request)
        if length is None:
            return HttpResponseBadRequest(
                "Content-Length is not a number.", content_type="text/plain; charset=utf-8"
            )
        if length > settings.PAGE_BODY_MAX_BYTES:
            limit_mb = settings.PAGE_BODY_MAX_BYTES // (1024 * 1024)
            return HttpResponse(
                f"That request is too large: at most {limit_mb} MB can be sent at once.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


NUL_MESSAGE = "The request contains a NUL character (%00), which no address or field may hold."


class RejectNulMiddleware:
    """Requests carrying a NUL character never reach a database lookup.

    PostgreSQL cannot hold or even compare a text value with a NUL in it: a lookup like
    `/api/classes/a%00b`, `/me/new-link` posting `studio=a%00b` or `?studio=%00` raised
    DataError (a 500) instead of "not found". Under /api/ an address with a NUL names no
    resource: a JSON 404, a status every endpoint documents (the API's query parameters and
    JSON fields refuse NULs themselves, with the status the contract gives them). Elsewhere a
    NUL in the path, the query string or a posted form field is a 400. A cookie with a NUL
    (`sessionid="\\000…"`, printable on the wire) is dropped, as if it had never been sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            if "\x00" in request.path_info:
                return json_error(404, "No API endpoint at this address (it holds a NUL).")
        elif _page_request_has_nul(request):
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        for name, value in list(request.COOKIES.items()):
            if "\x00" in value:
                del request.COOKIES[name]
        return self.get_response(request)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _page_request_has_nul(request) -> bool:
    if "\x00" in request.path_info:
        return True
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        return True
    if request.method != "POST" or request.content_type not in _FORM_TYPES:
        return False
    # Text fields only: an uploaded file's bytes are in request.FILES and never looked at.
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.POST.lists()
    )
