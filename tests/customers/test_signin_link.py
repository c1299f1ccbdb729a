"""POST /api/customer/signin-link: magic links, anti-enumeration, no open redirect."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from accounts.services import api_key_mint
from alera.tokens import Purpose, token_read
from tests import factories
from tests.conftest import DEMO_ORIGIN

pytestmark = pytest.mark.django_db
URL = "/api/customer/signin-link"


def _post(api, body, callbacks):
    with callbacks(execute=True):
        return api.post(URL, body, format="json")


def _link(message) -> str:
    return re.search(r"(https?://\S+/me/\S+)", message.body).group(1)


def test_known_email_gets_a_magic_link_to_the_request_origin(
    api, customer, django_capture_on_commit_callbacks
):
    response = _post(
        api,
        {"email": "JANE@example.com", "handle": "sculpt-co"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jane@example.com"]
    assert message.subject == "Your sign-in link for Sculpt Co"
    link = _link(message)
    assert link.startswith(f"{DEMO_ORIGIN}/me/")
    html = message.alternatives[0][0]
    assert link in html
    data = token_read(Purpose.CUSTOMER, link.rsplit("/", 1)[1])
    assert data.record_id == customer.public_id
    assert data.provider_id == customer.provider.public_id


def test_unknown_email_gets_the_same_200_and_no_email(
    api, customer, django_capture_on_commit_callbacks
):
    response = _post(
        api,
        {"email": "nobody@example.com", "handle": "sculpt-co"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert mail.outbox == []


def test_known_and_unknown_emails_do_the_same_signing_work(
    api, customer, monkeypatch, django_capture_on_commit_callbacks
):
    from customers import services

    signed = []
    real = services.token_make
    monkeypatch.setattr(
        services, "token_make", lambda *a, **kw: signed.append(kw) or real(*a, **kw)
    )
    for email in ("jane@example.com", "nobody@example.com"):
        _post(api, {"email": email, "handle": "sculpt-co"}, django_capture_on_commit_callbacks)
    assert len(signed) == 2
    assert {kw["provider_id"] for kw in signed} == {customer.provider.public_id}


def test_a_client_of_another_studio_with_the_same_email_gets_nothing(
    api, other_provider, django_capture_on_commit_callbacks
):
    factories.ClientFactory(provider=other_provider, email="jane@example.com")
    response = _post(
        api,
        {"email": "jane@example.com", "handle": "sculpt-co"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert mail.outbox == []


def test_customer_site_origin_among_the_keys_origins_is_used(
    provider, customer, anon_api, django_capture_on_commit_callbacks
):
    minted = api_key_mint(
        provider=provider, name="Two sites", origins=[DEMO_ORIGIN, "https://book.example"]
    )
    anon_api.credentials(HTTP_X_ALERA_KEY=minted.plaintext, HTTP_ORIGIN=DEMO_ORIGIN)
    body = {
        "email": "jane@example.com",
        "handle": "sculpt-co",
        "customerSiteOrigin": "HTTPS://Book.example/",
    }
    response = _post(anon_api, body, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert _link(mail.outbox[0]).startswith("https://book.example/me/")


def test_customer_site_origin_may_be_alera_itself(
    api, customer, django_capture_on_commit_callbacks
):
    body = {
        "email": "jane@example.com",
        "handle": "sculpt-co",
        "customerSiteOrigin": "http://testserver",
    }
    response = _post(api, body, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert _link(mail.outbox[0]).startswith("http://testserver/me/")


@pytest.mark.parametrize("origin", ["https://evil.example", "https://partner.example.evil.com"])
def test_customer_site_origin_not_allowed_gives_400_and_no_email(
    api, customer, origin, django_capture_on_commit_callbacks
):
    body = {"email": "jane@example.com", "handle": "sculpt-co", "customerSiteOrigin": origin}
    response = _post(api, body, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "customerSiteOrigin" in response.json()["error"]
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"handle": "sculpt-co"}, "email"),
        ({"email": "not-an-email", "handle": "sculpt-co"}, "email"),
        ({"email": "jane@example.com"}, "handle"),
        (
            {
                "email": "jane@example.com",
                "handle": "sculpt-co",
                "customerSiteOrigin": "javascript:alert(1)",
            },
            "customerSiteOrigin",
        ),
        (
            {
                "email": "jane@example.com",
                "handle": "sculpt-co",
                "customerSiteOrigin": "https://partner.example/me",
            },
            "customerSiteOrigin",
        ),
    ],
)
def test_invalid_body_gives_400(api, customer, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]
    assert mail.outbox == []


def test_malformed_json_gives_400(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


def test_handle_of_another_studio_gives_403(api, other_provider):
    factories.ClientFactory(provider=other_provider, email="jane@example.com")
    response = api.post(URL, {"email": "jane@example.com", "handle": "other-studio"}, format="json")
    assert response.status_code == 403
    assert mail.outbox == []


def test_unknown_handle_gives_403_like_a_foreign_one(api):
    response = api.post(
        URL, {"email": "jane@example.com", "handle": "no-such-studio"}, format="json"
    )
    assert response.status_code == 403


def test_missing_key_gives_401(anon_api):
    response = anon_api.post(
        URL,
        {"email": "jane@example.com", "handle": "sculpt-co"},
        format="json",
        HTTP_ORIGIN=DEMO_ORIGIN,
    )
    assert response.status_code == 401


def test_origin_not_allowed_for_the_key_gives_403(anon_api, minted):
    response = anon_api.post(
        URL,
        {"email": "jane@example.com", "handle": "sculpt-co"},
        format="json",
        HTTP_X_ALERA_KEY=minted.plaintext,
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403


@time_machine.travel(dt.datetime(2026, 5, 18, 12, 0, 5, tzinfo=dt.UTC), tick=False)
def test_sixth_request_in_a_minute_gives_429(api, customer):
    body = {"email": "nobody@example.com", "handle": "sculpt-co"}
    codes = [api.post(URL, body, format="json").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    response = api.post(URL, body, format="json")
    assert "retry" in response.json()["error"].lower()
    assert int(response["Retry-After"]) > 0
