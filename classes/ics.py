"""An iCalendar (RFC 5545) event for one booking, attached to the confirmation email."""

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from classes.models import Enrollment


def enrollment_ics(enrollment: Enrollment, *, cancel_url: str = "") -> bytes:
    session = enrollment.class_session
    provider = enrollment.provider
    calendar = Calendar()
    calendar.add("prodid", "-//Alera//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{enrollment.public_id}@alera")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.scheduled_at.astimezone(dt.UTC))
    event.add(
        "dtend",
        (session.scheduled_at + dt.timedelta(minutes=session.duration_min)).astimezone(dt.UTC),
    )
    event.add("summary", f"{session.name_snapshot} at {provider.display_name}")
    if provider.location:
        event.add("location", provider.location)
    description = f"Booked with {provider.display_name}."
    if cancel_url:
        description += f"\nCan't make it? Cancel here: {cancel_url}"
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()
