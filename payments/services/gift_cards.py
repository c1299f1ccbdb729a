"""Gift cards: sold through Checkout, created on payment, spent through a ledger.

The balance only moves by a conditional UPDATE under the card's row lock, in the same
transaction as the `GiftCardRedemption` row that explains it, so
`balance == initial - sum(redemptions)` and concurrent commits can never overdraw.
"""

import calendar
import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone

from accounts.models import Provider
from alera.errors import Conflict, InvalidRequest, NotFound
from alera.events import event_record
from payments.models import GiftCard, GiftCardRedemption, Payment
from payments.services.checkout import payment_create, payment_open_checkout

# 32 symbols without 0/O/1/I: 16 characters carry 80 bits, beyond online guessing.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 16
MIN_AMOUNT_CENTS = 1000
MAX_AMOUNT_CENTS = 500000
_SEPARATORS = re.compile(r"[\s-]+")


def gift_card_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def gift_card_code_normalize(raw: str) -> str:
    """Upper-case, spaces and dashes dropped; 400 unless 16 letters and digits remain."""
    code = _SEPARATORS.sub("", raw or "").upper()
    if len(code) != CODE_LENGTH or not code.isascii() or not code.isalnum():
        raise InvalidRequest("A gift card code is 16 letters and digits.")
    return code


def gift_card_checkout_start(
    *,
    provider: Provider,
    amount_cents: int,
    purchaser_name: str,
    purchaser_email: str,
    recipient_name: str = "",
    recipient_email: str = "",
    gift_message: str = "",
    success_url: str,
    cancel_url: str,
) -> Payment:
    """Open a Checkout for a gift card; the card itself only exists once paid.

    The studio's validity at this moment is frozen in the payment with the rest of what the
    buyer is buying, so changing the setting later doesn't change a card already paid for.
    """
    if not MIN_AMOUNT_CENTS <= amount_cents <= MAX_AMOUNT_CENTS:
        raise InvalidRequest("A gift card is between $10.00 and $5,000.00.")
    payment = payment_create(
        provider=provider,
        kind=Payment.Kind.GIFT_CARD,
        amount_cents=amount_cents,
        description=f"Gift card · {provider.display_name}",
        success_url=success_url,
        cancel_url=cancel_url,
        customer_email=purchaser_email.strip().lower(),
        details={
            "purchaser_name": purchaser_name.strip(),
            "purchaser_email": purchaser_email.strip().lower(),
            "recipient_name": recipient_name.strip(),
            "recipient_email": recipient_email.strip().lower(),
            "gift_message": gift_message.strip(),
            "validity_months": provider.gift_card_validity_months,
        },
    )
    return payment_open_checkout(payment=payment)


def add_months(moment: dt.datetime, months: int, tz: dt.tzinfo) -> dt.datetime:
    """The same local wall-clock time `months` calendar months later (Jan 31 + 1 → Feb 28/29)."""
    local = moment.astimezone(tz)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(dt.UTC)


def gift_card_expiry(payment: Payment) -> dt.datetime | None:
    """When a card bought by `payment` expires: its frozen validity (payments opened before
    the setting existed use the studio's current one) counted from payment; None = never."""
    months = payment.details.get("validity_months", payment.provider.gift_card_validity_months)
    if not months:
        return None
    return add_months(payment.paid_at or timezone.now(), int(months), payment.provider.tz)


def gift_card_on_paid(payment: Payment) -> None:
    """Create the paid card once, with a fresh unique code and its expiry, and email it (and
    a receipt to the buyer when it is a gift to someone else)."""
    if GiftCard.objects.filter(payment=payment).exists():
        return
    details = payment.details
    expires_at = gift_card_expiry(payment)
    for _ in range(5):
        try:
            with transaction.atomic():
                card = GiftCard.objects.create(
                    provider=payment.provider,
                    code=gift_card_code_new(),
                    initial_cents=payment.amount_cents,
                    balance_cents=payment.amount_cents,
                    currency=payment.currency,
                    purchaser_name=details.get("purchaser_name", "")[:120],
                    purchaser_email=details.get("purchaser_email") or payment.customer_email,
                    recipient_name=details.get("recipient_name", "")[:120],
                    recipient_email=details.get("recipient_email", ""),
                    gift_message=details.get("gift_message", "")[:500],
                    expires_at=expires_at,
                    payment=payment,
                )
            break
        except IntegrityError:
            # 2^80 codes make a collision all but impossible; a new draw settles it.
            if GiftCard.objects.filter(payment=payment).exists():
                return
    else:
        raise RuntimeError(f"Could not draw a unique gift card code for {payment.public_id}.")
    # A card emailed to someone else still gets its buyer a receipt of what they paid.
    receipt = gift_card_delivery_address(card)[1] != card.purchaser_email
    _card_event(
        "sold", card, balanceCents=card.balance_cents, paymentId=payment.public_id, receipt=receipt
    )


