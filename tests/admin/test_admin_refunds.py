"""Staff see every owed refund read-only, and can retry one now through the service."""

import time

import pytest
from django.urls import reverse

from payments.models import Payment, PaymentRefund
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:payments_paymentrefund_changelist")


@pytest.fixture
def owed(rows):
    payment = factories.PaymentFactory(
        provider=rows.provider, status=Payment.Status.PAID, payment_intent_id="pi_owed"
    )
    return PaymentRefund.objects.create(
        provider=rows.provider,
        payment=payment,
        reason=PaymentRefund.Reason.UNSEATED,
        amount_cents=2000,
        attempts=6,
        last_error="Stripe could not refund the payment: An unknown error occurred",
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _retry(admin_client, *refunds):
    return admin_client.post(
        CHANGELIST,
        {"action": "retry_now", "_selected_action": [r.pk for r in refunds]},
        follow=True,
    )


def test_pending_refunds_are_listed_with_their_attempts_and_error(admin_client, owed):
    response = admin_client.get(f"{CHANGELIST}?status__exact=pending")
    assert list(response.context["cl"].result_list) == [owed]
    assert "Stripe could not refund the payment" in response.text


def test_retry_now_makes_the_refund_through_the_service(admin_client, owed, fake_stripe):
    response = _retry(admin_client, owed)

    owed.refresh_from_db()
    assert owed.status == PaymentRefund.Status.SUCCEEDED
    assert fake_stripe.refunded_cents("pi_owed") == 2000
    assert _messages(response) == ["Retry the refund: 1 done."]
    assert Payment.objects.get(pk=owed.payment_id).status == Payment.Status.REFUNDED


def test_retry_now_names_a_refund_stripe_still_refuses_and_keeps_it_owed(
    admin_client, owed, rows, fake_stripe
):
    done = PaymentRefund.objects.get(pk=rows.refund.pk)
    fake_stripe.outage("/v1/refunds", until=time.time() + 60)

    response = _retry(admin_client, owed, done)

    owed.refresh_from_db()
    assert owed.status == PaymentRefund.Status.PENDING
    assert owed.attempts == 7
    assert _messages(response) == [
        f"{done}: could not retry the refund: {done.public_id} is succeeded, not pending.",
        f"{owed}: could not retry the refund: Stripe failed again: {owed.last_error}",
    ]
    assert fake_stripe.refunds == {}


def test_refunds_cannot_be_added_changed_or_deleted_here(admin_client, owed):
    change = reverse("admin:payments_paymentrefund_change", args=[owed.pk])
    admin_client.post(change, {"amount_cents": 1, "status": "succeeded"})
    owed.refresh_from_db()
    assert (owed.amount_cents, owed.status) == (2000, PaymentRefund.Status.PENDING)
    assert admin_client.get(reverse("admin:payments_paymentrefund_add")).status_code == 403
