"""Cancelling from the portal and from an emailed cancel link: confirm first, then POST."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from alera.tokens import Purpose, token_make
from classes.models import Enrollment
from payments.models import Payment, PaymentRefund
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_booking(customer):
    """A $20 card-paid confirmed seat five days out (refundable inside the 24 h window)."""
    provider = customer.provider
    payment = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, payment_intent_id="pi_test_1"
    )
    return factories.EnrollmentFactory(
        client=customer,
        class_session__provider=provider,
        class_session__scheduled_at=(timezone.now() + dt.timedelta(days=5)).replace(microsecond=0),
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
        amount_paid_cents=2000,
    )


def _cancel_token(enrollment) -> str:
    return token_make(
        Purpose.CANCEL, record_id=enrollment.public_id, provider_id=enrollment.provider.public_id
    )


def _portal_cancel(token, enrollment) -> str:
    return f"/me/{token}/bookings/{enrollment.public_id}/cancel"


def test_portal_cancel_page_previews_a_full_refund_and_changes_nothing(
    client, customer_token, card_booking, fake_stripe
):
    response = client.get(_portal_cancel(customer_token, card_booking))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You will get a full refund of <strong>$20.00</strong>" in html
    assert 'data-testid="confirm-cancel"' in html
    card_booking.refresh_from_db()
    assert card_booking.status == Enrollment.Status.CONFIRMED
    assert fake_stripe.requests == []


def test_portal_cancel_page_warns_a_late_cancellation_gets_no_refund(
    client, customer, customer_token, card_booking
):
    card_booking.class_session.scheduled_at = timezone.now() + dt.timedelta(hours=3)
    card_booking.class_session.save()
    html = client.get(_portal_cancel(customer_token, card_booking)).content.decode()
    assert "late cancellation" in html
    assert "nothing will be refunded" in html


def test_confirming_in_the_portal_refunds_cancels_and_returns_to_the_portal(
    client, customer_token, card_booking, fake_stripe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _portal_cancel(customer_token, card_booking), {"reason": "Sick"}, follow=True
        )
    assert response.redirect_chain == [(f"/me/{customer_token}", 302)]
    html = response.content.decode()
    assert "is cancelled. $20.00 is on its way back." in html
    assert card_booking.public_id not in html.split('id="packs"')[0]
    card_booking.refresh_from_db()
    assert card_booking.status == Enrollment.Status.CANCELLED
    assert card_booking.cancel_reason == "Sick"
    assert card_booking.cancelled_by == "customer"
    assert card_booking.refunded_cents == 2000
    [refund] = fake_stripe.calls("/v1/refunds")
    assert refund.params["amount"] == "2000"
    assert refund.stripe_account == card_booking.provider.stripe_account_id
    owed = PaymentRefund.objects.get(enrollment=card_booking)
    assert refund.idempotency_key == f"refund-{owed.public_id}-1"
    assert [m.to for m in mail.outbox] == [["jane@example.com"]]


def test_a_failed_refund_shows_502_and_keeps_the_booking(
    client, customer_token, card_booking, fake_stripe
):
    fake_stripe.fail_next("/v1/refunds", 400, "Charge already disputed")
    response = client.post(_portal_cancel(customer_token, card_booking))
    assert response.status_code == 502
    assert 'data-testid="cancel-error"' in response.content.decode()
    card_booking.refresh_from_db()
    assert card_booking.status == Enrollment.Status.CONFIRMED


def test_a_completed_booking_cannot_be_cancelled_from_the_portal(
    client, customer_token, card_booking, fake_stripe
):
    Enrollment.objects.filter(pk=card_booking.pk).update(status=Enrollment.Status.COMPLETED)
    page = client.get(_portal_cancel(customer_token, card_booking)).content.decode()
    assert "can no longer be cancelled" in page
    response = client.post(_portal_cancel(customer_token, card_booking))
    assert response.status_code == 410
    assert fake_stripe.requests == []


def test_another_customers_booking_is_404_in_the_portal(client, customer_token, customer):
    stranger = factories.EnrollmentFactory(class_session__provider=customer.provider)
    response = client.post(_portal_cancel(customer_token, stranger))
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == Enrollment.Status.CONFIRMED


def test_portal_cancel_with_a_bad_token_gets_the_friendly_page(client, card_booking):
    response = client.post(_portal_cancel("garbage", card_booking))
    assert response.status_code == 401
    card_booking.refresh_from_db()
    assert card_booking.status == Enrollment.Status.CONFIRMED


def test_emailed_cancel_link_confirms_on_get_and_cancels_on_post_with_a_receipt(
    client, booking, django_capture_on_commit_callbacks
):
    url = f"/me/cancel/{_cancel_token(booking)}"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Cancel this booking?" in confirm.content.decode()
    booking.refresh_from_db()
    assert booking.status == Enrollment.Status.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url)
    assert done.status_code == 200
    html = done.content.decode()
    assert 'data-testid="cancel-receipt"' in html
    assert "Nothing was charged" in html
    booking.refresh_from_db()
    assert booking.status == Enrollment.Status.CANCELLED

    again = client.post(url)
    assert again.status_code == 200
    assert "Booking cancelled" in again.content.decode()


def test_an_already_cancelled_booking_shows_when_it_was_cancelled(client, booking):
    Enrollment.objects.filter(pk=booking.pk).update(
        status=Enrollment.Status.CANCELLED, cancelled_at=timezone.now()
    )
    html = client.get(f"/me/cancel/{_cancel_token(booking)}").content.decode()
    assert "This booking was cancelled on" in html
    assert 'data-testid="confirm-cancel"' not in html


@pytest.mark.parametrize("purpose", [Purpose.TIP, Purpose.CUSTOMER])
def test_a_token_of_another_purpose_is_not_a_cancel_link(client, booking, purpose):
    token = token_make(purpose, record_id=booking.public_id, provider_id=booking.provider.public_id)
    response = client.post(f"/me/cancel/{token}")
    assert response.status_code == 401
    booking.refresh_from_db()
    assert booking.status == Enrollment.Status.CONFIRMED


def test_a_cancel_link_whose_provider_does_not_match_is_404(client, booking, other_provider):
    token = token_make(
        Purpose.CANCEL, record_id=booking.public_id, provider_id=other_provider.public_id
    )
    assert client.get(f"/me/cancel/{token}").status_code == 404


def test_a_class_that_already_started_cannot_be_cancelled_from_a_link(client, booking):
    booking.class_session.scheduled_at = timezone.now() - dt.timedelta(minutes=10)
    booking.class_session.save()
    url = f"/me/cancel/{_cancel_token(booking)}"
    assert "can no longer be cancelled" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 410
    booking.refresh_from_db()
    assert booking.status == Enrollment.Status.CONFIRMED


def test_cancel_post_without_a_csrf_token_is_refused(customer_token, booking):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/me/{customer_token}/bookings/{booking.public_id}/cancel")
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == Enrollment.Status.CONFIRMED
