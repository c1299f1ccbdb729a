"""Shared test set-up: id sequences that differ per table, eager Celery, cleared cache, no
network, API client helpers."""

import socket

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from alera.celery import app as celery_app
from tests import factories
from tests.fakes.stripe_http import FakeStripe
from tests.live_services import broker, live_redis  # noqa: F401  (fixtures for every suite)

DEMO_ORIGIN = "https://partner.example"

# Each table's ids start at its own offset (table n at n * 1000 + n), so no two tables hand
# out the same id: a query filtering one table by another table's id finds nothing, as in
# production, instead of the row a fresh database happens to number alike.
ID_STRIDE = 1000


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        offset_id_sequences()


def offset_id_sequences() -> None:
    """Restart every model table's id sequence at its own offset (SQLite and PostgreSQL)."""
    from django.apps import apps
    from django.db import connection, models

    tables = sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if isinstance(model._meta.pk, models.AutoField)
        and not model._meta.proxy
        and model._meta.managed
    )
    with connection.cursor() as cursor:
        for n, table in enumerate(dict.fromkeys(tables), start=1):
            start = n * ID_STRIDE + n
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start - 1]
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, start]
                )


@pytest.fixture(autouse=True)
def _test_defaults(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    settings.SITE_URL = "http://testserver"
    settings.RATELIMIT_ENABLE = True
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch, request):
    """Outbound connections fail loudly, except to the local PostgreSQL/Redis and live servers."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "localhost", "::1")
            and not host.startswith("/")
        ):
            raise OSError(f"Tests may not reach the network ({address}).")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def frozen_minute():
    """Stop the clock, so no request of a burst leaves the sliding rate-limit window."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(handle="sculpt-co", display_name="Sculpt Co")


@pytest.fixture
def minted(provider):
    """A live key for `provider`, allowed for DEMO_ORIGIN; (`MintedKey`)."""
    from accounts.services import api_key_mint

    return api_key_mint(provider=provider, name="Partner site", origins=[DEMO_ORIGIN])


@pytest.fixture
def api(minted):
    """An API client sending the tenant key and a matching Origin."""
    client = APIClient()
    client.credentials(HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN=DEMO_ORIGIN)
    return client


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    """Route the Stripe gateway to an in-process fake that records every request."""
    from payments.gateway import stripe_gateway

    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    return fake
