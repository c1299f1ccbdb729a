"""A stored Stripe event is always processed eventually (issue 21, item 2).

Stripe stops retrying once we answer 200, so after the row is stored nothing may lose it: a
broker that is down when the task is queued doesn't fail the acknowledgement, a replay of an
event still unprocessed queues it again, and a beat sweep queues whatever is left unprocessed
(the task gave up while the database was away) with backoff. A refund owed while the broker
is down waits on its row for the refund sweep. The broker tests run against a Redis the test
starts and stops itself.
"""

import datetime as dt
import logging
import time

import pytest
import time_machine
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from classes.models import Enrollment
from payments.models import Payment, PaymentRefund, StripeEvent
from payments.services import checkout
from payments.services.refunds import refund_owe, refunds_retry_due
from payments.tasks import requeue_stale_stripe_events
from tests import factories
from tests.fakes.webhooks import completed_event, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(api, provider):
    """A paid booking holding its seat, its Checkout open; and another studio's open one."""
    session = factories.ClassSessionFactory(provider=provider, price_cents=2000, capacity=4)
    response = api.post(
        f"/api/classes/{session.public_id}/book",
        {"name": "Ann Lee", "email": "ann@example.com", "phone": "(512) 555-0100"},
        format="json",
    )
    assert response.status_code == 200, response.content
    factories.PaymentFactory()  # another studio's Checkout, never touched
    return Enrollment.objects.select_related("payment").get(
        public_id=response.json()["enrollmentId"]
    )


def _queued(redis_server) -> int:
    return redis_server.client().llen("celery")


def _assert_paid(enrollment):
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert Payment.objects.get(pk=enrollment.payment_id).status == Payment.Status.PAID
    assert Payment.objects.exclude(pk=enrollment.payment_id).get().status == Payment.Status.OPEN


def test_a_replay_of_an_event_stored_but_never_processed_queues_it_again(
    client, held, django_capture_on_commit_callbacks
):
    event = completed_event(held.payment)
    with django_capture_on_commit_callbacks(execute=False):  # stored; its task never ran
        assert post_event(client, event).json() == {"ok": True, "duplicate": False}

    with django_capture_on_commit_callbacks(execute=True):
        replay = post_event(client, event)

    assert replay.status_code == 200
    assert replay.json() == {"ok": True, "duplicate": True}
    assert StripeEvent.objects.get().processed_at is not None
    _assert_paid(held)


def test_a_replay_of_a_processed_event_queues_nothing(
    client, held, django_capture_on_commit_callbacks
):
    event = completed_event(held.payment)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert post_event(client, event).json() == {"ok": True, "duplicate": True}
    assert queued == []


def test_with_the_broker_down_a_stored_event_is_still_acknowledged_and_queued_later(
    client, held, broker, caplog, django_capture_on_commit_callbacks
):
    event = completed_event(held.payment)
    broker.stop()
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="payments.services.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_event(client, event)

    assert time.monotonic() - started < 3  # publishing gives up fast: Stripe wants a quick 2xx
    assert response.status_code == 200
    assert response.json() == {"ok": True, "duplicate": False}
    assert StripeEvent.objects.get().processed_at is None
    assert "not queued (broker unavailable?)" in caplog.text

    broker.start()  # an empty Redis: the task was never in it
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, event).json() == {"ok": True, "duplicate": True}
    assert _queued(broker) == 1  # Stripe's retry queued it


def test_the_sweep_queues_an_event_that_never_reached_the_broker(
    client, held, broker, django_capture_on_commit_callbacks
):
    broker.stop()
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, completed_event(held.payment)).status_code == 200
    broker.start()

    assert requeue_stale_stripe_events() == 0  # too fresh: its own task may still run
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert requeue_stale_stripe_events() == 1
        assert requeue_stale_stripe_events() == 0  # claimed: the next look backs off

    assert _queued(broker) == 1
    assert StripeEvent.objects.get().requeues == 1


def test_a_sweep_that_meets_the_broker_down_stops_and_the_next_one_resumes(
    client, held, broker, django_capture_on_commit_callbacks
):
    broker.stop()
    for _ in range(3):
        other = factories.PaymentFactory(provider=held.provider)
        with django_capture_on_commit_callbacks(execute=True):
            post_event(client, completed_event(other))
    later = timezone.now() + dt.timedelta(minutes=3)
    with time_machine.travel(later):
        assert requeue_stale_stripe_events() == 0  # one publish failed: the sweep stopped

    assert sorted(StripeEvent.objects.values_list("requeues", flat=True)) == [0, 0, 1]
    broker.start()
    with time_machine.travel(later + dt.timedelta(minutes=5)):
        assert requeue_stale_stripe_events() == 3
    assert _queued(broker) == 3


def test_an_event_whose_task_gave_up_is_processed_by_the_sweep(
    client, held, monkeypatch, django_capture_on_commit_callbacks
):
    real_mark_paid = checkout.payment_mark_paid
    database_away = True

    def mark_paid(**kwargs):
        if database_away:
            raise OperationalError("connection to server was lost")
        return real_mark_paid(**kwargs)

    monkeypatch.setattr("payments.services.events.payment_mark_paid", mark_paid)
    with django_capture_on_commit_callbacks(execute=True):  # every retry fails
        assert post_event(client, completed_event(held.payment)).status_code == 200
    stored = StripeEvent.objects.get()
    assert stored.processed_at is None
    assert stored.error == "OperationalError: connection to server was lost"

    database_away = False
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert requeue_stale_stripe_events() == 1

    stored.refresh_from_db()
    assert stored.processed_at is not None
    assert stored.error == ""
    _assert_paid(held)


def test_an_event_that_keeps_failing_is_requeued_with_a_growing_wait_never_dropped(
    client, held, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise OperationalError("still away")

    monkeypatch.setattr("payments.services.events.payment_mark_paid", broken)
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, completed_event(held.payment))

    waits = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(7):
            stored = StripeEvent.objects.get()
            clock.move_to(stored.next_requeue_at)
            assert requeue_stale_stripe_events() == 1
            stored.refresh_from_db()
            waits.append((stored.next_requeue_at - timezone.now()) // dt.timedelta(minutes=1))

    assert waits == [4, 8, 16, 32, 60, 60, 60]
    assert StripeEvent.objects.get().processed_at is None


def test_the_requeue_sweep_runs_every_minute_on_the_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-stripe-events"]
    assert entry == {"task": "payments.tasks.requeue_stale_stripe_events", "schedule": 60.0}


def test_a_refund_owed_while_the_broker_is_down_is_made_by_the_refund_sweep(
    provider, broker, fake_stripe, caplog, django_capture_on_commit_callbacks
):
    paid = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_owed"
    )
    factories.PaymentFactory(status=Payment.Status.PAID, payment_intent_id="pi_other_studio")
    broker.stop()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        owed = refund_owe(payment=paid, reason=PaymentRefund.Reason.UNSEATED)
    assert "attempt_refund" in caplog.text  # logged by the robust on-commit, not raised
    owed.refresh_from_db()
    assert owed.status == PaymentRefund.Status.PENDING
    assert fake_stripe.calls("/v1/refunds") == []

    assert refunds_retry_due() == 1  # the beat needs no broker to find the row

    owed.refresh_from_db()
    assert owed.status == PaymentRefund.Status.SUCCEEDED
    assert fake_stripe.refunded_cents("pi_owed") == paid.amount_cents
    assert fake_stripe.refunded_cents("pi_other_studio") == 0
