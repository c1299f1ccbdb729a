"""Credits, gift cards, refunds and events in a world with neighbours: the right row changes,
and only it (tests/world.py's two studios, ids that differ per table)."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from accounts.models import Provider
from alera.api.errors import status_for
from alera.errors import DomainError
from classes.models import Enrollment
from classes.services.cancellation import enrollment_cancel
from payments.models import (
    ClientPackage,
    GiftCard,
    GiftCardRedemption,
    PackageCreditEntry,
    Payment,
    PaymentRefund,
    StripeEvent,
)
from payments.services.checkout import payment_mark_paid
from payments.services.events import provider_stripe_status_set, stripe_event_process
from payments.services.gift_cards import gift_card_redeem
from payments.services.packs import package_adjust, package_expire, package_expire_due
from tests import factories
from tests.world import build_world, changed_since, held_booking, snapshot

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

    with pytest.raises(DomainError) as raised:
        package_adjust(package=package, delta=-4, note="Too many")

    assert status_for(raised.value) == 409
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
    with pytest.raises(DomainError) as empty:
        gift_card_redeem(
            provider=home.provider,
            code=card.code,
            requested_cents=100,
            appointment=home.other_appointment,
        )
    assert status_for(empty.value) == 400


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


def test_an_adjustment_needs_a_reason_and_keeps_255_characters_of_it(world):
    package = world.home.packs[1]
    with pytest.raises(DomainError) as missing:
        package_adjust(package=package, delta=1, note=None)
    assert status_for(missing.value) == 400

    package_adjust(package=package, delta=1, note="x" * 300)

    assert len(PackageCreditEntry.objects.get(package=package, reason="adjusted").note) == 255


def test_expiring_one_pack_takes_its_credits_only(world):
    due, also_due = world.home.packs[0], world.away.packs[0]
    ClientPackage.objects.filter(pk__in=[due.pk, also_due.pk]).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    before = snapshot()

    assert package_expire(package_id=due.pk) == 3

    entry = PackageCreditEntry.objects.get(package=due, reason="expired")
    assert entry.delta == -3
    assert changed_since(before) == {"ClientPackage": {due.pk}, "PackageCreditEntry": {entry.pk}}


def test_a_pack_that_is_not_due_or_is_empty_is_not_expired(world):
    live = world.home.packs[0]
    empty = world.home.packs[1]
    ClientPackage.objects.filter(pk=empty.pk).update(
        sessions_remaining=0, expires_at=timezone.now() - dt.timedelta(days=1)
    )
    before = snapshot()

    assert package_expire(package_id=live.pk) == 0
    assert package_expire(package_id=empty.pk) == 0
    assert package_expire_due() == 0

    assert changed_since(before) == {}


def test_the_expiry_sweep_counts_every_pack_it_expired_as_of_its_now(world):
    soon = timezone.now() + dt.timedelta(days=1)
    last_credit = world.home.packs[2]
    packs = [world.home.packs[0], world.away.packs[0], last_credit]
    ClientPackage.objects.filter(pk__in=[p.pk for p in packs]).update(expires_at=soon)
    ClientPackage.objects.filter(pk=last_credit.pk).update(sessions_remaining=1)
    before = snapshot()

    assert package_expire_due(now=soon) == 3

    entries = PackageCreditEntry.objects.filter(reason="expired")
    assert sorted(entries.values_list("package_id", "delta")) == sorted(
        [(packs[0].pk, -3), (packs[1].pk, -3), (last_credit.pk, -1)]
    )
    assert changed_since(before) == {
        "ClientPackage": {p.pk for p in packs},
        "PackageCreditEntry": set(entries.values_list("pk", flat=True)),
    }


@pytest.mark.parametrize(("amount", "booked"), [(1, True), (0, False)])
def test_a_dashboard_refund_of_one_cent_is_booked_and_of_nothing_is_not(
    world, deliver, amount, booked
):
    payment = world.home.bookings[1].payment
    deliver(
        "refund.created",
        {
            "id": "re_tiny",
            "object": "refund",
            "amount": amount,
            "payment_intent": payment.payment_intent_id,
            "status": "succeeded",
            "metadata": {},
        },
        account=payment.stripe_account_id,
    )

    row = PaymentRefund.objects.filter(stripe_refund_id="re_tiny").first()
    assert (row is not None) == booked
    if booked:
        assert (row.amount_cents, row.status) == (1, PaymentRefund.Status.SUCCEEDED)
        assert row.succeeded_at is not None


def test_an_unknown_dashboard_refund_that_failed_is_recorded_as_failed(world, deliver):
    payment = world.home.bookings[1].payment
    before = snapshot()

    deliver(
        "refund.failed",
        {
            "id": "re_failed_first",
            "object": "refund",
            "amount": 1,
            "payment_intent": payment.payment_intent_id,
            "status": "failed",
            "failure_reason": "x" * 2100,
            "metadata": {},
        },
        account=payment.stripe_account_id,
    )

    row = PaymentRefund.objects.get(stripe_refund_id="re_failed_first")
    assert (row.payment_id, row.reason, row.status, row.amount_cents) == (
        payment.pk,
        PaymentRefund.Reason.EXTERNAL,
        PaymentRefund.Status.FAILED,
        1,
    )
    assert row.last_error == "x" * 2000
    assert changed_since(before) == {"PaymentRefund": {row.pk}}


def test_a_long_bank_failure_reason_is_kept_to_2000_characters(
    world, deliver, fake_stripe, django_capture_on_commit_callbacks
):
    booking = world.home.bookings[0]
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_cancel(enrollment=booking)
    refund = PaymentRefund.objects.get(payment=booking.payment)

    deliver(
        "refund.failed",
        {
            "id": refund.stripe_refund_id,
            "object": "refund",
            "amount": 2000,
            "payment_intent": booking.payment.payment_intent_id,
            "status": "failed",
            "failure_reason": "y" * 2100,
            "metadata": {"payment_id": booking.payment.public_id, "refund_id": refund.public_id},
        },
        account=booking.payment.stripe_account_id,
    )

    refund.refresh_from_db()
    assert len(refund.last_error) == 2000


def test_charge_refunded_with_nothing_refunded_agrees_with_an_empty_ledger(world, deliver, caplog):
    payment = world.home.bookings[1].payment
    with caplog.at_level(logging.WARNING, logger="payments.services.refund_events"):
        deliver("charge.refunded", _charge(payment, 0), account=payment.stripe_account_id)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_account_updated_mirrors_both_flags_onto_that_studio_only(world, deliver):
    home, away = world.home.provider, world.away.provider
    Provider.objects.filter(pk=home.pk).update(
        stripe_charges_enabled=False, stripe_details_submitted=False
    )

    deliver(
        "account.updated",
        {"id": home.stripe_account_id, "charges_enabled": True, "details_submitted": True},
        account=home.stripe_account_id,
    )

    home.refresh_from_db()
    away.refresh_from_db()
    assert (home.stripe_charges_enabled, home.stripe_details_submitted) == (True, True)
    deliver(
        "account.updated",
        {"id": home.stripe_account_id, "charges_enabled": True, "details_submitted": False},
        account=home.stripe_account_id,
    )
    home.refresh_from_db()
    assert (home.stripe_charges_enabled, home.stripe_details_submitted) == (True, False)
    assert (away.stripe_charges_enabled, away.stripe_details_submitted) == (True, True)
    assert (
        provider_stripe_status_set(account_id="", charges_enabled=False, details_submitted=False)
        == 0
    )


def _checkout_session(payment, *, metadata: bool) -> dict:
    return {
        "id": payment.checkout_session_id,
        "object": "checkout.session",
        "payment_status": "unpaid",
        "metadata": {"payment_id": payment.public_id} if metadata else {},
    }


def test_a_delayed_payment_failure_found_by_its_checkout_id_releases_that_seat_only(world, deliver):
    session = world.home.classes[0]
    payment = factories.PaymentFactory(provider=world.home.provider)
    held = held_booking(session, payment)
    before = snapshot()

    deliver(
        "checkout.session.async_payment_failed",
        _checkout_session(payment, metadata=False),
        account=payment.stripe_account_id,
    )

    held.refresh_from_db()
    payment.refresh_from_db()
    assert (held.status, payment.status) == (Enrollment.Status.CANCELLED, Payment.Status.FAILED)
    assert changed_since(before) == {"Enrollment": {held.pk}, "Payment": {payment.pk}}


def test_a_delayed_gift_card_payment_that_fails_just_fails(world, deliver):
    payment = factories.PaymentFactory(
        provider=world.home.provider, kind=Payment.Kind.GIFT_CARD, amount_cents=5000
    )
    before = snapshot()

    deliver(
        "checkout.session.async_payment_failed",
        _checkout_session(payment, metadata=True),
        account=payment.stripe_account_id,
    )

    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert changed_since(before) == {"Payment": {payment.pk}}


def _dashboard_refund(payment, refund_id: str, **fields) -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "payment_intent": payment.payment_intent_id,
        "status": "succeeded",
        "metadata": {},
        **fields,
    }


def test_a_refund_update_that_says_failed_reverses_a_booked_dashboard_refund(world, deliver):
    payment = world.home.bookings[1].payment
    account = payment.stripe_account_id
    deliver("refund.created", _dashboard_refund(payment, "re_turns", amount=600), account=account)
    before = snapshot()

    deliver(
        "refund.updated",
        _dashboard_refund(payment, "re_turns", amount=600, status="failed"),
        account=account,
    )

    row = PaymentRefund.objects.get(stripe_refund_id="re_turns")
    assert row.status == PaymentRefund.Status.FAILED
    assert row.last_error == "Stripe reported the refund failed: failed"
    payment.refresh_from_db()
    assert payment.refunded_cents == 0
    assert changed_since(before) == {"Payment": {payment.pk}, "PaymentRefund": {row.pk}}


def test_refund_failed_reverses_even_when_its_refund_reads_otherwise(world, deliver):
    payment = world.home.bookings[1].payment
    account = payment.stripe_account_id
    deliver("refund.created", _dashboard_refund(payment, "re_odd", amount=600), account=account)

    deliver("refund.failed", _dashboard_refund(payment, "re_odd", amount=600), account=account)

    assert PaymentRefund.objects.get(stripe_refund_id="re_odd").status == "failed"


@pytest.mark.parametrize(
    "fields",
    [
        {},  # no amount
        {"amount": 500, "metadata": {"payment_id": "pay_made_before_refund_rows"}},
        {"amount": 500, "metadata": {"payment_id": "pay_x", "refund_id": "rf_unknown"}},
        {"amount": 500, "id": "not_a_refund"},
    ],
)
def test_refund_events_with_nothing_to_book_book_nothing(world, deliver, fields):
    payment = world.home.bookings[1].payment
    before = snapshot()

    deliver(
        "refund.created",
        _dashboard_refund(payment, "re_nothing_to_book", **fields),
        account=payment.stripe_account_id,
    )

    assert changed_since(before) == {}


def test_a_delayed_success_without_a_payment_intent_keeps_the_one_we_have(world, deliver):
    payment = factories.PaymentFactory(provider=world.home.provider, payment_intent_id="pi_known")
    held = held_booking(world.home.classes[0], payment)

    deliver(
        "checkout.session.async_payment_succeeded",
        dict(_checkout_session(payment, metadata=True), payment_status="paid"),
        account=payment.stripe_account_id,
    )

    payment.refresh_from_db()
    held.refresh_from_db()
    assert (payment.status, payment.payment_intent_id) == (Payment.Status.PAID, "pi_known")
    assert held.status == Enrollment.Status.CONFIRMED


def _pack_payment(studio, **details) -> Payment:
    package_type = studio.packs[1].package_type
    return factories.PaymentFactory(
        provider=studio.provider,
        kind=Payment.Kind.PACKAGE,
        amount_cents=package_type.price_cents,
        details={"package_type_id": package_type.pk, **details},
    )


def test_a_paid_pack_is_delivered_as_it_was_sold_to_that_buyer_only(world):
    payment = _pack_payment(
        world.home,
        sessions=8,
        validity_days=10,
        client_name="Robin Buyer",
        client_email="robin@example.com",
        client_phone="(512) 555-0199",
    )
    before = snapshot()

    payment = payment_mark_paid(payment_id=payment.pk)

    package = ClientPackage.objects.select_related("client").get(payment=payment)
    assert package.package_type_id == world.home.packs[1].package_type_id
    assert (package.sessions_total, package.sessions_remaining) == (8, 8)
    assert package.expires_at.date() == (payment.paid_at + dt.timedelta(days=10)).date()
    assert (package.client.name, package.client.email, package.client.phone) == (
        "Robin Buyer",
        "robin@example.com",
        "15125550199",
    )
    bought = PackageCreditEntry.objects.get(package=package)
    assert (bought.delta, bought.reason) == (8, "bought")
    assert changed_since(before) == {
        "Payment": {payment.pk},
        "ClientPackage": {package.pk},
        "PackageCreditEntry": {bought.pk},
    }


def test_a_pack_paid_before_its_terms_were_frozen_gets_the_types_terms(world):
    payment = _pack_payment(world.home, client_email="legacy@example.com")
    package_type = world.home.packs[1].package_type

    payment = payment_mark_paid(payment_id=payment.pk)

    package = ClientPackage.objects.select_related("client").get(payment=payment)
    assert package.sessions_total == package_type.sessions
    assert (
        package.expires_at.date()
        == (payment.paid_at + dt.timedelta(days=package_type.validity_days)).date()
    )
    assert (package.client.name, package.client.phone) == ("", "")


def test_expiring_a_pack_never_takes_another_due_packs_credits(world):
    older, newer = world.away.packs[0], world.home.packs[0]
    ClientPackage.objects.filter(pk__in=[older.pk, newer.pk]).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )

    for package, other in ((older, newer), (newer, older)):
        before = snapshot()
        assert package_expire(package_id=package.pk) == 3
        assert changed_since(before)["ClientPackage"] == {package.pk}
        other.refresh_from_db()
        assert other.sessions_remaining == (0 if other is older else 3)


def test_a_failed_dashboard_refund_of_a_gift_card_payment_is_reversed(world, deliver):
    payment = factories.PaymentFactory(
        provider=world.home.provider,
        kind=Payment.Kind.GIFT_CARD,
        status=Payment.Status.PAID,
        payment_intent_id="pi_gift",
    )
    account = payment.stripe_account_id
    deliver("refund.created", _dashboard_refund(payment, "re_gift", amount=700), account=account)

    deliver("refund.failed", _dashboard_refund(payment, "re_gift", amount=700), account=account)

    payment.refresh_from_db()
    assert payment.refunded_cents == 0
    assert PaymentRefund.objects.get(stripe_refund_id="re_gift").status == "failed"


def test_a_commit_through_the_api_debits_for_the_appointment_it_names(post, world):
    home = world.home
    card = home.cards[0]
    before = snapshot()

    response = post(
        "/api/gift-cards/redeem",
        {
            "code": card.code,
            "providerId": home.provider.public_id,
            "requestedDebitCents": 2500,
            "mode": "commit",
            "appointmentId": home.other_appointment.public_id,
        },
    )

    assert response.status_code == 200, response.content
    row = GiftCardRedemption.objects.get()
    assert (row.gift_card_id, row.appointment_id, row.amount_cents) == (
        card.pk,
        home.other_appointment.pk,
        2500,
    )
    assert changed_since(before) == {"GiftCard": {card.pk}, "GiftCardRedemption": {row.pk}}


def test_a_completion_that_needed_no_payment_confirms_and_keeps_the_payment_intent(world, deliver):
    payment = factories.PaymentFactory(provider=world.home.provider, payment_intent_id="pi_had")
    held = held_booking(world.home.classes[0], payment)

    deliver(
        "checkout.session.completed",
        dict(_checkout_session(payment, metadata=True), payment_status="no_payment_required"),
        account=payment.stripe_account_id,
    )

    payment.refresh_from_db()
    held.refresh_from_db()
    assert (payment.status, payment.payment_intent_id) == (Payment.Status.PAID, "pi_had")
    assert held.status == Enrollment.Status.CONFIRMED
