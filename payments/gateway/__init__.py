"""The one door to the payment processor. Every Stripe call goes through here.

`get_gateway()` returns the Stripe implementation in production and the dev one locally;
both speak the same interface so the code above never knows which it has.
"""

from django.conf import settings

from payments.gateway.base import (
    AccountStatus,
    CheckoutSession,
    GatewayError,
    PaymentGateway,
    Refund,
)


def get_gateway() -> PaymentGateway:
    if settings.PAYMENT_GATEWAY == "stripe":
        from payments.gateway.stripe_gateway import StripeGateway

        return StripeGateway()
    from payments.gateway.dev import DevGateway

    return DevGateway()


__all__ = [
    "AccountStatus",
    "CheckoutSession",
    "GatewayError",
    "PaymentGateway",
    "Refund",
    "get_gateway",
]
