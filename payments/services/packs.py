"""Class packs: sold through Checkout, delivered on payment, spent one credit per class.

Every change of `sessions_remaining` is a conditional UPDATE in the same transaction as the
`PackageCreditEntry` that explains it, so `sessions_remaining == sum(ledger deltas)` always.
Spending a credit on a booking and returning it on cancel are services here
(`package_credit_spend`, `package_credit_return`) that the booking engine calls, so only
this module writes packs and their ledger. Each change records one event (`pack.*`).
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Provider
from alera.errors import InvalidRequest
from alera.events import event_record
from alera.tokens import Purpose, token_make
from customers.services import client_upsert
from payments.errors import NotEnoughCredits
from payments.models import ClientPackage, PackageCreditEntry, PackageType, Payment
from payments.services.checkout import payment_create, payment_open_checkout

logger = logging.getLogger(__name__)


def package_type_for_sale(*, provider: Provider, public_id: str) -> PackageType:
    """The provider's active pack type; 400 for anything else (never says whose it is)."""
    package_type = PackageType.objects.filter(
        provider=provider, public_id=public_id, active=True
    ).first()
    if package_type is None:
        raise InvalidRequest("That package is not available.")
    return package_type


def package_checkout_start(
    *,
    provider: Provider,
    package_type: PackageType,
    name: str,
    email: str,
    phone: str = "",
    success_url: str,
    cancel_url: str,
) -> Payment:
    """Open a Checkout for a pack. Nothing is created for the buyer until it is paid.

    What was offered (sessions, validity) is frozen in `details`, so an owner editing the
    pack type while the buyer pays does not change what they get.
    """
    payment = payment_create(
        provider=provider,
        kind=Payment.Kind.PACKAGE,
        amount_cents=package_type.price_cents,
        description=f"{package_type.name} · {provider.display_name}",
        success_url=success_url,
        cancel_url=cancel_url,
        customer_email=email.strip().lower(),
        details={
            "package_type_id": package_type.pk,
            "sessions": package_type.sessions,
            "validity_days": package_type.validity_days,
            "client_name": name.strip(),
            "client_email": email.strip().lower(),
            "client_phone": phone,
        },
    )
    return payment_open_checkout(payment=payment)


def package_on_paid(payment: Payment) -> None:
    """Deliver a paid pack: client, pack, `bought` ledger row, magic-link email.

    Runs inside `payment_mark_paid`'s transaction, once per status change; the pack's
    OneToOne to the payment is the backstop against a second delivery.
    """
    if ClientPackage.objects.filter(payment=payment).exists():
        return
    details = payment.details
    package_type = PackageType.objects.get(pk=details["package_type_id"], provider=payment.provider)
    client = client_upsert(
        provider=payment.provider,
        name=details.get("client_name", ""),
        email=details["client_email"],
        phone=details.get("client_phone", ""),
    )
    sessions = int(details.get("sessions", package_type.sessions))
    validity = int(details.get("validity_days", package_type.validity_days))
    package = ClientPackage.objects.create(
        provider=payment.provider,
        client=client,
        package_type=package_type,
        sessions_total=sessions,
        sessions_remaining=sessions,
        expires_at=(payment.paid_at or timezone.now()) + dt.timedelta(days=validity),
        payment=payment,
    )
    PackageCreditEntry.objects.create(
        package=package, delta=sessions, reason=PackageCreditEntry.Reason.BOUGHT
    )
    _pack_event("bought", package, client.public_id, delta=sessions, paymentId=payment.public_id)


def _pack_event(kind: str, package: ClientPackage, client_id: str, **payload) -> None:
    event_record(
        kind=f"pack.{kind}",
        provider=package.provider_id,
        subject_id=package.public_id,
        client_id=client_id,
        payload={"sessionsRemaining": package.sessions_remaining, **payload},
        refs={"package_id": package.pk},
    )


