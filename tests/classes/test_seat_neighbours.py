"""Seats, credits and refunds in a world with neighbours: the right row changes, and only it.

Every test here runs in the two-studio world of tests/world.py (several classes, customers,
packs and cards per studio, ids that differ per table), and asserts on every money and seat
row with `changed_since`: a query that lost its `pk=`/`public_id=`/`class_session=` filter
would touch a neighbour, and the set of changed rows would say so.
"""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import Provider
from alera.api.errors import status_for
from alera.errors import DomainError
from alera.tokens import Purpose, token_make
from classes.models import ClassSession, Enrollment, Service, WaitlistEntry
from classes.services.cancellation import enrollment_cancel, session_cancel
from classes.services.holds import holds_release_expired
from customers.models import Client
from payments.gateway.base import Refund
from payments.models import ClientPackage, PackageCreditEntry, Payment, PaymentRefund, StripeEvent
from payments.services.refund_events import refund_record_external
from payments.services.refunds import refund_made_by_stripe
from tests import factories
from tests.fakes.webhooks import completed_event, expired_event, post_event
from tests.world import build_world, changed_since, held_booking, pack_booking, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(provider):
    return build_world(provider)


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def _deliver(payment):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_event(client, completed_event(payment, payment_intent="pi_late"))
        assert response.status_code == 200

    return _deliver


def _token(package) -> str:
    return token_make(
        Purpose.CUSTOMER, record_id=package.client.public_id, provider_id=package.provider.public_id
    )


def _booked(response) -> Enrollment:
    assert response.status_code == 200, response.content
    return Enrollment.objects.select_related("payment").get(
        public_id=response.json()["enrollmentId"]
    )


def test_a_pack_booking_spends_that_packs_last_credit_and_no_other(book, world):
    home = world.home
    package = home.packs[2]
    ClientPackage.objects.filter(pk=package.pk).update(sessions_remaining=1)
    session = home.classes[2]
    ClassSession.objects.filter(pk=session.pk).update(price_cents=1500)
    before = snapshot()

    enrollment = _booked(
        book(session, useClientPackageId=package.public_id, customerToken=_token(package))
    )

    entry = PackageCreditEntry.objects.get(enrollment=enrollment)
    assert changed_since(before) == {
        "Enrollment": {enrollment.pk},
        "ClientPackage": {package.pk},
        "PackageCreditEntry": {entry.pk},
    }
    package.refresh_from_db()
    assert package.sessions_remaining == 0
    assert (enrollment.class_session_id, enrollment.client_id) == (session.pk, package.client_id)
    assert (entry.package_id, entry.delta) == (package.pk, -1)

    again = book(
        home.classes[0], useClientPackageId=package.public_id, customerToken=_token(package)
    )
    assert again.status_code == 409


def test_booking_a_class_books_that_class_not_the_studios_first(book, world):
    session = world.home.classes[2]  # free
    before = snapshot()

    enrollment = _booked(book(session, email="new@example.com"))

    assert enrollment.class_session_id == session.pk
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert changed_since(before) == {"Enrollment": {enrollment.pk}}


def test_the_last_seat_is_held_then_confirmed_when_paid(book, world, deliver, fake_stripe):
    session = world.home.classes[0]
    for _ in range(session.capacity - 3):  # two booked already: one seat left after this
        factories.EnrollmentFactory(class_session=session)
    before = snapshot()

    enrollment = _booked(book(session, email="last@example.com"))
    deliver(enrollment.payment)

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.amount_paid_cents) == (Enrollment.Status.CONFIRMED, 2000)
    assert changed_since(before) == {
        "Enrollment": {enrollment.pk},
        "Payment": {enrollment.payment_id},
    }
    assert book(session, email="one-too-many@example.com").status_code == 409


