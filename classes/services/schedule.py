"""Scheduling: single sessions, weekly series that keep local wall-clock time, blackouts.

Times are stored in UTC. A series is built day by day in the studio's time zone, so a
09:00 class stays at 09:00 local on both sides of a DST change (its UTC time moves).
"""

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Provider
from alera.events import event_record
from classes.errors import SessionNotEditable
from classes.models import Blackout, ClassSession, Enrollment, Instructor, Service
from classes.services.waitlist import waitlist_seat_opened

MAX_SERIES_SESSIONS = 200
MAX_SERIES_DAYS = 366


@dataclass(frozen=True)
class SeriesResult:
    series_id: uuid.UUID
    sessions: list[ClassSession]
    skipped: list[dt.date] = field(default_factory=list)  # days inside a blackout


def _check_catalogue(provider: Provider, service: Service, instructor: Instructor | None) -> None:
    if service.provider_id != provider.pk or (
        instructor is not None and instructor.provider_id != provider.pk
    ):
        raise ValidationError("The service and instructor must belong to this studio.")
    if service.archived_at is not None:
        raise ValidationError({"service": "This service is archived."})


def local_start(provider: Provider, day: dt.date, at: dt.time) -> dt.datetime:
    """`day` at wall-clock `at` in the studio's zone, as an aware UTC datetime.

    A time inside a spring-forward gap (02:30 on the changeover night) does not exist
    locally; zoneinfo reads it with the pre-change offset, i.e. one hour later in wall time.
    """
    local = dt.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(provider.timezone))
    return local.astimezone(dt.UTC)


@transaction.atomic
def class_session_create(
    *,
    provider: Provider,
    service: Service,
    instructor: Instructor | None,
    scheduled_at: dt.datetime,
    capacity: int | None = None,
    price_cents: int | None = None,
    duration_min: int | None = None,
    public_note: str = "",
    series_id: uuid.UUID | None = None,
) -> ClassSession:
    """Schedule one session, snapshotting the service's name (and price unless given)."""
    _check_catalogue(provider, service, instructor)
    if timezone.is_naive(scheduled_at):
        raise ValidationError("scheduled_at must be timezone-aware.")
    session = ClassSession(
        provider=provider,
        service=service,
        instructor=instructor,
        scheduled_at=scheduled_at,
        duration_min=duration_min if duration_min is not None else service.duration_min,
        price_cents=price_cents if price_cents is not None else service.price_cents,
        capacity=capacity if capacity is not None else service.default_capacity,
        name_snapshot=service.name,
        public_note=public_note.strip(),
        series_id=series_id,
    )
    session.full_clean()
    session.save()
    _session_event("created", session)
    return session


def _session_event(kind: str, session: ClassSession, **payload) -> None:
    event_record(
        kind=f"class.{kind}",
        provider=session.provider_id,
        subject_id=session.public_id,
        class_id=session.public_id,
        payload={
            "nameSnapshot": session.name_snapshot,
            "scheduledAt": session.scheduled_at.isoformat(),
            "capacity": session.capacity,
            "priceCents": session.price_cents,
            **payload,
        },
    )


