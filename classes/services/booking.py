"""Booking a seat: free and pack bookings confirm at once, paid ones hold a seat for Checkout.

Locking discipline: the ClassSession row is locked (`select_for_update`) before seats are
counted, so on PostgreSQL N concurrent bookers for K seats give exactly K winners. Stripe is
only called after that transaction has committed.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Provider
from alera.api.errors import ApiError
from classes.errors import ClassFull
from classes.models import ClassSession, Enrollment
from classes.selectors import seats_left, waitlist_active
from classes.services.common import (
    ensure_bookable,
    ensure_not_booked,
    release_stale_hold,
    session_lock,
)
from customers.emails import email_queue
from customers.models import Client
from customers.selectors import client_for_token
from customers.services import client_upsert
from payments.models import ClientPackage, PackageCreditEntry, Payment
from payments.services.checkout import (
    checkout_expiry,
    payment_create,
    payment_open_checkout,
    require_payments_enabled,
)


@dataclass(frozen=True)
class Customer:
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class PackRedemption:
    client_package_id: str
    customer_token: str


def enrollment_book(
    *,
    session: ClassSession,
    customer: Customer,
    success_url: str,
    cancel_url: str,
    pack: PackRedemption | None = None,
) -> Enrollment:
    """Book one seat for `customer`; returns the enrollment (with `payment` for a paid one).

    Free or pack-paid → Confirmed. Paid → PendingPayment holding the seat until the Checkout
    expires, then the Checkout is opened; if Stripe fails the hold is released and
    PaymentFailed (502) propagates.
    """
    provider = session.provider
    ensure_bookable(session=session)  # 410 before 412; decided again under the lock
    package = _pack_for(provider=provider, pack=pack) if pack else None
    if session.price_cents and package is None:
        require_payments_enabled(provider)
    enrollment = _reserve(
        session_id=session.pk,
        customer=customer,
        package=package,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    if enrollment.payment is not None:
        payment_open_checkout(payment=enrollment.payment, expires_at=enrollment.hold_expires_at)
        # The partner may lose the customer mid-redirect; the email keeps the way back to pay.
        email_queue("payment_pending", enrollment_id=enrollment.pk)
    return enrollment


@transaction.atomic
def _reserve(
    *,
    session_id: int,
    customer: Customer,
    package: ClientPackage | None,
    success_url: str,
    cancel_url: str,
) -> Enrollment:
    now = timezone.now()
    session = session_lock(session_id=session_id)
    ensure_bookable(session=session, now=now)
    if package is not None:
        client = package.client
    else:
        client = client_upsert(
            provider=session.provider,
            name=customer.name,
            email=customer.email,
            phone=customer.phone,
        )
    release_stale_hold(session=session, client=client, now=now)
    ensure_not_booked(session=session, client=client)
    if seats_left(session=session, now=now) <= 0:
        raise ClassFull()
    if not session.price_cents:
        enrollment = confirm_free(session=session, client=client, now=now)
    elif package is not None:
        enrollment = _book_with_pack(session=session, client=client, package=package, now=now)
    else:
        enrollment = hold_seat(
            session=session,
            client=client,
            success_url=success_url,
            cancel_url=cancel_url,
            now=now,
        )
    # Someone who was waiting and then booked directly is no longer waiting.
    waitlist_active(session=session).filter(client=client).update(
        promoted_at=now, enrollment=enrollment
    )
    return enrollment


def confirm_free(*, session: ClassSession, client: Client, now: dt.datetime) -> Enrollment:
    """A Confirmed free seat (call under the session lock, after the seat check)."""
    enrollment = Enrollment.objects.create(
        provider=session.provider,
        class_session=session,
        client=client,
        status=Enrollment.Status.CONFIRMED,
        price_cents=0,
        paid_with=Enrollment.PaidWith.FREE,
        confirmed_at=now,
    )
    email_queue("booking_confirmed", enrollment_id=enrollment.pk)
    return enrollment


def hold_seat(
    *,
    session: ClassSession,
    client: Client,
    success_url: str,
    cancel_url: str,
    now: dt.datetime,
) -> Enrollment:
    """A PendingPayment enrollment and its Payment (call under the session lock)."""
    payment = payment_create(
        provider=session.provider,
        kind=Payment.Kind.ENROLLMENT,
        amount_cents=session.price_cents,
        description=f"{session.name_snapshot}, {session.scheduled_at:%Y-%m-%d %H:%M} UTC",
        success_url=success_url,
        cancel_url=cancel_url,
        customer_email=client.email,
        details={"class_session_id": session.public_id},
    )
    return Enrollment.objects.create(
        provider=session.provider,
        class_session=session,
        client=client,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=checkout_expiry(now).replace(microsecond=0),
        price_cents=session.price_cents,
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
    )


def _pack_for(*, provider: Provider, pack: PackRedemption) -> ClientPackage:
    """The customer's own pack named in the request: 401/403/404 as the contract says
    (a token from before the customer signed out is a 401 like an expired one)."""
    try:
        client = client_for_token(token=pack.customer_token, provider=provider)
    except ApiError as exc:
        if exc.status_code == 401:
            raise ApiError(401, f"customerToken: {exc.message}", **exc.hints) from exc
        if exc.status_code == 404:
            raise ApiError(404, "No such class pack for this customer.") from exc
        raise
    package = (
        ClientPackage.objects.select_related("client")
        .filter(provider=provider, public_id=pack.client_package_id, client=client)
        .first()
    )
    if package is None:
        raise ApiError(404, "No such class pack for this customer.")
    return package


def _book_with_pack(
    *, session: ClassSession, client: Client, package: ClientPackage, now: dt.datetime
) -> Enrollment:
    # A conditional UPDATE whose row count decides: concurrent redemptions can never take the
    # balance below zero, and the ledger row is written in the same transaction.
    used = ClientPackage.objects.filter(
        pk=package.pk, sessions_remaining__gt=0, expires_at__gt=now
    ).update(sessions_remaining=F("sessions_remaining") - 1)
    if not used:
        raise ApiError(409, "This class pack has no credits left or has expired.")
    enrollment = Enrollment.objects.create(
        provider=session.provider,
        class_session=session,
        client=client,
        status=Enrollment.Status.CONFIRMED,
        price_cents=session.price_cents,
        paid_with=Enrollment.PaidWith.PACK,
        client_package=package,
        confirmed_at=now,
    )
    PackageCreditEntry.objects.create(
        package=package,
        delta=-1,
        reason=PackageCreditEntry.Reason.USED,
        enrollment=enrollment,
        note=f"Booked {session.public_id}",
    )
    email_queue("booking_confirmed", enrollment_id=enrollment.pk)
    return enrollment
