"""Domain errors of the payments app, each mapped to one API status."""

from alera.api.errors import ApiError


class PaymentsNotEnabled(ApiError):
    def __init__(self) -> None:
        super().__init__(
            412, "This studio has not finished Stripe Connect onboarding and cannot take payments."
        )


class PaymentFailed(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(502, f"{message} Safe to retry.")


class NotEnoughCredits(ApiError):
    def __init__(self) -> None:
        super().__init__(409, "The pack does not have that many credits left.")