def _card_event(
    kind: str, card: GiftCard, *, client_id: str = "", receipt: bool = False, **payload
) -> None:
    event_record(
        kind=f"gift_card.{kind}",
        provider=card.provider_id,
        subject_id=card.public_id,
        client_id=client_id,
        payload=payload,
        refs={"gift_card_id": card.pk, "receipt": receipt},
    )


def gift_card_delivery_address(card: GiftCard) -> tuple[str, str]:
    """(name, email) the card goes to: the recipient when both fields are set."""
    if card.recipient_name and card.recipient_email:
        return card.recipient_name, card.recipient_email
    return card.purchaser_name, card.purchaser_email


@dataclass(frozen=True)
class Redemption:
    debit_cents: int
    balance_cents: int
    balance_remaining_cents: int
    already_redeemed: bool = False
    expires_at: dt.datetime | None = None


def _usable(card: GiftCard, now: dt.datetime) -> None:
    if card.expires_at is not None and card.expires_at <= now:
        local = card.expires_at.astimezone(card.provider.tz)
        raise InvalidRequest(
            f"This gift card expired on {local:%B} {local.day}, {local.year}; "
            "it can no longer be redeemed.",
        )
    if card.balance_cents <= 0:
        raise InvalidRequest("This gift card has no balance left.")


def _card(provider: Provider, code: str, *, lock: bool) -> GiftCard:
    qs = GiftCard.objects.select_for_update() if lock else GiftCard.objects
    card = qs.filter(provider=provider, code=gift_card_code_normalize(code)).first()
    if card is None:
        raise NotFound("No gift card with that code.")
    card.provider = provider  # the caller's row: no extra query for its time zone
    return card


def gift_card_preview(*, provider: Provider, code: str, requested_cents: int) -> Redemption:
    """What a commit would debit now. Reads only."""
    _check_amount(requested_cents)
    card = _card(provider, code, lock=False)
    _usable(card, timezone.now())
    debit = min(requested_cents, card.balance_cents)
    return Redemption(
        debit, card.balance_cents, card.balance_cents - debit, expires_at=card.expires_at
    )


def gift_card_redeem(
    *, provider: Provider, code: str, requested_cents: int, appointment: Model
) -> Redemption:
    """Debit min(requested, balance) for one appointment, once.

    The card row is locked first, so a retry for the same appointment waits for the first
    commit and then finds its ledger row (`already_redeemed`), and two different commits
    are serialised. The conditional UPDATE re-checks the balance in the database.
    """
    with transaction.atomic():
        _check_amount(requested_cents)
        if appointment.provider_id != provider.pk:
            raise NotFound("No appointment with that id.")
        card = _card(provider, code, lock=True)
        earlier = GiftCardRedemption.objects.filter(gift_card=card, appointment=appointment).first()
        if earlier is not None:
            before = earlier.balance_after_cents + earlier.amount_cents
            return Redemption(
                earlier.amount_cents,
                before,
                earlier.balance_after_cents,
                True,
                expires_at=card.expires_at,
            )
        _usable(card, timezone.now())
        debit = min(requested_cents, card.balance_cents)
        updated = GiftCard.objects.filter(pk=card.pk, balance_cents__gte=debit).update(
            balance_cents=F("balance_cents") - debit
        )
        if updated != 1:
            raise Conflict("The gift card balance changed; try again.")
        after = card.balance_cents - debit
        GiftCardRedemption.objects.create(
            gift_card=card, appointment=appointment, amount_cents=debit, balance_after_cents=after
        )
        _card_event(
            "redeemed",
            card,
            client_id=appointment.client.public_id,
            balanceCents=after,
            debitCents=debit,
            appointmentId=appointment.public_id,
        )
        return Redemption(debit, card.balance_cents, after, expires_at=card.expires_at)


def _check_amount(requested_cents: int) -> None:
    if isinstance(requested_cents, bool) or not isinstance(requested_cents, int):
        raise InvalidRequest("requestedDebitCents must be a whole number of cents.")
    if requested_cents <= 0:
        raise InvalidRequest("requestedDebitCents must be more than zero.")
