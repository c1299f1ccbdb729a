"""Admin actions that cancel sessions with refunds and resend emails, through the services."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from classes.models import Appointment, ClassSession, Enrollment
from payments.models import ClientPackage, GiftCard, Payment, PaymentRefund
from tests import factories

pytestmark = pytest.mark.django_db


def _run_action(admin_client, model, action: str, objs):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return admin_client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objs]}, follow=True
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def paid_booking(rows):
    """A confirmed, card-paid seat (Stripe payment intent known) in a class with a waitlist."""
    session = factories.ClassSessionFactory(provider=rows.provider, price_cents=2500)
    payment = factories.PaymentFactory(
        provider=rows.provider,
        amount_cents=2500,
        status=Payment.Status.PAID,
        paid_at=timezone.now(),
        payment_intent_id="pi_admin_cancel",
    )
    enrollment = factories.EnrollmentFactory(
        class_session=session,
        client=factories.ClientFactory(provider=rows.provider, email="paid@example.com"),
        payment=payment,
        paid_with=Enrollment.PaidWith.CARD,
        price_cents=2500,
        amount_paid_cents=2500,
    )
    waiting = factories.WaitlistEntryFactory(class_session=session)
    return session, enrollment, payment, waiting


def test_cancel_action_cancels_the_session_refunds_and_emails_through_the_service(
    admin_client, paid_booking, fake_stripe, django_capture_on_commit_callbacks
):
    session, enrollment, payment, waiting = paid_booking

    with django_capture_on_commit_callbacks(execute=True):
        response = _run_action(admin_client, ClassSession, "cancel_with_refunds", [session])

    assert any("1 booking(s) cancelled and refunded" in m for m in _messages(response))
    session.refresh_from_db()
    enrollment.refresh_from_db()
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert session.status == ClassSession.Status.CANCELLED
    assert session.cancelled_at is not None
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert enrollment.refunded_cents == 2500
    assert enrollment.cancelled_by == "owner"
    assert payment.status == Payment.Status.REFUNDED
    assert waiting.cancelled_at is not None
    [refund] = fake_stripe.calls("/v1/refunds")
    assert refund.params["amount"] == "2500"
    assert refund.params["payment_intent"] == "pi_admin_cancel"
    assert refund.stripe_account == payment.stripe_account_id
    owed = PaymentRefund.objects.get(enrollment=enrollment)
    assert refund.idempotency_key == f"refund-{owed.public_id}-1"
    [email] = [m for m in mail.outbox if m.to == ["paid@example.com"]]
    assert "cancelled" in email.subject
    assert "$25.00" in email.body


def test_cancel_action_leaves_a_booking_whose_refund_fails_and_says_so(
    admin_client, paid_booking, fake_stripe
):
    session, enrollment, payment, _ = paid_booking
    fake_stripe.fail_next("/v1/refunds", 400, "Charge already disputed")

    response = _run_action(admin_client, ClassSession, "cancel_with_refunds", [session])

    assert any("refunds failed" in m and enrollment.public_id in m for m in _messages(response))
    enrollment.refresh_from_db()
    payment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert enrollment.refunded_cents == 0
    assert payment.status == Payment.Status.PAID

    _run_action(admin_client, ClassSession, "cancel_with_refunds", [session])  # retry

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert enrollment.refunded_cents == 2500
    assert len(fake_stripe.calls("/v1/refunds")) == 2


def test_cancel_action_skips_completed_sessions(admin_client, rows):
    done = factories.ClassSessionFactory(
        provider=rows.provider, status=ClassSession.Status.COMPLETED
    )

    response = _run_action(admin_client, ClassSession, "cancel_with_refunds", [done])

    assert "Skipped 1 completed session(s)." in _messages(response)
    done.refresh_from_db()
    assert done.status == ClassSession.Status.COMPLETED


def test_resend_booking_confirmation_emails_confirmed_bookings_only(
    admin_client, rows, django_capture_on_commit_callbacks
):
    cancelled = factories.EnrollmentFactory(
        class_session=rows.session, status=Enrollment.Status.CANCELLED
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = _run_action(
            admin_client, Enrollment, "resend_booking_confirmed", [rows.enrollment, cancelled]
        )

    assert "Queued 1 booking_confirmed email(s)." in _messages(response)
    assert "Skipped 1 row(s) with nothing to resend." in _messages(response)
    [email] = mail.outbox
    assert email.to == ["casey@example.com"]
    assert rows.session.name_snapshot in email.subject


def test_resend_gift_card_delivery_goes_to_the_recipient(
    admin_client, rows, django_capture_on_commit_callbacks
):
    GiftCard.objects.filter(pk=rows.gift_card.pk).update(
        recipient_name="Robin", recipient_email="robin@example.com"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = _run_action(
            admin_client, GiftCard, "resend_gift_card_delivered", [rows.gift_card]
        )

    assert "Queued 1 gift_card_delivered email(s)." in _messages(response)
    [email] = mail.outbox
    assert email.to == ["robin@example.com"]
    assert "ADMN GIFT CARD 2345" in email.body


def test_resend_pack_purchase_email(admin_client, rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _run_action(admin_client, ClientPackage, "resend_package_purchased", [rows.package])

    [email] = mail.outbox
    assert email.to == ["casey@example.com"]
    assert rows.package.package_type.name in email.subject


def test_resend_tip_request_only_for_completed_untipped_appointments(
    admin_client, rows, django_capture_on_commit_callbacks
):
    completed = factories.AppointmentFactory(
        provider=rows.provider,
        client=rows.client,
        status=Appointment.Status.COMPLETED,
        completed_at=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = _run_action(
            admin_client,
            Appointment,
            "resend_appointment_tip_request",
            [completed, rows.appointment],  # rows.appointment is still Scheduled
        )

    assert "Queued 1 appointment_tip_request email(s)." in _messages(response)
    [email] = mail.outbox
    assert email.to == ["casey@example.com"]
    assert "tip" in email.body.lower()


def test_remove_avatar_action_takes_an_unsuitable_avatar_down(admin_client, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Provider, ProviderAvatar
    from accounts.services import provider_avatar_set
    from tests.accounts.test_avatars import picture

    provider_avatar_set(provider=rows.provider, upload=SimpleUploadedFile("a.jpg", picture()))
    change = admin_client.get(
        reverse("admin:accounts_provider_change", args=[rows.provider.pk])
    ).content.decode()
    assert "/media/providers/" in change  # staff see the picture they are judging

    response = _run_action(admin_client, Provider, "remove_avatars", [rows.provider])

    assert any("1 done" in m for m in _messages(response))
    rows.provider.refresh_from_db()
    assert rows.provider.avatar_key == ""
    assert not ProviderAvatar.objects.exists()
