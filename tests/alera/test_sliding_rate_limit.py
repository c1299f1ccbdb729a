"""Rate limits are a sliding 60-second window shared by every process (issue 13).

A fixed window let a client spend its limit just before a minute boundary and again just
after it; here at most `limit` requests are allowed in any 60 seconds, and `Retry-After` says
exactly when the next one will be. Each behaviour runs on the local-memory store and on a
real Redis the test starts itself (the production store, a Lua script over a sorted set).
"""

import datetime as dt
import threading

import pytest
import time_machine

from alera.api import ratelimit
from alera.settings import redis_cache
from tests import factories

pytestmark = pytest.mark.django_db

EDGE = dt.datetime(2026, 5, 18, 11, 1, 0, tzinfo=dt.UTC)  # a minute boundary


@pytest.fixture(params=["local-memory", "redis"])
def store(request, settings):
    """The rate-limit store: each test runs on both."""
    if request.param == "redis":
        server = request.getfixturevalue("live_redis")
        settings.CACHES = {"default": redis_cache(server.url, key_prefix="rl-test")}
        return server
    return None


def _list(api, **extra):
    return api.get(
        "/api/classes", {"handle": "sculpt-co", "from": "2026-05-18", "to": "2026-05-24"}, **extra
    )


def _signin(api, email="jane@example.com"):
    return api.post(
        "/api/customer/signin-link", {"email": email, "handle": "sculpt-co"}, format="json"
    )


def test_a_burst_across_a_minute_boundary_gets_no_second_allowance(api, provider, store):
    factories.ClientFactory(provider=provider, email="jane@example.com")
    with time_machine.travel(EDGE - dt.timedelta(seconds=5), tick=False) as clock:
        assert [_signin(api).status_code for _ in range(5)] == [200] * 5
        clock.shift(10)  # the clock minute has turned; the window has not
        refused = _signin(api)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"  # the first of the five leaves the window then
    assert "retry in 50 seconds" in refused.json()["error"]


def test_retry_after_is_exactly_when_a_request_is_allowed_again(api, provider, store):
    with time_machine.travel(EDGE, tick=False) as clock:
        for offset in (0, 10, 20, 30, 40):  # five spread over the window
            clock.move_to(EDGE + dt.timedelta(seconds=offset))
            assert _signin(api).status_code == 200
        clock.move_to(EDGE + dt.timedelta(seconds=45))
        refused = _signin(api)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "15"

        clock.shift(14.5)
        assert _signin(api)["Retry-After"] == "1"  # rounded up, never too early
        clock.move_to(EDGE + dt.timedelta(seconds=60))
        assert _signin(api).status_code == 200  # the request at 0 s has left
        assert _signin(api)["Retry-After"] == "10"  # the next leaves at 70 s


def test_a_steady_client_gets_the_limit_per_minute_and_no_more(api, provider, store):
    allowed = 0
    with time_machine.travel(EDGE - dt.timedelta(seconds=30), tick=False) as clock:
        for _ in range(130):  # a list call every half second for 65 s, over a minute boundary
            allowed += _list(api).status_code == 200
            clock.shift(0.5)
    # 60 in the first 30 s; then one each time an allowed call leaves the window (from 60 s
    # on). A fixed window allowed 120: 60 before the boundary and 60 after it.
    assert allowed == 60 + 10


def test_limits_count_per_route_and_per_client_ip(api, provider, store):
    with time_machine.travel(EDGE, tick=False):
        for _ in range(5):
            _signin(api, "a@example.com")
        assert _signin(api).status_code == 429
        assert _signin(api, "b@example.com").status_code == 429  # per IP, not per address
        assert _list(api).status_code == 200  # another route
        elsewhere = api.post(
            "/api/customer/signin-link",
            {"email": "a@example.com", "handle": "sculpt-co"},
            format="json",
            REMOTE_ADDR="198.51.100.9",
        )
        assert elsewhere.status_code == 200


def test_concurrent_requests_never_get_more_than_the_limit_through(store):
    results = []
    barrier = threading.Barrier(12)

    def one():
        barrier.wait()
        results.append(ratelimit.hit("burst", limit=5, window=60).allowed)

    threads = [threading.Thread(target=one) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True] * 5


@pytest.mark.parametrize(
    ("rate", "parsed"), [("5/m", (5, 60)), ("2/s", (2, 1)), ("9/h", (9, 3600))]
)
def test_rates_are_read_as_requests_per_unit(rate, parsed):
    assert ratelimit.parse_rate(rate) == parsed
