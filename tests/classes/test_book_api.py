"""POST /api/classes/:id/book: free, paid (Stripe Checkout) and every contract error."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from alera.api.wire import iso_ms
from alera.tokens import Purpose, token_read
from classes.models import ClassSession, Enrollment
from customers.models import Client
from payments.models import Payment
from tests import factories
from tests.classes.conftest import CUSTOMER, fill

pytestmark = pytest.mark.django_db


def test_free_class_is_confirmed_at_once_with_a_cancel_token(
    book, free_class, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = book(free_class)
    assert response.status_code == 200
    body = response.json()
    enrollment = Enrollment.objects.get(public_id=body["enrollmentId"])
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert body["checkoutUrl"] is None
    assert body["checkoutSessionId"] is None
    assert body["classSession"] == {
        "id": free_class.public_id,
        "nameSnapshot": "Community Yoga",
        "scheduledAt": iso_ms(free_class.scheduled_at),
        "durationMin": 50,
    }
    token = token_read(Purpose.CANCEL, body["cancelToken"])
    assert token.record_id == enrollment.public_id
    assert token.provider_id == free_class.provider.public_id
    assert [m.to for m in mail.outbox] == [["jane@example.com"]]


def test_booking_upserts_the_client_by_lower_cased_email_with_a_normalised_phone(
    book, free_class, provider
):
    book(free_class, email="Jane@Example.com")
    client = Client.objects.get(provider=provider)
    assert (client.email, client.phone, client.name) == (
        "jane@example.com",
        "15125550100",
        "Jane Doe",
    )


def test_paid_class_holds_a_seat_and_opens_a_stripe_checkout(
    book, paid_class, provider, fake_stripe
):
    before = timezone.now()
    response = book(paid_class, successUrl="https://partner.example/thanks")
    assert response.status_code == 200
    body = response.json()
    enrollment = Enrollment.objects.select_related("payment").get(public_id=body["enrollmentId"])
    payment = enrollment.payment
    assert enrollment.status == Enrollment.Status.PENDING_PAYMENT
    assert body["checkoutSessionId"] == payment.checkout_session_id
    assert body["checkoutUrl"] == f"https://checkout.stripe.com/c/pay/{body['checkoutSessionId']}"
    assert payment.kind == Payment.Kind.ENROLLMENT
    assert payment.amount_cents == 2000
    assert enrollment.hold_expires_at == payment.expires_at
    (call,) = fake_stripe.calls("/v1/checkout/sessions")
    assert call.params["line_items[0][price_data][unit_amount]"] == "2000"
    assert call.stripe_account == provider.stripe_account_id
    assert call.idempotency_key == f"checkout-{payment.public_id}"
    assert call.params["metadata[payment_id]"] == payment.public_id
    assert int(call.params["expires_at"]) >= int(before.timestamp()) + 30 * 60
    assert call.params["success_url"] == "https://partner.example/thanks"
    assert call.params["cancel_url"] == "https://partner.example/"


def test_a_held_seat_counts_against_seats_left(api, book, paid_class, fake_stripe):
    book(paid_class)
    detail = api.get(f"/api/classes/{paid_class.public_id}").json()["class"]
    assert (detail["enrolledCount"], detail["seatsLeft"]) == (0, paid_class.capacity - 1)


def test_stripe_failure_gives_502_and_releases_the_hold(api, book, paid_class, fake_stripe):
    fake_stripe.fail_next("/v1/checkout/sessions", 400, "Stripe said no")
    response = book(paid_class)
    assert response.status_code == 502
    assert "Stripe" in response.json()["error"]
    enrollment = Enrollment.objects.get(class_session=paid_class)
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert enrollment.payment.status == Payment.Status.EXPIRED
    detail = api.get(f"/api/classes/{paid_class.public_id}").json()["class"]
    assert detail["seatsLeft"] == paid_class.capacity
    assert book(paid_class).status_code == 200  # the same customer may simply retry


def test_full_class_gives_409_with_waitlist_hint(book, free_class):
    fill(free_class)
    response = book(free_class)
    assert response.status_code == 409
    assert response.json()["waitlistAvailable"] is True
    assert not Enrollment.objects.filter(client__email="jane@example.com").exists()


def test_booking_the_last_seat_twice_gives_one_409(book, free_class):
    fill(free_class, free_class.capacity - 1)
    assert book(free_class).status_code == 200
    response = book(free_class, email="someone.else@example.com")
    assert response.status_code == 409
    assert response.json()["waitlistAvailable"] is True


def test_same_email_twice_on_one_class_gives_409(book, free_class):
    assert book(free_class).status_code == 200
    response = book(free_class, email="JANE@example.com")
    assert response.status_code == 409
    assert "already booked" in response.json()["error"]


def test_an_expired_unswept_hold_of_the_same_customer_does_not_block_rebooking(
    book, paid_class, fake_stripe
):
    client = factories.ClientFactory(provider=paid_class.provider, email="jane@example.com")
    stale = factories.EnrollmentFactory(
        class_session=paid_class,
        client=client,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert book(paid_class).status_code == 200
    stale.refresh_from_db()
    assert stale.status == Enrollment.Status.CANCELLED


def test_cancelled_class_gives_410(book, provider):
    session = factories.ClassSessionFactory(
        provider=provider, status=ClassSession.Status.CANCELLED, cancelled_at=timezone.now()
    )
    assert book(session).status_code == 410


def test_started_class_gives_410(book, provider):
    session = factories.ClassSessionFactory(
        provider=provider, scheduled_at=timezone.now() - dt.timedelta(minutes=5)
    )
    response = book(session)
    assert response.status_code == 410
    assert "started" in response.json()["error"]


def test_paid_class_of_a_studio_without_stripe_gives_412(book, paid_class, provider):
    provider.stripe_charges_enabled = False
    provider.save()
    assert book(paid_class).status_code == 412
    assert not Enrollment.objects.exists()


def test_free_class_books_even_without_stripe(book, free_class, provider):
    provider.stripe_account_id = ""
    provider.save()
    assert book(free_class).status_code == 200


@pytest.mark.parametrize(
    "override",
    [
        {"email": "not-an-email"},
        {"phone": "555-0100"},
        {"phone": ""},
        {"name": ""},
        {"name": "x" * 121},
        {"successUrl": "https://evil.example/thanks"},
        {"cancelUrl": "http://partner.example/"},
        {"successUrl": "not a url"},
    ],
)
def test_validation_errors_give_400_and_book_nothing(book, free_class, override):
    response = book(free_class, **override)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("missing", ["name", "email", "phone"])
def test_missing_required_field_gives_400(api, free_class, missing):
    body = {k: v for k, v in CUSTOMER.items() if k != missing}
    response = api.post(f"/api/classes/{free_class.public_id}/book", body, format="json")
    assert response.status_code == 400
    assert missing in response.json()["error"]


def test_malformed_json_gives_400(api, free_class):
    response = api.post(
        f"/api/classes/{free_class.public_id}/book", "{nope", content_type="application/json"
    )
    assert response.status_code == 400


def test_booking_another_studios_class_gives_404(book):
    foreign = factories.ClassSessionFactory(price_cents=0)
    assert book(foreign).status_code == 404
    assert not Enrollment.objects.exists()


def test_booking_needs_a_key(anon_api, free_class):
    response = anon_api.post(
        f"/api/classes/{free_class.public_id}/book",
        CUSTOMER,
        format="json",
        HTTP_ORIGIN="https://partner.example",
    )
    assert response.status_code == 401


@pytest.mark.usefixtures("frozen_minute")
def test_book_rate_limit_is_10_per_minute(book, free_class):
    codes = [book(free_class, email=f"person{i}@example.com").status_code for i in range(11)]
    assert codes[:10] == [200] * 6 + [409] * 4  # capacity 6
    assert codes[10] == 429


def test_a_started_paid_class_is_410_even_when_the_studio_cannot_take_payments(book, provider):
    provider.stripe_charges_enabled = False
    provider.save()
    session = factories.ClassSessionFactory(
        provider=provider, scheduled_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert book(session).status_code == 410
