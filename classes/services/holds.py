"""What happens to a held seat when its Checkout is paid, expires, or is paid too late.

These run inside `payment_mark_paid` / `payment_mark_expired`, which hold the Payment row
lock; the class session is locked next, then the enrollment (always in that order).
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from classes.models import Enrollment
from classes.selectors import seats_left
from classes.services.common import session_lock
from classes.services.waitlist import (
    notify_seat_opened,
    waitlist_entry_restore,
    waitlist_seat_opened,
)
from customers.emails import email_queue
from payments.models import Payment
from payments.services.checkout import payment_mark_expired, payment_refund

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
    """Confirm the held seat. A late payment for a released hold gets a seat if one is free
    (and the customer holds no other booking on the class), else an automatic refund."""
    enrollment = _locked_enrollment(payment)
    if enrollment is None:
        logger.error("paid payment %s has no enrollment", payment.public_id)
        return
    now = timezone.now()
    if enrollment.status == Enrollment.Status.PENDING_PAYMENT:
        _confirm(enrollment, payment, now)
        return
    late_but_seatable = (
        enrollment.status == Enrollment.Status.CANCELLED
        and enrollment.cancelled_by == "system"
        and enrollment.class_session.status == enrollment.class_session.Status.SCHEDULED
        and enrollment.class_session.scheduled_at > now
        and not Enrollment.objects.filter(
            class_session=enrollment.class_session,
            client_id=enrollment.client_id,
            status__in=[Enrollment.Status.PENDING_PAYMENT, Enrollment.Status.CONFIRMED],
        ).exists()
        and seats_left(session=enrollment.class_session, now=now) > 0
    )
    if late_but_seatable:
        enrollment.cancelled_at = None
        enrollment.cancelled_by = ""
        enrollment.cancel_reason = ""
        _confirm(enrollment, payment, now)
        return
    from classes.tasks import refund_unseated_payment

    enrollment_id = enrollment.pk
    transaction.on_commit(lambda: refund_unseated_payment.delay(enrollment_id))


def _confirm(enrollment: Enrollment, payment: Payment, now: dt.datetime) -> None:
    enrollment.status = Enrollment.Status.CONFIRMED
    enrollment.confirmed_at = now
    enrollment.hold_expires_at = None
    enrollment.amount_paid_cents = payment.amount_cents
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
    email_queue("booking_confirmed", enrollment_id=enrollment.pk)


def enrollment_on_expired(payment: Payment) -> None:
    """Release the seat a Checkout was holding and apply the studio's waitlist policy."""
    enrollment = _locked_enrollment(payment)
    if enrollment is None or enrollment.status != Enrollment.Status.PENDING_PAYMENT:
        return
    enrollment.status = Enrollment.Status.CANCELLED
    enrollment.cancelled_at = timezone.now()
    enrollment.cancelled_by = "system"
    enrollment.cancel_reason = "Checkout expired."
    enrollment.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    session = enrollment.class_session
    if payment.checkout_session_id:
        email_queue("payment_expired", enrollment_id=enrollment.pk)
        waitlist_seat_opened(session=session)
        return
    # The Checkout never opened (Stripe failed), which was not the customer's doing: whoever
    # asked for it got a 502. A seat offered from the waitlist goes back to its entry, in its
    # place, and the owner is told; the auto policy is not re-run, as it would meet the same
    # failure again.
    waitlist_entry_restore(enrollment=enrollment)
    notify_seat_opened(session=session)


def holds_release_expired(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """The beat sweep: expire every hold past its time (as `checkout.session.expired` would)."""
    now = now or timezone.now()
    payment_ids = list(
        Enrollment.objects.filter(
            status=Enrollment.Status.PENDING_PAYMENT,
            hold_expires_at__lte=now,
            payment__isnull=False,
        )
        .order_by("hold_expires_at")
        .values_list("payment_id", flat=True)[:limit]
    )
    released = 0
    for payment_id in payment_ids:
        payment = payment_mark_expired(payment_id=payment_id)
        released += int(payment is not None and payment.status == Payment.Status.EXPIRED)
    return released


def enrollment_refund_unseated(*, enrollment_id: int) -> str:
    """Refund a payment that arrived after its seat was gone. Idempotent; PaymentFailed on
    a Stripe failure (the task retries)."""
    enrollment = Enrollment.objects.select_related("payment").get(pk=enrollment_id)
    payment = enrollment.payment
    if payment is None or enrollment.status != Enrollment.Status.CANCELLED:
        return ""
    if enrollment.refund_id:
        return enrollment.refund_id
    remaining = payment.amount_cents - payment.refunded_cents
    refund_id = payment.refund_id
    if remaining > 0:
        refund_id = payment_refund(payment=payment, amount_cents=remaining, reason="unseated")
    with transaction.atomic():
        updated = Enrollment.objects.filter(pk=enrollment.pk, refund_id="").update(
            refund_id=refund_id, refunded_cents=payment.amount_cents
        )
        if updated:
            email_queue("late_payment_refunded", enrollment_id=enrollment.pk)
    return refund_id
