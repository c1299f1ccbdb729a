"""The studio's auto-confirm policy: when a seat opens, Alera promotes the waitlist itself.

Seats open when a booking is cancelled, a held Checkout expires, or the owner raises the
capacity. Manual (the default) keeps the owner's email and Promote button.
"""

import pytest
from django.core import mail

from accounts.models import Provider
from classes.models import Enrollment, WaitlistEntry
from classes.services.cancellation import enrollment_cancel
from classes.services.schedule import class_session_update
from classes.services.waitlist import waitlist_auto_fill
from payments.models import Payment
from tests import factories
from tests.classes.conftest import fill
from tests.fakes.webhooks import expired_event, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def auto(provider):
    Provider.objects.filter(pk=provider.pk).update(waitlist_auto_confirm=True)
    provider.refresh_from_db()
    return provider


def _full_with_waitlist(session, waiting: int = 2) -> list[WaitlistEntry]:
    fill(session)
    return [
        factories.WaitlistEntryFactory(class_session=session, position=i + 1)
        for i in range(waiting)
    ]


def _cancel_one(session, run_callbacks) -> None:
    booking = session.enrollments.filter(status=Enrollment.Status.CONFIRMED).first()
    with run_callbacks(execute=True):
        enrollment_cancel(enrollment=booking, by="customer")
    mail.outbox[:] = [m for m in mail.outbox if "Cancelled" not in m.subject]


def _raise_capacity(session, *, by: int) -> None:
    class_session_update(
        session=session,
        scheduled_at=session.scheduled_at,
        instructor=session.instructor,
        capacity=session.capacity + by,
        price_cents=session.price_cents,
        duration_min=session.duration_min,
    )


def _waiting(session) -> list[WaitlistEntry]:
    return list(
        WaitlistEntry.objects.filter(
            class_session=session, promoted_at__isnull=True, cancelled_at__isnull=True
        ).order_by("position")
    )


def test_auto_policy_confirms_the_first_waiting_customer_of_a_free_class_on_cancel(
    auto, free_class, owner, django_capture_on_commit_callbacks
):
    first, second = _full_with_waitlist(free_class)

    _cancel_one(free_class, django_capture_on_commit_callbacks)

    first.refresh_from_db()
    assert first.promoted_at is not None
    assert first.enrollment.status == Enrollment.Status.CONFIRMED
    assert _waiting(free_class) == [second]
    assert [(m.to, m.subject.split(":")[0]) for m in mail.outbox] == [
        ([first.client.email], "You're booked")
    ]
    assert free_class.enrollments.filter(status=Enrollment.Status.CONFIRMED).count() == (
        free_class.capacity
    )


def test_auto_policy_on_a_paid_class_holds_the_seat_and_emails_a_checkout_link(
    auto, paid_class, owner, fake_stripe, django_capture_on_commit_callbacks
):
    first, second = _full_with_waitlist(paid_class)

    _cancel_one(paid_class, django_capture_on_commit_callbacks)

    first.refresh_from_db()
    offer = first.enrollment
    assert offer.status == Enrollment.Status.PENDING_PAYMENT
    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 1
    (email,) = mail.outbox
    assert email.to == [first.client.email]
    assert "A seat opened for you" in email.subject
    assert offer.payment.checkout_url in email.body
    assert _waiting(paid_class) == [second]


def test_manual_policy_promotes_nobody_and_emails_the_owner(
    provider, free_class, owner, django_capture_on_commit_callbacks
):
    assert provider.waitlist_auto_confirm is False  # the default
    first, second = _full_with_waitlist(free_class)

    _cancel_one(free_class, django_capture_on_commit_callbacks)

    assert _waiting(free_class) == [first, second]
    (email,) = mail.outbox
    assert email.to == [owner.email]
    assert "A seat opened" in email.subject


def test_a_waiting_customer_already_booked_is_closed_and_the_next_one_promoted(
    auto, free_class, owner, django_capture_on_commit_callbacks
):
    fill(free_class, free_class.capacity - 1)
    booked = factories.EnrollmentFactory(class_session=free_class)  # full now
    stale = factories.WaitlistEntryFactory(class_session=free_class, client=booked.client)
    nxt = factories.WaitlistEntryFactory(class_session=free_class)
    other = free_class.enrollments.exclude(pk=booked.pk).first()

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_cancel(enrollment=other, by="customer")

    stale.refresh_from_db()
    nxt.refresh_from_db()
    assert (stale.promoted_at is not None, stale.enrollment) == (True, booked)
    assert nxt.enrollment.status == Enrollment.Status.CONFIRMED
    assert free_class.enrollments.filter(client=booked.client).count() == 1


