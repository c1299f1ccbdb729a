"""Appointment services: create, then Completed / NoShow / Cancelled exactly once."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from alera.api.errors import status_for
from alera.errors import DomainError
from alera.tokens import Purpose, TokenInvalid, token_read
from classes.models import Appointment
from classes.services.appointments import (
    appointment_cancel,
    appointment_complete,
    appointment_create,
    appointment_no_show,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(provider):
    return factories.ServiceFactory(
        provider=provider,
        name="Private Session",
        price_cents=9000,
        duration_min=60,
        tips_enabled=True,
    )


def test_create_defaults_duration_and_price_to_the_service(provider, private):
    client = factories.ClientFactory(provider=provider)
    starts = dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)
    appointment = appointment_create(
        provider=provider, service=private, client=client, starts_at=starts
    )
    assert appointment.status == Appointment.Status.SCHEDULED
    assert (appointment.duration_min, appointment.price_cents) == (60, 9000)
    assert appointment.public_id.startswith("appt-")


def test_create_refuses_another_studios_client(provider, private):
    stranger = factories.ClientFactory()
    with pytest.raises(DomainError) as exc:
        appointment_create(
            provider=provider,
            service=private,
            client=stranger,
            starts_at=dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC),
        )
    assert status_for(exc.value) == 404
    assert not Appointment.objects.exists()


def test_completing_a_tippable_visit_emails_a_tip_link_once(
    provider, private, django_capture_on_commit_callbacks
):
    appointment = factories.AppointmentFactory(
        provider=provider,
        service=private,
        starts_at=dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        appointment_complete(appointment=appointment)
        appointment_complete(appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED
    assert appointment.completed_at is not None
    [message] = mail.outbox
    assert message.to == [appointment.client.email]
    assert "Thanks for visiting" in message.subject
    # Rendered in the studio's time zone (America/Chicago): 16:00 UTC is 10:00 AM.
    assert "10:00 AM" in message.body
    token = re.search(r"http://testserver/me/tip/(\S+)", message.body).group(1)
    data = token_read(Purpose.TIP, token)
    assert data.record_id == appointment.public_id
    assert data.provider_id == provider.public_id
    assert f"/me/tip/{token}" in message.alternatives[0][0]


def test_tip_link_expires_after_14_days(provider, private, django_capture_on_commit_callbacks):
    appointment = factories.AppointmentFactory(provider=provider, service=private)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_complete(appointment=appointment)
    token = re.search(r"/me/tip/(\S+)", mail.outbox[0].body).group(1)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=13)):
        assert token_read(Purpose.TIP, token).record_id == appointment.public_id
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=15)
    with time_machine.travel(later), pytest.raises(TokenInvalid) as exc:
        token_read(Purpose.TIP, token)
    assert exc.value.expired


def test_completing_a_visit_without_tips_sends_nothing(
    provider, django_capture_on_commit_callbacks
):
    service = factories.ServiceFactory(provider=provider, tips_enabled=False)
    appointment = factories.AppointmentFactory(provider=provider, service=service)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_complete(appointment=appointment)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("action", "status"),
    [(appointment_no_show, "NoShow"), (appointment_cancel, "Cancelled")],
)
def test_no_show_and_cancel_leave_scheduled_once_and_send_no_tip_link(
    provider, private, action, status, django_capture_on_commit_callbacks
):
    appointment = factories.AppointmentFactory(provider=provider, service=private)
    with django_capture_on_commit_callbacks(execute=True):
        action(appointment=appointment)
        action(appointment=appointment)
    assert appointment.status == status
    with pytest.raises(DomainError) as exc:
        appointment_complete(appointment=appointment)
    assert status_for(exc.value) == 410
    appointment.refresh_from_db()
    assert appointment.status == status
    assert mail.outbox == []


def test_a_completed_visit_cannot_be_cancelled(provider, private):
    appointment = factories.AppointmentFactory(provider=provider, service=private)
    appointment_complete(appointment=appointment)
    with pytest.raises(DomainError) as exc:
        appointment_cancel(appointment=appointment)
    assert status_for(exc.value) == 410
    assert Appointment.objects.get().status == Appointment.Status.COMPLETED
