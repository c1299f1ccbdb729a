"""Paid bookings meet Stripe's webhooks: completion, expiry, replays and out-of-order delivery."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from classes.models import Enrollment
from classes.services.common import cancel_token
from classes.tasks import release_expired_holds
from payments.models import Payment, PaymentRefund
from tests import factories
from tests.classes.conftest import fill
from tests.fakes.webhooks import completed_event, expired_event, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(book, paid_class, fake_stripe):
    """A paid booking waiting for its Checkout: (enrollment, payment)."""
    response = book(paid_class)
    enrollment = Enrollment.objects.select_related("payment").get(
        public_id=response.json()["enrollmentId"]
    )
    mail.outbox.clear()
    return enrollment, enrollment.payment


def _enrolled(api, session):
    return api.get(f"/api/classes/{session.public_id}").json()["class"]


def test_completed_webhook_confirms_and_increments_enrolled_count(
    api, client, held, paid_class, django_capture_on_commit_callbacks
):
    enrollment, payment = held
    assert _enrolled(api, paid_class)["enrolledCount"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, completed_event(payment, payment_intent="pi_123"))
    assert response.status_code == 200
    enrollment.refresh_from_db()
    payment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert enrollment.amount_paid_cents == 2000
    assert (payment.status, payment.payment_intent_id) == (Payment.Status.PAID, "pi_123")
    detail = _enrolled(api, paid_class)
    assert (detail["enrolledCount"], detail["seatsLeft"]) == (1, paid_class.capacity - 1)
    (confirmation,) = mail.outbox
    assert confirmation.to == ["jane@example.com"]
    assert "/me/cancel/" in confirmation.body
    assert confirmation.attachments[0][0] == "class.ics"


def test_a_replayed_completed_event_is_a_no_op(client, held, django_capture_on_commit_callbacks):
    enrollment, payment = held
    event = completed_event(payment)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event)
    confirmed_at = Enrollment.objects.get(pk=enrollment.pk).confirmed_at
    with django_capture_on_commit_callbacks(execute=True):
        replay = post_event(client, event)
        other_id = post_event(client, completed_event(payment))
    assert replay.json()["duplicate"] is True
    assert other_id.status_code == 200
    assert Enrollment.objects.get(pk=enrollment.pk).confirmed_at == confirmed_at
    assert len(mail.outbox) == 1


def test_bad_signature_gives_400_and_changes_nothing(client, held):
    enrollment, payment = held
    response = post_event(client, completed_event(payment), secret="whsec_wrong")
    assert response.status_code == 400
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PENDING_PAYMENT


def test_expired_webhook_releases_the_seat_and_emails_the_customer(
    api, client, held, paid_class, django_capture_on_commit_callbacks
):
    enrollment, payment = held
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, expired_event(payment))
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.cancelled_by) == (Enrollment.Status.CANCELLED, "system")
    assert _enrolled(api, paid_class)["seatsLeft"] == paid_class.capacity
    assert [m.subject for m in mail.outbox] == [
        f"Your seat in {paid_class.name_snapshot} was released"
    ]


def test_expiry_tells_the_owner_when_someone_is_waiting(
    client, held, paid_class, owner, django_capture_on_commit_callbacks
):
    _, payment = held
    factories.WaitlistEntryFactory(class_session=paid_class)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, expired_event(payment))
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1
    assert "seat opened" in to_owner[0].subject


def test_late_completed_after_expiry_is_honoured_when_a_seat_is_free(
    client, held, fake_stripe, django_capture_on_commit_callbacks
):
    enrollment, payment = held
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, expired_event(payment))
        post_event(client, completed_event(payment))
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert enrollment.cancelled_at is None
    assert fake_stripe.calls("/v1/refunds") == []


def test_late_completed_after_expiry_is_refunded_when_the_class_filled_up(
    client, held, paid_class, fake_stripe, django_capture_on_commit_callbacks
):
    enrollment, payment = held
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, expired_event(payment))
    fill(paid_class)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, completed_event(payment, payment_intent="pi_late"))
    enrollment.refresh_from_db()
    payment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    (refund,) = fake_stripe.calls("/v1/refunds")
    assert refund.params["payment_intent"] == "pi_late"
    assert refund.params["amount"] == "2000"
    assert refund.stripe_account == paid_class.provider.stripe_account_id
    owed = PaymentRefund.objects.get(payment=payment)
    assert (owed.reason, owed.status) == ("unseated", "succeeded")
    assert refund.idempotency_key == f"refund-{owed.public_id}-1"
    assert payment.status == Payment.Status.REFUNDED
    assert enrollment.refunded_cents == 2000
    assert enrollment.refund_id == payment.refund_id != ""
    assert any(m.subject.startswith("Refunded:") for m in mail.outbox)


def test_expired_event_after_completed_changes_nothing(
    client, held, django_capture_on_commit_callbacks
):
    enrollment, payment = held
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, completed_event(payment))
        post_event(client, expired_event(payment))
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED


def test_beat_sweep_releases_holds_past_their_expiry_only(
    held, paid_class, django_capture_on_commit_callbacks
):
    enrollment, payment = held
    other = factories.EnrollmentFactory(
        class_session=paid_class,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + dt.timedelta(hours=2),
        payment=factories.PaymentFactory(provider=paid_class.provider),
    )
    assert release_expired_holds.delay().get() == 0
    with (
        time_machine.travel(enrollment.hold_expires_at + dt.timedelta(seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert release_expired_holds.delay().get() == 1
    enrollment.refresh_from_db()
    other.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED
    assert other.status == Enrollment.Status.PENDING_PAYMENT


def test_dev_checkout_page_pays_through_the_same_services(
    client, book, paid_class, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_GATEWAY = "dev"
    body = book(paid_class).json()
    assert body["checkoutUrl"].startswith("http://testserver/dev/checkout/cs_dev_")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/dev/checkout/{body['checkoutSessionId']}", {"action": "pay"})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(public_id=body["enrollmentId"])
    assert enrollment.status == Enrollment.Status.CONFIRMED


def test_payment_for_a_booking_the_customer_cancelled_while_unpaid_is_refunded(
    anon_api, client, held, fake_stripe, django_capture_on_commit_callbacks
):
    enrollment, payment = held
    response = anon_api.post(
        f"/api/enrollments/{enrollment.public_id}/cancel",
        {"cancelToken": cancel_token(enrollment)},
        format="json",
    )
    assert response.json()["refundedCents"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, completed_event(payment))
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert len(fake_stripe.calls("/v1/refunds")) == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REFUNDED
