"""Emails the payments app sends: a bought pack, a gift card and its buyer's receipt, a post-visit
tip request, a tip's receipt, a refunded second tip."""

from classes.models import Appointment
from customers.emails import Email, email_builder
from payments.models import ClientPackage, GiftCard, Payment, PaymentRefund
from payments.services.gift_cards import gift_card_delivery_address
from payments.services.packs import package_portal_url
from payments.services.tips import tip_page_url


@email_builder("package_purchased")
def package_purchased(*, package_id: int) -> Email | None:
    package = (
        ClientPackage.objects.select_related("provider", "client", "package_type")
        .filter(pk=package_id)
        .first()
    )
    if package is None:
        return None
    return Email(
        to=[package.client.email],
        subject=f"Your {package.package_type.name} at {package.provider.display_name}",
        context={"package": package, "portal_url": package_portal_url(package)},
        provider=package.provider,
    )


@email_builder("gift_card_delivered")
def gift_card_delivered(*, gift_card_id: int) -> Email | None:
    card = GiftCard.objects.select_related("provider").filter(pk=gift_card_id).first()
    if card is None:
        return None
    name, address = gift_card_delivery_address(card)
    is_gift = bool(card.recipient_name and card.recipient_email)
    return Email(
        to=[address],
        subject=f"A {card.provider.display_name} gift card for you"
        if is_gift
        else f"Your {card.provider.display_name} gift card",
        context={"card": card, "to_name": name, "is_gift": is_gift},
        provider=card.provider,
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


def _reference(payment) -> str:
    """What the customer's bank statement and Stripe receipt can be matched with."""
    return payment.payment_intent_id or payment.public_id


@email_builder("gift_card_receipt")
def gift_card_receipt(*, gift_card_id: int) -> Email | None:
    """The purchaser's receipt when the card itself was emailed to someone else."""
    card = GiftCard.objects.select_related("provider", "payment").filter(pk=gift_card_id).first()
    if card is None or not (card.recipient_name and card.recipient_email):
        return None
    payment = card.payment
    return Email(
        to=[card.purchaser_email],
        subject=f"Receipt: your {card.provider.display_name} gift card for {card.recipient_name}",
        context={
            "card": card,
            "paid_at": payment.paid_at if payment else card.created_at,
            "reference": _reference(payment) if payment else "",
        },
        provider=card.provider,
    )


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
