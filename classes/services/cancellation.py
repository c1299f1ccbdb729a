"""Cancelling bookings (by the customer, the owner or the studio cancelling a class).

One cancel wins, under the class lock. It decides there, and when money goes back it claims
the refund (a pending `PaymentRefund`) in that same transaction; any other cancel of the
booking meanwhile is a 409. Stripe is asked outside the transaction, and only once it has
refunded is the booking cancelled, recording what Stripe did. A refusal (502) leaves the
booking exactly as it was; an unknown outcome (Stripe didn't answer) keeps the claim until
the refund sweep finds out from Stripe what happened and records just that.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from alera.errors import DomainError, Gone
from alera.events import event_record
from classes.errors import CancelInFlight, ClassGone
from classes.models import ClassSession, Enrollment, WaitlistEntry
from classes.services.common import enrollment_event, session_lock
from classes.services.waitlist import waitlist_seat_opened
from payments.errors import PaymentFailed
from payments.models import Payment, PaymentRefund
from payments.services.packs import package_credit_return
from payments.services.refunds import refund_claim, refund_run_claim, refundable_cents

logger = logging.getLogger(__name__)

ACTIVE = Enrollment.LIVE


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
    fault), False never does. 410 for Completed/NoShow; 409 while another cancel of it is
    waiting for Stripe; PaymentFailed (502) leaves it as it was.
    """
    decided = _cancel_decide(
        enrollment_id=enrollment.pk,
        reason=reason[:500],
        by=by,
        refund=refund,
        email_kind=email_kind,
    )
    if isinstance(decided, CancelResult):
        return decided
    claim = refund_run_claim(refund=decided)
    if claim.status == PaymentRefund.Status.SUCCEEDED:
        return _result(
            Enrollment.objects.select_related("class_session__service").get(pk=enrollment.pk)
        )
    raise PaymentFailed(claim.last_error or "Stripe could not refund the payment.")


def _paid_by_card(enrollment: Enrollment) -> int:
    if enrollment.paid_with != Enrollment.PaidWith.CARD or enrollment.payment_id is None:
        return 0
    if enrollment.status != Enrollment.Status.CONFIRMED:
        return 0
    return enrollment.amount_paid_cents


def _cancel_decide(
    *, enrollment_id: int, reason: str, by: str, refund: bool | None, email_kind: str
) -> CancelResult | PaymentRefund:
    """Decide under the class lock: cancel at once when no money moves, else claim the
    refund (the booking is cancelled once Stripe has given the money back).

    The payment's row is locked first, in the lock order every payment path takes (Payment →
    ClassSession → Enrollment): the claim references it, and a completion landing now waits.
    """
    with transaction.atomic():
        row = Enrollment.objects.filter(pk=enrollment_id).values("class_session_id", "payment_id")
        row = row.get()
        if row["payment_id"] is not None:
            Payment.objects.select_for_update().only("pk").get(pk=row["payment_id"])
        session = session_lock(session_id=row["class_session_id"])
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("payment")
            .get(pk=enrollment_id)
        )
        enrollment.class_session = session
        if enrollment.status == Enrollment.Status.CANCELLED:
            return _result(enrollment)
        if enrollment.status not in ACTIVE:
            raise ClassGone(f"This booking is already {enrollment.status} and cannot be cancelled.")
        if enrollment.refunds.filter(
            reason=PaymentRefund.Reason.CANCEL, status=PaymentRefund.Status.PENDING
        ).exists():
            raise CancelInFlight()
        late, refund_cents = enrollment_cancel_preview(enrollment=enrollment)
        decision = {
            "by": by,
            "reason": reason,
            "late": late and refund is not True,
            "return_credit": (not late) if refund is None else refund,
            "email_kind": email_kind,
        }
        if refund is True:
            refund_cents = _paid_by_card(enrollment)
        elif refund is False:
            refund_cents = 0
        owed = min(refund_cents, refundable_cents(enrollment.payment)) if refund_cents else 0
        if owed > 0:
            return refund_claim(
                payment=enrollment.payment,
                amount_cents=owed,
                enrollment=enrollment,
                details={**decision, "refunded_cents": refund_cents},
            )
        # Nothing to give back, or given back already (the studio refunded it in Stripe).
        refund_id = enrollment.payment.refund_id if refund_cents else ""
        return _cancel_apply(
            enrollment, session, refunded_cents=refund_cents, refund_id=refund_id, **decision
        )


def enrollment_cancel_refunded(refund: PaymentRefund) -> None:
    """A cancel's money is back (runs where the refund is booked, Payment row locked): the
    cancel it claimed is applied, recording what Stripe refunded."""
    row = Enrollment.objects.filter(pk=refund.enrollment_id).values("class_session_id").get()
    session = session_lock(session_id=row["class_session_id"])
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(pk=refund.enrollment_id)
    enrollment.class_session = session
    decision = {k: refund.details[k] for k in ("by", "reason", "late", "return_credit")}
    if enrollment.status in ACTIVE:
        _cancel_apply(
            enrollment,
            session,
            refunded_cents=refund.details.get("refunded_cents", refund.amount_cents),
            refund_id=refund.stripe_refund_id,
            email_kind=refund.details["email_kind"],
            **decision,
        )
        return
    # Marked attended or no-show while Stripe was refunding: it stays, the money is recorded.
    Enrollment.objects.filter(pk=enrollment.pk).update(
        refunded_cents=F("refunded_cents") + refund.amount_cents,
        refund_id=refund.stripe_refund_id,
    )


def _cancel_apply(
    enrollment: Enrollment,
    session: ClassSession,
    *,
    by: str,
    reason: str,
    late: bool,
    return_credit: bool,
    email_kind: str,
    refunded_cents: int,
    refund_id: str,
) -> CancelResult:
    """Cancel the locked enrollment, free its seat and tell the customer."""
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
        package_credit_return(enrollment=enrollment)
    enrollment_event(
        "cancelled",
        enrollment,
        payload={
            "cancelledBy": by,
            "cancelReason": reason,
            "lateCancel": late,
            "refundedCents": refunded_cents,
            "classCancelled": email_kind == "class_cancelled",
        },
    )
    if held_a_seat and session.status == ClassSession.Status.SCHEDULED:
        waitlist_seat_opened(session=session)
    return _result(enrollment)


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
            raise Gone("A completed class cannot be cancelled.")
        if locked.status != ClassSession.Status.CANCELLED:
            locked.status = ClassSession.Status.CANCELLED
            locked.cancelled_at = timezone.now()
            locked.save(update_fields=["status", "cancelled_at"])
            event_record(
                kind="class.cancelled",
                provider=locked.provider_id,
                subject_id=locked.public_id,
                class_id=locked.public_id,
                payload={"nameSnapshot": locked.name_snapshot, "status": locked.status},
            )
        WaitlistEntry.objects.waiting().filter(class_session=locked).update(
            cancelled_at=timezone.now()
        )
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
        except DomainError as exc:
            logger.warning("could not cancel %s: %s", enrollment.public_id, exc.message)
            failed.append(enrollment.public_id)
    return SessionCancelResult(cancelled=cancelled, failed=failed)
