"""The data migration giving existing payments their refund rows: refunds already made, and
refunds the old after-commit tasks gave up on (now owed, so the beat makes them)."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from classes.models import Appointment, Enrollment
from payments.models import Payment, PaymentRefund
from payments.services.refund_events import refund_record_external
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("payments.migrations.0003_refund_rows_for_existing_payments")


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

    migration.backfill_refund_rows(apps, None)

    owed = {(r.payment_id, r.reason, r.amount_cents) for r in PaymentRefund.objects.all()}
    assert owed == {
        (dropped.payment_id, "unseated", 2000),
        (second.pk, "duplicate_tip", 700),
    }
    assert all(r.status == "pending" and r.next_attempt_at for r in PaymentRefund.objects.all())
    untouched = [late_cancel.payment_id, seated.payment_id, refunded.payment_id, kept.pk]
    assert not PaymentRefund.objects.filter(payment_id__in=untouched).exists()
    migration.backfill_refund_rows(apps, None)  # running it again owes nothing twice
    assert PaymentRefund.objects.count() == 2


def test_refunds_made_before_the_rows_keep_counting(provider):
    partly = factories.PaymentFactory(
        provider=provider, status=Payment.Status.PAID, refunded_cents=500, refund_id="re_old"
    )
    from_charge_event = factories.PaymentFactory(
        provider=provider,
        status=Payment.Status.REFUNDED,
        refunded_cents=2000,
        refund_id="charge-ch_old",
    )

    migration.backfill_refund_rows(apps, None)

    (old,) = PaymentRefund.objects.filter(payment=partly)
    assert (old.status, old.amount_cents, old.stripe_refund_id) == ("succeeded", 500, "re_old")
    (external,) = PaymentRefund.objects.filter(payment=from_charge_event)
    assert (external.reason, external.stripe_refund_id) == ("external", None)
    refund_record_external(payment=partly, stripe_refund_id="re_new", amount_cents=700)
    partly.refresh_from_db()
    assert partly.refunded_cents == 1200
