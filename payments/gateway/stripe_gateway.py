"""Stripe, through the official SDK. Direct charges on the studio's connected account."""

import datetime as dt

import stripe
from django.conf import settings

from payments.gateway.base import AccountStatus, CheckoutSession, GatewayError, Refund

# Tests replace this with a `stripe.HTTPClient` subclass that records and answers requests.
HTTP_CLIENT: stripe.HTTPClient | None = None


def _client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    addresses = {"api": base, "connect": base, "files": base} if base else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=addresses,
        http_client=HTTP_CLIENT,
        max_network_retries=2,
    )


def _fail(action: str, exc: stripe.StripeError) -> GatewayError:
    message = getattr(exc, "user_message", None) or str(exc) or exc.__class__.__name__
    status = exc.http_status or 0
    # A 4xx is Stripe saying it did not do it; a 409 is a concurrent request with the same
    # key, which may; a 5xx or no answer at all leaves the outcome unknown.
    definitive = 400 <= status < 500 and status != 409
    return GatewayError(f"Stripe could not {action}: {message}", definitive=definitive)


class StripeGateway:
    def create_checkout(self, *, payment, expires_at: dt.datetime) -> CheckoutSession:
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency,
                        "unit_amount": payment.amount_cents,
                        "product_data": {"name": payment.description[:200]},
                    },
                }
            ],
            "client_reference_id": payment.public_id,
            "metadata": {"payment_id": payment.public_id, "kind": payment.kind},
            "payment_intent_data": {
                "metadata": {"payment_id": payment.public_id, "kind": payment.kind}
            },
            "expires_at": int(expires_at.timestamp()),
            "success_url": payment.success_url,
            "cancel_url": payment.cancel_url,
        }
        if payment.customer_email:
            params["customer_email"] = payment.customer_email
        try:
            session = _client().v1.checkout.sessions.create(
                params,
                {
                    "stripe_account": payment.stripe_account_id,
                    "idempotency_key": f"checkout-{payment.public_id}",
                },
            )
        except stripe.StripeError as exc:
            raise _fail("create the checkout", exc) from exc
        return CheckoutSession(
            id=session.id,
            url=session.url,
            expires_at=dt.datetime.fromtimestamp(session.expires_at, tz=dt.UTC),
        )

    def refund(
        self, *, payment, amount_cents: int, idempotency_key: str, refund_ref: str
    ) -> Refund:
        try:
            refund = _client().v1.refunds.create(
                {
                    "payment_intent": payment.payment_intent_id,
                    "amount": amount_cents,
                    "metadata": {"payment_id": payment.public_id, "refund_id": refund_ref},
                },
                {"stripe_account": payment.stripe_account_id, "idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise _fail("refund the payment", exc) from exc
        return Refund(id=refund.id, amount_cents=refund.amount, status=refund.status or "")

    def find_refund(self, *, payment, refund_ref: str) -> Refund | None:
        try:
            page = _client().v1.refunds.list(
                {"payment_intent": payment.payment_intent_id, "limit": 100},
                {"stripe_account": payment.stripe_account_id},
            )
            for refund in page.auto_paging_iter():
                metadata = refund.metadata.to_dict() if refund.metadata else {}
                if metadata.get("refund_id") == refund_ref:
                    return Refund(id=refund.id, amount_cents=refund.amount, status=refund.status)
        except stripe.StripeError as exc:
            raise _fail("look up the refunds", exc) from exc
        return None

    def create_connected_account(self, *, provider) -> str:
        try:
            account = _client().v1.accounts.create(
                {
                    "type": "express",
                    "email": provider.contact_email or None,
                    "business_profile": {"name": provider.display_name},
                    "metadata": {"provider_id": provider.public_id},
                },
                {"idempotency_key": f"account-{provider.public_id}"},
            )
        except stripe.StripeError as exc:
            raise _fail("create the connected account", exc) from exc
        return account.id

    def create_account_link(self, *, provider, refresh_url: str, return_url: str) -> str:
        try:
            link = _client().v1.account_links.create(
                {
                    "account": provider.stripe_account_id,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                }
            )
        except stripe.StripeError as exc:
            raise _fail("start onboarding", exc) from exc
        return link.url

    def retrieve_account(self, *, account_id: str) -> AccountStatus:
        try:
            account = _client().v1.accounts.retrieve(account_id)
        except stripe.StripeError as exc:
            raise _fail("read the connected account", exc) from exc
        return AccountStatus(
            id=account.id,
            charges_enabled=bool(account.charges_enabled),
            details_submitted=bool(account.details_submitted),
        )
