"""Delayed payment methods: `completed` arrives `unpaid`, then `async_payment_succeeded` or
`async_payment_failed`, in either order. State only moves forward: pending → paid, failed or
expired, and only a paid Checkout confirms a seat or delivers a pack."""

import pytest
from django.core import mail

from classes.models import Enrollment
from payments.models import ClientPackage, Payment
from tests import factories
from tests.fakes.webhooks import completed_event, post_event, stripe_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def _deliver(event: dict):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_event(client, event)
        assert response.status_code == 200

    return _deliver


@pytest.fixture
def held(api, provider, fake_stripe):
    session = factories.ClassSessionFactory(provider=provider, capacity=1, price_cents=2000)
    body = api.post(
        f"/api/classes/{session.public_id}/book",
        {"name": "Dee", "email": "dee@example.com", "phone": "5125550100"},
        format="json",
    ).json()
    mail.outbox.clear()
    return Enrollment.objects.select_related("payment", "class_session").get(
        public_id=body["enrollmentId"]
    )


def _session_event(kind: str, payment, payment_status: str | None) -> dict:
    obj = {
        "id": payment.checkout_session_id,
        "object": "checkout.session",
        "payment_intent": "pi_delayed",
        "metadata": {"payment_id": payment.public_id, "kind": payment.kind},
    }
    if payment_status is not None:
        obj["payment_status"] = payment_status
    return stripe_event(f"checkout.session.{kind}", obj)


@pytest.mark.parametrize("payment_status", ["unpaid", None])
def test_a_completion_that_is_not_paid_confirms_nothing(deliver, held, payment_status):
    deliver(_session_event("completed", held.payment, payment_status))

    held.refresh_from_db()
    assert held.status == Enrollment.Status.PENDING_PAYMENT
    assert Payment.objects.get(pk=held.payment_id).status == Payment.Status.OPEN
    assert mail.outbox == []


def test_a_delayed_payment_that_fails_releases_the_seat_and_tells_the_customer(api, deliver, held):
    deliver(_session_event("completed", held.payment, "unpaid"))
    deliver(_session_event("async_payment_failed", held.payment, "unpaid"))

    held.refresh_from_db()
    assert (held.status, held.cancelled_by, held.cancel_reason) == (
        Enrollment.Status.CANCELLED,
        "system",
        "Payment failed.",
    )
    assert Payment.objects.get(pk=held.payment_id).status == Payment.Status.FAILED
    detail = api.get(f"/api/classes/{held.class_session.public_id}").json()["class"]
    assert detail["seatsLeft"] == 1
    (email,) = mail.outbox
    assert email.to == ["dee@example.com"]
    assert "did not go through" in email.subject


def test_a_delayed_payment_that_succeeds_confirms_the_seat(deliver, held):
    deliver(_session_event("completed", held.payment, "unpaid"))
    deliver(_session_event("async_payment_succeeded", held.payment, "paid"))

    held.refresh_from_db()
    assert held.status == Enrollment.Status.CONFIRMED
    payment = Payment.objects.get(pk=held.payment_id)
    assert (payment.status, payment.payment_intent_id) == (Payment.Status.PAID, "pi_delayed")


@pytest.mark.parametrize(
    "late",
    [("completed", "unpaid"), ("async_payment_failed", "unpaid"), ("expired", "unpaid")],
    ids=["completed-unpaid", "async-failed", "expired"],
)
def test_nothing_moves_a_paid_payment_back(deliver, held, late):
    deliver(_session_event("async_payment_succeeded", held.payment, "paid"))
    deliver(_session_event(late[0], held.payment, late[1]))

    held.refresh_from_db()
    assert held.status == Enrollment.Status.CONFIRMED
    assert Payment.objects.get(pk=held.payment_id).status == Payment.Status.PAID


def test_a_failure_after_the_hold_expired_is_recorded_without_a_second_release(deliver, held):
    deliver(_session_event("expired", held.payment, "unpaid"))
    mail.outbox.clear()
    deliver(_session_event("async_payment_failed", held.payment, "unpaid"))

    held.refresh_from_db()
    assert held.cancel_reason == "Checkout expired."
    assert Payment.objects.get(pk=held.payment_id).status == Payment.Status.FAILED
    assert mail.outbox == []


def test_a_pack_bought_with_a_delayed_method_is_created_only_once_paid(
    provider, deliver, fake_stripe
):
    package_type = factories.PackageTypeFactory(provider=provider)
    payment = factories.PaymentFactory(
        provider=provider,
        kind=Payment.Kind.PACKAGE,
        amount_cents=package_type.price_cents,
        customer_email="pat@example.com",
        details={
            "package_type_id": package_type.pk,
            "sessions": package_type.sessions,
            "validity_days": package_type.validity_days,
            "client_name": "Pat",
            "client_email": "pat@example.com",
        },
    )
    deliver(_session_event("completed", payment, "unpaid"))
    assert not ClientPackage.objects.exists()

    deliver(completed_event(payment, payment_intent="pi_pack"))  # a paid completion, at last

    assert ClientPackage.objects.get().payment == payment