@transaction.atomic
def series_create(
    *,
    provider: Provider,
    service: Service,
    instructor: Instructor | None,
    weekdays: list[int],
    local_time: dt.time,
    start_date: dt.date,
    end_date: dt.date | None = None,
    count: int | None = None,
    capacity: int,
    price_cents: int,
) -> SeriesResult:
    """Schedule a weekly series on `weekdays` (0 = Monday) at `local_time` in the studio's zone.

    Ends at `end_date` (inclusive) or after `count` sessions, whichever is given. Days that
    fall inside a blackout are skipped and reported. All sessions share one series_id.
    """
    if not weekdays or any(d not in range(7) for d in weekdays):
        raise ValidationError({"weekdays": "Pick at least one day of the week."})
    if (end_date is None) == (count is None):
        raise ValidationError("Give either an end date or a number of sessions.")
    if count is not None and not 1 <= count <= MAX_SERIES_SESSIONS:
        raise ValidationError({"count": f"A series has 1 to {MAX_SERIES_SESSIONS} sessions."})
    last_day = start_date + dt.timedelta(days=MAX_SERIES_DAYS)
    if end_date is not None:
        if end_date < start_date:
            raise ValidationError({"end_date": "The end date is before the start date."})
        if end_date > last_day:
            raise ValidationError({"end_date": "A series can span at most a year."})
        last_day = end_date
    _check_catalogue(provider, service, instructor)
    blackouts = list(
        Blackout.objects.filter(
            provider=provider,
            ends_at__gt=local_start(provider, start_date, dt.time(0, 0)),
            starts_at__lt=local_start(provider, last_day + dt.timedelta(days=1), dt.time(0, 0)),
        ).values_list("starts_at", "ends_at")
    )
    series_id = uuid.uuid4()
    sessions: list[ClassSession] = []
    skipped: list[dt.date] = []
    day = start_date
    while day <= last_day and (count is None or len(sessions) < count):
        if day.weekday() in weekdays:
            starts = local_start(provider, day, local_time)
            ends = starts + dt.timedelta(minutes=service.duration_min)
            if any(b_start < ends and b_end > starts for b_start, b_end in blackouts):
                skipped.append(day)
            else:
                sessions.append(
                    class_session_create(
                        provider=provider,
                        service=service,
                        instructor=instructor,
                        scheduled_at=starts,
                        capacity=capacity,
                        price_cents=price_cents,
                        series_id=series_id,
                    )
                )
        day += dt.timedelta(days=1)
    if not sessions:
        raise ValidationError("No session falls on the chosen days in that date range.")
    return SeriesResult(series_id=series_id, sessions=sessions, skipped=skipped)


@transaction.atomic
def class_session_update(
    *,
    session: ClassSession,
    scheduled_at: dt.datetime,
    instructor: Instructor | None,
    capacity: int,
    price_cents: int,
    duration_min: int,
    public_note: str = "",
) -> ClassSession:
    """Edit one scheduled session. Capacity can't drop below the seats already taken.

    Raising it opens seats: under the auto policy the waitlist is promoted into them after
    commit; under the manual one nobody is emailed (the owner is the one who raised it).
    """
    locked = (
        ClassSession.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=session.pk)
    )
    old_capacity = locked.capacity
    if locked.status != ClassSession.Status.SCHEDULED:
        raise SessionNotEditable(f"A {locked.status.lower()} session can't be edited.")
    if instructor is not None and instructor.provider_id != locked.provider_id:
        raise ValidationError({"instructor": "This instructor is not in this studio."})
    taken = Enrollment.objects.filter(class_session=locked).seat_taking(timezone.now()).count()
    if capacity < taken:
        raise ValidationError(
            {"capacity": f"{taken} seats are already taken; capacity can't be lower."}
        )
    locked.scheduled_at = scheduled_at
    locked.instructor = instructor
    locked.capacity = capacity
    locked.price_cents = price_cents
    locked.duration_min = duration_min
    locked.public_note = public_note.strip()
    locked.full_clean()
    locked.save(
        update_fields=[
            "scheduled_at",
            "instructor",
            "capacity",
            "price_cents",
            "duration_min",
            "public_note",
        ]
    )
    _session_event("edited", locked)
    if capacity > old_capacity and capacity > taken:
        waitlist_seat_opened(session=locked, tell_owner=False)
    return locked


@transaction.atomic
def blackout_create(
    *,
    provider: Provider,
    label: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    all_day: bool = False,
    kind: str = Blackout.Kind.CLOSURE,
) -> Blackout:
    """Mark the studio closed for a period; shown to partners next to the class list."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end must be after the start."})
    blackout = Blackout(
        provider=provider,
        label=label.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        kind=kind,
    )
    blackout.full_clean()
    blackout.save()
    _blackout_event("created", blackout)
    return blackout


def _blackout_event(kind: str, blackout: Blackout) -> None:
    event_record(
        kind=f"catalog.blackout_{kind}",
        provider=blackout.provider_id,
        subject_id=blackout.public_id,
        payload={
            "label": blackout.label,
            "startsAt": blackout.starts_at.isoformat(),
            "endsAt": blackout.ends_at.isoformat(),
        },
    )


@transaction.atomic
def blackout_delete(*, blackout: Blackout) -> None:
    """Remove a blackout; sessions are not touched (none were created inside it)."""
    if Blackout.objects.filter(pk=blackout.pk).delete()[0]:
        _blackout_event("deleted", blackout)
