"""Security headers on pages: a strict Content-Security-Policy, never framed, no sniffing,
no referrer leaving the site, and HSTS in the production shape."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def pages(client, settings):
    """A representative set of HTML pages reachable without the other apps' work."""
    settings.PAYMENT_GATEWAY = "dev"
    payment = factories.PaymentFactory(checkout_session_id="cs_dev_headers")
    return {
        "dev checkout": client.get(f"/dev/checkout/{payment.checkout_session_id}"),
        "admin login": client.get("/admin/login/"),
        "unknown page": client.get("/no-such-page/"),
    }


@pytest.mark.parametrize("name", ["dev checkout", "admin login", "unknown page"])
def test_pages_send_a_strict_content_security_policy(pages, name):
    response = pages[name]
    directives = csp_directives(response)

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "*" not in header


@pytest.mark.parametrize("name", ["dev checkout", "admin login", "unknown page"])
def test_pages_are_never_framed_sniffed_or_leak_a_referrer(pages, name):
    response = pages[name]

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_api_errors_carry_the_same_headers(client):
    response = client.get("/api/no-such-endpoint")

    assert response.status_code == 404
    assert response.json() == {"error": "No API endpoint at /api/no-such-endpoint."}
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_forms_may_only_post_to_us_then_on_to_https(client, settings):
    """Checkout pages post to us and are redirected to Stripe or the partner's https page."""
    directives = csp_directives(client.get("/admin/login/"))

    assert directives["form-action"][:2] == ["'self'", "https:"]


def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get("/admin/login/", secure=True)

    assert (
        response.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def _production_settings(*names: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_"))}
    env.update(
        SECRET_KEY="z" * 64,
        ALLOWED_HOSTS="alera.example",
        STRIPE_SECRET_KEY="sk_live_placeholder",
        STRIPE_WEBHOOK_SECRET="whsec_placeholder",
        DJANGO_SETTINGS_MODULE="alera.settings",
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: str(getattr(settings, n)) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_shape_turns_on_hsts_secure_cookies_and_https_only_forms():
    values = _production_settings(
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "CONTENT_SECURITY_POLICY",
    )

    assert values["SECURE_HSTS_SECONDS"] == "31536000"
    assert values["SECURE_SSL_REDIRECT"] == "True"
    assert values["SESSION_COOKIE_SECURE"] == "True"
    assert values["CSRF_COOKIE_SECURE"] == "True"
    assert "'http:'" not in values["CONTENT_SECURITY_POLICY"]
