"""POST /api/packages/start and what its paid webhook delivers."""

import datetime as dt
import re

import pytest
from django.core import mail

from alera.tokens import Purpose, token_read
from customers.models import Client
from payments.models import ClientPackage, PackageCreditEntry, Payment
from tests import factories
from tests.fakes.webhooks import expired_event, post_event

pytestmark = pytest.mark.django_db

URL = "/api/packages/start"


@pytest.fixture
def pack_type(provider):
    return factories.PackageTypeFactory(
        provider=provider, name="5-Class Pack", sessions=5, price_cents=9000, validity_days=90
    )


def body(pack_type, **overrides):
    data = {
        "packageTypeId": pack_type.public_id,
        "handle": "sculpt-co",
        "name": "Jane Doe",
        "email": "Jane@Example.com",
        "phone": "(512) 555-0100",
    }
    data.update(overrides)
    return data


def test_start_creates_a_checkout_on_the_connected_account(post, pack_type, fake_stripe):
    response = post(URL, body(pack_type))
    assert response.status_code == 200
    payment = Payment.objects.get(kind=Payment.Kind.PACKAGE)
    assert response.json() == {
        "ok": True,
        "checkoutUrl": payment.checkout_url,
        "checkoutSessionId": payment.checkout_session_id,
    }
    assert payment.checkout_url.startswith("https://checkout.stripe.com/")
    [call] = fake_stripe.calls("/v1/checkout/sessions")
    assert call.stripe_account == pack_type.provider.stripe_account_id
    assert call.idempotency_key == f"checkout-{payment.public_id}"
    assert call.params["line_items[0][price_data][unit_amount]"] == "9000"
    assert call.params["metadata[payment_id]"] == payment.public_id
    assert call.params["metadata[kind]"] == "package"
    assert call.params["customer_email"] == "jane@example.com"
    assert call.params["success_url"] == "https://partner.example/"
    assert payment.details["client_email"] == "jane@example.com"
    assert payment.details["sessions"] == 5
    assert not ClientPackage.objects.exists()
    assert not Client.objects.exists()


def test_paid_webhook_creates_client_pack_ledger_and_emails_a_portal_link(
    post, pay, pack_type, fake_stripe
):
    post(URL, body(pack_type))
    payment = Payment.objects.get()
    pay(payment)
    package = ClientPackage.objects.get()
    payment.refresh_from_db()
    assert package.payment == payment
    assert package.client.email == "jane@example.com"
    assert package.client.phone == "15125550100"
    assert package.sessions_total == package.sessions_remaining == 5
    assert package.expires_at == payment.paid_at + dt.timedelta(days=90)
    assert [(e.reason, e.delta) for e in package.ledger.all()] == [("bought", 5)]
    [message] = mail.outbox
    assert message.to == ["jane@example.com"]
    assert "5-Class Pack" in message.subject
    link = re.search(r"http://testserver/me/(\S+)", message.body).group(1)
    data = token_read(Purpose.CUSTOMER, link)
    assert data.record_id == package.client.public_id
    assert data.provider_id == package.provider.public_id
    assert f"/me/{link}" in message.alternatives[0][0]


def test_replayed_and_duplicate_completion_events_deliver_one_pack(
    post, pay, pack_type, fake_stripe
):
    post(URL, body(pack_type))
    payment = Payment.objects.get()
    pay(payment, event_id="evt_same")
    pay(payment, event_id="evt_same")
    pay(payment, event_id="evt_other_id_same_session")
    assert ClientPackage.objects.count() == 1
    assert PackageCreditEntry.objects.count() == 1
    assert len(mail.outbox) == 1


def test_existing_client_is_reused_for_a_second_pack(post, pay, pack_type, fake_stripe):
    client = factories.ClientFactory(provider=pack_type.provider, email="jane@example.com")
    post(URL, body(pack_type))
    pay(Payment.objects.get())
    assert Client.objects.get() == client
    assert ClientPackage.objects.get().client == client


def test_owner_editing_the_pack_type_after_checkout_does_not_change_the_purchase(
    post, pay, pack_type, fake_stripe
):
    post(URL, body(pack_type))
    pack_type.sessions = 10
    pack_type.save()
    pay(Payment.objects.get())
    assert ClientPackage.objects.get().sessions_total == 5


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"packageTypeId": None}, "packageTypeId"),
        ({"phone": "12"}, "phone"),
        ({"successUrl": "https://evil.example/thanks"}, "successUrl"),
    ],
)
def test_invalid_body_gives_400_and_creates_nothing(post, pack_type, fake_stripe, overrides, field):
    response = post(URL, body(pack_type, **overrides))
    assert response.status_code == 400
    assert field in response.json()["error"]
    assert not Payment.objects.exists()
    assert fake_stripe.requests == []


def test_inactive_unknown_or_foreign_package_gives_400(post, pack_type, fake_stripe):
    inactive = factories.PackageTypeFactory(provider=pack_type.provider, active=False)
    foreign = factories.PackageTypeFactory(provider=factories.ProviderFactory(handle="other"))
    for package_id in (inactive.public_id, foreign.public_id, "pt-unknown"):
        response = post(URL, body(pack_type, packageTypeId=package_id))
        assert response.status_code == 400
        assert response.json() == {"error": "That package is not available."}
    assert not Payment.objects.exists()


def test_another_studios_handle_gives_403(post, pack_type, fake_stripe):
    factories.ProviderFactory(handle="other-studio")
    response = post(URL, body(pack_type, handle="other-studio"))
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_unknown_handle_gives_403_and_no_checkout(post, pack_type):
    assert post(URL, body(pack_type, handle="nobody")).status_code == 403
    assert not Payment.objects.exists()


def test_provider_without_connect_gives_412(post, pack_type, fake_stripe):
    pack_type.provider.stripe_charges_enabled = False
    pack_type.provider.save()
    response = post(URL, body(pack_type))
    assert response.status_code == 412
    assert "Stripe Connect" in response.json()["error"]
    assert not Payment.objects.exists()
    assert fake_stripe.requests == []


def test_stripe_failure_gives_502_and_the_payment_is_expired(post, pack_type, fake_stripe):
    fake_stripe.fail_next("/v1/checkout/sessions", status=400, message="No such account")
    response = post(URL, body(pack_type))
    assert response.status_code == 502
    assert "retry" in response.json()["error"]
    assert Payment.objects.get().status == Payment.Status.EXPIRED


def test_missing_key_gives_401(anon_api, pack_type):
    response = anon_api.post(URL, body(pack_type), format="json")
    assert response.status_code == 401


@pytest.mark.usefixtures("frozen_minute")
def test_rate_limit_is_20_per_minute(post, pack_type, settings):
    settings.PAYMENT_GATEWAY = "dev"
    statuses = [post(URL, body(pack_type)).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


def test_expired_event_arriving_after_completion_changes_nothing(
    post, pay, client, pack_type, fake_stripe, django_capture_on_commit_callbacks
):
    post(URL, body(pack_type))
    payment = Payment.objects.get()
    pay(payment)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, expired_event(payment)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert ClientPackage.objects.get().sessions_remaining == 5


def test_completion_arriving_after_expiry_still_delivers_the_paid_pack(
    post, pay, client, pack_type, fake_stripe, django_capture_on_commit_callbacks
):
    post(URL, body(pack_type))
    payment = Payment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, expired_event(payment))
    assert not ClientPackage.objects.exists()
    pay(payment)
    assert ClientPackage.objects.get().payment == payment
    assert len(mail.outbox) == 1
