"""Emails the payments app sends: a bought pack, a gift card."""

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


# -- subscribers: the emails that follow a recorded state change ---------------------------


@event_subscriber("pack.bought")
def email_on_pack_bought(recorded: Recorded) -> None:
    email_send("package_purchased", package_id=recorded.refs["package_id"])


@event_subscriber("gift_card.sold")
def email_on_gift_card_sold(recorded: Recorded) -> None:
    email_send("gift_card_delivered", gift_card_id=recorded.refs["gift_card_id"])
