"""WCAG 2.1 AA in a real Chromium: axe-core finds no serious or critical violation on any page
of the shared registry (tests/pages.py) at desktop and phone widths, nor on the states a GET
doesn't show (a saved form, a form with errors, a sent link). Screenshots of the status
badges and forms go to test-artifacts/screenshots/."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from classes.models import Enrollment
from classes.services.common import cancel_token
from tests import factories
from tests.browser.conftest import WIDTHS, axe_violations, log_in_as, screenshot
from tests.dashboard.conftest import build_studio
from tests.dashboard.helpers import paid_enrollment
from tests.pages import AUTH, DOCS, PAGES, STUDIO, world_ids

AXE_PAGES = [pytest.param(page, id=page.case_id) for page in PAGES if "GET" in page.methods]


@pytest.fixture
def world(live_site, settings):
    """A studio with a record of every kind; its class is full (a booking awaits payment, one
    is checked in), so the roster shows every badge and a disabled Promote."""
    settings.PAYMENT_GATEWAY = "dev"
    studio = build_studio("sculpt-co", "owner@sculpt.example")
    factories.EnrollmentFactory(
        class_session=studio.session,
        status=Enrollment.Status.PENDING_PAYMENT,
        hold_expires_at=timezone.now() + dt.timedelta(minutes=30),
        client__name="Pat Pending",
    )
    Enrollment.objects.filter(pk=studio.enrollment.pk).update(checked_in_at=timezone.now())
    return studio, world_ids(studio)


def _open(page, url: str, *, status: int, docs: bool) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == status, f"{url} answered {response.status}"
    if docs:  # Swagger UI renders the operations after fetching the schema
        expect(page.locator(".opblock").first).to_be_visible()


@pytest.mark.parametrize("entry", AXE_PAGES)
def test_page_has_no_serious_or_critical_accessibility_violation(page, live_site, world, entry):
    studio, ids = world
    if entry.area == STUDIO or (entry.area == AUTH and entry.login):
        log_in_as(page, live_site, studio.owner)
    url = entry.url(ids)
    found = {}
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        _open(page, url, status=entry.status, docs=entry.area == DOCS)
        found[width] = axe_violations(page) + _overflow(page, viewport["width"])
    assert found == {width: [] for width in WIDTHS}, url


def _overflow(page, width: int) -> list[str]:
    """The page itself never scrolls sideways (WCAG 1.4.10); a wide table may, inside its box."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    return [f"reflow: the page is {scroll_width} px wide"] if scroll_width > width else []


@pytest.mark.parametrize("path", ["/dashboard/settings/", "/dashboard/services/new/"])
def test_dashboard_forms_reflow_at_320_px(page, live_site, world, path):
    studio, _ = world
    log_in_as(page, live_site, studio.owner)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    assert _overflow(page, 320) == []
    screenshot(page, f"a11y-320px-{path.strip('/').replace('/', '-')}")


def test_badges_and_forms_pass_axe_after_actions_and_are_screenshotted(
    page, live_site, world, capsys
):
    studio, ids = world
    log_in_as(page, live_site, studio.owner)
    shots = []
    problems = {}

    def check(name: str) -> None:
        problems[name] = axe_violations(page)
        shots.append(screenshot(page, f"a11y-{name}"))

    page.goto(f"/dashboard/sessions/{ids['session']}/")
    expect(page.locator(".badge-warn", has_text="Awaiting payment")).to_be_visible()
    expect(page.locator("#promote-reason")).to_be_visible()
    check("roster-badges")

    page.goto("/dashboard/settings/")
    expect(page.locator(".badge-ok", has_text="Connected")).to_be_visible()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".msg-success")).to_be_visible()
    check("settings-saved")

    page.goto("/dashboard/services/new/")
    page.get_by_role("button", name="Create service").click()
    expect(page.locator(".field-error").first).to_be_visible()
    check("form-with-errors")

    page.set_viewport_size(WIDTHS["phone"])
    page.goto(f"/me/tip/{ids['tip_token']}")
    page.get_by_label("Or another amount").fill("0.10")
    page.get_by_role("button", name="Tip this amount").click()
    expect(page.get_by_test_id("tip-error")).to_be_visible()
    check("tip-amount-error")

    page.goto(f"/dev/checkout/{ids['checkout_session']}")
    expect(page.locator(".badge-warn")).to_be_visible()
    check("dev-checkout-notice")

    page.goto("/me/not-a-valid-link")
    page.get_by_label("Studio").fill("sculpt-co")
    page.get_by_label("Your email").fill(studio.client.email)
    page.get_by_role("button", name="Email me a new link").click()
    check("portal-link-sent")

    with capsys.disabled():
        print(f"\naccessibility screenshots: {shots[0].parent}")
    assert problems == {name: [] for name in problems}


def test_refusal_and_lockout_pages_pass_axe(page, live_site, world, settings):
    """Pages no URL names: a staff member refused an owner's page, and a login locked out."""
    studio, _ = world
    settings.AXES_FAILURE_LIMIT = 2
    staff = factories.UserFactory(email="staff@sculpt.example")
    factories.MembershipFactory(user=staff, provider=studio.provider, role=Membership.Role.STAFF)
    log_in_as(page, live_site, staff)
    assert page.goto("/dashboard/keys/").status == 403
    refused = axe_violations(page)

    page.context.clear_cookies()
    for _ in range(3):
        page.goto("/dashboard/login/")
        page.get_by_label("Email").fill(studio.owner.email)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Too many login attempts")).to_be_visible()
    assert {"refused": refused, "locked out": axe_violations(page)} == {
        "refused": [],
        "locked out": [],
    }


def test_a_paid_booking_cancel_preview_shows_the_refund_in_readable_green(page, world):
    studio, _ = world
    session = factories.ClassSessionFactory(
        provider=studio.provider, scheduled_at=timezone.now() + dt.timedelta(days=3)
    )
    booking = paid_enrollment(session, client=studio.client)
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(f"/me/cancel/{cancel_token(booking)}")
    preview = page.get_by_test_id("cancel-preview")
    expect(preview).to_contain_text("full refund of $20.00")
    screenshot(page, "a11y-cancel-refund-preview")
    assert axe_violations(page) == []
