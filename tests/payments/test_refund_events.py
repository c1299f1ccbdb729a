"""Stripe's refund events keep our ledger in step, keyed on each refund's own `re_…` id.

Refunds made in the studio's Stripe Dashboard are booked once each, partial ones included;
our own refunds are booked by the call that made them, whatever Stripe sends first; a
refund that fails at the bank is reversed; `charge.refunded` books nothing by itself.
"""

import pytest

from payments.models import Payment, PaymentRefund
from payments.services.refunds import refund_owe
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(provider):
    return factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, amount_cents=2000, payment_intent_id="pi_1"
    )


@pytest.fixture
def neighbour():
    """Another studio's payment on another account, which no event here may touch."""
    return factories.PaymentFactory(status=Payment.Status.PAID, payment_intent_id="pi_other")


@pytest.fixture
def deliver(deliver_event):
    return deliver_event


def _refund(refund_id: str, amount: int, *, status="succeeded", intent="pi_1", metadata=None):
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "payment_intent": intent,
        "status": status,
        "metadata": metadata or {},
    }


def _charge(amount_refunded: int, *, intent="pi_1") -> dict:
    return {
        "id": "ch_1",
        "object": "charge",
        "amount": 2000,
        "amount_refunded": amount_refunded,
        "payment_intent": intent,
        "refunded": amount_refunded >= 2000,
    }


def test_two_partial_dashboard_refunds_are_booked_once_each(paid, neighbour, deliver):
    acct = paid.stripe_account_id
    deliver("refund.created", _refund("re_a", 500, status="pending"), account=acct)
    deliver("charge.refunded", _charge(500), account=acct)
    deliver("refund.updated", _refund("re_a", 500), account=acct)  # same refund, later state
    deliver("refund.created", _refund("re_b", 700), account=acct)
    deliver("charge.refunded", _charge(1200), account=acct)

    paid.refresh_from_db()
    assert (paid.status, paid.refunded_cents, paid.refund_id) == (Payment.Status.PAID, 1200, "re_b")
    rows = PaymentRefund.objects.filter(payment=paid).order_by("pk")
    assert [(r.stripe_refund_id, r.amount_cents, r.reason, r.status) for r in rows] == [
        ("re_a", 500, "external", "succeeded"),
        ("re_b", 700, "external", "succeeded"),
    ]
    deliver("refund.created", _refund("re_c", 800), account=acct)
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_cents) == (Payment.Status.REFUNDED, 2000)
    neighbour.refresh_from_db()
    assert neighbour.refunded_cents == 0


def test_charge_refunded_alone_books_nothing(paid, deliver, caplog):
    deliver("charge.refunded", _charge(2000), account=paid.stripe_account_id)

    paid.refresh_from_db()
    assert (paid.status, paid.refunded_cents) == (Payment.Status.PAID, 0)
    assert not PaymentRefund.objects.exists()
    assert "Stripe has refunded 2000, our ledger 0" in caplog.text


def test_a_refund_event_from_another_account_is_not_booked(paid, deliver):
    deliver("refund.created", _refund("re_x", 500), account="acct_someone_else")

    paid.refresh_from_db()
    assert paid.refunded_cents == 0
    assert not PaymentRefund.objects.exists()


def test_our_own_refund_is_booked_once_when_its_events_are_processed_before_our_call_returns(
    paid, deliver, fake_stripe, monkeypatch, django_capture_on_commit_callbacks
):
    real_answer = fake_stripe._answer

    def stripe_sends_its_events_before_answering(method, path, params):
        body = real_answer(method, path, params)
        if path == "/v1/refunds" and method == "POST":
            acct = paid.stripe_account_id
            deliver("refund.created", dict(body, metadata=body["metadata"]), account=acct)
            deliver("charge.refunded", _charge(body["amount"]), account=acct)
        return body

    monkeypatch.setattr(fake_stripe, "_answer", stripe_sends_its_events_before_answering)

    with django_capture_on_commit_callbacks(execute=True):
        owed = refund_owe(payment=paid, reason=PaymentRefund.Reason.CANCEL, amount_cents=500)

    paid.refresh_from_db()
    owed.refresh_from_db()
    assert (paid.refunded_cents, paid.status) == (500, Payment.Status.PAID)
    assert owed.status == PaymentRefund.Status.SUCCEEDED
    assert PaymentRefund.objects.filter(payment=paid).count() == 1
    assert fake_stripe.refunded_cents("pi_1") == 500


def test_a_refund_that_fails_at_the_bank_is_reversed(
    paid, deliver, fake_stripe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owed = refund_owe(payment=paid, reason=PaymentRefund.Reason.UNSEATED)
    owed.refresh_from_db()
    paid.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED
    failed = _refund(
        owed.stripe_refund_id,
        2000,
        status="failed",
        metadata={"payment_id": paid.public_id, "refund_id": owed.public_id},
    )

    deliver(
        "refund.failed",
        dict(failed, failure_reason="expired_or_canceled_card"),
        account=paid.stripe_account_id,
    )

    owed.refresh_from_db()
    paid.refresh_from_db()
    assert owed.status == PaymentRefund.Status.FAILED
    assert "expired_or_canceled_card" in owed.last_error
    assert (paid.status, paid.refunded_cents) == (Payment.Status.PAID, 0)


def test_a_dashboard_refund_that_failed_first_is_never_booked_by_its_late_created_event(
    paid, deliver
):
    acct = paid.stripe_account_id
    deliver("refund.failed", _refund("re_f", 500, status="failed"), account=acct)
    deliver("refund.created", _refund("re_f", 500, status="pending"), account=acct)

    paid.refresh_from_db()
    assert paid.refunded_cents == 0
    (row,) = PaymentRefund.objects.all()
    assert (row.stripe_refund_id, row.status) == ("re_f", "failed")