def test_a_late_payer_gets_the_last_seat_if_it_is_still_free(book, world, deliver, fake_stripe):
    session = world.home.classes[0]
    for _ in range(session.capacity - 3):
        factories.EnrollmentFactory(class_session=session)
    enrollment = _booked(book(session, email="late@example.com"))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        holds_release_expired()
        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.CANCELLED
        before = snapshot()

        deliver(enrollment.payment)

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert (enrollment.cancelled_at, enrollment.cancelled_by, enrollment.cancel_reason) == (
        None,
        "",
        "",
    )
    assert enrollment.confirmed_at is not None
    assert changed_since(before) == {
        "Enrollment": {enrollment.pk},
        "Payment": {enrollment.payment_id},
    }


def test_a_late_payer_who_rebooked_keeps_one_seat_and_the_old_payment_goes_back(
    book, world, deliver, fake_stripe
):
    session = world.home.classes[0]
    first = _booked(book(session, email="twice@example.com"))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        holds_release_expired()
        second = _booked(book(session, email="twice@example.com"))
        deliver(second.payment)
        before = snapshot()

        deliver(first.payment)

    refund = PaymentRefund.objects.get(payment=first.payment)
    assert (refund.reason, refund.amount_cents, refund.enrollment_id, refund.client_id) == (
        "unseated",
        2000,
        first.pk,
        first.client_id,
    )
    first.refresh_from_db()
    assert first.status == Enrollment.Status.CANCELLED
    assert first.refunded_cents == 2000
    assert changed_since(before) == {
        "Enrollment": {first.pk},
        "Payment": {first.payment_id},
        "PaymentRefund": {refund.pk},
    }
    seated = session.enrollments.filter(client=second.client, status=Enrollment.Status.CONFIRMED)
    assert list(seated) == [second]


def test_the_hold_sweep_expires_the_held_payment_and_nothing_else(book, world, fake_stripe):
    held = _booked(book(world.home.classes[0], email="held@example.com"))
    before = snapshot()

    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert holds_release_expired() == 1

    held.refresh_from_db()
    held.payment.refresh_from_db()
    assert (held.status, held.payment.status) == (
        Enrollment.Status.CANCELLED,
        Payment.Status.EXPIRED,
    )
    assert (held.cancelled_by, held.cancel_reason) == ("system", "Checkout expired.")
    assert held.cancelled_at is not None
    assert changed_since(before) == {"Enrollment": {held.pk}, "Payment": {held.payment_id}}


def test_a_customer_cancel_of_a_partly_refunded_booking_refunds_only_the_rest(
    world, fake_stripe, django_capture_on_commit_callbacks
):
    booking = world.home.bookings[0]
    refund_record_external(payment=booking.payment, stripe_refund_id="re_dash", amount_cents=500)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        result = enrollment_cancel(enrollment=booking)

    refund = PaymentRefund.objects.get(payment=booking.payment, reason="cancel")
    assert (refund.amount_cents, refund.status) == (1500, PaymentRefund.Status.SUCCEEDED)
    assert fake_stripe.refunded_cents(booking.payment.payment_intent_id) == 1500
    assert (result.late_cancel, result.refunded_cents) == (False, 2000)
    booking.payment.refresh_from_db()
    assert (booking.payment.status, booking.payment.refunded_cents) == (
        Payment.Status.REFUNDED,
        2000,
    )
    assert changed_since(before) == {
        "Enrollment": {booking.pk},
        "Payment": {booking.payment_id},
        "PaymentRefund": {refund.pk},
    }


def test_a_cancel_of_a_booking_refunded_in_full_elsewhere_asks_stripe_for_nothing(
    world, fake_stripe, django_capture_on_commit_callbacks
):
    booking = world.home.bookings[0]
    refund_record_external(payment=booking.payment, stripe_refund_id="re_all", amount_cents=2000)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        result = enrollment_cancel(enrollment=booking)

    assert fake_stripe.calls("/v1/refunds") == []
    assert (result.refunded_cents, result.refund_id) == (2000, "re_all")
    assert changed_since(before) == {"Enrollment": {booking.pk}}


