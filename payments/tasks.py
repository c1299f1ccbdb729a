from celery import shared_task

from payments.services.events import stripe_event_process


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def process_stripe_event(event_pk: int) -> None:
    stripe_event_process(event_pk=event_pk)
