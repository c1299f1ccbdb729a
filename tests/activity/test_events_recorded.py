"""Every state change writes exactly one event row, with its actor and the subject's id."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.services import (
    api_key_mint,
    api_key_revoke,
    provider_settings_update,
    staff_invite,
)
from alera.events import Actor, acting_as
from alera.models import Event
from alera.tokens import Purpose, token_make
from classes.services.appointments import (
    appointment_cancel,
    appointment_complete,
    appointment_create,
    appointment_no_show,
)
from classes.services.booking import Customer, PackRedemption, enrollment_book
from classes.services.cancellation import enrollment_cancel, session_cancel
from classes.services.roster import enrollment_check_in, enrollment_mark_no_show
from classes.services.schedule import class_session_create, class_session_update
from classes.services.waitlist import waitlist_join, waitlist_promote
from classes.tasks import release_expired_holds
from payments.models import ClientPackage, GiftCard, Payment, StripeEvent
from payments.services.checkout import payment_mark_paid
from payments.services.events import stripe_event_reprocess
from payments.services.gift_cards import gift_card_redeem
from payments.services.packs import package_adjust
from payments.tasks import expire_packages
from tests import factories

pytestmark = pytest.mark.django_db

JANE = Customer(name="Jane Doe", email="jane@example.com", phone="5125550100")
HOUR = dt.timedelta(hours=1)
URLS = {"success_url": "https://partner.example/ok", "cancel_url": "https://partner.example/no"}


@pytest.fixture
def owner(provider):
    return factories.MembershipFactory(provider=provider).user


@pytest.fixture
def rival():
    return factories.ProviderFactory(handle="rival-studio")


class Recorder:
    """The events written since the last look."""

    def __init__(self) -> None:
        self.seen = 0

    def new(self) -> list[Event]:
        rows = list(Event.objects.filter(pk__gt=self.seen).order_by("pk"))
        if rows:
            self.seen = rows[-1].pk
        return rows

    def one(self, kind: str) -> Event:
        rows = [e for e in self.new() if e.kind == kind]
        assert len(rows) == 1, [e.kind for e in rows]
        return rows[0]


@pytest.fixture
def events():
    recorder = Recorder()
    recorder.new()
    return recorder


def _paid(payment: Payment, event_id: str = "evt_1") -> None:
    with acting_as(Actor.stripe(event_id)):
        payment_mark_paid(payment_id=payment.pk, payment_intent_id="pi_1")


def test_bookings_record_held_confirmed_cancelled_expired_and_roster_moves(
    provider, owner, rival, events
):
    free = factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=5)
    with acting_as(Actor.partner_key("key-abc")):
        booked = enrollment_book(provider=provider, class_id=free.public_id, customer=JANE, **URLS)
    event = events.one("booking.confirmed")
    assert (event.provider_id, event.subject_id) == (provider.pk, booked.public_id)
    assert (event.class_id, event.client_id) == (free.public_id, booked.client.public_id)
    assert (event.actor_kind, event.actor_label) == ("partner_key", "key-abc")
    assert event.payload["status"] == "Confirmed"

    with acting_as(Actor.user(owner)):
        enrollment_check_in(enrollment=booked)
        assert events.one("booking.checked_in").actor_user_id == owner.pk
        enrollment_mark_no_show(enrollment=booked)
        assert events.one("booking.no_show").payload["status"] == "NoShow"

    other = factories.EnrollmentFactory(class_session=free)
    with acting_as(Actor.customer(other.client.public_id)):
        enrollment_cancel(enrollment=other, reason="Sick", by="customer")
    cancelled = events.one("booking.cancelled")
    assert (cancelled.actor_kind, cancelled.actor_label) == ("customer", other.client.public_id)
    assert cancelled.payload["cancelledBy"] == "customer"
    assert cancelled.payload["cancelReason"] == "Sick"

    paid = factories.ClassSessionFactory(provider=provider, price_cents=2000)
    hold = factories.EnrollmentFactory(
        class_session=paid,
        status="PendingPayment",
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1),
        payment=factories.PaymentFactory(provider=provider),
    )
    release_expired_holds()
    expired = events.one("booking.expired")
    assert (expired.subject_id, expired.actor_kind) == (hold.public_id, "scheduler")
    assert Event.objects.filter(provider=rival).count() == 0


def test_a_paid_hold_is_held_by_the_partner_and_confirmed_by_stripe(provider, events, fake_stripe):
    provider.stripe_account_id, provider.stripe_charges_enabled = "acct_1", True
    provider.save()
    paid = factories.ClassSessionFactory(provider=provider, price_cents=2000)
    with acting_as(Actor.partner_key("key-abc")):
        hold = enrollment_book(provider=provider, class_id=paid.public_id, customer=JANE, **URLS)
    assert events.one("booking.held").actor_kind == "partner_key"
    _paid(hold.payment, "evt_paid")
    confirmed = events.one("booking.confirmed")
    assert (confirmed.subject_id, confirmed.actor_kind) == (hold.public_id, "stripe")
    assert confirmed.payload["amountPaidCents"] == 2000


def test_waitlist_join_and_promote_and_class_lifecycle(provider, owner, events):
    service = factories.ServiceFactory(provider=provider, price_cents=0)
    starts = timezone.now() + dt.timedelta(days=3)
    with acting_as(Actor.user(owner)):
        session = class_session_create(
            provider=provider, service=service, instructor=None, scheduled_at=starts, capacity=1
        )
    created = events.one("class.created")
    assert (created.subject_id, created.actor_user_id) == (session.public_id, owner.pk)
    factories.EnrollmentFactory(class_session=session)
    with acting_as(Actor.partner_key("key-abc")):
        joined = waitlist_join(session=session, name="Jo", email="jo@example.com", phone="")
    event = events.one("waitlist.joined")
    assert (event.subject_id, event.class_id) == (joined.entry.public_id, session.public_id)
    with acting_as(Actor.user(owner)):
        class_session_update(
            session=session,
            scheduled_at=starts,
            instructor=None,
            capacity=1,
            price_cents=0,
            duration_min=45,
        )
        assert events.one("class.edited").payload["capacity"] == 1
        session.capacity = 2
        session.save(update_fields=["capacity"])
        waitlist_promote(entry=joined.entry)
    promoted = events.new()
    assert sorted(e.kind for e in promoted) == ["booking.confirmed", "waitlist.promoted"]
    assert {e.actor_user_id for e in promoted} == {owner.pk}
    with acting_as(Actor.user(owner)):
        session_cancel(session=session, by_user=owner)
    kinds = sorted(e.kind for e in events.new())
    assert kinds == ["booking.cancelled", "booking.cancelled", "class.cancelled"]


def test_packs_record_bought_used_returned_adjusted_and_expired(provider, owner, events):
    package_type = factories.PackageTypeFactory(provider=provider, sessions=3)
    payment = factories.PaymentFactory(
        provider=provider,
        kind=Payment.Kind.PACKAGE,
        details={
            "package_type_id": package_type.pk,
            "client_email": "jane@example.com",
            "client_name": "Jane",
        },
    )
    _paid(payment)
    bought = events.one("pack.bought")
    assert (bought.actor_kind, bought.payload["sessionsRemaining"]) == ("stripe", 3)
    package = ClientPackage.objects.get(payment=payment)
    assert bought.subject_id == package.public_id
    session = factories.ClassSessionFactory(provider=provider, price_cents=2000)
    token = token_make(
        Purpose.CUSTOMER, record_id=package.client.public_id, provider_id=provider.public_id
    )
    with acting_as(Actor.partner_key("key-abc")):
        booked = enrollment_book(
            provider=provider,
            class_id=session.public_id,
            customer=JANE,
            pack=PackRedemption(client_package_id=package.public_id, customer_token=token),
            **URLS,
        )
    rows = events.new()
    assert sorted(e.kind for e in rows) == ["booking.confirmed", "pack.credit_used"]
    used = next(e for e in rows if e.kind == "pack.credit_used")
    assert used.payload == {"sessionsRemaining": 2, "delta": -1, "enrollmentId": booked.public_id}
    with acting_as(Actor.user(owner)):
        enrollment_cancel(enrollment=booked, reason="", by="owner", refund=True)
    assert sorted(e.kind for e in events.new()) == ["booking.cancelled", "pack.credit_returned"]
    with acting_as(Actor.user(owner)):
        package_adjust(package=package, delta=1, note="Goodwill")
    adjusted = events.one("pack.adjusted")
    assert (adjusted.payload["delta"], adjusted.actor_user_id) == (1, owner.pk)
    with time_machine.travel(package.expires_at + dt.timedelta(minutes=1)):
        expire_packages()
    expired = events.one("pack.expired")
    assert (expired.actor_kind, expired.payload["sessionsRemaining"]) == ("scheduler", 0)


def test_gift_cards_tips_and_appointments(provider, owner, events):
    payment = factories.PaymentFactory(
        provider=provider,
        kind=Payment.Kind.GIFT_CARD,
        amount_cents=5000,
        details={"purchaser_email": "pat@example.com"},
    )
    _paid(payment)
    sold = events.one("gift_card.sold")
    assert (sold.actor_kind, sold.payload["balanceCents"]) == ("stripe", 5000)
    service = factories.ServiceFactory(provider=provider, tips_enabled=True)
    client = factories.ClientFactory(provider=provider)
    with acting_as(Actor.user(owner)):
        visit = appointment_create(
            provider=provider,
            service=service,
            client=client,
            starts_at=timezone.now() + dt.timedelta(days=1),
        )
        assert events.one("appointment.created").client_id == client.public_id
        appointment_complete(appointment=visit)
        assert events.one("appointment.completed").payload["status"] == "Completed"
        card = GiftCard.objects.get(payment=payment)
        gift_card_redeem(provider=provider, code=card.code, requested_cents=2000, appointment=visit)
    redeemed = events.one("gift_card.redeemed")
    assert redeemed.payload == {
        "balanceCents": 3000,
        "debitCents": 2000,
        "appointmentId": visit.public_id,
    }
    tip = factories.PaymentFactory(
        provider=provider,
        kind=Payment.Kind.TIP,
        amount_cents=1500,
        details={"appointment_id": visit.public_id},
    )
    _paid(tip, "evt_tip")
    captured = events.one("tip.captured")
    assert (captured.subject_id, captured.actor_label) == (visit.public_id, "evt_tip")
    with acting_as(Actor.user(owner)):
        other = factories.AppointmentFactory(provider=provider, service=service, client=client)
        appointment_no_show(appointment=other)
        assert events.one("appointment.no_show").subject_id == other.public_id
        third = factories.AppointmentFactory(provider=provider, service=service, client=client)
        appointment_cancel(appointment=third)
        assert events.one("appointment.cancelled").subject_id == third.public_id
        appointment_cancel(appointment=third)  # a repeat click changes nothing
    assert events.new() == []


def test_keys_team_settings_and_a_reprocessed_stripe_event(provider, owner, events):
    with acting_as(Actor.user(owner)):
        minted = api_key_mint(provider=provider, name="Site", origins=["https://a.example"])
        assert events.one("api_key.minted").subject_id == f"key-{minted.api_key.prefix}"
        api_key_revoke(api_key=minted.api_key)
        assert events.one("api_key.revoked").actor_user_id == owner.pk
        api_key_revoke(api_key=minted.api_key)
        assert events.new() == []
        staff_invite(provider=provider, email="new@example.com", role="staff", invited_by=owner)
        assert events.one("team.member_invited").payload == {
            "email": "new@example.com",
            "role": "staff",
        }
        provider_settings_update(provider=provider, display_name="Sculpt & Co")
        assert events.one("settings.changed").payload == {"fields": ["display_name"]}
    provider.stripe_account_id = "acct_reprocess"
    provider.save(update_fields=["stripe_account_id"])
    stored = StripeEvent.objects.create(
        event_id="evt_again", type="ping", account="acct_reprocess", payload={}
    )
    admin = factories.UserFactory(is_staff=True)
    with acting_as(Actor.user(admin, admin=True)):
        stripe_event_reprocess(event_pk=stored.pk)
    again = events.one("stripe_event.reprocessed")
    assert (again.actor_kind, again.subject_id) == ("admin", "evt_again")


def test_catalogue_changes_are_recorded_once_each(provider, owner, events):
    from classes.services.catalog import (
        instructor_archive,
        instructor_create,
        service_archive,
        service_create,
        service_update,
    )
    from classes.services.schedule import blackout_create, blackout_delete
    from payments.services.package_types import package_type_create, package_type_update

    start = timezone.now() + dt.timedelta(days=2)
    with acting_as(Actor.user(owner)):
        service = service_create(provider=provider, name="Barre")
        service_update(service=service, name="Barre 45", duration_min=45)
        service_archive(service=service)
        service_archive(service=service)  # already archived: nothing changes
        instructor = instructor_create(provider=provider, name="Ana")
        instructor_archive(instructor=instructor)
        pack = package_type_create(
            provider=provider, name="Ten", sessions=10, price_cents=9000, validity_days=90
        )
        package_type_update(package_type=pack, price_cents=8000)
        blackout = blackout_create(
            provider=provider,
            label="Holiday",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=8),
        )
        blackout_delete(blackout=blackout)
    rows = events.new()
    assert [e.kind for e in rows] == [
        "catalog.service_created",
        "catalog.service_edited",
        "catalog.service_archived",
        "catalog.instructor_created",
        "catalog.instructor_archived",
        "catalog.pack_type_created",
        "catalog.pack_type_edited",
        "catalog.blackout_created",
        "catalog.blackout_deleted",
    ]
    assert rows[1].payload == {"name": "Barre 45", "fields": ["duration_min", "name"]}
    assert {e.actor_user_id for e in rows} == {owner.pk}
