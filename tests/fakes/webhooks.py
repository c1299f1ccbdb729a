"""Post Stripe events to our webhook, signed the way Stripe signs them."""

import json
import time

import stripe

from alera.ids import random_suffix

WEBHOOK_SECRET = "whsec_test_secret"


def stripe_event(
    event_type: str, obj: dict, *, event_id: str | None = None, account: str = ""
) -> dict:
    return {
        "id": event_id or f"evt_test_{random_suffix(16)}",
        "object": "event",
        "type": event_type,
        "account": account or None,
        "created": int(time.time()),
        "data": {"object": obj},
    }


def post_event(client, event: dict, *, secret: str = WEBHOOK_SECRET, signature: str | None = None):
    payload = json.dumps(event)
    if signature is None:
        signature = stripe.WebhookSignature.generate_signature_header(payload, secret)
    return client.post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def completed_event(payment, *, payment_intent: str = "pi_test_1", **kw) -> dict:
    return stripe_event(
        "checkout.session.completed",
        {
            "id": payment.checkout_session_id,
            "object": "checkout.session",
            "payment_status": "paid",
            "payment_intent": payment_intent,
            "amount_total": payment.amount_cents,
            "metadata": {"payment_id": payment.public_id, "kind": payment.kind},
        },
        **kw,
    )


def expired_event(payment, **kw) -> dict:
    return stripe_event(
        "checkout.session.expired",
        {
            "id": payment.checkout_session_id,
            "object": "checkout.session",
            "payment_status": "unpaid",
            "metadata": {"payment_id": payment.public_id, "kind": payment.kind},
        },
        **kw,
    )
