"""GET /api/cal/<secret>.ics: an RFC 5545 feed of the customer's upcoming confirmed classes."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from classes.models import ClassSession, Enrollment
from customers.services import client_rotate_calendar_secret
from tests import factories

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _url(client) -> str:
    return f"/api/cal/{client.calendar_secret}.ics"


def _events(response) -> list:
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_feed_has_one_event_per_upcoming_confirmed_booking(client, customer, booking):
    provider = customer.provider
    provider.location = "100 Congress Ave, Austin"
    provider.save()
    factories.EnrollmentFactory(
        client=customer, class_session__provider=provider, status=Enrollment.Status.CANCELLED
    )
    factories.EnrollmentFactory(
        client=customer,
        class_session__provider=provider,
        class_session__scheduled_at=timezone.now() - dt.timedelta(days=3),
        status=Enrollment.Status.COMPLETED,
    )
    factories.EnrollmentFactory(class_session=booking.class_session)  # someone else's seat

    response = client.get(_url(customer))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//Alera//")
    [event] = _events(response)
    session = booking.class_session
    assert str(event["UID"]) == f"{booking.public_id}@alera"
    assert str(event["SUMMARY"]) == "Pilates Class"
    assert str(event["LOCATION"]) == "100 Congress Ave, Austin"
    assert "Sculpt Co" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == session.scheduled_at
    assert event.decoded("DTEND") == session.scheduled_at + dt.timedelta(minutes=50)
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_unknown_secret_gives_json_404(client, customer):
    response = client.get("/api/cal/not-a-real-secret.ics")
    assert response.status_code == 404
    assert response.json() == {"error": "No calendar at this address."}


def test_feed_needs_no_key_and_reveals_nothing_of_other_customers(client, customer, booking):
    other = factories.EnrollmentFactory(class_session=booking.class_session)
    body = client.get(_url(customer)).content.decode()
    assert other.client.email not in body
    assert other.public_id not in body
    assert customer.email not in body


def test_a_cancelled_booking_disappears_on_the_next_fetch(client, customer, booking):
    first = client.get(_url(customer))
    assert len(_events(first)) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        Enrollment.objects.filter(pk=booking.pk).update(
            status=Enrollment.Status.CANCELLED, cancelled_at=timezone.now()
        )
        second = client.get(_url(customer), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert _events(second) == []
    assert second["ETag"] != first["ETag"]


def test_a_class_cancelled_by_the_studio_disappears(client, customer, booking):
    ClassSession.objects.filter(pk=booking.class_session_id).update(
        status=ClassSession.Status.CANCELLED, cancelled_at=timezone.now()
    )
    assert _events(client.get(_url(customer))) == []


def test_unchanged_feed_answers_304_to_its_etag(client, customer, booking):
    first = client.get(_url(customer))
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]
    again = client.get(_url(customer))
    assert again.content == first.content
    not_modified = client.get(_url(customer), HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]


def test_if_modified_since_answers_304_when_nothing_changed(client, customer, booking):
    first = client.get(_url(customer))
    response = client.get(_url(customer), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 304


def test_rotating_the_secret_retires_the_old_feed_address(client, customer, booking):
    old = _url(customer)
    client_rotate_calendar_secret(client=customer)
    customer.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(_url(customer)).status_code == 200


def test_post_to_the_feed_gives_405(client, customer):
    response = client.post(_url(customer))
    assert response.status_code == 405


def test_feed_keeps_local_wall_clock_time_across_the_dst_change(client, customer):
    """Booked in February (CST, UTC-6) for a 09:00 class after the March switch (CDT, UTC-5)."""
    with time_machine.travel(dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        before_dst = factories.ClassSessionFactory(
            provider=customer.provider,
            scheduled_at=dt.datetime(2026, 3, 5, 9, 0, tzinfo=CHICAGO),
        )
        after_dst = factories.ClassSessionFactory(
            provider=customer.provider,
            scheduled_at=dt.datetime(2026, 3, 12, 9, 0, tzinfo=CHICAGO),
        )
        for session in (before_dst, after_dst):
            factories.EnrollmentFactory(class_session=session, client=customer)
        response = client.get(_url(customer))

    cal = Calendar.from_ical(response.content)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    starts = [event.decoded("DTSTART") for event in cal.walk("VEVENT")]
    assert [s.astimezone(CHICAGO).hour for s in starts] == [9, 9]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [15, 14]
    assert "TZID=America/Chicago" in response.content.decode()


def test_feed_query_count_does_not_grow_with_bookings(
    client, customer, django_assert_max_num_queries
):
    def add_rows():
        for days in (1, 2):
            factories.EnrollmentFactory(
                client=customer,
                class_session__provider=customer.provider,
                class_session__scheduled_at=timezone.now() + dt.timedelta(days=days),
            )

    add_rows()
    with django_assert_max_num_queries(4) as few:
        assert client.get(_url(customer)).status_code == 200
    for _ in range(4):
        add_rows()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url(customer))
    assert len(_events(response)) == 10
