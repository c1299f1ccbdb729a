"""Celery entry points of the booking engine: thin wrappers that take ids and call services."""

from celery import shared_task

from classes.services.holds import enrollment_refund_unseated, holds_release_expired
from classes.services.waitlist import waitlist_auto_fill
from payments.errors import PaymentFailed


@shared_task
def release_expired_holds() -> int:
    """Beat, every minute: free seats whose Checkout can no longer be paid."""
    return holds_release_expired()


@shared_task(autoretry_for=(PaymentFailed,), retry_backoff=True, max_retries=8)
def refund_unseated_payment(enrollment_id: int) -> str:
    """A payment completed after its seat was given away: give the money back."""
    return enrollment_refund_unseated(enrollment_id=enrollment_id)


@shared_task
def fill_waitlist(session_id: int) -> int:
    """A seat opened in a studio on the auto policy: promote the waitlist into it."""
    return len(waitlist_auto_fill(session_id=session_id).promoted)
