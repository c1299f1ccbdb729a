"""The owner's main path in a real Chromium: sign up, set up a studio and a weekly class,
mint a key, fill the class through the API, then run the roster and promote the waitlist."""

import datetime as dt
import re
import zoneinfo

from playwright.sync_api import expect

from tests.browser.conftest import screenshot

SITE = "https://studio-site.example"
PASSWORD = "a-long-browser-password"
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def test_owner_sets_up_a_studio_and_runs_the_roster(page, live_site):
    # Sign up, then create the studio.
    page.goto("/dashboard/signup/")
    screenshot(page, "01-signup")
    page.get_by_label("Email").fill("owner@barre.example")
    page.get_by_label("Your name").fill("Bea Barre")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/dashboard/studio/new/")
    page.get_by_label("Studio name").fill("Barre & Brew")
    page.get_by_label("Handle").fill("barre-brew")
    page.get_by_label("Timezone").select_option("America/Chicago")
    screenshot(page, "02-create-studio")
    page.get_by_role("button", name="Create studio").click()
    page.wait_for_url("**/dashboard/services/")
    expect(page.get_by_text("Barre & Brew is ready")).to_be_visible()

    # A free class type with two seats.
    page.get_by_role("link", name="New service").click()
    page.get_by_label("Name").fill("Sunrise Barre")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Price ($)").fill("0")
    page.get_by_label("Default capacity").fill("2")
    page.get_by_role("button", name="Create service").click()
    expect(page.get_by_role("cell", name="Sunrise Barre")).to_be_visible()
    screenshot(page, "03-services")

    # A weekly series starting in two days, three sessions.
    today = dt.datetime.now(tz=CHICAGO).date()
    first_day = today + dt.timedelta(days=2)
    page.get_by_role("link", name="Schedule").click()
    page.get_by_role("link", name="Add a weekly series").click()
    page.get_by_label("Service").select_option(label="Sunrise Barre")
    page.get_by_label(first_day.strftime("%a"), exact=True).check()
    page.get_by_label("Time").fill("07:30")
    page.get_by_label("Start date").fill(first_day.isoformat())
    page.get_by_label("…or number of sessions").fill("3")
    screenshot(page, "04-series-form")
    # Headless Chromium spends the first click after typing into a native date/number
    # widget on closing it; click away first so the submit click is a click.
    page.locator("h1").click()
    page.get_by_role("button", name="Create series").click()
    expect(page.get_by_text("3 sessions of Sunrise Barre scheduled")).to_be_visible()
    expect(page.get_by_text("Times shown in America/Chicago")).to_be_visible()
    first = page.locator("a.session-row").first
    expect(first).to_contain_text("7:30 AM")
    expect(first).to_contain_text("0/2 booked")
    screenshot(page, "05-schedule")

    # Mint an API key: the plaintext is on this page only.
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Key name").fill("Website")
    page.get_by_label("Allowed origins").fill(SITE)
    page.get_by_role("button", name="Mint key").click()
    key = page.locator("#new-key").inner_text().strip()
    assert re.fullmatch(r"alr_barre-brew_[A-Za-z0-9_-]{40,}", key)
    expect(page.get_by_text("This is the only time the key is shown.")).to_be_visible()
    screenshot(page, "06-key-minted")
    page.goto("/dashboard/keys/")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("#new-key")).to_have_count(0)
    assert key not in page.content()

    # The partner site books the class full through the API, then a third joins the waitlist.
    api = page.context.request
    headers = {"x-alera-key": key, "Origin": SITE, "Content-Type": "application/json"}
    listing = api.get(
        "/api/classes",
        params={"handle": "barre-brew", "from": str(today), "to": str(first_day + dt.timedelta(7))},
        headers=headers,
    )
    assert listing.status == 200, listing.text()
    class_id = listing.json()["classes"][0]["id"]
    for n in (1, 2):
        booked = api.post(
            f"/api/classes/{class_id}/book",
            headers=headers,
            data={"name": f"Member {n}", "email": f"m{n}@barre.example", "phone": "5125550100"},
        )
        assert booked.status == 200, booked.text()
        assert booked.json()["checkoutUrl"] is None
    full = api.post(
        f"/api/classes/{class_id}/book",
        headers=headers,
        data={"name": "Wendy Wait", "email": "wendy@barre.example", "phone": "5125550199"},
    )
    assert full.status == 409
    assert full.json()["waitlistAvailable"] is True
    waiting = api.post(
        f"/api/classes/{class_id}/waitlist",
        headers=headers,
        data={"name": "Wendy Wait", "email": "wendy@barre.example", "phone": "5125550199"},
    )
    assert waiting.status == 200, waiting.text()
    assert waiting.json()["position"] == 1

    # The roster shows both bookings and the waitlist; no banner while the class is full.
    page.goto(f"/dashboard/schedule/?week={first_day}")
    page.locator(f"a[href='/dashboard/sessions/{class_id}/']").click()
    roster = page.locator("#roster tbody tr")
    expect(roster).to_have_count(2)
    expect(roster.filter(has_text="Member 1")).to_contain_text("Confirmed")
    expect(roster.filter(has_text="Member 2")).to_contain_text("Free")
    expect(page.locator("#waitlist")).to_contain_text("Wendy Wait")
    expect(page.locator("#open-seat-banner")).to_have_count(0)
    expect(page.locator("#seats-left")).to_have_text("0")
    screenshot(page, "07-roster-full")

    # Cancel Member 1's booking on their behalf: a seat opens and the banner appears.
    roster.filter(has_text="Member 1").get_by_role("link", name="Cancel").click()
    # A free class: nothing to refund, so no money choice is offered.
    expect(page.get_by_text("It was a free booking: there is nothing to refund.")).to_be_visible()
    expect(page.get_by_label("Don't refund")).to_have_count(0)
    page.get_by_label("Reason (optional)").fill("Asked by phone")
    screenshot(page, "08-cancel-booking")
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_text("Booking of Member 1 cancelled.")).to_be_visible()
    expect(page.locator("#open-seat-banner")).to_contain_text("A seat is open")
    expect(roster.filter(has_text="Member 1")).to_contain_text("Cancelled")
    expect(page.locator("#seats-left")).to_have_text("1")
    screenshot(page, "09-roster-seat-open")

    # Promote Wendy: she is booked, the waitlist is empty and the banner is gone.
    page.locator("#waitlist").get_by_role("button", name="Promote").click()
    expect(page.get_by_text("Wendy Wait promoted and booked.")).to_be_visible()
    expect(roster.filter(has_text="Wendy Wait")).to_contain_text("Confirmed")
    expect(page.locator("#waitlist")).to_contain_text("Nobody is waiting.")
    expect(page.locator("#open-seat-banner")).to_have_count(0)
    expect(page.locator("#booked-count")).to_have_text("2")
    screenshot(page, "10-roster-promoted")

    # The other main pages, for review (and one at phone width).
    page.get_by_role("link", name="Customers").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    screenshot(page, "11-customers")
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("button", name="Connect Stripe")).to_be_visible()
    screenshot(page, "12-settings")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Schedule").click()
    screenshot(page, "13-schedule-phone")
