"""A key speaks for one studio: any other handle or providerId is one 403 on every endpoint,
whether that studio exists or not, so a key can't be used to learn which studios exist."""

import pytest
from django.core import mail

from payments.models import GiftCard, Payment
from tests import factories

pytestmark = pytest.mark.django_db


def _classes(api, provider, handle):
    return api.get("/api/classes", {"handle": handle, "from": "2026-05-14", "to": "2026-05-20"})


def _packages(api, provider, handle):
    pack = factories.PackageTypeFactory(provider=provider)
    body = {"packageTypeId": pack.public_id, "handle": handle, "name": "Jane", "email": "j@x.io"}
    return api.post("/api/packages/start", body, format="json")


def _gift_card(api, provider, handle):
    body = {
        "handle": handle,
        "amountCents": 5000,
        "purchaserName": "Pat Buyer",
        "purchaserEmail": "pat@example.com",
    }
    return api.post("/api/gift-cards/start", body, format="json")


def _signin(api, provider, handle):
    body = {"email": "jane@example.com", "handle": handle}
    return api.post("/api/customer/signin-link", body, format="json")


@pytest.mark.parametrize("call", [_classes, _packages, _gift_card, _signin])
def test_an_unknown_handle_answers_exactly_like_another_studios(api, provider, fake_stripe, call):
    rival = factories.ProviderFactory(handle="rival-studio")
    for studio in (provider, rival):  # a real customer at both
        factories.ClientFactory(provider=studio, email="jane@example.com")
    foreign = call(api, provider, "rival-studio")
    unknown = call(api, provider, "no-such-studio")
    assert foreign.status_code == unknown.status_code == 403
    assert foreign.json() == unknown.json()
    assert not Payment.objects.exists()
    assert mail.outbox == []


def test_an_unknown_provider_id_on_redeem_answers_exactly_like_another_studios(api):
    rival = factories.ProviderFactory(handle="rival-studio")
    factories.GiftCardFactory(provider=rival, code="ABCD2345EFGH6789", initial_cents=5000)
    answers = [
        api.post(
            "/api/gift-cards/redeem",
            {"code": "ABCD2345EFGH6789", "providerId": provider_id, "requestedDebitCents": 100},
            format="json",
        )
        for provider_id in (rival.public_id, "prov-doesnotexist")
    ]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()
    assert GiftCard.objects.get().balance_cents == 5000
