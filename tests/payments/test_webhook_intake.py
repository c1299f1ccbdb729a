"""The Stripe webhook's front door: only a correctly signed, recent event is stored (once), and
an event type we don't handle is acknowledged and stored without any effect."""

import json
import time

import pytest
import stripe

from payments.models import Payment, StripeEvent
from tests import factories
from tests.fakes.webhooks import WEBHOOK_SECRET, completed_event, post_event, stripe_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_payment():
    return factories.PaymentFactory(checkout_session_id="cs_test_intake")


def _post_raw(client, payload: str | bytes, signature: str | None):
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post(
        "/webhooks/stripe/", data=payload, content_type="application/json", **headers
    )


def _sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


@pytest.mark.parametrize(
    "forge",
    [
        lambda payload: (payload, _sign(payload, secret="whsec_someone_else")),
        lambda payload: (payload, None),
        lambda payload: (payload, "t=1,v1=deadbeef"),
        lambda payload: (payload, "not a signature header at all"),
        lambda payload: (payload, _sign(payload, timestamp=int(time.time()) - 3600)),
        lambda payload: (payload, _sign(payload, timestamp=int(time.time()) + 3600)),
        lambda payload: (payload.replace('"paid"', '"PAID"'), _sign(payload)),
        lambda payload: (b"\xff\xfe" + payload.encode(), _sign(payload)),
    ],
    ids=[
        "other-secret",
        "no-header",
        "wrong-mac",
        "garbage-header",
        "an-hour-old",
        "an-hour-ahead",
        "tampered",
        "not-utf8",
    ],
)
def test_an_event_that_is_not_signed_by_stripe_just_now_gives_400_and_stores_nothing(
    client, open_payment, forge, django_capture_on_commit_callbacks
):
    payload, signature = forge(json.dumps(completed_event(open_payment)))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_raw(client, payload, signature)
    assert response.status_code == 400
    assert response.json()["error"].startswith("Bad signature")
    assert not StripeEvent.objects.exists()
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.OPEN


def test_without_a_webhook_secret_configured_every_event_is_refused(client, open_payment, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post_event(client, completed_event(open_payment))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_an_unknown_event_type_is_acknowledged_stored_once_and_changes_nothing(
    client, open_payment, django_capture_on_commit_callbacks
):
    event = stripe_event(
        "customer.subscription.trial_will_end",
        {
            "id": open_payment.checkout_session_id,
            "metadata": {"payment_id": open_payment.public_id},
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = post_event(client, event)
        again = post_event(client, event)
    assert first.status_code == 200
    assert first.json() == {"ok": True, "duplicate": False}
    assert again.json() == {"ok": True, "duplicate": True}
    [record] = StripeEvent.objects.all()
    assert record.type == "customer.subscription.trial_will_end"
    assert record.processed_at is not None
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.OPEN
