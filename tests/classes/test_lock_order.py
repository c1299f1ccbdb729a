"""Lock order: a booking or waitlist join takes the client's row before the class's row.

Taking them in one order everywhere is what keeps two requests of the same customer (a
booking and a waitlist join with a corrected name, say) from deadlocking, and it keeps the
class row, which serialises every booking of that class, free while a request waits on
anything else. PostgreSQL only: SQLite has no row locks.
"""

import threading
import time

from django.db import DatabaseError, connection, transaction

from classes.models import ClassSession
from classes.services import booking, waitlist
from customers.models import Client
from tests import factories
from tests.classes.conftest import fill
from tests.concurrency import POSTGRES_CONCURRENCY

pytestmark = POSTGRES_CONCURRENCY

EMAIL = "jane@example.com"


def _in_thread(work):
    """Run work() on its own connection; returns (thread, result list)."""
    result: list = []

    def runner():
        try:
            result.append(work())
        except Exception as exc:  # surfaced by the assertions
            result.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=runner)
    thread.start()
    return thread, result


def _wait_until_a_backend_waits_on_a_lock(timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def _class_row_is_free(session: ClassSession) -> bool:
    def probe():
        try:
            with transaction.atomic():
                ClassSession.objects.select_for_update(nowait=True).get(pk=session.pk)
            return True
        except DatabaseError:
            return False

    thread, result = _in_thread(probe)
    thread.join(10)
    return result == [True]


def _class_row_free_while_waiting_on(client: Client, session: ClassSession, request):
    """Hold the client's row, start `request`, and once it waits on that row, probe whether
    the class row is free; then let go. Returns (class row was free, request's result)."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            Client.objects.select_for_update().get(pk=client.pk)
            held.set()
            release.wait(20)

    holder, _ = _in_thread(hold)
    assert held.wait(10)
    requester, result = _in_thread(request)
    try:
        assert _wait_until_a_backend_waits_on_a_lock(), "the request never waited on the client"
        free = _class_row_is_free(session)
    finally:
        release.set()
        holder.join(20)
        requester.join(20)
    return free, result[0]


def test_booking_waiting_on_its_client_row_leaves_the_class_row_free(provider):
    session = factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=3)
    client = factories.ClientFactory(provider=provider, email=EMAIL, name="Old Name")
    customer = booking.Customer(name="New Name", email=EMAIL, phone="")

    free, enrollment = _class_row_free_while_waiting_on(
        client,
        session,
        lambda: booking.enrollment_book(
            provider=provider,
            class_id=session.public_id,
            customer=customer,
            success_url="",
            cancel_url="",
        ),
    )

    assert free, "the booking held the class row while it waited on the client's row"
    assert enrollment.status == "Confirmed"
    client.refresh_from_db()
    assert client.name == "New Name"


def test_waitlist_join_waiting_on_its_client_row_leaves_the_class_row_free(provider):
    session = factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=1)
    fill(session)
    client = factories.ClientFactory(provider=provider, email=EMAIL, name="Old Name")

    free, joined = _class_row_free_while_waiting_on(
        client,
        session,
        lambda: waitlist.waitlist_join(session=session, name="New Name", email=EMAIL, phone=""),
    )

    assert free, "the waitlist join held the class row while it waited on the client's row"
    assert joined.position == 1
    assert not joined.already_on_waitlist
