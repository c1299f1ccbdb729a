"""Real threads, real connections, real transactions: seats and credits under contention.

These need PostgreSQL's row locks; SQLite serialises whole-database writes and cannot show
the race these tests guard against, so they are skipped there (CI runs them on PostgreSQL).
"""

import threading
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Provider
from alera.tokens import Purpose, token_make
from classes.models import Enrollment, WaitlistEntry
from classes.services import booking, waitlist
from tests import factories
from tests.concurrency import POSTGRES_CONCURRENCY
from tests.conftest import DEMO_ORIGIN

pytestmark = POSTGRES_CONCURRENCY


def run_concurrently(count: int, work, timeout: float = 120) -> list:
    """Start `count` threads at once, each calling work(i) on its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # surfaced by the assertions below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def _slowed(real):
    def slow(**kwargs):
        answer = real(**kwargs)
        time.sleep(0.02)
        return answer

    return slow


@pytest.fixture(autouse=True)
def _slow_seat_count(monkeypatch):
    """Widen the gap between counting seats and taking one, so a missing lock shows."""
    monkeypatch.setattr(booking, "booking_state", _slowed(booking.booking_state))
    monkeypatch.setattr(waitlist, "seats_left", _slowed(waitlist.seats_left))  # promotion


@pytest.fixture
def post(minted, settings):
    settings.RATELIMIT_ENABLE = False

    def _post(path, body):
        client = APIClient()
        client.credentials(HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN=DEMO_ORIGIN)
        response = client.post(path, body, format="json")
        return response.status_code, response.json()

    return _post


def test_fifty_bookers_for_the_last_three_seats_give_exactly_three_winners(provider, post):
    session = factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=10)
    for _ in range(7):
        factories.EnrollmentFactory(class_session=session)
    path = f"/api/classes/{session.public_id}/book"

    results = run_concurrently(
        50,
        lambda i: post(
            path, {"name": f"P{i}", "email": f"p{i}@example.com", "phone": "5125550100"}
        ),
    )

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    assert statuses.count(200) == 3, statuses
    assert statuses.count(409) == 47, statuses
    assert all(body["waitlistAvailable"] is True for code, body in results if code == 409)
    assert session.enrollments.filter(status=Enrollment.Status.CONFIRMED).count() == 10


def test_fifty_paid_bookers_for_the_last_three_seats_hold_exactly_three(
    provider, post, fake_stripe
):
    session = factories.ClassSessionFactory(provider=provider, price_cents=2000, capacity=3)
    path = f"/api/classes/{session.public_id}/book"

    results = run_concurrently(
        50,
        lambda i: post(
            path, {"name": f"P{i}", "email": f"p{i}@example.com", "phone": "5125550100"}
        ),
    )

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    assert (statuses.count(200), statuses.count(409)) == (3, 47), statuses
    assert session.enrollments.filter(status=Enrollment.Status.PENDING_PAYMENT).count() == 3
    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 3


def test_concurrent_pack_bookings_never_take_credits_below_zero(provider, post):
    package = factories.ClientPackageFactory(provider=provider, sessions_remaining=5)
    token = token_make(
        Purpose.CUSTOMER, record_id=package.client.public_id, provider_id=provider.public_id
    )
    sessions = [
        factories.ClassSessionFactory(provider=provider, price_cents=2000) for _ in range(20)
    ]
    client = package.client

    results = run_concurrently(
        20,
        lambda i: post(
            f"/api/classes/{sessions[i].public_id}/book",
            {
                "name": client.name,
                "email": client.email,
                "phone": "5125550100",
                "useClientPackageId": package.public_id,
                "customerToken": token,
            },
        ),
    )

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    assert (statuses.count(200), statuses.count(409)) == (5, 15), statuses
    package.refresh_from_db()
    assert package.sessions_remaining == 0
    assert package.ledger.filter(reason="used").count() == 5
    assert Enrollment.objects.filter(client_package=package).count() == 5


def test_concurrent_auto_fills_never_promote_past_capacity(provider):
    Provider.objects.filter(pk=provider.pk).update(waitlist_auto_confirm=True)
    session = factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=10)
    for _ in range(7):
        factories.EnrollmentFactory(class_session=session)
    entries = [
        factories.WaitlistEntryFactory(class_session=session, position=i + 1) for i in range(12)
    ]

    results = run_concurrently(
        6, lambda i: len(waitlist.waitlist_auto_fill(session_id=session.pk).promoted)
    )

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 3, results
    assert session.enrollments.filter(status=Enrollment.Status.CONFIRMED).count() == 10
    promoted = WaitlistEntry.objects.filter(promoted_at__isnull=False).order_by("position")
    assert [e.pk for e in promoted] == [e.pk for e in entries[:3]]  # queue order kept
    assert all(e.enrollment.client_id == e.client_id for e in promoted)


def test_a_booking_locks_only_its_class_not_the_studio(provider, post, monkeypatch):
    """Bookings on different classes of one studio never wait for each other's locks."""
    held, other = (
        factories.ClassSessionFactory(provider=provider, price_cents=0) for _ in range(2)
    )
    inside, release = threading.Event(), threading.Event()
    real = booking.booking_state

    def stall_on_held(**kwargs):
        if kwargs["session"].pk == held.pk:  # a booking of `held` sits inside its lock
            inside.set()
            release.wait(timeout=30)
        return real(**kwargs)

    monkeypatch.setattr(booking, "booking_state", stall_on_held)

    def book(session, email):
        body = {"name": "Someone", "email": email, "phone": "5125550100"}
        return post(f"/api/classes/{session.public_id}/book", body)

    holder = threading.Thread(target=lambda: run_concurrently(1, lambda i: book(held, "a@x.io")))
    holder.start()
    try:
        assert inside.wait(timeout=10)
        outcome = run_concurrently(1, lambda i: book(other, "b@x.io"), timeout=5)
        assert outcome[0] is not None, "booking another class waited for the first one's lock"
        assert outcome[0][0] == 200
    finally:
        release.set()
        holder.join(timeout=30)
