"""The local gateway: a checkout page on this server that completes through the same
services a Stripe webhook reaches. Refused with DEBUG off unless ALLOW_DEV_GATEWAY is set."""

import datetime as dt

from django.conf import settings
from django.urls import reverse

from alera.ids import random_suffix
from payments.gateway.base import AccountStatus, CheckoutSession, Refund


class DevGateway:
    def create_checkout(self, *, payment, expires_at: dt.datetime) -> CheckoutSession:
        session_id = f"cs_dev_{random_suffix(24)}"
        url = settings.SITE_URL + reverse("dev-checkout", args=[session_id])
        return CheckoutSession(id=session_id, url=url, expires_at=expires_at)

    def refund(
        self, *, payment, amount_cents: int, idempotency_key: str, refund_ref: str
    ) -> Refund:
        return Refund(id=f"re_dev_{random_suffix(20)}", amount_cents=amount_cents)

    def find_refund(self, *, payment, refund_ref: str) -> Refund | None:
        return None  # a dev refund never fails, so no attempt is ever left unanswered

    def create_connected_account(self, *, provider) -> str:
        return f"acct_dev_{random_suffix(16)}"

    def create_account_link(self, *, provider, refresh_url: str, return_url: str) -> str:
        url = settings.SITE_URL + reverse("dev-connect", args=[provider.public_id])
        return f"{url}?return={return_url}"

    def retrieve_account(self, *, account_id: str) -> AccountStatus:
        from accounts.models import Provider

        provider = Provider.objects.filter(stripe_account_id=account_id).first()
        enabled = bool(provider and provider.stripe_charges_enabled)
        return AccountStatus(id=account_id, charges_enabled=enabled, details_submitted=enabled)
