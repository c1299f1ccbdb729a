"""Stress: many concurrent actors on real PostgreSQL transactions, then the invariants.

Threads book free, paid and pack seats, pay, abandon and cancel, and Stripe delivers its
events late, twice and out of order, all at once. Afterwards no class is oversold,
`enrolledCount` matches the rows, every payment is one seat or one refund, and every pack's
ledger sums to its balance. A second run adds payments that arrive after their hold expired
(before and after the sweep) while Stripe's refunds are down and then while the broker (a
Redis the test starts and stops) is down too, and checks every payment against what the
Stripe fake really refunded, to the cent, once both outages are over.
"""

import datetime as dt
import queue
import random
import threading
import time

import time_machine
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from rest_framework.test import APIClient

from classes.models import ClassSession, Enrollment
from classes.services.holds import holds_release_expired
from customers.tokens import Purpose, token_make
from payments.models import ClientPackage, Payment, PaymentRefund, StripeEvent
from payments.services.events import stripe_events_requeue_stale
from payments.services.refunds import refunds_retry_due
from tests import factories
from tests.concurrency import POSTGRES_CONCURRENCY
from tests.conftest import DEMO_ORIGIN
from tests.fakes.webhooks import completed_event, expired_event, post_event
from tests.live_services import celery_connections_reset

pytestmark = POSTGRES_CONCURRENCY

THREADS = 10


class World:
    """What the actors have done so far, shared between threads under one lock."""

    def __init__(self, classes, packs, provider):
        self.lock = threading.Lock()
        self.classes = classes
        self.packs = packs
        self.provider = provider
        self.bookings: list[dict] = []  # book responses (enrollmentId, cancelToken)
        self.payments: list[str] = []  # payment public ids with a checkout
        self.early: list[str] = []  # payments opened before the clock jumped past their hold
        self.errors: list[str] = []
        self.counter = 0
        self.cancel_codes = {200}

    def next_email(self) -> str:
        with self.lock:
            self.counter += 1
            return f"actor{self.counter}@example.com"

    def pick(self, items: list, rng: random.Random):
        with self.lock:
            return rng.choice(items) if items else None


def _api(minted) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN=DEMO_ORIGIN)
    return client


def _act(world: World, minted, rng: random.Random, action: str) -> None:
    api = _api(minted)
    if action == "sweep_holds":
        holds_release_expired()
        return
    if action == "sweep_refunds":
        refunds_retry_due()
        return
    if action == "pay_late":  # a payment for a hold that expired meanwhile
        action = "pay"
        picked = world.pick(world.early, rng)
    else:
        picked = world.pick(world.payments, rng)
    if action in ("pay", "expire", "pay_twice") and picked:
        payment = Payment.objects.get(public_id=picked)
        if not payment.checkout_session_id:
            return
        intent = f"pi_{payment.public_id}"
        event = (
            expired_event(payment)
            if action == "expire"
            else completed_event(payment, payment_intent=intent)
        )
        response = post_event(APIClient(), event)
        if action == "pay_twice":  # the same event again, and the same effect by a new id
            post_event(APIClient(), event)
            post_event(APIClient(), completed_event(payment, payment_intent=intent))
        _expect(world, action, response, {200})
        return
    if action == "cancel" and world.bookings:
        booking = world.pick(world.bookings, rng)
        response = APIClient().post(
            f"/api/enrollments/{booking['enrollmentId']}/cancel",
            {"cancelToken": booking["cancelToken"]},
            format="json",
        )
        # Two actors may cancel one booking at once: the loser is told the other cancel is
        # waiting for Stripe (409), as the contract says, and nothing else may happen.
        if response.status_code == 409 and "being cancelled" in response.json()["error"]:
            return
        # During a refund outage: 502 (nothing changed), or 409 while an unanswered refund
        # keeps its claim on the booking.
        _expect(world, action, response, world.cancel_codes)
        return
    session = rng.choice(world.classes)
    body = {"name": "Actor", "email": world.next_email(), "phone": "5125550100"}
    if action == "book_pack":
        package = rng.choice(world.packs)
        session = rng.choice([c for c in world.classes if c.price_cents])
        body.update(
            email=package.client.email,
            useClientPackageId=package.public_id,
            customerToken=token_make(
                Purpose.CUSTOMER,
                record_id=package.client.public_id,
                provider_id=world.provider.public_id,
            ),
        )
    response = api.post(f"/api/classes/{session.public_id}/book", body, format="json")
    _expect(world, action, response, {200, 409})
    if response.status_code == 200:
        data = response.json()
        with world.lock:
            world.bookings.append(data)
            if data["checkoutSessionId"]:
                payment = Enrollment.objects.get(public_id=data["enrollmentId"]).payment
                world.payments.append(payment.public_id)


