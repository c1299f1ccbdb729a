"""Stripe webhook events: record once, apply later in a worker, idempotently.

A stored event is an obligation: whatever fails after it is stored (the broker at commit, the
database for longer than the task's retries), something queues it again until it is processed.
"""

import datetime as dt
import json
import logging
import time
from functools import partial

import stripe
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import Provider
from payments.models import StripeEvent
from payments.services.checkout import payment_mark_expired, payment_mark_failed, payment_mark_paid
from payments.services.refund_events import charge_refunded_check, refund_event_apply

logger = logging.getLogger(__name__)

# Stripe's own default: a signature older than this is a replay, and one dated further ahead
# than this is forged or from a clock we must not trust (the SDK only bounds the past).
SIGNATURE_TOLERANCE_SECONDS = 300

# An event still unprocessed this long after it arrived (or after its last requeue) is queued
# again by the sweep. Longer than the task's own retries (about 30 s in all), so the sweep
# only picks up what they gave up on or what never reached the broker.
REQUEUE_AFTER = dt.timedelta(minutes=2)
REQUEUE_BACKOFF_MAX = dt.timedelta(hours=1)
REQUEUE_BATCH = 500


class BadSignature(Exception):
    pass


def stripe_event_verify(*, payload: bytes, signature: str) -> dict:
    """Parse an event only if its Stripe-Signature matches STRIPE_WEBHOOK_SECRET and was made
    within the tolerance of now, in either direction."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise BadSignature("Webhooks are not configured (STRIPE_WEBHOOK_SECRET is empty).")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, secret, SIGNATURE_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise BadSignature(str(exc)) from exc
    if _signed_at(signature) > time.time() + SIGNATURE_TOLERANCE_SECONDS:
        raise BadSignature("Timestamp is in the future.")
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise BadSignature("The payload is not a Stripe event.")
    return event


def _signed_at(signature: str) -> int:
    """The header's `t=` (verify_header has already parsed and checked it is there)."""
    for part in signature.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t":
            return int(value)
    raise BadSignature("No timestamp in the signature header.")


def stripe_event_record(*, event: dict) -> StripeEvent | None:
    """Store the event by its unique id; None when it was seen before (a replay).

    The processing task is queued after commit, so a worker never misses the row. A replay
    of an event we stored but have not processed queues it again: Stripe retries because
    our acknowledgement or our processing failed, and the retry is the cue to try again.
    Queuing never fails the acknowledgement: the row is the obligation, and the requeue
    sweep queues what the broker did not take.
    """
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(
                event_id=event["id"],
                type=event.get("type", ""),
                account=event.get("account") or "",
                payload=event,
                next_requeue_at=timezone.now() + REQUEUE_AFTER,
            )
    except IntegrityError:
        stored = (
            StripeEvent.objects.filter(event_id=event["id"], processed_at__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        if stored is not None:
            logger.info("replay of unprocessed Stripe event %s: queuing it again", event["id"])
            _queue_after_commit(stored)
        return None
    _queue_after_commit(record.pk)
    return record


def _queue_after_commit(event_pk: int) -> None:
    transaction.on_commit(partial(_queue, event_pk))


def _queue(event_pk: int) -> bool:
    """Hand an event to a worker; False when the broker is away. Nothing is raised: the row
    stays unprocessed and `stripe_events_requeue_stale` queues it again later."""
    from payments.tasks import process_stripe_event

    try:
        process_stripe_event.delay(event_pk)
    except (KombuOperationalError, OSError):
        logger.warning(
            "Stripe event row %s not queued (broker unavailable?); the requeue sweep will",
            event_pk,
            exc_info=True,
        )
        return False
    except Exception:  # a task run in-process (eager, `make run`) that failed
        logger.exception("Stripe event row %s failed; the requeue sweep will retry it", event_pk)
    return True


def stripe_events_requeue_stale() -> int:
    """Beat, every minute: queue again every stored event left unprocessed past its
    `next_requeue_at`; each requeue doubles the wait (4, 8, 16 … minutes, at most an hour),
    so an event that keeps failing is retried for ever without flooding the queue.

    Each row is claimed with a conditional UPDATE on its requeue count, so overlapping
    sweeps queue it once. The first publish that fails ends the sweep (the broker is away:
    the rest waits for the next one, rather than each waiting out the publish retries).
    Returns how many were queued.
    """
    now = timezone.now()
    due = (
        StripeEvent.objects.filter(processed_at__isnull=True)
        .filter(Q(next_requeue_at__lte=now) | Q(next_requeue_at__isnull=True))
        .order_by(F("next_requeue_at").asc(nulls_first=True), "pk")
        .values_list("pk", "requeues")[:REQUEUE_BATCH]
    )
    queued = 0
    for pk, requeues in list(due):
        wait = min(REQUEUE_AFTER * 2 ** min(requeues + 1, 16), REQUEUE_BACKOFF_MAX)
        claimed = StripeEvent.objects.filter(
            pk=pk, processed_at__isnull=True, requeues=requeues
        ).update(requeues=requeues + 1, next_requeue_at=now + wait)
        if claimed:
            logger.warning("Stripe event row %s still unprocessed: queuing it again", pk)
            if not _queue(pk):
                break
            queued += 1
    return queued


def stripe_event_process(*, event_pk: int) -> None:
    """Apply one stored event. Safe to run twice: every effect is a guarded state change.

    A failure is noted on the row (`error`, shown in the admin) and raised, so the task
    retries; once processed the note is cleared.
    """
    record = StripeEvent.objects.get(pk=event_pk)
    obj = (record.payload.get("data") or {}).get("object") or {}
    handler = _HANDLERS.get(record.type)
    if handler is not None:
        try:
            handler(obj, record)
        except Exception as exc:
            _note_error(event_pk, exc)
            raise
    StripeEvent.objects.filter(pk=event_pk, processed_at__isnull=True).update(
        processed_at=timezone.now(), error=""
    )


def _note_error(event_pk: int, exc: Exception) -> None:
    try:
        StripeEvent.objects.filter(pk=event_pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
    except DatabaseError:  # the database is what failed: a later attempt notes it
        logger.warning("could not note the error of Stripe event row %s", event_pk)


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
