"""A refund we owe is a row, retried with backoff until Stripe accepts it, never dropped.

Stripe here is the HTTP-layer fake: during an outage it answers 500 and, like Stripe, stores
that answer under the request's idempotency key, so only a new key per attempt gets through
once it recovers. Time is frozen and moved by hand; the beat sweep is called as beat would.
"""

import datetime as dt
import time

import pytest
import time_machine
from django.core import mail

from classes.models import Enrollment
from payments.models import Payment, PaymentRefund
from payments.services.refunds import (
    ATTEMPT_LEASE,
    BACKOFF_MAX,
    refund_attempt,
    refund_owe,
    refund_retry_now,
    refunds_retry_due,
)
from payments.tasks import retry_refunds
from tests import factories
from tests.fakes.webhooks import completed_event, post_event

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the beat's refund sweep (and whatever it queues) as beat would."""

    def _sweep() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return retry_refunds.delay().get()

    return _sweep


@pytest.fixture
def late_payer(provider, api, clock, client, fake_stripe, django_capture_on_commit_callbacks):
    """Ann paid after her hold expired and Bob took the one seat: Ann is owed 2000.

    Returns a function delivering Ann's completion (the refund is attempted on commit).
    """
    session = factories.ClassSessionFactory(
        provider=provider, capacity=1, price_cents=2000, scheduled_at=NOW + dt.timedelta(days=2)
    )

    def book_as(email: str) -> Enrollment:
        body = api.post(
            f"/api/classes/{session.public_id}/book",
            {"name": email.split("@")[0].title(), "email": email, "phone": "5125550100"},
            format="json",
        ).json()
        return Enrollment.objects.select_related("payment").get(public_id=body["enrollmentId"])

    ann = book_as("ann@example.com")
    clock.move_to(ann.hold_expires_at + dt.timedelta(seconds=1))
    bob = book_as("bob@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, completed_event(bob.payment, payment_intent="pi_bob"))
    mail.outbox.clear()

    def deliver() -> Enrollment:
        with django_capture_on_commit_callbacks(execute=True):
            post_event(client, completed_event(ann.payment, payment_intent="pi_ann"))
        return ann

    return deliver


def test_an_owed_refund_is_retried_through_a_stripe_outage_until_it_is_made_once(
    late_payer, clock, sweep, fake_stripe
):
    fake_stripe.outage("/v1/refunds", until=time.time() + 140)
    start = dt.datetime.now(dt.UTC)
    ann = late_payer()
    owed = PaymentRefund.objects.get(payment=ann.payment)
    assert (owed.status, owed.reason, owed.attempts) == ("pending", "unseated", 1)
    assert owed.next_attempt_at == start + dt.timedelta(minutes=1)
    assert mail.outbox == []

    clock.shift(dt.timedelta(seconds=30))
    assert sweep() == 0  # not due yet: nothing is asked of Stripe
    assert len(fake_stripe.calls("/v1/refunds")) == 1
    clock.move_to(owed.next_attempt_at)
    assert sweep() == 0  # due, and Stripe still down
    owed.refresh_from_db()
    assert (owed.status, owed.attempts) == ("pending", 2)
    assert owed.next_attempt_at == start + dt.timedelta(minutes=3)
    assert "Stripe could not" in owed.last_error
    clock.move_to(owed.next_attempt_at)  # past the outage
    assert sweep() == 1

    owed.refresh_from_db()
    assert (owed.status, owed.attempts) == ("succeeded", 3)
    # Attempt 2 could not even look up what attempt 1 did; attempt 3 looked, found nothing,
    # and refunded under a key of its own (attempt 1's stored 500 would only replay).
    calls = fake_stripe.calls("/v1/refunds")
    assert [r.method for r in calls] == ["POST", "GET", "GET", "POST"]
    posts = [r for r in calls if r.method == "POST"]
    assert [r.idempotency_key for r in posts] == [
        f"refund-{owed.public_id}-1",
        f"refund-{owed.public_id}-3",
    ]
    assert {r.params["metadata[refund_id]"] for r in posts} == {owed.public_id}
    assert fake_stripe.refunded_cents("pi_ann") == 2000  # once, to the cent
    (made,) = fake_stripe.refunds.values()
    assert owed.stripe_refund_id == made["id"]
    payment = Payment.objects.get(pk=ann.payment_id)
    assert (payment.status, payment.refunded_cents, payment.refund_id) == (
        Payment.Status.REFUNDED,
        2000,
        made["id"],
    )
    ann.refresh_from_db()
    assert (ann.refunded_cents, ann.refund_id) == (2000, made["id"])
    (email,) = mail.outbox
    assert email.to == ["ann@example.com"]
    assert sweep() == 0  # nothing left to do, nothing asked again
    assert len(fake_stripe.refunds) == 1


def test_a_refund_stripe_keeps_failing_stays_owed_with_backoff_capped_at_an_hour(
    late_payer, clock, sweep, fake_stripe
):
    fake_stripe.outage("/v1/refunds", until=time.time() + 3 * 24 * 3600)
    ann = late_payer()
    owed = PaymentRefund.objects.get(payment=ann.payment)
    waits = []
    for _ in range(10):
        clock.move_to(owed.next_attempt_at)
        sweep()
        before = owed.next_attempt_at
        owed.refresh_from_db()
        waits.append(owed.next_attempt_at - before)
    assert owed.status == PaymentRefund.Status.PENDING
    assert owed.attempts == 11
    assert [w.total_seconds() / 60 for w in waits[:6]] == [2, 4, 8, 16, 32, 60]
    assert set(waits[6:]) == {BACKOFF_MAX}
    assert Payment.objects.get(pk=ann.payment_id).status == Payment.Status.PAID


def test_a_retry_books_the_refund_an_unanswered_attempt_made_instead_of_refunding_again(
    provider, clock, fake_stripe, sweep
):
    payment = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_lost"
    )
    owed = PaymentRefund.objects.create(
        provider=provider,
        payment=payment,
        reason=PaymentRefund.Reason.UNSEATED,
        amount_cents=2000,
        attempts=1,
        next_attempt_at=NOW,
    )
    # The first attempt reached Stripe and was refunded, but its answer never came back.
    fake_stripe.refunds["re_lost"] = {
        "id": "re_lost",
        "object": "refund",
        "amount": 2000,
        "payment_intent": "pi_lost",
        "metadata": {"payment_id": payment.public_id, "refund_id": owed.public_id},
        "status": "succeeded",
    }

    assert sweep() == 1

    owed.refresh_from_db()
    assert (owed.status, owed.stripe_refund_id) == ("succeeded", "re_lost")
    assert [r.method for r in fake_stripe.calls("/v1/refunds")] == ["GET"]
    (lookup,) = fake_stripe.calls("/v1/refunds")
    assert lookup.params["payment_intent"] == "pi_lost"
    assert lookup.stripe_account == provider.stripe_account_id
    assert Payment.objects.get(pk=payment.pk).refunded_cents == 2000


