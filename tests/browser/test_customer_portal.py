"""The customer's main path in a real Chromium: magic link → see booking → cancel → gone."""

import datetime as dt
import re

from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from accounts.services import api_key_mint
from classes.models import Enrollment
from tests import factories
from tests.browser.conftest import screenshot

PARTNER = "https://partner.example"


def test_magic_link_then_cancel_removes_the_booking_from_page_and_feed(page, live_site):
    provider = factories.ProviderFactory(handle="sunrise-yoga", display_name="Sunrise Yoga")
    key = api_key_mint(provider=provider, name="Site", origins=[PARTNER])
    jane = factories.ClientFactory(provider=provider, name="Jane Doe", email="jane@example.com")
    session = factories.ClassSessionFactory(
        provider=provider,
        scheduled_at=(timezone.now() + dt.timedelta(days=4)).replace(second=0, microsecond=0),
        service__name="Vinyasa Flow",
        service__price_cents=0,
        price_cents=0,
    )
    booking = factories.EnrollmentFactory(class_session=session, client=jane)

    # The partner's backend asks for a magic link pointing at Alera's hosted portal.
    asked = page.request.post(
        f"{live_site}/api/customer/signin-link",
        data={
            "email": "jane@example.com",
            "handle": "sunrise-yoga",
            "customerSiteOrigin": live_site,
        },
        headers={"x-alera-key": key.plaintext, "Origin": PARTNER},
    )
    assert asked.status == 200, asked.text()
    [message] = mail.outbox
    link = re.search(r"(http://\S+/me/\S+)", message.body).group(1)
    feed_url = f"{live_site}/api/cal/{jane.calendar_secret}.ics"
    assert len(Calendar.from_ical(page.request.get(feed_url).body()).walk("VEVENT")) == 1

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(link)
    expect(page.get_by_role("heading", name="Hi Jane Doe")).to_be_visible()
    upcoming = page.get_by_test_id("upcoming-booking")
    expect(upcoming).to_have_count(1)
    expect(upcoming).to_contain_text("Vinyasa Flow")
    screenshot(page, "customer-portal-with-booking")

    upcoming.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Cancel this booking?")).to_be_visible()
    expect(page.get_by_test_id("cancel-preview")).to_contain_text("seat will be freed")
    screenshot(page, "customer-portal-cancel-confirm")
    page.get_by_test_id("confirm-cancel").click()

    page.wait_for_url(link)
    expect(page.get_by_text("Vinyasa Flow is cancelled.")).to_be_visible()
    expect(page.get_by_test_id("upcoming-booking")).to_have_count(0)
    expect(page.get_by_test_id("no-upcoming")).to_be_visible()
    screenshot(page, "customer-portal-after-cancel")

    booking.refresh_from_db()
    assert booking.status == Enrollment.Status.CANCELLED
    feed = page.request.get(feed_url)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert Calendar.from_ical(feed.body()).walk("VEVENT") == []


def test_an_expired_link_offers_a_new_one_in_the_browser(page, live_site):
    page.goto("/me/not-a-real-token")
    expect(page.get_by_role("heading", name="This link doesn't work")).to_be_visible()
    page.get_by_label("Studio").fill("nowhere")
    page.get_by_label("Your email").fill("jane@example.com")
    page.get_by_role("button", name="Email me a new link").click()
    expect(page.get_by_test_id("link-sent")).to_contain_text("jane@example.com")
    assert mail.outbox == []
