"""Credits, gift cards, refunds and events in a world with neighbours: the right row changes,
and only it (tests/world.py's two studios, ids that differ per table)."""

import logging

import pytest

from alera.api.errors import ApiError
from classes.models import Enrollment
from classes.services.cancellation import enrollment_cancel
from payments.models import (
    GiftCard,
    GiftCardRedemption,
    PackageCreditEntry,
    Payment,
    PaymentRefund,
    StripeEvent,
)
from payments.services.events import stripe_event_process
from payments.services.gift_cards import gift_card_redeem
from payments.services.packs import package_adjust
from tests.world import build_world, changed_since, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(provider):
    return build_world(provider)


@pytest.fixture
def deliver(deliver_event):
    return deliver_event


def test_an_owners_adjustment_changes_that_pack_only(world):
    package = world.home.packs[1]
    before = snapshot()

    package_adjust(package=package, delta=-3, note="Refunded in cash")

    entry = PackageCreditEntry.objects.get(package=package, reason="adjusted")
    assert (package.sessions_remaining, package.sessions_total, entry.delta) == (0, 3, -3)
    assert changed_since(before) == {
        "ClientPackage": {package.pk},
        "PackageCreditEntry": {entry.pk},
    }


def test_an_empty_pack_can_be_given_a_goodwill_credit(world):
    package = world.home.packs[1]
    package_adjust(package=package, delta=-3, note="Refunded in cash")
    before = snapshot()

    package_adjust(package=package, delta=2, note="Came back")

    assert (package.sessions_remaining, package.sessions_total) == (2, 5)
    assert changed_since(before).keys() == {"ClientPackage", "PackageCreditEntry"}
    assert changed_since(before)["ClientPackage"] == {package.pk}


def test_a_removal_beyond_the_credits_left_changes_nothing(world):
    package = world.home.packs[1]
    before = snapshot()

    with pytest.raises(ApiError) as raised:
        package_adjust(package=package, delta=-4, note="Too many")

    assert raised.value.status_code == 409
    assert changed_since(before) == {}


def test_two_gift_cards_split_one_appointment(world):
    home = world.home
    first, second = home.cards
    GiftCard.objects.filter(pk=first.pk).update(balance_cents=5000)
    before = snapshot()

    one = gift_card_redeem(
        provider=home.provider, code=first.code, requested_cents=9000, appointment=home.appointment
    )
    two = gift_card_redeem(
        provider=home.provider,
        code=second.code,
        requested_cents=9000 - one.debit_cents,
        appointment=home.appointment,
    )

    assert (one.debit_cents, one.balance_remaining_cents, one.already_redeemed) == (5000, 0, False)
    assert (two.debit_cents, two.balance_remaining_cents, two.already_redeemed) == (
        4000,
        6000,
        False,
    )
    rows = GiftCardRedemption.objects.filter(appointment=home.appointment)
    assert sorted(rows.values_list("gift_card_id", "amount_cents")) == sorted(
        [(first.pk, 5000), (second.pk, 4000)]
    )
    assert changed_since(before) == {
        "GiftCard": {first.pk, second.pk},
        "GiftCardRedemption": set(rows.values_list("pk", flat=True)),
    }

    retry = gift_card_redeem(
        provider=home.provider, code=second.code, requested_cents=4000, appointment=home.appointment
    )
    assert (retry.debit_cents, retry.balance_cents, retry.already_redeemed) == (4000, 10000, True)
    later = gift_card_redeem(
        provider=home.provider,
        code=second.code,
        requested_cents=1000,
        appointment=home.other_appointment,
    )
    assert (later.debit_cents, later.already_redeemed) == (1000, False)


def test_the_last_cent_of_a_card_can_be_spent(world):
    home = world.home
    card = home.cards[1]
    before = snapshot()

    spent = gift_card_redeem(
        provider=home.provider, code=card.code, requested_cents=10000, appointment=home.appointment
    )

    assert (spent.debit_cents, spent.balance_remaining_cents) == (10000, 0)
    assert changed_since(before)["GiftCard"] == {card.pk}
    with pytest.raises(ApiError) as empty:
        gift_card_redeem(
            provider=home.provider,
            code=card.code,
            requested_cents=100,
            appointment=home.other_appointment,
        )
    assert empty.value.status_code == 400


def test_processing_one_event_marks_only_that_event_processed(world):
    events = [
        StripeEvent.objects.create(
            event_id=f"evt_pending_{n}", type="customer.created", payload={"data": {}}
        )
        for n in range(3)
    ]
    before = snapshot()

    stripe_event_process(event_pk=events[1].pk)

    assert changed_since(before) == {"StripeEvent": {events[1].pk}}