def test_two_partial_refunds_for_the_same_reason_are_both_made(
    provider, fake_stripe, django_capture_on_commit_callbacks
):
    payment = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_twice"
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = refund_owe(payment=payment, reason=PaymentRefund.Reason.CANCEL, amount_cents=500)
    with django_capture_on_commit_callbacks(execute=True):
        second = refund_owe(payment=payment, reason=PaymentRefund.Reason.CANCEL, amount_cents=700)

    keys = [r.idempotency_key for r in fake_stripe.calls("/v1/refunds")]
    assert keys == [f"refund-{first.public_id}-1", f"refund-{second.public_id}-1"]
    assert fake_stripe.refunded_cents("pi_twice") == 1200
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_cents) == (Payment.Status.PAID, 1200)
    assert set(payment.refunds.values_list("status", flat=True)) == {"succeeded"}


def test_nothing_is_owed_beyond_what_was_paid(provider, fake_stripe):
    payment = factories.PaymentFactory(provider=provider, status=Payment.Status.PAID)
    assert refund_owe(payment=payment, reason=PaymentRefund.Reason.UNSEATED, amount_cents=1500)
    assert refund_owe(payment=payment, reason=PaymentRefund.Reason.UNSEATED).amount_cents == 500
    assert refund_owe(payment=payment, reason=PaymentRefund.Reason.UNSEATED) is None


