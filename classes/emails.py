"""Email builders of the booking engine. Each takes ids, reads fresh rows, and returns an
`Email` (or None when there is nothing to send any more). Templates: templates/emails/."""

from django.conf import settings

from classes.ics import enrollment_ics
from classes.models import Appointment, ClassSession, Enrollment, WaitlistEntry
from classes.selectors import waitlist_active, waitlist_position
from classes.services.common import cancel_link, owner_emails
from customers.emails import Email, email_builder


def _enrollment(enrollment_id: int) -> Enrollment | None:
    return (
        Enrollment.objects.select_related("class_session", "provider", "client", "payment")
        .filter(pk=enrollment_id)
        .first()
    )


def _context(enrollment: Enrollment, **extra) -> dict:
    return {
        "enrollment": enrollment,
        "session": enrollment.class_session,
        "client": enrollment.client,
        **extra,
    }


@email_builder("booking_confirmed")
def booking_confirmed(*, enrollment_id: int) -> Email | None:
    enrollment = _enrollment(enrollment_id)
    if enrollment is None or enrollment.status != Enrollment.Status.CONFIRMED:
        return None
    link = cancel_link(enrollment)
    return Email(
        to=[enrollment.client.email],
        subject=f"You're booked: {enrollment.class_session.name_snapshot}",
        context=_context(enrollment, cancel_url=link),
        provider=enrollment.provider,
        attachments=[("class.ics", enrollment_ics(enrollment, cancel_url=link), "text/calendar")],
    )


@email_builder("payment_pending")
def payment_pending(*, enrollment_id: int) -> Email | None:
    enrollment = _enrollment(enrollment_id)
    if enrollment is None or enrollment.status != Enrollment.Status.PENDING_PAYMENT:
        return None
    payment = enrollment.payment
    if payment is None or not payment.checkout_url:
        return None
    return Email(
        to=[enrollment.client.email],
        subject=f"Finish paying to keep your seat: {enrollment.class_session.name_snapshot}",
        context=_context(
            enrollment, checkout_url=payment.checkout_url, hold=enrollment.hold_expires_at
        ),
        provider=enrollment.provider,
    )


@email_builder("payment_expired")
def payment_expired(*, enrollment_id: int) -> Email | None:
    enrollment = _enrollment(enrollment_id)
    if enrollment is None or enrollment.status != Enrollment.Status.CANCELLED:
        return None
    return Email(
        to=[enrollment.client.email],
        subject=f"Your seat in {enrollment.class_session.name_snapshot} was released",
        context=_context(enrollment),
        provider=enrollment.provider,
    )


@email_builder("payment_failed")
def payment_failed(*, enrollment_id: int) -> Email | None:
    enrollment = _enrollment(enrollment_id)
    if enrollment is None or enrollment.status != Enrollment.Status.CANCELLED:
        return None
    return Email(
        to=[enrollment.client.email],
        subject=f"Your payment for {enrollment.class_session.name_snapshot} did not go through",
        context=_context(enrollment),
        provider=enrollment.provider,
    )


@email_builder("waitlist_joined")
def waitlist_joined(*, waitlist_entry_id: int) -> Email | None:
    entry = (
        WaitlistEntry.objects.select_related("class_session", "provider", "client")
        .filter(pk=waitlist_entry_id, promoted_at__isnull=True, cancelled_at__isnull=True)
        .first()
    )
    if entry is None:
        return None
    return Email(
        to=[entry.client.email],
        subject=f"You're on the waitlist: {entry.class_session.name_snapshot}",
        context={
            "entry": entry,
            "session": entry.class_session,
            "client": entry.client,
            "position": waitlist_position(entry=entry),
        },
        provider=entry.provider,
    )


@email_builder("seat_opened")
def seat_opened(*, class_session_id: int) -> Email | None:
    session = ClassSession.objects.select_related("provider").filter(pk=class_session_id).first()
    if session is None or session.status != ClassSession.Status.SCHEDULED:
        return None
    waiting = list(waitlist_active(session=session).select_related("client")[:10])
    if not waiting:
        return None
    return Email(
        to=owner_emails(session.provider),
        subject=f"A seat opened in {session.name_snapshot}",
        context={
            "session": session,
            "waiting": waiting,
            "dashboard_url": f"{settings.SITE_URL}/dashboard/",
        },
        provider=session.provider,
    )


@email_builder("seat_offered")
def seat_offered(*, enrollment_id: int) -> Email | None:
    enrollment = _enrollment(enrollment_id)
    if enrollment is None or enrollment.status != Enrollment.Status.PENDING_PAYMENT:
        return None
    return Email(
        to=[enrollment.client.email],
        subject=f"A seat opened for you: {enrollment.class_session.name_snapshot}",
        context=_context(enrollment, checkout_url=enrollment.payment.checkout_url),
        provider=enrollment.provider,
    )


@email_builder("cancellation_receipt")
def cancellation_receipt(*, enrollment_id: int) -> Email | None:
    enrollment = _enrollment(enrollment_id)
    if enrollment is None or enrollment.status != Enrollment.Status.CANCELLED:
        return None
    return Email(
        to=[enrollment.client.email],
        subject=f"Cancelled: {enrollment.class_session.name_snapshot}",
        context=_context(enrollment),
        provider=enrollment.provider,
    )


@email_builder("class_cancelled")
def class_cancelled(*, enrollment_id: int) -> Email | None:
    enrollment = _enrollment(enrollment_id)
    if enrollment is None or enrollment.status != Enrollment.Status.CANCELLED:
        return None
    return Email(
        to=[enrollment.client.email],
        subject=f"{enrollment.provider.display_name} cancelled "
        f"{enrollment.class_session.name_snapshot}",
        context=_context(enrollment),
        provider=enrollment.provider,
    )


@email_builder("late_payment_refunded")
def late_payment_refunded(*, enrollment_id: int) -> Email | None:
    enrollment = _enrollment(enrollment_id)
    if enrollment is None or not enrollment.refund_id:
        return None
    return Email(
        to=[enrollment.client.email],
        subject=f"Refunded: {enrollment.class_session.name_snapshot}",
        context=_context(enrollment),
        provider=enrollment.provider,
    )


@email_builder("appointment_booked")
def appointment_booked(*, appointment_id: int) -> Email | None:
    """The customer's confirmation of a visit the studio booked for them."""
    appointment = (
        Appointment.objects.select_related("provider", "service", "client", "instructor")
        .filter(pk=appointment_id, status=Appointment.Status.SCHEDULED)
        .first()
    )
    if appointment is None:
        return None
    return Email(
        to=[appointment.client.email],
        subject=f"Booked: {appointment.service.name} at {appointment.provider.display_name}",
        context={"appointment": appointment},
        provider=appointment.provider,
    )
