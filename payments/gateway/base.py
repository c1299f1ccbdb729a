"""The gateway interface and its plain return values."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from accounts.models import Provider
    from payments.models import Payment


class GatewayError(Exception):
    """The processor failed or refused; the API answers 502 and nothing changed on our side.

    `definitive`: the processor answered that it did not do it (a 4xx other than 409). A
    connection error or a 5xx leaves it unknown whether the request took effect.
    """

    def __init__(self, message: str, *, definitive: bool = False) -> None:
        super().__init__(message)
        self.definitive = definitive


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Refund:
    id: str
    amount_cents: int
    status: str = "succeeded"


@dataclass(frozen=True)
class AccountStatus:
    id: str
    charges_enabled: bool
    details_submitted: bool


class PaymentGateway(Protocol):
    def create_checkout(self, *, payment: "Payment", expires_at: dt.datetime) -> CheckoutSession:
        """A direct-charge Checkout Session on the payment's connected account."""

    def refund(
        self, *, payment: "Payment", amount_cents: int, idempotency_key: str, refund_ref: str
    ) -> Refund:
        """Refund (part of) a paid payment on its connected account; `refund_ref` (our
        PaymentRefund's public id) goes into the refund's metadata."""

    def find_refund(self, *, payment: "Payment", refund_ref: str) -> Refund | None:
        """The refund an earlier attempt made for `refund_ref`, if Stripe has one."""

    def create_connected_account(self, *, provider: "Provider") -> str:
        """An Express connected account for the studio; returns its id."""

    def create_account_link(
        self, *, provider: "Provider", refresh_url: str, return_url: str
    ) -> str:
        """A one-time onboarding URL for the studio's connected account."""

    def retrieve_account(self, *, account_id: str) -> AccountStatus:
        """Whether the connected account can take charges yet."""
