"""The contract's authentication, error-envelope and rate-limit rules, on a probe endpoint."""

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.services import api_key_mint, api_key_revoke
from tests import factories
from tests.conftest import DEMO_ORIGIN

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.alera.urls_plumbing")]


def test_valid_key_and_origin_reach_the_view(api):
    response = api.get("/api/probe")
    assert response.status_code == 200
    assert response.json() == {"provider": "sculpt-co"}


def test_missing_key_gives_401(anon_api):
    response = anon_api.get("/api/probe", HTTP_ORIGIN=DEMO_ORIGIN)
    assert response.status_code == 401
    assert "key" in response.json()["error"].lower()


@pytest.mark.parametrize(
    "bad_key",
    ["nonsense", "alr_sculpt-co", "alr_sculpt-co_short", "alr_sculpt-co_" + "x" * 43, "Bearer x"],
)
def test_malformed_or_unknown_key_gives_401(anon_api, minted, bad_key):
    response = anon_api.get("/api/probe", HTTP_X_ALERA_KEY=bad_key, HTTP_ORIGIN=DEMO_ORIGIN)
    assert response.status_code == 401
    assert set(response.json()) == {"error"}


@pytest.mark.parametrize(
    "bad_key",
    ["alr_sculpt-co_\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00xx", "alr_sculpt-co_ abcdefghijkl"],
    ids=["nul", "space"],
)
def test_a_key_not_shaped_like_a_key_is_401_without_a_database_lookup(
    anon_api, minted, bad_key, django_assert_num_queries
):
    # No Origin, so CORS has nothing to look up: any query would be the key lookup, and a NUL
    # in a lookup makes PostgreSQL raise (a 500).
    with django_assert_num_queries(0):
        response = anon_api.get("/api/probe", HTTP_X_ALERA_KEY=bad_key)
    assert response.status_code == 401
    assert set(response.json()) == {"error"}


def test_a_real_secret_with_a_non_ascii_handle_gives_401(anon_api, minted):
    forged = minted.plaintext.replace("alr_sculpt-co_", "alr_sculpt-\u00e7o_")
    response = anon_api.get("/api/probe", HTTP_X_ALERA_KEY=forged, HTTP_ORIGIN=DEMO_ORIGIN)
    assert response.status_code == 401
    assert set(response.json()) == {"error"}


def test_key_with_right_secret_but_wrong_handle_gives_401(anon_api, minted):
    forged = minted.plaintext.replace("alr_sculpt-co_", "alr_other-studio_")
    response = anon_api.get("/api/probe", HTTP_X_ALERA_KEY=forged, HTTP_ORIGIN=DEMO_ORIGIN)
    assert response.status_code == 401


def test_revoked_key_gives_401_on_the_next_request(api, minted):
    assert api.get("/api/probe").status_code == 200
    api_key_revoke(api_key=minted.api_key)
    assert api.get("/api/probe").status_code == 401


def test_missing_origin_gives_403(anon_api, minted):
    response = anon_api.get("/api/probe", HTTP_X_ALERA_KEY=minted.plaintext)
    assert response.status_code == 403
    assert "Origin" in response.json()["error"]


def test_origin_not_allowed_gives_403(anon_api, minted):
    response = anon_api.get(
        "/api/probe", HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "origin", ["HTTPS://Partner.Example", "https://partner.example:443", "https://partner.example/"]
)
def test_origin_is_compared_after_normalisation(anon_api, minted, origin):
    response = anon_api.get("/api/probe", HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN=origin)
    assert response.status_code == 200


def test_several_keys_of_one_provider_are_live_at_once(anon_api, provider, minted):
    second = api_key_mint(provider=provider, name="Rotation", origins=[DEMO_ORIGIN])
    for key in (minted.plaintext, second.plaintext):
        response = anon_api.get("/api/probe", HTTP_X_ALERA_KEY=key, HTTP_ORIGIN=DEMO_ORIGIN)
        assert response.status_code == 200


