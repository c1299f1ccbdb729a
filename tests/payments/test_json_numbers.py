"""Money fields are JSON numbers: a number sent as a string is a 400 naming the field."""

import pytest

from classes.services.tips import tip_token_make
from payments.models import GiftCard, GiftCardRedemption, Payment
from tests import factories

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["5000", "", " 5000", True, [5000], {"cents": 5000}]


@pytest.fixture
def card(provider):
    return factories.GiftCardFactory(
        provider=provider, code="ABCD2345EFGH6789", initial_cents=10000
    )


@pytest.fixture
def visit(provider):
    from django.utils import timezone

    from classes.models import Appointment

    return factories.AppointmentFactory(
        provider=provider, status=Appointment.Status.COMPLETED, completed_at=timezone.now()
    )


def _gift_card_start(amount) -> dict:
    return {
        "handle": "sculpt-co",
        "amountCents": amount,
        "purchaserName": "Pat Buyer",
        "purchaserEmail": "pat@example.com",
    }


@pytest.mark.parametrize("amount", NOT_NUMBERS)
def test_gift_card_start_with_amount_cents_not_a_number_gives_400_and_no_checkout(
    post, fake_stripe, provider, amount
):
    response = post("/api/gift-cards/start", _gift_card_start(amount))
    assert response.status_code == 400
    assert response.json()["error"].startswith("amountCents: ")
    assert not Payment.objects.exists()
    assert fake_stripe.requests == []


def test_a_string_amount_is_named_as_a_string(post, provider):
    response = post("/api/gift-cards/start", _gift_card_start("5000"))
    assert response.json() == {"error": "amountCents: must be a number (like 5000), not a string."}


def test_gift_card_start_takes_a_whole_number_written_with_a_decimal_point(
    post, fake_stripe, provider
):
    assert post("/api/gift-cards/start", _gift_card_start(5000.0)).status_code == 200
    assert Payment.objects.get().amount_cents == 5000


def test_gift_card_start_refuses_a_fraction_of_a_cent(post, fake_stripe, provider):
    response = post("/api/gift-cards/start", _gift_card_start(5000.5))
    assert response.status_code == 400
    assert response.json()["error"].startswith("amountCents: ")


@pytest.mark.parametrize("mode", ["preview", "commit"])
@pytest.mark.parametrize("amount", NOT_NUMBERS)
def test_redeem_with_requested_debit_not_a_number_gives_400_and_debits_nothing(
    post, provider, card, mode, amount
):
    appointment = factories.AppointmentFactory(provider=provider)
    body = {
        "code": card.code,
        "providerId": provider.public_id,
        "requestedDebitCents": amount,
        "mode": mode,
        "appointmentId": appointment.public_id,
    }
    response = post("/api/gift-cards/redeem", body)
    assert response.status_code == 400
    assert response.json()["error"].startswith("requestedDebitCents: ")
    assert GiftCard.objects.get(pk=card.pk).balance_cents == 10000
    assert not GiftCardRedemption.objects.exists()


@pytest.mark.parametrize("amount", NOT_NUMBERS)
def test_tip_with_amount_cents_not_a_number_gives_400_and_no_checkout(
    anon_api, visit, fake_stripe, amount
):
    body = {"token": tip_token_make(visit), "amountCents": amount}
    response = anon_api.post("/api/tip/start", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("amountCents: ")
    assert not Payment.objects.exists()
    assert fake_stripe.requests == []
