"""One vocabulary for live, seat-taking and stale-hold bookings and waiting entries."""

import datetime as dt

import pytest
from django.utils import timezone

from classes.models import WAITING, Enrollment, WaitlistEntry
from classes.selectors import booking_state, seat_counts, seats_left
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_one_booking_per_class_constraint_is_the_live_set():
    [constraint] = [c for c in Enrollment._meta.constraints if c.name == "uniq_active_enrollment"]
    assert constraint.condition.children == [("status__in", list(Enrollment.LIVE))]
    [waiting] = WaitlistEntry._meta.constraints
    assert waiting.condition == WAITING


def test_orm_sql_and_annotations_agree_on_who_takes_a_seat(provider):
    now = timezone.now()
    session = factories.ClassSessionFactory(provider=provider, capacity=10)
    for status in ("Confirmed", "Completed", "NoShow", "Cancelled"):
        factories.EnrollmentFactory(class_session=session, status=status)
    live_hold = factories.EnrollmentFactory(
        class_session=session,
        status="PendingPayment",
        hold_expires_at=now + dt.timedelta(minutes=5),
    )
    stale = factories.EnrollmentFactory(
        class_session=session,
        status="PendingPayment",
        hold_expires_at=now - dt.timedelta(minutes=1),
    )
    rows = Enrollment.objects.filter(class_session=session)
    assert rows.seat_taking(now).count() == 4
    assert list(rows.stale_holds(now)) == [stale]
    assert set(rows.live()) >= {live_hold, stale}
    annotated = seat_counts(type(session).objects.filter(pk=session.pk), now=now).get()
    assert annotated.seats_left == seats_left(session=session, now=now) == 6
    state = booking_state(session=session, client_id=stale.client_id, now=now)
    assert (state.seats_left, state.stale_hold, state.booked) == (6, True, False)


def test_cancelled_by_is_a_choice():
    assert Enrollment.CancelledBy.values == ["customer", "owner", "system"]
    assert Enrollment._meta.get_field("cancelled_by").choices