def test_key_use_is_recorded_as_last_used(api, minted):
    api.get("/api/probe")
    minted.api_key.refresh_from_db()
    assert minted.api_key.last_used_at is not None


def test_unknown_api_path_gives_json_404(api):
    response = api.get("/api/nope/never")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()


def test_wrong_method_gives_json_405(api):
    response = api.delete("/api/probe")
    assert response.status_code == 405
    assert "error" in response.json()


def test_drf_errors_read_as_sentences_without_an_internal_detail_prefix(api):
    assert api.delete("/api/probe").json() == {"error": 'Method "DELETE" not allowed.'}
    response = api.post("/api/probe", "x", content_type="text/plain")
    assert response.json() == {"error": 'Unsupported media type "text/plain" in request.'}
    response = api.post("/api/probe", data="{not json", content_type="application/json")
    assert response.json()["error"].startswith("Malformed request body: JSON parse error")


def test_malformed_json_gives_json_400(api):
    response = api.post("/api/probe", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("Malformed request body")


def test_oversized_body_gives_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api.post("/api/probe", data={"blob": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert "too large" in response.json()["error"]


def test_unhandled_exception_gives_generic_json_500(api, caplog):
    client = APIClient(raise_request_exception=False)
    client.credentials(**api._credentials)
    response = client.post("/api/probe", data={"explode": True}, format="json")
    assert response.status_code == 500
    assert response.json() == {"error": "Something went wrong on our side; it has been logged."}
    assert "boom" in caplog.text


def test_rate_limit_gives_429_with_retry_after_then_resets(api):
    with time_machine.travel("2026-05-18 11:00:00+00:00", tick=False) as traveller:
        for _ in range(3):
            assert api.get("/api/probe").status_code == 200
        limited = api.get("/api/probe")
        assert limited.status_code == 429
        retry_after = int(limited["Retry-After"])
        assert 1 <= retry_after <= 60
        assert f"retry in {retry_after} seconds" in limited.json()["error"]
        traveller.shift(retry_after + 1)
        assert api.get("/api/probe").status_code == 200


@pytest.mark.usefixtures("frozen_minute")
def test_rate_limit_counts_per_client_ip(api):
    for _ in range(3):
        api.get("/api/probe", REMOTE_ADDR="10.0.0.1")
    assert api.get("/api/probe", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert api.get("/api/probe", REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.usefixtures("frozen_minute")
def test_forwarded_for_is_ignored_unless_configured(api):
    for i in range(4):
        response = api.get("/api/probe", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert response.status_code == 429


@pytest.mark.usefixtures("frozen_minute")
def test_trusted_proxy_header_gives_the_client_ip(api, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(3):
        api.get("/api/probe", HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7")
    assert api.get("/api/probe", HTTP_X_FORWARDED_FOR="other, 198.51.100.7").status_code == 429
    assert api.get("/api/probe", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_rate_limits_can_be_lifted_for_benchmarks(api, settings):
    settings.RATELIMIT_ENABLE = False
    assert all(api.get("/api/probe").status_code == 200 for _ in range(6))


def test_key_of_one_provider_sees_only_that_provider(anon_api, minted):
    other = factories.ProviderFactory(handle="other-studio")
    other_key = api_key_mint(provider=other, name="Other", origins=[DEMO_ORIGIN])
    response = anon_api.get(
        "/api/probe", HTTP_X_ALERA_KEY=other_key.plaintext, HTTP_ORIGIN=DEMO_ORIGIN
    )
    assert response.json() == {"provider": "other-studio"}


def test_a_405_from_a_plain_django_view_under_api_is_in_the_envelope(client):
    response = client.post("/api/cal/some-secret.ics")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"error": "Method POST is not allowed here (allowed: GET, HEAD)."}


def test_a_host_not_allowed_gives_a_json_400_under_api(anon_api):
    response = anon_api.get("/api/classes", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Bad Request."}
