"""Customer-portal fixtures: a studio customer, their token, and a booking or two."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from customers.services import customer_token_make
from tests import factories


@pytest.fixture
def customer(provider):
    return factories.ClientFactory(provider=provider, name="Jane Doe", email="jane@example.com")


@pytest.fixture
def customer_token(customer):
    return customer_token_make(client=customer)


@pytest.fixture
def booking(customer):
    """A confirmed seat in a paid class three days out."""
    session = factories.ClassSessionFactory(
        provider=customer.provider,
        scheduled_at=(timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0),
        service__name="Pilates Class",
        service__price_cents=0,
    )
    return factories.EnrollmentFactory(class_session=session, client=customer)


@pytest.fixture
def other_provider(db):
    return factories.ProviderFactory(handle="other-studio", display_name="Other Studio")


requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent claims need real concurrent transactions: run on PostgreSQL (DATABASE_URL).",
)
