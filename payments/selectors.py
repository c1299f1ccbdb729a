"""Reads of the payments app that other apps' services decide on."""

from django.db.models import Exists, OuterRef, QuerySet

from payments.models import PaymentRefund, StripeEvent

# Events that say a Checkout was paid (a `completed` may still be `unpaid`: its processing
# decides; until then the payment may be paid).
PAID_EVENT_TYPES = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


def payment_refs_with_unprocessed_paid_events() -> set[str]:
    """Payment public ids and Checkout Session ids named by paid events we stored but have
    not processed yet. Few rows: processing marks an event within seconds (issue 21)."""
    refs: set[str] = set()
    rows = StripeEvent.objects.filter(
        processed_at__isnull=True, type__in=PAID_EVENT_TYPES
    ).values_list("payload__data__object__metadata__payment_id", "payload__data__object__id")
    for public_id, session_id in rows:
        refs.update(ref for ref in (public_id, session_id) if isinstance(ref, str) and ref)
    return refs


def refund_pending_annotation() -> Exists:
    """Annotate an Enrollment queryset: a refund of it is owed and not yet made."""
    return Exists(
        PaymentRefund.objects.filter(enrollment=OuterRef("pk"), status=PaymentRefund.Status.PENDING)
    )


def client_refunds(client) -> QuerySet[PaymentRefund]:
    """A customer's refunds, newest first, with what the owner needs to read them."""
    return PaymentRefund.objects.filter(client=client).select_related("payment")
