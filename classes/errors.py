"""Refusals of the booking engine, as domain errors (the API maps each family to a status)."""

from alera.errors import Conflict, Forbidden, Gone, InvalidRequest, NotAuthenticated, NotFound


class ClassGone(Gone):
    code = "class_gone"
    default_message = "This class was cancelled."


class ClassNotFound(NotFound):
    code = "class_not_found"
    default_message = "No such class."


class ClassFull(Conflict):
    code = "class_full"
    default_message = "This class is full; join the waitlist instead."
    default_hints = {"waitlistAvailable": True}


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_message = "This customer is already booked into this class."


class NoSeatFree(Conflict):
    code = "no_seat_free"
    default_message = "No seat is free in this class to offer to the waitlist."


class EntryNotWaiting(Conflict):
    code = "entry_not_waiting"
    default_message = "This waitlist entry was already promoted or cancelled."


class SeatsStillFree(Conflict):
    code = "seats_still_free"
    default_message = "Seats are still available; book the class directly."


class CancelInFlight(Conflict):
    code = "cancel_in_flight"
    default_message = "This booking is being cancelled right now; try again in a moment."


class BookingNotCancellable(Gone):
    code = "booking_not_cancellable"


class BookingNotFound(NotFound):
    code = "booking_not_found"
    default_message = "No such booking."


class CancelTokenInvalid(NotAuthenticated):
    code = "cancel_token_invalid"


class PackNotFound(NotFound):
    code = "pack_not_found"
    default_message = "No such class pack for this customer."


class AppointmentNotScheduled(Gone):
    code = "appointment_not_scheduled"

    def __init__(self, appointment=None, message: str | None = None) -> None:
        if appointment is not None and message is None:
            message = f"This appointment is already {appointment.status}."
        super().__init__(message)


class NotInStudio(NotFound):
    """A row named in a request belongs to another studio (answered like an unknown id)."""

    code = "not_in_studio"


class BadScheduleTime(InvalidRequest):
    code = "bad_schedule_time"


class BookingNotConfirmed(Conflict):
    code = "booking_not_confirmed"


class SessionNotEditable(Gone):
    code = "session_not_editable"


class TipLinkInvalid(Forbidden):
    code = "tip_link_invalid"


class TipCheckoutOpening(Conflict):
    code = "tip_checkout_opening"
    default_message = "Your tip checkout is being opened; try again in a moment."
