"""Post-visit tips: a separate direct-charge Checkout per tip, stamped on the appointment.

A tip is its own Payment, so it and the visit's own payment refund independently.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alera.api.errors import ApiError
from classes.models import Appointment
from customers.emails import email_queue
from customers.tokens import Purpose, TokenInvalid, token_make, token_read
from payments.models import Payment, PaymentRefund
from payments.services.checkout import payment_create, payment_open_checkout
from payments.services.refunds import refund_owe

logger = logging.getLogger(__name__)

MIN_TIP_CENTS = 100
MAX_TIP_CENTS = 100000
# A tip Payment whose Checkout is still being created by another request; past this it is
# taken as abandoned (its request died between the commit and Stripe's answer).
OPENING = dt.timedelta(minutes=2)


def tip_token_make(appointment: Appointment) -> str:
    return token_make(
        Purpose.TIP, record_id=appointment.public_id, provider_id=appointment.provider.public_id
    )


def tip_page_url(appointment: Appointment) -> str:
    """The post-visit page the customer opens from the email (served by the portal)."""
    return f"{settings.SITE_URL}/me/tip/{tip_token_make(appointment)}"


def appointment_for_tip_token(*, token: str) -> Appointment:
    """The appointment a tip token names; 403 bad/expired token, 404 no such appointment."""
    try:
        data = token_read(Purpose.TIP, token)
    except TokenInvalid as exc:
        raise ApiError(403, f"{exc} Ask the studio for a new tip link.") from exc
    appointment = (
        Appointment.objects.select_related("provider", "service", "client")
        .filter(public_id=data.record_id, provider__public_id=data.provider_id)
        .first()
    )
    if appointment is None:
        raise ApiError(404, "That appointment no longer exists.")
    return appointment


def tip_checkout_start(*, appointment: Appointment, amount_cents: int, token: str = "") -> Payment:
    """Open a tip Checkout on the studio's account once the visit is Completed.

    One Checkout per visit at a time: starting again while one is open returns that one
    (a double click or a second tab can't make two charges), and once a tip is collected
    it is a 409. Stripe is only called for a new Checkout, outside the transaction.
    """
    if not MIN_TIP_CENTS <= amount_cents <= MAX_TIP_CENTS:
        raise ApiError(400, "A tip is between $1.00 and $1,000.00.")
    if not appointment.service.tips_enabled:
        raise ApiError(400, "This studio does not take tips for this service.")
    if appointment.status != Appointment.Status.COMPLETED:
        raise ApiError(400, "A tip can only be left after a completed visit.")
    payment, is_new = _tip_payment_claim(
        appointment=appointment, amount_cents=amount_cents, token=token
    )
    return payment_open_checkout(payment=payment) if is_new else payment


@transaction.atomic
def _tip_payment_claim(
    *, appointment: Appointment, amount_cents: int, token: str
) -> tuple[Payment, bool]:
    """(the visit's open tip Payment, False) or (a new one, True), under the visit's row
    lock so two concurrent starts see each other."""
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.tip_captured_at is not None:
        raise ApiError(409, "A tip was already collected for this visit. Thank you!")
    now = timezone.now()
    current = (
        Payment.objects.filter(
            provider=appointment.provider,
            kind=Payment.Kind.TIP,
            status=Payment.Status.OPEN,
            details__appointment_id=appointment.public_id,
        )
        .order_by("-pk")
        .first()
    )
    if current is not None and current.checkout_url and (current.expires_at or now) > now:
        return current, False
    if current is not None and not current.checkout_url and current.created_at > now - OPENING:
        raise ApiError(409, "Your tip checkout is being opened; try again in a moment.")
    back = f"{settings.SITE_URL}/me/tip/{token}" if token else settings.SITE_URL + "/"
    payment = payment_create(
        provider=appointment.provider,
        kind=Payment.Kind.TIP,
        amount_cents=amount_cents,
        description=f"Tip · {appointment.service.name} · {appointment.provider.display_name}",
        success_url=f"{back}?paid=1",
        cancel_url=back,
        customer_email=appointment.client.email,
        details={"appointment_id": appointment.public_id},
    )
    return payment, True


def tip_on_paid(payment: Payment) -> None:
    """Stamp the tip once and email its receipt. A second tip paid for the same visit is owed
    back: a refund row in this transaction, tried until Stripe accepts it, then the customer
    is emailed."""
    appointment_id = payment.details.get("appointment_id", "")
    updated = Appointment.objects.filter(
        provider=payment.provider, public_id=appointment_id, tip_captured_at__isnull=True
    ).update(
        tip_charge_id=(payment.payment_intent_id or payment.checkout_session_id or "")[:64],
        tip_captured_at=payment.paid_at,
        tip_amount_cents=payment.amount_cents,
    )
    if updated == 1:
        email_queue("tip_receipt", payment_id=payment.pk)
        return
    logger.warning("second tip %s for %s: refunding", payment.public_id, appointment_id)
    client_id = (
        Appointment.objects.filter(provider=payment.provider, public_id=appointment_id)
        .values_list("client_id", flat=True)
        .first()
    )
    refund_owe(payment=payment, reason=PaymentRefund.Reason.DUPLICATE_TIP, client_id=client_id)


def tip_on_refunded(refund: PaymentRefund) -> None:
    """The duplicate tip is back on the customer's card: tell them."""
    if refund.reason == PaymentRefund.Reason.DUPLICATE_TIP:
        email_queue("tip_refunded", refund_id=refund.pk)
