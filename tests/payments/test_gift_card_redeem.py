"""POST /api/gift-cards/redeem: preview never writes, commit debits once per appointment."""

import datetime as dt

import pytest
from django.utils import timezone

from payments.models import GiftCard, GiftCardRedemption
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/gift-cards/redeem"


@pytest.fixture
def card(provider):
    return factories.GiftCardFactory(
        provider=provider, code="ABCD2345EFGH6789", initial_cents=10000
    )


@pytest.fixture
def appointment(provider):
    return factories.AppointmentFactory(provider=provider)


def body(provider, **overrides):
    data = {
        "code": "ABCD2345EFGH6789",
        "providerId": provider.public_id,
        "requestedDebitCents": 2000,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_preview_is_the_default_and_never_writes(post, provider, card):
    response = post(URL, body(provider))
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "debitCents": 2000,
        "balanceCents": 10000,
        "balanceRemainingCents": 8000,
        "alreadyRedeemed": False,
        "expiresAt": None,
    }
    card.refresh_from_db()
    assert card.balance_cents == 10000
    assert not GiftCardRedemption.objects.exists()


def test_commit_debits_and_appends_a_ledger_row(post, provider, card, appointment):
    response = post(URL, body(provider, mode="commit", appointmentId=appointment.public_id))
    assert response.status_code == 200
    assert response.json()["debitCents"] == 2000
    assert response.json()["balanceRemainingCents"] == 8000
    card.refresh_from_db()
    assert card.balance_cents == 8000
    [row] = GiftCardRedemption.objects.all()
    assert (row.gift_card, row.appointment, row.amount_cents, row.balance_after_cents) == (
        card,
        appointment,
        2000,
        8000,
    )


def test_debit_is_capped_at_the_balance(post, provider, card, appointment):
    response = post(
        URL,
        body(
            provider, requestedDebitCents=25000, mode="commit", appointmentId=appointment.public_id
        ),
    )
    assert response.json()["debitCents"] == 10000
    assert response.json()["balanceRemainingCents"] == 0
    card.refresh_from_db()
    assert card.balance_cents == 0


def test_commit_retry_for_the_same_appointment_returns_the_earlier_debit(
    post, provider, card, appointment
):
    first = post(URL, body(provider, mode="commit", appointmentId=appointment.public_id))
    retry = post(
        URL,
        body(provider, mode="commit", appointmentId=appointment.public_id, requestedDebitCents=500),
    )
    assert retry.status_code == 200
    assert retry.json() == {**first.json(), "alreadyRedeemed": True}
    card.refresh_from_db()
    assert card.balance_cents == 8000
    assert GiftCardRedemption.objects.count() == 1


def test_retry_still_answers_after_a_later_commit_emptied_the_card(post, provider, card):
    first_visit = factories.AppointmentFactory(provider=provider)
    second_visit = factories.AppointmentFactory(provider=provider)
    post(URL, body(provider, mode="commit", appointmentId=first_visit.public_id))
    post(
        URL,
        body(
            provider, mode="commit", appointmentId=second_visit.public_id, requestedDebitCents=9000
        ),
    )
    retry = post(URL, body(provider, mode="commit", appointmentId=first_visit.public_id))
    assert retry.status_code == 200
    assert retry.json()["alreadyRedeemed"] is True
    assert retry.json()["debitCents"] == 2000


@pytest.mark.parametrize(
    "code", ["abcd2345efgh6789", "ABCD-2345-EFGH-6789", " abcd 2345 efgh 6789 "]
)
def test_code_is_case_insensitive_and_ignores_spaces_and_dashes(post, provider, card, code):
    response = post(URL, body(provider, code=code))
    assert response.status_code == 200
    assert response.json()["debitCents"] == 2000


@pytest.mark.parametrize("code", ["ABCD2345EFGH678", "ABCD2345EFGH67890", "ABCD2345EFGH678!", ""])
def test_bad_code_length_gives_400(post, provider, card, code):
    response = post(URL, body(provider, code=code))
    assert response.status_code == 400
    assert "code" in response.json()["error"]


def test_expired_card_gives_400_and_no_debit(post, provider, card, appointment):
    card.expires_at = timezone.now() - dt.timedelta(days=1)
    card.save()
    response = post(URL, body(provider, mode="commit", appointmentId=appointment.public_id))
    assert response.status_code == 400
    assert "expired" in response.json()["error"]
    assert not GiftCardRedemption.objects.exists()


def test_zero_balance_gives_400(post, provider, card, appointment):
    GiftCard.objects.filter(pk=card.pk).update(balance_cents=0)
    for mode in ("preview", "commit"):
        response = post(URL, body(provider, mode=mode, appointmentId=appointment.public_id))
        assert response.status_code == 400
        assert "no balance" in response.json()["error"]


@pytest.mark.parametrize("amount", [0, -5, "ten", 12.5, None])
def test_bad_amount_gives_400(post, provider, card, amount):
    response = post(URL, body(provider, requestedDebitCents=amount))
    assert response.status_code == 400
    assert "requestedDebitCents" in response.json()["error"]


def test_bad_mode_gives_400(post, provider, card):
    assert post(URL, body(provider, mode="steal")).status_code == 400


def test_commit_without_appointment_gives_400(post, provider, card):
    response = post(URL, body(provider, mode="commit"))
    assert response.status_code == 400
    assert "appointmentId" in response.json()["error"]
    assert not GiftCardRedemption.objects.exists()


def test_unknown_code_gives_404(post, provider, card):
    response = post(URL, body(provider, code="ZZZZ2345EFGH6789"))
    assert response.status_code == 404


def test_another_studios_card_gives_404(post, provider):
    factories.GiftCardFactory(provider=factories.ProviderFactory(), code="QRST2345EFGH6789")
    response = post(URL, body(provider, code="QRST2345EFGH6789"))
    assert response.status_code == 404
    assert response.json() == {"error": "No gift card with that code."}


def test_unknown_or_foreign_appointment_gives_404(post, provider, card):
    foreign = factories.AppointmentFactory()
    for appointment_id in ("appt-unknown", foreign.public_id):
        response = post(URL, body(provider, mode="commit", appointmentId=appointment_id))
        assert response.status_code == 404
    card.refresh_from_db()
    assert card.balance_cents == 10000


def test_another_providers_id_gives_403(post, provider, card):
    other = factories.ProviderFactory()
    response = post(URL, body(provider, providerId=other.public_id))
    assert response.status_code == 403


def test_missing_key_gives_401(anon_api, provider, card):
    assert anon_api.post(URL, body(provider), format="json").status_code == 401


@pytest.mark.usefixtures("frozen_minute")
def test_rate_limit_is_30_per_minute(post, provider, card):
    statuses = [post(URL, body(provider)).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
