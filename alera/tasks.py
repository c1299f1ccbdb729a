"""Email delivery task: take ids, render fresh, retry with backoff on transport errors."""

import smtplib

from celery import shared_task

from alera.emails import email_send_now


@shared_task(
    name="customers.tasks.send_email",  # the name queued messages already carry
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def send_email(kind: str, ids: dict) -> bool:
    return email_send_now(kind, ids)