def test_a_late_customer_cancel_keeps_the_money_and_the_credit(
    provider, fake_stripe, django_capture_on_commit_callbacks
):
    world = build_world(provider, days_out=0.25)  # six hours out, inside the 24 h window
    booking = world.home.bookings[0]
    package = world.home.packs[0]
    by_pack = pack_booking(world.home.classes[0], package)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        paid = enrollment_cancel(enrollment=booking)
        credit = enrollment_cancel(enrollment=by_pack)

    assert (paid.late_cancel, paid.refunded_cents) == (True, 0)
    assert credit.late_cancel is True
    assert fake_stripe.calls("/v1/refunds") == []
    assert changed_since(before) == {"Enrollment": {booking.pk, by_pack.pk}}


def test_the_studio_cancelling_a_class_inside_the_window_refunds_everyone_in_full(
    provider, owner, fake_stripe, django_capture_on_commit_callbacks
):
    world = build_world(provider, days_out=0.25)
    session = world.home.classes[1]  # two card bookings, one waiting
    package = world.home.packs[0]
    by_pack = pack_booking(session, package)
    cards = world.home.bookings[2:]
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        result = session_cancel(session=session, by_user=owner)

    assert (result.cancelled, result.failed) == (3, [])
    refunds = PaymentRefund.objects.filter(payment__in=[b.payment_id for b in cards])
    assert sorted(refunds.values_list("amount_cents", "status")) == [
        (2500, "succeeded"),
        (2500, "succeeded"),
    ]
    for booking in [*cards, by_pack]:
        booking.refresh_from_db()
        assert (booking.status, booking.late_cancel) == (Enrollment.Status.CANCELLED, False)
    assert [b.refunded_cents for b in cards] == [2500, 2500]
    package.refresh_from_db()
    assert package.sessions_remaining == 4
    credit = PackageCreditEntry.objects.get(enrollment=by_pack, delta=1)
    waiting = world.home.waiting[0]
    assert changed_since(before) == {
        "ClassSession": {session.pk},
        "Enrollment": {cards[0].pk, cards[1].pk, by_pack.pk},
        "Payment": {cards[0].payment_id, cards[1].payment_id},
        "PaymentRefund": set(refunds.values_list("pk", flat=True)),
        "ClientPackage": {package.pk},
        "PackageCreditEntry": {credit.pk},
        "WaitlistEntry": {waiting.pk},
    }
    assert WaitlistEntry.objects.get(pk=waiting.pk).cancelled_at is not None


def test_a_pack_booking_is_confirmed_now_at_the_class_price_and_emailed(
    book, world, django_capture_on_commit_callbacks
):
    package = world.home.packs[0]
    session = world.home.classes[0]
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        enrollment = _booked(
            book(session, useClientPackageId=package.public_id, customerToken=_token(package))
        )

    assert enrollment.confirmed_at == now
    assert (enrollment.price_cents, enrollment.paid_with) == (2000, Enrollment.PaidWith.PACK)
    entry = PackageCreditEntry.objects.get(enrollment=enrollment)
    assert entry.note == f"Booked {session.public_id}"
    assert [m.to for m in mail.outbox] == [[package.client.email]]


def test_pack_errors_say_what_is_wrong(book, world):
    package = world.home.packs[0]
    session = world.home.classes[0]
    ClientPackage.objects.filter(pk=package.pk).update(sessions_remaining=0)
    empty = book(session, useClientPackageId=package.public_id, customerToken=_token(package))
    assert (empty.status_code, empty.json()["error"]) == (
        409,
        "This class pack has no credits left or has expired.",
    )
    bad = book(session, useClientPackageId=package.public_id, customerToken="not-a-token")
    assert bad.status_code == 401
    assert bad.json()["error"].startswith("customerToken: ")
    nobody = token_make(
        Purpose.CUSTOMER, record_id="cli_nobody", provider_id=package.provider.public_id
    )
    gone = book(session, useClientPackageId=package.public_id, customerToken=nobody)
    assert gone.status_code == 404
    assert gone.json()["error"] == "No such class pack for this customer."