def _expect(world: World, action: str, response, allowed: set[int]) -> None:
    if response.status_code not in allowed:
        with world.lock:
            world.errors.append(f"{action}: {response.status_code} {response.content[:200]!r}")


def _run(world: World, minted, actions: list[str]) -> None:
    work: queue.Queue = queue.Queue()
    for action in actions:
        work.put(action)
    barrier = threading.Barrier(THREADS)

    def actor(seed: int) -> None:
        rng = random.Random(seed)
        try:
            barrier.wait()
            while True:
                try:
                    action = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    _act(world, minted, rng, action)
                except Exception as exc:
                    with world.lock:
                        world.errors.append(f"{action}: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=actor, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def test_mixed_concurrent_load_never_oversells_and_money_matches_seats(provider, minted, settings):
    settings.RATELIMIT_ENABLE = False
    settings.PAYMENT_GATEWAY = "dev"
    classes = [
        factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=4),
        factories.ClassSessionFactory(provider=provider, price_cents=2000, capacity=3),
        factories.ClassSessionFactory(provider=provider, price_cents=1500, capacity=2),
    ]
    packs = [
        factories.ClientPackageFactory(provider=provider, sessions_total=2, sessions_remaining=2)
        for _ in range(4)
    ]
    for package in packs:
        package.ledger.create(delta=2, reason="bought")
    world = World(classes, packs, provider)
    rng = random.Random(20261122)
    actions = rng.choices(
        ["book_free", "book_paid", "book_pack", "pay", "pay_twice", "expire", "cancel"],
        weights=[4, 6, 3, 5, 2, 2, 3],
        k=120,
    )

    _run(world, minted, actions)

    assert world.errors == []
    _assert_no_oversell(minted, classes)
    _assert_every_payment_is_one_seat_or_one_refund()
    _assert_pack_ledgers_match(packs)


def _assert_no_oversell(minted, classes) -> None:
    from django.utils import timezone

    now = timezone.now()
    api = _api(minted)
    for session in ClassSession.objects.filter(pk__in=[c.pk for c in classes]):
        seated = session.enrollments.filter(status__in=Enrollment.SEAT_TAKING).count()
        holds = session.enrollments.filter(
            status=Enrollment.Status.PENDING_PAYMENT, hold_expires_at__gt=now
        ).count()
        assert seated + holds <= session.capacity, session
        detail = api.get(f"/api/classes/{session.public_id}").json()["class"]
        assert detail["enrolledCount"] == seated
        assert detail["seatsLeft"] == session.capacity - seated - holds


def _assert_every_payment_is_one_seat_or_one_refund() -> None:
    for payment in Payment.objects.filter(kind=Payment.Kind.ENROLLMENT):
        (enrollment,) = payment.enrollments.all()
        seated = enrollment.status in Enrollment.SEAT_TAKING
        refunded = payment.refunded_cents == payment.amount_cents
        if payment.status in (Payment.Status.PAID, Payment.Status.REFUNDED):
            assert seated != refunded, (payment, enrollment)
        else:  # never paid: it may hold a seat while open, never own one
            assert not seated, (payment, enrollment)
            assert payment.refunded_cents == 0


