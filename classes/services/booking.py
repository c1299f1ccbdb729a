"""Booking a seat: free and pack bookings confirm at once, paid ones hold a seat for Checkout.

Locking discipline: the ClassSession row (and only that row: `of=("self",)`) is locked before
seats are counted, so on PostgreSQL N concurrent bookers for K seats give exactly K winners,
while bookings on other classes of the same studio run in parallel. Lock order is the
client's row (its upsert) before the class row, here and in `waitlist_join`, so two requests
of one customer can never deadlock. Stripe is only called after that transaction has committed.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Provider
from alera.emails import email_queue
from alera.errors import NotAuthenticated
from alera.locking import lock_timeout
from alera.timefmt import format_when
from classes.errors import AlreadyBooked, ClassFull, ClassNotFound, PackNotFound
from classes.models import ClassSession, Enrollment
from classes.selectors import booking_state, waitlist_active
from classes.services.common import enrollment_event, ensure_bookable, release_stale_hold
from customers.errors import CustomerGone
from customers.models import Client
from customers.selectors import client_for_token
from customers.services import client_upsert
from payments.models import ClientPackage, Payment
from payments.services.checkout import (
    checkout_expiry,
    payment_create,
    payment_open_checkout,
    require_payments_enabled,
)
from payments.services.packs import package_credit_spend


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
    provider: Provider,
    class_id: str,
    customer: Customer,
    success_url: str,
    cancel_url: str,
    pack: PackRedemption | None = None,
) -> Enrollment:
    """Book one seat on `provider`'s class `class_id` for `customer`.

    Free or pack-paid → Confirmed. Paid → PendingPayment holding the seat until the Checkout
    expires, then the Checkout is opened; if Stripe fails the hold is released and
    PaymentFailed (502) propagates. Errors come in the contract's order: 404 unknown class,
    410 cancelled or started, pack token/ownership (401/403/404), 412 no Stripe Connect,
    409 already booked or full. The returned enrollment carries its `class_session`.
    """
    enrollment = _reserve(
        provider=provider,
        class_id=class_id,
        customer=customer,
        pack=pack,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    if enrollment.payment is not None:
        payment_open_checkout(payment=enrollment.payment, expires_at=enrollment.hold_expires_at)
        # The partner may lose the customer mid-redirect; the email keeps the way back to pay.
        email_queue("payment_pending", enrollment_id=enrollment.pk)
    return enrollment


def _reserve(
    *,
    provider: Provider,
    class_id: str,
    customer: Customer,
    pack: PackRedemption | None,
    success_url: str,
    cancel_url: str,
) -> Enrollment:
    with transaction.atomic():
        # Everything between the lock and COMMIT serialises the bookings of this class, so the
        # locked section is kept to: lock, one state query, insert. A card or free booking's client
        # is upserted before the lock (a 404 or 410 below rolls the upsert back with the rest); a
        # pack booking's client comes from the pack, checked after the class so the contract's
        # error order holds.
        now = timezone.now()
        client = (
            None
            if pack
            else client_upsert(
                provider=provider, name=customer.name, email=customer.email, phone=customer.phone
            )
        )
        with lock_timeout():
            session = (
                ClassSession.objects.select_for_update(of=("self",))
                .filter(provider=provider, public_id=class_id)
                .first()
            )
        if session is None:
            raise ClassNotFound()
        session.provider = provider
        ensure_bookable(session=session, now=now)
        package = _pack_for(provider=provider, pack=pack) if pack else None
        if session.price_cents and package is None:
            require_payments_enabled(provider)
        if package is not None:
            client = package.client
        state = booking_state(session=session, client_id=client.pk, now=now)
        if state.stale_hold:
            release_stale_hold(session=session, client=client, now=now)
        if state.booked:
            raise AlreadyBooked()
        if state.seats_left <= 0:
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
        if state.waiting:  # someone who was waiting and then booked directly is no longer waiting
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
    enrollment_event("confirmed", enrollment)
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
        description=f"{session.name_snapshot}, "
        f"{format_when(session.scheduled_at, session.provider.tz)}",
        success_url=success_url,
        cancel_url=cancel_url,
        customer_email=client.email,
        details={"class_session_id": session.public_id},
    )
    enrollment = Enrollment.objects.create(
        provider=session.provider,
        class_session=session,
        client=client,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=checkout_expiry(now).replace(microsecond=0),
        price_cents=session.price_cents,
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
    )
    enrollment_event(
        "held", enrollment, payload={"holdExpiresAt": enrollment.hold_expires_at.isoformat()}
    )
    return enrollment


def _pack_for(*, provider: Provider, pack: PackRedemption) -> ClientPackage:
    """The customer's own pack named in the request: 401/403/404 as the contract says
    (a token from before the customer signed out is a 401 like an expired one)."""
    try:
        client = client_for_token(token=pack.customer_token, provider=provider)
    except NotAuthenticated as exc:
        raise type(exc)(f"customerToken: {exc.message}", **exc.hints) from exc
    except CustomerGone as exc:
        raise PackNotFound() from exc
    package = (
        ClientPackage.objects.select_related("client")
        .filter(provider=provider, public_id=pack.client_package_id, client=client)
        .first()
    )
    if package is None:
        raise PackNotFound()
    return package


def _book_with_pack(
    *, session: ClassSession, client: Client, package: ClientPackage, now: dt.datetime
) -> Enrollment:
    # The credit is spent by the payments service in this transaction: an empty or expired
    # pack raises NotEnoughCredits (409) and rolls the booking back with it.
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
    package_credit_spend(package=package, enrollment=enrollment, now=now)
    enrollment_event("confirmed", enrollment, payload={"clientPackageId": package.public_id})
    return enrollment
