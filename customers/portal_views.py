"""The hosted customer portal: `/me/<token>` and the pages emailed links open.

The customer token lives only in the URL (nothing is stored server-side). Every page reaches
its records through the verified token, so a customer only ever sees their own studio's and
their own rows. Bad or expired links get a friendly page offering a fresh link, never a 500.
GET never changes state; every change is a POST with a CSRF token calling a service.
"""

import datetime as dt
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Provider
from alera.api.errors import ApiError
from alera.api.ratelimit import rate_limited
from customers.ical import calendar_feed_url
from customers.selectors import (
    CLIENT_GONE,
    client_active_packages,
    client_bookings,
    client_for_token,
    client_waitlist,
    gift_card_for_code,
)
from customers.services import client_rotate_calendar_secret, client_sign_out, signin_link_send
from customers.tokens import Purpose, token_peek_provider


def _limited(request, *, group: str, rate: str) -> bool:
    """Count a portal request against a per-IP rate; True when over it."""
    usage = rate_limited(request, group=group, rate=rate)
    return usage is not None and not usage.allowed


def portal_render(request, template: str, context: dict, *, status: int = 200):
    """Render with dates in the studio's time zone (the page speaks the studio's local time)."""
    provider = context.get("provider")
    with timezone.override(provider.tz if provider is not None else dt.UTC):
        return render(request, template, context, status=status)


def link_problem(request, *, error: ApiError, token: str = "", purpose=Purpose.CUSTOMER):
    """The friendly page for a link that can't be used, with a form for a new magic link."""
    provider = None
    provider_id = token_peek_provider(purpose, token) if token else None
    if provider_id:
        provider = Provider.objects.filter(public_id=provider_id).first()
    context = {
        "provider": provider,
        "expired": bool(error.hints.get("expired")),
        "signed_out": bool(error.hints.get("signedOut")),
        "tip": purpose == Purpose.TIP,
        "detail": _detail_for_customer(error),
    }
    return portal_render(request, "customers/link_problem.html", context, status=error.status_code)


def _detail_for_customer(error: ApiError) -> str:
    """The error in a customer's words. A link that is bad, expired or signed out is
    explained by the page itself (the services' "The token is invalid." is for partner
    developers); a record that is gone is named."""
    if error.status_code != 404:
        return ""
    if error.message == CLIENT_GONE:
        return "We can't find your bookings at this studio any more."
    return error.message


def provider_for_form(studio: str) -> Provider | None:
    """The studio a new-link form names: its public id (from a link), or what a customer
    types, its name as the emails show it (when only one studio has it) or its handle."""
    studio = studio.strip()[:200]
    if not studio:
        return None
    found = Provider.objects.filter(Q(public_id=studio) | Q(handle=studio.lower())).first()
    if found is not None:
        return found
    named = list(Provider.objects.filter(display_name__iexact=studio)[:2])
    return named[0] if len(named) == 1 else None


@never_cache
@require_http_methods(["GET", "HEAD"])
def portal_home(request, token: str):
    """Upcoming and past bookings, waitlist places, packs, gift-card lookup, calendar links,
    sign out."""
    return _portal_page(request, token)


@never_cache
@require_POST
def portal_gift_card_check(request, token: str):
    """The gift-card balance check: a POST, so the code never sits in a URL (browser
    history, a shared screen's address bar, proxy logs). Answers with the portal page."""
    return _portal_page(request, token, lookup=True)


def _portal_page(request, token: str, *, lookup: bool = False):
    try:
        client = client_for_token(token=token)
    except ApiError as exc:
        return link_problem(request, error=exc, token=token)
    provider = client.provider
    bookings = client_bookings(client=client)
    feed_url = calendar_feed_url(client=client)
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    context = {
        "token": token,
        "client": client,
        "provider": provider,
        "bookings": bookings,
        "packages": client_active_packages(client=client),
        "waitlist": client_waitlist(client=client),
        "feed_url": feed_url,
        "webcal_url": webcal_url,
        "google_url": "https://calendar.google.com/calendar/r?cid=" + quote(webcal_url, safe=""),
        **(_gift_card_lookup(request, provider=provider) if lookup else {}),
    }
    return portal_render(request, "customers/portal.html", context)


def _gift_card_lookup(request, *, provider: Provider) -> dict:
    code = (request.POST.get("code") or "").strip()[:40]
    if not code:
        return {"gift_error": "Enter the 16-character code from the gift card."}
    if _limited(request, group="portal.gift_card", rate="30/m"):
        return {"gift_code": code, "gift_error": "Too many lookups; try again in a minute."}
    card = gift_card_for_code(provider=provider, code=code)
    if card is None:
        return {"gift_code": code, "gift_error": "No gift card with that code at this studio."}
    return {"gift_code": code, "gift_card": card}


@never_cache
@require_POST
def portal_rotate_calendar(request, token: str):
    """A new calendar address; calendars subscribed to the old one stop updating."""
    try:
        client = client_for_token(token=token)
    except ApiError as exc:
        return link_problem(request, error=exc, token=token)
    client_rotate_calendar_secret(client=client)
    messages.success(
        request, "Your calendar has a new address. Subscribe again; the old one no longer works."
    )
    return HttpResponseRedirect(reverse("portal-home", args=[token]) + "#calendar")


@require_POST
def portal_sign_out(request, token: str):
    """End every portal link of this customer, then leave the page that carries the token."""
    try:
        client = client_for_token(token=token)
    except ApiError:
        return HttpResponseRedirect(reverse("portal-signed-out"))
    client_sign_out(client=client)
    return HttpResponseRedirect(
        reverse("portal-signed-out") + "?studio=" + quote(client.provider.handle)
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def portal_signed_out(request):
    handle = (request.GET.get("studio") or "").strip().lower()
    provider = Provider.objects.filter(handle=handle).first() if handle else None
    return portal_render(request, "customers/signed_out.html", {"provider": provider})


@never_cache
@require_POST
def portal_new_link(request):
    """Email a fresh magic link; the same answer whether or not the email is a customer."""
    provider = provider_for_form(request.POST.get("studio") or "")
    email = (request.POST.get("email") or "").strip()
    context = {"provider": provider, "email": email}
    if _limited(request, group="portal.new_link", rate="5/m"):
        context["error"] = "Too many requests; please try again in a minute."
        return portal_render(request, "customers/link_sent.html", context, status=429)
    if not email or "@" not in email or len(email) > 254:
        context["error"] = "Please enter the email address you booked with."
        return portal_render(request, "customers/link_sent.html", context, status=400)
    if provider is not None:
        signin_link_send(provider=provider, email=email, origin=settings.SITE_URL)
    return portal_render(request, "customers/link_sent.html", context)
