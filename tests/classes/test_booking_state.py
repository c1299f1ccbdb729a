"""`booking_state` (the one hand-written query of the booking hot path) agrees with the ORM's
seat rule in every enrollment state, and reads the customer's own standing right."""

import datetime as dt

import pytest
from django.utils import timezone

from classes.models import ClassSession, Enrollment
from classes.selectors import booking_state, seat_counts, seats_left
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def session(provider):
    return factories.ClassSessionFactory(
        provider=provider, capacity=10, scheduled_at=NOW + dt.timedelta(days=2)
    )


def enroll(session, status, hold_expires_at=None, client=None):
    extra = {"client": client} if client else {}
    return factories.EnrollmentFactory(
        class_session=session, status=status, hold_expires_at=hold_expires_at, **extra
    )


def test_seats_left_matches_the_orm_seat_rule_in_every_state(session):
    S = Enrollment.Status
    enroll(session, S.CONFIRMED)
    enroll(session, S.COMPLETED)
    enroll(session, S.NO_SHOW)
    enroll(session, S.PENDING_PAYMENT, NOW + dt.timedelta(minutes=5))  # live hold: a seat
    enroll(session, S.PENDING_PAYMENT, NOW - dt.timedelta(seconds=1))  # expired hold: none
    enroll(session, S.PENDING_PAYMENT, NOW)  # expires exactly now: none
    enroll(session, S.CANCELLED)
    other = factories.ClassSessionFactory(provider=session.provider, capacity=10)
    enroll(other, S.CONFIRMED)
    client = factories.ClientFactory(provider=session.provider)

    state = booking_state(session=session, client_id=client.pk, now=NOW)

    annotated = seat_counts(ClassSession.objects.filter(pk=session.pk), now=NOW).get()
    assert state.seats_left == seats_left(session=session, now=NOW) == annotated.seats_left == 6


def test_seats_left_never_goes_below_zero(session):
    session.capacity = 1
    enroll(session, Enrollment.Status.CONFIRMED)
    enroll(session, Enrollment.Status.CONFIRMED)
    client = factories.ClientFactory(provider=session.provider)
    assert booking_state(session=session, client_id=client.pk, now=NOW).seats_left == 0


@pytest.mark.parametrize(
    ("status", "hold", "booked", "stale"),
    [
        (Enrollment.Status.CONFIRMED, None, True, False),
        (Enrollment.Status.PENDING_PAYMENT, NOW + dt.timedelta(minutes=1), True, False),
        (Enrollment.Status.PENDING_PAYMENT, NOW - dt.timedelta(minutes=1), False, True),
        (Enrollment.Status.PENDING_PAYMENT, None, True, False),
        (Enrollment.Status.CANCELLED, None, False, False),
    ],
)
def test_the_customers_own_booking_is_read_from_its_status_and_hold(
    session, status, hold, booked, stale
):
    client = factories.ClientFactory(provider=session.provider)
    enroll(session, status, hold, client=client)
    enroll(session, Enrollment.Status.CONFIRMED)  # someone else's booking changes nothing

    state = booking_state(session=session, client_id=client.pk, now=NOW)

    assert (state.booked, state.stale_hold) == (booked, stale)


def test_waiting_is_true_only_for_an_entry_still_waiting(session):
    waiting, promoted, cancelled, elsewhere = (
        factories.ClientFactory(provider=session.provider) for _ in range(4)
    )
    factories.WaitlistEntryFactory(class_session=session, client=waiting)
    factories.WaitlistEntryFactory(class_session=session, client=promoted, promoted_at=NOW)
    factories.WaitlistEntryFactory(class_session=session, client=cancelled, cancelled_at=NOW)
    other = factories.ClassSessionFactory(provider=session.provider)
    factories.WaitlistEntryFactory(class_session=other, client=elsewhere)

    def is_waiting(client):
        return booking_state(session=session, client_id=client.pk, now=NOW).waiting

    assert [is_waiting(c) for c in (waiting, promoted, cancelled, elsewhere)] == [
        True,
        False,
        False,
        False,
    ]


def test_booking_state_uses_the_database_clock_format_for_now(session):
    """An aware `now` in another zone compares as the same instant (stored in UTC)."""
    client = factories.ClientFactory(provider=session.provider)
    enroll(session, Enrollment.Status.PENDING_PAYMENT, NOW + dt.timedelta(minutes=1))
    chicago = NOW.astimezone(timezone.get_fixed_timezone(-360))
    assert booking_state(session=session, client_id=client.pk, now=chicago).seats_left == 9
