"""Marks for the tests that need PostgreSQL's row locks and concurrent connections.

SQLite serialises whole-database writes, so the races these tests guard against can't
happen there; they are skipped locally and CI runs them on PostgreSQL.
"""

import pytest
from django.conf import settings

POSTGRES_CONCURRENCY = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL row locks and concurrent connections (CI runs it)",
    ),
]
