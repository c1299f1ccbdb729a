"""Tokens, calendar secrets and API keys never reach a log line (Django's, ours, gunicorn's)."""

import io
import logging
import types

import pytest

from alera.redaction import REDACTED, RedactingGunicornLogger, RedactSecretsFilter, redact
from customers.services import customer_token_make
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = "eyJyIjoiY2xpLWFiYyJ9:1tXyZa:abcDEF123_-"
KEY = "alr_sculpt-co_0123456789abcdefABCDEF_-xyz"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (f"Not Found: /me/{TOKEN}", TOKEN),
        (f"Unauthorized: /me/{TOKEN}/bookings/enr-1/cancel", TOKEN),
        (f"GET /me/cancel/{TOKEN} HTTP/1.1", TOKEN),
        (f"GET /me/tip/{TOKEN}?x=1 HTTP/1.1", TOKEN),
        ("Not Found: /api/customer/cal/s3cr3tS3CR3T_value.ics", "s3cr3tS3CR3T_value"),
        (f"GET /api/customer/me?token={TOKEN}&a=b HTTP/1.1", TOKEN),
        (f"Forbidden: key {KEY} not allowed", "0123456789abcdefABCDEF_-xyz"),
    ],
)
def test_redact_removes_every_kind_of_secret(line, secret):
    cleaned = redact(line)
    assert secret not in cleaned
    assert REDACTED in cleaned


def test_redact_keeps_what_an_operator_needs():
    assert redact("GET /me/signed-out HTTP/1.1") == "GET /me/signed-out HTTP/1.1"
    assert redact("POST /me/new-link HTTP/1.1") == "POST /me/new-link HTTP/1.1"
    assert redact(f"key {KEY}").startswith("key alr_sculpt-co_")
    listing = "GET /api/classes?handle=sculpt-co HTTP/1.1"
    assert redact(listing) == listing


@pytest.fixture
def console():
    """What the configured console handler writes, while the test runs."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    level = logging.getLogger("django.request").level
    logging.getLogger("django.request").setLevel(logging.WARNING)
    yield stream
    handler.setStream(previous)
    logging.getLogger("django.request").setLevel(level)


def test_django_request_warnings_for_token_paths_are_redacted(client, console, provider):
    customer = factories.ClientFactory(provider=provider)
    token = customer_token_make(client=customer)
    client.get(f"/me/{token}/no-such-page")  # a 404 Django logs with its path
    client.get(f"/api/customer/cal/{customer.calendar_secret}x.ics")  # unknown secret: 404
    client.get(f"/me/{token}/bookings/enr-nope/cancel")  # GET on a POST-only action: 405
    written = console.getvalue()
    assert written  # the requests were logged...
    assert token not in written  # ...without the token
    assert customer.calendar_secret not in written
    assert REDACTED in written


def test_the_gunicorn_access_log_is_redacted(provider):
    customer = factories.ClientFactory(provider=provider)
    token = customer_token_make(client=customer)
    logger = RedactingGunicornLogger(types.SimpleNamespace(**_gunicorn_cfg()))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/me/{token}?token={token}",
        "PATH_INFO": f"/me/{token}",
        "QUERY_STRING": f"token={token}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://partner.example/me/{token}",
    }
    response = types.SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = types.SimpleNamespace(headers=[("X-ALERA-KEY", KEY)])
    atoms = logger.atoms(response, request, environ, _Elapsed())
    assert [k for k, v in atoms.items() if token in str(v)] == []
    assert "0123456789abcdefABCDEF_-xyz" not in str(atoms)


class _Elapsed:
    seconds, microseconds = 0, 1500


def _gunicorn_cfg() -> dict:
    from gunicorn.config import Config

    config = Config()
    return {name: setting.get() for name, setting in config.settings.items()}
