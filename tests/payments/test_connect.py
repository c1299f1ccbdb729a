"""Stripe Connect onboarding: one Express account, Account Links, status mirrored back."""

import pytest

from accounts.models import Provider
from alera.api.errors import status_for
from payments.errors import PaymentFailed
from payments.services.connect import connect_refresh_status, connect_start
from tests import factories
from tests.fakes.webhooks import post_event, stripe_event

pytestmark = pytest.mark.django_db

URLS = {
    "refresh_url": "http://testserver/dashboard/settings/stripe/refresh",
    "return_url": "http://testserver/dashboard/settings/stripe/return",
}


@pytest.fixture
def new_studio():
    return factories.ProviderFactory(
        stripe_account_id="", stripe_charges_enabled=False, stripe_details_submitted=False
    )


def test_start_creates_the_express_account_once_and_returns_a_link(new_studio, fake_stripe):
    url = connect_start(provider=new_studio, **URLS)
    new_studio.refresh_from_db()
    account_id = new_studio.stripe_account_id
    assert account_id.startswith("acct_test_")
    assert url == f"https://connect.stripe.com/setup/e/{account_id}"
    [create] = fake_stripe.calls("/v1/accounts")
    assert create.method == "POST"
    assert create.params["type"] == "express"
    assert create.params["metadata[provider_id]"] == new_studio.public_id
    assert create.idempotency_key == f"account-{new_studio.public_id}"
    assert create.stripe_account is None
    [link] = fake_stripe.calls("/v1/account_links")
    assert link.params == {"account": account_id, "type": "account_onboarding", **URLS}

    again = connect_start(provider=new_studio, **URLS)
    assert again == url
    assert len(fake_stripe.calls("/v1/accounts")) == 1
    assert len(fake_stripe.calls("/v1/account_links")) == 2


def test_refresh_mirrors_charges_enabled_from_stripe(new_studio, fake_stripe):
    connect_start(provider=new_studio, **URLS)
    status = connect_refresh_status(provider=new_studio)
    assert status.charges_enabled is False
    assert new_studio.can_take_payments is False
    fake_stripe.accounts[new_studio.stripe_account_id].update(
        charges_enabled=True, details_submitted=True
    )
    connect_refresh_status(provider=new_studio)
    assert new_studio.can_take_payments is True
    assert Provider.objects.get(pk=new_studio.pk).stripe_details_submitted is True


def test_refresh_without_an_account_does_nothing(new_studio, fake_stripe):
    assert connect_refresh_status(provider=new_studio) is None
    assert fake_stripe.requests == []


def test_stripe_failure_on_start_gives_502_and_stores_nothing(new_studio, fake_stripe):
    fake_stripe.fail_next("/v1/accounts", status=400, message="Platform not activated")
    with pytest.raises(PaymentFailed) as exc:
        connect_start(provider=new_studio, **URLS)
    assert status_for(exc.value) == 502
    new_studio.refresh_from_db()
    assert new_studio.stripe_account_id == ""


def test_account_updated_webhook_enables_payments(
    client, new_studio, fake_stripe, django_capture_on_commit_callbacks
):
    connect_start(provider=new_studio, **URLS)
    event = stripe_event(
        "account.updated",
        {
            "id": new_studio.stripe_account_id,
            "object": "account",
            "charges_enabled": True,
            "details_submitted": True,
        },
        account=new_studio.stripe_account_id,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, event).status_code == 200
    new_studio.refresh_from_db()
    assert new_studio.can_take_payments


def test_dev_gateway_onboarding_page_connects_the_studio(client, new_studio, settings):
    settings.PAYMENT_GATEWAY = "dev"
    url = connect_start(provider=new_studio, **URLS)
    assert url.startswith(f"http://testserver/dev/connect/{new_studio.public_id}")
    new_studio.refresh_from_db()
    assert new_studio.stripe_account_id.startswith("acct_dev_")
    assert connect_refresh_status(provider=new_studio).charges_enabled is False
    response = client.post(url.removeprefix("http://testserver"))
    assert response.status_code == 302
    assert connect_refresh_status(provider=new_studio).charges_enabled is True
    assert new_studio.can_take_payments
