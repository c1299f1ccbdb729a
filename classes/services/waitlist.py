"""The waitlist: join a full class; when a seat opens apply the studio's policy (email the
owner, who promotes on request, or promote automatically in queue order)."""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alera.emails import email_queue
from alera.events import event_record
from classes.errors import (
    AlreadyBooked,
    ClassGone,
    EntryNotWaiting,
    NoSeatFree,
    SeatsStillFree,
)
from classes.models import ClassSession, Enrollment, WaitlistEntry
from classes.selectors import seats_left, waitlist_active, waitlist_position
from classes.services.booking import confirm_free, hold_seat
from classes.services.common import (
    ensure_bookable,
    ensure_not_booked,
    release_stale_hold,
    session_lock,
)
from customers.services import client_upsert
from payments.errors import PaymentFailed, PaymentsNotEnabled
from payments.services.checkout import payment_open_checkout, require_payments_enabled

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WaitlistJoin:
    entry: WaitlistEntry
    position: int
    already_on_waitlist: bool


@transaction.atomic
def waitlist_join(*, session: ClassSession, name: str, email: str, phone: str) -> WaitlistJoin:
    """Queue the customer for a full class; joining twice returns the same entry."""
    now = timezone.now()
    # Client row before class row, the order booking takes them in, so the two can't deadlock.
    client = client_upsert(provider=session.provider, name=name, email=email, phone=phone)
    session = session_lock(session_id=session.pk)
    ensure_bookable(session=session, now=now)
    existing = waitlist_active(session=session).filter(client=client).first()
    if existing is not None:
        return WaitlistJoin(existing, waitlist_position(entry=existing), True)
    release_stale_hold(session=session, client=client, now=now)
    ensure_not_booked(session=session, client=client)
    free = seats_left(session=session, now=now)
    if free > 0:
        raise SeatsStillFree(seatsLeft=free)
    last = WaitlistEntry.objects.filter(class_session=session).aggregate(m=Max("position"))["m"]
    entry = WaitlistEntry.objects.create(
        provider=session.provider, class_session=session, client=client, position=(last or 0) + 1
    )
    _entry_event("joined", entry, session, client)
    return WaitlistJoin(entry, waitlist_position(entry=entry), False)


def notify_seat_opened(*, session: ClassSession) -> None:
    """Email the owner(s) that a seat opened, when someone is waiting for it."""
    if waitlist_active(session=session).exists():
        email_queue("seat_opened", class_session_id=session.pk)


def waitlist_seat_opened(*, session: ClassSession, tell_owner: bool = True) -> None:
    """A seat came free on `session` (call inside the transaction that freed it).

    Manual policy: email the owner (unless `tell_owner` is False, e.g. the owner raised the
    capacity themselves). Auto policy: once this transaction commits, a Celery task promotes
    the waiting customers (`waitlist_auto_fill`); it runs after commit so it sees the seat.
    """
    if not session.provider.waitlist_auto_confirm:
        if tell_owner:
            notify_seat_opened(session=session)
        return
    if not waitlist_active(session=session).exists():
        return
    from classes.tasks import fill_waitlist

    session_id = session.pk
    transaction.on_commit(lambda: fill_waitlist.delay(session_id), robust=True)


@dataclass
class FillResult:
    """What one auto-fill run did (the task returns how many it promoted)."""

    promoted: list[Enrollment] = field(default_factory=list)
    closed: int = 0  # entries of customers already booked into the class
    stopped_by: str = ""  # "" (queue walked), "full", "class-gone", "no-payments", "payment-failed"


