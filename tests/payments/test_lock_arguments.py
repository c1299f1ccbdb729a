"""What SQLite cannot show: which rows a lock takes, and guards that only matter when two
transactions really overlap. PostgreSQL only (CI); `make mutate` runs on SQLite and lists
the mutants only these tests can kill as `postgresql` in tools/mutation_accepted.toml."""

import threading

from django.db import DatabaseError, transaction

from accounts.models import Provider
from classes.models import ClassSession, Service
from classes.services.common import session_lock
from payments.models import Payment, PaymentRefund
from payments.services.refunds import refund_attempt
from tests import factories
from tests.classes.test_concurrency import run_concurrently
from tests.concurrency import POSTGRES_CONCURRENCY

pytestmark = POSTGRES_CONCURRENCY


def _lockable_now(model, pk) -> bool:
    """Can another connection lock this row without waiting (NOWAIT)?"""

    def attempt(_):
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=True).get(pk=pk)
        except DatabaseError:
            return False
        return True

    return run_concurrently(1, attempt, timeout=10)[0]


def test_the_class_lock_takes_the_class_row_and_not_its_studio_or_service(provider):
    session = factories.ClassSessionFactory(provider=provider)
    neighbour = factories.ClassSessionFactory(provider=provider, service=session.service)
    locked, release = threading.Event(), threading.Event()

    def hold(_):
        with transaction.atomic():
            session_lock(session_id=session.pk)
            locked.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=lambda: run_concurrently(1, hold))
    holder.start()
    try:
        assert locked.wait(timeout=10)
        assert _lockable_now(ClassSession, session.pk) is False
        assert _lockable_now(ClassSession, neighbour.pk) is True
        assert _lockable_now(Provider, provider.pk) is True
        assert _lockable_now(Service, session.service_id) is True
    finally:
        release.set()
        holder.join(timeout=30)


def test_workers_racing_for_one_due_refund_ask_stripe_once(provider, fake_stripe):
    payment = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_race"
    )
    refund = PaymentRefund.objects.create(
        provider=provider,
        payment=payment,
        reason=PaymentRefund.Reason.UNSEATED,
        amount_cents=payment.amount_cents,
    )

    results = run_concurrently(8, lambda _: refund_attempt(refund_id=refund.pk).status)

    # One claims the attempt; the others find it claimed and leave it to that one.
    assert results.count(PaymentRefund.Status.SUCCEEDED) >= 1, results
    assert set(results) <= {PaymentRefund.Status.SUCCEEDED, PaymentRefund.Status.PENDING}
    assert len([c for c in fake_stripe.calls("/v1/refunds") if c.method == "POST"]) == 1
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (PaymentRefund.Status.SUCCEEDED, 1)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_cents) == (Payment.Status.REFUNDED, 2000)
