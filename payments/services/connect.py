"""Stripe Connect onboarding for a studio: one Express account, then Account Links."""

from accounts.models import Provider
from payments.errors import PaymentFailed
from payments.gateway import AccountStatus, GatewayError, get_gateway
from payments.services.events import provider_stripe_status_set


def connect_start(*, provider: Provider, refresh_url: str, return_url: str) -> str:
    """The onboarding URL to send the owner to; creates the connected account only once.

    The account is created outside any transaction (Stripe call), then claimed with a
    conditional UPDATE so two clicks at once keep one account (the idempotency key, derived
    from the provider id, makes Stripe return the same account anyway).
    """
    gateway = get_gateway()
    try:
        if not provider.stripe_account_id:
            account_id = gateway.create_connected_account(provider=provider)
            Provider.objects.filter(pk=provider.pk, stripe_account_id="").update(
                stripe_account_id=account_id
            )
            provider.refresh_from_db(fields=["stripe_account_id"])
        return gateway.create_account_link(
            provider=provider, refresh_url=refresh_url, return_url=return_url
        )
    except GatewayError as exc:
        raise PaymentFailed(str(exc)) from exc


def connect_refresh_status(*, provider: Provider) -> AccountStatus | None:
    """Read the account from Stripe (on return from onboarding) and mirror its status."""
    if not provider.stripe_account_id:
        return None
    try:
        status = get_gateway().retrieve_account(account_id=provider.stripe_account_id)
    except GatewayError as exc:
        raise PaymentFailed(str(exc)) from exc
    provider_stripe_status_set(
        account_id=provider.stripe_account_id,
        charges_enabled=status.charges_enabled,
        details_submitted=status.details_submitted,
    )
    provider.refresh_from_db(fields=["stripe_charges_enabled", "stripe_details_submitted"])
    return status
