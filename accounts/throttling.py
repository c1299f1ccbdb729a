"""Throttles on the owner-facing auth pages (issue 21): password-reset requests, and a
per-account back-off on logins on top of django-axes' per-(email, address) lockout.

Axes locks one (email, client IP) pair after 5 failures, so a shared office address can't
lock everyone out; but spraying one account from many addresses (120 guesses from 30) locked
nothing. Here every account gets `ACCOUNT_LOGIN_FREE_FAILURES` failures from anywhere, then
must wait before each further try, a wait that doubles with each failure (1, 2, 4 … minutes,
at most an hour): a guesser gets about one try an hour, and the owner is never locked out for
longer than the current wait. A successful login clears it. Counters live in the shared
cache (Redis in production), so an outage fails open and axes' database lockout still holds.
"""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils import timezone

from alera.api.ratelimit import rate_limited

logger = logging.getLogger(__name__)

ACCOUNT_LOGIN_FREE_FAILURES = 10
ACCOUNT_LOGIN_BACKOFF_START = dt.timedelta(minutes=1)
ACCOUNT_LOGIN_BACKOFF_MAX = dt.timedelta(hours=1)
# Failures are forgotten this long after the last one.
ACCOUNT_LOGIN_MEMORY = dt.timedelta(hours=24)


def _account_key(email: str, what: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode("utf-8", "replace")).hexdigest()
    return f"login-backoff:{what}:{digest[:32]}"


def account_login_wait(*, email: str) -> int:
    """Seconds before this account may try a password again; 0 when it may now."""
    until = cache.get(_account_key(email, "until"))
    if until is None:
        return 0
    return max(0, int((until - timezone.now()).total_seconds() + 0.999))


def account_login_failed(*, email: str) -> int:
    """Count a wrong password for the account (from any address); past the free failures,
    start its next wait. Returns the failures counted."""
    key = _account_key(email, "failures")
    memory = int(ACCOUNT_LOGIN_MEMORY.total_seconds())
    cache.add(key, 0, memory)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, memory)
        failures = 1
    if failures is None:  # the cache is away (its errors are misses): fail open
        return 0
    cache.touch(key, memory)
    beyond = failures - ACCOUNT_LOGIN_FREE_FAILURES
    if beyond > 0:
        wait = ACCOUNT_LOGIN_BACKOFF_START * 2 ** min(beyond - 1, 16)
        wait = min(wait, ACCOUNT_LOGIN_BACKOFF_MAX)
        cache.set(_account_key(email, "until"), timezone.now() + wait, memory)
        logger.warning("login back-off: %s failures on one account; next try in %s", failures, wait)
    return failures


def account_login_succeeded(*, email: str) -> None:
    """The right password, outside any wait: the account starts afresh."""
    cache.delete_many([_account_key(email, "failures"), _account_key(email, "until")])


class AccountBackoffBackend:
    """Listed before ModelBackend: during an account's wait, every login for it is refused,
    right password or not, with axes' lockout page (429). Refused tries don't lengthen the
    wait; the next wrong one after it does. It has no `get_user` on purpose: it never logs
    anyone in, so `force_login` and sessions never pick it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not username:
            return None
        if account_login_wait(email=username) > 0:
            request.login_backoff_refused = True
            # django-axes' middleware answers a request marked locked out with its 429 page.
            request.axes_locked_out = True
            raise PermissionDenied("This account is cooling off after many failed logins.")
        return None


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    email = (credentials or {}).get("username") or ""
    if email and not getattr(request, "login_backoff_refused", False):
        account_login_failed(email=email)


def _on_logged_in(sender, request, user, **kwargs) -> None:
    account_login_succeeded(email=user.get_username())


def connect_signals() -> None:
    user_login_failed.connect(_on_login_failed, dispatch_uid="alera-account-backoff-failed")
    user_logged_in.connect(_on_logged_in, dispatch_uid="alera-account-backoff-ok")


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with at most PASSWORD_RESET_RATE_PER_IP requests per client
    address and PASSWORD_RESET_RATE_PER_EMAIL per address asked for. A throttled request
    gets the same "check your email" answer as any other (and no email), so the answer
    tells nobody whether the address has an account or has been asked for already."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        for group, rate, key in (
            ("password_reset.ip", settings.PASSWORD_RESET_RATE_PER_IP, None),
            ("password_reset.email", settings.PASSWORD_RESET_RATE_PER_EMAIL, email),
        ):
            usage = rate_limited(self.request, group=group, rate=rate, key=key)
            if usage is not None and not usage.allowed:
                logger.info("password reset throttled (%s)", group)
                return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
