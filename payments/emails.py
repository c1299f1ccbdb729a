"""Emails the payments app sends: a bought pack, a gift card and its buyer's receipt."""

from alera.emails import Email, email_builder, email_send
from alera.events import Recorded, event_subscriber
from payments.models import ClientPackage, GiftCard
from payments.services.gift_cards import gift_card_delivery_address
from payments.services.packs import package_portal_url


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


# -- subscribers: the emails that follow a recorded state change ---------------------------


@event_subscriber("pack.bought")
def email_on_pack_bought(recorded: Recorded) -> None:
    email_send("package_purchased", package_id=recorded.refs["package_id"])


@event_subscriber("gift_card.sold")
def email_on_gift_card_sold(recorded: Recorded) -> None:
    email_send("gift_card_delivered", gift_card_id=recorded.refs["gift_card_id"])
    if recorded.refs.get("receipt"):
        email_send("gift_card_receipt", gift_card_id=recorded.refs["gift_card_id"])