def waitlist_auto_fill(*, session_id: int) -> FillResult:
    """The auto policy: promote waiting customers in queue order while seats are free.

    Each promotion is `waitlist_promote` (session row lock, seat count under it), so two
    fills running at once can never give away more seats than are free; the loop walks a
    snapshot of the queue and every step uses up or skips one entry, so it always ends.
    An entry whose customer is already booked is closed. It stops at the first class that
    is full or gone, and hands over to the owner (the `seat_opened` email) when a paid class
    can't be offered: no Stripe Connect, or Stripe failed (that failure already put the
    entry back and emailed the owner, see `enrollment_on_expired`).
    """
    result = FillResult()
    session = ClassSession.objects.select_related("provider").get(pk=session_id)
    if not session.provider.waitlist_auto_confirm:  # switched back to manual meanwhile
        notify_seat_opened(session=session)
        return result
    for entry in list(waitlist_active(session=session)):
        try:
            result.promoted.append(waitlist_promote(entry=entry))
        except EntryNotWaiting:
            continue  # promoted by the owner or a concurrent fill
        except AlreadyBooked:
            result.closed += _close_booked_entry(entry_id=entry.pk)
        except (NoSeatFree, ClassGone) as exc:
            result.stopped_by = "full" if isinstance(exc, NoSeatFree) else "class-gone"
            break
        except PaymentsNotEnabled:
            result.stopped_by = "no-payments"
            notify_seat_opened(session=session)
            break
        except PaymentFailed as exc:
            result.stopped_by = "payment-failed"
            logger.warning("auto-promotion on %s stopped: %s", session.public_id, exc.message)
            break
    return result


@transaction.atomic
def _close_booked_entry(*, entry_id: int) -> int:
    """Close a waiting entry whose customer already holds a booking on the class, the way a
    direct booking closes it (promoted, pointing at that booking)."""
    row = WaitlistEntry.objects.filter(pk=entry_id).values("class_session_id").get()
    session_lock(session_id=row["class_session_id"])
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry_id)
    if entry.promoted_at or entry.cancelled_at:
        return 0
    booking = (
        Enrollment.objects.live()
        .filter(class_session_id=entry.class_session_id, client_id=entry.client_id)
        .order_by("pk")
        .first()
    )
    if booking is None:  # the booking went away meanwhile: leave the entry waiting
        return 0
    entry.promoted_at = timezone.now()
    entry.enrollment = booking
    entry.save(update_fields=["promoted_at", "enrollment"])
    return 1


def waitlist_entry_restore(*, enrollment: Enrollment) -> None:
    """Put back in its place the entry whose seat offer never reached the customer (its
    Checkout could not be opened). Runs in the transaction that releases the hold."""
    WaitlistEntry.objects.filter(enrollment=enrollment, cancelled_at__isnull=True).update(
        promoted_at=None, enrollment=None
    )


def waitlist_promote(*, entry: WaitlistEntry) -> Enrollment:
    """Offer a free seat to a waiting customer (the owner's decision).

    Free class → Confirmed at once. Paid class → a held seat and a Checkout whose link is
    emailed to the customer. Needs a free seat (409 NoSeatFree otherwise); a Stripe failure
    releases the hold, puts the entry back on the waitlist (both in `enrollment_on_expired`)
    and raises PaymentFailed (502).
    """
    enrollment = _promote(entry_id=entry.pk)
    if enrollment.payment is None:
        return enrollment
    payment_open_checkout(payment=enrollment.payment, expires_at=enrollment.hold_expires_at)
    email_queue("seat_offered", enrollment_id=enrollment.pk)
    return enrollment


@transaction.atomic
def _promote(*, entry_id: int) -> Enrollment:
    now = timezone.now()
    row = WaitlistEntry.objects.filter(pk=entry_id).values("class_session_id").get()
    session = session_lock(session_id=row["class_session_id"])
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=entry_id)
    )
    if entry.promoted_at or entry.cancelled_at:
        raise EntryNotWaiting()
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
        enrollment = confirm_free(session=session, client=entry.client, now=now)
    entry.promoted_at = now
    entry.enrollment = enrollment
    entry.save(update_fields=["promoted_at", "enrollment"])
    _entry_event("promoted", entry, session, entry.client, enrollmentId=enrollment.public_id)
    return enrollment


def _entry_event(kind: str, entry: WaitlistEntry, session, client, **payload) -> None:
    event_record(
        kind=f"waitlist.{kind}",
        provider=session.provider_id,
        subject_id=entry.public_id,
        class_id=session.public_id,
        client_id=client.public_id,
        payload={"position": entry.position, **payload},
        refs={"waitlist_entry_id": entry.pk},
    )
