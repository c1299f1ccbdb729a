"""Email delivery tasks: take ids, render fresh, retry with backoff on transport errors."""

import smtplib

from celery import shared_task

from customers.emails import email_send_now
from customers.services import class_reminders_send


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def send_email(kind: str, ids: dict) -> bool:
    return email_send_now(kind, ids)


@shared_task
def send_class_reminders() -> int:
    """Beat, every 5 minutes: remind each confirmed seat once, about 24 hours ahead."""
    return class_reminders_send()
