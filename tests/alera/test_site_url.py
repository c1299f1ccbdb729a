"""Every link Alera hands out follows SITE_URL, and locally SITE_URL follows the port served."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core import mail

from customers.services import customer_token_make
from tests import factories
from tests.classes.conftest import CUSTOMER

ROOT = Path(__file__).resolve().parents[2]
SITE = "http://127.0.0.1:8101"


def _site_url(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "SECRET_KEY")}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "alera.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_locally_site_url_follows_port_and_an_explicit_site_url_wins():
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8101") == SITE
    assert _site_url(PORT="8101", SITE_URL="https://book.example/") == "https://book.example"


def test_make_run_serves_on_the_port_it_is_given():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8101"],  # noqa: S607 - -n prints the recipe, runs nothing
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "manage.py runserver 127.0.0.1:8101" in result.stdout


@pytest.mark.django_db
def test_every_link_handed_out_points_at_site_url(
    settings, api, anon_api, client, provider, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    settings.PAYMENT_GATEWAY = "dev"
    provider.avatar_key = f"providers/{provider.public_id}/avatar-abc.png"
    provider.save(update_fields=["avatar_key"])
    session = factories.ClassSessionFactory(provider=provider, price_cents=2000)
    factories.ClassSessionFactory(provider=factories.ProviderFactory())  # a neighbour

    booked = api.post(f"/api/classes/{session.public_id}/book", CUSTOMER, format="json").json()
    assert booked["checkoutUrl"] == f"{SITE}/dev/checkout/{booked['checkoutSessionId']}"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/dev/checkout/{booked['checkoutSessionId']}", {"action": "pay"})
    (confirmation,) = mail.outbox
    links = re.findall(r"https?://[^\s\"'<>]+", confirmation.body)
    assert any(link.startswith(f"{SITE}/me/cancel/") for link in links), links
    assert all(link.startswith(f"{SITE}/") for link in links), links

    detail = api.get(f"/api/classes/{session.public_id}").json()
    assert detail["provider"]["avatarUrl"] == f"{SITE}/media/{provider.avatar_key}"
    customer = provider.clients.get()
    token = customer_token_make(client=customer)
    me = api.get("/api/customer/me", HTTP_X_CUSTOMER_TOKEN=token).json()
    assert me["calendarFeedUrl"] == f"{SITE}/api/cal/{customer.calendar_secret}.ics"
    page = client.get(f"/me/{token}").content.decode()
    webcal = f"webcal://127.0.0.1:8101/api/cal/{customer.calendar_secret}.ics"
    assert f'href="{webcal}"' in page
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', page).group(1)
    assert unquote(google.split("cid=", 1)[1]) == webcal


@pytest.mark.django_db
def test_the_hosted_portals_own_origin_is_accepted_for_a_sign_in_link(
    settings, api, provider, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    factories.ClientFactory(provider=provider, email="jane@example.com")
    body = {"email": "jane@example.com", "handle": "sculpt-co", "customerSiteOrigin": SITE}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/customer/signin-link", body, format="json")
    assert response.status_code == 200
    assert re.search(rf"{re.escape(SITE)}/me/\S+", mail.outbox[0].body)


@pytest.mark.django_db
def test_a_site_url_with_a_path_still_accepts_its_origin_for_a_sign_in_link(
    settings, api, provider
):
    settings.SITE_URL = "https://alera.example/booking"
    body = {
        "email": "jane@example.com",
        "handle": "sculpt-co",
        "customerSiteOrigin": "https://alera.example",
    }
    assert api.post("/api/customer/signin-link", body, format="json").status_code == 200
