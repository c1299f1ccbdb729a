"""Sign-up, studios, settings, Stripe Connect, API keys and the team, through the pages."""

import re

import pytest
from django.core import mail

from accounts.dashboard import SESSION_KEY
from accounts.models import ApiKey, Membership, Provider, User
from accounts.services import api_key_lookup
from tests import factories
from tests.dashboard.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_signup_then_create_studio_makes_the_user_its_owner(client):
    response = client.post(
        "/dashboard/signup/",
        {"email": "Ana@Studio.example", "name": "Ana", "password": "a-long-fine-password"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/studio/new/"
    response = client.post(
        "/dashboard/studio/new/",
        {"display_name": "Ana's Barre", "handle": "anas-barre", "timezone": "Europe/Berlin"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/dashboard/services/"
    provider = Provider.objects.get(handle="anas-barre")
    assert provider.timezone == "Europe/Berlin"
    membership = Membership.objects.get(provider=provider)
    assert membership.user.email == "ana@studio.example"
    assert membership.role == Membership.Role.OWNER
    assert b"is ready" in response.content


def test_signup_shows_errors_inline_and_creates_nobody(client, db):
    factories.UserFactory(email="taken@example.com")
    response = client.post(
        "/dashboard/signup/", {"email": "taken@example.com", "password": "a-long-fine-password"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    response = client.post("/dashboard/signup/", {"email": "new@example.com", "password": "123"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_studio_form_rejects_a_taken_or_malformed_handle(client, studio):
    client.force_login(factories.UserFactory(email="new@example.com"))
    for handle, message in [
        ("sculpt-co", "Another studio already uses this handle"),
        ("Bad Handle!", "lower-case"),
    ]:
        response = client.post(
            "/dashboard/studio/new/",
            {"display_name": "X", "handle": handle, "timezone": "America/Chicago"},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Provider.objects.count() == 1


def test_login_and_logout(client, studio):
    response = client.post(
        "/dashboard/login/",
        {"username": studio.owner.email, "password": "correct-horse-battery"},
    )
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/schedule/").status_code == 200
    assert client.post("/dashboard/logout/")["Location"] == "/dashboard/login/"
    assert client.get("/dashboard/schedule/").status_code == 302


def test_wrong_password_shows_an_error(client, studio):
    response = client.post(
        "/dashboard/login/", {"username": studio.owner.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct email" in response.content.decode().lower()


def test_password_reset_emails_a_link_that_sets_a_new_password(client, studio):
    response = client.post("/dashboard/password-reset/", {"email": studio.owner.email})
    assert response["Location"] == "/dashboard/password-reset/sent/"
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/dashboard/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-new-passw0rd", "new_password2": "brand-new-passw0rd"}
    )
    assert response["Location"] == "/dashboard/reset/done/"
    studio.owner.refresh_from_db()
    assert studio.owner.check_password("brand-new-passw0rd")


def test_a_user_with_two_studios_switches_between_them(studio, other_studio):
    factories.MembershipFactory(
        user=studio.owner, provider=other_studio.provider, role=Membership.Role.STAFF
    )
    browser = logged_in(studio.owner)
    page = browser.get("/dashboard/services/").content.decode()
    assert "Other Co" in page
    assert 'name="provider"' in page
    # An explicit button submits the choice (the change-to-submit script is only a shortcut).
    switcher = page[
        page.index('class="switcher"') : page.index("</form>", page.index('class="switcher"'))
    ]
    assert '<button type="submit" class="btn-small btn-ghost">Switch</button>' in switcher
    assert "<noscript>" not in switcher
    browser.post("/dashboard/studio/switch/", {"provider": other_studio.provider.public_id})
    assert browser.session[SESSION_KEY] == other_studio.provider.public_id
    # Now working as staff of the other studio: its records are visible, the first one's not.
    assert browser.get(f"/dashboard/sessions/{other_studio.session.public_id}/").status_code == 200
    assert browser.get(f"/dashboard/sessions/{studio.session.public_id}/").status_code == 404
    assert browser.get("/dashboard/keys/").status_code == 403


def test_switching_to_a_studio_you_are_not_in_is_refused(owner_client, other_studio):
    response = owner_client.post(
        "/dashboard/studio/switch/", {"provider": other_studio.provider.public_id}, follow=True
    )
    assert "not a member" in response.content.decode()
    assert owner_client.session.get(SESSION_KEY) != other_studio.provider.public_id


def test_owner_saves_studio_settings(owner_client, studio):
    response = owner_client.post(
        "/dashboard/settings/",
        {
            "display_name": "Sculpt Pilates Co.",
            "handle": "sculpt-co",
            "timezone": "America/New_York",
            "bio": "Reformer classes.",
            "contact_email": "hi@sculpt.example",
            "location": "Austin",
            "default_cancel_window_hours": "12",
        },
        follow=True,
    )
    assert "Studio settings saved." in response.content.decode()
    studio.provider.refresh_from_db()
    assert studio.provider.display_name == "Sculpt Pilates Co."
    assert studio.provider.timezone == "America/New_York"
    assert studio.provider.default_cancel_window_hours == 12


def _settings_form(provider, **changes) -> dict:
    fields = {
        "display_name": provider.display_name,
        "handle": provider.handle,
        "timezone": provider.timezone,
        "default_cancel_window_hours": str(provider.default_cancel_window_hours),
    }
    return {**fields, **changes}


def test_settings_page_explains_and_saves_the_waitlist_auto_confirm_policy(owner_client, studio):
    page = owner_client.get("/dashboard/settings/").content.decode()
    assert 'name="waitlist_auto_confirm"' in page
    assert "promotes the next waiting customers in queue order" in page
    assert studio.provider.waitlist_auto_confirm is False

    owner_client.post(
        "/dashboard/settings/", _settings_form(studio.provider, waitlist_auto_confirm="on")
    )
    studio.provider.refresh_from_db()
    assert studio.provider.waitlist_auto_confirm is True
    page = owner_client.get("/dashboard/settings/").content.decode()
    assert re.search(r'name="waitlist_auto_confirm"[^>]*checked', page)

    response = owner_client.post("/dashboard/settings/", _settings_form(studio.provider))
    assert response["Location"] == "/dashboard/settings/"
    studio.provider.refresh_from_db()
    assert studio.provider.waitlist_auto_confirm is False  # an unticked box is manual


def test_settings_errors_are_inline_and_nothing_changes(owner_client, studio, other_studio):
    response = owner_client.post(
        "/dashboard/settings/",
        {
            "display_name": "",
            "handle": "other-co",
            "timezone": "Mars/Olympus",
            "default_cancel_window_hours": "-1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="errorlist"') >= 4
    studio.provider.refresh_from_db()
    assert studio.provider.handle == "sculpt-co"


def test_connect_stripe_goes_to_onboarding_and_return_refreshes_status(
    owner_client, studio, fake_stripe
):
    Provider.objects.filter(pk=studio.provider.pk).update(
        stripe_account_id="", stripe_charges_enabled=False
    )
    page = owner_client.get("/dashboard/settings/").content.decode()
    assert "Connect Stripe" in page
    response = owner_client.post("/dashboard/settings/stripe/connect/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://connect.stripe.com/setup/e/acct_test_")
    studio.provider.refresh_from_db()
    account = studio.provider.stripe_account_id
    assert account.startswith("acct_test_")
    link = fake_stripe.calls("/v1/account_links")[0]
    assert link.params["return_url"] == "http://testserver/dashboard/settings/stripe/return/"
    assert "Continue onboarding" in owner_client.get("/dashboard/settings/").content.decode()

    fake_stripe.accounts[account].update(charges_enabled=True, details_submitted=True)
    response = owner_client.get("/dashboard/settings/stripe/return/", follow=True)
    assert "you can take payments" in response.content.decode()
    studio.provider.refresh_from_db()
    assert studio.provider.can_take_payments


def _mint(browser, name="Website", origins="https://www.sculpt.example\nhttps://sculpt.example/"):
    return browser.post("/dashboard/keys/", {"name": name, "origins": origins})


def _shown_key(page: str) -> str | None:
    found = re.search(r'id="new-key">(alr_sculpt-co_[^<]+)<', page)
    return found.group(1) if found else None


def test_mint_redirects_and_the_next_page_shows_the_key_once_and_it_works(owner_client, studio):
    response = _mint(owner_client)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/keys/"
    assert "alr_sculpt-co_" not in response.content.decode()
    page_response = owner_client.get("/dashboard/keys/")
    page = page_response.content.decode()
    plaintext = _shown_key(page)
    assert "only time the key is shown" in page
    assert "Key “Website” created." in page
    assert page_response["Cache-Control"] == "no-store"
    key = api_key_lookup(plaintext)
    assert key.name == "Website"
    assert key.allowed_origins == ["https://sculpt.example", "https://www.sculpt.example"]
    again = owner_client.get("/dashboard/keys/").content.decode()
    assert plaintext not in again
    assert plaintext.split("_", 2)[2] not in again
    assert "only time the key is shown" not in again
    assert key.display_prefix in again


def test_the_key_form_and_the_new_key_say_a_server_call_must_set_origin(owner_client, studio):
    form = owner_client.get("/dashboard/keys/").content.decode()
    assert "a call from your server must set it (Origin: https://your-site.com)" in form
    _mint(owner_client, origins="https://sculpt.example")
    page = owner_client.get("/dashboard/keys/").content.decode()
    assert "a call from your server must set it, for example" in page
    assert "<code>Origin: https://sculpt.example</code>" in page


def test_reload_after_mint_does_not_mint_again(owner_client, studio):
    response = _mint(owner_client)
    reloaded = owner_client.get(response["Location"])  # what the browser's reload repeats
    reloaded_again = owner_client.get(response["Location"])
    assert _shown_key(reloaded.content.decode()) is not None
    assert _shown_key(reloaded_again.content.decode()) is None
    assert ApiKey.objects.filter(provider=studio.provider, name="Website").count() == 1


def test_a_minted_key_never_rests_in_the_database_not_even_in_the_session(owner_client, studio):
    from django.contrib.sessions.models import Session

    response = _mint(owner_client)
    cookie = response.cookies["alera_minted_key"]
    assert (cookie["httponly"], cookie["samesite"], cookie["path"]) == (
        True,
        "Strict",
        "/dashboard/keys/",
    )
    assert 0 < int(cookie["max-age"]) <= 300
    plaintext = _shown_key(owner_client.get("/dashboard/keys/").content.decode())
    secret = plaintext.split("_", 2)[2]
    assert all(secret not in s.session_data for s in Session.objects.all())
    assert all(secret not in str(s.get_decoded()) for s in Session.objects.all())
    assert owner_client.cookies["alera_minted_key"].value == ""  # the page deleted it


def test_a_minted_key_cookie_is_not_shown_to_another_user(owner_client, studio):
    response = _mint(owner_client)
    other_owner = factories.MembershipFactory(
        provider=studio.provider, role=Membership.Role.OWNER
    ).user
    browser = logged_in(other_owner)
    browser.cookies["alera_minted_key"] = response.cookies["alera_minted_key"].value
    assert _shown_key(browser.get("/dashboard/keys/").content.decode()) is None


def test_a_forged_minted_key_cookie_shows_nothing(owner_client, studio):
    owner_client.cookies["alera_minted_key"] = "alr_sculpt-co_forged"
    page = owner_client.get("/dashboard/keys/")
    assert page.status_code == 200
    assert _shown_key(page.content.decode()) is None


def test_a_minted_key_is_not_shown_after_switching_studio(studio, other_studio):
    factories.MembershipFactory(
        user=studio.owner, provider=other_studio.provider, role=Membership.Role.OWNER
    )
    browser = logged_in(studio.owner)
    browser.post("/dashboard/studio/switch/", {"provider": studio.provider.public_id})
    _mint(browser)
    browser.post("/dashboard/studio/switch/", {"provider": other_studio.provider.public_id})
    page = browser.get("/dashboard/keys/").content.decode()
    assert "only time the key is shown" not in page
    assert "alr_sculpt-co_" not in page


def test_staff_cannot_mint_and_see_no_key(staff_client, studio):
    response = _mint(staff_client)
    assert response.status_code == 403
    assert staff_client.get("/dashboard/keys/").status_code == 403
    assert ApiKey.objects.filter(provider=studio.provider).count() == 1


def test_mint_with_bad_origins_shows_the_error_and_mints_nothing(owner_client, studio):
    response = owner_client.post(
        "/dashboard/keys/", {"name": "Website", "origins": "ftp://x.example\nhttps://a.b/path"}
    )
    assert response.status_code == 200  # no redirect: the errors are on the form
    page = response.content.decode()
    assert "ftp://x.example" in page
    assert "must not have a path" in page
    assert ApiKey.objects.filter(provider=studio.provider).count() == 1


def test_revoke_asks_first_then_the_key_stops_working(owner_client, studio):
    url = f"/dashboard/keys/{studio.api_key.prefix}/revoke/"
    assert "can&#x27;t be undone" in owner_client.get(url).content.decode()
    studio.api_key.refresh_from_db()
    assert studio.api_key.revoked_at is None
    response = owner_client.post(url, follow=True)
    assert "revoked" in response.content.decode()
    studio.api_key.refresh_from_db()
    assert studio.api_key.revoked_at is not None


def test_invite_emails_a_set_password_link_and_the_invitee_joins_as_staff(
    owner_client, studio, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            "/dashboard/team/", {"email": "Sam@Sculpt.example", "role": "staff"}
        )
    assert response["Location"] == "/dashboard/team/"
    invitee = User.objects.get(email="sam@sculpt.example")
    assert not invitee.has_usable_password()
    assert Membership.objects.get(user=invitee).role == Membership.Role.STAFF
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@sculpt.example"]
    assert "Sculpt Co" in message.subject
    link = re.search(r"http://testserver(/dashboard/reset/\S+/)", message.body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "sam-likes-pilates", "new_password2": "sam-likes-pilates"}
    )
    assert response.status_code == 302
    assert client.get("/dashboard/schedule/").status_code == 200
    assert client.get("/dashboard/keys/").status_code == 403


def test_invite_form_errors_are_inline(owner_client, studio):
    response = owner_client.post("/dashboard/team/", {"email": "not-an-email", "role": "boss"})
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "Select a valid choice." in page
    assert User.objects.count() == 1


def test_the_only_owner_cannot_be_made_staff_by_an_invite(owner_client, studio):
    response = owner_client.post(
        "/dashboard/team/", {"email": studio.owner.email.upper(), "role": "staff"}
    )
    assert response.status_code == 200
    assert "is the studio&#x27;s only owner: make someone else an owner first." in response.text
    membership = Membership.objects.get(provider=studio.provider, user=studio.owner)
    assert membership.role == Membership.Role.OWNER
    assert owner_client.get("/dashboard/keys/").status_code == 200


def test_an_owner_can_be_made_staff_when_another_owner_remains(owner_client, studio):
    second = factories.UserFactory(email="second@sculpt.example")
    factories.MembershipFactory(user=second, provider=studio.provider, role=Membership.Role.OWNER)
    response = owner_client.post("/dashboard/team/", {"email": second.email, "role": "staff"})
    assert response["Location"] == "/dashboard/team/"
    assert Membership.objects.get(user=second).role == Membership.Role.STAFF


def test_settings_refuse_a_cancel_window_no_service_could_use_and_name_a_taken_handle(
    owner_client, studio, other_studio
):
    response = owner_client.post(
        "/dashboard/settings/",
        {
            "display_name": "Sculpt Co",
            "handle": "other-co",
            "timezone": "America/Chicago",
            "default_cancel_window_hours": "99999999999",
        },
    )
    assert "Ensure this value is less than or equal to 720." in response.text
    assert "Another studio already uses this handle: pick another." in response.text
    assert "Provider with this" not in response.text
    studio.provider.refresh_from_db()
    assert (studio.provider.handle, studio.provider.default_cancel_window_hours) == (
        "sculpt-co",
        24,
    )
