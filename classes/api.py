"""The classes API: list, detail, book, waitlist, self-cancel. Thin: parse, call, render."""

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts.api_auth import provider_for_handle
from accounts.api_views import RateLimitedAPIView, TenantAPIView
from accounts.origins import origin_of_url
from alera.api.schema import errors
from alera.api.wire import iso_ms
from alera.errors import Forbidden, InvalidRequest, NotAuthenticated, NotFound
from alera.events import Actor, actor_set
from alera.tokens import Purpose, TokenInvalid, token_read
from classes import selectors
from classes.errors import ClassGone
from classes.models import ClassSession, Enrollment
from classes.selectors import appointment_for_redemption
from classes.serializers import (
    BookInput,
    BookOut,
    CancelInput,
    CancelOut,
    ClassDetailOut,
    ClassListOut,
    ClassListQuery,
    CustomerInput,
    TipStartInput,
    TipStartOutput,
    WaitlistOut,
    blackout_dict,
    class_dict,
    provider_slice,
)
from classes.services.booking import Customer, PackRedemption, enrollment_book
from classes.services.cancellation import enrollment_cancel
from classes.services.common import cancel_token
from classes.services.tips import appointment_for_tip_token, tip_checkout_start
from classes.services.waitlist import waitlist_join
from payments import serializers as payment_wire
from payments.services.gift_cards import Redemption, gift_card_preview, gift_card_redeem


def _session_for(request, class_id: str) -> ClassSession:
    """The caller's own session (404 for unknown or another studio's), 410 if cancelled."""
    session = (
        ClassSession.objects.select_related("provider", "service")
        .filter(provider=request.provider, public_id=class_id)
        .first()
    )
    if session is None:
        raise NotFound("No such class.")
    if session.status == ClassSession.Status.CANCELLED:
        raise ClassGone("This class was cancelled.")
    return session


class ClassListView(TenantAPIView):
    rate_limit = "60/m"

    @extend_schema(
        operation_id="classes_list",
        description=(
            "What is bookable now: scheduled classes that have not started, in the local "
            "date range, plus the blackouts overlapping it."
        ),
        parameters=[
            OpenApiParameter("handle", str, required=True),
            OpenApiParameter("from", dt.date, required=True, description="Local date, inclusive"),
            OpenApiParameter("to", dt.date, required=True, description="≤ from + 60 days"),
        ],
        responses={200: ClassListOut, **errors(400, 401, 403, 429)},
    )
    def get(self, request):
        query = ClassListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        provider = provider_for_handle(request, query.validated_data["handle"])
        date_from, date_to = query.validated_data["date_from"], query.validated_data["to"]
        if date_to < date_from:
            raise InvalidRequest("to must not be before from.")
        if (date_to - date_from).days > selectors.MAX_RANGE_DAYS:
            raise InvalidRequest(f"to is at most {selectors.MAX_RANGE_DAYS} days after from.")
        sessions = selectors.class_session_list(
            provider=provider, date_from=date_from, date_to=date_to
        )
        blackouts = selectors.blackout_list(provider=provider, date_from=date_from, date_to=date_to)
        return Response(
            {
                "classes": [class_dict(s) for s in sessions],
                "blackouts": [blackout_dict(b) for b in blackouts],
            }
        )


class ClassDetailView(TenantAPIView):
    rate_limit = "120/m"

    @extend_schema(
        operation_id="classes_retrieve",
        responses={200: ClassDetailOut, **errors(401, 403, 404, 410, 429)},
    )
    def get(self, request, class_id: str):
        session = selectors.class_session_get(provider=request.provider, public_id=class_id)
        if session is None:
            raise NotFound("No such class.")
        if session.status == ClassSession.Status.CANCELLED:
            raise ClassGone("This class was cancelled.")
        return Response(
            {"class": class_dict(session), "provider": provider_slice(request.provider)}
        )


def _same_origin_url(request, value: str | None, field: str) -> str:
    if not value:
        return f"{request.origin}/"
    if origin_of_url(value) != request.origin:
        raise InvalidRequest(f"{field} must be on the request's Origin ({request.origin}).")
    return value


class BookView(TenantAPIView):
    rate_limit = "10/m"

    @extend_schema(
        operation_id="classes_book",
        request=BookInput,
        responses={200: BookOut, **errors(400, 401, 403, 404, 409, 410, 412, 429, 502)},
    )
    def post(self, request, class_id: str):
        data = BookInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        success_url = _same_origin_url(request, body.get("successUrl"), "successUrl")
        cancel_url = _same_origin_url(request, body.get("cancelUrl"), "cancelUrl")
        pack = None
        if body.get("useClientPackageId"):
            pack = PackRedemption(
                client_package_id=body["useClientPackageId"],
                customer_token=body.get("customerToken") or "",
            )
        enrollment = enrollment_book(
            provider=request.provider,
            class_id=class_id,
            customer=Customer(name=body["name"], email=body["email"], phone=body["phone"]),
            success_url=success_url,
            cancel_url=cancel_url,
            pack=pack,
        )
        payment, session = enrollment.payment, enrollment.class_session
        return Response(
            {
                "enrollmentId": enrollment.public_id,
                "status": enrollment.status,
                "checkoutUrl": payment.checkout_url if payment else None,
                "checkoutSessionId": payment.checkout_session_id if payment else None,
                "cancelToken": cancel_token(enrollment),
                "classSession": {
                    "id": session.public_id,
                    "nameSnapshot": session.name_snapshot,
                    "scheduledAt": iso_ms(session.scheduled_at),
                    "durationMin": session.duration_min,
                },
            }
        )


