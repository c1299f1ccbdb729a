"""Admin actions call the same services the API, dashboard and workers call."""

import pytest
from django.urls import reverse

from accounts.models import ApiKey
from accounts.services import api_key_lookup, api_key_mint
from payments import handlers
from payments.models import Payment, StripeEvent
from tests import factories
from tests.fakes.webhooks import completed_event, stripe_event

pytestmark = pytest.mark.django_db


def _run_action(admin_client, model, action: str, objs):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return admin_client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objs]}, follow=True
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_revoke_action_revokes_the_selected_keys_at_once(admin_client, rows):
    other = api_key_mint(provider=rows.provider, name="Other", origins=["https://p.example"])

    response = _run_action(admin_client, ApiKey, "revoke_keys", [rows.minted.api_key])

    assert response.status_code == 200
    assert "Revoke: 1 done." in _messages(response)
    rows.minted.api_key.refresh_from_db()
    assert rows.minted.api_key.revoked_at is not None
    assert api_key_lookup(rows.minted.plaintext) is None
    assert api_key_lookup(other.plaintext) == other.api_key  # not selected, still live


@pytest.mark.urls("tests.alera.urls_plumbing")
def test_revoked_key_is_refused_by_the_api_after_the_admin_revokes_it(admin_client, api, minted):
    assert api.get("/api/probe").status_code == 200

    _run_action(admin_client, ApiKey, "revoke_keys", [minted.api_key])

    response = api.get("/api/probe")
    assert response.status_code == 401
    assert set(response.json()) == {"error"}


def test_revoking_an_already_revoked_key_keeps_its_first_revocation_time(admin_client, rows):
    key = rows.minted.api_key
    _run_action(admin_client, ApiKey, "revoke_keys", [key])
    key.refresh_from_db()
    first = key.revoked_at

    _run_action(admin_client, ApiKey, "revoke_keys", [key])

    key.refresh_from_db()
    assert key.revoked_at == first


def _stored_event(event: dict) -> StripeEvent:
    """An event the intake stored but whose worker never ran (a crash, a lost task)."""
    return StripeEvent.objects.create(
        event_id=event["id"],
        type=event["type"],
        account=event.get("account") or "",
        payload=event,
    )


def test_reprocess_applies_a_stored_event_through_the_event_service(admin_client, rows):
    provider = factories.ProviderFactory(
        handle="onboarding", stripe_account_id="acct_onboard", stripe_charges_enabled=False
    )
    record = _stored_event(
        stripe_event(
            "account.updated",
            {"id": "acct_onboard", "charges_enabled": True, "details_submitted": True},
        )
    )

    response = _run_action(admin_client, StripeEvent, "reprocess", [record])

    assert "Reprocess: 1 done." in _messages(response)
    provider.refresh_from_db()
    assert provider.stripe_charges_enabled
    assert provider.stripe_details_submitted
    record.refresh_from_db()
    assert record.processed_at is not None


def test_reprocessing_a_completed_checkout_twice_delivers_once(admin_client, rows, monkeypatch):
    delivered = []
    monkeypatch.setitem(
        handlers._HANDLERS,
        Payment.Kind.ENROLLMENT,
        handlers.KindHandlers(on_paid=lambda p: delivered.append(p.public_id)),
    )
    payment = factories.PaymentFactory(provider=rows.provider)
    record = _stored_event(completed_event(payment, payment_intent="pi_reprocessed"))

    _run_action(admin_client, StripeEvent, "reprocess", [record])
    _run_action(admin_client, StripeEvent, "reprocess", [record])

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.payment_intent_id == "pi_reprocessed"
    assert delivered == [payment.public_id]


def test_reprocess_is_refused_to_staff_without_payment_rights(client, rows):
    from django.contrib.auth.models import Permission

    from accounts.models import User

    viewer = User.objects.create_user("viewer@alera.example", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_stripeevent"))
    client.force_login(viewer)
    url = reverse("admin:payments_stripeevent_changelist")

    page = client.get(url)
    response = client.post(
        url, {"action": "reprocess", "_selected_action": [rows.stripe_event.pk]}, follow=True
    )

    assert page.status_code == 200
    assert 'value="reprocess"' not in page.text
    assert response.status_code == 200
    assert not any("Reprocess" in m for m in _messages(response))
    rows.stripe_event.refresh_from_db()
    assert rows.stripe_event.processed_at is None
