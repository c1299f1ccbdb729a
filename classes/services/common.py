"""Helpers the booking services share: the session lock and the bookability rules."""

import datetime as dt

from django.utils import timezone

from accounts.models import Membership, Provider
from alera.events import event_record
from alera.locking import lock_timeout
from alera.tokens import Purpose, token_make
from classes.errors import AlreadyBooked, ClassGone
from classes.models import ClassSession, Enrollment
from customers.models import Client


def session_lock(*, session_id: int) -> ClassSession:
    """Lock the session row: every seat decision on one class is serialised by this lock.

    Only the session row: locking the joined provider too would serialise every booking of
    the studio, across all its classes.
    """
    with lock_timeout():
        return (
            ClassSession.objects.select_for_update(of=("self",))
            .select_related("provider", "service")
            .get(pk=session_id)
        )


def ensure_bookable(*, session: ClassSession, now: dt.datetime | None = None) -> None:
    """410 for a cancelled, completed or already started class."""
    now = now or timezone.now()
    if session.status == ClassSession.Status.CANCELLED:
        raise ClassGone("This class was cancelled.")
    if session.status == ClassSession.Status.COMPLETED or session.scheduled_at <= now:
        raise ClassGone("This class has already started.")


def release_stale_hold(*, session: ClassSession, client: Client, now: dt.datetime) -> None:
    """Cancel `client`'s hold on `session` if it has expired but was not swept yet.

    Its payment stays open; a late payment is then honoured or refunded by `on_paid`.
    """
    Enrollment.objects.stale_holds(now).filter(class_session=session, client=client).update(
        status=Enrollment.Status.CANCELLED,
        cancelled_at=now,
        cancelled_by=Enrollment.CancelledBy.SYSTEM,
        cancel_reason="Checkout expired.",
    )


def ensure_not_booked(*, session: ClassSession, client: Client) -> None:
    """409 when the customer already has a live booking (held or confirmed) on the class."""
    if Enrollment.objects.live().filter(class_session=session, client=client).exists():
        raise AlreadyBooked()


def cancel_token(enrollment: Enrollment) -> str:
    """The signed self-cancel token, bound to the enrollment and its studio."""
    return token_make(
        Purpose.CANCEL,
        record_id=enrollment.public_id,
        provider_id=enrollment.provider.public_id,
    )


def cancel_link(enrollment: Enrollment) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/me/cancel/{cancel_token(enrollment)}"


def owner_emails(provider: Provider) -> list[str]:
    return list(
        Membership.objects.filter(
            provider=provider, role=Membership.Role.OWNER, user__is_active=True
        )
        .order_by("pk")
        .values_list("user__email", flat=True)
    )


def enrollment_event(
    kind: str,
    enrollment: Enrollment,
    *,
    payload: dict | None = None,
    refs: dict | None = None,
    actor=None,
) -> None:
    """Record `booking.<kind>` for one booking, filed under its class and its customer."""
    session = enrollment.class_session
    event_record(
        kind=f"booking.{kind}",
        provider=enrollment.provider_id,
        subject_id=enrollment.public_id,
        class_id=session.public_id,
        client_id=enrollment.client.public_id,
        payload={
            "status": enrollment.status,
            "paidWith": enrollment.paid_with,
            "priceCents": enrollment.price_cents,
            **(payload or {}),
        },
        refs={"enrollment_id": enrollment.pk, **(refs or {})},
        actor=actor,
    )
