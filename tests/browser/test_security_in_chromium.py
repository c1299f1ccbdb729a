"""The browser enforces our Content-Security-Policy, and our own pages (admin included)
don't trip it; a real login form is throttled by django-axes."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot

PASSWORD = "correct-horse-battery"


def _watch_csp(page) -> list[str]:
    """Collect every CSP violation the page reports (console and securitypolicyviolation)."""
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return violations


@pytest.fixture
def staff(transactional_db):
    from accounts.models import User

    return User.objects.create_superuser("support@alera.example", PASSWORD)


def test_inline_script_is_blocked_by_the_policy(page, settings):
    settings.PAYMENT_GATEWAY = "dev"
    factories.PaymentFactory(checkout_session_id="cs_dev_csp")
    violations = _watch_csp(page)
    page.goto("/dev/checkout/cs_dev_csp")

    ran = page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation',
                e => resolve({ran: window.__injected === true, directive: e.violatedDirective}));
            const s = document.createElement('script');
            s.textContent = 'window.__injected = true';
            document.body.appendChild(s);
            setTimeout(() => resolve({ran: window.__injected === true, directive: null}), 2000);
        })"""
    )

    assert ran == {"ran": False, "directive": "script-src-elem"}
    assert any("script-src" in v for v in violations)


def test_admin_pages_render_without_csp_violations(page, live_site, staff):
    factories.ClientFactory(email="casey@example.com")
    violations = _watch_csp(page)

    page.goto("/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_text("Alera staff admin").first).to_be_visible()
    page.goto("/admin/customers/client/?q=casey")
    expect(page.get_by_text("casey@example.com").first).to_be_visible()
    screenshot(page, "admin-client-changelist")
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("#id_email")).to_have_value("casey@example.com")
    screenshot(page, "admin-client-change")

    assert violations == []


def _submit_login(page, url: str, email: str, password: str):
    page.goto(url)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("form:has(input[name=password]) [type=submit]").click()
    return posted.value


@pytest.mark.parametrize("url", ["/dashboard/login/", "/admin/login/"])
def test_login_locks_after_five_wrong_passwords(page, staff, url):
    violations = _watch_csp(page)

    codes = [_submit_login(page, url, staff.email, "wrong-password").status for _ in range(5)]

    assert codes == [200, 200, 200, 200, 429]
    expect(page.get_by_text("Too many login attempts")).to_be_visible()
    screenshot(page, f"login-locked-out-{url.strip('/').replace('/', '-')}")
    assert _submit_login(page, url, staff.email, PASSWORD).status == 429
    assert violations == []


def test_dashboard_login_succeeds_with_the_right_password(page, staff, live_site):
    violations = _watch_csp(page)

    assert _submit_login(page, "/dashboard/login/", staff.email, PASSWORD).status == 302

    assert violations == []


def test_admin_revoke_action_works_in_the_browser_under_the_policy(page, staff):
    from accounts.services import api_key_lookup, api_key_mint

    minted = api_key_mint(
        provider=factories.ProviderFactory(handle="browser-studio"),
        name="Partner site",
        origins=["https://partner.example"],
    )
    violations = _watch_csp(page)
    _submit_login(page, "/admin/login/", staff.email, PASSWORD)

    page.goto("/admin/accounts/apikey/")
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "revoke_keys")
    page.locator("button[name=index]").first.click()

    expect(page.get_by_text("Revoke: 1 done.")).to_be_visible()
    screenshot(page, "admin-apikey-revoked")
    assert minted.plaintext not in page.content()
    assert minted.api_key.secret_hash not in page.content()
    assert api_key_lookup(minted.plaintext) is None
    assert violations == []
