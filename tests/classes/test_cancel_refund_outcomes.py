"""Two cancels of one paid booking, one with a refund and one without: one wins, and what is
recorded (the booking, the payment, the customer's answer) is what Stripe did, whether Stripe
refunds, refuses, or doesn't answer. Stripe is the HTTP-layer fake. The same race on real
threads, with Stripe slow: test_cancel_concurrency.py."""

import datetime as dt
import json
import time

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from alera.api.errors import status_for
from alera.errors import DomainError
from classes.models import Enrollment
from classes.services.cancellation import enrollment_cancel
from classes.services.common import cancel_token
from payments.models import Payment, PaymentRefund
from payments.tasks import retry_refunds
from tests import factories
from tests.fakes.webhooks import post_event, stripe_event


def _paid_booking(provider, *, intent: str) -> Enrollment:
    session = factories.ClassSessionFactory(
        provider=provider, price_cents=2000, scheduled_at=timezone.now() + dt.timedelta(days=3)
    )
    payment = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, payment_intent_id=intent
    )
    return factories.EnrollmentFactory(
        class_session=session,
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
        amount_paid_cents=2000,
    )


def _customer_cancel(enrollment):
    return APIClient().post(
        f"/api/enrollments/{enrollment.public_id}/cancel",
        {"cancelToken": cancel_token(enrollment)},
        format="json",
    )


def _owner_cancel_without_refund(enrollment):
    return enrollment_cancel(enrollment=enrollment, by="owner", refund=False, reason="Owner")


def _assert_records_match_stripe(enrollment, fake_stripe, answer: dict | None = None):
    enrollment.refresh_from_db()
    payment = Payment.objects.get(pk=enrollment.payment_id)
    at_stripe = fake_stripe.refunded_cents(payment.payment_intent_id)
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert enrollment.refunded_cents == payment.refunded_cents == at_stripe
    assert enrollment.cancelled_by == ("customer" if at_stripe else "owner")
    if answer is not None:
        assert answer["refundedCents"] == at_stripe
    return at_stripe


@pytest.mark.django_db
def test_an_owner_cancel_without_refund_first_leaves_the_customer_nothing_to_refund(
    provider, fake_stripe
):
    enrollment = _paid_booking(provider, intent="pi_owner_first")
    _owner_cancel_without_refund(enrollment)

    response = _customer_cancel(enrollment)

    assert response.status_code == 200
    assert response.json()["refundedCents"] == 0
    assert fake_stripe.calls("/v1/refunds") == []
    assert _assert_records_match_stripe(enrollment, fake_stripe, response.json()) == 0


@pytest.mark.django_db
def test_a_refund_stripe_refuses_leaves_the_booking_as_it_was_and_can_be_retried(
    provider, fake_stripe
):
    enrollment = _paid_booking(provider, intent="pi_refused")
    fake_stripe.fail_next("/v1/refunds", 400, "Charge is disputed")

    refused = _customer_cancel(enrollment)

    assert refused.status_code == 502
    assert "Charge is disputed" in refused.json()["error"]
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert PaymentRefund.objects.get().status == PaymentRefund.Status.ABANDONED
    retried = _customer_cancel(enrollment)
    assert retried.status_code == 200
    assert _assert_records_match_stripe(enrollment, fake_stripe, retried.json()) == 2000


@pytest.mark.django_db
def test_an_unanswered_refund_blocks_other_cancels_until_the_sweep_learns_stripe_made_none(
    provider, fake_stripe, django_capture_on_commit_callbacks
):
    enrollment = _paid_booking(provider, intent="pi_unknown")
    fake_stripe.outage("/v1/refunds", until=time.time() + 30)

    assert _customer_cancel(enrollment).status_code == 502
    with pytest.raises(DomainError) as blocked:
        _owner_cancel_without_refund(enrollment)
    assert status_for(blocked.value) == 409
    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        retry_refunds.delay().get()

    claim = PaymentRefund.objects.get()
    assert claim.status == PaymentRefund.Status.ABANDONED
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    _owner_cancel_without_refund(enrollment)
    assert _assert_records_match_stripe(enrollment, fake_stripe) == 0


@pytest.mark.django_db
def test_an_unanswered_refund_that_stripe_did_make_completes_the_customers_cancel(
    provider, fake_stripe, monkeypatch, django_capture_on_commit_callbacks
):
    enrollment = _paid_booking(provider, intent="pi_lost_answer")
    real_request = fake_stripe.request

    def refunds_then_loses_the_answer(method, url, headers, post_data=None, **kw):
        answer = real_request(method, url, headers, post_data, **kw)
        if method.upper() == "POST" and url.endswith("/v1/refunds"):
            body = json.dumps({"error": {"type": "api_error", "message": "Timed out"}})
            return body, 500, {"stripe-should-retry": "false"}
        return answer

    monkeypatch.setattr(fake_stripe, "request", refunds_then_loses_the_answer)

    assert _customer_cancel(enrollment).status_code == 502
    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert retry_refunds.delay().get() == 1

    assert len(fake_stripe.refunds) == 1  # found and booked, not made again
    again = _customer_cancel(enrollment)
    assert again.status_code == 200
    assert _assert_records_match_stripe(enrollment, fake_stripe, again.json()) == 2000


@pytest.mark.django_db
def test_a_refund_stripe_made_after_the_claim_was_given_up_is_booked_from_its_event(
    provider, client, fake_stripe, django_capture_on_commit_callbacks
):
    enrollment = _paid_booking(provider, intent="pi_reconciled")
    fake_stripe.outage("/v1/refunds", until=time.time() + 30)
    assert _customer_cancel(enrollment).status_code == 502
    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        retry_refunds.delay().get()
    claim = PaymentRefund.objects.get()
    assert claim.status == PaymentRefund.Status.ABANDONED
    # Stripe's own reconciliation made the refund after all, and says so.
    made = {
        "id": "re_reconciled",
        "object": "refund",
        "amount": 2000,
        "payment_intent": "pi_reconciled",
        "status": "succeeded",
        "metadata": {"payment_id": enrollment.payment.public_id, "refund_id": claim.public_id},
    }
    fake_stripe.refunds[made["id"]] = made
    event = stripe_event("refund.created", made, account=provider.stripe_account_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, event).status_code == 200

    claim.refresh_from_db()
    assert (claim.status, claim.stripe_refund_id) == ("succeeded", "re_reconciled")
    assert _assert_records_match_stripe(enrollment, fake_stripe) == 2000
    assert enrollment.refund_id == "re_reconciled"
