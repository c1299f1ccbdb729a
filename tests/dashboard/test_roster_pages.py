"""The roster: bookings with how they paid, check-in/no-show/attended, cancel on the
customer's behalf with or without a refund, the open-seat banner and Promote."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from classes.models import Enrollment, WaitlistEntry
from tests import factories
from tests.dashboard.helpers import paid_enrollment

pytestmark = pytest.mark.django_db


def roster(browser, session) -> str:
    return browser.get(f"/dashboard/sessions/{session.public_id}/").content.decode()


def test_roster_lists_bookings_with_status_and_how_they_paid_and_the_waitlist_in_order(
    owner_client, studio
):
    session = studio.session
    card = paid_enrollment(session, amount_cents=2500)
    pack = factories.EnrollmentFactory(
        class_session=session,
        status=Enrollment.Status.CANCELLED,
        paid_with=Enrollment.PaidWith.PACK,
        client_package=studio.package,
    )
    later = factories.WaitlistEntryFactory(class_session=session, position=9)
    page = roster(owner_client, session)
    assert "$25.00 card" in page
    assert "Pack credit" in page
    assert studio.package_type.name in page
    assert "Cancelled" in page
    assert pack.public_id in page
    assert page.index(studio.waitlist_entry.public_id) < page.index(later.public_id)
    assert '<strong id="booked-count">2</strong>/2 booked' in page
    assert card.client.email in page


def test_expired_holds_are_not_on_the_roster(owner_client, studio):
    stale = factories.EnrollmentFactory(
        class_session=studio.session,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    live = factories.EnrollmentFactory(
        class_session=studio.session,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + dt.timedelta(minutes=20),
    )
    page = roster(owner_client, studio.session)
    assert stale.public_id not in page
    assert live.public_id in page
    assert "Awaiting payment" in page


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("check-in", "Confirmed", "checked in"),
        ("no-show", "NoShow", "marked as a no-show"),
        ("complete", "Completed", "marked as attended"),
    ],
)
def test_roster_actions_move_a_confirmed_booking(owner_client, studio, action, status, message):
    enrollment = studio.enrollment
    response = owner_client.post(
        f"/dashboard/bookings/{enrollment.public_id}/{action}/", follow=True
    )
    assert message in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == status
    assert (enrollment.checked_in_at is not None) == (action != "no-show")


def test_a_roster_action_on_a_closed_booking_is_refused_with_a_message(owner_client, studio):
    enrollment = studio.enrollment
    owner_client.post(f"/dashboard/bookings/{enrollment.public_id}/no-show/")
    response = owner_client.post(
        f"/dashboard/bookings/{enrollment.public_id}/complete/", follow=True
    )
    assert "This booking is no show, not confirmed." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.NO_SHOW


def test_owner_cancels_a_paid_booking_with_a_refund(
    owner_client, studio, fake_stripe, django_capture_on_commit_callbacks
):
    paid = paid_enrollment(studio.session, amount_cents=2000)
    url = f"/dashboard/bookings/{paid.public_id}/cancel/"
    page = owner_client.get(url).content.decode()
    assert "They paid $20.00 by card." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, {"refund": "yes", "reason": "Injury"}, follow=True)
    assert "cancelled. Refunded $20.00." in response.content.decode()
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_cents, paid.cancelled_by) == ("Cancelled", 2000, "owner")
    assert paid.cancel_reason == "Injury"
    [refund] = fake_stripe.calls("/v1/refunds")
    assert refund.stripe_account == studio.provider.stripe_account_id
    assert refund.params["amount"] == "2000"
    assert any(paid.client.email in m.to for m in mail.outbox)


def test_owner_cancels_a_paid_booking_without_a_refund(owner_client, studio, fake_stripe):
    paid = paid_enrollment(studio.session, amount_cents=2000)
    owner_client.post(f"/dashboard/bookings/{paid.public_id}/cancel/", {"refund": "no"})
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_cents) == ("Cancelled", 0)
    assert fake_stripe.calls("/v1/refunds") == []


def test_failed_refund_leaves_the_booking_and_says_so(owner_client, studio, fake_stripe):
    paid = paid_enrollment(studio.session)
    fake_stripe.fail_next("/v1/refunds", 400, "Charge disputed")
    response = owner_client.post(f"/dashboard/bookings/{paid.public_id}/cancel/", {"refund": "yes"})
    assert response.status_code == 200
    assert "Safe to retry." in response.content.decode()
    paid.refresh_from_db()
    assert paid.status == Enrollment.Status.CONFIRMED


def test_cancel_form_of_a_paid_booking_needs_a_refund_choice(owner_client, studio):
    paid = paid_enrollment(studio.session)
    response = owner_client.post(f"/dashboard/bookings/{paid.public_id}/cancel/", {})
    assert "This field is required." in response.content.decode()
    paid.refresh_from_db()
    assert paid.status == Enrollment.Status.CONFIRMED


def test_cancelling_a_free_booking_offers_no_money_choice(
    owner_client, studio, fake_stripe, django_capture_on_commit_callbacks
):
    free = studio.enrollment
    assert (free.paid_with, free.amount_paid_cents) == (Enrollment.PaidWith.FREE, 0)
    url = f"/dashboard/bookings/{free.public_id}/cancel/"
    page = owner_client.get(url).text
    assert "It was a free booking: there is nothing to refund." in page
    assert 'name="refund"' not in page
    assert "full refund" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, {"reason": "Moved to Tuesday"}, follow=True)
    assert f"Booking of {free.client.name} cancelled." in response.text
    assert "Refunded" not in response.text
    free.refresh_from_db()
    assert (free.status, free.cancel_reason, free.refunded_cents) == (
        "Cancelled",
        "Moved to Tuesday",
        0,
    )
    assert fake_stripe.calls("/v1/refunds") == []


def test_open_seat_banner_then_promote_fills_the_seat(owner_client, studio):
    session = studio.session
    session.price_cents = 0
    session.save(update_fields=["price_cents"])
    factories.EnrollmentFactory(class_session=session)  # now full: 2 of 2
    page = roster(owner_client, session)
    assert "open-seat-banner" not in page
    assert 'disabled aria-describedby="promote-reason"' in page
    assert 'id="promote-reason">Promote is off while no seat is free' in page
    owner_client.post(
        f"/dashboard/bookings/{studio.enrollment.public_id}/cancel/", {"refund": "no"}
    )
    page = roster(owner_client, session)
    assert "open-seat-banner" in page
    assert "A seat is open" in page
    assert "promote-reason" not in page
    response = owner_client.post(
        f"/dashboard/waitlist/{studio.waitlist_entry.public_id}/promote/", follow=True
    )
    page = response.content.decode()
    assert "promoted and booked" in page
    assert "open-seat-banner" not in page
    assert "Nobody is waiting." in page
    entry = WaitlistEntry.objects.get(pk=studio.waitlist_entry.pk)
    assert entry.enrollment.status == Enrollment.Status.CONFIRMED


def test_under_auto_confirm_a_cancel_on_the_roster_books_the_waiting_customer(
    owner_client, studio, django_capture_on_commit_callbacks
):
    session = studio.session
    session.price_cents = 0
    session.save(update_fields=["price_cents"])
    studio.provider.__class__.objects.filter(pk=studio.provider.pk).update(
        waitlist_auto_confirm=True
    )
    factories.EnrollmentFactory(class_session=session)  # now full: 2 of 2
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            f"/dashboard/bookings/{studio.enrollment.public_id}/cancel/", {"refund": "no"}
        )
    page = roster(owner_client, session)
    assert "open-seat-banner" not in page
    assert "Nobody is waiting." in page
    entry = WaitlistEntry.objects.get(pk=studio.waitlist_entry.pk)
    assert entry.enrollment.status == Enrollment.Status.CONFIRMED
    assert entry.client.name in page
    assert [m.to for m in mail.outbox if "booked" in m.subject] == [[entry.client.email]]


def test_promote_without_a_free_seat_is_refused(owner_client, studio):
    factories.EnrollmentFactory(class_session=studio.session)
    response = owner_client.post(
        f"/dashboard/waitlist/{studio.waitlist_entry.public_id}/promote/", follow=True
    )
    assert response.status_code == 200
    assert "msg-error" in response.content.decode()
    studio.waitlist_entry.refresh_from_db()
    assert studio.waitlist_entry.promoted_at is None


def test_roster_query_count_does_not_grow_with_bookings(
    owner_client, studio, django_assert_max_num_queries
):
    session = factories.ClassSessionFactory(provider=studio.provider, capacity=40)
    for _ in range(15):
        paid_enrollment(session)
    factories.WaitlistEntryFactory.create_batch(10, class_session=session)
    with django_assert_max_num_queries(9):
        page = roster(owner_client, session)
    assert page.count("data-enrollment=") == 15
    assert page.count("data-entry=") == 10
