"""Throttles that don't depend on the caller's address (issue 21, "also seen").

Spraying one account from many addresses (120 wrong passwords from 30, under axes' five per
address) locked nothing: now an account gets ten failures from anywhere, then a doubling wait
before each further try. Password-reset requests are limited per client address and per
address asked for, and a throttled request is answered exactly like any other.
"""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.throttling import ACCOUNT_LOGIN_FREE_FAILURES
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/dashboard/login/"
ADMIN_LOGIN = "/admin/login/"
RESET = "/dashboard/password-reset/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def owner(db):
    factories.UserFactory(email="owner@other-studio.example")  # a second studio's owner
    return factories.UserFactory(email="owner@studio.example")


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _login(client, email, password, n=0, url=LOGIN):
    address = f"198.51.{n // 250}.{n % 250 + 1}"
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address)


def test_spraying_one_account_from_many_addresses_is_throttled(client, owner, clock):
    codes = [_login(client, owner.email, "wrong-password", n % 30).status_code for n in range(120)]

    assert codes[: ACCOUNT_LOGIN_FREE_FAILURES + 1] == [200] * (ACCOUNT_LOGIN_FREE_FAILURES + 1)
    assert set(codes[ACCOUNT_LOGIN_FREE_FAILURES + 1 :]) == {429}
    refused = _login(client, owner.email, PASSWORD, 99)  # even the right one, while waiting
    assert refused.status_code == 429
    assert "from wherever they came" in refused.text
    assert "_auth_user_id" not in client.session


def test_the_wait_doubles_with_each_failure_after_it_and_the_owner_gets_in_after_it(
    client, owner, clock
):
    for n in range(ACCOUNT_LOGIN_FREE_FAILURES + 1):
        _login(client, owner.email, "wrong-password", n)
    clock.shift(dt.timedelta(seconds=59))
    assert _login(client, owner.email, PASSWORD, 50).status_code == 429
    clock.shift(dt.timedelta(seconds=2))  # the first wait was a minute
    assert _login(client, owner.email, "wrong-password", 51).status_code == 200
    clock.shift(dt.timedelta(seconds=119))
    assert _login(client, owner.email, PASSWORD, 52).status_code == 429
    clock.shift(dt.timedelta(seconds=2))  # the second, two

    assert _login(client, owner.email, PASSWORD, 53).status_code == 302


def test_other_accounts_and_admin_logins_follow_their_own_count(client, owner, clock):
    from accounts.models import User

    staff = User.objects.create_superuser("support@alera.example", PASSWORD)
    for n in range(ACCOUNT_LOGIN_FREE_FAILURES + 1):
        _login(client, owner.email, "wrong-password", n)

    assert _login(client, "owner@other-studio.example", PASSWORD, 70).status_code == 302
    client.logout()
    for n in range(ACCOUNT_LOGIN_FREE_FAILURES + 1):
        _login(client, staff.email, "wrong-password", 100 + n, url=ADMIN_LOGIN)
    assert _login(client, staff.email, PASSWORD, 140, url=ADMIN_LOGIN).status_code == 429


def test_a_successful_login_starts_the_account_afresh(client, owner, clock):
    for n in range(ACCOUNT_LOGIN_FREE_FAILURES - 1):
        _login(client, owner.email, "wrong-password", n)
    assert _login(client, owner.email, PASSWORD, 20).status_code == 302
    client.logout()

    codes = [_login(client, owner.email, "wrong-password", 30 + n).status_code for n in range(10)]

    assert codes == [200] * 10


def _reset(client, email, address="203.0.113.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_password_reset_emails_one_address_at_most_three_times_an_hour(client, owner, clock):
    answers = [_reset(client, owner.email, f"203.0.113.{n}") for n in range(10)]

    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/dashboard/password-reset/sent/")
    }
    assert len(mail.outbox) == 3
    clock.shift(dt.timedelta(minutes=61))
    _reset(client, owner.email)
    assert len(mail.outbox) == 4


def test_password_reset_requests_from_one_address_are_limited_whoever_they_name(
    client, owner, clock
):
    for n in range(10):
        _reset(client, f"nobody{n}@example.com")

    throttled = _reset(client, owner.email)
    unknown_elsewhere = _reset(client, "nobody@example.com", address="192.0.2.50")

    assert (throttled.status_code, throttled["Location"]) == (
        unknown_elsewhere.status_code,
        unknown_elsewhere["Location"],
    )
    assert mail.outbox == []
    _reset(client, owner.email, address="192.0.2.51")
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_with_the_cache_down_logins_still_work(client, owner, live_redis, settings):
    from alera.settings import redis_cache

    settings.CACHES = {"default": redis_cache(live_redis.url, key_prefix="login-outage")}
    live_redis.stop()

    assert _login(client, owner.email, "wrong-password").status_code == 200
    assert _login(client, owner.email, PASSWORD, 1).status_code == 302