def package_credit_spend(*, package: ClientPackage, enrollment, now: dt.datetime) -> None:
    """Spend one credit of `package` on `enrollment` (a booking being created in the caller's
    transaction). A conditional UPDATE whose row count decides, so concurrent bookings can
    never take the balance below zero; NotEnoughCredits when empty or expired."""
    used = ClientPackage.objects.filter(
        pk=package.pk, sessions_remaining__gt=0, expires_at__gt=now
    ).update(sessions_remaining=F("sessions_remaining") - 1)
    if not used:
        raise NotEnoughCredits("This class pack has no credits left or has expired.")
    PackageCreditEntry.objects.create(
        package=package,
        delta=-1,
        reason=PackageCreditEntry.Reason.USED,
        enrollment=enrollment,
        note=f"Booked {enrollment.class_session.public_id}",
    )
    package.sessions_remaining -= 1
    _pack_event(
        "credit_used",
        package,
        package.client.public_id,
        delta=-1,
        enrollmentId=enrollment.public_id,
    )


def package_credit_return(*, enrollment, note: str = "Cancelled inside the cancel window.") -> None:
    """Give a cancelled booking's credit back to its pack (in the cancel's transaction)."""
    package = ClientPackage.objects.select_related("client").get(pk=enrollment.client_package_id)
    ClientPackage.objects.filter(pk=package.pk).update(
        sessions_remaining=F("sessions_remaining") + 1
    )
    PackageCreditEntry.objects.create(
        package=package,
        delta=1,
        reason=PackageCreditEntry.Reason.RETURNED,
        enrollment=enrollment,
        note=note,
    )
    package.sessions_remaining += 1
    _pack_event(
        "credit_returned",
        package,
        package.client.public_id,
        delta=1,
        enrollmentId=enrollment.public_id,
    )


def package_portal_url(package: ClientPackage) -> str:
    """The buyer's magic link into the customer portal (a 30-day customer token)."""
    token = token_make(
        Purpose.CUSTOMER,
        record_id=package.client.public_id,
        provider_id=package.provider.public_id,
    )
    return f"{settings.SITE_URL}/me/{token}"


def package_adjust(*, package: ClientPackage, delta: int, note: str) -> ClientPackage:
    """An owner's correction (+ goodwill credit, - a class taken off the books).

    A positive adjustment also grows `sessions_total` (credits ever granted); a negative
    one that would go below zero is refused (409) and changes nothing.
    """
    with transaction.atomic():
        if not isinstance(delta, int) or delta == 0:
            raise InvalidRequest("An adjustment is a non-zero whole number of credits.")
        note = (note or "").strip()
        if not note:
            raise InvalidRequest("Say why the credits are adjusted.")
        updated = ClientPackage.objects.filter(
            pk=package.pk, sessions_remaining__gte=max(0, -delta)
        ).update(
            sessions_remaining=F("sessions_remaining") + delta,
            sessions_total=F("sessions_total") + max(delta, 0),
        )
        if updated != 1:
            raise NotEnoughCredits()
        PackageCreditEntry.objects.create(
            package=package, delta=delta, reason=PackageCreditEntry.Reason.ADJUSTED, note=note[:255]
        )
        package.refresh_from_db(fields=["sessions_remaining", "sessions_total"])
        _pack_event("adjusted", package, package.client.public_id, delta=delta, note=note[:255])
        return package


def package_expire(*, package_id: int, now: dt.datetime | None = None) -> int:
    """Zero one pack's credits past its expiry with an `expired` ledger row; credits taken."""
    with transaction.atomic():
        now = now or timezone.now()
        package = (
            ClientPackage.objects.select_for_update()
            .filter(pk=package_id, expires_at__lte=now, sessions_remaining__gt=0)
            .first()
        )
        if package is None:
            return 0
        remaining = package.sessions_remaining
        updated = ClientPackage.objects.filter(pk=package.pk, sessions_remaining=remaining).update(
            sessions_remaining=0
        )
        if updated != 1:
            return 0
        PackageCreditEntry.objects.create(
            package=package, delta=-remaining, reason=PackageCreditEntry.Reason.EXPIRED
        )
        package.sessions_remaining = 0
        _pack_event("expired", package, package.client.public_id, delta=-remaining)
        return remaining


def package_expire_due(*, now: dt.datetime | None = None) -> int:
    """The beat sweep: expire every pack past its date that still has credits."""
    now = now or timezone.now()
    due = ClientPackage.objects.filter(expires_at__lte=now, sessions_remaining__gt=0)
    expired = 0
    for package_id in due.values_list("pk", flat=True).iterator():
        expired += 1 if package_expire(package_id=package_id, now=now) else 0
    if expired:
        logger.info("expired %d class pack(s)", expired)
    return expired
