"""The hosted portal `/me/<token>`: bookings, packs, gift-card lookup, calendar, sign out."""

import datetime as dt
import re
from urllib.parse import unquote

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from classes.models import Enrollment
from customers.services import customer_token_make
from customers.tokens import Purpose, token_make
from tests import factories

pytestmark = pytest.mark.django_db


def _home(token: str) -> str:
    return f"/me/{token}"


def test_portal_shows_upcoming_and_past_bookings_and_packs_in_the_studios_name(
    client, customer, customer_token, booking
):
    provider = customer.provider
    past = factories.EnrollmentFactory(
        client=customer,
        class_session__provider=provider,
        class_session__scheduled_at=timezone.now() - dt.timedelta(days=4),
        class_session__service__name="Hot Yoga",
        status=Enrollment.Status.COMPLETED,
    )
    factories.ClientPackageFactory(
        package_type__provider=provider, client=customer, sessions_remaining=3
    )
    response = client.get(_home(customer_token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>My bookings · Sculpt Co</title>" in html
    assert "Hi Jane Doe" in html
    upcoming, rest = html.split('id="packs"', 1)
    assert "Pilates Class" in upcoming
    assert f"/me/{customer_token}/bookings/{booking.public_id}/cancel" in upcoming
    local = booking.class_session.scheduled_at.astimezone(provider.tz)
    assert f"{local:%-I:%M} " in upcoming
    assert "3 of 5 classes left" in rest
    assert past.class_session.name_snapshot in rest.split('id="past"', 1)[1]
    assert response["Cache-Control"].startswith("max-age=0")
    assert 'name="robots" content="noindex' in html


def test_portal_offers_webcal_and_google_calendar_subscriptions(client, customer, customer_token):
    html = client.get(_home(customer_token)).content.decode()
    feed = f"http://testserver/api/cal/{customer.calendar_secret}.ics"
    webcal = f"webcal://testserver/api/cal/{customer.calendar_secret}.ics"
    assert feed in html
    assert f'href="{webcal}"' in html
    google = re.search(r'href="(https://calendar\.google\.com/calendar/r\?cid=[^"]+)"', html)
    assert unquote(google.group(1).split("cid=", 1)[1]) == webcal


def test_rotating_the_calendar_secret_changes_the_feed_address(client, customer, customer_token):
    old = customer.calendar_secret
    response = client.post(f"/me/{customer_token}/calendar/rotate")
    assert response.status_code == 302
    assert response["Location"] == f"/me/{customer_token}#calendar"
    customer.refresh_from_db()
    assert customer.calendar_secret != old
    assert client.get(f"/api/cal/{old}.ics").status_code == 404
    page = client.get(_home(customer_token)).content.decode()
    assert customer.calendar_secret in page
    assert "new address" in page


def test_get_on_the_rotate_address_changes_nothing(client, customer, customer_token):
    old = customer.calendar_secret
    assert client.get(f"/me/{customer_token}/calendar/rotate").status_code == 405
    customer.refresh_from_db()
    assert customer.calendar_secret == old


def test_gift_card_lookup_shows_the_balance_of_this_studios_card(client, customer, customer_token):
    factories.GiftCardFactory(
        provider=customer.provider, code="ABCD1234EFGH5678", initial_cents=10000, balance_cents=2500
    )
    html = _check(client, customer_token, "abcd 1234 efgh 5678")
    assert "$25.00" in html
    assert "$100.00" in html


def _check(client, token: str, code: str) -> str:
    return client.post(f"{_home(token)}/gift-card", {"code": code}).content.decode()


def test_the_gift_card_check_is_a_post_so_the_code_stays_out_of_the_url(
    client, customer, customer_token
):
    factories.GiftCardFactory(provider=customer.provider, code="ABCD1234EFGH5678")
    page = client.get(_home(customer_token), {"code": "ABCD1234EFGH5678"}).content.decode()
    assert f'method="post" action="{_home(customer_token)}/gift-card#gift-card"' in page
    assert 'data-testid="gift-balance"' not in page  # a code in the address is not looked up
    assert client.get(f"{_home(customer_token)}/gift-card").status_code == 405
    assert 'data-testid="gift-balance"' in _check(client, customer_token, "ABCD-1234-EFGH-5678")


def test_gift_card_of_another_studio_is_not_found(client, customer, customer_token, other_provider):
    factories.GiftCardFactory(provider=other_provider, code="ZZZZ1234EFGH5678")
    html = _check(client, customer_token, "ZZZZ1234EFGH5678")
    assert "No gift card with that code at this studio." in html
    assert 'data-testid="gift-balance"' not in html


@time_machine.travel(dt.datetime(2026, 5, 18, 12, 0, 5, tzinfo=dt.UTC), tick=False)
def test_gift_card_lookups_are_rate_limited(client, customer, customer_token):
    for _ in range(30):
        _check(client, customer_token, "NOPE1234NOPE1234")
    html = _check(client, customer_token, "NOPE1234NOPE1234")
    assert "Too many lookups" in html


def test_sign_out_leaves_for_a_page_without_the_token(client, customer, customer_token):
    response = client.post(f"/me/{customer_token}/sign-out", follow=True)
    assert response.redirect_chain == [("/me/signed-out?studio=sculpt-co", 302)]
    html = response.content.decode()
    assert "signed out" in html
    assert customer_token not in html
    assert f'value="{customer.provider.public_id}"' in html


@pytest.mark.parametrize("token", ["garbage", "x" * 1200, "a:b:c"])
def test_bad_token_gets_a_friendly_page_with_a_new_link_form(client, customer, token):
    response = client.get(_home(token))
    assert response.status_code == 401
    html = response.content.decode()
    assert "This link doesn't work" in html
    assert 'data-testid="new-link-form"' in html
    assert 'name="studio"' in html


@pytest.mark.parametrize("purpose", [Purpose.CANCEL, Purpose.TIP])
def test_a_cancel_or_tip_token_does_not_open_the_portal(client, customer, booking, purpose):
    token = token_make(
        purpose, record_id=customer.public_id, provider_id=customer.provider.public_id
    )
    response = client.get(_home(token))
    assert response.status_code == 401
    assert customer.name not in response.content.decode()
    assert client.post(f"{_home(token)}/sign-out").status_code == 302
    customer.refresh_from_db()
    assert customer.tokens_valid_after is None


def test_expired_token_page_knows_the_studio_and_sends_a_fresh_link(
    client, customer, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now() - dt.timedelta(days=31), tick=False):
        old = customer_token_make(client=customer)
    response = client.get(_home(old))
    assert response.status_code == 401
    html = response.content.decode()
    assert "This link has expired" in html
    assert f'name="studio" value="{customer.provider.public_id}"' in html

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/me/new-link", {"studio": customer.provider.public_id, "email": "jane@example.com"}
        )
    assert sent.status_code == 200
    assert "a new sign-in link is on its way" in sent.content.decode()
    [message] = mail.outbox
    assert message.to == ["jane@example.com"]
    link = re.search(r"(http://testserver/me/\S+)", message.body).group(1)
    assert client.get(link).status_code == 200


def test_new_link_for_an_unknown_email_answers_the_same_and_sends_nothing(
    client, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/new-link", {"studio": "sculpt-co", "email": "who@example.com"})
    assert response.status_code == 200
    assert "a new sign-in link is on its way" in response.content.decode()
    assert mail.outbox == []


def test_new_link_for_an_unknown_studio_answers_the_same(client):
    response = client.post("/me/new-link", {"studio": "nope", "email": "who@example.com"})
    assert response.status_code == 200
    assert mail.outbox == []


def test_new_link_without_an_email_asks_again(client, customer):
    response = client.post("/me/new-link", {"studio": "sculpt-co", "email": ""})
    assert response.status_code == 400
    assert "email address you booked with" in response.content.decode()


@time_machine.travel(dt.datetime(2026, 5, 18, 12, 0, 5, tzinfo=dt.UTC), tick=False)
def test_new_link_requests_are_rate_limited(client, customer):
    body = {"studio": "sculpt-co", "email": "who@example.com"}
    codes = [client.post("/me/new-link", body).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_token_of_a_deleted_client_gets_the_friendly_page(client, customer, customer_token):
    customer.delete()
    response = client.get(_home(customer_token))
    assert response.status_code == 404
    assert 'data-testid="new-link-form"' in response.content.decode()


def test_portal_never_lists_another_customers_bookings(client, customer, customer_token, booking):
    other = factories.EnrollmentFactory(
        class_session__provider=customer.provider, class_session__service__name="Secret Class"
    )
    html = client.get(_home(customer_token)).content.decode()
    assert "Secret Class" not in html
    assert other.public_id not in html


def test_portal_query_count_does_not_grow_with_bookings(
    client, customer, customer_token, django_assert_max_num_queries
):
    provider = customer.provider

    def add_rows():
        for days in (1, 2, -3):
            factories.EnrollmentFactory(
                client=customer,
                class_session__provider=provider,
                class_session__scheduled_at=timezone.now() + dt.timedelta(days=days),
            )
        factories.ClientPackageFactory(package_type__provider=provider, client=customer)

    add_rows()
    with django_assert_max_num_queries(8) as few:
        assert client.get(_home(customer_token)).status_code == 200
    for _ in range(3):
        add_rows()
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(_home(customer_token)).content.decode()
    assert html.count('data-testid="upcoming-booking"') == 8


def test_portal_shows_each_waitlist_place_with_its_position(
    client, customer, customer_token, other_provider
):
    full = factories.ClassSessionFactory(
        provider=customer.provider,
        scheduled_at=timezone.now() + dt.timedelta(days=2),
        service__name="Sunrise Flow",
    )
    first = factories.ClientFactory(provider=customer.provider)
    gone = factories.ClientFactory(provider=customer.provider)
    factories.WaitlistEntryFactory(class_session=full, client=first, position=1)
    factories.WaitlistEntryFactory(
        class_session=full, client=gone, position=2, cancelled_at=timezone.now()
    )
    entry = factories.WaitlistEntryFactory(class_session=full, client=customer, position=3)
    past = factories.ClassSessionFactory(
        provider=customer.provider,
        scheduled_at=timezone.now() - dt.timedelta(days=1),
        service__name="Old Class",
    )
    factories.WaitlistEntryFactory(class_session=past, client=customer, position=1)
    elsewhere = factories.ClientFactory(provider=other_provider, email=customer.email)
    factories.WaitlistEntryFactory(
        class_session__provider=other_provider,
        class_session__service__name="Other Studio Class",
        client=elsewhere,
        position=1,
    )

    html = client.get(_home(customer_token)).content.decode()

    [row] = re.findall(r'data-testid="waitlist-entry" data-entry="([^"]+)"', html)
    assert row == entry.public_id
    assert "#2 on the waitlist" in html  # the cancelled entry ahead doesn't count
    assert "Sunrise Flow" in html
    assert "Old Class" not in html
    assert "Other Studio Class" not in html


def test_portal_without_waitlist_places_shows_no_waitlist_section(client, customer, customer_token):
    assert 'id="waitlist"' not in client.get(_home(customer_token)).content.decode()


@pytest.mark.parametrize("token", ["garbage", "x" * 1200])
def test_the_broken_link_page_speaks_to_a_customer_not_a_developer(client, customer, token):
    html = client.get(_home(token)).content.decode()
    visible = html.lower().replace('name="csrfmiddlewaretoken"', "")
    assert "token" not in visible
    assert "handle" not in visible
    assert "sculpt-co" not in visible
    assert "The studio's name, as in its emails" in html


def test_the_new_link_form_finds_the_studio_by_the_name_its_emails_show(
    client, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/new-link", {"studio": "sculpt co", "email": customer.email})
    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == [customer.email]


def test_a_deleted_customer_link_says_so_in_plain_words(client, customer, customer_token):
    customer.delete()
    html = client.get(_home(customer_token)).content.decode()
    assert "find your bookings at this studio any more." in html
    assert "This customer no longer exists" not in html
