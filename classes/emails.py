"""Email builders of the booking engine. Each takes ids, reads fresh rows, and returns an
`Email` (or None when there is nothing to send any more). Templates: templates/emails/."""

from django.conf import settings
from django.utils import timezone

from alera.emails import Email, email_builder, email_send
from alera.events import Recorded, event_subscriber
from alera.timefmt import format_when
from classes.ics import enrollment_ics
from classes.models import Appointment, ClassSession, Enrollment, WaitlistEntry
from classes.selectors import waitlist_active, waitlist_position
from classes.services.common import cancel_link, owner_emails
from classes.services.tips import tip_page_url
from payments.models import Payment, PaymentRefund


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
        .waiting()
        .filter(pk=waitlist_entry_id)
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


@email_builder("appointment_tip_request")
def appointment_tip_request(*, appointment_id: int) -> Email | None:
    appointment = (
        Appointment.objects.select_related("provider", "service", "client", "instructor")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or appointment.status != Appointment.Status.COMPLETED:
        return None
    return Email(
        to=[appointment.client.email],
        subject=f"Thanks for visiting {appointment.provider.display_name}",
        context={"appointment": appointment, "tip_url": tip_page_url(appointment)},
        provider=appointment.provider,
    )


@email_builder("tip_refunded")
def tip_refunded(*, refund_id: int) -> Email | None:
    refund = (
        PaymentRefund.objects.select_related("payment", "provider", "client")
        .filter(pk=refund_id, status=PaymentRefund.Status.SUCCEEDED)
        .first()
    )
    if refund is None or refund.client is None:
        return None
    appointment = (
        Appointment.objects.select_related("service")
        .filter(provider=refund.provider, public_id=refund.payment.details.get("appointment_id"))
        .first()
    )
    if appointment is None:
        return None
    return Email(
        to=[refund.payment.customer_email or refund.client.email],
        subject=f"Your second tip to {refund.provider.display_name} was refunded",
        context={"refund": refund, "client": refund.client, "appointment": appointment},
        provider=refund.provider,
    )


@email_builder("class_reminder")
def build_class_reminder(*, enrollment_id: int) -> Email | None:
    from alera.tokens import Purpose, token_make
    from classes.models import ClassSession, Enrollment
    from customers.services import calendar_feed_url, portal_link

    enrollment = (
        Enrollment.objects.select_related(
            "client", "provider", "class_session", "class_session__instructor"
        )
        .filter(pk=enrollment_id)
        .first()
    )
    if (
        enrollment is None
        or enrollment.status != Enrollment.Status.CONFIRMED
        or enrollment.class_session.status != ClassSession.Status.SCHEDULED
    ):
        return None
    provider = enrollment.provider
    session = enrollment.class_session
    cancel_token = token_make(
        Purpose.CANCEL, record_id=enrollment.public_id, provider_id=provider.public_id
    )
    starts = timezone.localtime(session.scheduled_at, provider.tz)
    return Email(
        to=[enrollment.client.email],
        subject=f"Reminder: {session.name_snapshot}, {format_when(starts, provider.tz)}",
        context={
            "client": enrollment.client,
            "enrollment": enrollment,
            "session": session,
            "starts": starts,
            "cancel_url": f"{settings.SITE_URL}/me/cancel/{cancel_token}",
            "portal_url": portal_link(origin=settings.SITE_URL, client=enrollment.client),
            "calendar_url": calendar_feed_url(client=enrollment.client),
        },
        provider=provider,
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


def _reference(payment) -> str:
    """What the customer's bank statement and Stripe receipt can be matched with."""
    return payment.payment_intent_id or payment.public_id


@email_builder("tip_receipt")
def tip_receipt(*, payment_id: int) -> Email | None:
    """The receipt for a tip that was stamped on its visit (a refunded second one gets
    `tip_refunded` instead)."""
    payment = (
        Payment.objects.select_related("provider")
        .filter(pk=payment_id, kind=Payment.Kind.TIP, status=Payment.Status.PAID)
        .first()
    )
    if payment is None:
        return None
    appointment = (
        Appointment.objects.select_related("service", "client", "instructor")
        .filter(provider=payment.provider, public_id=payment.details.get("appointment_id"))
        .first()
    )
    if appointment is None:
        return None
    return Email(
        to=[payment.customer_email or appointment.client.email],
        subject=f"Receipt: your tip to {payment.provider.display_name}",
        context={
            "payment": payment,
            "appointment": appointment,
            "reference": _reference(payment),
        },
        provider=payment.provider,
    )


# -- subscribers: the emails that follow a recorded state change ---------------------------


@event_subscriber("booking.confirmed")
def email_on_confirmed(recorded: Recorded) -> None:
    email_send("booking_confirmed", enrollment_id=recorded.refs["enrollment_id"])


@event_subscriber("booking.cancelled")
def email_on_cancelled(recorded: Recorded) -> None:
    kind = "class_cancelled" if recorded.event.payload.get("classCancelled") else None
    email_send(kind or "cancellation_receipt", enrollment_id=recorded.refs["enrollment_id"])


@event_subscriber("booking.expired")
def email_on_expired(recorded: Recorded) -> None:
    # A hold whose Checkout never opened was not the customer's doing: nothing to tell them.
    if recorded.refs.get("tell_customer"):
        kind = "payment_failed" if recorded.refs.get("failed") else "payment_expired"
        email_send(kind, enrollment_id=recorded.refs["enrollment_id"])


@event_subscriber("waitlist.joined")
def email_on_waitlist_joined(recorded: Recorded) -> None:
    email_send("waitlist_joined", waitlist_entry_id=recorded.refs["waitlist_entry_id"])


@event_subscriber("appointment.completed")
def email_on_visit_completed(recorded: Recorded) -> None:
    if recorded.refs.get("tip_request"):
        email_send("appointment_tip_request", appointment_id=recorded.refs["appointment_id"])


@event_subscriber("appointment.created")
def email_on_visit_booked(recorded: Recorded) -> None:
    email_send("appointment_booked", appointment_id=recorded.refs["appointment_id"])


@event_subscriber("tip.captured")
def email_on_tip_captured(recorded: Recorded) -> None:
    email_send("tip_receipt", payment_id=recorded.refs["payment_id"])
