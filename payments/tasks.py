from celery import shared_task

from payments.models import Payment
from payments.services.checkout import payment_refund
from payments.services.events import stripe_event_process
from payments.services.packs import package_expire_due


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def process_stripe_event(event_pk: int) -> None:
    stripe_event_process(event_pk=event_pk)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def refund_payment(payment_pk: int, reason: str) -> str:
    """Refund what is left of a payment we cannot honour (the key makes retries safe)."""
    payment = Payment.objects.get(pk=payment_pk)
    if payment.status != Payment.Status.PAID:
        return ""
    return payment_refund(
        payment=payment, amount_cents=payment.amount_cents - payment.refunded_cents, reason=reason
    )


@shared_task
def expire_packages() -> int:
    return package_expire_due()
