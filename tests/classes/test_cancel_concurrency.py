"""Customer and owner cancel one paid booking at once, on real threads against PostgreSQL,
while Stripe is slow: one cancel wins under the lock, and the booking, the payment and the
customer's answer all record what Stripe did."""

import threading
import time

import pytest
from django.db import connection

from alera.api.errors import status_for
from alera.errors import DomainError
from payments.models import Payment
from tests.classes.test_cancel_refund_outcomes import (
    _assert_records_match_stripe,
    _customer_cancel,
    _owner_cancel_without_refund,
    _paid_booking,
)
from tests.concurrency import POSTGRES_CONCURRENCY

pytestmark = POSTGRES_CONCURRENCY


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.RATELIMIT_ENABLE = False


def test_owner_cancel_while_the_customers_refund_is_in_flight_is_refused_and_records_match(
    provider, fake_stripe
):
    enrollment = _paid_booking(provider, intent="pi_in_flight")
    gate = fake_stripe.hold("/v1/refunds")
    answers: list = []

    def customer():
        try:
            answers.append(_customer_cancel(enrollment))
        finally:
            connection.close()

    thread = threading.Thread(target=customer)
    thread.start()
    assert gate.reached.wait(30)  # the refund is at Stripe, which is slow
    owner_error = None
    try:
        _owner_cancel_without_refund(enrollment)
    except DomainError as exc:
        owner_error = exc
    gate.release()
    thread.join(60)

    assert owner_error is not None
    assert status_for(owner_error) == 409
    (answer,) = answers
    assert answer.status_code == 200
    assert answer.json()["refundedCents"] == 2000
    assert _assert_records_match_stripe(enrollment, fake_stripe, answer.json()) == 2000
    enrollment.refresh_from_db()
    assert enrollment.refund_id == Payment.objects.get(pk=enrollment.payment_id).refund_id
    assert len(fake_stripe.calls("/v1/refunds")) == 1


def test_racing_cancels_always_record_what_stripe_did(provider, fake_stripe, monkeypatch):
    real_answer = fake_stripe._answer

    def slow(method, path, params):
        if path == "/v1/refunds":
            time.sleep(0.3)
        return real_answer(method, path, params)

    monkeypatch.setattr(fake_stripe, "_answer", slow)
    bookings = [_paid_booking(provider, intent=f"pi_race_{i}") for i in range(6)]
    barrier = threading.Barrier(2)
    answers: dict[int, object] = {}
    owner_errors: list[int] = []
    owner_errors: list[int] = []

    def run(kind: str, enrollment):
        try:
            barrier.wait()
            if kind == "customer":
                answers[enrollment.pk] = _customer_cancel(enrollment)
            else:
                try:
                    _owner_cancel_without_refund(enrollment)
                except DomainError as exc:
                    owner_errors.append(status_for(exc))
        finally:
            connection.close()

    for enrollment in bookings:
        threads = [
            threading.Thread(target=run, args=(kind, enrollment)) for kind in ("customer", "owner")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    assert set(owner_errors) <= {409}  # the owner lost a race: told to try again
    assert set(owner_errors) <= {409}  # an owner who lost the race is told to try again
    for enrollment in bookings:
        answer = answers[enrollment.pk]
        assert answer.status_code == 200
        _assert_records_match_stripe(enrollment, fake_stripe, answer.json())
