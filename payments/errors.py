"""Refusals of the payments app, as domain errors (the API maps each family to a status)."""

from alera.errors import Conflict, NotReady, UpstreamFailed


class PaymentsNotEnabled(NotReady):
    code = "payments_not_enabled"
    default_message = (
        "This studio has not finished Stripe Connect onboarding and cannot take payments."
    )


class PaymentFailed(UpstreamFailed):
    code = "payment_failed"

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} Safe to retry.")


class NotEnoughCredits(Conflict):
    code = "not_enough_credits"
    default_message = "The pack does not have that many credits left."
