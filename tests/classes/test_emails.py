"""Booking emails: rendered from templates in the studio's time zone, with an .ics invite."""

import datetime as dt

import pytest
from icalendar import Calendar

from customers.emails import email_render
from tests import factories

pytestmark = pytest.mark.django_db


def test_booking_confirmation_speaks_local_time_and_carries_a_cancel_link_and_ics(provider):
    enrollment = factories.EnrollmentFactory(
        class_session__provider=provider,
        class_session__scheduled_at=dt.datetime(2026, 5, 18, 16, 0, tzinfo=dt.UTC),
        client__name="Jane O'Neil",
    )
    message = email_render("booking_confirmed", {"enrollment_id": enrollment.pk})
    assert "Mon 18 May, 11:00 AM CDT" in message.body
    assert "Jane O'Neil" in message.body  # the text part is not HTML-escaped
    assert "http://testserver/me/cancel/" in message.body
    html = message.alternatives[0][0]
    assert "11:00 AM CDT" in html
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("class.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.datetime(2026, 5, 18, 16, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 5, 18, 16, 50, tzinfo=dt.UTC)
    assert str(event["uid"]) == f"{enrollment.public_id}@alera"


def test_seat_opened_goes_to_the_owners_and_lists_who_waits(provider, owner):
    session = factories.ClassSessionFactory(provider=provider)
    factories.MembershipFactory(provider=provider, role="staff")
    entry = factories.WaitlistEntryFactory(class_session=session, client__name="Wendy")
    message = email_render("seat_opened", {"class_session_id": session.pk})
    assert message.to == [owner.email]
    assert "Wendy" in message.body
    assert entry.client.email in message.body


def test_no_seat_opened_email_once_nobody_waits(provider, owner):
    session = factories.ClassSessionFactory(provider=provider)
    assert email_render("seat_opened", {"class_session_id": session.pk}) is None


@pytest.mark.parametrize(
    "kind",
    ["payment_expired", "cancellation_receipt", "class_cancelled"],
)
def test_cancellation_kinds_render_for_a_cancelled_booking(provider, kind):
    enrollment = factories.EnrollmentFactory(
        class_session__provider=provider, status="Cancelled", late_cancel=True
    )
    message = email_render(kind, {"enrollment_id": enrollment.pk})
    assert message.to == [enrollment.client.email]
    assert enrollment.class_session.name_snapshot in message.body


def test_waitlist_joined_reports_the_position(provider):
    entry = factories.WaitlistEntryFactory(class_session__provider=provider)
    message = email_render("waitlist_joined", {"waitlist_entry_id": entry.pk})
    assert "position 1" in message.body


def test_a_paid_booking_emails_the_checkout_link_while_the_seat_is_held(
    book, paid_class, fake_stripe, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = book(paid_class)
    checkout_url = response.json()["checkoutUrl"]
    (pending,) = [m for m in mail.outbox if m.subject.startswith("Finish paying")]
    assert pending.to == ["jane@example.com"]
    assert checkout_url in pending.body
    assert checkout_url in pending.alternatives[0][0]


def test_no_payment_pending_email_once_the_booking_is_confirmed(provider):
    enrollment = factories.EnrollmentFactory(class_session__provider=provider)
    assert email_render("payment_pending", {"enrollment_id": enrollment.pk}) is None
