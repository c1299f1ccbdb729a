"""CORS for partner sites calling the API from a browser: only /api/, only origins a live key
allows, preflights answered before rate limits and key checks, pages never."""

import pytest
from django.test import Client as BrowserClient
from django.utils import timezone

from accounts.services import api_key_mint, api_key_revoke
from customers.services import customer_token_make
from tests import factories
from tests.conftest import DEMO_ORIGIN

pytestmark = pytest.mark.django_db

ALLOW_ORIGIN = "Access-Control-Allow-Origin"
UNKNOWN_ORIGIN = "https://stranger.example"


def preflight(client, path: str, origin: str, method: str = "GET"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-alera-key, content-type",
    )


def test_preflight_from_an_allowed_origin_gets_the_cors_headers(client, minted):
    response = preflight(client, "/api/classes", DEMO_ORIGIN)

    assert response.status_code == 200
    assert response.headers[ALLOW_ORIGIN] == DEMO_ORIGIN
    allowed_headers = response.headers["Access-Control-Allow-Headers"].split(", ")
    assert sorted(allowed_headers) == ["content-type", "x-alera-key", "x-customer-token"]
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "origin" in response.headers["Vary"].lower()


def test_preflight_from_an_unknown_origin_gets_no_cors_headers(client, minted):
    response = preflight(client, "/api/classes", UNKNOWN_ORIGIN)

    assert response.status_code == 200
    assert ALLOW_ORIGIN not in response.headers
    assert "Access-Control-Allow-Headers" not in response.headers


def test_preflight_needs_no_key_and_does_not_count_against_rate_limits(
    client, api, provider, frozen_minute
):
    """signin-link allows 5 calls a minute; 20 preflights before it must not use any."""
    factories.ClientFactory(provider=provider, email="jane@example.com")
    for _ in range(20):
        response = preflight(client, "/api/customer/signin-link", DEMO_ORIGIN, "POST")
        assert response.status_code == 200

    response = api.post(
        "/api/customer/signin-link",
        {"email": "jane@example.com", "handle": "sculpt-co"},
        format="json",
    )

    assert response.status_code == 200
    assert response.headers[ALLOW_ORIGIN] == DEMO_ORIGIN


def test_revoked_keys_origin_stops_being_allowed(client, minted):
    assert preflight(client, "/api/classes", DEMO_ORIGIN).headers[ALLOW_ORIGIN] == DEMO_ORIGIN

    api_key_revoke(api_key=minted.api_key)

    response = preflight(client, "/api/classes", DEMO_ORIGIN)
    assert response.status_code == 200
    assert ALLOW_ORIGIN not in response.headers


def test_revoking_one_key_keeps_an_origin_another_live_key_allows(client, minted, provider):
    api_key_mint(provider=provider, name="Rotation", origins=[DEMO_ORIGIN])

    api_key_revoke(api_key=minted.api_key)

    assert preflight(client, "/api/classes", DEMO_ORIGIN).headers[ALLOW_ORIGIN] == DEMO_ORIGIN


def test_a_newly_minted_keys_origin_is_allowed_at_once(client, minted, provider):
    """The cached origin set is dropped when a key is minted, not only when it expires."""
    assert ALLOW_ORIGIN not in preflight(client, "/api/classes", UNKNOWN_ORIGIN).headers

    api_key_mint(provider=provider, name="New site", origins=[UNKNOWN_ORIGIN])

    assert preflight(client, "/api/classes", UNKNOWN_ORIGIN).headers[ALLOW_ORIGIN] == (
        UNKNOWN_ORIGIN
    )


def test_the_origin_set_is_cached_between_requests(client, minted, django_assert_num_queries):
    preflight(client, "/api/classes", DEMO_ORIGIN)

    with django_assert_num_queries(0):
        response = preflight(client, "/api/classes", DEMO_ORIGIN)

    assert response.headers[ALLOW_ORIGIN] == DEMO_ORIGIN


def test_list_classes_from_an_allowed_origin_carries_allow_origin(api, provider):
    today = timezone.localdate()
    response = api.get(
        "/api/classes", {"handle": "sculpt-co", "from": today.isoformat(), "to": today.isoformat()}
    )

    assert response.status_code == 200
    assert response.headers[ALLOW_ORIGIN] == DEMO_ORIGIN
    assert response.headers["Access-Control-Expose-Headers"] == "retry-after"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_another_keys_origin_is_still_refused_by_the_api(api, minted):
    """CORS lets the browser read the answer; the key still decides, so it's a 403."""
    other_origin = "https://other-studio.example"
    api_key_mint(provider=factories.ProviderFactory(), name="Other", origins=[other_origin])
    api.credentials(HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN=other_origin)

    response = api.get("/api/classes", {"handle": "sculpt-co", "from": "2026-05-14"})

    assert response.status_code == 403
    assert "not allowed for this key" in response.json()["error"]
    assert response.headers[ALLOW_ORIGIN] == other_origin


def test_an_unknown_origin_gets_the_api_answer_without_cors_headers(api, minted):
    api.credentials(HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN=UNKNOWN_ORIGIN)

    response = api.get("/api/classes", {"handle": "sculpt-co"})

    assert response.status_code == 403
    assert ALLOW_ORIGIN not in response.headers


def test_a_malformed_origin_gets_no_cors_headers(client, minted):
    response = preflight(client, "/api/classes", "https://partner.example/path?x=1")

    assert ALLOW_ORIGIN not in response.headers


@pytest.mark.parametrize("method", ["OPTIONS", "GET", "POST"])
def test_pages_webhook_and_admin_never_send_cors_headers(minted, provider, method):
    """Even from an origin a live key allows: CORS is for /api/ only."""
    customer = factories.ClientFactory(provider=provider)
    paths = [
        "/dashboard/login/",
        "/dashboard/schedule/",
        "/webhooks/stripe/",
        "/admin/login/",
        f"/me/{customer_token_make(client=customer)}",
        "/me/signed-out",
        "/healthz",
    ]
    browser = BrowserClient()
    for path in paths:
        response = browser.generic(
            method,
            path,
            HTTP_ORIGIN=DEMO_ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        )
        assert ALLOW_ORIGIN not in response.headers, path
        assert not any(h.lower().startswith("access-control-") for h in response.headers), path
