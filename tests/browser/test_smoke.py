"""Proof that the browser fixtures drive a real Chromium against the live server."""

from django.utils import timezone
from playwright.sync_api import expect

from payments import handlers
from payments.models import Payment
from tests import factories
from tests.browser.conftest import screenshot


def test_healthz_answers_ok_in_chromium(page):
    response = page.goto("/healthz")

    assert response.status == 200
    assert response.json() == {"ok": True, "database": "ok", "cache": "ok"}


def test_dev_checkout_pay_button_marks_the_payment_paid(page, live_site, settings, monkeypatch):
    settings.PAYMENT_GATEWAY = "dev"
    delivered = []
    # Whatever the real enrollment handler does is tested in the payments suite; here the
    # browser proves the page reaches payment_mark_paid and the kind's handler exactly once.
    monkeypatch.setitem(
        handlers._HANDLERS,
        Payment.Kind.ENROLLMENT,
        handlers.KindHandlers(on_paid=lambda p: delivered.append(p.public_id)),
    )
    payment = factories.PaymentFactory(
        checkout_session_id="cs_dev_browser_smoke",
        description="Reformer Flow",
        success_url=f"{live_site}/healthz",
    )

    page.goto("/dev/checkout/cs_dev_browser_smoke")
    expect(page.get_by_text("Reformer Flow")).to_be_visible()
    expect(page.get_by_text("$20.00")).to_be_visible()
    screenshot(page, "dev-checkout-open")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{live_site}/healthz")

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.paid_at <= timezone.now()
    assert payment.payment_intent_id.startswith("pi_dev_")
    assert delivered == [payment.public_id]

    page.goto("/dev/checkout/cs_dev_browser_smoke")
    expect(page.get_by_text("This checkout is paid.")).to_be_visible()
    expect(page.get_by_role("button", name="Pay")).to_have_count(0)
