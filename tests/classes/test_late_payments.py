"""A payment that completes after its hold expired: a seat if one is free, else one refund.

The decision is the same whichever comes first, the hold-expiry sweep or the payment, and
it is taken under the class lock. Time is frozen: holds expire by the clock alone.
"""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from classes.models import Enrollment
from classes.services.holds import holds_release_expired
from payments.models import Payment, PaymentRefund, StripeEvent
from tests import factories
from tests.fakes.webhooks import completed_event, post_event

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def one_seat(provider, clock):
    """A one-seat paid class two days out, and a neighbour class of another studio."""
    factories.ClassSessionFactory(capacity=1, price_cents=2000)  # another studio's
    return factories.ClassSessionFactory(
        provider=provider, capacity=1, price_cents=2000, scheduled_at=NOW + dt.timedelta(days=2)
    )


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """Deliver a signed completion for `payment` and run everything it queues."""

    def _deliver(payment, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_event(client, completed_event(payment, **kw))
        assert response.status_code == 200
        return response

    return _deliver


def _book(book, session, email):
    response = book(session, email=email, name=email.split("@")[0].title())
    assert response.status_code == 200, response.content
    return Enrollment.objects.select_related("payment").get(
        public_id=response.json()["enrollmentId"]
    )


def _seated(session) -> list[str]:
    return sorted(
        session.enrollments.filter(status__in=Enrollment.SEAT_TAKING).values_list(
            "client__email", flat=True
        )
    )


def test_late_completion_after_the_seat_was_resold_refunds_once_and_emails(
    api, book, one_seat, deliver, clock, fake_stripe
):
    a = _book(book, one_seat, "ann@example.com")
    clock.move_to(a.hold_expires_at + dt.timedelta(seconds=1))  # expired, the sweep not run yet
    b = _book(book, one_seat, "bob@example.com")
    deliver(b.payment, payment_intent="pi_bob")
    mail.outbox.clear()

    deliver(a.payment, payment_intent="pi_ann")

    assert _seated(one_seat) == ["bob@example.com"]
    detail = api.get(f"/api/classes/{one_seat.public_id}").json()["class"]
    assert (detail["capacity"], detail["enrolledCount"], detail["seatsLeft"]) == (1, 1, 0)
    a.refresh_from_db()
    assert (a.status, a.cancelled_by) == (Enrollment.Status.CANCELLED, "system")
    (refund,) = fake_stripe.calls("/v1/refunds")
    assert (refund.params["payment_intent"], refund.params["amount"]) == ("pi_ann", "2000")
    assert refund.stripe_account == one_seat.provider.stripe_account_id
    payment = Payment.objects.get(pk=a.payment_id)
    assert (payment.status, payment.refunded_cents) == (Payment.Status.REFUNDED, 2000)
    assert (a.refunded_cents, a.refund_id) == (2000, payment.refund_id)
    (email,) = mail.outbox
    assert email.to == ["ann@example.com"]
    assert email.subject == f"Refunded: {one_seat.name_snapshot}"


def test_late_completion_with_a_seat_still_free_confirms_it(book, one_seat, deliver, clock):
    a = _book(book, one_seat, "ann@example.com")
    clock.move_to(a.hold_expires_at + dt.timedelta(minutes=5))

    deliver(a.payment)

    a.refresh_from_db()
    assert a.status == Enrollment.Status.CONFIRMED
    assert _seated(one_seat) == ["ann@example.com"]
    assert not PaymentRefund.objects.exists()


def test_the_sweep_first_gives_the_same_decision_as_the_payment_first(
    book, one_seat, deliver, clock, fake_stripe
):
    a = _book(book, one_seat, "ann@example.com")
    clock.move_to(a.hold_expires_at + dt.timedelta(seconds=1))
    assert holds_release_expired() == 1
    b = _book(book, one_seat, "bob@example.com")
    deliver(b.payment, payment_intent="pi_bob")

    deliver(a.payment, payment_intent="pi_ann")

    assert _seated(one_seat) == ["bob@example.com"]
    (refund,) = fake_stripe.calls("/v1/refunds")
    assert refund.params["payment_intent"] == "pi_ann"


def test_a_late_payer_who_rebooked_the_class_is_refunded_not_seated_twice(
    book, one_seat, deliver, clock, fake_stripe
):
    one_seat.capacity = 3
    one_seat.save()
    first = _book(book, one_seat, "ann@example.com")
    clock.move_to(first.hold_expires_at + dt.timedelta(seconds=1))
    again = _book(book, one_seat, "ann@example.com")
    deliver(again.payment, payment_intent="pi_again")

    deliver(first.payment, payment_intent="pi_first")

    assert _seated(one_seat) == ["ann@example.com"]
    (refund,) = fake_stripe.calls("/v1/refunds")
    assert refund.params["payment_intent"] == "pi_first"
    first.refresh_from_db()
    assert first.status == Enrollment.Status.CANCELLED


def test_late_completion_after_the_class_started_is_refunded(
    book, one_seat, deliver, clock, fake_stripe
):
    a = _book(book, one_seat, "ann@example.com")
    clock.move_to(one_seat.scheduled_at + dt.timedelta(minutes=1))

    deliver(a.payment, payment_intent="pi_ann")

    assert _seated(one_seat) == []
    (refund,) = fake_stripe.calls("/v1/refunds")
    assert refund.params["amount"] == "2000"


def test_a_replayed_late_completion_refunds_only_once(
    client, book, one_seat, deliver, clock, fake_stripe, django_capture_on_commit_callbacks
):
    a = _book(book, one_seat, "ann@example.com")
    clock.move_to(a.hold_expires_at + dt.timedelta(seconds=1))
    b = _book(book, one_seat, "bob@example.com")
    deliver(b.payment, payment_intent="pi_bob")

    deliver(a.payment, payment_intent="pi_ann")
    deliver(a.payment, payment_intent="pi_ann")  # a second event id, same effect

    assert len(fake_stripe.calls("/v1/refunds")) == 1
    assert PaymentRefund.objects.filter(payment=a.payment).count() == 1


def test_the_sweep_keeps_a_hold_whose_paid_event_is_stored_but_not_processed(
    client, book, one_seat, clock, django_capture_on_commit_callbacks
):
    a = _book(book, one_seat, "ann@example.com")
    other = _book(book, factories.ClassSessionFactory(provider=one_seat.provider), "cy@x.com")
    # Stripe's completion reached us and was stored, but its task never ran (broker away).
    with django_capture_on_commit_callbacks(execute=False):
        assert post_event(client, completed_event(a.payment)).status_code == 200
    assert StripeEvent.objects.get().processed_at is None
    clock.move_to(a.hold_expires_at + dt.timedelta(minutes=10))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert holds_release_expired() == 1  # only the neighbour's, whose payment never came

    a.refresh_from_db()
    other.refresh_from_db()
    assert a.status == Enrollment.Status.PENDING_PAYMENT
    assert Payment.objects.get(pk=a.payment_id).status == Payment.Status.OPEN
    assert other.status == Enrollment.Status.CANCELLED
    assert [m.to for m in mail.outbox] == [["cy@x.com"]]


def test_once_its_event_is_processed_the_hold_is_no_longer_kept(
    client, book, one_seat, clock, django_capture_on_commit_callbacks
):
    a = _book(book, one_seat, "ann@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        post_event(client, completed_event(a.payment))
    StripeEvent.objects.update(processed_at=timezone.now())  # processed, yet left it open
    clock.move_to(a.hold_expires_at + dt.timedelta(minutes=10))

    assert holds_release_expired() == 1

    a.refresh_from_db()
    assert a.status == Enrollment.Status.CANCELLED


def test_a_paid_booking_payment_with_no_booking_left_is_refunded(provider, deliver, fake_stripe):
    orphan = factories.PaymentFactory(provider=provider, kind=Payment.Kind.ENROLLMENT)

    deliver(orphan, payment_intent="pi_orphan")

    (refund,) = fake_stripe.calls("/v1/refunds")
    assert (refund.params["payment_intent"], refund.params["amount"]) == ("pi_orphan", "2000")
    assert Payment.objects.get(pk=orphan.pk).status == Payment.Status.REFUNDED
