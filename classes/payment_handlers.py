"""Registers what an `enrollment` payment does when it is paid, expires or fails, and when
one of its refunds goes through or fails."""

from classes.services.holds import enrollment_on_expired, enrollment_on_paid
from classes.services.refunds import enrollment_on_refund_failed, enrollment_on_refunded
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
