"""The dev gateway's checkout page behaves like Stripe Checkout where partners can tell."""

import pytest

from payments.models import Payment
from tests import factories
from tests.classes.conftest import CUSTOMER
from tests.conftest import DEMO_ORIGIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_gateway(settings):
    settings.PAYMENT_GATEWAY = "dev"


@pytest.fixture
def paid_class(provider):
    return factories.ClassSessionFactory(provider=provider, price_cents=2000)


def _book(api, session, **urls):
    return api.post(
        f"/api/classes/{session.public_id}/book", {**CUSTOMER, **urls}, format="json"
    ).json()


def test_pay_fills_the_checkout_session_id_template_in_the_success_url(
    dev_gateway, api, client, paid_class
):
    booked = _book(
        api, paid_class, successUrl=f"{DEMO_ORIGIN}/thanks?session_id={{CHECKOUT_SESSION_ID}}"
    )
    response = client.post(f"/dev/checkout/{booked['checkoutSessionId']}", {"action": "pay"})
    assert response.status_code == 302
    assert response["Location"] == f"{DEMO_ORIGIN}/thanks?session_id={booked['checkoutSessionId']}"


def test_a_success_url_without_the_template_is_followed_as_given(
    dev_gateway, api, client, paid_class
):
    booked = _book(api, paid_class, successUrl=f"{DEMO_ORIGIN}/thanks?ref=42")
    response = client.post(f"/dev/checkout/{booked['checkoutSessionId']}", {"action": "pay"})
    assert response["Location"] == f"{DEMO_ORIGIN}/thanks?ref=42"
    assert Payment.objects.get().status == Payment.Status.PAID
