"""An owner uploads the studio's avatar in Chromium; it shows on the settings page under our
Content-Security-Policy (images from 'self' only), and the customer portal shows it too."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from customers.services import customer_token_make
from tests import factories
from tests.accounts.test_avatars import picture
from tests.browser.conftest import screenshot

PASSWORD = "correct-horse-battery"  # UserFactory's


@pytest.fixture
def owner(transactional_db):
    user = factories.UserFactory(email="owner@avatar.example")
    provider = factories.ProviderFactory(handle="sun-studio", display_name="Sun Studio")
    factories.MembershipFactory(user=user, provider=provider, role=Membership.Role.OWNER)
    return user


def _loaded(page, selector: str) -> int:
    """The image's decoded width, once the browser has finished loading it (0 if it failed:
    a blocked or broken image completes with no pixels)."""
    page.wait_for_function(
        "selector => { const img = document.querySelector(selector); return img && img.complete; }",
        arg=selector,
    )
    return page.eval_on_selector(selector, "img => img.naturalWidth")


def test_owner_uploads_an_avatar_that_shows_in_settings_and_the_portal(
    page, live_site, owner, tmp_path
):
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    page.goto("/dashboard/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/schedule/")
    photo = tmp_path / "me.jpg"
    photo.write_bytes(picture(size=(1200, 1200)))

    page.goto("/dashboard/settings/")
    page.get_by_label("Avatar image").set_input_files(str(photo))
    page.get_by_role("button", name="Upload avatar").click()

    expect(page.get_by_text("Avatar saved")).to_be_visible()
    preview = page.locator("img.avatar-preview")
    expect(preview).to_be_visible()
    assert _loaded(page, "img.avatar-preview") == 512
    screenshot(page, "14-settings-avatar")

    provider = owner.memberships.get().provider
    customer = factories.ClientFactory(provider=provider)
    page.goto(f"/me/{customer_token_make(client=customer)}")
    assert _loaded(page, "img.avatar-small") == 512
    assert violations == []