class WaitlistView(TenantAPIView):
    rate_limit = "10/m"

    @extend_schema(
        operation_id="classes_waitlist",
        request=CustomerInput,
        responses={200: WaitlistOut, **errors(400, 401, 403, 404, 409, 410, 429)},
    )
    def post(self, request, class_id: str):
        data = CustomerInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = _session_for(request, class_id)
        joined = waitlist_join(session=session, **data.validated_data)
        return Response(
            {
                "waitlistEntryId": joined.entry.public_id,
                "position": joined.position,
                "alreadyOnWaitlist": joined.already_on_waitlist,
            }
        )


class EnrollmentCancelView(RateLimitedAPIView):
    rate_limit = "10/m"

    @extend_schema(
        operation_id="enrollments_cancel",
        request=CancelInput,
        responses={200: CancelOut, **errors(400, 401, 404, 410, 429, 502)},
    )
    def post(self, request, enrollment_id: str):
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = token_read(Purpose.CANCEL, data.validated_data["cancelToken"])
        except TokenInvalid as exc:
            raise NotAuthenticated(f"cancelToken: {exc}") from exc
        if token.record_id != enrollment_id:
            raise NotAuthenticated("cancelToken: the token is for another booking.")
        enrollment = (
            Enrollment.objects.select_related(
                "provider", "client", "class_session__service", "payment"
            )
            .filter(public_id=enrollment_id, provider__public_id=token.provider_id)
            .first()
        )
        if enrollment is None:
            raise NotFound("No such booking.")
        actor_set(Actor.customer(enrollment.client.public_id))  # the token is the customer's
        result = enrollment_cancel(
            enrollment=enrollment, reason=data.validated_data["cancelReason"], by="customer"
        )
        return Response(
            {
                "ok": True,
                "cancelledAt": iso_ms(result.cancelled_at),
                "lateCancel": result.late_cancel,
                "cancelWindowHours": result.cancel_window_hours,
                "refundedCents": result.refunded_cents,
                "refundId": result.refund_id or None,
            }
        )


class TipStartView(RateLimitedAPIView):
    """A separate direct-charge Checkout for a post-visit tip, authorised by the tip token."""

    rate_limit = "20/m"

    @extend_schema(
        operation_id="tip_start",
        request=TipStartInput,
        responses={200: TipStartOutput, **errors(400, 403, 404, 409, 412, 429, 502)},
        summary="Start a tip Checkout from a post-visit tip token (no API key).",
    )
    def post(self, request):
        data = TipStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        appointment = appointment_for_tip_token(token=data["token"])
        payment = tip_checkout_start(
            appointment=appointment, amount_cents=data["amountCents"], token=data["token"]
        )
        return Response(
            {"checkoutUrl": payment.checkout_url, "checkoutSessionId": payment.checkout_session_id}
        )


class GiftCardRedeemView(TenantAPIView):
    """Preview (no write) or commit a debit, capped at the balance, idempotent per appointment."""

    rate_limit = "30/m"

    @extend_schema(
        operation_id="gift_cards_redeem",
        request=payment_wire.RedeemInput,
        responses={200: payment_wire.RedeemOutput, **errors(400, 401, 403, 404, 429)},
        summary="Preview or commit a gift-card debit for an appointment.",
    )
    def post(self, request):
        serializer = payment_wire.RedeemInput(data=request.data, context={"origin": request.origin})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        provider = request.provider
        if data["providerId"] != provider.public_id:
            raise Forbidden("providerId is not this API key's studio.")
        appointment = None
        if data.get("appointmentId"):
            appointment = appointment_for_redemption(
                provider=provider, public_id=data["appointmentId"]
            )
        if data["mode"] == "commit":
            result = gift_card_redeem(
                provider=provider,
                code=data["code"],
                requested_cents=data["requestedDebitCents"],
                appointment=appointment,
            )
        else:
            result = gift_card_preview(
                provider=provider, code=data["code"], requested_cents=data["requestedDebitCents"]
            )
        return Response(_redemption(result))


def _redemption(result: Redemption) -> dict:
    return {
        "ok": True,
        "debitCents": result.debit_cents,
        "balanceCents": result.balance_cents,
        "balanceRemainingCents": result.balance_remaining_cents,
        "alreadyRedeemed": result.already_redeemed,
        "expiresAt": iso_ms(result.expires_at),
    }
