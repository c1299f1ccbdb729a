"""Cancelling while Stripe's completion lands: the refund follows what was really paid."""

import pytest

from classes.models import Enrollment
from classes.services import cancellation
from payments.models import Payment
from payments.services.checkout import payment_mark_paid

pytestmark = pytest.mark.django_db


def test_payment_landing_between_decision_and_commit_is_refunded_not_kept(
    book, paid_class, fake_stripe, monkeypatch
):
    enrollment = Enrollment.objects.get(public_id=book(paid_class).json()["enrollmentId"])
    real_preview = cancellation.enrollment_cancel_preview
    landed = []

    def preview_then_payment_lands(*, enrollment):
        decision = real_preview(enrollment=enrollment)
        if not landed:  # the webhook completes the checkout right after we decided
            landed.append(payment_mark_paid(payment_id=enrollment.payment_id))
        return decision

    monkeypatch.setattr(cancellation, "enrollment_cancel_preview", preview_then_payment_lands)

    result = cancellation.enrollment_cancel(enrollment=enrollment)

    enrollment.refresh_from_db()
    payment = Payment.objects.get(pk=enrollment.payment_id)
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert result.refunded_cents == paid_class.price_cents
    assert payment.refunded_cents == payment.amount_cents
    (refund,) = fake_stripe.calls("/v1/refunds")
    assert refund.params["amount"] == str(paid_class.price_cents)


def test_cancel_of_an_unpaid_hold_refunds_nothing(book, paid_class, fake_stripe):
    enrollment = Enrollment.objects.get(public_id=book(paid_class).json()["enrollmentId"])

    result = cancellation.enrollment_cancel(enrollment=enrollment)

    assert result.refunded_cents == 0
    assert fake_stripe.calls("/v1/refunds") == []
