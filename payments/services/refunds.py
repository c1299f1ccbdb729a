"""Refunds as rows: what we owe is written down before Stripe is asked, and asked until it pays.

A refund Alera decides (a late payment with no seat left, a second tip, a cancel) is a
`PaymentRefund` created in the transaction that took the decision. Stripe is then asked
outside any transaction: at once (after commit), and again by the beat sweep with backoff
(`next_attempt_at`) while it fails. The row, not a Celery message, carries the obligation, so
a broker restart, a worker crash or a day-long Stripe outage loses nothing.

Idempotency: attempt n is sent with the key `refund-<row>-<n>` and the row's id in the
refund's metadata. Stripe stores the first answer per key, 500s included, so retrying under
one key would replay the outage for 24 hours; before a new key, the attempt asks Stripe for a
refund carrying the row's id (an earlier attempt that took effect but whose answer was lost)
and adopts it instead of refunding twice. That look-up is only sound if no earlier attempt is
still in flight, so an attempt claims its row with a conditional UPDATE stamping
`attempt_started_at`, and no other attempt starts until it has finished or its lease (longer
than any gateway call) has run out: the task, the beat and staff never overlap on one row.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from payments.gateway import GatewayError, get_gateway
from payments.gateway.base import Refund
from payments.handlers import handlers_for
from payments.models import Payment, PaymentRefund

logger = logging.getLogger(__name__)

# Longer than one gateway call can take (the SDK's 80 s timeout, 3 tries), so an attempt is
# never taken over while it may still be talking to Stripe; a crashed one is after this.
ATTEMPT_LEASE = dt.timedelta(minutes=10)
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=1)
_FAILED_AT_STRIPE = ("failed", "canceled")


def refund_backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def refundable_cents(payment: Payment) -> int:
    """What is left to give back: the amount less refunds made or already owed."""
    taken = payment.refunds.filter(
        status__in=[PaymentRefund.Status.PENDING, PaymentRefund.Status.SUCCEEDED]
    ).aggregate(total=Sum("amount_cents"))["total"]
    return max(0, payment.amount_cents - (taken or 0))


def refund_owe(
    *,
    payment: Payment,
    reason: str,
    amount_cents: int | None = None,
    client_id: int | None = None,
    enrollment_id: int | None = None,
) -> PaymentRefund | None:
    """Record a refund we owe (inside the deciding transaction) and try it after commit.

    `amount_cents` defaults to all that is left; None when nothing is.
    """
    amount = refundable_cents(payment) if amount_cents is None else amount_cents
    if amount <= 0:
        return None
    refund = PaymentRefund.objects.create(
        provider_id=payment.provider_id,
        payment=payment,
        client_id=client_id,
        enrollment_id=enrollment_id,
        reason=reason,
        amount_cents=amount,
        next_attempt_at=timezone.now(),
    )
    from payments.tasks import attempt_refund

    refund_pk = refund.pk
    transaction.on_commit(lambda: attempt_refund.delay(refund_pk), robust=True)
    return refund


def refund_claim(
    *, payment: Payment, amount_cents: int, enrollment, details: dict
) -> PaymentRefund:
    """A cancel's refund, claimed for the caller's own first attempt (`refund_run_claim`).

    Created inside the caller's locked transaction: while it is pending, it is the proof
    that a cancel with money is in flight. Its lease keeps the sweep off it meanwhile.
    """
    now = timezone.now()
    return PaymentRefund.objects.create(
        provider_id=payment.provider_id,
        payment=payment,
        client_id=enrollment.client_id,
        enrollment=enrollment,
        reason=PaymentRefund.Reason.CANCEL,
        amount_cents=amount_cents,
        attempts=1,
        attempt_started_at=now,
        next_attempt_at=now,
        details=details,
    )


def refund_run_claim(*, refund: PaymentRefund) -> PaymentRefund:
    """The first attempt of a refund made by `refund_claim` (outside any transaction)."""
    return _attempt(_reload(refund.pk), attempt=1)


def refund_attempt(*, refund_id: int, now: dt.datetime | None = None) -> PaymentRefund:
    """Try a pending refund if it is due. Safe to call from any number of workers at once."""
    now = now or timezone.now()
    claimed = PaymentRefund.objects.filter(_due(now), pk=refund_id).update(
        attempts=F("attempts") + 1, attempt_started_at=now
    )
    refund = _reload(refund_id)
    return _attempt(refund, attempt=refund.attempts) if claimed else refund


def refund_retry_now(*, refund: PaymentRefund) -> PaymentRefund:
    """Staff's "retry now": make a pending refund due at once and try it (unless an attempt
    is in flight: that one finishes first)."""
    if refund.status != PaymentRefund.Status.PENDING:
        raise ValueError(f"{refund.public_id} is {refund.status}, not pending.")
    now = timezone.now()
    PaymentRefund.objects.filter(pk=refund.pk).update(next_attempt_at=now)
    return refund_attempt(refund_id=refund.pk, now=now)


def refunds_retry_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """The beat sweep: try every pending refund whose time has come; returns how many
    succeeded."""
    now = now or timezone.now()
    due = PaymentRefund.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    succeeded = 0
    for refund_id in list(due.values_list("pk", flat=True)[:limit]):
        refund = refund_attempt(refund_id=refund_id, now=now)
        succeeded += refund.status == PaymentRefund.Status.SUCCEEDED
    return succeeded


def _due(now: dt.datetime) -> Q:
    """Pending, its backoff over, and no attempt in flight (or one whose lease ran out)."""
    return (
        Q(status=PaymentRefund.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(attempt_started_at__isnull=True) | Q(attempt_started_at__lte=now - ATTEMPT_LEASE))
    )


def _reload(refund_id: int) -> PaymentRefund:
    return PaymentRefund.objects.select_related("payment").get(pk=refund_id)


def _attempt(refund: PaymentRefund, *, attempt: int) -> PaymentRefund:
    gateway = get_gateway()
    try:
        if attempt > 1:
            found = gateway.find_refund(payment=refund.payment, refund_ref=refund.public_id)
            if found is not None and found.status not in _FAILED_AT_STRIPE:
                return _succeeded(refund_id=refund.pk, made=found)
            if refund.reason == PaymentRefund.Reason.CANCEL:
                # Its canceller was told it failed and the booking stayed: keep that true.
                return _abandoned(refund_id=refund.pk, error=refund.last_error)
        made = gateway.refund(
            payment=refund.payment,
            amount_cents=refund.amount_cents,
            idempotency_key=f"refund-{refund.public_id}-{attempt}",
            refund_ref=refund.public_id,
        )
    except GatewayError as exc:
        logger.warning("refund %s attempt %d failed: %s", refund.public_id, attempt, exc)
        return _failed_attempt(refund, attempt=attempt, error=exc)
    if made.status in _FAILED_AT_STRIPE:
        refused = GatewayError(f"Stripe's refund {made.id} is {made.status}.", definitive=True)
        return _failed_attempt(refund, attempt=attempt, error=refused)
    return _succeeded(refund_id=refund.pk, made=made)


def _failed_attempt(refund: PaymentRefund, *, attempt: int, error: GatewayError) -> PaymentRefund:
    """A cancel Stripe refused is abandoned (the caller answers 502, nothing changed); any
    other failure waits for its next try. A cancel whose outcome is unknown stays claimed
    until a later attempt finds out what Stripe did."""
    if refund.reason == PaymentRefund.Reason.CANCEL and attempt == 1 and error.definitive:
        return _abandoned(refund_id=refund.pk, error=str(error))
    PaymentRefund.objects.filter(pk=refund.pk, status=PaymentRefund.Status.PENDING).update(
        last_error=str(error)[:2000],
        attempt_started_at=None,
        next_attempt_at=timezone.now() + refund_backoff(attempt),
    )
    return _reload(refund.pk)


def refund_made_by_stripe(*, refund_ref: str, made: Refund) -> PaymentRefund | None:
    """Stripe reports a refund it made for one of our rows (its event carries the row's id):
    book it if it isn't yet, whichever of the attempt and the event comes first. A row given
    up on is booked too: Stripe made the refund after all, and the books follow Stripe."""
    refund_id = (
        PaymentRefund.objects.filter(public_id=refund_ref).values_list("pk", flat=True).first()
    )
    return None if refund_id is None else _succeeded(refund_id=refund_id, made=made)


def _succeeded(*, refund_id: int, made: Refund) -> PaymentRefund:
    """Book a refund Stripe made, once: Payment row lock first, as everywhere."""
    with transaction.atomic():
        payment_id = PaymentRefund.objects.filter(pk=refund_id).values_list("payment_id", flat=True)
        payment = Payment.objects.select_for_update().get(pk=payment_id[0])
        refund = PaymentRefund.objects.select_for_update().get(pk=refund_id)
        if refund.status not in (PaymentRefund.Status.PENDING, PaymentRefund.Status.ABANDONED):
            return refund
        refund.status = PaymentRefund.Status.SUCCEEDED
        refund.stripe_refund_id = made.id
        refund.succeeded_at = timezone.now()
        refund.attempt_started_at = None
        refund.last_error = ""
        refund.save(
            update_fields=[
                "status",
                "stripe_refund_id",
                "succeeded_at",
                "attempt_started_at",
                "last_error",
            ]
        )
        payment_refund_total(payment=payment, latest_refund_id=made.id)
        refund.payment = payment
        handlers = handlers_for(payment.kind)
        if handlers and handlers.on_refunded:
            handlers.on_refunded(refund)
        return refund


def _abandoned(*, refund_id: int, error: str) -> PaymentRefund:
    with transaction.atomic():
        refund = PaymentRefund.objects.select_for_update().get(pk=refund_id)
        if refund.status == PaymentRefund.Status.PENDING:
            refund.status = PaymentRefund.Status.ABANDONED
            refund.attempt_started_at = None
            refund.last_error = error[:2000]
            refund.save(update_fields=["status", "attempt_started_at", "last_error"])
        return refund


def payment_refund_total(*, payment: Payment, latest_refund_id: str = "") -> None:
    """Set `refunded_cents` (and the status) from the succeeded rows; call under the
    Payment row lock."""
    total = payment.refunds.filter(status=PaymentRefund.Status.SUCCEEDED).aggregate(
        total=Sum("amount_cents")
    )["total"]
    payment.refunded_cents = min(payment.amount_cents, total or 0)
    if latest_refund_id:
        payment.refund_id = latest_refund_id
    if payment.refunded_cents >= payment.amount_cents:
        payment.status = Payment.Status.REFUNDED
    elif payment.status == Payment.Status.REFUNDED:
        payment.status = Payment.Status.PAID
    payment.save(update_fields=["refunded_cents", "refund_id", "status"])
