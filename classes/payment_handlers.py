"""Registers what an `enrollment` payment does when it is paid, expires or fails, and when
one of its refunds goes through or fails."""

from classes.services.holds import enrollment_on_expired, enrollment_on_paid
from classes.services.refunds import enrollment_on_refund_failed, enrollment_on_refunded
from classes.services.tips import tip_on_paid, tip_on_refunded
from payments.handlers import register
from payments.models import Payment


def register_handlers() -> None:
    register(
        Payment.Kind.ENROLLMENT,
        on_paid=enrollment_on_paid,
        on_expired=enrollment_on_expired,
        on_refunded=enrollment_on_refunded,
        on_refund_failed=enrollment_on_refund_failed,
    )
    # Tips stamp the appointment, a row of this app.
    register(Payment.Kind.TIP, on_paid=tip_on_paid, on_refunded=tip_on_refunded)
