"""/api/docs/ in a real Chromium: Swagger UI renders every operation from our own origin only
(no CDN request), with no Content-Security-Policy violation or script error."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot


def test_the_api_reference_renders_offline_under_our_csp(page, live_site):
    problems: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_site) else elsewhere.append(request.url)
        ),
    )

    page.goto("/api/docs/")

    expect(page.get_by_role("heading", name="Alera public API")).to_be_visible()
    expect(page.locator(".opblock", has_text="/api/classes/{class_id}/book")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "api-docs")
    assert problems == []
    assert elsewhere == []
