"""Cancelling bookings (by the customer, the owner or the studio cancelling a class).

Money first: a refund is asked of Stripe before anything of ours changes, so a Stripe
failure (502) leaves the booking exactly as it was. The idempotency key derived from the
enrollment makes a retried or concurrent cancel refund once.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from alera.api.errors import ApiError
from classes.errors import ClassGone
from classes.models import ClassSession, Enrollment, WaitlistEntry
from classes.services.common import session_lock
from classes.services.waitlist import waitlist_seat_opened
from customers.emails import email_queue
from payments.models import ClientPackage, PackageCreditEntry, Payment
from payments.services.checkout import payment_refund

logger = logging.getLogger(__name__)

ACTIVE = (Enrollment.Status.PENDING_PAYMENT, Enrollment.Status.CONFIRMED)


@dataclass(frozen=True)
class CancelResult:
    cancelled_at: dt.datetime
    late_cancel: bool
    cancel_window_hours: int
    refunded_cents: int
    refund_id: str


def _window_hours(enrollment: Enrollment) -> int:
    return enrollment.class_session.service.cancel_window_hours


def enrollment_cancel_preview(*, enrollment: Enrollment) -> tuple[bool, int]:
    """(late_cancel, refund_cents) if the customer cancelled now. Pack bookings refund a
    credit, never money, so their refund_cents is 0."""
    session = enrollment.class_session
    late = session.scheduled_at - timezone.now() < dt.timedelta(hours=_window_hours(enrollment))
    refundable = (
        enrollment.status == Enrollment.Status.CONFIRMED
        and enrollment.paid_with == Enrollment.PaidWith.CARD
        and enrollment.payment_id is not None
    )
    return late, (enrollment.amount_paid_cents if refundable and not late else 0)


def _result(enrollment: Enrollment) -> CancelResult:
    window = enrollment.cancel_window_hours
    return CancelResult(
        cancelled_at=enrollment.cancelled_at,
        late_cancel=enrollment.late_cancel,
        cancel_window_hours=window if window is not None else _window_hours(enrollment),
        refunded_cents=enrollment.refunded_cents,
        refund_id=enrollment.refund_id,
    )


def enrollment_cancel(
    *,
    enrollment: Enrollment,
    reason: str = "",
    by: str = "customer",
    refund: bool | None = None,
    email_kind: str = "cancellation_receipt",
) -> CancelResult:
    """Cancel a booking and free its seat; idempotent (a cancelled one returns its result).

    `refund=None` applies the service's cancel window (full refund or pack credit inside it,
    nothing outside: `late_cancel`); True always refunds/returns the credit (the studio's
    fault), False never does. 410 for Completed/NoShow; PaymentFailed (502) leaves it as it was.
    """
    for _ in range(3):
        try:
            return _cancel_once(
                enrollment_id=enrollment.pk,
                reason=reason,
                by=by,
                refund=refund,
                email_kind=email_kind,
            )
        except _StateChanged:
            continue  # paid (or expired) while we decided: decide again on fresh state
    raise ApiError(409, "The booking changed while cancelling; please try again.")


class _StateChanged(Exception):
    """The booking moved between the refund decision and the locked commit."""


def _cancel_once(
    *, enrollment_id: int, reason: str, by: str, refund: bool | None, email_kind: str
) -> CancelResult:
    enrollment = Enrollment.objects.select_related(
        "class_session__service", "payment", "provider"
    ).get(pk=enrollment_id)
    if enrollment.status == Enrollment.Status.CANCELLED:
        return _result(enrollment)
    if enrollment.status not in ACTIVE:
        raise ClassGone(f"This booking is already {enrollment.status} and cannot be cancelled.")
    late, refund_cents = enrollment_cancel_preview(enrollment=enrollment)
    give_back = (not late) if refund is None else refund
    if refund is True:
        refund_cents = _paid_by_card(enrollment)
    elif refund is False:
        refund_cents = 0
    refund_id = ""
    if refund_cents > 0:
        refund_id = _refund(enrollment=enrollment, amount_cents=refund_cents)
    return _cancel_commit(
        enrollment_id=enrollment.pk,
        decided_on=(enrollment.status, enrollment.amount_paid_cents),
        reason=reason[:500],
        by=by,
        late=late and refund is not True,
        return_credit=give_back,
        refunded_cents=refund_cents,
        refund_id=refund_id,
        email_kind=email_kind,
    )


def _paid_by_card(enrollment: Enrollment) -> int:
    if enrollment.paid_with != Enrollment.PaidWith.CARD or enrollment.payment_id is None:
        return 0
    if enrollment.status != Enrollment.Status.CONFIRMED:
        return 0
    return enrollment.amount_paid_cents


def _refund(*, enrollment: Enrollment, amount_cents: int) -> str:
    payment: Payment = enrollment.payment
    already = payment.refunded_cents
    if already >= amount_cents and payment.refund_id:
        return payment.refund_id
    return payment_refund(
        payment=payment,
        amount_cents=amount_cents - already,
        reason=f"cancel-{enrollment.public_id}",
    )


@transaction.atomic
def _cancel_commit(
    *,
    enrollment_id: int,
    decided_on: tuple[str, int],
    reason: str,
    by: str,
    late: bool,
    return_credit: bool,
    refunded_cents: int,
    refund_id: str,
    email_kind: str,
) -> CancelResult:
    row = Enrollment.objects.filter(pk=enrollment_id).values("class_session_id").get()
    session = session_lock(session_id=row["class_session_id"])
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
    enrollment.class_session = session
    if enrollment.status == Enrollment.Status.CANCELLED:  # a concurrent cancel won
        return _result(enrollment)
    if enrollment.status not in ACTIVE:
        raise ClassGone(f"This booking is already {enrollment.status} and cannot be cancelled.")
    if (enrollment.status, enrollment.amount_paid_cents) != decided_on:
        raise _StateChanged()
    held_a_seat = enrollment.status == Enrollment.Status.CONFIRMED or (
        enrollment.hold_expires_at is not None and enrollment.hold_expires_at > timezone.now()
    )
    enrollment.status = Enrollment.Status.CANCELLED
    enrollment.cancelled_at = timezone.now()
    enrollment.cancel_reason = reason
    enrollment.cancelled_by = by
    enrollment.late_cancel = late
    enrollment.cancel_window_hours = session.service.cancel_window_hours
    enrollment.refunded_cents = refunded_cents
    enrollment.refund_id = refund_id
    enrollment.save()
    if enrollment.paid_with == Enrollment.PaidWith.PACK and return_credit:
        _return_credit(enrollment)
    email_queue(email_kind, enrollment_id=enrollment.pk)
    if held_a_seat and session.status == ClassSession.Status.SCHEDULED:
        waitlist_seat_opened(session=session)
    return _result(enrollment)


def _return_credit(enrollment: Enrollment) -> None:
    ClientPackage.objects.filter(pk=enrollment.client_package_id).update(
        sessions_remaining=F("sessions_remaining") + 1
    )
    PackageCreditEntry.objects.create(
        package_id=enrollment.client_package_id,
        delta=1,
        reason=PackageCreditEntry.Reason.RETURNED,
        enrollment=enrollment,
        note="Cancelled inside the cancel window.",
    )


@dataclass(frozen=True)
class SessionCancelResult:
    cancelled: int
    failed: list[str]


def session_cancel(*, session: ClassSession, by_user: User | None = None) -> SessionCancelResult:
    """The studio cancels a class: it leaves the schedule, every booking is cancelled with a
    full refund (or its pack credit back) and every customer is emailed.

    A booking whose refund fails stays as it was and is listed in `failed`; calling again
    retries just those.
    """
    with transaction.atomic():
        locked = session_lock(session_id=session.pk)
        if locked.status == ClassSession.Status.COMPLETED:
            raise ApiError(410, "A completed class cannot be cancelled.")
        if locked.status != ClassSession.Status.CANCELLED:
            locked.status = ClassSession.Status.CANCELLED
            locked.cancelled_at = timezone.now()
            locked.save(update_fields=["status", "cancelled_at"])
        WaitlistEntry.objects.filter(
            class_session=locked, promoted_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
    if by_user is not None:
        logger.info("user %s cancelled class %s", by_user.pk, session.public_id)
    cancelled, failed = 0, []
    for enrollment in Enrollment.objects.filter(class_session=session, status__in=ACTIVE):
        try:
            enrollment_cancel(
                enrollment=enrollment,
                reason="The studio cancelled this class.",
                by="owner",
                refund=True,
                email_kind="class_cancelled",
            )
            cancelled += 1
        except ApiError as exc:
            logger.warning("could not cancel %s: %s", enrollment.public_id, exc.message)
            failed.append(enrollment.public_id)
    return SessionCancelResult(cancelled=cancelled, failed=failed)
