"""Domain errors of the booking engine, one status each (see the public API contract)."""

from alera.api.errors import ApiError


class ClassGone(ApiError):
    def __init__(self, message: str = "This class was cancelled.") -> None:
        super().__init__(410, message)


class ClassFull(ApiError):
    def __init__(self) -> None:
        super().__init__(
            409, "This class is full; join the waitlist instead.", waitlistAvailable=True
        )


class AlreadyBooked(ApiError):
    def __init__(self) -> None:
        super().__init__(409, "This customer is already booked into this class.")


class NoSeatFree(ApiError):
    def __init__(self) -> None:
        super().__init__(409, "No seat is free in this class to offer to the waitlist.")


class EntryNotWaiting(ApiError):
    def __init__(self) -> None:
        super().__init__(409, "This waitlist entry was already promoted or cancelled.")
