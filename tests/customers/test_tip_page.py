"""`/me/tip/<token>`: choose a tip for a completed visit, then go to Stripe Checkout."""

import pytest
from django.utils import timezone

from classes.models import Appointment
from customers.portal_actions import tip_presets
from customers.tokens import Purpose, token_make
from payments.models import Payment
from payments.services.tips import tip_token_make
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(customer):
    return factories.AppointmentFactory(
        provider=customer.provider,
        client=customer,
        status=Appointment.Status.COMPLETED,
        completed_at=timezone.now(),
        price_cents=9000,
    )


def _url(appointment) -> str:
    return f"/me/tip/{tip_token_make(appointment)}"


def test_tip_page_offers_presets_from_the_price_and_a_custom_amount(client, visit):
    response = client.get(_url(visit))
    assert response.status_code == 200
    html = response.content.decode()
    for cents in (1400, 1800, 2200):
        assert f'name="amount" value="{cents}"' in html
    assert 'name="custom"' in html


def test_presets_for_a_free_visit_are_fixed_amounts(visit):
    visit.price_cents = 0
    assert tip_presets(visit) == [500, 1000, 2000]


def test_choosing_a_preset_starts_a_tip_checkout_and_redirects_to_it(client, visit, fake_stripe):
    response = client.post(_url(visit), {"amount": "1800"})
    assert response.status_code == 302
    payment = Payment.objects.get(kind=Payment.Kind.TIP)
    assert response["Location"] == payment.checkout_url
    assert payment.amount_cents == 1800
    [call] = fake_stripe.calls("/v1/checkout/sessions")
    assert call.params["line_items[0][price_data][unit_amount]"] == "1800"
    assert call.stripe_account == visit.provider.stripe_account_id


def test_a_custom_dollar_amount_is_turned_into_cents(client, visit, fake_stripe):
    response = client.post(_url(visit), {"custom": "$12.50"})
    assert response.status_code == 302
    assert Payment.objects.get(kind=Payment.Kind.TIP).amount_cents == 1250


@pytest.mark.parametrize(
    "body",
    [
        {"custom": "0.99"},
        {"custom": "1000.01"},
        {"custom": "abc"},
        {"custom": "nan"},
        {"custom": "1e308"},
        {"custom": "1e999999999"},  # its cents overflowed the decimal context: a 500
        {"custom": "-1e999999999"},
        {"custom": "-5"},
        {"amount": "9" * 40},
        {"amount": "50"},
        {},
    ],
)
def test_an_amount_out_of_range_is_refused_on_the_page(client, visit, fake_stripe, body):
    response = client.post(_url(visit), body)
    assert response.status_code == 400
    assert "between $1.00 and $1,000.00" in response.content.decode()
    assert not Payment.objects.exists()
    assert fake_stripe.requests == []


def test_an_already_tipped_visit_says_thank_you_and_refuses_a_second_tip(
    client, visit, fake_stripe
):
    Appointment.objects.filter(pk=visit.pk).update(
        tip_captured_at=timezone.now(), tip_amount_cents=1500
    )
    assert "Your tip of $15.00 was received" in client.get(_url(visit)).content.decode()
    response = client.post(_url(visit), {"amount": "1000"})
    assert response.status_code == 409
    assert fake_stripe.requests == []


def test_a_stripe_failure_is_shown_on_the_page_as_502(client, visit, fake_stripe):
    fake_stripe.fail_next("/v1/checkout/sessions", 400, "No such account")
    response = client.post(_url(visit), {"amount": "1000"})
    assert response.status_code == 502
    assert 'data-testid="tip-error"' in response.content.decode()


def test_a_studio_without_stripe_shows_412(client, visit):
    visit.provider.stripe_charges_enabled = False
    visit.provider.save()
    response = client.post(_url(visit), {"amount": "1000"})
    assert response.status_code == 412


def test_a_bad_or_foreign_purpose_token_gets_a_friendly_403(client, visit):
    customer_token = token_make(
        Purpose.CUSTOMER, record_id=visit.public_id, provider_id=visit.provider.public_id
    )
    for token in ("garbage", customer_token):
        response = client.get(f"/me/tip/{token}")
        assert response.status_code == 403
        page = response.content.decode()
        assert "for a new tip link." in page
        assert "token" not in page.lower().replace('name="csrfmiddlewaretoken"', "")


def test_a_tip_link_for_a_deleted_visit_is_404(client, visit):
    url = _url(visit)
    Appointment.objects.filter(pk=visit.pk).delete()
    assert client.get(url).status_code == 404


def test_returning_from_checkout_thanks_the_customer(client, visit):
    response = client.get(_url(visit) + "?paid=1")
    assert response.status_code == 200
    assert 'data-testid="tip-thanks"' in response.content.decode()
