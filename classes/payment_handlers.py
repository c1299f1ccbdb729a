"""Registers what an `enrollment` payment does when it is paid or expires."""

from classes.services.holds import enrollment_on_expired, enrollment_on_paid
from payments.handlers import register
from payments.models import Payment


def register_handlers() -> None:
    register(Payment.Kind.ENROLLMENT, on_paid=enrollment_on_paid, on_expired=enrollment_on_expired)
