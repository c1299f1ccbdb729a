"""What a booking's refund, once Stripe has made it (or reported it failed), does to the
booking. Runs inside the transaction that books the refund, Payment row locked."""

from django.db.models import F, Value
from django.db.models.functions import Greatest

from alera.emails import email_queue
from classes.models import Enrollment
from classes.services.cancellation import enrollment_cancel_refunded
from payments.models import PaymentRefund


def enrollment_on_refunded(refund: PaymentRefund) -> None:
    if refund.enrollment_id is None:
        return
    if refund.reason == PaymentRefund.Reason.CANCEL:
        enrollment_cancel_refunded(refund)
    elif refund.reason == PaymentRefund.Reason.UNSEATED:
        Enrollment.objects.filter(pk=refund.enrollment_id).update(
            refunded_cents=F("refunded_cents") + refund.amount_cents,
            refund_id=refund.stripe_refund_id,
        )
        email_queue("late_payment_refunded", enrollment_id=refund.enrollment_id)


def enrollment_on_refund_failed(refund: PaymentRefund) -> None:
    """The bank sent the money back to the studio: the booking no longer shows it refunded."""
    if refund.enrollment_id is not None:
        Enrollment.objects.filter(pk=refund.enrollment_id).update(
            refunded_cents=Greatest(F("refunded_cents") - refund.amount_cents, Value(0))
        )