def _assert_pack_ledgers_match(packs) -> None:
    for package in ClientPackage.objects.filter(pk__in=[p.pk for p in packs]):
        ledger = package.ledger.aggregate(total=Sum("delta"))["total"]
        assert package.sessions_remaining == ledger >= 0
        active = package.enrollments.filter(status__in=Enrollment.SEAT_TAKING).count()
        assert active == package.sessions_total - package.sessions_remaining


def test_the_same_event_delivered_ten_times_at_once_has_one_effect(provider, minted, settings):
    settings.RATELIMIT_ENABLE = False
    session = factories.ClassSessionFactory(provider=provider, price_cents=2000, capacity=1)
    response = _api(minted).post(
        f"/api/classes/{session.public_id}/book",
        {"name": "Jo", "email": "jo@example.com", "phone": "5125550100"},
        format="json",
    )
    payment = Enrollment.objects.get(public_id=response.json()["enrollmentId"]).payment
    event = completed_event(payment, payment_intent="pi_once")
    barrier = threading.Barrier(10)
    codes: list[int] = []

    def deliver() -> None:
        try:
            barrier.wait()
            codes.append(post_event(APIClient(), event).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert codes == [200] * 10
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_cents) == (Payment.Status.PAID, 0)
    assert session.enrollments.get().status == Enrollment.Status.CONFIRMED


