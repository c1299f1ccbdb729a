"""Tenancy and access on every dashboard page: another studio's ids are 404, every page
needs a login, and staff can't reach owner-only pages. The pages come from the shared
registry (tests/pages.py), which the accessibility check walks too."""

import pytest

from classes.models import ClassSession, Enrollment, Service, WaitlistEntry
from payments.models import ClientPackage, GiftCard
from tests.pages import STUDIO_PAGES

pytestmark = pytest.mark.django_db

ALL_PAGES = [
    pytest.param(page, method, id=f"{method} {page.case_id}")
    for page in STUDIO_PAGES
    for method in page.methods
]
WITH_IDS = [p for p in ALL_PAGES if p.values[0].has_ids]


@pytest.mark.parametrize(("page", "method"), WITH_IDS)
def test_another_studios_id_is_a_404_and_changes_nothing(studio, other_studio, page, method):
    from tests.dashboard.conftest import logged_in

    intruder = logged_in(other_studio.owner)
    before = _snapshot(studio)
    url = page.url(studio.ids())
    response = intruder.get(url) if method == "GET" else intruder.post(url, _any_form())
    assert response.status_code == 404
    assert _snapshot(studio) == before


@pytest.mark.parametrize(("page", "method"), ALL_PAGES)
def test_every_page_requires_login(client, studio, page, method):
    url = page.url(studio.ids())
    response = client.get(url) if method == "GET" else client.post(url, _any_form())
    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/login/?next=")


@pytest.mark.parametrize(("page", "method"), [p for p in ALL_PAGES if p.values[0].owner_only])
def test_staff_get_403_on_owner_only_pages(staff_client, studio, page, method):
    url = page.url(studio.ids())
    response = staff_client.get(url) if method == "GET" else staff_client.post(url, _any_form())
    assert response.status_code == 403
    assert b"Only the studio&#x27;s owners" in response.content
    assert studio.api_key.__class__.objects.get(pk=studio.api_key.pk).revoked_at is None


def test_staff_can_see_settings_but_not_save_them(staff_client, studio):
    assert staff_client.get("/dashboard/settings/").status_code == 200
    response = staff_client.post("/dashboard/settings/", {"display_name": "Hijacked"})
    assert response.status_code == 403
    studio.provider.refresh_from_db()
    assert studio.provider.display_name != "Hijacked"


def test_staff_nav_hides_keys_and_team(staff_client):
    page = staff_client.get("/dashboard/schedule/").content.decode()
    assert "/dashboard/keys/" not in page
    assert "/dashboard/team/" not in page


@pytest.mark.parametrize(("page", "method"), [p for p in ALL_PAGES if p.values[1] == "GET"])
def test_every_page_renders_for_its_owner(owner_client, studio, page, method):
    response = owner_client.get(page.url(studio.ids()), follow=True)
    assert response.status_code == 200
    assert studio.provider.timezone in response.content.decode()


def test_a_user_without_a_studio_is_sent_to_create_one(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/dashboard/schedule/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/studio/new/"


def _any_form() -> dict:
    """A plausible body for any form, so a missing tenancy check would show as a change."""
    return {
        "refund": "yes",
        "reason": "x",
        "name": "Changed",
        "delta": "1",
        "note": "x",
        "display_name": "Changed",
    }


def _snapshot(studio) -> tuple:
    return (
        list(Service.objects.filter(provider=studio.provider).values_list("name", "archived_at")),
        list(
            ClassSession.objects.filter(provider=studio.provider).values_list("status", "capacity")
        ),
        list(Enrollment.objects.filter(provider=studio.provider).values_list("status")),
        list(WaitlistEntry.objects.filter(provider=studio.provider).values_list("promoted_at")),
        list(
            ClientPackage.objects.filter(provider=studio.provider).values_list("sessions_remaining")
        ),
        list(GiftCard.objects.filter(provider=studio.provider).values_list("balance_cents")),
        studio.api_key.__class__.objects.filter(pk=studio.api_key.pk).values_list(
            "revoked_at", flat=True
        )[0],
    )
