"""Overlapping reminder runs (two beat ticks, several workers) remind each seat exactly once."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.utils import timezone

from classes.services.reminders import class_reminders_send
from customers.models import ReminderLog
from tests import factories
from tests.customers.conftest import requires_postgresql


@pytest.mark.concurrency
@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_reminder_runs_send_one_reminder_per_seat():
    provider = factories.ProviderFactory()
    session = factories.ClassSessionFactory(
        provider=provider, scheduled_at=timezone.now() + dt.timedelta(hours=20)
    )
    seats = [factories.EnrollmentFactory(class_session=session) for _ in range(3)]
    barrier = threading.Barrier(4)
    counts: list = [None] * 4

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            counts[i] = class_reminders_send()
        except Exception as exc:  # asserted below
            counts[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(c, int) for c in counts), counts
    assert sum(counts) == 3
    assert ReminderLog.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.client.email for s in seats)
