"""POST /api/tip/start (token only) and the tip its paid webhook stamps."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from classes.models import Appointment
from customers.tokens import Purpose, token_make
from payments.models import Payment, PaymentRefund
from payments.services.refunds import refund_owe
from payments.services.tips import tip_token_make
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/tip/start"


@pytest.fixture
def visit(provider):
    return factories.AppointmentFactory(
        provider=provider,
        status=Appointment.Status.COMPLETED,
        completed_at=timezone.now(),
    )


@pytest.fixture
def tip(anon_api):
    def _tip(token, amount=500):
        return anon_api.post(URL, {"token": token, "amountCents": amount}, format="json")

    return _tip


def test_start_opens_a_direct_charge_checkout_without_an_api_key(tip, visit, fake_stripe):
    token = tip_token_make(visit)
    response = tip(token)
    assert response.status_code == 200
    payment = Payment.objects.get(kind=Payment.Kind.TIP)
    assert response.json() == {
        "checkoutUrl": payment.checkout_url,
        "checkoutSessionId": payment.checkout_session_id,
    }
    assert payment.details == {"appointment_id": visit.public_id}
    [call] = fake_stripe.calls("/v1/checkout/sessions")
    assert call.stripe_account == visit.provider.stripe_account_id
    assert call.idempotency_key == f"checkout-{payment.public_id}"
    assert call.params["line_items[0][price_data][unit_amount]"] == "500"
    assert call.params["metadata[kind]"] == "tip"
    assert call.params["metadata[payment_id]"] == payment.public_id
    assert call.params["customer_email"] == visit.client.email
    assert call.params["success_url"] == f"http://testserver/me/tip/{token}?paid=1"


def test_paid_tip_is_stamped_once_however_often_the_event_arrives(tip, pay, visit, fake_stripe):
    tip(tip_token_make(visit), amount=1500)
    payment = Payment.objects.get()
    pay(payment, event_id="evt_tip", payment_intent="pi_tip_1")
    visit.refresh_from_db()
    stamped = (visit.tip_charge_id, visit.tip_captured_at, visit.tip_amount_cents)
    assert stamped[0] == "pi_tip_1"
    assert stamped[2] == 1500
    assert stamped[1] == Payment.objects.get().paid_at
    pay(payment, event_id="evt_tip", payment_intent="pi_tip_1")
    pay(payment, event_id="evt_tip_other", payment_intent="pi_tip_1")
    visit.refresh_from_db()
    assert (visit.tip_charge_id, visit.tip_captured_at, visit.tip_amount_cents) == stamped
    assert fake_stripe.calls("/v1/refunds") == []


def test_second_tip_after_one_was_collected_gives_409(tip, pay, visit, fake_stripe):
    token = tip_token_make(visit)
    tip(token)
    pay(Payment.objects.get())
    response = tip(token)
    assert response.status_code == 409
    assert "already" in response.json()["error"]
    assert Payment.objects.count() == 1


def test_starting_again_while_a_checkout_is_open_returns_that_checkout(tip, visit, fake_stripe):
    token = tip_token_make(visit)
    first = tip(token, amount=500).json()
    again = tip(token, amount=700)
    assert again.status_code == 200
    assert again.json() == first
    assert Payment.objects.filter(kind=Payment.Kind.TIP).count() == 1
    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 1


def test_starting_after_the_open_checkout_expired_opens_a_new_one(tip, visit, fake_stripe):
    token = tip_token_make(visit)
    first = tip(token, amount=500).json()
    Payment.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    again = tip(token, amount=700).json()
    assert again["checkoutSessionId"] != first["checkoutSessionId"]
    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 2


def test_a_start_while_another_is_still_opening_its_checkout_is_a_409(tip, visit, fake_stripe):
    factories.PaymentFactory(
        provider=visit.provider,
        kind=Payment.Kind.TIP,
        checkout_url="",
        details={"appointment_id": visit.public_id},
    )
    response = tip(tip_token_make(visit))
    assert response.status_code == 409
    assert "try again in a moment" in response.json()["error"]
    assert fake_stripe.calls("/v1/checkout/sessions") == []


def test_a_paid_tip_gets_a_receipt_with_the_amount_in_both_parts(tip, pay, visit, fake_stripe):
    tip(tip_token_make(visit), amount=1500)
    pay(Payment.objects.get(), payment_intent="pi_tip_receipt")
    [receipt] = mail.outbox
    assert receipt.to == [visit.client.email]
    assert receipt.subject == f"Receipt: your tip to {visit.provider.display_name}"
    for part in (receipt.body, receipt.alternatives[0][0]):
        assert "Paid: $15.00" in part
        assert "pi_tip_receipt" in part
        assert visit.service.name in part


def test_a_second_tip_paid_in_a_race_is_refunded_and_not_stamped(tip, pay, visit, fake_stripe):
    """Two Checkouts paid for one visit (the first expired on our side as Stripe completed
    it): the second is refunded, never stamped."""
    token = tip_token_make(visit)
    tip(token, amount=500)
    Payment.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    tip(token, amount=700)
    first, second = Payment.objects.order_by("pk")
    pay(first, payment_intent="pi_first")
    pay(second, payment_intent="pi_second")
    visit.refresh_from_db()
    assert (visit.tip_charge_id, visit.tip_amount_cents) == ("pi_first", 500)
    [refund] = fake_stripe.calls("/v1/refunds")
    assert refund.params["payment_intent"] == "pi_second"
    assert refund.params["amount"] == "700"
    assert refund.stripe_account == visit.provider.stripe_account_id
    owed = PaymentRefund.objects.get(payment=second)
    assert refund.idempotency_key == f"refund-{owed.public_id}-1"
    second.refresh_from_db()
    assert second.status == Payment.Status.REFUNDED


def test_tip_and_booking_refund_independently(
    tip, pay, visit, fake_stripe, django_capture_on_commit_callbacks
):
    booking = factories.PaymentFactory(
        provider=visit.provider, status=Payment.Status.PAID, payment_intent_id="pi_booking"
    )
    tip(tip_token_make(visit), amount=800)
    tip_payment = Payment.objects.get(kind=Payment.Kind.TIP)
    pay(tip_payment, payment_intent="pi_tip")
    with django_capture_on_commit_callbacks(execute=True):
        refund_owe(payment=booking, reason=PaymentRefund.Reason.CANCEL)
    [refund] = fake_stripe.calls("/v1/refunds")
    assert refund.params["payment_intent"] == "pi_booking"
    tip_payment.refresh_from_db()
    visit.refresh_from_db()
    assert tip_payment.status == Payment.Status.PAID
    assert (visit.tip_charge_id, visit.tip_amount_cents) == ("pi_tip", 800)
    with django_capture_on_commit_callbacks(execute=True):
        refund_owe(payment=tip_payment, reason=PaymentRefund.Reason.DUPLICATE_TIP)
    booking.refresh_from_db()
    tip_payment.refresh_from_db()
    assert (booking.refunded_cents, tip_payment.refunded_cents) == (2000, 800)
    assert fake_stripe.calls("/v1/refunds")[1].params["payment_intent"] == "pi_tip"


@pytest.mark.parametrize("amount", [99, 100001, 0, "five"])
def test_amount_out_of_range_gives_400(tip, visit, amount):
    response = tip(tip_token_make(visit), amount=amount)
    assert response.status_code == 400
    assert "amountCents" in response.json()["error"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", [100, 100000])
def test_amount_bounds_are_inclusive(tip, visit, fake_stripe, amount):
    assert tip(tip_token_make(visit), amount=amount).status_code == 200


def test_missing_token_gives_400(anon_api, visit):
    response = anon_api.post(URL, {"amountCents": 500}, format="json")
    assert response.status_code == 400


def test_tips_disabled_on_the_service_gives_400(tip, visit):
    visit.service.tips_enabled = False
    visit.service.save()
    response = tip(tip_token_make(visit))
    assert response.status_code == 400
    assert "tips" in response.json()["error"]


@pytest.mark.parametrize("status", ["Scheduled", "NoShow", "Cancelled"])
def test_visit_not_completed_gives_400(tip, visit, status):
    Appointment.objects.filter(pk=visit.pk).update(status=status)
    response = tip(tip_token_make(visit))
    assert response.status_code == 400
    assert "completed" in response.json()["error"]


@pytest.mark.parametrize(
    "token_for",
    [
        lambda v: tip_token_make(v)[:-2] + "xx",
        lambda v: "garbage",
        lambda v: token_make(
            Purpose.CANCEL, record_id=v.public_id, provider_id=v.provider.public_id
        ),
        lambda v: token_make(
            Purpose.CUSTOMER, record_id=v.public_id, provider_id=v.provider.public_id
        ),
    ],
    ids=["bad-signature", "garbage", "cancel-token", "customer-token"],
)
def test_bad_or_other_purpose_token_gives_403(tip, visit, token_for):
    response = tip(token_for(visit))
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_expired_token_gives_403(tip, visit):
    token = tip_token_make(visit)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        response = tip(token)
    assert response.status_code == 403
    assert "expired" in response.json()["error"]


def test_token_for_a_missing_or_other_studios_appointment_gives_404(tip, visit):
    missing = token_make(Purpose.TIP, record_id="appt-gone", provider_id=visit.provider.public_id)
    other = factories.ProviderFactory()
    misbound = token_make(Purpose.TIP, record_id=visit.public_id, provider_id=other.public_id)
    assert tip(missing).status_code == 404
    assert tip(misbound).status_code == 404


def test_provider_without_connect_gives_412(tip, visit, fake_stripe):
    visit.provider.stripe_charges_enabled = False
    visit.provider.save()
    response = tip(tip_token_make(visit))
    assert response.status_code == 412
    assert fake_stripe.requests == []


def test_stripe_failure_gives_502(tip, visit, fake_stripe):
    fake_stripe.fail_next("/v1/checkout/sessions", status=400)
    response = tip(tip_token_make(visit))
    assert response.status_code == 502
    visit.refresh_from_db()
    assert visit.tip_captured_at is None


@pytest.mark.usefixtures("frozen_minute")
def test_rate_limit_is_20_per_minute(tip, visit):
    token = tip_token_make(visit)
    statuses = [tip(token).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