def test_a_refund_that_is_not_due_is_not_attempted(provider, clock, fake_stripe):
    payment = factories.PaymentFactory(provider=provider, status=Payment.Status.PAID)
    owed = PaymentRefund.objects.create(
        provider=provider,
        payment=payment,
        reason=PaymentRefund.Reason.UNSEATED,
        amount_cents=2000,
        attempts=1,
        next_attempt_at=NOW + dt.timedelta(minutes=5),  # another worker's claim, or backoff
    )

    assert refund_attempt(refund_id=owed.pk).status == PaymentRefund.Status.PENDING
    assert refunds_retry_due() == 0

    assert fake_stripe.requests == []
    owed.refresh_from_db()
    assert owed.attempts == 1


def test_staff_retry_now_asks_stripe_at_once(provider, clock, fake_stripe):
    payment = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_staff"
    )
    owed = PaymentRefund.objects.create(
        provider=provider,
        payment=payment,
        reason=PaymentRefund.Reason.UNSEATED,
        amount_cents=2000,
        attempts=4,
        next_attempt_at=NOW + dt.timedelta(minutes=30),
    )

    done = refund_retry_now(refund=owed)

    assert done.status == PaymentRefund.Status.SUCCEEDED
    assert fake_stripe.refunded_cents("pi_staff") == 2000
    with pytest.raises(ValueError, match="succeeded"):
        refund_retry_now(refund=done)


def test_a_duplicate_tip_is_refunded_through_an_outage_and_the_customer_is_emailed(
    provider, clock, client, sweep, fake_stripe, django_capture_on_commit_callbacks
):
    visit = factories.AppointmentFactory(
        provider=provider,
        status="Completed",
        completed_at=NOW,
        tip_captured_at=NOW,
        tip_amount_cents=500,
        tip_charge_id="pi_first_tip",
        client__name="Tia",
        client__email="tia@example.com",
    )
    second = factories.PaymentFactory(
        provider=provider,
        kind=Payment.Kind.TIP,
        amount_cents=700,
        customer_email="tia@example.com",
        details={"appointment_id": visit.public_id},
    )
    fake_stripe.outage("/v1/refunds", until=time.time() + 90)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, completed_event(second, payment_intent="pi_second_tip"))
    owed = PaymentRefund.objects.get(payment=second)
    assert (owed.status, owed.reason, owed.client_id) == (
        "pending",
        "duplicate_tip",
        visit.client_id,
    )
    assert mail.outbox == []

    clock.shift(dt.timedelta(minutes=1))
    sweep()
    clock.shift(dt.timedelta(minutes=2))
    assert sweep() == 1

    visit.refresh_from_db()
    assert (visit.tip_charge_id, visit.tip_amount_cents) == ("pi_first_tip", 500)
    assert fake_stripe.refunded_cents("pi_second_tip") == 700
    assert Payment.objects.get(pk=second.pk).status == Payment.Status.REFUNDED
    (email,) = mail.outbox
    assert email.to == ["tia@example.com"]
    assert email.subject == f"Your second tip to {provider.display_name} was refunded"
    owed.refresh_from_db()
    assert f"$7.00 is on its way back to your card (refund {owed.stripe_refund_id})" in email.body
    (html, mimetype) = email.alternatives[0]
    assert mimetype == "text/html"
    assert "$7.00" in html
    assert visit.service.name in html


def test_an_attempt_in_flight_is_never_joined_by_another_until_its_lease_runs_out(
    provider, clock, fake_stripe, sweep
):
    payment = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_busy"
    )
    owed = PaymentRefund.objects.create(
        provider=provider,
        payment=payment,
        reason=PaymentRefund.Reason.UNSEATED,
        amount_cents=2000,
        attempts=1,
        next_attempt_at=NOW,
        attempt_started_at=NOW,  # a worker is talking to Stripe right now
    )

    assert sweep() == 0
    assert refund_retry_now(refund=owed).status == PaymentRefund.Status.PENDING
    clock.shift(ATTEMPT_LEASE - dt.timedelta(seconds=1))
    assert sweep() == 0
    assert fake_stripe.requests == []

    clock.shift(dt.timedelta(seconds=1))  # that worker died: its lease has run out
    assert sweep() == 1

    assert [r.method for r in fake_stripe.calls("/v1/refunds")] == ["GET", "POST"]
    assert fake_stripe.refunded_cents("pi_busy") == 2000