def test_the_studio_cancelling_a_class_records_who_why_and_when(
    world, owner, fake_stripe, django_capture_on_commit_callbacks
):
    session = world.home.classes[1]
    promoted = factories.WaitlistEntryFactory(
        class_session=session, position=2, promoted_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by_user=owner)

    session.refresh_from_db()
    assert session.cancelled_at is not None
    booking = Enrollment.objects.get(pk=world.home.bookings[2].pk)
    assert (booking.cancelled_by, booking.cancel_reason) == (
        "owner",
        "The studio cancelled this class.",
    )
    promoted.refresh_from_db()
    assert promoted.cancelled_at is None


def test_a_completed_class_cannot_be_cancelled_and_nothing_changes(world, owner):
    session = world.home.classes[0]
    ClassSession.objects.filter(pk=session.pk).update(status=ClassSession.Status.COMPLETED)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        session_cancel(session=session, by_user=owner)

    assert (status_for(refused.value), refused.value.message) == (
        410,
        "A completed class cannot be cancelled.",
    )
    assert changed_since(before) == {}


def test_the_hold_sweep_counts_every_hold_it_released(book, world, fake_stripe):
    held = [_booked(book(world.home.classes[0], email=f"held{n}@example.com")) for n in range(2)]
    cancelled = _booked(book(world.home.classes[0], email="gave-up@example.com"))
    enrollment_cancel(enrollment=cancelled)  # a hold the customer cancelled: its Checkout is open
    before = snapshot()

    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert holds_release_expired() == 2

    assert changed_since(before) == {
        "Enrollment": {e.pk for e in held},
        "Payment": {e.payment_id for e in held},
    }


def test_the_hold_sweep_keeps_a_hold_whose_paid_event_names_only_its_checkout(
    book, world, fake_stripe
):
    held = _booked(book(world.home.classes[0], email="held@example.com"))
    StripeEvent.objects.create(
        event_id="evt_waiting",
        type="checkout.session.completed",
        payload={"data": {"object": {"id": held.payment.checkout_session_id, "metadata": {}}}},
    )
    before = snapshot()

    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert holds_release_expired() == 0

    assert changed_since(before) == {}


def test_the_studio_cancelling_a_class_counts_live_bookings_and_refunds_no_unpaid_hold(
    world, owner, fake_stripe, django_capture_on_commit_callbacks
):
    session = world.home.classes[0]
    hold_payment = factories.PaymentFactory(provider=world.home.provider)
    held = held_booking(session, hold_payment)
    gone = factories.EnrollmentFactory(
        class_session=session, status=Enrollment.Status.CANCELLED, cancelled_at=timezone.now()
    )
    left_earlier = timezone.now() - dt.timedelta(days=1)
    left = factories.WaitlistEntryFactory(class_session=session, cancelled_at=left_earlier)

    with django_capture_on_commit_callbacks(execute=True):
        result = session_cancel(session=session, by_user=owner)

    assert (result.cancelled, result.failed) == (3, [])  # two paid bookings and the hold
    held.refresh_from_db()
    assert (held.status, held.refunded_cents) == (Enrollment.Status.CANCELLED, 0)
    assert not PaymentRefund.objects.filter(payment=hold_payment).exists()
    assert len(fake_stripe.calls("/v1/refunds")) == 2
    gone.refresh_from_db()
    assert gone.cancelled_by == ""
    left.refresh_from_db()
    assert left.cancelled_at == left_earlier


def _late_hold(session, client, *, minutes_ago: float = 10) -> Enrollment:
    """A card hold that expired `minutes_ago` and was released by the sweep."""
    payment = factories.PaymentFactory(provider=session.provider, amount_cents=session.price_cents)
    return factories.EnrollmentFactory(
        class_session=session,
        client=client,
        status=Enrollment.Status.CANCELLED,
        cancelled_by="system",
        cancelled_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
        hold_expires_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        confirmed_at=None,
    )


