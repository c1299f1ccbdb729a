"""Reads for the customer portal, the /api/customer/me summary and the calendar feed.

Every read starts from a client (itself reached through a verified token or its calendar
secret), so one customer never sees another studio's or another customer's records.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Provider
from alera.api.errors import ApiError
from classes.models import ClassSession, Enrollment, WaitlistEntry
from customers.models import Client
from customers.tokens import Purpose, TokenInvalid, token_read
from payments.models import ClientPackage, GiftCard

CLIENT_GONE = "This customer no longer exists."
# How many past bookings the summary and portal show (newest first).
PAST_LIMIT = 50


def client_for_token(*, token: str | None, provider: Provider | None = None) -> Client:
    """The client a customer token names. 401 bad/expired/signed out, 403 other studio,
    404 gone."""
    try:
        data = token_read(Purpose.CUSTOMER, token or "")
    except TokenInvalid as exc:
        hints = {"expired": True} if exc.expired else {}
        raise ApiError(401, str(exc), **hints) from exc
    if provider is not None and data.provider_id != provider.public_id:
        raise ApiError(403, "This customer token belongs to another studio.")
    client = (
        Client.objects.select_related("provider")
        .filter(public_id=data.record_id, provider__public_id=data.provider_id)
        .first()
    )
    if client is None:
        raise ApiError(404, CLIENT_GONE)
    if client.signed_out_since(data.issued_at):
        raise ApiError(401, "You signed out, so this link no longer works.", signedOut=True)
    return client


@dataclass(frozen=True)
class Bookings:
    upcoming: list[Enrollment]
    past: list[Enrollment]


def client_bookings(*, client: Client, now: dt.datetime | None = None) -> Bookings:
    """Live bookings: upcoming (soonest first) and past (newest first), two queries."""
    now = now or timezone.now()
    base = (
        Enrollment.objects.filter(client=client, provider_id=client.provider_id)
        .filter(
            Q(status__in=Enrollment.SEAT_TAKING)
            | Q(status=Enrollment.Status.PENDING_PAYMENT, hold_expires_at__gt=now)
        )
        .select_related("class_session", "class_session__service")
    )
    upcoming = base.filter(
        class_session__scheduled_at__gte=now,
        class_session__status=ClassSession.Status.SCHEDULED,
    ).order_by("class_session__scheduled_at", "pk")
    past = base.filter(class_session__scheduled_at__lt=now).order_by(
        "-class_session__scheduled_at", "-pk"
    )[:PAST_LIMIT]
    return Bookings(upcoming=list(upcoming), past=list(past))


def client_waitlist(*, client: Client, now: dt.datetime | None = None) -> list[WaitlistEntry]:
    """The client's places on waitlists of classes still ahead, soonest first, each with its
    `place` (1-based among entries still waiting, as `waitlist_position` counts), one query."""
    now = now or timezone.now()
    waiting = Q(promoted_at__isnull=True, cancelled_at__isnull=True)
    ahead = (
        WaitlistEntry.objects.filter(
            waiting, class_session=OuterRef("class_session"), position__lte=OuterRef("position")
        )
        .order_by()
        .values("class_session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        WaitlistEntry.objects.filter(
            waiting,
            client=client,
            provider_id=client.provider_id,
            class_session__status=ClassSession.Status.SCHEDULED,
            class_session__scheduled_at__gte=now,
        )
        .select_related("class_session")
        .annotate(place=Subquery(ahead))
        .order_by("class_session__scheduled_at", "pk")
    )


def client_active_packages(*, client: Client, now: dt.datetime | None = None) -> list:
    """Packs with credits left that have not expired, soonest expiry first."""
    now = now or timezone.now()
    return list(
        ClientPackage.objects.filter(
            client=client,
            provider_id=client.provider_id,
            sessions_remaining__gt=0,
            expires_at__gt=now,
        )
        .select_related("package_type")
        .order_by("expires_at", "pk")
    )


def gift_card_for_code(*, provider: Provider, code: str) -> GiftCard | None:
    """The studio's gift card with this code, read-only; None if unknown. Typed any way
    (lower case, in fours, with dashes), as `gift_card_code_normalize` reads it."""
    from payments.services.gift_cards import gift_card_code_normalize

    try:
        code = gift_card_code_normalize(code)
    except ApiError:
        return None
    return GiftCard.objects.filter(provider=provider, code=code).first()


def client_for_calendar_secret(*, secret: str) -> Client | None:
    if not secret or len(secret) > 64:
        return None
    return Client.objects.select_related("provider").filter(calendar_secret=secret).first()


def calendar_enrollments(*, client: Client, now: dt.datetime | None = None) -> list[Enrollment]:
    """Upcoming confirmed seats of the client in scheduled classes, soonest first."""
    now = now or timezone.now()
    return list(
        Enrollment.objects.filter(
            client=client,
            provider_id=client.provider_id,
            status=Enrollment.Status.CONFIRMED,
            class_session__status=ClassSession.Status.SCHEDULED,
            class_session__scheduled_at__gte=now - dt.timedelta(hours=12),
        )
        .select_related("class_session", "class_session__instructor")
        .order_by("class_session__scheduled_at", "pk")
    )


def calendar_last_removal(*, client: Client) -> dt.datetime | None:
    """When a booking last left the feed (cancelled by anyone, or its class cancelled)."""
    stamps = Enrollment.objects.filter(client=client, provider_id=client.provider_id).aggregate(
        cancelled=Max("cancelled_at"), class_cancelled=Max("class_session__cancelled_at")
    )
    values = [v for v in stamps.values() if v is not None]
    return max(values) if values else None
