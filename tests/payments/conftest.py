"""Payments test helpers: post JSON, pay a checkout through the signed webhook."""

import pytest

from tests.fakes.webhooks import completed_event, post_event, stripe_event


@pytest.fixture
def post(api):
    """POST JSON with the tenant key: `post(path, body)`."""

    def _post(path: str, body, client=None):
        return (client or api).post(path, body, format="json")

    return _post


@pytest.fixture
def pay(client, django_capture_on_commit_callbacks):
    """Deliver `checkout.session.completed` for a payment, signed, running what it queues."""

    def _pay(payment, *, event_id: str | None = None, payment_intent: str = "pi_test_1"):
        event = completed_event(payment, payment_intent=payment_intent, event_id=event_id)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_event(client, event)
        assert response.status_code == 200
        return response

    return _pay


@pytest.fixture
def deliver_event(client, django_capture_on_commit_callbacks):
    """Deliver a signed Stripe event `(type, object, account=...)`, running what it queues."""

    def _deliver(event_type: str, obj: dict, *, account: str):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_event(client, stripe_event(event_type, obj, account=account))
        assert response.status_code == 200
        return response

    return _deliver


def on_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


requires_postgresql = pytest.mark.skipif(
    not on_postgresql(),
    reason="Row locks need real concurrent transactions: run on PostgreSQL (DATABASE_URL).",
)
