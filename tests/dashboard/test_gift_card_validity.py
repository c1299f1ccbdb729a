"""The gift-card validity setting on the settings page and in the admin, and card expiry on
the dashboard's gift-card pages."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from alera.timefmt import format_date
from payments.models import GiftCard

pytestmark = pytest.mark.django_db

SETTINGS = {
    "display_name": "Sculpt Co",
    "handle": "sculpt-co",
    "timezone": "America/Chicago",
    "default_cancel_window_hours": "24",
}


def test_owner_sets_and_clears_the_gift_card_validity(owner_client, studio):
    page = owner_client.get("/dashboard/settings/").content.decode()
    assert 'name="gift_card_validity_months"' in page
    assert "Gift cards valid for (months)" in page

    response = owner_client.post(
        "/dashboard/settings/", {**SETTINGS, "gift_card_validity_months": "60"}
    )
    assert response.status_code == 302
    studio.provider.refresh_from_db()
    assert studio.provider.gift_card_validity_months == 60

    owner_client.post("/dashboard/settings/", {**SETTINGS, "gift_card_validity_months": ""})
    studio.provider.refresh_from_db()
    assert studio.provider.gift_card_validity_months is None


@pytest.mark.parametrize("value", ["0", "121", "-3", "twelve", "1.5"])
def test_a_bad_validity_is_an_inline_error_and_changes_nothing(owner_client, studio, value):
    response = owner_client.post(
        "/dashboard/settings/", {**SETTINGS, "gift_card_validity_months": value}
    )

    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    studio.provider.refresh_from_db()
    assert studio.provider.gift_card_validity_months is None


def test_staff_cannot_change_the_validity(staff_client, studio):
    response = staff_client.post(
        "/dashboard/settings/", {**SETTINGS, "gift_card_validity_months": "12"}
    )

    assert response.status_code == 403
    studio.provider.refresh_from_db()
    assert studio.provider.gift_card_validity_months is None


def test_gift_card_pages_show_the_expiry_and_mark_expired_cards(owner_client, studio):
    """Relative to today: the owner's login session lasts two weeks, travel stays inside it."""
    card = studio.gift_card
    expires = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    GiftCard.objects.filter(pk=card.pk).update(expires_at=expires)
    local = expires.astimezone(studio.provider.tz)
    shown = format_date(local)
    detail_url = f"/dashboard/gift-cards/{card.public_id}/"

    listing = owner_client.get("/dashboard/gift-cards/").content.decode()
    detail = owner_client.get(detail_url).content.decode()
    assert shown in listing
    assert "badge-warn" not in listing
    assert f"Expires {shown}" in detail

    with time_machine.travel(expires + dt.timedelta(days=1), tick=False):
        listing = owner_client.get("/dashboard/gift-cards/").content.decode()
        detail = owner_client.get(detail_url).content.decode()
    assert '<span class="badge badge-warn">expired</span>' in listing
    assert f'<span class="badge badge-warn">Expired</span> {shown}' in detail


def test_staff_admin_edits_the_validity_on_the_studio(admin_client, studio):
    page = admin_client.get(f"/admin/accounts/provider/{studio.provider.pk}/change/")

    assert page.status_code == 200
    assert 'name="gift_card_validity_months"' in page.content.decode()
