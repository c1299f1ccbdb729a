"""Customer emails: the 24-hour class reminder (beat task), delivery retries, failing mail."""

import datetime as dt
import re
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from alera.celery import app as celery_app
from classes.models import ClassSession, Enrollment
from customers.models import ReminderLog
from customers.tasks import send_class_reminders
from customers.tokens import Purpose, token_read
from tests import factories
from tests.conftest import DEMO_ORIGIN

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 17, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def tomorrow_class(provider):
    """A class tomorrow at 11:00 Chicago time (16:00 UTC), 25 hours from NOW."""
    return factories.ClassSessionFactory(
        provider=provider,
        scheduled_at=NOW + dt.timedelta(hours=25),
        service__name="Reformer Pilates",
    )


def _run_beat(at, callbacks):
    with time_machine.travel(at, tick=False), callbacks(execute=True):
        return send_class_reminders.delay().get()


def test_reminder_goes_out_once_within_24_hours_in_the_studios_time(
    customer, tomorrow_class, django_capture_on_commit_callbacks
):
    seat = factories.EnrollmentFactory(class_session=tomorrow_class, client=customer)
    assert _run_beat(NOW, django_capture_on_commit_callbacks) == 0  # 25 h out: not yet
    assert mail.outbox == []

    assert _run_beat(NOW + dt.timedelta(hours=2), django_capture_on_commit_callbacks) == 1
    assert (
        _run_beat(NOW + dt.timedelta(hours=2, minutes=5), django_capture_on_commit_callbacks) == 0
    )

    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        _assert_reminder(customer, seat)
    assert ReminderLog.objects.filter(enrollment=seat).count() == 1


def _assert_reminder(customer, seat):
    [message] = mail.outbox
    assert message.to == ["jane@example.com"]
    assert message.subject == "Reminder: Reformer Pilates, Mon 18 May, 11:00 AM CDT"
    assert "Sculpt Co" in message.from_email
    assert "11:00 AM" in message.body
    html = message.alternatives[0][0]
    cancel = re.search(r"http://testserver/me/cancel/(\S+)", message.body).group(1)
    assert token_read(Purpose.CANCEL, cancel).record_id == seat.public_id
    assert f"/me/cancel/{cancel}" in html
    portal = re.search(r"http://testserver/me/(\S+)", message.body.split("Cancel here")[0]).group(1)
    assert token_read(Purpose.CUSTOMER, portal).record_id == customer.public_id


def test_no_reminder_for_cancelled_seats_cancelled_classes_or_imminent_classes(
    provider, tomorrow_class, django_capture_on_commit_callbacks
):
    factories.EnrollmentFactory(class_session=tomorrow_class, status=Enrollment.Status.CANCELLED)
    called_off = factories.ClassSessionFactory(
        provider=provider,
        scheduled_at=NOW + dt.timedelta(hours=20),
        status=ClassSession.Status.CANCELLED,
    )
    factories.EnrollmentFactory(class_session=called_off)
    imminent = factories.ClassSessionFactory(
        provider=provider, scheduled_at=NOW + dt.timedelta(minutes=30)
    )
    factories.EnrollmentFactory(class_session=imminent)
    assert _run_beat(NOW + dt.timedelta(hours=2), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_seat_cancelled_after_queueing_gets_no_reminder(
    customer, tomorrow_class, django_capture_on_commit_callbacks
):
    from customers.emails import email_render

    seat = factories.EnrollmentFactory(class_session=tomorrow_class, client=customer)
    Enrollment.objects.filter(pk=seat.pk).update(status=Enrollment.Status.CANCELLED)
    assert email_render("class_reminder", {"enrollment_id": seat.pk}) is None


def test_beat_schedule_names_the_reminder_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-class-reminders"]
    assert entry["task"] == send_class_reminders.name


class FlakyBackend(EmailBackend):
    """Fails the first `failures` sends with an SMTP error, then delivers."""

    failures = 1

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class DeadBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


def test_sending_retries_a_transport_failure_and_then_delivers(
    api, customer, settings, django_capture_on_commit_callbacks
):
    # As a worker would: a failed attempt is re-run (eagerly here) instead of propagating.
    celery_app.conf.task_eager_propagates = False
    settings.EMAIL_BACKEND = "tests.customers.test_emails.FlakyBackend"
    FlakyBackend.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/customer/signin-link",
            {"email": "jane@example.com", "handle": "sculpt-co"},
            format="json",
        )
    assert response.status_code == 200
    assert FlakyBackend.failures == 0
    [message] = mail.outbox
    assert message.body.count(f"{DEMO_ORIGIN}/me/") == 1


def test_a_dead_mail_server_neither_breaks_nor_rolls_back_a_booking(
    api, provider, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.customers.test_emails.DeadBackend"
    session = factories.ClassSessionFactory(
        provider=provider, service__price_cents=0, price_cents=0
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post(
            f"/api/classes/{session.public_id}/book",
            {"name": "Jane Doe", "email": "jane@example.com", "phone": "(512) 555-0100"},
            format="json",
        )
    assert response.status_code == 200
    assert callbacks  # the confirmation email was queued, and its delivery failed
    assert mail.outbox == []
    enrollment = Enrollment.objects.get(public_id=response.json()["enrollmentId"])
    assert enrollment.status == Enrollment.Status.CONFIRMED


def test_a_dead_mail_server_does_not_stop_the_reminder_run(
    customer, tomorrow_class, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.customers.test_emails.DeadBackend"
    factories.EnrollmentFactory(class_session=tomorrow_class, client=customer)
    factories.EnrollmentFactory(class_session=tomorrow_class)
    assert _run_beat(NOW + dt.timedelta(hours=2), django_capture_on_commit_callbacks) == 2
    assert ReminderLog.objects.count() == 2


def test_reminder_times_follow_the_studio_across_dst(provider, django_capture_on_commit_callbacks):
    """A 09:00 class on the first CDT Monday reads 9:00 AM, not 8:00 or 10:00."""
    session = factories.ClassSessionFactory(
        provider=provider,
        scheduled_at=dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC),  # 09:00 CDT
    )
    factories.EnrollmentFactory(class_session=session)
    _run_beat(dt.datetime(2026, 3, 8, 20, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject.endswith(", Mon 9 Mar, 9:00 AM CDT")
    assert timezone.is_aware(session.scheduled_at)
