"""Customer portal pages carry their token in the URL, so each one is sent with the strict
headers (never framed, no referrer leaving the site, never cached), and every form on them
is refused without its CSRF token, changing nothing. The pages are the portal's entries in
the shared registry (tests/pages.py), so a new portal page gets these checks too."""

import pytest
from django.core import mail
from django.test import Client as BrowserClient
from django.utils import timezone

from classes.models import Appointment, Enrollment
from classes.services.common import cancel_token
from customers.services import customer_token_make
from payments.models import Payment
from payments.services.tips import tip_token_make
from tests import factories
from tests.dashboard.conftest import build_studio
from tests.pages import PAGES, PORTAL, world_ids
from tests.security.test_headers import csp_directives

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(provider):
    return factories.ClientFactory(provider=provider, email="jane@example.com")


@pytest.fixture
def links(customer):
    """Every kind of portal address, keyed by a readable name."""
    booking = factories.EnrollmentFactory(
        class_session=factories.ClassSessionFactory(provider=customer.provider, price_cents=0),
        client=customer,
    )
    visit = factories.AppointmentFactory(
        provider=customer.provider,
        client=customer,
        status=Appointment.Status.COMPLETED,
        completed_at=timezone.now(),
    )
    token = customer_token_make(client=customer)
    return {
        "portal": f"/me/{token}",
        "portal cancel": f"/me/{token}/bookings/{booking.public_id}/cancel",
        "emailed cancel link": f"/me/cancel/{cancel_token(booking)}",
        "tip": f"/me/tip/{tip_token_make(visit)}",
        "bad link": "/me/not-a-token",
        "signed out": "/me/signed-out",
    }


PORTAL_GETS = [
    pytest.param(page, id=page.case_id)
    for page in PAGES
    if page.area == PORTAL and "GET" in page.methods
]


@pytest.fixture
def registry_ids(db) -> dict[str, str]:
    """The ids the shared page registry (tests/pages.py) needs, for one studio's world."""
    return world_ids(build_studio("sculpt-co", "owner@sculpt.example"))


@pytest.mark.parametrize("page", PORTAL_GETS)
def test_portal_pages_are_never_framed_cached_or_leak_their_address(client, registry_ids, page):
    response = client.get(page.url(registry_ids))
    assert response.status_code == page.status
    assert response["Content-Type"].startswith("text/html")
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    # The token is in the address: the Google Calendar link must not carry it away.
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def strict():
    return BrowserClient(enforce_csrf_checks=True)


def test_the_emailed_cancel_link_refuses_a_post_without_csrf(strict, links, customer):
    response = strict.post(links["emailed cancel link"])
    assert response.status_code == 403
    assert Enrollment.objects.get(client=customer).status == Enrollment.Status.CONFIRMED


def test_the_tip_form_refuses_a_post_without_csrf(strict, links, fake_stripe):
    response = strict.post(links["tip"], {"amount": "500"})
    assert response.status_code == 403
    assert not Payment.objects.exists()
    assert fake_stripe.requests == []


def test_calendar_rotation_and_sign_out_refuse_a_post_without_csrf(strict, links, customer):
    secret = customer.calendar_secret
    assert strict.post(links["portal"] + "/calendar/rotate").status_code == 403
    assert strict.post(links["portal"] + "/sign-out").status_code == 403
    customer.refresh_from_db()
    assert customer.calendar_secret == secret
    assert customer.tokens_valid_after is None
    assert strict.get(links["portal"]).status_code == 200  # still signed in


def test_the_new_link_form_refuses_a_post_without_csrf(strict, customer):
    response = strict.post("/me/new-link", {"studio": "sculpt-co", "email": customer.email})
    assert response.status_code == 403
    assert not mail.outbox


def test_the_portal_forms_carry_their_csrf_token_and_work_with_it(strict, links, customer):
    page = strict.get(links["portal"]).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == 3  # sign out, calendar, gift card
    token = strict.cookies["csrftoken"].value
    response = strict.post(links["portal"] + "/calendar/rotate", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    old = customer.calendar_secret
    customer.refresh_from_db()
    assert customer.calendar_secret != old


def test_the_gift_card_check_refuses_a_post_without_csrf(strict, links):
    response = strict.post(links["portal"] + "/gift-card", {"code": "ABCD1234EFGH5678"})
    assert response.status_code == 403
