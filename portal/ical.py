"""The customer's calendar feed: RFC 5545 text built with the icalendar library.

Times are written in the studio's time zone (with its VTIMEZONE), so a class at 09:00 stays
at 09:00 local on both sides of a DST change. DTSTAMP is the booking's last revision, not
"now", so an unchanged feed is byte-identical and its ETag lets calendar apps poll cheaply.
"""

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from classes.models import Enrollment
from customers.models import Client

PRODID = "-//Alera//Customer calendar//EN"


def enrollment_uid(enrollment: Enrollment) -> str:
    return f"{enrollment.public_id}@alera"


def _revised_at(enrollment: Enrollment) -> dt.datetime:
    return enrollment.confirmed_at or enrollment.booked_at


def feed_last_modified(*, enrollments: list[Enrollment], floor: dt.datetime | None) -> dt.datetime:
    """The newest change the feed reflects: a booking confirmed, or one that went away."""
    stamps = [_revised_at(e) for e in enrollments]
    if floor is not None:
        stamps.append(floor)
    return max(stamps) if stamps else dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def feed_build(*, client: Client, enrollments: list[Enrollment]) -> bytes:
    """One VEVENT per enrollment, stable UID `<enrollment id>@alera`."""
    provider = client.provider
    tz = provider.tz
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{provider.display_name} bookings")
    cal.add("x-wr-timezone", provider.timezone)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for enrollment in enrollments:
        session = enrollment.class_session
        start = session.scheduled_at.astimezone(tz)
        event = Event()
        event.add("uid", enrollment_uid(enrollment))
        event.add("dtstamp", _revised_at(enrollment).astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=session.duration_min))
        event.add("summary", session.name_snapshot)
        if provider.location:
            event.add("location", provider.location)
        event.add("description", _description(enrollment, provider))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _description(enrollment: Enrollment, provider) -> str:
    session = enrollment.class_session
    lines = [f"{session.name_snapshot} at {provider.display_name}."]
    if session.instructor:
        lines.append(f"Instructor: {session.instructor.name}.")
    if session.public_note:
        lines.append(session.public_note)
    if provider.location:
        lines.append(provider.location)
    if provider.contact_email:
        lines.append(f"Questions: {provider.contact_email}")
    return "\n".join(lines)


def feed_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
