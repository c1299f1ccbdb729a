"""Row locks that give up: a booking waits at most a few seconds for its class's lock.

A transaction stuck while holding a class row (a slow statement, a paused worker) would
otherwise queue every booker of that class behind it until gunicorn's timeout. With
PostgreSQL's `SET LOCAL lock_timeout` the waiter fails fast instead, and the caller gets a
`Busy` domain error: the API's 503 with `Retry-After`. SQLite has no row locks: no-op.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection

from alera.errors import Busy

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for lock_timeout


def _lock_timed_out(exc: OperationalError) -> bool:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE


@contextmanager
def lock_timeout(milliseconds: int | None = None) -> Iterator[None]:
    """Run the locking statements inside with a lock wait of at most `milliseconds`
    (`BOOKING_LOCK_TIMEOUT_MS`); for the rest of the transaction, which must be open."""
    if connection.vendor == "postgresql":
        ms = int(milliseconds if milliseconds is not None else settings.BOOKING_LOCK_TIMEOUT_MS)
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {ms}")
    try:
        yield
    except OperationalError as exc:
        if _lock_timed_out(exc):
            raise Busy("This class is busy right now; try again in a moment.") from exc
        raise
