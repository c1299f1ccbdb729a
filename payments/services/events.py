"""Stripe webhook events: record once, apply later in a worker, idempotently."""

import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Provider
from alera.events import event_record
from payments.models import StripeEvent
from payments.services.checkout import payment_mark_expired, payment_mark_failed, payment_mark_paid
from payments.services.refund_events import charge_refunded_check, refund_event_apply

logger = logging.getLogger(__name__)


class BadSignature(Exception):
    pass


def stripe_event_verify(*, payload: bytes, signature: str) -> dict:
    """Parse an event only if its Stripe-Signature matches STRIPE_WEBHOOK_SECRET."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise BadSignature("Webhooks are not configured (STRIPE_WEBHOOK_SECRET is empty).")
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature, secret, 300)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise BadSignature(str(exc)) from exc
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise BadSignature("The payload is not a Stripe event.")
    return event


def stripe_event_record(*, event: dict) -> StripeEvent | None:
    """Store the event by its unique id; None when it was seen before (a replay).

    The processing task is queued after commit, so a worker never misses the row.
    """
    from payments.tasks import process_stripe_event

    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(
                event_id=event["id"],
                type=event.get("type", ""),
                account=event.get("account") or "",
                payload=event,
            )
            transaction.on_commit(lambda: process_stripe_event.delay(record.pk))
    except IntegrityError:
        return None
    return record


def stripe_event_process(*, event_pk: int) -> None:
    """Apply one stored event. Safe to run twice: every effect is a guarded state change."""
    record = StripeEvent.objects.get(pk=event_pk)
    obj = (record.payload.get("data") or {}).get("object") or {}
    handler = _HANDLERS.get(record.type)
    if handler is not None:
        handler(obj, record)
    StripeEvent.objects.filter(pk=event_pk, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )


def stripe_event_reprocess(*, event_pk: int) -> None:
    """Staff apply a stored event again (the admin's action): recorded on the studio whose
    account it came from, then processed like the webhook task would (idempotent)."""
    record = StripeEvent.objects.get(pk=event_pk)
    provider = Provider.objects.filter(stripe_account_id=record.account).first()
    if record.account and provider is not None:
        with transaction.atomic():
            event_record(
                kind="stripe_event.reprocessed",
                provider=provider,
                subject_id=record.event_id[:64],
                payload={"type": record.type, "processed": record.processed_at is not None},
            )
    stripe_event_process(event_pk=event_pk)


def _payment_ref(obj: dict) -> dict:
    metadata = obj.get("metadata") or {}
    if metadata.get("payment_id"):
        return {"public_id": metadata["payment_id"]}
    return {"session_id": obj.get("id")}


def _checkout_completed(obj: dict, record: StripeEvent) -> None:
    """Fulfil only what is paid: a delayed method completes `unpaid` and is settled later by
    `async_payment_succeeded` / `async_payment_failed` (either may come first: forward only)."""
    if obj.get("payment_status") not in ("paid", "no_payment_required"):
        return
    payment_mark_paid(**_payment_ref(obj), payment_intent_id=obj.get("payment_intent") or "")


def _async_payment_succeeded(obj: dict, record: StripeEvent) -> None:
    payment_mark_paid(**_payment_ref(obj), payment_intent_id=obj.get("payment_intent") or "")


def _async_payment_failed(obj: dict, record: StripeEvent) -> None:
    payment_mark_failed(**_payment_ref(obj))


def _checkout_expired(obj: dict, record: StripeEvent) -> None:
    payment_mark_expired(**_payment_ref(obj))


def _account_updated(obj: dict, record: StripeEvent) -> None:
    provider_stripe_status_set(
        account_id=obj.get("id", ""),
        charges_enabled=bool(obj.get("charges_enabled")),
        details_submitted=bool(obj.get("details_submitted")),
    )


def provider_stripe_status_set(
    *, account_id: str, charges_enabled: bool, details_submitted: bool
) -> int:
    """Mirror a connected account's status onto its provider; returns rows changed."""
    if not account_id:
        return 0
    return Provider.objects.filter(stripe_account_id=account_id).update(
        stripe_charges_enabled=charges_enabled, stripe_details_submitted=details_submitted
    )


_HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _async_payment_succeeded,
    "checkout.session.async_payment_failed": _async_payment_failed,
    "checkout.session.expired": _checkout_expired,
    "refund.created": refund_event_apply,
    "refund.updated": refund_event_apply,
    "refund.failed": refund_event_apply,
    "charge.refunded": charge_refunded_check,
    "account.updated": _account_updated,
}