def _charge(payment: Payment, amount_refunded: int) -> dict:
    return {
        "id": "ch_1",
        "object": "charge",
        "amount": payment.amount_cents,
        "amount_refunded": amount_refunded,
        "payment_intent": payment.payment_intent_id,
    }


def test_charge_refunded_warns_when_stripe_and_the_ledger_disagree(world, deliver, caplog):
    payment = world.home.bookings[1].payment
    before = snapshot()

    with caplog.at_level(logging.WARNING, logger="payments.services.refund_events"):
        deliver("charge.refunded", _charge(payment, 700), account=payment.stripe_account_id)

    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        f"charge.refunded for {payment.public_id}: Stripe has refunded 700, our ledger 0"
    ]
    assert changed_since(before) == {}


def test_charge_refunded_is_quiet_when_stripe_and_the_ledger_agree(world, deliver, caplog):
    payment = world.home.bookings[1].payment
    refund_obj = {
        "id": "re_dash_1",
        "object": "refund",
        "amount": 700,
        "payment_intent": payment.payment_intent_id,
        "status": "succeeded",
        "metadata": {},
    }
    deliver("refund.created", refund_obj, account=payment.stripe_account_id)
    before = snapshot()

    with caplog.at_level(logging.WARNING, logger="payments.services.refund_events"):
        deliver("charge.refunded", _charge(payment, 700), account=payment.stripe_account_id)
        deliver("charge.refunded", {"id": "ch_2", "amount_refunded": 5}, account="")

    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    payment.refresh_from_db()
    assert payment.refunded_cents == 700
    assert changed_since(before) == {}


def test_a_dashboard_refund_books_on_the_payment_of_that_account_only(world, deliver):
    mine = world.home.bookings[1].payment
    theirs = world.away.bookings[1].payment
    Payment.objects.filter(pk=theirs.pk).update(payment_intent_id=mine.payment_intent_id)
    before = snapshot()

    deliver(
        "refund.created",
        {
            "id": "re_dash_2",
            "object": "refund",
            "amount": 300,
            "payment_intent": mine.payment_intent_id,
            "status": "succeeded",
            "metadata": {},
        },
        account=mine.stripe_account_id,
    )

    row = PaymentRefund.objects.get(stripe_refund_id="re_dash_2")
    assert (row.payment_id, row.amount_cents, row.reason) == (mine.pk, 300, "external")
    assert changed_since(before) == {"Payment": {mine.pk}, "PaymentRefund": {row.pk}}


@pytest.mark.parametrize(
    ("amount", "metadata"), [(0, {}), (400, {"payment_id": "pay_ours_unknown_row"})]
)
def test_a_failed_refund_with_nothing_to_reverse_records_nothing(world, deliver, amount, metadata):
    payment = world.home.bookings[1].payment
    before = snapshot()

    deliver(
        "refund.failed",
        {
            "id": "re_nothing",
            "object": "refund",
            "amount": amount,
            "payment_intent": payment.payment_intent_id,
            "status": "failed",
            "metadata": metadata,
        },
        account=payment.stripe_account_id,
    )

    assert changed_since(before) == {}


def test_a_cancel_refund_that_fails_at_the_bank_unbooks_that_booking_only(
    world, deliver, fake_stripe, django_capture_on_commit_callbacks
):
    booking = world.home.bookings[0]
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_cancel(enrollment=booking)
    refund = PaymentRefund.objects.get(payment=booking.payment)
    booking.refresh_from_db()
    assert booking.refunded_cents == 2000
    before = snapshot()

    deliver(
        "refund.failed",
        {
            "id": refund.stripe_refund_id,
            "object": "refund",
            "amount": 2000,
            "payment_intent": booking.payment.payment_intent_id,
            "status": "failed",
            "failure_reason": "lost_or_stolen_card",
            "metadata": {"payment_id": booking.payment.public_id, "refund_id": refund.public_id},
        },
        account=booking.payment.stripe_account_id,
    )

    booking.refresh_from_db()
    refund.refresh_from_db()
    booking.payment.refresh_from_db()
    assert (booking.status, booking.refunded_cents) == (Enrollment.Status.CANCELLED, 0)
    assert refund.status == PaymentRefund.Status.FAILED
    assert refund.last_error == "Stripe reported the refund failed: lost_or_stolen_card"
    assert (booking.payment.status, booking.payment.refunded_cents) == (Payment.Status.PAID, 0)
    assert changed_since(before) == {
        "Enrollment": {booking.pk},
        "Payment": {booking.payment_id},
        "PaymentRefund": {refund.pk},
    }
