"""Signing out of the portal ends every customer link issued before it, in the portal and the
API; cancel and tip links and the calendar feed keep working."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from alera.tokens import Purpose, token_make
from classes.models import Appointment, Enrollment
from classes.services.tips import tip_token_make
from customers.services import client_sign_out, customer_token_make
from tests import factories

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 14, 15, 0, 0, tzinfo=dt.UTC)


def _token_at(when: dt.datetime, customer) -> str:
    with time_machine.travel(when, tick=False):
        return customer_token_make(client=customer)


def test_sign_out_ends_every_portal_link_the_customer_holds(client, customer):
    phone_link = _token_at(T0, customer)
    laptop_link = _token_at(T0 + dt.timedelta(hours=1), customer)

    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        response = client.post(f"/me/{laptop_link}/sign-out")
        assert response.status_code == 302
        customer.refresh_from_db()
        assert customer.tokens_valid_after == T0 + dt.timedelta(hours=2)

        for token in (phone_link, laptop_link):
            page = client.get(f"/me/{token}")
            assert page.status_code == 401
            html = page.content.decode()
            assert "You signed out of this link" in html
            assert 'data-testid="new-link-form"' in html
            assert f'value="{customer.provider.public_id}"' in html  # the studio, pre-filled
            assert "Hi Jane Doe" not in html


def test_a_link_asked_for_after_signing_out_works(client, customer):
    old = _token_at(T0, customer)
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        client_sign_out(client=customer)

    new = _token_at(T0 + dt.timedelta(minutes=5, seconds=1), customer)

    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        assert client.get(f"/me/{new}").status_code == 200
        assert client.get(f"/me/{old}").status_code == 401


def test_a_link_signed_earlier_in_the_sign_out_second_is_refused(client, customer):
    """Signing timestamps are whole seconds: the whole sign-out second is cut off."""
    token = _token_at(T0 + dt.timedelta(milliseconds=100), customer)
    with time_machine.travel(T0 + dt.timedelta(milliseconds=900), tick=False):
        client_sign_out(client=customer)

    with time_machine.travel(T0 + dt.timedelta(seconds=5), tick=False):
        assert client.get(f"/me/{token}").status_code == 401


def test_portal_actions_with_a_signed_out_link_change_nothing(client, customer, booking):
    token = _token_at(timezone.now() - dt.timedelta(hours=1), customer)
    secret = customer.calendar_secret
    client_sign_out(client=customer)

    cancel = client.post(f"/me/{token}/bookings/{booking.public_id}/cancel")
    rotate = client.post(f"/me/{token}/calendar/rotate")

    assert (cancel.status_code, rotate.status_code) == (401, 401)
    assert "You signed out of this link" in cancel.content.decode()
    booking.refresh_from_db()
    customer.refresh_from_db()
    assert booking.status == Enrollment.Status.CONFIRMED
    assert customer.calendar_secret == secret


def test_signing_out_twice_just_shows_the_signed_out_page_again(client, customer):
    token = _token_at(T0, customer)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        first = client.post(f"/me/{token}/sign-out")
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        again = client.post(f"/me/{token}/sign-out")

    assert first["Location"] == "/me/signed-out?studio=sculpt-co"
    assert again["Location"] == "/me/signed-out"
    customer.refresh_from_db()
    assert customer.tokens_valid_after == T0 + dt.timedelta(hours=1)


def test_signing_out_leaves_other_customers_signed_in(client, customer, provider):
    neighbour = factories.ClientFactory(provider=provider, email="sam@example.com")
    neighbours_link = customer_token_make(client=neighbour)

    client_sign_out(client=customer)

    assert client.get(f"/me/{neighbours_link}").status_code == 200


def test_cancel_and_tip_links_and_the_calendar_feed_survive_sign_out(client, customer, booking):
    visit = factories.AppointmentFactory(
        provider=customer.provider,
        client=customer,
        status=Appointment.Status.COMPLETED,
        completed_at=timezone.now(),
    )
    cancel_link = token_make(
        Purpose.CANCEL, record_id=booking.public_id, provider_id=customer.provider.public_id
    )
    tip_link = tip_token_make(visit)

    client_sign_out(client=customer)

    assert client.get(f"/me/cancel/{cancel_link}").status_code == 200
    assert client.get(f"/me/tip/{tip_link}").status_code == 200
    assert client.get(f"/api/cal/{customer.calendar_secret}.ics").status_code == 200


def test_me_api_answers_401_for_a_token_from_before_sign_out(api, customer):
    token = _token_at(T0, customer)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        client_sign_out(client=customer)

    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        response = api.get("/api/customer/me", HTTP_X_CUSTOMER_TOKEN=token)

    assert response.status_code == 401
    assert response.json() == {
        "error": "You signed out, so this link no longer works.",
        "signedOut": True,
    }