def test_a_late_payer_booked_elsewhere_or_cancelled_before_still_gets_a_free_seat(
    world, deliver, fake_stripe
):
    home = world.home
    session = factories.ClassSessionFactory(provider=home.provider, price_cents=1800)
    customer = home.customers[1]  # booked on two other classes of the studio
    factories.EnrollmentFactory(
        class_session=session, client=customer, status=Enrollment.Status.CANCELLED
    )
    late = _late_hold(session, customer)
    now = timezone.now().replace(microsecond=0)

    with time_machine.travel(now, tick=False):
        deliver(late.payment)

    late.refresh_from_db()
    assert (late.status, late.confirmed_at, late.amount_paid_cents) == (
        Enrollment.Status.CONFIRMED,
        now,
        1800,
    )
    assert not PaymentRefund.objects.filter(payment=late.payment).exists()


def test_a_payment_that_lands_as_its_class_starts_is_refunded(world, deliver, fake_stripe):
    home = world.home
    session = factories.ClassSessionFactory(provider=home.provider, price_cents=1800)
    late = _late_hold(session, home.customers[0])

    with time_machine.travel(session.scheduled_at, tick=False):
        deliver(late.payment)

    late.refresh_from_db()
    assert late.status == Enrollment.Status.CANCELLED
    assert PaymentRefund.objects.get(payment=late.payment).reason == "unseated"


def test_a_hold_paid_in_time_is_confirmed_at_that_moment(book, world, deliver, fake_stripe):
    held = _booked(book(world.home.classes[0], email="in-time@example.com"))
    now = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)

    with time_machine.travel(now, tick=False):
        deliver(held.payment)

    held.refresh_from_db()
    assert (held.status, held.confirmed_at, held.hold_expires_at) == (
        Enrollment.Status.CONFIRMED,
        now,
        None,
    )


def test_a_checkout_expiring_after_the_customer_cancelled_its_hold_changes_nothing(
    book, world, client, django_capture_on_commit_callbacks, fake_stripe
):
    held = _booked(book(world.home.classes[0], email="changed-mind@example.com"))
    enrollment_cancel(enrollment=held)
    mail.outbox.clear()
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, expired_event(held.payment))

    assert response.status_code == 200
    held.refresh_from_db()
    assert (held.status, held.cancelled_by) == (Enrollment.Status.CANCELLED, "customer")
    assert mail.outbox == []
    assert changed_since(before) == {"Payment": {held.payment_id}}


def _cancel_claim(booking, **details) -> PaymentRefund:
    return PaymentRefund.objects.create(
        provider=booking.provider,
        payment=booking.payment,
        client=booking.client,
        enrollment=booking,
        reason=PaymentRefund.Reason.CANCEL,
        amount_cents=booking.amount_paid_cents,
        details={
            "by": "customer",
            "reason": "",
            "late": False,
            "return_credit": True,
            "email_kind": "cancellation_receipt",
            **details,
        },
    )


def test_a_cancel_refund_without_a_recorded_total_records_its_own_amount(world):
    booking = world.home.bookings[0]
    claim = _cancel_claim(booking)

    refund_made_by_stripe(refund_ref=claim.public_id, made=Refund(id="re_old", amount_cents=2000))

    booking.refresh_from_db()
    assert (booking.status, booking.refunded_cents, booking.refund_id) == (
        Enrollment.Status.CANCELLED,
        2000,
        "re_old",
    )


def test_a_cancel_refund_landing_after_the_class_was_taken_records_only_the_money(world):
    booking = world.home.bookings[0]
    claim = _cancel_claim(booking, refunded_cents=2000)
    Enrollment.objects.filter(pk=booking.pk).update(
        status=Enrollment.Status.COMPLETED, refunded_cents=300
    )
    before = snapshot()

    refund_made_by_stripe(refund_ref=claim.public_id, made=Refund(id="re_late", amount_cents=2000))

    booking.refresh_from_db()
    assert (booking.status, booking.refunded_cents, booking.refund_id) == (
        Enrollment.Status.COMPLETED,
        2300,
        "re_late",
    )
    assert changed_since(before) == {
        "Enrollment": {booking.pk},
        "Payment": {booking.payment_id},
        "PaymentRefund": {claim.pk},
    }


