"""Schedule services: one session, weekly series across DST, blackouts, catalogue."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from classes.models import ClassSession
from classes.services.catalog import service_archive, service_create, service_update
from classes.services.schedule import (
    blackout_create,
    class_session_create,
    class_session_update,
    series_create,
)
from tests import factories

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def service(provider):
    return factories.ServiceFactory(provider=provider, price_cents=2500, default_capacity=8)


def _series(provider, service, **kw):
    defaults = {
        "provider": provider,
        "service": service,
        "instructor": None,
        "weekdays": [6],
        "local_time": dt.time(9, 0),
        "start_date": dt.date(2026, 3, 1),
        "capacity": 8,
        "price_cents": 2500,
    }
    return series_create(**{**defaults, **kw})


def test_weekly_series_keeps_nine_am_local_across_the_spring_dst_change(provider, service):
    # 2026-03-08 is the US change to daylight time: 09:00 CST is 15:00Z, 09:00 CDT is 14:00Z.
    result = _series(provider, service, count=3)
    starts = [s.scheduled_at for s in result.sessions]
    assert [s.astimezone(CHICAGO).time() for s in starts] == [dt.time(9, 0)] * 3
    assert [s.astimezone(dt.UTC).hour for s in starts] == [15, 14, 14]
    assert [s.astimezone(CHICAGO).date() for s in starts] == [
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 8),
        dt.date(2026, 3, 15),
    ]
    assert {s.series_id for s in result.sessions} == {result.series_id}


def test_weekly_series_keeps_local_time_across_the_autumn_change(provider, service):
    result = _series(
        provider,
        service,
        weekdays=[0, 2],
        start_date=dt.date(2026, 10, 26),
        end_date=dt.date(2026, 11, 4),
        local_time=dt.time(18, 30),
    )
    local = [s.scheduled_at.astimezone(CHICAGO) for s in result.sessions]
    assert [d.date().isoformat() for d in local] == [
        "2026-10-26",
        "2026-10-28",
        "2026-11-02",
        "2026-11-04",
    ]
    assert {d.time() for d in local} == {dt.time(18, 30)}
    assert [s.scheduled_at.astimezone(dt.UTC).hour for s in result.sessions] == [23, 23, 0, 0]


def test_series_snapshots_price_capacity_and_name(provider, service):
    result = _series(provider, service, count=1, capacity=3, price_cents=0)
    session = result.sessions[0]
    assert (session.capacity, session.price_cents, session.name_snapshot) == (3, 0, service.name)
    assert session.duration_min == service.duration_min


def test_series_skips_days_inside_a_blackout(provider, service):
    start = dt.datetime(2026, 3, 8, 0, 0, tzinfo=CHICAGO)
    blackout_create(
        provider=provider, label="Closed", starts_at=start, ends_at=start + dt.timedelta(days=1)
    )
    result = _series(provider, service, end_date=dt.date(2026, 3, 15))
    assert result.skipped == [dt.date(2026, 3, 8)]
    assert len(result.sessions) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weekdays": []}, "Pick at least one day"),
        ({"count": None}, "either an end date or a number"),
        ({"count": 2, "end_date": dt.date(2026, 4, 1)}, "either an end date or a number"),
        ({"count": None, "end_date": dt.date(2026, 2, 1)}, "before the start date"),
        ({"count": None, "end_date": dt.date(2027, 6, 1)}, "at most a year"),
        ({"count": 201}, "1 to 200"),
        ({"count": None, "end_date": dt.date(2026, 3, 6), "weekdays": [5]}, "No session falls"),
    ],
)
def test_series_validation_creates_nothing(provider, service, changes, message):
    with pytest.raises(ValidationError, match=message):
        _series(provider, service, **changes)
    assert not ClassSession.objects.exists()


def test_archived_or_foreign_service_cannot_be_scheduled(provider, service):
    other = factories.ServiceFactory(provider=factories.ProviderFactory(handle="other"))
    with pytest.raises(ValidationError, match="belong to this studio"):
        _series(provider, other, count=1)
    service_archive(service=service)
    with pytest.raises(ValidationError, match="archived"):
        class_session_create(
            provider=provider,
            service=service,
            instructor=None,
            scheduled_at=dt.datetime(2026, 3, 1, 15, tzinfo=dt.UTC),
        )


def test_capacity_cannot_drop_below_seats_taken(provider):
    session = factories.ClassSessionFactory(provider=provider, capacity=4)
    factories.EnrollmentFactory.create_batch(3, class_session=session)
    with pytest.raises(ValidationError, match="3 seats are already taken"):
        class_session_update(
            session=session,
            scheduled_at=session.scheduled_at,
            instructor=None,
            capacity=2,
            price_cents=0,
            duration_min=50,
        )
    updated = class_session_update(
        session=session,
        scheduled_at=session.scheduled_at,
        instructor=None,
        capacity=3,
        price_cents=1500,
        duration_min=45,
    )
    assert (updated.capacity, updated.price_cents, updated.duration_min) == (3, 1500, 45)


def test_service_create_takes_the_studio_cancel_window_and_update_validates(provider):
    provider.default_cancel_window_hours = 12
    service = service_create(provider=provider, name="Barre", duration_min=45, price_cents=0)
    assert service.cancel_window_hours == 12
    with pytest.raises(ValidationError):
        service_update(service=service, name="")
    service.refresh_from_db()
    assert service.name == "Barre"
