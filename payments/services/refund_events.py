"""Refund events from Stripe: the ledger is keyed on each refund's own id (`re_…`).

A Charge no longer embeds its refunds (API 2022-11-15), and since 2024-10-28 every refund
sends `refund.created` / `refund.updated` / `refund.failed` carrying the Refund itself. So:
- a refund we made carries `metadata.refund_id` (our row) and `metadata.payment_id`; its
  attempt or its event books it, whichever comes first, once (refunds older than the rows
  carry only `payment_id` and were booked when they were made);
- a refund made elsewhere (the studio's Stripe Dashboard) is booked from its events, once
  per `re_…`, whichever of them arrives first;
- `refund.failed` (or a refund whose status became failed/canceled) reverses the booking;
- `charge.refunded` only checks our total against Stripe's cumulative `amount_refunded`.
"""

import logging

from django.db import transaction
from django.utils import timezone

from payments.gateway.base import Refund
from payments.handlers import handlers_for
from payments.models import Payment, PaymentRefund, StripeEvent
from payments.services.refunds import payment_refund_total, refund_made_by_stripe

logger = logging.getLogger(__name__)

_FAILED = ("failed", "canceled")


def refund_event_apply(obj: dict, record: StripeEvent) -> None:
    refund_id = obj.get("id") or ""
    if not refund_id.startswith("re_"):
        return
    metadata = obj.get("metadata") or {}
    amount = int(obj.get("amount") or 0)
    if record.type == "refund.failed" or obj.get("status") in _FAILED:
        refund_reverse(
            stripe_refund_id=refund_id,
            error=obj.get("failure_reason") or "failed",
            payment=None if metadata.get("payment_id") else _payment_for(obj, record),
            amount_cents=amount,
        )
    elif metadata.get("refund_id"):
        made = Refund(id=refund_id, amount_cents=amount, status=obj.get("status") or "")
        refund_made_by_stripe(refund_ref=metadata["refund_id"], made=made)
    elif not metadata.get("payment_id"):  # made outside Alera
        payment = _payment_for(obj, record)
        if payment is not None:
            refund_record_external(payment=payment, stripe_refund_id=refund_id, amount_cents=amount)


def charge_refunded_check(obj: dict, record: StripeEvent) -> None:
    """Stripe's total against our ledger; a difference is logged, not booked (the refund
    events book, and our own refunds may still be on their way to the ledger)."""
    payment = _payment_for(obj, record)
    if payment is None:
        return
    stripe_total = int(obj.get("amount_refunded") or 0)
    if stripe_total != payment.refunded_cents:
        logger.warning(
            "charge.refunded for %s: Stripe has refunded %d, our ledger %d",
            payment.public_id,
            stripe_total,
            payment.refunded_cents,
        )


def refund_record_external(
    *, payment: Payment, stripe_refund_id: str, amount_cents: int
) -> PaymentRefund | None:
    """Book a refund made outside Alera, once per Stripe refund id."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if (
            amount_cents <= 0
            or PaymentRefund.objects.filter(stripe_refund_id=stripe_refund_id).exists()
        ):
            return None
        refund = PaymentRefund.objects.create(
            provider_id=payment.provider_id,
            payment=payment,
            reason=PaymentRefund.Reason.EXTERNAL,
            status=PaymentRefund.Status.SUCCEEDED,
            amount_cents=amount_cents,
            stripe_refund_id=stripe_refund_id,
            succeeded_at=timezone.now(),
        )
        payment_refund_total(payment=payment, latest_refund_id=stripe_refund_id)
        return refund


def refund_reverse(
    *,
    stripe_refund_id: str,
    error: str,
    payment: Payment | None,
    amount_cents: int,
) -> PaymentRefund | None:
    """Stripe could not return the money after all: the refund no longer counts.

    An unknown refund made elsewhere is recorded as failed, so its `refund.created` arriving
    late can't book it. One of ours not booked yet needs nothing: a failed refund is never
    booked (an attempt that finds it refunds anew). Refund failures come from the bank days
    later, long after the attempt that made the refund has booked it.
    """
    with transaction.atomic():
        row = PaymentRefund.objects.filter(stripe_refund_id=stripe_refund_id).first()
        if row is None:
            if payment is None or amount_cents <= 0:
                return None
            return PaymentRefund.objects.create(
                provider_id=payment.provider_id,
                payment=payment,
                reason=PaymentRefund.Reason.EXTERNAL,
                status=PaymentRefund.Status.FAILED,
                amount_cents=amount_cents,
                stripe_refund_id=stripe_refund_id,
                last_error=error[:2000],
            )
        locked_payment = Payment.objects.select_for_update().get(pk=row.payment_id)
        row = PaymentRefund.objects.select_for_update().get(pk=row.pk)
        if row.status != PaymentRefund.Status.SUCCEEDED:
            return row
        row.status = PaymentRefund.Status.FAILED
        row.last_error = f"Stripe reported the refund failed: {error}"[:2000]
        row.save(update_fields=["status", "last_error"])
        payment_refund_total(payment=locked_payment)
        row.payment = locked_payment
        handlers = handlers_for(locked_payment.kind)
        if handlers and handlers.on_refund_failed:
            handlers.on_refund_failed(row)
        logger.warning("refund %s failed at Stripe: %s", stripe_refund_id, error)
        return row


def _payment_for(obj: dict, record: StripeEvent) -> Payment | None:
    """The payment a refund or charge belongs to, on the account the event came from."""
    intent = obj.get("payment_intent") or ""
    if not intent:
        return None
    payments = Payment.objects.filter(payment_intent_id=intent)
    if record.account:
        payments = payments.filter(stripe_account_id=record.account)
    return payments.first()
