"""A Redis outage degrades the API, it doesn't break it (issue 21, item 4).

Cache reads fall back to the database (the CORS origin set), rate limits fail open with a log
line, and nothing that runs after a view may turn its answer into an error: a booking that
committed is reported as booked. The outage is a Redis the test starts and stops itself.
"""

import logging

import pytest
from corsheaders.middleware import CorsMiddleware
from rest_framework.test import APIClient

from alera.api import ratelimit
from alera.settings import redis_cache
from classes.models import Enrollment
from tests import factories
from tests.conftest import DEMO_ORIGIN

pytestmark = pytest.mark.django_db

ALLOW_ORIGIN = "Access-Control-Allow-Origin"
CUSTOMER = {"name": "Ann Lee", "email": "ann@example.com", "phone": "(512) 555-0100"}


@pytest.fixture
def cache_server(live_redis, settings, monkeypatch):
    """The default cache (and so the rate limits) on the test's own Redis."""
    settings.CACHES = {"default": redis_cache(live_redis.url, key_prefix="outage-test")}
    monkeypatch.setattr(ratelimit, "_outage_logged_at", 0.0)
    return live_redis


@pytest.fixture
def lenient_api(minted):
    """The partner's client, seeing 500s as answers rather than raised exceptions."""
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN=DEMO_ORIGIN)
    return client


@pytest.fixture
def free_class(provider):
    factories.ClassSessionFactory(price_cents=0)  # another studio's, untouched
    return factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=5)


def _list(api):
    return api.get(
        "/api/classes", {"handle": "sculpt-co", "from": "2026-05-18", "to": "2026-05-24"}
    )


def _book(api, session):
    return api.post(f"/api/classes/{session.public_id}/book", CUSTOMER, format="json")


def test_with_redis_down_the_api_answers_with_cors_headers_and_books(
    lenient_api, free_class, cache_server, caplog
):
    assert _list(lenient_api)[ALLOW_ORIGIN] == DEMO_ORIGIN  # origins cached in Redis
    cache_server.stop()

    with caplog.at_level(logging.WARNING):
        listed = _list(lenient_api)
        booked = _book(lenient_api, free_class)

    assert listed.status_code == 200
    assert listed[ALLOW_ORIGIN] == DEMO_ORIGIN  # read from the database instead
    assert booked.status_code == 200, booked.content
    assert booked[ALLOW_ORIGIN] == DEMO_ORIGIN
    assert Enrollment.objects.get(public_id=booked.json()["enrollmentId"]).status == "Confirmed"
    assert "rate-limit store unavailable: allowing requests" in caplog.text


def test_rate_limits_count_again_once_redis_is_back(lenient_api, free_class, cache_server):
    cache_server.stop()
    assert all(_book(lenient_api, free_class).status_code != 429 for _ in range(12))
    cache_server.start()

    codes = [_list(lenient_api).status_code for _ in range(61)]
    assert codes.count(429) == 1


def test_a_step_failing_after_the_view_never_turns_a_committed_booking_into_an_error(
    lenient_api, free_class, monkeypatch, caplog
):
    def broken(self, request, response):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(CorsMiddleware, "add_response_headers", broken)
    response = _book(lenient_api, free_class)

    assert response.status_code == 200
    enrollment = Enrollment.objects.get(public_id=response.json()["enrollmentId"])
    assert enrollment.class_session == free_class
    assert "a step after the view failed (500); sending the view's 200" in caplog.text


def test_an_error_after_a_views_refusal_keeps_the_refusal(lenient_api, monkeypatch):
    def broken(self, request, response):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(CorsMiddleware, "add_response_headers", broken)
    response = lenient_api.get("/api/classes/class-doesnotexist")

    assert response.status_code == 404
    assert "error" in response.json()


def test_an_error_outside_the_api_plumbing_is_still_the_json_envelope(
    lenient_api, free_class, monkeypatch
):
    def broken(self, request):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(CorsMiddleware, "__call__", broken)
    response = _book(lenient_api, free_class)

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Internal Server Error."}
    assert not Enrollment.objects.filter(class_session=free_class).exists()


def test_pages_outside_the_api_are_left_to_django(client, monkeypatch):
    def broken(self, request):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(CorsMiddleware, "__call__", broken)
    client.raise_request_exception = False
    response = client.get("/dashboard/login/")

    assert response.status_code == 500
    assert not response["Content-Type"].startswith("application/json")


def test_the_guard_wraps_every_middleware_and_the_recorder_sits_next_to_the_view(settings):
    assert settings.MIDDLEWARE[0] == "alera.middleware.ApiResponseGuardMiddleware"
    assert settings.MIDDLEWARE[-1] == "alera.middleware.ApiViewResponseMiddleware"