def test_a_free_booking_is_confirmed_at_once_for_nothing(book, world):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        enrollment = _booked(book(world.home.classes[2], email="free@example.com"))

    assert (enrollment.confirmed_at, enrollment.price_cents, enrollment.paid_with) == (
        now,
        0,
        Enrollment.PaidWith.FREE,
    )


def test_a_late_payer_whose_unswept_hold_lost_its_seat_is_released_and_refunded(
    book, world, deliver, fake_stripe
):
    session = world.home.classes[1]  # two seats, both taken
    payment = factories.PaymentFactory(provider=session.provider, amount_cents=2500)
    late = factories.EnrollmentFactory(
        class_session=session,
        client=world.home.customers[0],
        status=Enrollment.Status.PENDING_PAYMENT,
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
        hold_expires_at=timezone.now() - dt.timedelta(minutes=5),
        confirmed_at=None,
    )

    deliver(payment)

    late.refresh_from_db()
    assert (late.status, late.cancelled_by) == (Enrollment.Status.CANCELLED, "system")
    assert late.cancelled_at is not None
    refund = PaymentRefund.objects.get(payment=payment)
    assert (refund.client_id, refund.enrollment_id) == (late.client_id, late.pk)


def test_cancelling_again_answers_with_the_window_recorded_at_the_cancel(
    world, fake_stripe, django_capture_on_commit_callbacks
):
    booking = world.home.bookings[0]
    with django_capture_on_commit_callbacks(execute=True):
        first = enrollment_cancel(enrollment=booking)
    Service.objects.filter(pk=booking.class_session.service_id).update(cancel_window_hours=48)

    again = enrollment_cancel(enrollment=Enrollment.objects.get(pk=booking.pk))

    assert (first.cancel_window_hours, again.cancel_window_hours) == (24, 24)
    Enrollment.objects.filter(pk=booking.pk).update(cancel_window_hours=None)  # older rows
    older = enrollment_cancel(enrollment=Enrollment.objects.get(pk=booking.pk))
    assert older.cancel_window_hours == 48


def test_a_pack_booking_keeps_the_packs_customer_and_needs_no_stripe(book, world):
    package = world.home.packs[3]
    Provider.objects.filter(pk=world.home.provider.pk).update(stripe_charges_enabled=False)
    clients = Client.objects.count()

    enrollment = _booked(
        book(
            world.home.classes[0],
            email="someone-else@example.com",
            useClientPackageId=package.public_id,
            customerToken=_token(package),
        )
    )

    assert enrollment.client_id == package.client_id
    assert Client.objects.count() == clients


def test_a_hold_is_priced_as_its_class_and_its_checkout_knows_the_payer(book, world, fake_stripe):
    held = _booked(book(world.home.classes[0], email="payer@example.com"))

    assert (held.price_cents, held.payment.amount_cents) == (2000, 2000)
    (checkout,) = fake_stripe.calls("/v1/checkout/sessions")
    assert checkout.params["customer_email"] == "payer@example.com"


def test_a_cancel_with_one_cent_left_to_refund_asks_stripe_for_that_cent(
    world, fake_stripe, django_capture_on_commit_callbacks
):
    booking = world.home.bookings[0]
    refund_record_external(payment=booking.payment, stripe_refund_id="re_most", amount_cents=1999)

    with django_capture_on_commit_callbacks(execute=True):
        result = enrollment_cancel(enrollment=booking)

    assert fake_stripe.refunded_cents(booking.payment.payment_intent_id) == 1
    refund = PaymentRefund.objects.get(payment=booking.payment, reason="cancel")
    assert (refund.amount_cents, result.refund_id) == (1, refund.stripe_refund_id)
    booking.refresh_from_db()
    assert (booking.cancelled_by, booking.cancel_reason) == ("customer", "")
