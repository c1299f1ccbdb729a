"""Reads of the schedule. Seat counts come from annotations, so a page of N classes is one
query whatever N is."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Provider
from classes.errors import NotInStudio
from classes.models import (
    Appointment,
    Blackout,
    ClassSession,
    Enrollment,
    WaitlistEntry,
    seat_taking_q,
)

MAX_RANGE_DAYS = 60


def seat_counts(queryset: QuerySet[ClassSession], *, now: dt.datetime) -> QuerySet[ClassSession]:
    """Annotate `enrolled_count`, `held_count` and `seats_left` (never below zero).

    Seat-taking rows are Confirmed/Completed/NoShow; a PendingPayment row holds a seat only
    while its checkout can still be paid (`hold_expires_at > now`).
    """
    taken_for_good, still_held = seat_taking_q(now, prefix="enrollments__").children
    return queryset.annotate(
        enrolled_count=Count("enrollments", filter=Q(taken_for_good)),
        held_count=Count("enrollments", filter=Q(still_held)),
    ).annotate(seats_left=Greatest(F("capacity") - F("enrolled_count") - F("held_count"), Value(0)))


def seats_left(*, session: ClassSession, now: dt.datetime | None = None) -> int:
    """Seats that can really be booked now (call under the session's row lock to decide)."""
    now = now or timezone.now()
    taken = Enrollment.objects.filter(class_session=session).seat_taking(now)
    return max(0, session.capacity - taken.count())


@dataclass(frozen=True)
class BookingState:
    """What one customer's seat decision on one class depends on."""

    seats_left: int
    booked: bool  # a confirmed seat, or a hold whose Checkout can still be paid
    stale_hold: bool  # a hold whose Checkout expired but the sweep has not released yet
    waiting: bool  # an active waitlist entry


_BOOKING_STATE_SQL = """
SELECT
  (SELECT COUNT(*) FROM {enrollment} e
    WHERE e.class_session_id = %(session)s
      AND (e.status IN ({seat_taking})
           OR (e.status = %(pending)s AND e.hold_expires_at > %(now)s))) AS taken,
  EXISTS(SELECT 1 FROM {enrollment} e
    WHERE e.class_session_id = %(session)s AND e.client_id = %(client)s
      AND (e.status = %(confirmed)s
           OR (e.status = %(pending)s
               AND (e.hold_expires_at IS NULL OR e.hold_expires_at > %(now)s)))) AS booked,
  EXISTS(SELECT 1 FROM {enrollment} e
    WHERE e.class_session_id = %(session)s AND e.client_id = %(client)s
      AND e.status = %(pending)s AND e.hold_expires_at <= %(now)s) AS stale_hold,
  EXISTS(SELECT 1 FROM {waitlist} w
    WHERE w.class_session_id = %(session)s AND w.client_id = %(client)s
      AND w.promoted_at IS NULL AND w.cancelled_at IS NULL) AS waiting
"""


def booking_state(*, session: ClassSession, client_id: int, now: dt.datetime) -> BookingState:
    """Seats left and the customer's own standing on the class, in one query.

    Call under the session's row lock: the statement starts after the lock is granted, so it
    sees every booking committed before (READ COMMITTED). It is the booking hot path, run while
    the class is locked, so it is one hand-written statement: the same question asked through
    the ORM (a count and three EXISTS subqueries) cost ~7 ms of CPU to build on every booking.
    `seats_left()` and `seat_counts()` state the same seat rule; tests hold them together.
    """
    sql = _BOOKING_STATE_SQL.format(
        enrollment=connection.ops.quote_name(Enrollment._meta.db_table),
        waitlist=connection.ops.quote_name(WaitlistEntry._meta.db_table),
        seat_taking=", ".join(f"%(seat{i})s" for i in range(len(Enrollment.SEAT_TAKING))),
    )
    params = {
        "session": session.pk,
        "client": client_id,
        **{f"seat{i}": str(status) for i, status in enumerate(Enrollment.SEAT_TAKING)},
        "pending": str(Enrollment.Status.PENDING_PAYMENT),
        "confirmed": str(Enrollment.Status.CONFIRMED),
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        taken, booked, stale_hold, waiting = cursor.fetchone()
    return BookingState(
        seats_left=max(0, session.capacity - taken),
        booked=bool(booked),
        stale_hold=bool(stale_hold),
        waiting=bool(waiting),
    )


def local_day_bounds(
    *, provider: Provider, date_from: dt.date, date_to: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """[start of `date_from`, start of the day after `date_to`) in the studio's time zone."""
    tz = provider.tz
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def class_session_list(
    *, provider: Provider, date_from: dt.date, date_to: dt.date
) -> list[ClassSession]:
    """Bookable sessions of `provider` between two local dates, inclusive, with seat counts.

    Bookable means scheduled and not started yet: booking refuses a class from its start on
    (410, `ensure_bookable`), so the list never offers one.
    """
    now = timezone.now()
    start, end = local_day_bounds(provider=provider, date_from=date_from, date_to=date_to)
    queryset = (
        ClassSession.objects.filter(
            provider=provider,
            status=ClassSession.Status.SCHEDULED,
            scheduled_at__gte=start,
            scheduled_at__lt=end,
        )
        .filter(scheduled_at__gt=now)
        .select_related("instructor")
    )
    return list(seat_counts(queryset, now=now).order_by("scheduled_at", "pk"))


def blackout_list(*, provider: Provider, date_from: dt.date, date_to: dt.date) -> list[Blackout]:
    """The studio's blackouts that overlap the local date range."""
    start, end = local_day_bounds(provider=provider, date_from=date_from, date_to=date_to)
    return list(
        Blackout.objects.filter(provider=provider, starts_at__lt=end, ends_at__gt=start).order_by(
            "starts_at", "pk"
        )
    )


def class_session_get(*, provider: Provider, public_id: str) -> ClassSession | None:
    """One of `provider`'s sessions with seat counts; None for unknown or foreign ids."""
    queryset = ClassSession.objects.filter(provider=provider, public_id=public_id)
    return seat_counts(queryset.select_related("instructor"), now=timezone.now()).first()


def waitlist_active(*, session: ClassSession) -> QuerySet[WaitlistEntry]:
    """Entries still waiting: neither promoted nor cancelled, in join order."""
    return WaitlistEntry.objects.waiting().filter(class_session=session).order_by("position", "pk")


def waitlist_position(*, entry: WaitlistEntry) -> int:
    """1-based place among the entries still waiting."""
    return waitlist_active(session=entry.class_session).filter(position__lte=entry.position).count()


def appointment_for_redemption(*, provider: Provider, public_id: str) -> Appointment:
    appointment = Appointment.objects.filter(provider=provider, public_id=public_id).first()
    if appointment is None:
        raise NotInStudio("No appointment with that id.")
    return appointment
