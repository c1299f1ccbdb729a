"""Reads of the schedule. Seat counts come from annotations, so a page of N classes is one
query whatever N is."""

import datetime as dt

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Provider
from classes.models import Blackout, ClassSession, Enrollment, WaitlistEntry

MAX_RANGE_DAYS = 60


def seat_counts(queryset: QuerySet[ClassSession], *, now: dt.datetime) -> QuerySet[ClassSession]:
    """Annotate `enrolled_count`, `held_count` and `seats_left` (never below zero).

    Seat-taking rows are Confirmed/Completed/NoShow; a PendingPayment row holds a seat only
    while its checkout can still be paid (`hold_expires_at > now`).
    """
    return queryset.annotate(
        enrolled_count=Count(
            "enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_TAKING)
        ),
        held_count=Count(
            "enrollments",
            filter=Q(
                enrollments__status=Enrollment.Status.PENDING_PAYMENT,
                enrollments__hold_expires_at__gt=now,
            ),
        ),
    ).annotate(seats_left=Greatest(F("capacity") - F("enrolled_count") - F("held_count"), Value(0)))


def seats_left(*, session: ClassSession, now: dt.datetime | None = None) -> int:
    """Seats that can really be booked now (call under the session's row lock to decide)."""
    now = now or timezone.now()
    taken = Enrollment.objects.filter(class_session=session).filter(
        Q(status__in=Enrollment.SEAT_TAKING)
        | Q(status=Enrollment.Status.PENDING_PAYMENT, hold_expires_at__gt=now)
    )
    return max(0, session.capacity - taken.count())


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
    """Scheduled sessions of `provider` between two local dates, inclusive, with seat counts."""
    start, end = local_day_bounds(provider=provider, date_from=date_from, date_to=date_to)
    queryset = ClassSession.objects.filter(
        provider=provider,
        status=ClassSession.Status.SCHEDULED,
        scheduled_at__gte=start,
        scheduled_at__lt=end,
    ).select_related("instructor")
    return list(seat_counts(queryset, now=timezone.now()).order_by("scheduled_at", "pk"))


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
    return WaitlistEntry.objects.filter(
        class_session=session, promoted_at__isnull=True, cancelled_at__isnull=True
    ).order_by("position", "pk")


def waitlist_position(*, entry: WaitlistEntry) -> int:
    """1-based place among the entries still waiting."""
    return waitlist_active(session=entry.class_session).filter(position__lte=entry.position).count()
