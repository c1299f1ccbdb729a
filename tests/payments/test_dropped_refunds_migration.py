"""The data migration that turns refunds the old tasks gave up on into owed rows."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from classes.models import Appointment, Enrollment
from payments.models import Payment, PaymentRefund
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("payments.migrations.0003_owe_dropped_refunds")


def _booking(provider, *, status, amount_paid_cents, payment_status=Payment.Status.PAID):
    payment = factories.PaymentFactory(provider=provider, status=payment_status)
    return factories.EnrollmentFactory(
        class_session=factories.ClassSessionFactory(provider=provider, price_cents=2000),
        status=status,
        paid_with=Enrollment.PaidWith.CARD,
        payment=payment,
        amount_paid_cents=amount_paid_cents,
    )


def test_charged_customers_without_a_seat_or_a_refund_are_owed_one(provider):
    dropped = _booking(provider, status=Enrollment.Status.CANCELLED, amount_paid_cents=0)
    late_cancel = _booking(provider, status=Enrollment.Status.CANCELLED, amount_paid_cents=2000)
    seated = _booking(provider, status=Enrollment.Status.CONFIRMED, amount_paid_cents=2000)
    refunded = _booking(
        provider,
        status=Enrollment.Status.CANCELLED,
        amount_paid_cents=0,
        payment_status=Payment.Status.REFUNDED,
    )
    visit = factories.AppointmentFactory(
        provider=provider,
        status=Appointment.Status.COMPLETED,
        tip_captured_at=timezone.now(),
        tip_charge_id="pi_kept_tip",
    )

    def tip(intent):
        return factories.PaymentFactory(
            provider=provider,
            kind=Payment.Kind.TIP,
            status=Payment.Status.PAID,
            amount_cents=700,
            payment_intent_id=intent,
            details={"appointment_id": visit.public_id},
        )

    kept, second = tip("pi_kept_tip"), tip("pi_second_tip")

    migration.owe_dropped_refunds(apps, None)

    owed = {(r.payment_id, r.reason, r.amount_cents) for r in PaymentRefund.objects.all()}
    assert owed == {
        (dropped.payment_id, "unseated", 2000),
        (second.pk, "duplicate_tip", 700),
    }
    assert all(r.status == "pending" and r.next_attempt_at for r in PaymentRefund.objects.all())
    untouched = [late_cancel.payment_id, seated.payment_id, refunded.payment_id, kept.pk]
    assert not PaymentRefund.objects.filter(payment_id__in=untouched).exists()
    migration.owe_dropped_refunds(apps, None)  # running it again owes nothing twice
    assert PaymentRefund.objects.count() == 2
