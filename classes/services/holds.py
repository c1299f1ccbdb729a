"""What happens to a held seat when its Checkout is paid, expires, fails, or is paid too late.

These run inside `payment_mark_paid` / `payment_mark_expired` / `payment_mark_failed`, which
hold the Payment row lock; the class session is locked next, then the enrollment (always in
that order).
"""

import datetime as dt
import logging

from django.utils import timezone

from classes.models import Enrollment
from classes.selectors import seats_left
from classes.services.common import enrollment_event, session_lock
from classes.services.waitlist import (
    notify_seat_opened,
    waitlist_entry_restore,
    waitlist_seat_opened,
)
from payments.models import Payment, PaymentRefund
from payments.selectors import payment_refs_with_unprocessed_paid_events
from payments.services.checkout import payment_mark_expired
from payments.services.refunds import refund_owe

logger = logging.getLogger(__name__)


def _locked_enrollment(payment: Payment) -> Enrollment | None:
    row = Enrollment.objects.filter(payment=payment).values("pk", "class_session_id").first()
    if row is None:
        return None
    session_lock(session_id=row["class_session_id"])
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("class_session")
        .get(pk=row["pk"])
    )


def enrollment_on_paid(payment: Payment) -> None:
    """Confirm the held seat, or owe the money back: one decision under the class lock.

    A live hold is the payer's seat. A payment that comes after its hold expired, whether
    the sweep released the hold yet or not, gets a seat only if one is free now, the class
    is still ahead and the customer holds no other booking on it. Otherwise the booking is
    released and a refund is owed: a row in this transaction, tried after commit until
    Stripe accepts it; the customer is emailed when it goes through.
    """
    enrollment = _locked_enrollment(payment)
    if enrollment is None:  # nothing to seat: the money goes back
        logger.error("paid payment %s has no enrollment: refunding", payment.public_id)
        refund_owe(payment=payment, reason=PaymentRefund.Reason.UNSEATED)
        return
    now = timezone.now()
    if _gets_the_seat(enrollment, now):
        _confirm(enrollment, payment, now)
        return
    if enrollment.status == Enrollment.Status.PENDING_PAYMENT:  # expired, not released yet
        enrollment.status = Enrollment.Status.CANCELLED
        enrollment.cancelled_at = now
        enrollment.cancelled_by = Enrollment.CancelledBy.SYSTEM
        enrollment.cancel_reason = "Paid after the hold expired; no seat was left."
        enrollment.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    logger.info("payment %s came too late for a seat: refunding", payment.public_id)
    refund_owe(
        payment=payment,
        reason=PaymentRefund.Reason.UNSEATED,
        client_id=enrollment.client_id,
        enrollment_id=enrollment.pk,
    )


def _gets_the_seat(enrollment: Enrollment, now: dt.datetime) -> bool:
    pending = enrollment.status == Enrollment.Status.PENDING_PAYMENT
    if pending and (enrollment.hold_expires_at is None or enrollment.hold_expires_at > now):
        return True
    released = pending or (
        enrollment.status == Enrollment.Status.CANCELLED
        and enrollment.cancelled_by == Enrollment.CancelledBy.SYSTEM
    )
    session = enrollment.class_session
    return (
        released
        and session.status == session.Status.SCHEDULED
        and session.scheduled_at > now
        and not Enrollment.objects.live()
        .filter(class_session=session, client_id=enrollment.client_id)
        .exclude(pk=enrollment.pk)
        .exists()
        # An expired hold (this one included) no longer counts, so this is what is free.
        and seats_left(session=session, now=now) > 0
    )


def _confirm(enrollment: Enrollment, payment: Payment, now: dt.datetime) -> None:
    enrollment.status = Enrollment.Status.CONFIRMED
    enrollment.confirmed_at = now
    enrollment.hold_expires_at = None
    enrollment.amount_paid_cents = payment.amount_cents
    enrollment.cancelled_at = None
    enrollment.cancelled_by = ""
    enrollment.cancel_reason = ""
    enrollment.save(
        update_fields=[
            "status",
            "confirmed_at",
            "hold_expires_at",
            "amount_paid_cents",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
        ]
    )
    enrollment_event("confirmed", enrollment, payload={"amountPaidCents": payment.amount_cents})


def enrollment_on_expired(payment: Payment) -> None:
    """Release the seat a Checkout was holding (it expired, or its delayed payment failed)
    and apply the studio's waitlist policy."""
    enrollment = _locked_enrollment(payment)
    if enrollment is None or enrollment.status != Enrollment.Status.PENDING_PAYMENT:
        return
    failed = payment.status == Payment.Status.FAILED
    enrollment.status = Enrollment.Status.CANCELLED
    enrollment.cancelled_at = timezone.now()
    enrollment.cancelled_by = Enrollment.CancelledBy.SYSTEM
    enrollment.cancel_reason = "Payment failed." if failed else "Checkout expired."
    enrollment.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    session = enrollment.class_session
    enrollment_event(
        "expired",
        enrollment,
        payload={"cancelReason": enrollment.cancel_reason},
        refs={"tell_customer": bool(payment.checkout_session_id), "failed": failed},
    )
    if payment.checkout_session_id:
        waitlist_seat_opened(session=session)
        return
    # The Checkout never opened (Stripe failed), which was not the customer's doing: whoever
    # asked for it got a 502. A seat offered from the waitlist goes back to its entry, in its
    # place, and the owner is told; the auto policy is not re-run, as it would meet the same
    # failure again.
    waitlist_entry_restore(enrollment=enrollment)
    notify_seat_opened(session=session)


def holds_release_expired(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """The beat sweep: expire every hold past its time (as `checkout.session.expired` would).

    A hold whose payment's paid event is stored but not processed yet is kept: Stripe told
    us it was paid, and that event's processing decides (seat or refund) once it runs.
    """
    now = now or timezone.now()
    due = (
        Enrollment.objects.stale_holds(now)
        .filter(payment__isnull=False)
        .order_by("hold_expires_at")
        .values_list("payment_id", "payment__public_id", "payment__checkout_session_id")
    )
    awaiting = payment_refs_with_unprocessed_paid_events()
    released = 0
    for payment_id, public_id, session_id in due[:limit]:
        if public_id in awaiting or (session_id and session_id in awaiting):
            continue
        payment = payment_mark_expired(payment_id=payment_id)
        released += int(payment is not None and payment.status == Payment.Status.EXPIRED)
    return released
