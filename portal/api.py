"""The customer API: magic-link sign-in, the /me summary, and the calendar feed."""

from django.http import HttpResponse
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts.api_auth import provider_for_handle
from accounts.api_views import TenantAPIView
from alera.api.errors import json_error
from alera.api.schema import OkSerializer, errors
from alera.errors import InvalidRequest, NotAuthenticated
from customers.selectors import client_for_token
from customers.services import signin_link_send
from portal import ical
from portal.selectors import (
    calendar_enrollments,
    calendar_last_removal,
    client_active_packages,
    client_bookings,
    client_for_calendar_secret,
)
from portal.serializers import MeOutput, SigninLinkInput, link_origin_allowed, me_wire

TOKEN_HEADER = "x-customer-token"


class SigninLinkView(TenantAPIView):
    rate_limit = "5/m"

    @extend_schema(
        operation_id="customer_signin_link",
        summary="Email a customer a magic link to the portal",
        description=(
            "Always 200 for a well-formed request: an unknown email is sent nothing "
            "(anti-enumeration). `customerSiteOrigin` must be one of the key's allowed "
            "origins or Alera's own; it defaults to the request's Origin."
        ),
        request=SigninLinkInput,
        responses={200: OkSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request):
        data = _valid(SigninLinkInput, request.data)
        provider = provider_for_handle(request, data["handle"])
        origin = data.get("customerSiteOrigin") or request.origin
        if not link_origin_allowed(origin=origin, key_origins=request.auth.allowed_origins):
            raise InvalidRequest("customerSiteOrigin must be one of this key's allowed origins.")
        signin_link_send(provider=provider, email=data["email"], origin=origin)
        return Response({"ok": True})


class MeView(TenantAPIView):
    rate_limit = "30/m"

    @extend_schema(
        operation_id="customer_me",
        summary="The signed-in customer's bookings, packs and calendar feed",
        parameters=[
            OpenApiParameter(
                TOKEN_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, description="Or ?token="
            ),
            OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.QUERY),
        ],
        responses={200: MeOutput, **errors(401, 403, 404, 429)},
    )
    def get(self, request):
        token = request.headers.get(TOKEN_HEADER) or request.query_params.get("token")
        if not token:
            raise NotAuthenticated(f"A customer token is required ({TOKEN_HEADER} or ?token=).")
        client = client_for_token(token=token.strip(), provider=request.provider)
        body = me_wire(
            client=client,
            bookings=client_bookings(client=client),
            packages=client_active_packages(client=client),
        )
        return Response(body)


@require_safe
def calendar_feed(request, secret: str):
    """The client's upcoming confirmed classes as iCalendar; the secret is the only key."""
    client = client_for_calendar_secret(secret=secret)
    if client is None:
        return json_error(404, "No calendar at this address.")
    enrollments = calendar_enrollments(client=client)
    body = ical.feed_build(client=client, enrollments=enrollments)
    etag = ical.feed_etag(body)
    last_modified = ical.feed_last_modified(
        enrollments=enrollments, floor=calendar_last_removal(client=client)
    )
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(last_modified.timestamp()),
        "Cache-Control": "private, max-age=300",
    }
    if _not_modified(request, etag=etag, last_modified=last_modified.timestamp()):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="bookings.ics"'
    for name, value in headers.items():
        response[name] = value
    return response


def _not_modified(request, *, etag: str, last_modified: float) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and int(last_modified) <= since


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
