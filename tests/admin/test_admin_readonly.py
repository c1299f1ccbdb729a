"""Ledgers and service-owned rows can't be edited in the admin; no secret is ever shown."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import ApiKey, User
from accounts.services import api_key_lookup
from customers.models import Client, ReminderLog
from payments.models import GiftCard, GiftCardRedemption, PackageCreditEntry, StripeEvent

pytestmark = pytest.mark.django_db


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# ReminderLog too: deleting a row would make the beat task remind that booking again.
LEDGERS = [PackageCreditEntry, GiftCardRedemption, StripeEvent, ReminderLog]
LEDGER_ROWS = {
    PackageCreditEntry: "credit_entry",
    GiftCardRedemption: "redemption",
    StripeEvent: "stripe_event",
    ReminderLog: "reminder",
}


@pytest.mark.parametrize("model", LEDGERS, ids=lambda m: m.__name__)
def test_ledger_has_no_add_change_or_delete_permission_even_for_a_superuser(
    admin_client, rf, staff_user, model
):
    request = rf.get("/admin/")
    request.user = staff_user
    model_admin = admin.site._registry[model]

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.parametrize("model", LEDGERS, ids=lambda m: m.__name__)
def test_ledger_add_and_delete_pages_are_forbidden(admin_client, rows, model):
    obj = getattr(rows, LEDGER_ROWS[model])

    assert admin_client.get(_url(model, "add")).status_code == 403
    assert admin_client.get(_url(model, "delete", obj.pk)).status_code == 403
    assert admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_posting_a_changed_credit_entry_changes_nothing(admin_client, rows):
    entry = rows.credit_entry
    response = admin_client.post(
        _url(PackageCreditEntry, "change", entry.pk),
        {"package": entry.package_id, "delta": 50, "reason": "adjusted", "note": "free credits"},
    )

    assert response.status_code == 403
    entry.refresh_from_db()
    assert (entry.delta, entry.reason, entry.note) == (5, "bought", "")


def test_ledger_change_page_is_view_only(admin_client, rows):
    response = admin_client.get(_url(GiftCardRedemption, "change", rows.redemption.pk))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert 'name="_save"' not in response.text
    assert "3000" in response.text


def test_gift_card_balance_cannot_be_edited_but_recipient_can(admin_client, rows):
    card = rows.gift_card
    response = admin_client.post(
        _url(GiftCard, "change", card.pk),
        {
            "balance_cents": 999999,
            "initial_cents": 999999,
            "code": "HACKEDCODE234567",
            "purchaser_name": card.purchaser_name,
            "purchaser_email": card.purchaser_email,
            "recipient_name": "Robin Recipient",
            "recipient_email": "robin@example.com",
            "gift_message": "Enjoy",
            "expires_at_0": "",
            "expires_at_1": "",
            "redemptions-TOTAL_FORMS": "1",
            "redemptions-INITIAL_FORMS": "1",
            "redemptions-MIN_NUM_FORMS": "0",
            "redemptions-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    card.refresh_from_db()
    assert (card.balance_cents, card.initial_cents, card.code) == (7000, 10000, "ADMNGIFTCARD2345")
    assert (card.recipient_name, card.recipient_email) == ("Robin Recipient", "robin@example.com")


@pytest.mark.parametrize(
    "label", ["payments.Payment", "classes.Enrollment", "classes.WaitlistEntry"]
)
def test_rows_only_services_write_are_view_only(admin_client, rows, label):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    obj = model.objects.order_by("pk").first()

    assert admin_client.get(_url(model, "add")).status_code == 403
    assert admin_client.get(_url(model, "delete", obj.pk)).status_code == 403
    assert not admin_client.get(_url(model, "change", obj.pk)).context["has_change_permission"]


def test_api_key_pages_never_show_the_secret_hash(admin_client, rows):
    key = rows.minted.api_key
    secret = rows.minted.plaintext.split("_", 2)[2]

    pages = [
        admin_client.get(_url(ApiKey, "changelist")),
        admin_client.get(_url(ApiKey, "change", key.pk)),
        admin_client.get(_url(ApiKey, "changelist"), {"q": key.prefix}),
    ]

    for page in pages:
        assert page.status_code == 200
        assert key.secret_hash not in page.text
        assert secret not in page.text
        assert "secret_hash" not in page.text
    assert key.display_prefix in pages[0].text
    assert key.display_prefix in pages[1].text


def test_api_keys_cannot_be_minted_in_the_admin(admin_client, rows):
    assert admin_client.get(_url(ApiKey, "add")).status_code == 403


def test_api_key_rename_keeps_the_hash_and_the_key_working(admin_client, rows):
    key = rows.minted.api_key
    response = admin_client.post(
        _url(ApiKey, "change", key.pk), {"name": "Renamed", "secret_hash": "0" * 64}
    )

    assert response.status_code == 302
    refreshed = ApiKey.objects.get(pk=key.pk)
    assert refreshed.name == "Renamed"
    assert refreshed.secret_hash == key.secret_hash
    assert api_key_lookup(rows.minted.plaintext) == refreshed


def test_client_pages_never_show_the_calendar_secret(admin_client, rows):
    client = rows.client
    for page in (
        admin_client.get(_url(Client, "changelist")),
        admin_client.get(_url(Client, "change", client.pk)),
    ):
        assert page.status_code == 200
        assert client.calendar_secret not in page.text


def test_client_email_saved_from_the_admin_is_lower_cased(admin_client, rows):
    client = rows.client
    response = admin_client.post(
        _url(Client, "change", client.pk),
        {
            "provider": client.provider_id,
            "name": "Casey Client",
            "email": "  Casey.New@Example.COM ",
            "phone": client.phone,
        },
    )

    assert response.status_code == 302
    client.refresh_from_db()
    assert client.email == "casey.new@example.com"


def test_user_admin_adds_an_email_login_user_with_a_hashed_password(admin_client):
    response = admin_client.post(
        _url(User, "add"),
        {
            "email": "new.staff@alera.example",
            "name": "New Staff",
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.staff@alera.example")
    assert user.name == "New Staff"
    assert user.check_password("a-long-unusual-passphrase")
    assert "a-long-unusual-passphrase" not in user.password


def test_user_admin_add_form_shows_mismatched_passwords_inline(admin_client):
    response = admin_client.post(
        _url(User, "add"),
        {
            "email": "x@alera.example",
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-different-passphrase",
        },
    )

    assert response.status_code == 200
    assert "password fields didn" in response.text
    assert not User.objects.filter(email="x@alera.example").exists()
