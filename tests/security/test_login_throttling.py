"""Login throttling (django-axes): wrong passwords for one email from one address lock that
pair out with a 429 for the cool-off, on the dashboard login and the admin login alike."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

DASH_LOGIN = "/dashboard/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def owner(db):
    return factories.UserFactory(email="owner@studio.example")


def _login(client, url, email, password, ip="203.0.113.7"):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _fail(client, url, email, times, ip="203.0.113.7") -> list[int]:
    codes = []
    for _ in range(times):
        codes.append(_login(client, url, email, "wrong-password", ip).status_code)
        assert "_auth_user_id" not in client.session
    return codes


def test_limit_is_five_failures_per_email_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_dashboard_login_works_with_the_right_password(client, owner):
    response = _login(client, DASH_LOGIN, owner.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_dashboard_login_page_is_the_dashboard_loginview():
    from django.urls import resolve

    assert resolve(DASH_LOGIN).url_name == "dash-login"


def test_five_wrong_passwords_lock_the_dashboard_login_even_for_the_right_one(client, owner):
    assert _fail(client, DASH_LOGIN, owner.email, 5) == [200, 200, 200, 200, 429]

    response = _login(client, DASH_LOGIN, owner.email, PASSWORD)

    assert response.status_code == 429
    assert "Too many login attempts" in response.text
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username=owner.email)
    assert attempt.ip_address == "203.0.113.7"
    assert attempt.failures_since_start >= 5
    assert "wrong-password" not in str(attempt.post_data)


def test_admin_login_is_throttled_too(client, db):
    from accounts.models import User

    staff = User.objects.create_superuser("support@alera.example", PASSWORD)
    _fail(client, ADMIN_LOGIN, staff.email, 5)

    response = _login(client, ADMIN_LOGIN, staff.email, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_email_case_does_not_buy_extra_attempts(client, owner):
    for email in ("owner@studio.example", "Owner@Studio.example", "OWNER@STUDIO.EXAMPLE"):
        _login(client, DASH_LOGIN, email, "wrong-password")
    _fail(client, DASH_LOGIN, " owner@studio.EXAMPLE ", 2)

    assert _login(client, DASH_LOGIN, owner.email, PASSWORD).status_code == 429


def test_lockout_holds_for_one_email_and_address_only(client, owner):
    other = factories.UserFactory(email="staff@studio.example")
    _fail(client, DASH_LOGIN, owner.email, 5)

    assert _login(client, DASH_LOGIN, owner.email, PASSWORD, ip="198.51.100.9").status_code == 302
    client.logout()
    assert _login(client, DASH_LOGIN, other.email, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, owner):
    assert _fail(client, DASH_LOGIN, owner.email, 4) == [200] * 4
    assert _login(client, DASH_LOGIN, owner.email, PASSWORD).status_code == 302
    client.logout()

    assert _fail(client, DASH_LOGIN, owner.email, 4) == [200] * 4

    assert _login(client, DASH_LOGIN, owner.email, PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, owner):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _fail(client, DASH_LOGIN, owner.email, 5)
        clock.shift(dt.timedelta(minutes=14))
        assert _login(client, DASH_LOGIN, owner.email, PASSWORD).status_code == 429

        clock.shift(dt.timedelta(minutes=16))  # the lockout attempt above restarted it

        assert _login(client, DASH_LOGIN, owner.email, PASSWORD).status_code == 302


def test_staff_unlock_by_deleting_the_attempt_in_the_admin(client, owner):
    from accounts.models import User

    _fail(client, DASH_LOGIN, owner.email, 5)
    attempt = AccessAttempt.objects.get(username=owner.email)
    staff = User.objects.create_superuser("support@alera.example", PASSWORD)
    admin = client.__class__()
    admin.force_login(staff)

    response = admin.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, REMOTE_ADDR="10.0.0.2"
    )

    assert response.status_code == 302
    assert _login(client, DASH_LOGIN, owner.email, PASSWORD).status_code == 302


def test_behind_our_proxy_the_forwarded_client_address_is_counted(client, owner, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(5):
        client.post(
            DASH_LOGIN,
            {"username": owner.email, "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )

    assert AccessAttempt.objects.get(username=owner.email).ip_address == "203.0.113.50"
    other_client = client.post(
        DASH_LOGIN,
        {"username": owner.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other_client.status_code == 302


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.7"}, "203.0.113.7"),
        ({"REMOTE_ADDR": "2001:db8::1"}, "2001:db8::1"),
        ({}, None),
        ({"REMOTE_ADDR": "not-an-address"}, None),
    ],
)
def test_client_address_is_a_valid_ip_or_none(rf, meta, expected):
    from alera.settings import axes_client_ip

    request = rf.get("/", **meta)
    if "REMOTE_ADDR" not in meta:
        del request.META["REMOTE_ADDR"]

    assert axes_client_ip(request) == expected
