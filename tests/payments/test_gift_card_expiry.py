"""Gift-card validity: the studio's `gift_card_validity_months` sets a sold card's expiry,
the email, the redeem answer and the portal say it, and an expired card can't be redeemed."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from accounts.services import provider_settings_update
from customers.services import customer_token_make
from payments.models import GiftCard, GiftCardRedemption, Payment
from payments.services.gift_cards import add_months
from tests import factories

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
BOUGHT = dt.datetime(2026, 1, 31, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago
START = "/api/gift-cards/start"
REDEEM = "/api/gift-cards/redeem"
BUYER = {
    "handle": "sculpt-co",
    "amountCents": 5000,
    "purchaserName": "Pat Buyer",
    "purchaserEmail": "pat@example.com",
}


@pytest.fixture
def buy(post, pay, fake_stripe):
    """Buy and pay a $50 card at `when`; the card the webhook created."""

    def _buy(when: dt.datetime = BOUGHT) -> GiftCard:
        with time_machine.travel(when, tick=False):
            assert post(START, BUYER).status_code == 200
            pay(Payment.objects.latest("pk"))
        return GiftCard.objects.latest("pk")

    return _buy


def _set_validity(provider, months):
    return provider_settings_update(provider=provider, gift_card_validity_months=months)


def _redeem(post, provider, card, **extra):
    body = {"code": card.code, "providerId": provider.public_id, "requestedDebitCents": 2000}
    return post(REDEEM, {**body, **extra})


def test_without_a_validity_cards_never_expire_and_the_email_says_so(buy, post, provider):
    card = buy()

    assert card.expires_at is None
    [message] = mail.outbox
    assert "It never expires." in message.body
    assert _redeem(post, provider, card).json()["expiresAt"] is None


def test_a_card_expires_the_configured_months_after_payment(buy, provider):
    _set_validity(provider, 12)

    card = buy()

    assert card.expires_at == dt.datetime(2027, 1, 31, 15, 0, tzinfo=dt.UTC)
    [message] = mail.outbox
    assert "It can be used until Sun 31 Jan 2027." in message.body
    assert "It can be used until Sun 31 Jan 2027." in message.alternatives[0][0]


def test_validity_is_frozen_when_the_checkout_opens(post, pay, fake_stripe, provider):
    _set_validity(provider, 12)
    with time_machine.travel(BOUGHT, tick=False):
        post(START, BUYER)
    _set_validity(provider, 60)

    with time_machine.travel(BOUGHT + dt.timedelta(minutes=10), tick=False):
        pay(Payment.objects.get())

    expected = dt.datetime(2027, 1, 31, 15, 10, tzinfo=dt.UTC)
    assert GiftCard.objects.get().expires_at == expected


def test_a_checkout_opened_before_the_setting_existed_uses_the_current_one(pay, provider):
    _set_validity(provider, 6)
    payment = factories.PaymentFactory(
        provider=provider,
        kind=Payment.Kind.GIFT_CARD,
        amount_cents=5000,
        details={"purchaser_name": "Pat", "purchaser_email": "pat@example.com"},
    )

    with time_machine.travel(BOUGHT, tick=False):
        pay(payment)

    # Jan 31 + 6 months is Jul 31, at the same Chicago wall-clock time (now summer time).
    assert GiftCard.objects.get().expires_at == dt.datetime(2026, 7, 31, 14, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("local", "months", "expected"),
    [
        (dt.datetime(2026, 1, 31, 9, 0), 1, dt.datetime(2026, 2, 28, 9, 0)),
        (dt.datetime(2028, 1, 31, 9, 0), 1, dt.datetime(2028, 2, 29, 9, 0)),
        (dt.datetime(2026, 1, 15, 9, 0), 6, dt.datetime(2026, 7, 15, 9, 0)),
        (dt.datetime(2026, 11, 30, 23, 30), 3, dt.datetime(2027, 2, 28, 23, 30)),
        (dt.datetime(2026, 5, 14, 12, 0), 120, dt.datetime(2036, 5, 14, 12, 0)),
    ],
)
def test_months_are_calendar_months_at_the_same_local_time(local, months, expected):
    moment = local.replace(tzinfo=CHICAGO).astimezone(dt.UTC)

    result = add_months(moment, months, CHICAGO)

    assert result.astimezone(CHICAGO).replace(tzinfo=None) == expected


def test_redeem_shows_the_expiry_and_refuses_once_it_has_passed(buy, post, provider):
    _set_validity(provider, 12)
    card = buy()
    appointment = factories.AppointmentFactory(provider=provider)
    commit = {"mode": "commit", "appointmentId": appointment.public_id}

    with time_machine.travel(card.expires_at - dt.timedelta(minutes=1), tick=False):
        preview = _redeem(post, provider, card)
    with time_machine.travel(card.expires_at + dt.timedelta(minutes=1), tick=False):
        late_preview = _redeem(post, provider, card)
        late_commit = _redeem(post, provider, card, **commit)

    assert preview.status_code == 200
    assert preview.json()["expiresAt"] == "2027-01-31T15:00:00.000Z"
    for response in (late_preview, late_commit):
        assert response.status_code == 400
        assert response.json() == {
            "error": "This gift card expired on January 31, 2027; it can no longer be redeemed."
        }
    card.refresh_from_db()
    assert card.balance_cents == 5000
    assert not GiftCardRedemption.objects.exists()


def test_a_commit_before_expiry_is_still_returned_on_a_retry_after_it(buy, post, provider):
    """The idempotent retry reports the earlier debit; it doesn't debit again."""
    _set_validity(provider, 1)
    card = buy()
    appointment = factories.AppointmentFactory(provider=provider)
    commit = {"mode": "commit", "appointmentId": appointment.public_id}
    with time_machine.travel(card.expires_at - dt.timedelta(days=1), tick=False):
        assert _redeem(post, provider, card, **commit).status_code == 200

    with time_machine.travel(card.expires_at + dt.timedelta(days=1), tick=False):
        retry = _redeem(post, provider, card, **commit)

    assert retry.status_code == 200
    assert retry.json()["alreadyRedeemed"] is True
    assert GiftCardRedemption.objects.count() == 1


def test_the_portal_lookup_says_when_a_card_expired(client, provider):
    card = factories.GiftCardFactory(
        provider=provider,
        code="EXPD2345EFGH6789",
        expires_at=dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC),
    )
    customer = factories.ClientFactory(provider=provider)

    def lookup(when: dt.datetime) -> str:
        with time_machine.travel(when, tick=False):
            token = customer_token_make(client=customer)
            return client.post(f"/me/{token}/gift-card", {"code": card.code}).content.decode()

    assert "expires Sun 1 Mar 2026" in lookup(dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    assert "expired Sun 1 Mar 2026" in lookup(dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
