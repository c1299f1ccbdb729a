"""A shared two-studio test world, and a snapshot that says which money and seat rows changed.

Fixtures of one studio, one class, one pack and one card let a query that forgot its
`pk=` or `public_id=` filter pass: the only row it can hit is the right one. This world has
neighbours everywhere (two studios, each with several classes, customers, packs, cards and
booked seats), and `changed_since(before)` lists every tracked row that changed, appeared or
went away, so a test asserts "this changed, and nothing else".
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Provider
from classes.models import Appointment, ClassSession, Enrollment, WaitlistEntry
from customers.models import Client
from payments.models import (
    ClientPackage,
    GiftCard,
    GiftCardRedemption,
    PackageCreditEntry,
    Payment,
    PaymentRefund,
    StripeEvent,
)
from tests import factories

# What a wrong row would change: status, money, credits, seats.
TRACKED = {
    ClassSession: ("status", "cancelled_at", "capacity"),
    Enrollment: (
        "status",
        "client_id",
        "class_session_id",
        "payment_id",
        "client_package_id",
        "amount_paid_cents",
        "refunded_cents",
        "refund_id",
        "cancelled_at",
        "late_cancel",
        "hold_expires_at",
    ),
    WaitlistEntry: ("promoted_at", "cancelled_at", "enrollment_id", "position"),
    ClientPackage: ("sessions_remaining", "sessions_total", "expires_at"),
    PackageCreditEntry: ("package_id", "delta", "enrollment_id"),
    GiftCard: ("balance_cents",),
    GiftCardRedemption: ("gift_card_id", "appointment_id", "amount_cents"),
    Payment: ("status", "amount_cents", "refunded_cents", "refund_id", "paid_at"),
    PaymentRefund: ("payment_id", "status", "amount_cents", "stripe_refund_id", "enrollment_id"),
    StripeEvent: ("processed_at",),
}

Snapshot = dict[tuple[str, int], tuple]


def snapshot() -> Snapshot:
    """Every tracked row's tracked fields, keyed by (model name, pk)."""
    rows: Snapshot = {}
    for model, fields in TRACKED.items():
        for values in model.objects.values_list("pk", *fields):
            rows[(model.__name__, values[0])] = values[1:]
    return rows


def changed_since(
    before: Snapshot, *, new_rows_ignored: tuple[str, ...] = ("StripeEvent",)
) -> dict[str, set[int]]:
    """{model name: pks} of the rows changed, created or deleted since `before`.

    A webhook's own new `StripeEvent` row is left out by default; an existing event that
    changes (marked processed) is always listed.
    """
    after = snapshot()
    changes: dict[str, set[int]] = {}
    for key in before.keys() | after.keys():
        if key not in before and key[0] in new_rows_ignored:
            continue
        if before.get(key) != after.get(key):
            changes.setdefault(key[0], set()).add(key[1])
    return changes


@dataclass
class Studio:
    provider: Provider
    classes: list[ClassSession]  # paid (6 seats), paid (2 seats), free
    customers: list[Client]
    packs: list[ClientPackage]  # one per customer, 3 credits each
    cards: list[GiftCard]  # two cards of $100
    bookings: list[Enrollment]  # confirmed, card-paid, on the first two classes
    waiting: list[WaitlistEntry]  # on the second class
    appointment: Appointment
    other_appointment: Appointment

    @property
    def paid_class(self) -> ClassSession:
        return self.classes[0]


@dataclass
class World:
    home: Studio
    away: Studio
    everyone: list[Studio] = field(default_factory=list)


def _paid_booking(session: ClassSession, client: Client, intent: str) -> Enrollment:
    payment = factories.PaymentFactory(
        provider=session.provider,
        amount_cents=session.price_cents,
        status=Payment.Status.PAID,
        paid_at=timezone.now(),
        payment_intent_id=intent,
    )
    return factories.EnrollmentFactory(
        class_session=session,
        client=client,
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
        amount_paid_cents=session.price_cents,
    )


def pack_booking(session: ClassSession, package: ClientPackage) -> Enrollment:
    """A confirmed booking of `session` paid with one of `package`'s credits."""
    return factories.EnrollmentFactory(
        class_session=session,
        client=package.client,
        paid_with=Enrollment.PaidWith.PACK,
        client_package=package,
    )


def held_booking(
    session: ClassSession, payment: Payment, *, minutes_left: float = 20
) -> Enrollment:
    """A card hold on `session` for `payment`'s open Checkout, `minutes_left` to go."""
    return factories.EnrollmentFactory(
        class_session=session,
        status=Enrollment.Status.PENDING_PAYMENT,
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
        hold_expires_at=timezone.now() + dt.timedelta(minutes=minutes_left),
        confirmed_at=None,
    )


def build_studio(provider: Provider, *, days_out: float = 3) -> Studio:
    """One studio's share of the world; its classes start `days_out` days from now."""
    starts = timezone.now() + dt.timedelta(days=days_out)
    classes = [
        factories.ClassSessionFactory(
            provider=provider, price_cents=2000, capacity=6, scheduled_at=starts
        ),
        factories.ClassSessionFactory(
            provider=provider,
            price_cents=2500,
            capacity=2,
            scheduled_at=starts + dt.timedelta(hours=2),
        ),
        factories.ClassSessionFactory(
            provider=provider,
            service__price_cents=0,
            service__name="Community Yoga",
            scheduled_at=starts + dt.timedelta(hours=4),
        ),
    ]
    customers = [factories.ClientFactory(provider=provider) for _ in range(4)]
    packs = [
        factories.ClientPackageFactory(
            provider=provider,
            package_type__provider=provider,
            client=customer,
            sessions_total=3,
            sessions_remaining=3,
        )
        for customer in customers
    ]
    cards = [factories.GiftCardFactory(provider=provider) for _ in range(2)]
    handle = provider.handle
    bookings = [
        _paid_booking(classes[0], customers[1], f"pi_{handle}_1"),
        _paid_booking(classes[0], customers[2], f"pi_{handle}_2"),
        _paid_booking(classes[1], customers[1], f"pi_{handle}_3"),
        _paid_booking(classes[1], customers[2], f"pi_{handle}_4"),
    ]
    waiting = [
        factories.WaitlistEntryFactory(class_session=classes[1], client=customers[3], position=1)
    ]
    appointments = [
        factories.AppointmentFactory(provider=provider, client=customers[n]) for n in (0, 1)
    ]
    return Studio(
        provider=provider,
        classes=classes,
        customers=customers,
        packs=packs,
        cards=cards,
        bookings=bookings,
        waiting=waiting,
        appointment=appointments[0],
        other_appointment=appointments[1],
    )


def build_world(provider: Provider, *, days_out: float = 3) -> World:
    """`provider` (the API key's studio) and another studio, each with its neighbours. The
    other studio is built first, so its rows hold the lower ids."""
    away = build_studio(factories.ProviderFactory(handle="other-studio"), days_out=days_out)
    home = build_studio(provider, days_out=days_out)
    return World(home=home, away=away, everyone=[home, away])
