"""The payments API: thin views that parse, call one service and render."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from accounts.api_auth import provider_for_handle
from accounts.api_views import TenantAPIView
from alera.api.schema import errors
from payments import serializers as s
from payments.models import Payment
from payments.services.gift_cards import (
    gift_card_checkout_start,
)
from payments.services.packs import package_checkout_start, package_type_for_sale


def _valid(serializer_class, request) -> dict:
    context = {"origin": getattr(request, "origin", "")}
    serializer = serializer_class(data=request.data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _checkout(payment: Payment, *, ok: bool = True) -> dict:
    body = {"checkoutUrl": payment.checkout_url, "checkoutSessionId": payment.checkout_session_id}
    return {"ok": True, **body} if ok else body


class PackageStartView(TenantAPIView):
    """Checkout for a class pack; the paid webhook creates the pack and emails a portal link."""

    rate_limit = "20/m"

    @extend_schema(
        operation_id="packages_start",
        request=s.PackageStartInput,
        responses={200: s.CheckoutOutput, **errors(400, 401, 403, 412, 429, 502)},
        summary="Buy a class pack through Stripe Checkout.",
    )
    def post(self, request):
        data = _valid(s.PackageStartInput, request)
        provider = provider_for_handle(request, data["handle"])
        package_type = package_type_for_sale(provider=provider, public_id=data["packageTypeId"])
        payment = package_checkout_start(
            provider=provider,
            package_type=package_type,
            name=data["name"],
            email=data["email"],
            phone=data.get("phone", ""),
            success_url=data["successUrl"],
            cancel_url=data["cancelUrl"],
        )
        return Response(_checkout(payment))


class GiftCardStartView(TenantAPIView):
    """Checkout for a gift card; the paid webhook creates the card and emails its code."""

    rate_limit = "20/m"

    @extend_schema(
        operation_id="gift_cards_start",
        request=s.GiftCardStartInput,
        responses={200: s.CheckoutOutput, **errors(400, 401, 403, 412, 429, 502)},
        summary="Buy a gift card through Stripe Checkout (the card exists once paid).",
    )
    def post(self, request):
        data = _valid(s.GiftCardStartInput, request)
        provider = provider_for_handle(request, data["handle"])
        payment = gift_card_checkout_start(
            provider=provider,
            amount_cents=data["amountCents"],
            purchaser_name=data["purchaserName"],
            purchaser_email=data["purchaserEmail"],
            recipient_name=data.get("recipientName", ""),
            recipient_email=data.get("recipientEmail", ""),
            gift_message=data.get("giftMessage", ""),
            success_url=data["successUrl"],
            cancel_url=data["cancelUrl"],
        )
        return Response(_checkout(payment))
