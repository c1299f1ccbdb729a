"""Existing payments get their refund rows: refunds already made, and refunds still owed.

`Payment.refunded_cents` is now the sum of a payment's succeeded PaymentRefund rows, so a
refund made before the rows existed becomes one succeeded row (its amount is the payment's
`refunded_cents`), or a later refund would recompute the total without it.

Before the rows, a refund owed after commit (a late payment with no seat, a second tip)
lived only in a Celery task, which stopped after its retries. Such a payment is still
`paid`, not fully refunded, and bought nothing:
- an enrollment payment whose booking is cancelled and was never confirmed with it
  (`amount_paid_cents == 0`: a confirmed card seat always records what it was paid);
- a tip payment that is not the tip stamped on its visit.
Each becomes a pending row, which the `retry_refunds` beat then refunds.
"""

from django.db import migrations
from django.utils import timezone


def backfill_refund_rows(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    PaymentRefund = apps.get_model("payments", "PaymentRefund")
    Enrollment = apps.get_model("classes", "Enrollment")
    Appointment = apps.get_model("classes", "Appointment")
    now = timezone.now()
    unbooked = Payment.objects.filter(refunds__isnull=True)
    for payment in unbooked.filter(refunded_cents__gt=0).iterator():
        enrollment = Enrollment.objects.filter(payment=payment).first()
        PaymentRefund.objects.create(
            provider_id=payment.provider_id,
            payment=payment,
            client_id=enrollment.client_id if enrollment else None,
            enrollment=enrollment,
            reason=_legacy_reason(payment, enrollment),
            status="succeeded",
            amount_cents=payment.refunded_cents,
            stripe_refund_id=payment.refund_id if payment.refund_id.startswith("re_") else None,
            succeeded_at=payment.paid_at or now,
        )
    for payment in unbooked.filter(status="paid", refunded_cents=0).iterator():
        owed_to = _owed_to(payment, Enrollment, Appointment)
        if owed_to is None:
            continue
        reason, client_id, enrollment = owed_to
        PaymentRefund.objects.create(
            provider_id=payment.provider_id,
            payment=payment,
            client_id=client_id,
            enrollment=enrollment,
            reason=reason,
            amount_cents=payment.amount_cents,
            next_attempt_at=now,
        )


def _legacy_reason(payment, enrollment) -> str:
    if payment.refund_id.startswith("charge-"):  # booked from charge.refunded
        return "external"
    if payment.kind == "tip":
        return "duplicate_tip"
    if enrollment is not None and enrollment.cancelled_by == "system":
        return "unseated"
    return "cancel"


def _owed_to(payment, Enrollment, Appointment):
    """(reason, client id, enrollment) of a paid payment that bought nothing, else None."""
    if payment.kind == "enrollment":
        enrollment = Enrollment.objects.filter(payment=payment).first()
        if enrollment is None or enrollment.status != "Cancelled" or enrollment.amount_paid_cents:
            return None
        return "unseated", enrollment.client_id, enrollment
    if payment.kind == "tip":
        visit = Appointment.objects.filter(
            provider_id=payment.provider_id, public_id=payment.details.get("appointment_id", "")
        ).first()
        stamp = (payment.payment_intent_id or payment.checkout_session_id or "")[:64]
        if visit is None or visit.tip_captured_at is None or visit.tip_charge_id == stamp:
            return None
        return "duplicate_tip", visit.client_id, None
    return None


class Migration(migrations.Migration):
    dependencies = [
        ("classes", "0003_enrollment_cancel_window"),
        ("payments", "0002_payment_refunds"),
    ]

    operations = [migrations.RunPython(backfill_refund_rows, migrations.RunPython.noop)]
