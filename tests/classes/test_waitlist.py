"""POST /api/classes/:id/waitlist and the owner's promote action (`waitlist_promote`)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from alera.api.errors import status_for
from alera.errors import DomainError
from classes.errors import NoSeatFree
from classes.models import ClassSession, Enrollment, WaitlistEntry
from classes.services.waitlist import waitlist_promote
from payments.errors import PaymentFailed
from payments.models import Payment
from tests import factories
from tests.classes.conftest import CUSTOMER, fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def join(api):
    def _join(session, **body):
        return api.post(
            f"/api/classes/{session.public_id}/waitlist", {**CUSTOMER, **body}, format="json"
        )

    return _join


def test_joining_a_full_class_reports_the_position(
    join, free_class, django_capture_on_commit_callbacks
):
    fill(free_class)
    assert join(free_class, email="first@example.com").json()["position"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = join(free_class)
    assert response.status_code == 200
    body = response.json()
    entry = WaitlistEntry.objects.get(public_id=body["waitlistEntryId"])
    assert body == {"waitlistEntryId": entry.public_id, "position": 2, "alreadyOnWaitlist": False}
    assert [m.to for m in mail.outbox] == [["jane@example.com"]]
    assert "position 2" in mail.outbox[0].body


def test_joining_twice_returns_the_same_entry(join, free_class):
    fill(free_class)
    first = join(free_class).json()
    second = join(free_class, email="JANE@example.com").json()
    assert second == {**first, "alreadyOnWaitlist": True}
    assert WaitlistEntry.objects.count() == 1


def test_position_counts_only_entries_still_waiting(join, free_class):
    fill(free_class)
    join(free_class, email="a@example.com")
    WaitlistEntry.objects.update(cancelled_at=timezone.now())
    assert join(free_class).json()["position"] == 1


def test_joining_a_class_with_seats_gives_409_pointing_to_booking(join, free_class):
    fill(free_class, free_class.capacity - 1)
    response = join(free_class)
    assert response.status_code == 409
    assert "book" in response.json()["error"]
    assert response.json()["seatsLeft"] == 1
    assert not WaitlistEntry.objects.exists()


def test_joining_a_cancelled_or_started_class_gives_410(join, provider):
    cancelled = factories.ClassSessionFactory(
        provider=provider, status=ClassSession.Status.CANCELLED
    )
    started = factories.ClassSessionFactory(
        provider=provider, scheduled_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert join(cancelled).status_code == 410
    assert join(started).status_code == 410


def test_waitlist_validation_and_tenancy(join, free_class):
    fill(free_class)
    assert join(free_class, phone="123").status_code == 400
    assert join(factories.ClassSessionFactory()).status_code == 404


@pytest.mark.usefixtures("frozen_minute")
def test_waitlist_rate_limit_is_10_per_minute(join, free_class):
    fill(free_class)
    codes = [join(free_class).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429


def test_promoting_on_a_free_class_confirms_at_once(free_class, django_capture_on_commit_callbacks):
    fill(free_class, free_class.capacity - 1)
    entry = factories.WaitlistEntryFactory(class_session=free_class)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = waitlist_promote(entry=entry)
    entry.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert (entry.enrollment, entry.promoted_at is not None) == (enrollment, True)
    assert [m.to for m in mail.outbox] == [[entry.client.email]]


def test_promoting_on_a_paid_class_holds_the_seat_and_emails_a_checkout_link(
    paid_class, fake_stripe, django_capture_on_commit_callbacks
):
    fill(paid_class, paid_class.capacity - 1)
    entry = factories.WaitlistEntryFactory(class_session=paid_class)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = waitlist_promote(entry=entry)
    assert enrollment.status == Enrollment.Status.PENDING_PAYMENT
    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 1
    (offer,) = mail.outbox
    assert enrollment.payment.checkout_url in offer.body


def test_promoting_without_a_free_seat_raises(free_class):
    fill(free_class)
    entry = factories.WaitlistEntryFactory(class_session=free_class)
    with pytest.raises(NoSeatFree):
        waitlist_promote(entry=entry)
    entry.refresh_from_db()
    assert entry.promoted_at is None


def test_promoting_twice_raises(free_class):
    entry = factories.WaitlistEntryFactory(class_session=free_class)
    waitlist_promote(entry=entry)
    with pytest.raises(DomainError) as exc:
        waitlist_promote(entry=entry)
    assert status_for(exc.value) == 409


def test_a_stripe_failure_on_promotion_puts_the_entry_back(paid_class, fake_stripe):
    entry = factories.WaitlistEntryFactory(class_session=paid_class)
    fake_stripe.fail_next("/v1/checkout/sessions", 400, "nope")
    with pytest.raises(PaymentFailed):
        waitlist_promote(entry=entry)
    entry.refresh_from_db()
    assert entry.promoted_at is None
    assert Enrollment.objects.get().status == Enrollment.Status.CANCELLED
    assert Payment.objects.get().status == Payment.Status.EXPIRED


def test_a_waiting_customer_who_books_directly_leaves_the_waitlist(api, join, free_class):
    fill(free_class)
    join(free_class)
    free_class.enrollments.first().delete()
    response = api.post(f"/api/classes/{free_class.public_id}/book", CUSTOMER, format="json")
    assert response.status_code == 200
    entry = WaitlistEntry.objects.get()
    assert entry.promoted_at is not None
    assert entry.enrollment.public_id == response.json()["enrollmentId"]