def test_raising_capacity_by_two_promotes_two_in_queue_order(
    auto, free_class, owner, django_capture_on_commit_callbacks
):
    first, second, third = _full_with_waitlist(free_class, waiting=3)

    with django_capture_on_commit_callbacks(execute=True):
        _raise_capacity(free_class, by=2)

    assert _waiting(free_class) == [third]
    for entry in (first, second):
        entry.refresh_from_db()
        assert entry.enrollment.status == Enrollment.Status.CONFIRMED
    assert owner.email not in [address for m in mail.outbox for address in m.to]


def test_raising_capacity_under_the_manual_policy_changes_nothing_else(
    provider, free_class, owner, django_capture_on_commit_callbacks
):
    entries = _full_with_waitlist(free_class)
    with django_capture_on_commit_callbacks(execute=True):
        _raise_capacity(free_class, by=1)
    assert _waiting(free_class) == entries
    assert mail.outbox == []  # the owner raised it: the roster's banner is enough


def test_an_expired_checkout_offers_the_seat_to_the_next_waiting_customer(
    auto, client, book, paid_class, owner, fake_stripe, django_capture_on_commit_callbacks
):
    fill(paid_class, paid_class.capacity - 1)
    held = Enrollment.objects.get(public_id=book(paid_class).json()["enrollmentId"])
    entry = factories.WaitlistEntryFactory(class_session=paid_class)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, expired_event(held.payment))

    entry.refresh_from_db()
    assert entry.enrollment.status == Enrollment.Status.PENDING_PAYMENT
    assert entry.enrollment.payment.status == Payment.Status.OPEN
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("was released" in s for s in subjects)
    assert any("A seat opened for you" in s for s in subjects)


def test_without_stripe_connect_a_paid_class_is_left_to_the_owner(
    auto, paid_class, owner, django_capture_on_commit_callbacks
):
    first, second = _full_with_waitlist(paid_class)
    Provider.objects.filter(pk=auto.pk).update(stripe_charges_enabled=False)

    _cancel_one(paid_class, django_capture_on_commit_callbacks)

    assert _waiting(paid_class) == [first, second]
    assert not Payment.objects.exists()
    (email,) = mail.outbox
    assert (email.to, "A seat opened" in email.subject) == ([owner.email], True)


def test_a_stripe_failure_stops_auto_promotion_and_tells_the_owner_once(
    auto, paid_class, owner, fake_stripe, django_capture_on_commit_callbacks
):
    first, second = _full_with_waitlist(paid_class)
    fake_stripe.fail_next("/v1/checkout/sessions", 400, "Stripe said no")

    _cancel_one(paid_class, django_capture_on_commit_callbacks)

    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 1  # no retry loop
    assert _waiting(paid_class) == [first, second]  # back in its place
    assert Enrollment.objects.filter(client=first.client).get().status == "Cancelled"
    (email,) = mail.outbox
    assert email.to == [owner.email]
    assert first.client.name in email.body


def test_fill_switched_back_to_manual_emails_the_owner_instead(
    provider, free_class, owner, django_capture_on_commit_callbacks
):
    fill(free_class, free_class.capacity - 1)
    entry = factories.WaitlistEntryFactory(class_session=free_class)
    with django_capture_on_commit_callbacks(execute=True):
        result = waitlist_auto_fill(session_id=free_class.pk)
    assert result.promoted == []
    assert _waiting(free_class) == [entry]
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_fill_stops_at_a_full_class_and_is_a_no_op_when_run_again(auto, free_class, owner):
    first, second = _full_with_waitlist(free_class)
    free_class.enrollments.first().delete()
    (booked,) = waitlist_auto_fill(session_id=free_class.pk).promoted
    assert booked.client == first.client
    again = waitlist_auto_fill(session_id=free_class.pk)
    assert (again.promoted, again.stopped_by) == ([], "full")
    assert _waiting(free_class) == [second]
