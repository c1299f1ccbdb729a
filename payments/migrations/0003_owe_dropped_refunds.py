"""Refunds the old after-commit tasks gave up on become owed rows, so the beat makes them.

Before PaymentRefund, a refund owed after commit (a late payment with no seat, a second tip)
lived only in a Celery task, which stopped after its retries. Such a payment is still
`paid`, not fully refunded, and bought nothing:
- an enrollment payment whose booking is cancelled and was never confirmed with it
  (`amount_paid_cents == 0`: a confirmed card seat always records what it was paid);
- a tip payment that is not the tip stamped on its visit.
"""

from django.db import migrations
from django.utils import timezone


def owe_dropped_refunds(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    PaymentRefund = apps.get_model("payments", "PaymentRefund")
    Enrollment = apps.get_model("classes", "Enrollment")
    Appointment = apps.get_model("classes", "Appointment")
    now = timezone.now()
    unpaid_for = Payment.objects.filter(status="paid", refunds__isnull=True)
    for payment in unpaid_for.filter(kind="enrollment").iterator():
        enrollment = Enrollment.objects.filter(payment=payment).first()
        if enrollment is None or enrollment.status != "Cancelled" or enrollment.amount_paid_cents:
            continue
        if payment.refunded_cents < payment.amount_cents:
            PaymentRefund.objects.create(
                provider_id=payment.provider_id,
                payment=payment,
                client_id=enrollment.client_id,
                enrollment=enrollment,
                reason="unseated",
                amount_cents=payment.amount_cents - payment.refunded_cents,
                next_attempt_at=now,
            )
    for payment in unpaid_for.filter(kind="tip").iterator():
        visit = Appointment.objects.filter(
            provider_id=payment.provider_id, public_id=payment.details.get("appointment_id", "")
        ).first()
        stamp = (payment.payment_intent_id or payment.checkout_session_id or "")[:64]
        if visit is None or visit.tip_captured_at is None or visit.tip_charge_id == stamp:
            continue
        if payment.refunded_cents < payment.amount_cents:
            PaymentRefund.objects.create(
                provider_id=payment.provider_id,
                payment=payment,
                client_id=visit.client_id,
                reason="duplicate_tip",
                amount_cents=payment.amount_cents - payment.refunded_cents,
                next_attempt_at=now,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("classes", "0003_enrollment_cancel_window"),
        ("payments", "0002_payment_refunds"),
    ]

    operations = [migrations.RunPython(owe_dropped_refunds, migrations.RunPython.noop)]
