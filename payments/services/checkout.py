"""The life of a Payment: open a Checkout, then paid, expired or failed (refunds: refunds.py).

Stripe is never called inside an open transaction: the Payment row is committed first,
the gateway is called, and its answer is saved. A webhook and the dev checkout page both
end in `payment_mark_paid` / `payment_mark_expired`, which move the status with a
conditional UPDATE so a replayed or concurrent event has no second effect.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Provider
from payments.errors import PaymentFailed, PaymentsNotEnabled
from payments.gateway import GatewayError, get_gateway
from payments.handlers import handlers_for
from payments.models import Payment

logger = logging.getLogger(__name__)


def checkout_expiry(now: dt.datetime | None = None) -> dt.datetime:
    """When a new Checkout stops being payable (Stripe's minimum is 30 minutes)."""
    minutes = max(30, settings.CHECKOUT_HOLD_MINUTES)
    return (now or timezone.now()) + dt.timedelta(minutes=minutes)


def require_payments_enabled(provider: Provider) -> None:
    if not provider.can_take_payments:
        raise PaymentsNotEnabled()


def payment_create(
    *,
    provider: Provider,
    kind: str,
    amount_cents: int,
    description: str,
    success_url: str,
    cancel_url: str,
    customer_email: str = "",
    details: dict | None = None,
) -> Payment:
    """Record a payment we are about to ask Stripe for (call inside the caller's transaction)."""
    require_payments_enabled(provider)
    return Payment.objects.create(
        provider=provider,
        kind=kind,
        amount_cents=amount_cents,
        description=description[:200],
        customer_email=customer_email,
        details=details or {},
        stripe_account_id=provider.stripe_account_id,
        success_url=success_url,
        cancel_url=cancel_url,
    )


def payment_open_checkout(*, payment: Payment, expires_at: dt.datetime | None = None) -> Payment:
    """Create the Checkout Session for a committed Payment. GatewayError → PaymentFailed (502).

    On failure the payment is marked expired (through its kind's handler, so a held seat is
    released) before the error propagates.
    """
    expires_at = expires_at or checkout_expiry()
    try:
        session = get_gateway().create_checkout(payment=payment, expires_at=expires_at)
    except GatewayError as exc:
        logger.warning("checkout creation failed for %s: %s", payment.public_id, exc)
        payment_mark_expired(payment_id=payment.pk)
        raise PaymentFailed(str(exc)) from exc
    Payment.objects.filter(pk=payment.pk).update(
        checkout_session_id=session.id, checkout_url=session.url, expires_at=session.expires_at
    )
    payment.checkout_session_id = session.id
    payment.checkout_url = session.url
    payment.expires_at = session.expires_at
    return payment


def payment_mark_paid(
    *,
    payment_id: int | None = None,
    public_id: str | None = None,
    session_id: str | None = None,
    payment_intent_id: str = "",
) -> Payment | None:
    """Mark paid exactly once and let the kind's handler deliver what was bought.

    A payment already expired (its hold released) is still honoured: the handler sees
    `previous_status == expired` and decides (a seat if one is free, else a refund).
    """
    with transaction.atomic():
        payment = _locked(payment_id=payment_id, public_id=public_id, session_id=session_id)
        if payment is None or payment.status not in (Payment.Status.OPEN, Payment.Status.EXPIRED):
            return payment
        payment.previous_status = payment.status
        payment.status = Payment.Status.PAID
        payment.paid_at = timezone.now()
        payment.payment_intent_id = payment_intent_id or payment.payment_intent_id
        payment.save(update_fields=["status", "paid_at", "payment_intent_id"])
        handlers = handlers_for(payment.kind)
        if handlers:
            handlers.on_paid(payment)
        return payment


def payment_mark_expired(
    *, payment_id: int | None = None, public_id: str | None = None, session_id: str | None = None
) -> Payment | None:
    """Expire an open payment once; the kind's handler releases what it was holding."""
    with transaction.atomic():
        payment = _locked(payment_id=payment_id, public_id=public_id, session_id=session_id)
        if payment is None or payment.status != Payment.Status.OPEN:
            return payment
        payment.status = Payment.Status.EXPIRED
        payment.save(update_fields=["status"])
        handlers = handlers_for(payment.kind)
        if handlers and handlers.on_expired:
            handlers.on_expired(payment)
        return payment


def payment_mark_failed(
    *, payment_id: int | None = None, public_id: str | None = None, session_id: str | None = None
) -> Payment | None:
    """A delayed payment method failed (`checkout.session.async_payment_failed`).

    Forward only: an open payment fails once and its kind's `on_expired` handler releases
    what it held (it sees `status == failed`); an expired one just records the failure; a
    paid one never goes back.
    """
    with transaction.atomic():
        payment = _locked(payment_id=payment_id, public_id=public_id, session_id=session_id)
        if payment is None or payment.status not in (Payment.Status.OPEN, Payment.Status.EXPIRED):
            return payment
        was_open = payment.status == Payment.Status.OPEN
        payment.status = Payment.Status.FAILED
        payment.save(update_fields=["status"])
        handlers = handlers_for(payment.kind)
        if was_open and handlers and handlers.on_expired:
            handlers.on_expired(payment)
        return payment


def _locked(
    *, payment_id: int | None, public_id: str | None = None, session_id: str | None = None
) -> Payment | None:
    qs = Payment.objects.select_for_update()
    if payment_id is not None:
        return qs.filter(pk=payment_id).first()
    if public_id:
        return qs.filter(public_id=public_id).first()
    if session_id:
        return qs.filter(checkout_session_id=session_id).first()
    return None
