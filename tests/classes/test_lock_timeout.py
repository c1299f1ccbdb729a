"""A booking waits a bounded time for its class's row lock, then answers a clean 503."""

import threading

from django.db import connection, transaction

from classes.models import ClassSession, Enrollment
from tests import factories
from tests.concurrency import POSTGRES_CONCURRENCY

pytestmark = POSTGRES_CONCURRENCY

CUSTOMER = {"name": "Jane Doe", "email": "jane@example.com", "phone": "(512) 555-0100"}


def test_a_stuck_lock_holder_gives_bookers_a_503_with_retry_after(api, provider, settings):
    settings.BOOKING_LOCK_TIMEOUT_MS = 200
    session = factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=5)
    locked, release = threading.Event(), threading.Event()

    def stuck_transaction():
        try:
            with transaction.atomic():
                ClassSession.objects.select_for_update().get(pk=session.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=stuck_transaction)
    holder.start()
    try:
        assert locked.wait(10)
        response = api.post(f"/api/classes/{session.public_id}/book", CUSTOMER, format="json")
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json() == {"error": "This class is busy right now; try again in a moment."}
    assert not Enrollment.objects.filter(class_session=session).exists()
    retried = api.post(f"/api/classes/{session.public_id}/book", CUSTOMER, format="json")
    assert retried.status_code == 200
