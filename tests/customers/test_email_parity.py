"""Every kind of email says the same things in its plain-text part as in its HTML part.

Mail clients that show the text part (or read it aloud) must not lose the amount paid, the
refund's timing, the dates or the links. Each registered kind has a scenario here; a new kind
without one fails `test_every_kind_of_email_has_a_parity_scenario`.
"""

import datetime as dt
import html as htmllib
import re

import pytest
import time_machine

import accounts.emails  # noqa: F401  (registers staff_invite)
import classes.emails  # noqa: F401
import payments.emails  # noqa: F401
from alera.timefmt import format_date, format_when
from classes.models import Appointment, Enrollment
from customers.emails import _BUILDERS, email_render
from payments.models import Payment, PaymentRefund
from payments.services.gift_cards import gift_card_code_display
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
CLASS_AT = dt.datetime(2026, 12, 9, 0, 0, tzinfo=dt.UTC)  # Tue 8 Dec, 6:00 PM CST

MONEY = re.compile(r"\$[\d,]+\.\d\d")
MOMENT = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}(?: \d{4})?(?:, \d{1,2}:\d\d [AP]M \w+)?"
)
TIMING = re.compile(r"within 5-10 days")


def _visible_text(html: str) -> str:
    """The HTML part as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", htmllib.unescape(text))


def _links(html: str) -> set[str]:
    return {htmllib.unescape(url) for url in re.findall(r'href="([^"]+)"', html)}


@pytest.fixture
def world():
    provider = factories.ProviderFactory(
        handle="parity-studio",
        display_name="Parity Studio",
        location="12 Main St, Austin",
        contact_email="hello@parity.example",
    )
    factories.ProviderFactory(handle="parity-other")  # a second studio that must not leak
    owner = factories.MembershipFactory(provider=provider, user__email="owner@parity.example")
    client = factories.ClientFactory(provider=provider, name="Jo O'Neil")
    session = factories.ClassSessionFactory(
        provider=provider, scheduled_at=CLASS_AT, service__name="Reformer"
    )
    return {"provider": provider, "client": client, "session": session, "owner": owner}


def _enrollment(world, **fields) -> Enrollment:
    return factories.EnrollmentFactory(
        class_session=world["session"], client=world["client"], **fields
    )


def _held(world) -> Enrollment:
    payment = factories.PaymentFactory(
        provider=world["provider"],
        checkout_url="https://checkout.example/pay/cs_hold",
        expires_at=NOW + dt.timedelta(minutes=30),
    )
    return _enrollment(
        world,
        status=Enrollment.Status.PENDING_PAYMENT,
        payment=payment,
        hold_expires_at=payment.expires_at,
    )


def _cancelled(world, **fields) -> Enrollment:
    return _enrollment(world, status=Enrollment.Status.CANCELLED, cancelled_at=NOW, **fields)


def _visit(world, **fields) -> Appointment:
    return factories.AppointmentFactory(
        provider=world["provider"],
        client=world["client"],
        starts_at=CLASS_AT - dt.timedelta(days=2),
        **fields,
    )


def _tip_payment(world, visit: Appointment, **fields) -> Payment:
    return factories.PaymentFactory(
        provider=world["provider"],
        kind=Payment.Kind.TIP,
        amount_cents=1500,
        status=Payment.Status.PAID,
        paid_at=NOW,
        customer_email=world["client"].email,
        details={"appointment_id": visit.public_id},
        **{"payment_intent_id": "pi_parity_tip", **fields},
    )


# Each scenario builds its rows and returns (ids, facts both parts must carry).
def magic_link(world):
    link = "http://testserver/me/parity-link"
    return {"client_id": world["client"].pk, "link": link}, [link, "30 days"]


def class_reminder(world):
    e = _enrollment(world)
    return {"enrollment_id": e.pk}, [format_when(CLASS_AT, "America/Chicago"), "50 min"]


def booking_confirmed(world):
    e = _enrollment(world, paid_with=Enrollment.PaidWith.CARD, amount_paid_cents=2000)
    return {"enrollment_id": e.pk}, ["Paid: $20.00", "12 Main St", "calendar file"]


def payment_pending(world):
    e = _held(world)
    return {"enrollment_id": e.pk}, ["until Tue 1 Dec, 9:30 AM CST", "nothing is charged"]


def payment_expired(world):
    return {"enrollment_id": _cancelled(world).pk}, ["Nothing was charged"]


def payment_failed(world):
    return {"enrollment_id": _cancelled(world).pk}, ["Nothing was charged"]


def waitlist_joined(world):
    entry = factories.WaitlistEntryFactory(
        class_session=world["session"], client=world["client"], position=1
    )
    return {"waitlist_entry_id": entry.pk}, ["position 1"]


def seat_opened(world):
    factories.WaitlistEntryFactory(class_session=world["session"], client=world["client"])
    return {"class_session_id": world["session"].pk}, ["Jo O'Neil", "1 customer is waiting"]


def seat_offered(world):
    return {"enrollment_id": _held(world).pk}, ["Tue 1 Dec, 9:30 AM CST", "$20.00"]


def cancellation_receipt(world):
    e = _cancelled(world, refunded_cents=2000, refund_id="re_parity")
    return {"enrollment_id": e.pk}, ["$20.00", "re_parity", "5-10 days"]


def class_cancelled(world):
    e = _cancelled(world, refunded_cents=2000, refund_id="re_parity")
    return {"enrollment_id": e.pk}, ["$20.00", "5-10 days"]


def late_payment_refunded(world):
    e = _cancelled(world, refunded_cents=2000, refund_id="re_parity_late")
    return {"enrollment_id": e.pk}, ["$20.00 in full", "re_parity_late", "5-10 days"]


def package_purchased(world):
    package = factories.ClientPackageFactory(
        package_type__provider=world["provider"], client=world["client"]
    )
    facts = ["5 classes", format_date(package.expires_at, "America/Chicago"), "30 days"]
    return {"package_id": package.pk}, facts


def gift_card_delivered(world):
    card = factories.GiftCardFactory(
        provider=world["provider"],
        code="ABCD2345EFGH6789",
        recipient_name="Robin",
        recipient_email="robin@example.com",
        gift_message="Enjoy!",
        expires_at=NOW + dt.timedelta(days=365),
    )
    facts = [gift_card_code_display(card.code), "$100.00", "Enjoy!", "Wed 1 Dec 2027"]
    return {"gift_card_id": card.pk}, facts


def gift_card_receipt(world):
    payment = factories.PaymentFactory(
        provider=world["provider"],
        kind=Payment.Kind.GIFT_CARD,
        amount_cents=10000,
        status=Payment.Status.PAID,
        paid_at=NOW,
        payment_intent_id="pi_parity_card",
    )
    card = factories.GiftCardFactory(
        provider=world["provider"],
        recipient_name="Robin",
        recipient_email="robin@example.com",
        payment=payment,
    )
    facts = ["Paid: $100.00", "robin@example.com", "pi_parity_card", "It never expires."]
    return {"gift_card_id": card.pk}, facts


def appointment_tip_request(world):
    visit = _visit(world, status=Appointment.Status.COMPLETED, completed_at=NOW)
    return {"appointment_id": visit.pk}, ["Sun 6 Dec, 6:00 PM CST", "14 days"]


def appointment_booked(world):
    visit = _visit(world)
    return {"appointment_id": visit.pk}, ["Sun 6 Dec, 6:00 PM CST", "Price: $90.00", "60 min"]


def tip_receipt(world):
    visit = _visit(world, status=Appointment.Status.COMPLETED, completed_at=NOW)
    payment = _tip_payment(world, visit)
    return {"payment_id": payment.pk}, ["Paid: $15.00", "pi_parity_tip", "Sun 6 Dec"]


def tip_refunded(world):
    visit = _visit(world, status=Appointment.Status.COMPLETED, completed_at=NOW)
    payment = _tip_payment(world, visit, payment_intent_id="pi_parity_second")
    refund = PaymentRefund.objects.create(
        provider=world["provider"],
        payment=payment,
        client=world["client"],
        reason=PaymentRefund.Reason.DUPLICATE_TIP,
        status=PaymentRefund.Status.SUCCEEDED,
        amount_cents=1500,
        stripe_refund_id="re_parity_tip",
    )
    return {"refund_id": refund.pk}, ["$15.00", "re_parity_tip", "5-10 days"]


def staff_invite(world):
    membership = factories.MembershipFactory(provider=world["provider"], user__email="new@x.io")
    membership.user.set_unusable_password()
    membership.user.save()
    ids = {"membership_id": membership.pk, "invited_by_id": world["owner"].user_id}
    return ids, ["Parity Studio", "expires in a few days"]


SCENARIOS = {
    fn.__name__: fn
    for fn in (
        magic_link,
        class_reminder,
        booking_confirmed,
        payment_pending,
        payment_expired,
        payment_failed,
        waitlist_joined,
        seat_opened,
        seat_offered,
        cancellation_receipt,
        class_cancelled,
        late_payment_refunded,
        package_purchased,
        gift_card_delivered,
        gift_card_receipt,
        appointment_tip_request,
        appointment_booked,
        tip_receipt,
        tip_refunded,
        staff_invite,
    )
}


def test_every_kind_of_email_has_a_parity_scenario():
    assert set(SCENARIOS) == set(_BUILDERS)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_the_plain_text_part_carries_what_the_html_part_says(kind, world):
    ids, facts = SCENARIOS[kind](world)
    message = email_render(kind, ids)
    assert message is not None, f"{kind} rendered nothing for its scenario"
    text = message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    seen = _visible_text(html)
    for fact in facts:
        assert fact in seen, f"{kind}: HTML lacks {fact!r}"
        assert fact in text, f"{kind}: plain text lacks {fact!r}"
    # Whatever the HTML shows of money, moments and refund timing, the text shows too.
    for pattern in (MONEY, MOMENT, TIMING):
        for found in pattern.findall(seen):
            assert found in text, f"{kind}: plain text lacks {found!r}"
    for url in _links(html):
        assert url in text, f"{kind}: plain text lacks the link {url}"
    assert "&#x27;" not in text
    assert "&amp;" not in text
    assert "Parity Other" not in text + html


@time_machine.travel(NOW, tick=False)
def test_the_pack_email_promises_only_what_the_portal_does(world):
    ids, _ = package_purchased(world)
    message = email_render("package_purchased", ids)
    for part in (message.body, message.alternatives[0][0]):
        assert "book with them from your page" not in part
        assert "when you book a class on Parity Studio" in part
