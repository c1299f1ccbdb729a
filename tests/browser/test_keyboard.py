"""Keyboard only, in a real Chromium: a customer cancels from the portal and the front desk
checks a customer in from the roster with Tab and Enter, never the mouse. Every stop on the
way shows our focus ring, and the skip link is the first stop."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from classes.models import Enrollment
from customers.services import customer_token_make
from tests import factories
from tests.browser.conftest import log_in_as, screenshot
from tests.dashboard.conftest import build_studio

MAX_TAB_STOPS = 40

# The focused element's accessible text and whether it shows a visible outline (our ring).
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
    tag: el.tagName,
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_to(page, text: str) -> int:
    """Press Tab until the focused element's text is `text`; return how many presses it took.

    Every element focused on the way must show the focus ring.
    """
    for presses in range(1, MAX_TAB_STOPS + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["ring"], f"no visible focus ring on {focused}"
        if " ".join(focused["text"].split()) == text:
            return presses
    raise AssertionError(f"{text!r} is not reachable in {MAX_TAB_STOPS} tab stops")


def test_a_customer_cancels_a_booking_from_the_portal_with_the_keyboard_only(page, live_site):
    provider = factories.ProviderFactory(handle="sunrise-yoga", display_name="Sunrise Yoga")
    jane = factories.ClientFactory(provider=provider, name="Jane Doe", email="jane@example.com")
    session = factories.ClassSessionFactory(
        provider=provider,
        scheduled_at=timezone.now() + dt.timedelta(days=4),
        service__name="Vinyasa Flow",
        price_cents=0,
    )
    booking = factories.EnrollmentFactory(class_session=session, client=jane)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/me/{customer_token_make(client=jane)}")

    assert tab_to(page, "Skip to main content") == 1
    cancel_name = page.get_by_test_id("upcoming-booking").get_by_role("link").inner_text()
    tab_to(page, " ".join(cancel_name.split()))
    screenshot(page, "keyboard-portal-cancel-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Cancel this booking?")).to_be_visible()

    tab_to(page, "")  # the reason field: empty, optional
    expect(page.get_by_label("Reason (optional)")).to_be_focused()
    page.keyboard.type("Can't make it")
    tab_to(page, "Yes, cancel booking")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Vinyasa Flow is cancelled.")).to_be_visible()
    expect(page.get_by_test_id("no-upcoming")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == Enrollment.Status.CANCELLED
    assert booking.cancel_reason == "Can't make it"


def test_the_front_desk_checks_a_customer_in_from_the_roster_with_the_keyboard_only(
    page, live_site
):
    studio = build_studio("sculpt-co", "owner@sculpt.example")
    other = factories.EnrollmentFactory(class_session=studio.session, client__name="Sam Second")
    log_in_as(page, live_site, studio.owner)
    page.goto(f"/dashboard/sessions/{studio.session.public_id}/")

    assert tab_to(page, "Skip to main content") == 1
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # Past the whole top bar in one stop: the next is the first link inside the page.
    assert tab_to(page, "← Schedule") == 1
    tab_to(page, "Check in Sam Second")
    screenshot(page, "keyboard-roster-check-in-focused")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Sam Second checked in")).to_be_visible()
    other.refresh_from_db()
    studio.enrollment.refresh_from_db()
    assert other.checked_in_at is not None
    assert studio.enrollment.checked_in_at is None
