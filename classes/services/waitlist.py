"""The waitlist: join a full class, tell the owner when a seat opens, promote on request."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alera.api.errors import ApiError
from classes.errors import NoSeatFree
from classes.models import ClassSession, Enrollment, WaitlistEntry
from classes.selectors import seats_left, waitlist_active, waitlist_position
from classes.services.common import (
    ensure_bookable,
    ensure_not_booked,
    release_stale_hold,
    session_lock,
)
from customers.emails import email_queue
from customers.services import client_upsert
from payments.services.checkout import payment_open_checkout, require_payments_enabled


@dataclass(frozen=True)
class WaitlistJoin:
    entry: WaitlistEntry
    position: int
    already_on_waitlist: bool


@transaction.atomic
def waitlist_join(*, session: ClassSession, name: str, email: str, phone: str) -> WaitlistJoin:
    """Queue the customer for a full class; joining twice returns the same entry."""
    now = timezone.now()
    session = session_lock(session_id=session.pk)
    ensure_bookable(session=session, now=now)
    client = client_upsert(provider=session.provider, name=name, email=email, phone=phone)
    existing = waitlist_active(session=session).filter(client=client).first()
    if existing is not None:
        return WaitlistJoin(existing, waitlist_position(entry=existing), True)
    release_stale_hold(session=session, client=client, now=now)
    ensure_not_booked(session=session, client=client)
    free = seats_left(session=session, now=now)
    if free > 0:
        raise ApiError(409, "Seats are still available; book the class directly.", seatsLeft=free)
    last = WaitlistEntry.objects.filter(class_session=session).aggregate(m=Max("position"))["m"]
    entry = WaitlistEntry.objects.create(
        provider=session.provider, class_session=session, client=client, position=(last or 0) + 1
    )
    email_queue("waitlist_joined", waitlist_entry_id=entry.pk)
    return WaitlistJoin(entry, waitlist_position(entry=entry), False)


def notify_seat_opened(*, session: ClassSession) -> None:
    """Email the owner(s) that a seat opened, when someone is waiting for it."""
    if waitlist_active(session=session).exists():
        email_queue("seat_opened", class_session_id=session.pk)


def waitlist_promote(*, entry: WaitlistEntry) -> Enrollment:
    """Offer a free seat to a waiting customer (the owner's decision).

    Free class → Confirmed at once. Paid class → a held seat and a Checkout whose link is
    emailed to the customer. Needs a free seat (409 NoSeatFree otherwise); a Stripe failure
    releases the hold, puts the entry back on the waitlist and raises PaymentFailed (502).
    """
    enrollment = _promote(entry_id=entry.pk)
    if enrollment.payment is None:
        return enrollment
    try:
        payment_open_checkout(payment=enrollment.payment, expires_at=enrollment.hold_expires_at)
    except ApiError:
        WaitlistEntry.objects.filter(pk=entry.pk).update(promoted_at=None, enrollment=None)
        raise
    email_queue("seat_offered", enrollment_id=enrollment.pk)
    return enrollment


@transaction.atomic
def _promote(*, entry_id: int) -> Enrollment:
    from classes.services.booking import _book_free, hold_seat

    now = timezone.now()
    row = WaitlistEntry.objects.filter(pk=entry_id).values("class_session_id").get()
    session = session_lock(session_id=row["class_session_id"])
    entry = WaitlistEntry.objects.select_for_update().select_related("client").get(pk=entry_id)
    if entry.promoted_at or entry.cancelled_at:
        raise ApiError(409, "This waitlist entry was already promoted or cancelled.")
    ensure_bookable(session=session, now=now)
    release_stale_hold(session=session, client=entry.client, now=now)
    ensure_not_booked(session=session, client=entry.client)
    if seats_left(session=session, now=now) <= 0:
        raise NoSeatFree()
    if session.price_cents:
        require_payments_enabled(session.provider)
        url = f"{settings.SITE_URL}/"
        enrollment = hold_seat(
            session=session, client=entry.client, success_url=url, cancel_url=url, now=now
        )
    else:
        enrollment = _book_free(session=session, client=entry.client, now=now)
    entry.promoted_at = now
    entry.enrollment = enrollment
    entry.save(update_fields=["promoted_at", "enrollment"])
    return enrollment
