"""Dashboard behaviour that needs JavaScript works under our Content-Security-Policy, which
blocks inline handlers: the studio switcher, and the confirmations before destructive posts."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from classes.models import Blackout, Service
from tests import factories

PASSWORD = "correct-horse-battery"  # UserFactory's


@pytest.fixture
def owner_of_two(transactional_db):
    owner = factories.UserFactory(email="two-studios@example.com")
    for handle in ("alpha-yoga", "beta-barre"):
        provider = factories.ProviderFactory(handle=handle)
        factories.MembershipFactory(user=owner, provider=provider, role=Membership.Role.OWNER)
        factories.BlackoutFactory(
            provider=provider,
            label=f"{handle} closed",
            starts_at=timezone.now() + dt.timedelta(days=3),
            ends_at=timezone.now() + dt.timedelta(days=4),
        )
        factories.ServiceFactory(provider=provider, name=f"{handle} flow")
    return owner


def _log_in(page, user) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto("/dashboard/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/schedule/")
    return violations


def test_choosing_another_studio_in_the_switcher_switches_to_it(page, live_site, owner_of_two):
    violations = _log_in(page, owner_of_two)
    expect(page.locator(".brand")).to_have_text("Alera · Alpha Yoga")

    page.get_by_label("Studio").select_option(label="Beta Barre")

    expect(page.get_by_text("Now working in Beta Barre.")).to_be_visible()
    expect(page.locator(".brand")).to_have_text("Alera · Beta Barre")
    assert violations == []


def test_deleting_a_blackout_asks_first_and_dismissing_keeps_it(page, live_site, owner_of_two):
    violations = _log_in(page, owner_of_two)
    page.goto("/dashboard/blackouts/")
    questions: list[str] = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("cell", name="alpha-yoga closed")).to_be_visible()
    assert questions == ["Delete the blackout “alpha-yoga closed”?"]
    assert Blackout.objects.filter(label="alpha-yoga closed").exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Blackout “alpha-yoga closed” deleted.")).to_be_visible()
    assert not Blackout.objects.filter(label="alpha-yoga closed").exists()
    assert violations == []


def test_archiving_a_service_asks_first(page, live_site, owner_of_two):
    _log_in(page, owner_of_two)
    page.goto("/dashboard/services/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    assert Service.objects.get(name="alpha-yoga flow").archived_at is None