def test_expired_and_completed_racing_for_a_resold_seat_refund_the_late_payer(
    provider, minted, settings
):
    settings.RATELIMIT_ENABLE = False
    session = factories.ClassSessionFactory(provider=provider, price_cents=2000, capacity=1)
    api = _api(minted)
    first = api.post(
        f"/api/classes/{session.public_id}/book",
        {"name": "Late", "email": "late@example.com", "phone": "5125550100"},
        format="json",
    ).json()
    payment = Enrollment.objects.get(public_id=first["enrollmentId"]).payment
    post_event(APIClient(), expired_event(payment))  # the hold is released…
    second = api.post(  # …the seat is sold to someone else…
        f"/api/classes/{session.public_id}/book",
        {"name": "Quick", "email": "quick@example.com", "phone": "5125550100"},
        format="json",
    ).json()
    other = Enrollment.objects.get(public_id=second["enrollmentId"]).payment
    barrier = threading.Barrier(2)

    def deliver(event) -> None:
        try:
            barrier.wait()
            post_event(APIClient(), event)
        finally:
            connection.close()

    threads = [  # …and both payers' completions arrive together
        threading.Thread(target=deliver, args=(completed_event(payment),)),
        threading.Thread(target=deliver, args=(completed_event(other),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    payment.refresh_from_db()
    other.refresh_from_db()
    assert session.enrollments.filter(status=Enrollment.Status.CONFIRMED).count() == 1
    assert other.enrollments.get().status == Enrollment.Status.CONFIRMED
    assert payment.refunded_cents == payment.amount_cents


class BrokerOutage:
    """Celery publishing to the test's own Redis, stopped: every `.delay` fails as it does
    in production while the broker is down. On leaving, tasks run eagerly again."""

    def __init__(self, redis_server) -> None:
        self.redis = redis_server

    def __enter__(self):
        from alera.celery import app

        self.saved = app.conf.broker_url
        app.conf.broker_url, app.conf.task_always_eager = self.redis.url, False
        celery_connections_reset(app)
        self.redis.stop()
        return self

    def __exit__(self, *exc_info) -> None:
        from alera.celery import app

        self.redis.start()
        app.conf.broker_url, app.conf.task_always_eager = self.saved, True
        celery_connections_reset(app)


def test_late_payments_during_refund_and_broker_outages_end_one_seat_or_one_refund_to_the_cent(
    provider, minted, settings, fake_stripe, live_redis
):
    settings.RATELIMIT_ENABLE = False
    start = timezone.now().replace(microsecond=0)
    classes = [
        factories.ClassSessionFactory(
            provider=provider, price_cents=price, capacity=capacity, scheduled_at=start + days
        )
        for price, capacity, days in [
            (2000, 3, dt.timedelta(days=3)),
            (1500, 1, dt.timedelta(days=4)),
            (2500, 4, dt.timedelta(hours=26)),
            (1800, 2, dt.timedelta(days=2)),
        ]
    ]
    world = World(classes, [], provider)
    world.cancel_codes = {200, 409, 502}
    rng = random.Random(20261202)
    with time_machine.travel(start, tick=True) as clock:
        fake_stripe.outage("/v1/refunds", until=time.time() + 3 * 3600)
        # Phase 1: holds are opened, some are paid in time, some cancelled.
        _run(world, minted, rng.choices(["book_paid", "pay", "cancel"], [6, 2, 1], k=60))
        world.early = list(world.payments)
        # Phase 2: every phase-1 hold has expired, unswept; new customers take the seats while
        # the old payments arrive late, the sweep runs now and then, and refunds keep failing.
        clock.move_to(start + dt.timedelta(minutes=31))
        actions = ["book_paid", "pay", "pay_late", "sweep_holds", "sweep_refunds", "cancel"]
        _run(world, minted, rng.choices(actions, [5, 3, 6, 1, 1, 2], k=120))
        assert PaymentRefund.objects.filter(status=PaymentRefund.Status.PENDING).exists()
        # Phase 3: the broker goes away too. Webhooks are still acknowledged and stored, but
        # no task can be queued: paid events wait unprocessed (the hold sweep keeps their
        # holds), and refunds owed wait on their rows.
        with BrokerOutage(live_redis):
            world.early = list(world.payments)
            clock.move_to(start + dt.timedelta(minutes=65))
            _run(world, minted, rng.choices(actions, [4, 3, 6, 1, 1, 2], k=60))
        assert StripeEvent.objects.filter(processed_at__isnull=True).exists()
        # Phase 4: Stripe and the broker are back; the beat keeps sweeping until nothing is
        # owed and every stored event is processed.
        for hours in range(4, 10):
            clock.move_to(start + dt.timedelta(hours=hours))
            stripe_events_requeue_stale()
            refunds_retry_due()
            holds_release_expired()

    assert world.errors == []
    assert not StripeEvent.objects.filter(processed_at__isnull=True).exists()
    _assert_no_oversell(minted, classes)
    _assert_every_payment_is_one_seat_or_one_refund()
    _assert_money_matches_stripe(fake_stripe)
    late = Payment.objects.filter(public_id__in=world.early, status=Payment.Status.REFUNDED)
    assert late.exists()  # the outage really held up refunds of late payers, and they went out


def _assert_money_matches_stripe(fake_stripe) -> None:
    """What we recorded is what Stripe did, for every payment, to the cent; nothing owed is
    left behind or given up."""
    assert not PaymentRefund.objects.filter(status=PaymentRefund.Status.PENDING).exists()
    given_up = PaymentRefund.objects.filter(status=PaymentRefund.Status.ABANDONED)
    assert set(given_up.values_list("reason", flat=True)) <= {PaymentRefund.Reason.CANCEL}
    for payment in Payment.objects.filter(kind=Payment.Kind.ENROLLMENT):
        booked = payment.refunds.filter(status=PaymentRefund.Status.SUCCEEDED).aggregate(
            total=Sum("amount_cents")
        )["total"]
        at_stripe = fake_stripe.refunded_cents(payment.payment_intent_id or "-")
        assert payment.refunded_cents == (booked or 0) == at_stripe, payment
        (enrollment,) = payment.enrollments.all()
        assert enrollment.refunded_cents == at_stripe, (payment, enrollment)
