"""Reads of the customers app: the client a customer token names."""

from accounts.models import Provider
from alera.tokens import Purpose, token_read
from customers.errors import CustomerGone, SignedOut, TokenForeignStudio
from customers.models import Client


def client_for_token(*, token: str | None, provider: Provider | None = None) -> Client:
    """The client a customer token names. TokenInvalid/TokenExpired/SignedOut when it can't
    be used, TokenForeignStudio for another studio's token, CustomerGone when deleted."""
    data = token_read(Purpose.CUSTOMER, token or "")
    if provider is not None and data.provider_id != provider.public_id:
        raise TokenForeignStudio()
    client = (
        Client.objects.select_related("provider")
        .filter(public_id=data.record_id, provider__public_id=data.provider_id)
        .first()
    )
    if client is None:
        raise CustomerGone()
    if client.signed_out_since(data.issued_at):
        raise SignedOut()
    return client
