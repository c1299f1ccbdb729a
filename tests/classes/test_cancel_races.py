"""Cancelling while Stripe's completion lands: the refund follows what was really paid."""

import pytest

from classes.models import Enrollment
from classes.services import cancellation
from payments.models import Payment
from payments.services.checkout import payment_mark_paid

pytestmark = pytest.mark.django_db


def test_payment_landing_while_the_cancel_waits_for_the_lock_is_refunded_not_kept(
    book, paid_class, fake_stripe, monkeypatch
):
    enrollment = Enrollment.objects.get(public_id=book(paid_class).json()["enrollmentId"])
    real_lock = cancellation.session_lock
    landed = []

    def payment_lands_then_lock(*, session_id):
        if not landed:  # the webhook completes the checkout just before the cancel locks
            landed.append(payment_mark_paid(payment_id=enrollment.payment_id))
        return real_lock(session_id=session_id)

    monkeypatch.setattr(cancellation, "session_lock", payment_lands_then_lock)

    result = cancellation.enrollment_cancel(enrollment=enrollment)

    enrollment.refresh_from_db()
    payment = Payment.objects.get(pk=enrollment.payment_id)
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert result.refunded_cents == paid_class.price_cents == enrollment.refunded_cents
    assert payment.refunded_cents == payment.amount_cents
    (refund,) = fake_stripe.calls("/v1/refunds")
    assert refund.params["amount"] == str(paid_class.price_cents)


def test_cancel_of_an_unpaid_hold_refunds_nothing(book, paid_class, fake_stripe):
    enrollment = Enrollment.objects.get(public_id=book(paid_class).json()["enrollmentId"])

    result = cancellation.enrollment_cancel(enrollment=enrollment)

    assert result.refunded_cents == 0
    assert fake_stripe.calls("/v1/refunds") == []
