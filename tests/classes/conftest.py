"""Fixtures for the booking engine: a studio with an owner, classes, and booking helpers."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories

CUSTOMER = {"name": "Jane Doe", "email": "jane@example.com", "phone": "(512) 555-0100"}


@pytest.fixture
def owner(provider):
    return factories.MembershipFactory(
        provider=provider, user=factories.UserFactory(email="owner@sculpt.example")
    ).user


@pytest.fixture
def free_class(provider):
    return factories.ClassSessionFactory(
        provider=provider, service__price_cents=0, service__name="Community Yoga"
    )


@pytest.fixture
def paid_class(provider):
    return factories.ClassSessionFactory(provider=provider, price_cents=2000, capacity=6)


@pytest.fixture
def book(api):
    """POST /api/classes/<id>/book for a session with CUSTOMER (overridable)."""

    def _book(session, **body):
        return api.post(
            f"/api/classes/{session.public_id}/book", {**CUSTOMER, **body}, format="json"
        )

    return _book


def fill(session, n=None):
    """Confirm `n` (default: capacity) other customers into `session`."""
    for _ in range(session.capacity if n is None else n):
        factories.EnrollmentFactory(class_session=session)


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)
