from celery import shared_task

from payments.services.events import stripe_event_process, stripe_events_requeue_stale
from payments.services.packs import package_expire_due
from payments.services.refunds import refund_attempt, refunds_retry_due


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def process_stripe_event(event_pk: int) -> None:
    """Apply a stored event. Its quick retries (1, 2, 4, 8, 16 s at most) end before the
    requeue sweep's first look (2 minutes), which takes over from there."""
    stripe_event_process(event_pk=event_pk)


@shared_task
def requeue_stale_stripe_events() -> int:
    """Beat, every minute: queue again the stored events nothing has processed."""
    return stripe_events_requeue_stale()


@shared_task
def attempt_refund(refund_pk: int) -> str:
    """Try a refund we owe, right after the decision commits. A failure is rescheduled on
    the row itself (`next_attempt_at`), where `retry_refunds` picks it up: no Celery retry
    state to lose."""
    return refund_attempt(refund_id=refund_pk).status


@shared_task
def retry_refunds() -> int:
    """Beat, every minute: try every owed refund that is due again."""
    return refunds_retry_due()


@shared_task
def expire_packages() -> int:
    return package_expire_due()
