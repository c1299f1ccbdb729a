"""POST /api/gift-cards/start and the card its paid webhook creates."""

import math

import pytest
from django.core import mail

from payments.models import GiftCard, Payment
from payments.services.gift_cards import (
    CODE_ALPHABET,
    CODE_LENGTH,
    gift_card_code_display,
    gift_card_code_new,
    gift_card_code_normalize,
)
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/gift-cards/start"


def body(**overrides):
    data = {
        "handle": "sculpt-co",
        "amountCents": 5000,
        "purchaserName": "Pat Buyer",
        "purchaserEmail": "pat@example.com",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_start_creates_a_checkout_and_no_card(post, fake_stripe, provider):
    response = post(URL, body())
    assert response.status_code == 200
    payment = Payment.objects.get(kind=Payment.Kind.GIFT_CARD)
    assert response.json() == {
        "ok": True,
        "checkoutUrl": payment.checkout_url,
        "checkoutSessionId": payment.checkout_session_id,
    }
    [call] = fake_stripe.calls("/v1/checkout/sessions")
    assert call.stripe_account == provider.stripe_account_id
    assert call.idempotency_key == f"checkout-{payment.public_id}"
    assert call.params["line_items[0][price_data][unit_amount]"] == "5000"
    assert call.params["metadata[payment_id]"] == payment.public_id
    assert call.params["metadata[kind]"] == "gift_card"
    assert call.params["payment_intent_data[metadata][payment_id]"] == payment.public_id
    assert not GiftCard.objects.exists()


def test_paid_card_goes_to_the_recipient_with_the_gift_message(post, pay, fake_stripe):
    post(
        URL,
        body(
            recipientName="Robin Friend",
            recipientEmail="robin@example.com",
            giftMessage="Happy birthday, enjoy a class on me!",
        ),
    )
    payment = Payment.objects.get()
    pay(payment)
    card = GiftCard.objects.get()
    assert card.payment == payment
    assert card.initial_cents == card.balance_cents == 5000
    assert len(card.code) == CODE_LENGTH
    assert card.code == card.code.upper()
    assert set(card.code) <= set(CODE_ALPHABET)
    message, receipt = mail.outbox
    grouped = gift_card_code_display(card.code)
    assert message.to == ["robin@example.com"]
    assert "gift card for you" in message.subject
    assert f"Your code: {grouped}" in message.body
    assert "Happy birthday, enjoy a class on me!" in message.body
    assert "Pat Buyer" in message.body
    assert grouped in message.alternatives[0][0]
    assert receipt.to == ["pat@example.com"]
    assert "Receipt" in receipt.subject
    for part in (receipt.body, receipt.alternatives[0][0]):
        assert "Paid: $50.00" in part
        assert "Robin Friend" in part
        assert "robin@example.com" in part
        assert card.code not in part.replace(" ", "")  # the code is the recipient's


@pytest.mark.parametrize(
    "recipient", [{}, {"recipientName": "Robin"}, {"recipientEmail": "robin@example.com"}]
)
def test_card_goes_to_the_purchaser_unless_both_recipient_fields_are_set(
    post, pay, fake_stripe, recipient
):
    post(URL, body(**recipient))
    pay(Payment.objects.get())
    [message] = mail.outbox  # the card itself is the buyer's receipt: no second email
    assert message.to == ["pat@example.com"]
    assert gift_card_code_display(GiftCard.objects.get().code) in message.body
    assert "Paid: $50.00." in message.body


def test_replayed_and_duplicate_events_create_one_card_and_one_email(post, pay, fake_stripe):
    post(URL, body())
    payment = Payment.objects.get()
    pay(payment, event_id="evt_gc")
    pay(payment, event_id="evt_gc")
    pay(payment, event_id="evt_gc_again")
    assert GiftCard.objects.count() == 1
    assert len(mail.outbox) == 1


def test_grouped_codes_read_in_fours_and_are_accepted_back_any_way():
    assert gift_card_code_display("ABCDEFGHJKLMNPQR") == "ABCD EFGH JKLM NPQR"
    for typed in ("ABCD EFGH JKLM NPQR", "abcd-efgh-jklm-npqr", " abcdefghjklmnpqr "):
        assert gift_card_code_normalize(typed) == "ABCDEFGHJKLMNPQR"


def test_codes_are_random_with_at_least_80_bits_and_no_ambiguous_characters():
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 80
    assert not set("0O1I") & set(CODE_ALPHABET)
    codes = {gift_card_code_new() for _ in range(2000)}
    assert len(codes) == 2000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amountCents": 999}, "amountCents"),
        ({"amountCents": 500001}, "amountCents"),
        ({"amountCents": "lots"}, "amountCents"),
        ({"purchaserEmail": "nope"}, "purchaserEmail"),
        ({"purchaserName": None}, "purchaserName"),
        ({"recipientEmail": "robin@"}, "recipientEmail"),
        ({"giftMessage": "x" * 501}, "giftMessage"),
    ],
)
def test_invalid_body_gives_400_and_no_checkout(post, fake_stripe, provider, overrides, field):
    response = post(URL, body(**overrides))
    assert response.status_code == 400
    assert field in response.json()["error"]
    assert not Payment.objects.exists()
    assert fake_stripe.requests == []


@pytest.mark.parametrize("amount", [1000, 500000])
def test_amount_bounds_are_inclusive(post, fake_stripe, provider, amount):
    assert post(URL, body(amountCents=amount)).status_code == 200


def test_unknown_handle_gives_403_and_no_checkout(post, provider):
    response = post(URL, body(handle="no-such-studio"))
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_another_studios_handle_gives_403(post, provider):
    factories.ProviderFactory(handle="rival-studio")
    assert post(URL, body(handle="rival-studio")).status_code == 403
    assert not Payment.objects.exists()


def test_provider_without_connect_gives_412(post, provider, fake_stripe):
    provider.stripe_account_id = ""
    provider.save()
    assert post(URL, body()).status_code == 412
    assert fake_stripe.requests == []


def test_stripe_failure_gives_502(post, provider, fake_stripe):
    fake_stripe.fail_next("/v1/checkout/sessions", status=400)
    assert post(URL, body()).status_code == 502
    assert Payment.objects.get().status == Payment.Status.EXPIRED
    assert not GiftCard.objects.exists()


@pytest.mark.usefixtures("frozen_minute")
def test_rate_limit_is_20_per_minute(post, provider):
    statuses = [post(URL, body()).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    response = post(URL, body())
    assert response.status_code == 429
    assert "retry" in response.json()["error"]
